import * as vscode from 'vscode';
import { readFile } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CodeProblem } from '../../core/code/codeProblems';
import type { CredentialIndex, SourceFile } from '../../core/code/credentialIndex';
import type { EngineFacade } from '../../core/engineFacade';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import { pythonFactsOf } from '../../core/presentation/snapshot';
import type { CommandContext } from '../commands/context';
import { CLIENT_DIAGNOSTIC_CODE, CLIENT_DIAGNOSTIC_SOURCE } from './clientDiagnostics';
import type { CodeClients } from './clientHover';

/**
 * A file's text. fs.readFile with a callback takes about half the CPU of fs/promises' readFile for the small files
 * of a workspace (measured on Node 20, 2,000 files of 5 KB), and every file of the workspace is read once.
 */
const readText = (path: string): Promise<string> =>
  new Promise((resolve, reject) => readFile(path, 'utf8', (error, text) => (error ? reject(error) : resolve(text))));

/** At most this many Python files of a workspace are read (the first ones VS Code's file search gives). */
export const MAX_WORKSPACE_FILES = 5000;
/** Folders no developer's own code lives in, left out whatever the settings say. */
const ALWAYS_EXCLUDED = ['**/.venv', '**/venv', '**/site-packages', '**/node_modules', '**/__pycache__', '**/.git', '**/.tox', '**/.nox'];
const REFRESH_DEBOUNCE_MS = 500;
const RESCAN_DEBOUNCE_MS = 1000;
const STAT_BATCH = 64;
/** How long a file just opened keeps the workspace pass's entries if an open-document check never reports on it. */
const HANDOVER_BOUND_MS = 10_000;

/** The checks that take a Python file over once it is open, each with its share of the workspace pass's entries. */
export type OpenDocumentCheck = 'clients' | 'legacy';
/** Told by an open-document check each time it has drawn (or found nothing to draw for) a document. */
export type CheckedOpenDocument = (uri: vscode.Uri, check: OpenDocumentCheck) => void;

const checkOf = (diagnostic: vscode.Diagnostic): OpenDocumentCheck => (diagnostic.code === CLIENT_DIAGNOSTIC_CODE ? 'clients' : 'legacy');
const SCOPE_SETTING = 'azureDevAuth.problems.scope';

/**
 * The Problems panel's entries for Python files that are not open, as a linter's workspace diagnostics: the
 * workspace's Python files (bounded: files.exclude, search.exclude, virtual environments and node_modules left out,
 * at most 5,000 files of at most 1 MB) are read through one index that parses a file again only when it changed on
 * disk, and each gets the problems an open file gets — track-1 authentication, and SDK clients whose resource the
 * Access view's identity cannot fully use. A file that is open is the open-document checks' (they follow unsaved
 * edits and offer the quick fixes) from the moment each has drawn it; a file closed again is shown from the index. Nothing is read before the chain's
 * first check has loaded the engine, and nothing at all when `azureDevAuth.problems.scope` is `openFiles`.
 */
