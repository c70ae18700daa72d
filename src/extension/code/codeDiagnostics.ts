import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import type { CodeProblem, ProblemFix } from '../../core/code/codeProblems';
import type { SourceRange } from '../../core/code/credentialCalls';
import type { EngineFacade } from '../../core/engineFacade';
import type { ChainSnapshot } from '../../core/presentation/snapshot';
import type { ChainController } from '../chainController';
import { Commands } from '../ids';
import type { PythonEnvironment } from '../pythonEnvironment';
import { readSettings } from '../settings';
import type { CodeCredentials } from './codeCredentials';
import type { CheckedOpenDocument } from './workspaceProblems';

const SOURCE = 'Azure Dev Auth';
const EDIT_DEBOUNCE_MS = 500;
/** A .gitignore larger than this is not read to check for the line (the fix then just appends it). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

const toRange = (r: SourceRange) => new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);

/**
 * The Problems panel's entries for what the code and the chain show together, and their quick fixes: on the
 * modelled `DefaultAzureCredential(...)` an `exclude_*` keyword that leaves out the only signed-in source; in the
 * .env the chain reads, an AZURE_TOKEN_CREDENTIALS value the installed azure-identity does not understand and an
 * AZURE_CLIENT_SECRET in a file git tracks. Recomputed when the chain's answer changes and, for the .env, when it
 * is edited (debounced); the Python side follows the chain, which re-checks when the modelled call changes.
 */
