import * as vscode from 'vscode';
import { azConfiguredCloud, KNOWN_CLOUDS, type CloudSetting } from '../../core/access/clouds';
import { knownTenants } from '../../core/signin/knownTenants';
import type { CredentialName } from '../../core/chain/types';
import { redactSecrets } from '../../core/redact';
import { definedEnvironment } from '../../core/presentation/settings';
import { failureReason, pythonFactsOf, type ChainSnapshot } from '../../core/presentation/snapshot';
import type { AccessSnapshot } from '../../core/presentation/accessSnapshot';
import type { ScopeNode } from '../../core/access/types';
import { signInPage, type CustomCloud, type SignInPage } from '../../core/signin/signInPage';
import {
  choiceProblem, CLOUD_LABELS, CLOUD_NAMES, SIGN_IN_TOOLS, signInSteps, type SignInChoice, type SignInStep, type SignInTool,
} from '../../core/signin/signInPageCommands';
import {
  eventSchema, failureSchema, initSchema, signInPageSchema, type PageCommand, type SignInPageMessage, type SignInRunMessage, type WizardEvent,
  type WizardFailure, type WizardInit, type WizardRequest,
} from '../../webview/protocol';
import { reportOf, type CommandContext } from '../commands/context';
import { readAccessSettings } from '../settings';
import { ACCESS_VIEW_ID, Commands, SIGN_IN_VIEW_TYPE } from '../ids';
import { findExecutable, runSignInTerminal, type SignInTerminalRun } from '../signInTerminal';
import { WizardPanel, result } from './panelHost';
import { isServicePrincipalRequest, ServicePrincipalBackend } from './servicePrincipalBackend';
import { currentRemote } from '../remote';

const TITLE = vscode.l10n.t('Sign In to Azure');
const AZURE_RESOURCES_EXTENSION = 'ms-azuretools.vscode-azureresourcegroups';
/** The Azure Resources extension's sign-in; it writes the auth record VisualStudioCodeCredential (1.24+) reads. */
const AZURE_RESOURCES_SIGN_IN = 'azureResourceGroups.logIn';
/** A check publishes a snapshot per finished source; the page needs the state, not every step of it. */
const PUSH_DEBOUNCE_MS = 100;

/** A failure the page shows as it is (a sentence with what to do). */
class PageFailure extends Error {
  constructor(readonly kind: WizardFailure['kind'], message: string) { super(message); }
}

function hasRole(nodes: readonly ScopeNode[]): boolean {
  return nodes.some((n) => n.assignments.length > 0 || hasRole(n.children));
}

/** Whether the identity the chain signs in as holds any role, as far as the Access view's last load of that identity knows. */
function rolesOf(access: AccessSnapshot, objectId: string | null): 'some' | 'none' | 'unknown' {
  if (access.phase !== 'ready' || !objectId || access.subject.objectId?.toLowerCase() !== objectId.toLowerCase()) return 'unknown';
  return access.access.report.subscriptions.some((s) => hasRole(s.scopes)) ? 'some' : 'none';
}

/** The setting's custom endpoints as the page names them; null for a named cloud or none. */
function customCloudOf(setting: CloudSetting): CustomCloud | null {
  if (!setting || typeof setting !== 'object' || typeof setting.authorityHost !== 'string' || !/^https:\/\/[^\s]+$/.test(setting.authorityHost)) return null;
  const name = typeof setting.name === 'string' && setting.name.trim() ? setting.name.trim().slice(0, 60) : vscode.l10n.t('Custom cloud');
  return { label: name, authorityHost: setting.authorityHost.replace(/\/+$/, '').slice(0, 300) };
}

