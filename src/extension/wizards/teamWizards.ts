import * as vscode from 'vscode';
import { join } from 'node:path';
import type { CredentialName } from '../../core/chain/types';
import { definedEnvironment } from '../../core/presentation/settings';
import { redactSecrets } from '../../core/redact';
import type { TeamFacade, TeamSession } from '../../core/team/facade';
import {
  failureSchema, initSchema, principalSchema, type WizardFailure, type WizardInit, type WizardPrincipal, type WizardRequest,
} from '../../webview/protocol';
import { reportOf, type CommandContext } from '../commands/context';
import { Commands } from '../ids';
import { readAccessSettings, readProxySettings } from '../settings';
import { WIZARD_VIEW_TYPE, WizardPanel, result } from './panelHost';
import { showAccessOf } from './showAccess';

const TOOLS: readonly CredentialName[] = ['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential'];
/** The wizards run a tool for a token now and then, not for every call of an app: a slow first az gets time. */
const PROCESS_TIMEOUT_SECONDS = 30;
const TITLES = { group: vscode.l10n.t('Create Local Development Group'), role: vscode.l10n.t('Assign Role'), signIn: vscode.l10n.t('Sign In to Azure') } as const;

let facade: TeamFacade | undefined;
function loadFacade(): TeamFacade {
  // A runtime path keeps the bundler from inlining the Azure SDKs into this bundle: they are in the engine's (see
  // extension.ts), which the chain check has usually loaded already.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (facade ??= (require(join(__dirname, 'engine.js')) as { createTeamFacade(): TeamFacade }).createTeamFacade());
}

/** Tools to try for the developer's token: those the chain found signed in first, then the others, az before azd before pwsh. */
function toolOrder(ctx: CommandContext): { tools: CredentialName[]; vscodeSignedIn: boolean } {
  const report = reportOf(ctx.controller.current)?.report;
  const succeeded = new Set(report?.sources.filter((s) => s.status === 'succeeded').map((s) => s.credential) ?? []);
  return {
    tools: [...TOOLS.filter((t) => succeeded.has(t)), ...TOOLS.filter((t) => !succeeded.has(t))],
    vscodeSignedIn: succeeded.has('VisualStudioCodeCredential'),
  };
}

const GROUP_PURPOSE = { cannot: vscode.l10n.t('create groups or add members'), permission: 'Group.ReadWrite.All' } as const;

/** Why no session could be opened; `kind` says what the page offers (a sign-in, the commands). */
export class NoSession extends Error {
  constructor(readonly kind: 'no-sign-in' | 'vscode-only' | 'failed', message: string) { super(message); }
}

/**
 * A session acting as the developer signed in to az, azd or Azure PowerShell, for the folder the views describe.
 * `purpose` names what VS Code's own sign-in may not do, and the Graph permission it lacks for it. Throws NoSession
 * when no tool gives a token.
 */
export async function openTeamSession(ctx: CommandContext, purpose: { readonly cannot: string; readonly permission: string } = GROUP_PURPOSE): Promise<TeamSession> {
  const folder = ctx.folders.current().folder;
  const inputs = folder ? ctx.controller.sourceInputs(folder.uri.toString()) : undefined;
  const env = inputs?.env ?? definedEnvironment(process.env);
  const { tools, vscodeSignedIn } = toolOrder(ctx);
  const opened = await loadFacade().openSession({
    env, cloudSetting: readAccessSettings(folder).cloud, processTimeoutSeconds: PROCESS_TIMEOUT_SECONDS, tools,
    workspaceFolder: vscode.workspace.isTrusted && folder ? folder.uri.fsPath : undefined,
    // Every request of the wizards leaves through VS Code's proxy, as the Access view's do.
    proxy: readProxySettings(),
  });
  if (opened.ok) {
    ctx.log.info(`Wizard acting as ${opened.session.actor.detail || opened.session.actor.displayName} through ${opened.session.tool}`);
    return opened.session;
  }
  const secrets = ctx.knownSecrets();
  ctx.log.warn(`No developer tool gave the wizard a token: ${redactSecrets(opened.message, secrets)}`);
  if (vscodeSignedIn) {
    throw new NoSession('vscode-only', vscode.l10n.t('Only VS Code\'s own Microsoft sign-in is available. Its app is not pre-authorised to change the directory ({0} fails with AADSTS65002), so the wizard cannot {1} with it. Sign in with the Azure CLI (az login), the Azure Developer CLI or Azure PowerShell, or run the commands below yourself or hand them to an administrator.',
      purpose.permission, purpose.cannot));
  }
  throw new NoSession('no-sign-in', vscode.l10n.t('No developer tool is signed in: the wizard uses the sign-in of the Azure CLI (az login), the Azure Developer CLI (azd auth login) or Azure PowerShell (Connect-AzAccount). Sign in, then try again, or use the commands below.'));
}