export class CodeDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('azureDevAuth');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** The problems behind each diagnostic shown, by document. */
  private readonly problems = new Map<string, { diagnostic: vscode.Diagnostic; problem: CodeProblem }[]>();
  /** Which documents each kind of problem was last shown on, so a kind that is gone is cleared. */
  private readonly shownBy: Record<ProblemKind, Set<string>> = { call: new Set(), env: new Set(), legacy: new Set() };
  private legacyTimer: NodeJS.Timeout | undefined;
  /** The last check without the keywords, for the check it was made for (a view redraw publishes the same check again). */
  private recheck: { key: string; abort: AbortController; problems: Promise<CodeProblem[] | undefined> } | undefined;
  private envTimer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly controller: ChainController,
    private readonly code: CodeCredentials,
    private readonly python: PythonEnvironment,
    private readonly engine: () => Promise<EngineFacade>,
    private readonly log: vscode.LogOutputChannel,
    private readonly checked: CheckedOpenDocument,
  ) {
    // git add / git rm --cached rewrite the index: whether the .env is tracked may have changed.
    const index = vscode.workspace.createFileSystemWatcher('**/.git/index');
    this.disposables.push(
      index, index.onDidChange(() => this.scheduleEnv()), index.onDidCreate(() => this.scheduleEnv()), index.onDidDelete(() => this.scheduleEnv()),
      controller.onDidChange((snapshot) => { if (snapshot.phase === 'ready' || snapshot.phase === 'failed') void this.update(snapshot); }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isEnvFile(e.document.uri)) this.scheduleEnv();
        if (e.document.languageId === 'python') this.scheduleLegacy();
      }),
      vscode.workspace.onDidOpenTextDocument((document) => { if (document.languageId === 'python') this.scheduleLegacy(); }),
      vscode.workspace.onDidCloseTextDocument((document) => { if (document.languageId === 'python') this.scheduleLegacy(); }),
      vscode.workspace.onDidSaveTextDocument((document) => { if (this.isEnvFile(document.uri)) this.scheduleEnv(); }),
      vscode.workspace.onDidCloseTextDocument((document) => { if (this.isEnvFile(document.uri)) this.scheduleEnv(); }),
    );
  }

  private envFile(): vscode.Uri | undefined {
    const folder = this.controller.folder;
    return this.python.envFile(folder, readSettings(folder));
  }

  private isEnvFile(uri: vscode.Uri): boolean {
    return uri.toString() === this.envFile()?.toString();
  }

  private scheduleEnv(): void {
    if (this.envTimer) clearTimeout(this.envTimer);
    this.envTimer = setTimeout(() => { this.envTimer = undefined; void this.updateEnv(this.controller.current); }, EDIT_DEBOUNCE_MS);
  }

  private scheduleLegacy(): void {
    if (this.legacyTimer) clearTimeout(this.legacyTimer);
    this.legacyTimer = setTimeout(() => { this.legacyTimer = undefined; void this.updateLegacy(this.controller.current); }, EDIT_DEBOUNCE_MS);
  }

  private async update(snapshot: ChainSnapshot): Promise<void> {
    await Promise.all([this.updateCall(snapshot), this.updateEnv(snapshot), this.updateLegacy(snapshot)]);
  }

  /**
   * (d): track-1 authentication in the open Python documents, with the interpreter's track-1 libraries. Each
   * document is parsed once per version (the parse the lenses use), so a change re-reads that document alone.
   */
  private async updateLegacy(snapshot: ChainSnapshot): Promise<void> {
    const python = snapshot.phase === 'ready' ? snapshot.check.python : snapshot.phase === 'failed' ? snapshot.python : undefined;
    const track1 = python?.kind === 'answered' ? python.track1Packages ?? [] : undefined;
    const documents = vscode.workspace.textDocuments.filter((d) => d.languageId === 'python' && d.uri.scheme === 'file' && !d.isClosed);
    try {
      const engine = await this.engine();
      const updates = await Promise.all(documents.map(async (document) => ({
        uri: document.uri, problems: engine.legacyAuthProblems(await this.code.legacyIn(document), track1),
      })));
      this.show('legacy', updates);
    } catch (error) {
      this.log.warn(`Could not check the code for track-1 authentication: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const document of documents) if (!document.isClosed) this.checked(document.uri, 'legacy');
  }

  /** (a): the modelled call's keywords against the chain's answer, and the same check without them. */
  private async updateCall(snapshot: ChainSnapshot): Promise<void> {
    const generation = ++this.generation;
    const problems: { uri: vscode.Uri; problems: CodeProblem[] }[] = [];
    const modelled = this.code.current();
    const folderKey = snapshot.scope.folder?.uri ?? '';
    // The chain models the call only when it is in the folder the chain describes.
    const inFolder = modelled && (vscode.workspace.getWorkspaceFolder(modelled.uri)?.uri.toString() ?? '') === folderKey;
    if (snapshot.phase === 'ready' && modelled && inFolder) {
      try {
        const document = await vscode.workspace.openTextDocument(modelled.uri);
        const call = (await this.code.callsIn(document)).find((c) => c.credential === 'DefaultAzureCredential' && c.range.startLine === modelled.line);
        const engine = await this.engine();
        const report = snapshot.check.report;
        // One entry for the file: show() replaces a file's 'call' problems with each entry it is given.
        const found = call ? engine.tenantIdProblems(call, report) : [];
        const drop = call ? engine.keywordExclusionsToRecheck(call, report) : [];
        if (call && drop.length) {
          const key = JSON.stringify([snapshot.check.checkedAt, modelled.uri.toString(), modelled.line, drop]);
          if (this.recheck?.key !== key) {
            this.recheck?.abort.abort();
            const abort = new AbortController();
            this.recheck = {
              key, abort,
              problems: this.controller.recheckWithout(folderKey, drop, abort.signal).then((without) => without && engine.exclusionProblems(call, report, without)),
            };
          }
          found.push(...(await this.recheck.problems) ?? []);
        }
        if (found.length) problems.push({ uri: modelled.uri, problems: found });
      } catch (error) {
        if (!(error instanceof Error && error.name === 'AbortError')) this.log.warn(`Could not check the code's exclude_* keywords: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    // A later snapshot started its own update meanwhile: it decides.
    if (generation !== this.generation) return;
    this.show('call', problems);
  }

  /** (b) and (c): the .env the chain reads. */
  private async updateEnv(snapshot: ChainSnapshot): Promise<void> {
    const file = this.envFile();
    const problems: { uri: vscode.Uri; problems: CodeProblem[] }[] = [];
    if (file && file.scheme === 'file') {
      const python = snapshot.phase === 'ready' ? snapshot.check.python : snapshot.phase === 'failed' ? snapshot.python : undefined;
      const version = python?.kind === 'answered' ? python.azureIdentityVersion ?? undefined : undefined;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
      try {
        const engine = await this.engine();
        const found = await engine.envFileProblems({ file: file.fsPath, azureIdentityVersion: version, ...(open ? { text: open.getText() } : {}) });
        problems.push({ uri: file, problems: found });
      } catch (error) {
        // No .env is the usual case.
        if (!(error instanceof Error && /does not exist|ENOENT|missing/i.test(error.message))) {
          this.log.warn(`Could not check ${vscode.workspace.asRelativePath(file)}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    this.show('env', problems);
  }

  private show(kind: ProblemKind, updates: { uri: vscode.Uri; problems: CodeProblem[] }[]): void {
    const previous = this.shownBy[kind];
    const now = new Set<string>();
    for (const { uri, problems } of updates) {
      const key = uri.toString();
      now.add(key);
      const kept = (this.problems.get(key) ?? []).filter((p) => ruleKind(p.problem) !== kind);
      const added = problems.map((problem) => ({ diagnostic: diagnosticOf(problem), problem }));
      this.set(uri, [...kept, ...added]);
    }
    for (const key of previous) {
      if (now.has(key)) continue;
      const kept = (this.problems.get(key) ?? []).filter((p) => ruleKind(p.problem) !== kind);
      this.set(vscode.Uri.parse(key), kept);
    }
    this.shownBy[kind] = now;
  }

  private set(uri: vscode.Uri, entries: { diagnostic: vscode.Diagnostic; problem: CodeProblem }[]): void {
    const key = uri.toString();
    if (entries.length) this.problems.set(key, entries); else this.problems.delete(key);
    this.collection.set(uri, entries.map((e) => e.diagnostic));
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entries = this.problems.get(document.uri.toString()) ?? [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const entry = entries.find((e) => e.diagnostic.message === diagnostic.message && e.diagnostic.range.isEqual(diagnostic.range));
      if (!entry) continue;
      for (const fix of entry.problem.fixes) actions.push(this.action(document, diagnostic, fix));
    }
    return actions;
  }

  private action(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: ProblemFix): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    switch (fix.kind) {
      case 'edit': {
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, toRange(fix.range), fix.text);
        if (fix.insert) action.edit.insert(document.uri, new vscode.Position(fix.insert.line, 0), fix.insert.text);
        action.isPreferred = fix.preferred === true;
        break;
      }
      case 'append-line':
        action.command = { title: fix.title, command: Commands.applyCodeFix, arguments: [fix] };
        break;
      case 'copy':
        action.command = { title: fix.title, command: Commands.applyCodeFix, arguments: [fix] };
        break;
      case 'sign-in':
        action.command = { title: fix.title, command: Commands.signIn };
        break;
    }
    return action;
  }

  /** Runs a fix that is not an edit of the document: copies a command, or adds a line to .gitignore (and saves it). */
  async applyFix(fix: unknown): Promise<void> {
    if (!isFix(fix)) return;
    if (fix.kind === 'copy') {
      await vscode.env.clipboard.writeText(fix.text);
      // The command holds a path from the workspace: it is not repeated in a notification, which renders links.
      void vscode.window.showInformationMessage(vscode.l10n.t('The command is on the clipboard: paste it in a terminal.'));
      return;
    }
    if (fix.kind !== 'append-line') return;
    const uri = vscode.Uri.file(fix.file);
    let text = '';
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      text = open ? open.getText() : (await readFile(fix.file)).subarray(0, MAX_GITIGNORE_BYTES).toString('utf8');
    } catch {
      // No .gitignore yet: it is created.
    }
    if (text.split(/\r?\n/).includes(fix.line)) return;
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { ignoreIfExists: true });
    const lines = text.split('\n');
    const end = new vscode.Position(lines.length - 1, lines[lines.length - 1]!.length);
    edit.insert(uri, end, `${text && !text.endsWith('\n') ? '\n' : ''}${fix.line}\n`);
    if (await vscode.workspace.applyEdit(edit)) {
      await (await vscode.workspace.openTextDocument(uri)).save();
      this.scheduleEnv();
    }
  }

  dispose(): void {
    this.recheck?.abort.abort();
    if (this.envTimer) clearTimeout(this.envTimer);
    if (this.legacyTimer) clearTimeout(this.legacyTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The Problems panel's entries and their quick fixes, and the command behind the fixes that are not edits. */
export function registerCodeDiagnostics(
  controller: ChainController, code: CodeCredentials, python: PythonEnvironment, engine: () => Promise<EngineFacade>, log: vscode.LogOutputChannel,
  register: (id: typeof Commands.applyCodeFix, handler: (fix: unknown) => Promise<void>) => vscode.Disposable,
  checked: CheckedOpenDocument,
): vscode.Disposable[] {
  const diagnostics = new CodeDiagnostics(controller, code, python, engine, log, checked);
  return [
    diagnostics,
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, diagnostics, { providedCodeActionKinds: CodeDiagnostics.providedCodeActionKinds }),
    register(Commands.applyCodeFix, (fix) => diagnostics.applyFix(fix)),
  ];
}

type ProblemKind = 'call' | 'env' | 'legacy';

function ruleKind(problem: CodeProblem): ProblemKind {
  switch (problem.rule) {
    case 'token-credentials-value':
    case 'tracked-client-secret':
      return 'env';
    case 'retired-client-factory':
    case 'track1-credentials':
      return 'legacy';
    case 'exclude-only-signed-in':
    case 'tenant-id-keyword':
      return 'call';
  }
}

function diagnosticOf(problem: CodeProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(problem.range), problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = SOURCE;
  diagnostic.code = problem.rule;
  return diagnostic;
}

/** The fix a code action passes back to the command (validated: command arguments are data). */
function isFix(value: unknown): value is Extract<ProblemFix, { kind: 'copy' | 'append-line' }> {
  if (typeof value !== 'object' || value === null) return false;
  const fix = value as Record<string, unknown>;
  if (fix.kind === 'copy') return typeof fix.text === 'string';
  return fix.kind === 'append-line' && typeof fix.file === 'string' && typeof fix.line === 'string' && !/[\r\n]/.test(fix.line);
}