export class WorkspaceProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('azureDevAuth.workspace');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private index: CredentialIndex | undefined;
  /** The workspace's Python files as last found, by path. */
  private readonly stamps = new Map<string, SourceFile>();
  private started = false;
  private running: Promise<void> | undefined;
  private pending: { rescan: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Files the watcher saw change since the last refresh. */
  private readonly dirty = new Set<string>();
  private limitLogged = false;
  /**
   * Files just opened whose entries stay until the open-document checks have drawn theirs: each check's share goes
   * when that check reports. Deleting them on open left the file with no entry for half a second or more (the checks
   * are debounced and parse first), so the squiggle blinked and Ctrl+. in that moment offered no quick fix.
   */
  private readonly handingOver = new Map<string, { left: Set<OpenDocumentCheck>; bound: NodeJS.Timeout }>();

  constructor(private readonly ctx: CommandContext, private readonly clients: CodeClients) {
    this.disposables.push(
      ctx.controller.onDidChange((snapshot) => {
        if (snapshot.phase !== 'ready' && snapshot.phase !== 'failed') return;
        if (!this.started) this.start(); else this.publishAll();
      }),
      ctx.access.onDidChange(() => { if (this.started) this.publishAll(); }),
      vscode.workspace.onDidOpenTextDocument((document) => this.opened(document)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme !== 'file') return;
        this.endHandover(document.uri, false);
        if (this.started) void this.publish([document.uri.fsPath]);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SCOPE_SETTING) || e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) this.schedule(true);
      }),
    );
  }

  /** The open-document checks take the file over: its entries stay until they have drawn theirs. */
  private opened(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    const entries = this.collection.get(document.uri);
    if (!entries?.length || document.languageId !== 'python') {
      this.collection.delete(document.uri);
      return;
    }
    this.endHandover(document.uri, false);
    const bound = setTimeout(() => this.endHandover(document.uri, true), HANDOVER_BOUND_MS);
    this.handingOver.set(document.uri.toString(), { left: new Set(['clients', 'legacy']), bound });
  }

  /** An open-document check has drawn `uri`: its share of this pass's entries goes. */
  readonly checked: CheckedOpenDocument = (uri, check) => {
    const handover = this.handingOver.get(uri.toString());
    if (!handover) return;
    handover.left.delete(check);
    const kept = (this.collection.get(uri) ?? []).filter((d) => handover.left.has(checkOf(d)));
    if (!handover.left.size || !kept.length) this.endHandover(uri, true);
    else this.collection.set(uri, kept);
  };

  private endHandover(uri: vscode.Uri, clear: boolean): void {
    const key = uri.toString();
    const handover = this.handingOver.get(key);
    if (handover) clearTimeout(handover.bound);
    this.handingOver.delete(key);
    if (clear) this.collection.delete(uri);
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration().get<unknown>(SCOPE_SETTING) !== 'openFiles';
  }

  private start(): void {
    this.started = true;
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    this.disposables.push(
      watcher,
      // A file written on disk (saved, or changed by a tool): read again if it is one of the workspace's.
      watcher.onDidChange((uri) => { if (this.stamps.has(uri.fsPath)) this.schedule(false, uri.fsPath); }),
      // A new file may be in a folder the search leaves out (a package installed into .venv): the search decides.
      watcher.onDidCreate(() => this.schedule(true)),
      // A folder's deletion comes as one event for the folder: everything under it is gone.
      watcher.onDidDelete((uri) => {
        const prefix = `${uri.fsPath}/`;
        for (const path of [...this.stamps.keys()]) if (path === uri.fsPath || path.startsWith(prefix)) this.stamps.delete(path);
        this.schedule(false);
      }),
    );
    this.schedule(true);
  }

  private schedule(rescan: boolean, changedPath?: string): void {
    if (!this.started) return;
    if (changedPath) this.dirty.add(changedPath);
    this.pending = { rescan: rescan || this.pending?.rescan === true };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.run(); }, rescan ? RESCAN_DEBOUNCE_MS : REFRESH_DEBOUNCE_MS);
  }

  private async run(): Promise<void> {
    if (this.running) {
      // The run in progress reschedules when it ends.
      await this.running;
      return;
    }
    const work = this.pending;
    this.pending = undefined;
    if (!work) return;
    this.running = this.refresh(work.rescan).catch((error: unknown) => {
      this.ctx.log.warn(`Could not check the workspace's Python files: ${error instanceof Error ? error.message : String(error)}`);
    }).finally(() => {
      this.running = undefined;
      if (this.pending) void this.run();
    });
    await this.running;
  }

  private async refresh(rescan: boolean): Promise<void> {
    if (!this.enabled()) {
      this.stamps.clear();
      this.dirty.clear();
      this.index = undefined;
      this.collection.clear();
      return;
    }
    if (rescan || this.stamps.size === 0) await this.findFiles();
    const dirty = [...this.dirty];
    this.dirty.clear();
    await this.restat(dirty);
    const engine = await this.ctx.engine();
    this.index ??= engine.codeIndex();
    const started = performance.now();
    const update = await this.index.update([...this.stamps.values()], readText);
    if (update.read) this.ctx.log.info(`Read ${update.read} Python file(s) of the workspace for problems (${update.parsed} parsed) in ${Math.round(performance.now() - started)} ms (${this.stamps.size} in the index).`);
    for (const skipped of update.skipped) this.ctx.log.info(`Not checked for problems: ${vscode.workspace.asRelativePath(skipped.path)} (${skipped.reason}).`);
    for (const path of update.removed) this.collection.delete(vscode.Uri.file(path));
    await this.publish(update.changed, engine);
  }

  /** The workspace's Python files, as VS Code's file search finds them with the excludes applied. */
  private async findFiles(): Promise<void> {
    const found = new Map<string, vscode.Uri>();
    let more = false;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const left = MAX_WORKSPACE_FILES - found.size;
      if (left <= 0) { more = true; break; }
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.py'), excludeGlob(folder), left + 1);
      if (uris.length > left) more = true;
      for (const uri of uris.slice(0, left)) found.set(uri.fsPath, uri);
    }
    if (more && !this.limitLogged) {
      this.limitLogged = true;
      this.ctx.log.info(`The workspace has more than ${MAX_WORKSPACE_FILES} Python files: problems are shown for the open ones and ${MAX_WORKSPACE_FILES} others.`);
    }
    for (const path of [...this.stamps.keys()]) if (!found.has(path)) this.stamps.delete(path);
    await this.restat([...found.keys()].filter((path) => !this.stamps.has(path)));
    // Files that were there and may have changed unseen (the watcher misses changes while VS Code is busy): stat again.
    await this.restat([...this.stamps.keys()]);
  }

  /** Stats `paths` (a batch at a time); a path that is not a regular file any more (gone, a FIFO) is dropped. */
  private async restat(paths: readonly string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += STAT_BATCH) {
      await Promise.all(paths.slice(i, i + STAT_BATCH).map(async (path) => {
        try {
          const s = await stat(path);
          if (s.isFile()) this.stamps.set(path, { path, mtimeMs: s.mtimeMs, size: s.size });
          else this.stamps.delete(path);
        } catch {
          this.stamps.delete(path);
        }
      }));
    }
  }

  private publishAll(): void {
    if (this.index) void this.publish(this.index.paths());
  }

  /** Redraws the entries of `paths` (files that are open are the open-document checks'). */
  private async publish(paths: readonly string[], loaded?: EngineFacade): Promise<void> {
    const index = this.index;
    if (!index || !paths.length) return;
    const engine = loaded ?? await this.ctx.engine();
    const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && !d.isClosed).map((d) => d.uri.fsPath));
    const python = pythonFactsOf(this.ctx.controller.current);
    const track1 = python?.kind === 'answered' ? python.track1Packages ?? [] : undefined;
    const accessLoaded = shownAccess(this.ctx.access.current) !== undefined;
    for (const path of paths) {
      const uri = vscode.Uri.file(path);
      const facts = index.factsIn(path);
      if (open.has(path)) {
        // Left as they are while the open-document checks take the file over.
        if (!this.handingOver.has(uri.toString())) this.collection.delete(uri);
        continue;
      }
      if (!facts) {
        this.collection.delete(uri);
        continue;
      }
      const diagnostics = engine.legacyAuthProblems(facts.legacy, track1).map(diagnosticOf);
      if (accessLoaded) {
        facts.clients.forEach((call, i) => {
          const said = engine.clientDiagnostic(this.clients.accessAt(engine, call, uri));
          if (!said) return;
          const range = new vscode.Range(call.range.startLine, call.range.startColumn, call.range.startLine, facts.clientLineEnds[i] ?? call.range.startColumn);
          const diagnostic = new vscode.Diagnostic(range, said.message, said.unreachable ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
          diagnostic.source = CLIENT_DIAGNOSTIC_SOURCE;
          diagnostic.code = CLIENT_DIAGNOSTIC_CODE;
          diagnostics.push(diagnostic);
        });
      }
      if (diagnostics.length) this.collection.set(uri, diagnostics); else this.collection.delete(uri);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const { bound } of this.handingOver.values()) clearTimeout(bound);
    this.handingOver.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function diagnosticOf(problem: CodeProblem): vscode.Diagnostic {
  const range = new vscode.Range(problem.range.startLine, problem.range.startColumn, problem.range.endLine, problem.range.endColumn);
  const diagnostic = new vscode.Diagnostic(range, problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = CLIENT_DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.rule;
  return diagnostic;
}

/**
 * One glob of what the file search leaves out: files.exclude and search.exclude (the patterns set to true) and the
 * folders of virtual environments and packages. A pattern with braces of its own cannot be nested in the group and
 * is left out of it (the files it names are then read; the size and count bounds still hold).
 */
export function excludeGlob(folder: vscode.WorkspaceFolder): string {
  const patterns = new Set(ALWAYS_EXCLUDED);
  for (const section of ['files', 'search']) {
    const excludes = vscode.workspace.getConfiguration(section, folder).get<unknown>('exclude');
    if (!excludes || typeof excludes !== 'object') continue;
    for (const [pattern, on] of Object.entries(excludes)) if (on === true && pattern && !/[{}]/.test(pattern)) patterns.add(pattern.replace(/\/+$/, ''));
  }
  return `{${[...patterns].flatMap((p) => [p, `${p}/**`]).join(',')}}`;
}