/** The state one panel keeps in the extension host: its session (with the credential) lives here, never in the page. */
class WizardBackend {
  private session: Promise<TeamSession> | undefined;
  constructor(private readonly ctx: CommandContext) {}

  private open(): Promise<TeamSession> {
    return (this.session ??= openTeamSession(this.ctx).catch((error: unknown) => {
      // A failed opening is not kept: the next request tries again (the developer may have signed in meanwhile).
      this.session = undefined;
      throw error;
    }));
  }

  async handle(request: WizardRequest, post: (seconds: number, attempt: number) => void): Promise<unknown> {
    switch (request.method) {
      case 'whoAmI': {
        this.session = undefined;
        try {
          const session = await this.open();
          return result('whoAmI', { actor: { tool: session.tool, user: session.actor }, problem: null });
        } catch (error) {
          if (error instanceof NoSession) return result('whoAmI', { actor: null, problem: { kind: error.kind, message: error.message } });
          throw error;
        }
      }
      case 'findGroups': return result('findGroups', { groups: (await (await this.open()).findGroups(request.name)).slice(0, 50) });
      case 'searchGroups': return result('searchGroups', { groups: (await (await this.open()).searchGroups(request.prefix)).slice(0, 50) });
      case 'searchUsers': {
        const page = await (await this.open()).searchUsers(request.prefix, request.nextLink);
        return result('searchUsers', { users: [...page.users], nextLink: page.nextLink });
      }
      case 'searchServicePrincipals': return result('searchServicePrincipals', { principals: (await (await this.open()).searchServicePrincipals(request.query)).slice(0, 50) });
      case 'createGroup': {
        const session = await this.open();
        const group = await session.createGroup(request.name, request.mailNickname, request.description);
        this.ctx.log.info(`Created the security group ${group.displayName} (${group.id})`);
        return result('createGroup', { group });
      }
      case 'addMembers': {
        const session = await this.open();
        const names = new Map(request.members.map((m) => [m.id.toLowerCase(), m.displayName]));
        const results = await session.addMembers(request.groupId, request.members.map((m) => m.id));
        this.ctx.log.info(`Members of ${request.groupId}: ${results.map((r) => `${r.id} ${r.outcome}`).join(', ')}`);
        return result('addMembers', {
          results: results.map((r) => ({ id: r.id, displayName: names.get(r.id.toLowerCase()) ?? r.id, outcome: r.outcome, ...(r.outcome === 'failed' ? { reason: r.reason.slice(0, 1_900), forbidden: r.forbidden } : {}) })),
        });
      }
      case 'listScopes': return result('listScopes', await (await this.open()).listScopes(request.parent));
      case 'listRoles': return result('listRoles', await (await this.open()).listRoles(request.scope, request.principalId));
      case 'assignRole': {
        const session = await this.open();
        const outcome = await session.assignRole({ scope: request.scope, principal: request.principal, roleId: request.roleId, onWaiting: post });
        this.ctx.log.info(`Role ${request.roleName} for ${request.principal.id} at ${request.scope}: ${outcome.kind === 'created' ? 'assigned' : 'already assigned'}`);
        // The Access view shows the new role once it reloads; refreshing it is what the developer would do next.
        void vscode.commands.executeCommand(Commands.refreshAccess);
        return result('assignRole', { outcome: outcome.kind, assignmentId: outcome.assignmentId });
      }
      case 'copy':
        await vscode.env.clipboard.writeText(request.text);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Copied {0}', request.what), 3_000);
        return result('copy', {});
      case 'openRoleWizard':
        await openWizard(this.ctx, { wizard: 'role', assignee: request.assignee });
        return result('openRoleWizard', {});
      case 'checkAccessFor':
        await showAccessOf(this.ctx, request.principal);
        return result('checkAccessFor', {});
      case 'signIn':
        await vscode.commands.executeCommand(Commands.signIn);
        return result('signIn', {});
    }
  }
}

function failureOf(ctx: CommandContext, error: unknown): WizardFailure {
  const secrets = ctx.knownSecrets();
  const kind: unknown = error && typeof error === 'object' ? Reflect.get(error, 'kind') : undefined;
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets).slice(0, 3_900);
  const parsed = failureSchema.safeParse({ kind: kind === 'vscode-only' ? 'no-sign-in' : kind, message });
  return parsed.success ? parsed.data : { kind: 'failed', message };
}

/** Open panels by what they are for: opening the same wizard for the same target again shows that panel. */
const panels = new Map<string, WizardPanel>();

