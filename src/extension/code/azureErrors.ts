import * as vscode from 'vscode';
import type { CredentialName } from '../../core/chain/types';
import { distinctErrors, findAzureErrors, findAzureErrorsInText, MAX_TEXT_CHARS, type AzureErrorMatch } from '../../core/code/azureErrors';
import type { ErrorExplanation, ExplanationAction, ExplanationReveal } from '../../core/code/errorExplanation';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import { displayName } from '../../core/presentation/chainRows';
import { reportOf, type CommandContext } from '../commands/context';
import { registerCommand } from '../commands/registerCommand';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, Commands } from '../ids';

/** Where an error is: the output around it (what the recogniser reads again) and the error's line and column in it. */
export interface ErrorLocation {
  readonly text: string;
  readonly line: number;
  readonly start: number;
}

/** What the explanation reveals in the views (the extension's trees, wired in extension.ts). */
export interface ExplanationViews {
  revealChainRow(credential: CredentialName | null): Promise<void>;
  revealInsight(insight: Extract<ExplanationReveal, { view: 'access' }>['insight']): Promise<void>;
}

/** The command's argument, from a terminal link or a debug notification: text is re-read, never trusted as a match. */
function locationOf(arg: unknown): ErrorLocation | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const text: unknown = Reflect.get(arg, 'text');
  const line: unknown = Reflect.get(arg, 'line');
  const start: unknown = Reflect.get(arg, 'start');
  if (typeof text !== 'string' || !Number.isSafeInteger(line) || !Number.isSafeInteger(start)) return undefined;
  return { text: text.slice(0, MAX_TEXT_CHARS), line: line as number, start: start as number };
}

function matchAt(location: ErrorLocation): AzureErrorMatch | undefined {
  return findAzureErrorsInText(location.text).find((m) => m.line === location.line && m.start === location.start);
}

function actionLabel(action: ExplanationAction): string {
  switch (action.kind) {
    case 'signIn': return action.credential ? vscode.l10n.t('Sign In with {0}', displayName(action.credential)) : vscode.l10n.t('Sign In…');
    case 'assignRole': return action.roleName ? vscode.l10n.t('Assign {0}…', action.roleName) : vscode.l10n.t('Assign Role…');
    case 'showChain': return vscode.l10n.t('Show Chain');
    case 'showAccess': return vscode.l10n.t('Show Access');
    case 'copy': return action.label;
  }
}

/**
 * Errors explained where they appear: a link on each Azure error a terminal prints, a notification (once per kind of
 * error and session) when a debugged program prints one, and the command both open: reveal the chain row or Access
 * insight that accounts for it and offer its fix.
 */
export function registerAzureErrorExplainer(ctx: CommandContext, views: ExplanationViews): vscode.Disposable[] {
  // During a re-check, the answer it replaces: the error happened before the re-check anyway.
  const context = () => ({ chain: reportOf(ctx.controller.current)?.report, access: shownAccess(ctx.access.current)?.report, knownSecrets: ctx.knownSecrets() });

  const run = async (action: ExplanationAction): Promise<void> => {
    switch (action.kind) {
      case 'signIn':
        await vscode.commands.executeCommand(action.credential ? Commands.signInWithSource : Commands.signIn, ...(action.credential ? [{ credential: action.credential }] : []));
        return;
      case 'assignRole': {
        const identity = shownAccess(ctx.access.current)?.report.identity;
        const assignee = identity && identity.kind !== 'managedIdentity'
          ? { id: identity.objectId, type: identity.kind === 'user' ? 'User' : 'ServicePrincipal', displayName: identity.upn ?? identity.displayName ?? identity.objectId, detail: identity.upn ?? identity.appId ?? '' }
          : undefined;
        await vscode.commands.executeCommand(Commands.assignRole, {
          wizard: 'role', ...(assignee ? { assignee } : {}), ...(action.scope ? { scope: action.scope } : {}), ...(action.roleName ? { roleName: action.roleName } : {}),
        });
        return;
      }
      case 'showChain': await vscode.commands.executeCommand(Commands.showChain); return;
      case 'showAccess': await vscode.commands.executeCommand(`${ACCESS_VIEW_ID}.focus`); return;
      case 'copy':
        await vscode.env.clipboard.writeText(action.text);
        void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', action.text));
        return;
    }
  };

  const explain = async (match: AzureErrorMatch): Promise<ErrorExplanation> => (await ctx.engine()).explainAzureError(match, context());

  const show = async (explanation: ErrorExplanation): Promise<void> => {
    try {
      if (explanation.reveal.view === 'chain') await views.revealChainRow(explanation.reveal.credential);
      else await views.revealInsight(explanation.reveal.insight);
    } catch (error) {
      ctx.log.warn(`Could not reveal the explanation's row: ${error instanceof Error ? error.message : String(error)}`);
    }
    const labels = explanation.actions.map(actionLabel);
    const picked = await vscode.window.showWarningMessage(`${explanation.title}. ${explanation.detail}`, ...labels);
    const action = picked === undefined ? undefined : explanation.actions[labels.indexOf(picked)];
    if (action) await run(action);
  };

  const terminalLinks: vscode.TerminalLinkProvider<ErrorLink> = {
    provideTerminalLinks(link) {
      return findAzureErrors(link.line).map((m) => new ErrorLink(m, link.line));
    },
    async handleTerminalLink(link) {
      await vscode.commands.executeCommand(Commands.explainAzureError, { text: link.line, line: 0, start: link.startIndex });
    },
  };
  const disposables: vscode.Disposable[] = [
    registerCommand(ctx, Commands.explainAzureError, async (arg) => {
      const location = locationOf(arg);
      const match = location && matchAt(location);
      if (!match) return;
      const explanation = await explain(match);
      ctx.log.info(`Explained ${match.kind}: ${explanation.title}`);
      await show(explanation);
    }),
    vscode.window.registerTerminalLinkProvider(terminalLinks),
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => new ErrorWatcher(session, async (match, location) => {
        const explanation = await explain(match);
        const picked = await vscode.window.showWarningMessage(`${session.name}: ${explanation.title}`, vscode.l10n.t('Explain'));
        if (picked) await vscode.commands.executeCommand(Commands.explainAzureError, location);
      }, ctx.log),
    }),
  ];
  return disposables;
}