/** The page's model for the chain's current snapshot. */
export async function pageFor(ctx: CommandContext, snapshot: ChainSnapshot = ctx.controller.current): Promise<SignInPage> {
  const known = reportOf(snapshot);
  const facts = pythonFactsOf(snapshot);
  const env = definedEnvironment(process.env);
  // az's profile and config are read asynchronously and bounded: nothing on the extension host waits on a file.
  const [azCloud, tenants] = await Promise.all([azConfiguredCloud(env), knownTenants(env)]);
  const tools = Object.fromEntries(SIGN_IN_TOOLS.map((t) => [t, findExecutable(t, env) !== undefined])) as Record<SignInTool, boolean>;
  const report = known?.report;
  const active = report?.verdict.outcome === 'token' ? report.sources.find((s) => s.credential === report.verdict.credential) : undefined;
  return signInPage({
    phase: snapshot.phase,
    report,
    stale: known?.staleSince !== undefined,
    checkedAt: snapshot.phase === 'ready' ? snapshot.check.checkedAt : snapshot.phase === 'failed' ? snapshot.failedAt : null,
    failure: snapshot.phase === 'failed' ? redactSecrets(failureReason(snapshot.failure), ctx.knownSecrets()) : null,
    trusted: snapshot.scope.trusted,
    azureIdentityVersion: facts?.kind === 'answered' ? facts.azureIdentityVersion : null,
    brokerInstalled: facts?.kind === 'answered' ? facts.brokerInstalled : null,
    interpreter: facts?.interpreter.path ?? null,
    tools,
    azureResourcesInstalled: vscode.extensions.getExtension(AZURE_RESOURCES_EXTENSION) !== undefined,
    roles: rolesOf(ctx.access.current, active?.identity?.objectId ?? null),
    clouds: CLOUD_NAMES.map((name) => ({ name, label: CLOUD_LABELS[name], authorityHost: KNOWN_CLOUDS[name].authorityHost })),
    azCloud: azCloud ?? 'AzureCloud',
    customCloud: customCloudOf(readAccessSettings(ctx.folders.current().folder).cloud),
    knownTenants: tenants,
  });
}

