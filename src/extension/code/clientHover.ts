import * as vscode from 'vscode';
import { parseAssignRoleArgs } from '../../core/code/assignRoleArgs';
import type { ClientAccess } from '../../core/code/clientAccess';
import type { ClientCall } from '../../core/code/clientCalls';
import type { EngineFacade } from '../../core/engineFacade';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import type { CommandContext } from '../commands/context';
import { CommandError, registerCommand } from '../commands/registerCommand';
import { Commands } from '../ids';

/** Larger documents are not parsed for clients (generated or vendored code). */
const MAX_DOCUMENT_CHARS = 1_000_000;

/**
 * The Azure SDK clients of Python documents (parsed once per version, through the engine's grammar) and what the
 * identity the Access view shows may do with each one's resource. Shared by the hover and the diagnostics.
 */
/** A Cosmos DB account's ARM id, as a hover link or a quick fix names it. */
const COSMOS_ACCOUNT_ID = /^\/subscriptions\/[^/]{1,64}\/resourceGroups\/[^/]{1,90}\/providers\/Microsoft\.DocumentDB\/databaseAccounts\/[^/]{1,50}$/i;

export class CodeClients {
  private readonly calls = new Map<string, { version: number; calls: Promise<ClientCall[]> }>();
  private readonly disposable: vscode.Disposable;

  constructor(private readonly ctx: CommandContext) {
    this.disposable = vscode.workspace.onDidCloseTextDocument((d) => this.calls.delete(d.uri.toString()));
  }

  callsIn(document: vscode.TextDocument): Promise<ClientCall[]> {
    const text = document.getText();
    // A file that names neither the Azure SDKs nor openai builds none of their clients: no parse (nor engine load).
    if (document.languageId !== 'python' || text.length > MAX_DOCUMENT_CHARS || !(text.includes('azure') || text.includes('openai'))) return Promise.resolve([]);
    const key = document.uri.toString();
    const known = this.calls.get(key);
    if (known && known.version === document.version) return known.calls;
    const calls = this.ctx.engine().then((engine) => engine.clientCalls(text)).catch((error: unknown) => {
      this.ctx.log.warn(`Could not read the SDK clients of ${vscode.workspace.asRelativePath(document.uri)}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
    this.calls.set(key, { version: document.version, calls });
    return calls;
  }

  /** What the shown identity may do with `call`'s resource; the endpoint read through this folder's run environment. */
  accessOf(engine: EngineFacade, call: ClientCall, document: vscode.TextDocument): ClientAccess {
    return this.accessAt(engine, call, document.uri);
  }

  /** The same for a client of a file that is not open. */
  accessAt(engine: EngineFacade, call: ClientCall, uri: vscode.Uri): ClientAccess {
    const access = shownAccess(this.ctx.access.current);
    const folderKey = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
    const env = this.ctx.controller.sourceInputs(folderKey)?.env ?? process.env;
    return engine.clientAccess(call, access && { report: access.report, cloud: access.cloud }, env);
  }

  dispose(): void {
    this.disposable.dispose();
  }
}

/** The range a client construction's hover and diagnostic cover: the call's first line. */
export function clientRange(call: ClientCall, document: vscode.TextDocument): vscode.Range {
  const end = call.range.endLine === call.range.startLine ? call.range.endColumn : document.lineAt(call.range.startLine).range.end.character;
  return new vscode.Range(call.range.startLine, call.range.startColumn, call.range.startLine, end);
}

/**
 * Hovering an SDK client construction (`BlobServiceClient(account_url=…)`, …) shows what the active identity may do
 * with its resource, with Assign Role… prefilled; the command behind that link (and the diagnostics' quick fix).
 */
export function registerClientHover(ctx: CommandContext, clients: CodeClients): vscode.Disposable[] {
  const hover: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const calls = await clients.callsIn(document);
      const call = calls.find((c) => clientRange(c, document).contains(position));
      if (!call || token.isCancellationRequested) return undefined;
      const engine = await ctx.engine();
      const markdown = new vscode.MarkdownString(engine.clientHover(clients.accessOf(engine, call, document), Commands.assignRoleForClient, Commands.copyCosmosRoleCommand), false);
      markdown.supportHtml = false;
      // Only the product's own commands run from this hover; any other link text came from outside and is inert.
      markdown.isTrusted = { enabledCommands: [Commands.assignRoleForClient, Commands.copyCosmosRoleCommand] };
      return new vscode.Hover(markdown, clientRange(call, document));
    },
  };
  return [
    vscode.languages.registerHoverProvider({ language: 'python', scheme: 'file' }, hover),
    registerCommand(ctx, Commands.copyCosmosRoleCommand, async (arg) => {
      // Only the account comes from the link (or the quick fix); the command is the one the Access report holds.
      const account: unknown = arg && typeof arg === 'object' ? Reflect.get(arg, 'account') : undefined;
      if (typeof account !== 'string' || !COSMOS_ACCOUNT_ID.test(account)) throw new CommandError(vscode.l10n.t('This link names no Cosmos DB account.'));
      const report = shownAccess(ctx.access.current)?.report;
      if (!report) throw new CommandError(vscode.l10n.t('The Access view has not loaded yet: open it, then try again.'));
      const fix = report.cosmos?.find((c) => c.account.toLowerCase() === account.toLowerCase())?.fix;
      if (!fix) throw new CommandError(vscode.l10n.t('The Access view holds no Cosmos DB role to add on this account: refresh it, then try again.'));
      await vscode.env.clipboard.writeText(fix.command);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied the command that assigns {0} on {1}. Run it where az is signed in as someone who may write the account\'s role assignments (Contributor on it may).', fix.roleName, account.split('/').pop() ?? account));
    }),
    registerCommand(ctx, Commands.assignRoleForClient, async (arg) => {
      const args = parseAssignRoleArgs(arg);
      if (!args) throw new CommandError(vscode.l10n.t('This Assign Role… link carries no valid role and resource.'));
      const identity = shownAccess(ctx.access.current)?.report.identity;
      if (!identity) throw new CommandError(vscode.l10n.t('The Access view has not loaded yet: open it, then try again.'));
      const assignee = identity.kind !== 'managedIdentity'
        ? { id: identity.objectId, type: identity.kind === 'user' ? 'User' : identity.kind === 'group' ? 'Group' : 'ServicePrincipal', displayName: (identity.displayName ?? identity.upn ?? identity.objectId).slice(0, 256), detail: (identity.upn ?? identity.appId ?? '').slice(0, 256) }
        : undefined;
      ctx.log.info(`Assign Role… for a client: ${args.roleName} at ${args.scope}`);
      await vscode.commands.executeCommand(Commands.assignRole, { wizard: 'role', scope: args.scope, roleName: args.roleName, ...(assignee ? { assignee } : {}) });
    }),
  ];
}