const TOOLTIPS: Readonly<Record<AzureErrorMatch['kind'], string>> = {
  'chain-failed': vscode.l10n.t('Explain why no credential gave a token'),
  'credential-attempt': vscode.l10n.t('Show this source in the Credential Chain'),
  aadsts: vscode.l10n.t('Explain this Microsoft Entra ID error'),
  'storage-permission': vscode.l10n.t('Explain this storage 403 and assign the data role'),
  'storage-authorization': vscode.l10n.t('Explain this storage refusal'),
  'key-vault-forbidden': vscode.l10n.t('Explain this Key Vault 403 and assign the data role'),
  'key-vault-access-policy': vscode.l10n.t('Explain this Key Vault access-policy refusal'),
  'arm-authorization': vscode.l10n.t('Explain this Azure Resource Manager refusal'),
  'wrong-tenant': vscode.l10n.t('Explain this wrong-tenant token'),
  'key-vault-issuer': vscode.l10n.t('Explain this wrong-tenant token (Key Vault)'),
};

class ErrorLink extends vscode.TerminalLink {
  constructor(match: AzureErrorMatch, readonly line: string) {
    super(match.start, match.length, vscode.l10n.t('Azure Dev Auth: {0}', TOOLTIPS[match.kind]));
  }
}

/** Output kept per debug session for the lines around an error (the request's URL, Key Vault's Action line). */
const KEPT_OUTPUT = 64 * 1024;
/** A traceback arrives in several output events: read it once the program has been quiet this long. */
const SETTLE_MS = 400;

/** Watches a debug session's output for Azure errors and tells about each kind once per session. */
class ErrorWatcher implements vscode.DebugAdapterTracker {
  private output = '';
  /** Lines of `output` already read, counted from its start. */
  private readLines = 0;
  private readonly told = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: vscode.DebugSession,
    private readonly tell: (match: AzureErrorMatch, location: ErrorLocation) => Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  onDidSendMessage(message: unknown): void {
    if (!message || typeof message !== 'object' || Reflect.get(message, 'type') !== 'event' || Reflect.get(message, 'event') !== 'output') return;
    const body: unknown = Reflect.get(message, 'body');
    const output: unknown = body && typeof body === 'object' ? Reflect.get(body, 'output') : undefined;
    const category: unknown = body && typeof body === 'object' ? Reflect.get(body, 'category') : undefined;
    if (typeof output !== 'string' || category === 'telemetry') return;
    this.output += output;
    if (this.output.length > KEPT_OUTPUT * 2) {
      // Drop whole lines from the front, and count them as read.
      const cut = this.output.indexOf('\n', this.output.length - KEPT_OUTPUT);
      if (cut > 0) {
        this.readLines = Math.max(0, this.readLines - countLines(this.output.slice(0, cut + 1)));
        this.output = this.output.slice(cut + 1);
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.read(); }, SETTLE_MS);
  }

  private read(): void {
    const errors = findAzureErrorsInText(this.output).filter((e) => e.line >= this.readLines);
    this.readLines = countLines(this.output);
    for (const error of distinctErrors(errors)) {
      const key = error.kind === 'aadsts' ? `${error.kind}:${error.code}` : error.kind;
      if (this.told.has(key)) continue;
      this.told.add(key);
      const location = { text: this.output, line: error.line, start: error.start };
      this.tell(error, location).catch((e: unknown) => this.log.warn(`Could not explain an error of ${this.session.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  onWillStopSession(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.read();
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Reveals a chain source row (or the chain) and an Access insight row (or the Access view). */
export function explanationViews(
  chainView: vscode.TreeView<unknown>, chainRow: (credential: string) => unknown,
  accessView: vscode.TreeView<unknown>, insightRow: (kind: string, scope: string | null) => unknown,
): ExplanationViews {
  return {
    async revealChainRow(credential) {
      const row = credential ? chainRow(credential) : undefined;
      if (row) await chainView.reveal(row, { select: true, focus: true });
      else await vscode.commands.executeCommand(`${CHAIN_VIEW_ID}.focus`);
    },
    async revealInsight(insight) {
      const row = insight ? insightRow(insight.kind, insight.scope) : undefined;
      if (row) await accessView.reveal(row, { select: true, focus: true, expand: true });
      else await vscode.commands.executeCommand(`${ACCESS_VIEW_ID}.focus`);
    },
  };
}