/** What a panel is for: the group wizard per folder; the role wizard per assignee and scope (either may be unset). */
function targetKey(init: WizardInit): string {
  switch (init.wizard) {
    case 'group': return `group|${init.folderName}`;
    case 'role': return `role|${init.assignee?.id.toLowerCase() ?? ''}|${init.scope?.toLowerCase() ?? ''}|${init.roleName ?? ''}`;
    case 'signIn': return 'signIn';
  }
}

/** The tab's title names the target, so two panels of one wizard can be told apart. */
function titleOf(init: WizardInit): string {
  const name = init.wizard === 'role' ? init.assignee?.displayName : undefined;
  if (!name) return TITLES[init.wizard];
  // Plain text in the tab (never markup); bounded, with controls removed, as a tenant chooses the name.
  const clean = name.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
  return vscode.l10n.t('{0}: {1}', TITLES[init.wizard], clean.length > 40 ? `${clean.slice(0, 39)}…` : clean);
}

function attach(ctx: CommandContext, panel: vscode.WebviewPanel, init: WizardInit, extensionUri: vscode.Uri): WizardPanel {
  const backend = new WizardBackend(ctx);
  const host = new WizardPanel(panel, extensionUri, {
    title: titleOf(init), init, log: ctx.log, failure: (error) => failureOf(ctx, error),
    handle: (request, { requestId, post }) => backend.handle(request, (seconds, attempt) => post({ event: 'waiting', requestId, seconds, attempt })),
  });
  const key = targetKey(init);
  panels.get(key)?.dispose();
  panels.set(key, host);
  panel.onDidDispose(() => { if (panels.get(key) === host) panels.delete(key); });
  return host;
}

let extensionUri: vscode.Uri | undefined;

async function openWizard(ctx: CommandContext, init: WizardInit): Promise<void> {
  if (!extensionUri) throw new Error('The wizards are not registered.');
  const open = panels.get(targetKey(init));
  if (open) {
    open.panel.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(WIZARD_VIEW_TYPE, titleOf(init), vscode.ViewColumn.Active, {
    enableScripts: true, enableFindWidget: true,
  });
  attach(ctx, panel, init, extensionUri);
}

/** An Access view row: a group row (`group|<id>`) makes the group the assignee; a scope row preselects its scope. */
function roleInitFrom(arg: unknown): WizardInit {
  if (arg && typeof arg === 'object') {
    // Opened with its whole init (Can … Do …?'s Assign Role…: assignee, scope and role).
    if (Reflect.get(arg, 'wizard') === 'role') {
      const whole = initSchema.safeParse(arg);
      if (whole.success) return whole.data;
    }
    const id: unknown = Reflect.get(arg, 'id');
    const kind: unknown = Reflect.get(arg, 'kind');
    const label: unknown = Reflect.get(arg, 'label');
    const scope: unknown = Reflect.get(arg, 'scope');
    if (kind === 'group' && typeof id === 'string' && typeof label === 'string') {
      const assignee = principalSchema.safeParse({ id: id.replace(/^group\|/, '').split('#')[0], type: 'Group', displayName: label, detail: 'group' });
      if (assignee.success) return { wizard: 'role', assignee: assignee.data };
    }
    // A whole init first (an explained error gives who, where and which role), then a scope row's scope alone.
    const parsed = initSchema.safeParse(arg);
    if (parsed.success && parsed.data.wizard === 'role') return parsed.data;
    if (typeof scope === 'string') {
      const scoped = initSchema.safeParse({ wizard: 'role', scope });
      if (scoped.success) return scoped.data;
    }
  }
  return { wizard: 'role' };
}

function folderName(ctx: CommandContext): string {
  return ctx.folders.current().folder?.name ?? vscode.workspace.name ?? 'app';
}

/** Called once when the wizards' bundle loads (see register.ts, which registers the commands at activation). */
export function initTeamWizards(uri: vscode.Uri): void {
  extensionUri = uri;
}

export function openGroupWizard(ctx: CommandContext): Promise<void> {
  return openWizard(ctx, { wizard: 'group', folderName: folderName(ctx) });
}

export function openRoleWizard(ctx: CommandContext, arg: unknown): Promise<void> {
  return openWizard(ctx, roleInitFrom(arg));
}

/** After a window reload VS Code restores open wizards; the page restores its own state from getState(). */
export function restoreTeamWizard(ctx: CommandContext, panel: vscode.WebviewPanel, state: unknown): void {
  if (!extensionUri) throw new Error('The wizards are not registered.');
  const saved = state && typeof state === 'object' ? initSchema.safeParse(Reflect.get(state, 'init')) : undefined;
  attach(ctx, panel, saved?.success ? saved.data : { wizard: 'group', folderName: folderName(ctx) }, extensionUri);
}

export function disposeTeamWizards(): void {
  for (const p of [...panels.values()]) p.dispose();
}

export type { WizardPrincipal };