/** The page's model, checked against the protocol before it leaves the extension (a message too long is a bug here). */
function checkedPage(ctx: CommandContext, page: SignInPage): SignInPageMessage {
  const parsed = signInPageSchema.safeParse(page);
  if (!parsed.success) {
    ctx.log.warn(`The sign-in page's model does not match the wizard protocol: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    throw new PageFailure('failed', vscode.l10n.t('The sign-in page could not show the chain\'s state; see the log.'));
  }
  return parsed.data;
}

function runTitle(steps: readonly SignInStep[]): string {
  const last = steps.at(-1);
  if (!last) return 'sign-in';
  return last.program === 'pwsh' ? 'Connect-AzAccount' : [last.program, ...last.args].join(' ');
}

/** What one panel keeps in the extension host: its sign-in run (the page only ever sees its status). */
class SignInBackend implements vscode.Disposable {
  private nextRunId = 1;
  private run: { status: SignInRunMessage; terminal: SignInTerminalRun; deviceLoginUrl: string | null } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pushTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The service principal section's requests: Azure and .env changes made as the signed-in developer. */
  private readonly servicePrincipals: ServicePrincipalBackend;

  constructor(private readonly ctx: CommandContext, private readonly post: (event: WizardEvent) => void, state: vscode.Memento) {
    this.servicePrincipals = new ServicePrincipalBackend(ctx, state);
    const push = () => {
      if (this.pushTimer) clearTimeout(this.pushTimer);
      this.pushTimer = setTimeout(() => void this.pushPage(), PUSH_DEBOUNCE_MS);
    };
    // The chain's own triggers (sign-in files, .env, settings) decide when the page changes: nothing here polls.
    this.disposables.push(ctx.controller.onDidChange(push), ctx.access.onDidChange(push));
    // The page describes the chain; a page opened before the first check starts it (and its file watchers).
    ctx.controller.start();
  }

  private async pushPage(): Promise<void> {
    try {
      this.send({ event: 'chain', page: checkedPage(this.ctx, await pageFor(this.ctx)) });
    } catch (error) {
      this.ctx.log.warn(`The sign-in page was not updated: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private send(event: WizardEvent): void {
    if (this.disposed) return;
    const parsed = eventSchema.safeParse(event);
    if (parsed.success) this.post(parsed.data);
    else this.ctx.log.warn(`A sign-in page event did not match the wizard protocol (${event.event}); it was not sent.`);
  }

  private update(change: Partial<SignInRunMessage>): void {
    if (!this.run) return;
    this.run.status = { ...this.run.status, ...change };
    this.send({ event: 'signInRun', run: this.run.status });
  }

  async handle(request: WizardRequest): Promise<unknown> {
    if (isServicePrincipalRequest(request)) return this.servicePrincipals.handle(request);
    switch (request.method) {
      case 'signInPage': return result('signInPage', { page: checkedPage(this.ctx, await pageFor(this.ctx)), run: this.run?.status ?? null });
      case 'startSignIn': return result('startSignIn', { run: await this.start({ tool: request.tool, method: request.signInMethod, tenant: request.tenant?.trim() || null, cloud: request.cloud, username: request.username?.trim() ?? null }) });
      case 'cancelSignIn':
        if (this.run?.status.runId === request.runId) this.run.terminal.cancel();
        return result('cancelSignIn', {});
      case 'openDeviceLogin': {
        const url = this.run?.status.runId === request.runId ? this.run.deviceLoginUrl : null;
        if (!url) throw new PageFailure('invalid', vscode.l10n.t('This sign-in named no device-login page.'));
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
        return result('openDeviceLogin', {});
      }
      case 'vscodeSignIn': {
        const commands = await vscode.commands.getCommands(true);
        if (!commands.includes(AZURE_RESOURCES_SIGN_IN)) {
          throw new PageFailure('failed', vscode.l10n.t('The Azure Resources extension ({0}) is not installed: install it, then sign in with it.', AZURE_RESOURCES_EXTENSION));
        }
        await vscode.commands.executeCommand(AZURE_RESOURCES_SIGN_IN);
        return result('vscodeSignIn', {});
      }
      case 'installBroker':
        this.installBroker();
        return result('installBroker', {});
      case 'runCommand':
        await this.runCommand(request.command, request.credential);
        return result('runCommand', {});
      case 'copy':
        await vscode.env.clipboard.writeText(request.text);
        void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Copied {0}', request.what), 3_000);
        return result('copy', {});
      default:
        throw new PageFailure('invalid', vscode.l10n.t('The sign-in page does not answer {0}.', request.method));
    }
  }

  private async start(choice: SignInChoice): Promise<SignInRunMessage> {
    if (this.run?.status.state === 'running') throw new PageFailure('invalid', vscode.l10n.t('A sign-in is already running: finish or cancel it first.'));
    const problem = choiceProblem(choice);
    if (problem) throw new PageFailure('invalid', problem);
    const env = definedEnvironment(process.env);
    const steps = signInSteps(choice, (await azConfiguredCloud(env)) ?? 'AzureCloud');
    const runId = this.nextRunId++;
    const status: SignInRunMessage = {
      runId, tool: choice.tool, method: choice.method, state: 'running', waitingForInput: false, exitCode: null, failure: null, deviceCode: null, finishedAt: null,
    };
    const terminal = runSignInTerminal({
      title: runTitle(steps), steps, env, username: choice.username, secrets: this.ctx.knownSecrets(), log: this.ctx.log,
      focus: choice.method === 'password',
      onDeviceCode: (prompt) => {
        if (this.run?.status.runId !== runId) return;
        this.run.deviceLoginUrl = prompt.url;
        this.update({ deviceCode: prompt });
      },
      onWaitingForInput: (waiting) => { if (this.run?.status.runId === runId && this.run.status.waitingForInput !== waiting) this.update({ waitingForInput: waiting }); },
    });
    this.run = { status, terminal, deviceLoginUrl: null };
    void terminal.done.then((outcome) => {
      if (this.run?.status.runId !== runId) return;
      this.update({ state: outcome.state, exitCode: outcome.exitCode, failure: outcome.failure, deviceCode: null, waitingForInput: false, finishedAt: Date.now() });
      // The tool's files changing brings the new state already; this covers a tool whose files nobody watches.
      if (outcome.state === 'succeeded') this.ctx.controller.request(`${runTitle(steps)} finished`);
    });
    return status;
  }

  private installBroker(): void {
    if (!vscode.workspace.isTrusted) throw new PageFailure('invalid', vscode.l10n.t('Restricted Mode does not run the workspace interpreter: trust the workspace first.'));
    const facts = pythonFactsOf(this.ctx.controller.current);
    if (facts?.kind !== 'answered') throw new PageFailure('failed', vscode.l10n.t('The interpreter has not answered yet (or cannot be run): check the Credential Chain view, then try again.'));
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Azure Dev Auth: install azure-identity-broker'), shellPath: facts.interpreter.path, shellArgs: ['-m', 'pip', 'install', 'azure-identity-broker'],
      iconPath: new vscode.ThemeIcon('package'),
    });
    terminal.show();
    const done = vscode.window.onDidCloseTerminal((closed) => {
      if (closed !== terminal) return;
      done.dispose();
      this.ctx.controller.request('azure-identity-broker install finished');
    });
    this.ctx.keep(done);
  }

  private async runCommand(command: PageCommand, credential: CredentialName | undefined): Promise<void> {
    const source = credential ? [{ kind: 'source', credential }] : [];
    switch (command) {
      case 'openAccessView': await vscode.commands.executeCommand(`${ACCESS_VIEW_ID}.focus`); return;
      case 'showChain': await vscode.commands.executeCommand(Commands.showChain); return;
      case 'createLocalDevGroup': await vscode.commands.executeCommand(Commands.createLocalDevGroup); return;
      case 'assignRole': await vscode.commands.executeCommand(Commands.assignRole); return;
      case 'excludeSource': await vscode.commands.executeCommand(Commands.excludeSource, ...source); return;
      case 'pinSource': await vscode.commands.executeCommand(Commands.pinSource, ...source); return;
      case 'openSettings': await vscode.commands.executeCommand(Commands.openSettings); return;
      case 'switchInterpreter': await vscode.commands.executeCommand(Commands.switchInterpreter); return;
      case 'showAzureResources': await vscode.commands.executeCommand('workbench.extensions.search', AZURE_RESOURCES_EXTENSION); return;
      case 'manageTrust': await vscode.commands.executeCommand('workbench.trust.manage'); return;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.servicePrincipals.dispose();
    // A sign-in keeps running in its terminal when the page closes: the developer may still complete it there.
    for (const d of this.disposables) d.dispose();
  }
}

function failureOf(ctx: CommandContext, error: unknown): WizardFailure {
  // A PageFailure, the service principal backend's failures and the team session's errors (read by duck typing:
  // they come from another bundle) carry their kind; VS Code's sign-in lacking a permission counts as no sign-in.
  const own: unknown = error && typeof error === 'object' ? Reflect.get(error, 'kind') : undefined;
  const kind: unknown = own === 'vscode-only' ? 'no-sign-in' : own ?? 'failed';
  const message = redactSecrets(error instanceof Error ? error.message : String(error), ctx.knownSecrets()).slice(0, 3_900);
  const parsed = failureSchema.safeParse({ kind, message });
  return parsed.success ? parsed.data : { kind: 'failed', message };
}

let current: { host: WizardPanel; backend: SignInBackend } | undefined;
/** The extension's workspaceState, where the service principal made for each folder is remembered (never its secret). */
let workspaceState: vscode.Memento | undefined;

function attach(ctx: CommandContext, panel: vscode.WebviewPanel, init: Extract<WizardInit, { wizard: 'signIn' }>, extensionUri: vscode.Uri): void {
  if (!workspaceState) throw new Error('The sign-in page is not registered.');
  const backend = new SignInBackend(ctx, (event) => { void panel.webview.postMessage({ type: 'event', event }); }, workspaceState);
  const host = new WizardPanel(panel, extensionUri, {
    title: TITLE, init, log: ctx.log, failure: (error) => failureOf(ctx, error),
    handle: (request) => backend.handle(request),
  });
  current = { host, backend };
  panel.onDidDispose(() => {
    backend.dispose();
    if (current?.host === host) current = undefined;
  });
}

function folderName(ctx: CommandContext): string {
  return ctx.folders.current().folder?.name ?? vscode.workspace.name ?? 'app';
}

/** Opens the sign-in page (or brings the open one forward); `focus` starts it at one source's row. */
export function openSignInWizard(ctx: CommandContext, extensionUri: vscode.Uri, focus?: CredentialName | 'servicePrincipal'): void {
  if (current) {
    current.host.panel.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(SIGN_IN_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, { enableScripts: true, enableFindWidget: true });
  const remote = currentRemote();
  attach(ctx, panel, { wizard: 'signIn', folderName: folderName(ctx), ...(focus ? { focus } : {}), ...(remote ? { remote } : {}) }, extensionUri);
}

/** Called once when the wizards' bundle loads (see register.ts, which registers the page's serializer at activation). */
export function initSignInWizard(state: vscode.Memento): void {
  workspaceState = state;
}

/** After a window reload VS Code restores an open sign-in page; the page restores its own answers from getState(). */
export function restoreSignInWizard(ctx: CommandContext, extensionUri: vscode.Uri, panel: vscode.WebviewPanel, state: unknown): void {
  const saved = state && typeof state === 'object' ? initSchema.safeParse(Reflect.get(state, 'init')) : undefined;
  const init = saved?.success && saved.data.wizard === 'signIn' ? saved.data : { wizard: 'signIn' as const, folderName: folderName(ctx) };
  if (current) { panel.dispose(); return; }
  attach(ctx, panel, init, extensionUri);
}

export function disposeSignInWizard(): void {
  current?.host.dispose();
}
