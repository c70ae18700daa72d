import * as vscode from 'vscode';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import type { CommandContext } from '../commands/context';
import { Commands } from '../ids';
import { clientRange, type CodeClients } from './clientHover';
import type { CheckedOpenDocument } from './workspaceProblems';
import type { ClientAccess } from '../../core/code/clientAccess';

/** A client problem's quick fix: an Azure role through the role wizard, or (Cosmos DB, whose scope is the account) its role command. */
interface ClientFix {
  readonly roleName: string;
  readonly scope: string;
  readonly cosmos: boolean;
}

function fixOf(access: ClientAccess): ClientFix | undefined {
  if (access.kind !== 'answered') return undefined;
  if (access.suggestion) return { ...access.suggestion, cosmos: false };
  return access.command ? { roleName: access.command.roleName, scope: access.scope, cosmos: true } : undefined;
}

export const CLIENT_DIAGNOSTIC_SOURCE = 'Azure Dev Auth';
export const CLIENT_DIAGNOSTIC_CODE = 'client-data-role';
const DEBOUNCE_MS = 500;

/**
 * In the Problems panel, each SDK client of an open Python file whose resource the Access view's identity cannot
 * fully use: a warning when no data role reaches it at all, information when one operation of it (a write) is
 * refused. The quick fix is the hover's Assign Role… with the same role and resource. Only said when the code names
 * the endpoint (a literal or the run's environment) and the Access view has loaded; redrawn when either changes.
 */
export class ClientDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly collection = vscode.languages.createDiagnosticCollection('azureDevAuth.clients');
  /** The role and scope behind each diagnostic, by document and position. */
  private readonly fixes = new Map<string, ClientFix>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** The latest refresh of each document: an older one that finishes later is dropped. */
  private readonly generations = new Map<string, number>();
  /** What each document's diagnostics say, as text: the same answer again is not published again. */
  private readonly published = new Map<string, string>();

  constructor(private readonly ctx: CommandContext, private readonly clients: CodeClients, private readonly checked: CheckedOpenDocument) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      ctx.access.onDidChange(() => this.refreshAll()),
      // The run's environment (.env) came with the chain's check.
      ctx.controller.onDidChange(() => this.refreshAll()),
      vscode.languages.registerCodeActionsProvider({ language: 'python', scheme: 'file' }, this, ClientDiagnostics.metadata),
    );
    this.refreshAll();
  }

  private key(uri: vscode.Uri, position: vscode.Position): string {
    return `${uri.toString()}#${position.line}:${position.character}`;
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.languageId !== 'python' || document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.refresh(document); }, DEBOUNCE_MS));
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
  }

  private forget(uri: vscode.Uri): void {
    this.clear(uri);
    this.generations.delete(uri.toString());
  }

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.published.delete(uri.toString());
    this.forgetFixes(uri);
  }

  private forgetFixes(uri: vscode.Uri): void {
    const prefix = `${uri.toString()}#`;
    for (const key of [...this.fixes.keys()]) if (key.startsWith(prefix)) this.fixes.delete(key);
  }

  private async refresh(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const key = document.uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    // Told once this refresh has decided, unless a later one took over (it tells then).
    if (await this.draw(document, generation)) this.checked(document.uri, 'clients');
  }

  /** Draws the document's entries; false when the document closed, changed or a later refresh took over. */
  private async draw(document: vscode.TextDocument, generation: number): Promise<boolean> {
    const key = document.uri.toString();
    // Nothing to say before the Access view has a report (and no reason to load the engine for it).
    if (!shownAccess(this.ctx.access.current)) {
      this.clear(document.uri);
      return true;
    }
    const version = document.version;
    try {
      const calls = await this.clients.callsIn(document);
      const engine = calls.length ? await this.ctx.engine() : undefined;
      if (document.isClosed || document.version !== version || generation !== this.generations.get(key)) return false;
      if (!engine) {
        this.clear(document.uri);
        return true;
      }
      // Replaced in one step, never cleared first: a delete followed by a set reaches the Problems panel as two
      // changes, and its rows vanish for a moment under the user's cursor (and under a quick fix being chosen).
      const diagnostics: vscode.Diagnostic[] = [];
      const fixes = new Map<string, ClientFix>();
      for (const call of calls) {
        const access = this.clients.accessOf(engine, call, document);
        const said = engine.clientDiagnostic(access);
        if (!said) continue;
        const range = clientRange(call, document);
        const diagnostic = new vscode.Diagnostic(range, said.message, said.unreachable ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
        diagnostic.source = CLIENT_DIAGNOSTIC_SOURCE;
        diagnostic.code = CLIENT_DIAGNOSTIC_CODE;
        diagnostics.push(diagnostic);
        const fix = fixOf(access);
        if (fix) fixes.set(this.key(document.uri, range.start), fix);
      }
      this.forgetFixes(document.uri);
      for (const [at, fix] of fixes) this.fixes.set(at, fix);
      const text = JSON.stringify(diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity, d.message]));
      if (this.published.get(key) !== text) {
        this.published.set(key, text);
        this.collection.set(document.uri, diagnostics);
      }
      return true;
    } catch (error) {
      this.ctx.log.warn(`Could not check the SDK clients of ${vscode.workspace.asRelativePath(document.uri)}: ${error instanceof Error ? error.message : String(error)}`);
      return !document.isClosed && generation === this.generations.get(key);
    }
  }

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== CLIENT_DIAGNOSTIC_SOURCE || diagnostic.code !== CLIENT_DIAGNOSTIC_CODE) continue;
      // The fix kept with this check's diagnostic, else worked out now: the entry may be the workspace pass's (made
      // while the file was closed) or this check's before its refresh after the file was opened again.
      const fix = this.fixes.get(this.key(document.uri, diagnostic.range.start)) ?? await this.fixAt(document, diagnostic.range.start);
      if (!fix || token.isCancellationRequested) continue;
      const title = fix.cosmos ? vscode.l10n.t('Copy the Command That Assigns {0}', fix.roleName) : `Assign ${fix.roleName}…`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.command = fix.cosmos
        ? { command: Commands.copyCosmosRoleCommand, title, arguments: [{ account: fix.scope }] }
        : { command: Commands.assignRoleForClient, title, arguments: [{ roleName: fix.roleName, scope: fix.scope }] };
      actions.push(action);
    }
    return actions;
  }

  /** The role to assign for the client whose construction starts at `start`, from the Access view's report. */
  private async fixAt(document: vscode.TextDocument, start: vscode.Position): Promise<ClientFix | undefined> {
    if (!shownAccess(this.ctx.access.current)) return undefined;
    const call = (await this.clients.callsIn(document)).find((c) => c.range.startLine === start.line && c.range.startColumn === start.character);
    if (!call) return undefined;
    return fixOf(this.clients.accessOf(await this.ctx.engine(), call, document));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
