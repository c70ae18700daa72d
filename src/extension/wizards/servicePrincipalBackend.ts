// The extension-host side of "Service principal for local development" on the sign-in page: create one as the
// developer signed in to az, azd or Azure PowerShell, use an existing one, rotate its secret, delete it. The client
// secret travels from Graph's answer (or VS Code's password box) straight into the workspace `.env` inside this
// process: it is never put into a message to the page, a log line, an error, settings, workspace or global state,
// the clipboard, or anything shown. What is remembered per folder (workspaceState) is the app's ids, name and the
// secret's key id and end date, so that it can be rotated and deleted later.
import * as vscode from 'vscode';
import { parse } from 'dotenv';
import {
  EnvFileError, gitIgnoreStatus, planEnvRemoval, planEnvUpdate, planGitignoreUpdate, readWorkspaceTextFile, writeEnvFile, writeGitignore,
} from '../../core/signin/envFile';
import { printableName } from '../../core/presentation/principalNames';
import { redactSecrets } from '../../core/redact';
import type { TeamSession } from '../../core/team/facade';
import { defaultGroupName } from '../../core/team/names';
import {
  localDevAppSchema, type EnvWriteMessage, type LocalDevAppMessage, type ResultOf, type WizardFailure, type WizardGroup, type WizardRequest,
} from '../../webview/protocol';
import type { CommandContext } from '../commands/context';
import { announceEnvWrite, workspaceEnvFile, writeToWorkspaceEnv, type EnvWriteResult } from '../envWriter';
import { Commands } from '../ids';
import { result } from './panelHost';
import { showAccessOf } from './showAccess';
import { NoSession, openTeamSession } from './teamWizards';

/** workspaceState key: folder URI → the service principal made for that folder (never its secret). */
const STATE_KEY = 'azureDevAuth.localDevApps';
const ENV_KEYS = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET'] as const;
const GIT_TIMEOUT_MS = 10_000;
/** What VS Code's own sign-in may not do here, for the message when it is the only sign-in. */
const PURPOSE = { cannot: vscode.l10n.t('register applications'), permission: 'Application.ReadWrite.All' } as const;

export const SERVICE_PRINCIPAL_METHODS = ['spState', 'createLocalDevApp', 'useExistingServicePrincipal', 'rotateLocalDevSecret', 'deleteLocalDevApp', 'openRoleWizard', 'checkAccessFor'] as const;
type SpMethod = (typeof SERVICE_PRINCIPAL_METHODS)[number];
type SpRequest = Extract<WizardRequest, { method: SpMethod }>;

export function isServicePrincipalRequest(request: WizardRequest): request is SpRequest {
  return (SERVICE_PRINCIPAL_METHODS as readonly string[]).includes(request.method);
}

/** A failure the page shows as it is: a sentence with what to do, never a secret. */
export class ServicePrincipalFailure extends Error {
  constructor(readonly kind: WizardFailure['kind'], message: string) { super(message); }
}

interface EnvTarget { readonly dir: string; readonly name: string; readonly path: string }

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Secret end dates travel as YYYY-MM-DD (validated by the protocol); Graph gets the start of that day in UTC, as `az --end-date` does. */
const endDateTime = (date: string): string => `${date}T00:00:00Z`;

export class ServicePrincipalBackend implements vscode.Disposable {
  /** Cancels what runs in Azure when the page closes (a create cancelled half way deletes what it made). */
  private readonly abort = new AbortController();
  private session: Promise<TeamSession> | undefined;
  /** One change at a time: a double click or a second request while one runs must not make a second app. */
  private changing = false;

  constructor(private readonly ctx: CommandContext, private readonly memento: vscode.Memento) {}

  async handle(request: SpRequest): Promise<unknown> {
    switch (request.method) {
      case 'spState': return this.state();
      case 'createLocalDevApp': return this.exclusive(() => this.create(request.displayName.trim(), request.secretEndDate, request.groupId));
      case 'useExistingServicePrincipal': return this.exclusive(() => this.useExisting(request.clientId.toLowerCase(), request.tenant.trim()));
      case 'rotateLocalDevSecret': return this.exclusive(() => this.rotate(request.appObjectId.toLowerCase(), request.secretEndDate));
      case 'deleteLocalDevApp': return this.exclusive(() => this.remove(request.appObjectId.toLowerCase()));
      case 'openRoleWizard':
        // The role wizard accepts its own init as the command's argument (see roleInitFrom).
        await vscode.commands.executeCommand(Commands.assignRole, { wizard: 'role', assignee: request.assignee });
        return result('openRoleWizard', {});
      case 'checkAccessFor':
        await showAccessOf(this.ctx, request.principal);
        return result('checkAccessFor', {});
    }
  }

  dispose(): void {
    this.abort.abort();
  }

  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.changing) throw new ServicePrincipalFailure('invalid', vscode.l10n.t('A change to the service principal is still running: wait for it to finish.'));
    this.changing = true;
    try { return await task(); } finally { this.changing = false; }
  }

  private open(): Promise<TeamSession> {
    return (this.session ??= openTeamSession(this.ctx, PURPOSE).catch((error: unknown) => {
      this.session = undefined;
      throw error;
    }));
  }

  // ---------- what is remembered per folder ----------

  private rememberedFor(folder: vscode.WorkspaceFolder): LocalDevAppMessage | null {
    const all: unknown = this.memento.get<unknown>(STATE_KEY);
    if (!all || typeof all !== 'object') return null;
    // Our own state, still checked: an entry of another shape is not used.
    const parsed = localDevAppSchema.safeParse(Reflect.get(all, folder.uri.toString()));
    if (parsed.success) this.nameInChain(parsed.data);
    return parsed.success ? parsed.data : null;
  }

  /** The chain's rows and status bar name the app this page made, rather than show its client id. */
  private nameInChain(app: LocalDevAppMessage): void {
    const name = printableName(app.displayName);
    if (name) this.ctx.controller.namePrincipal(app.appId.toLowerCase(), name);
  }

  private async remember(folder: vscode.WorkspaceFolder, app: LocalDevAppMessage | null): Promise<void> {
    const stored: unknown = this.memento.get<unknown>(STATE_KEY);
    const all: Record<string, unknown> = stored && typeof stored === 'object' ? { ...(stored as Record<string, unknown>) } : {};
    const key = folder.uri.toString();
    if (app) all[key] = localDevAppSchema.parse(app); // parse: only the schema's fields are stored
    else delete all[key];
    await this.memento.update(STATE_KEY, all);
    if (app) this.nameInChain(app);
  }

  // ---------- the folder and its .env ----------

  private writableFolder(): { folder: vscode.WorkspaceFolder; target: EnvTarget } {
    const folder = this.ctx.folders.current().folder;
    if (!folder) throw new ServicePrincipalFailure('invalid', vscode.l10n.t('Open a folder first: the service principal goes into its .env file.'));
    if (!vscode.workspace.isTrusted) throw new ServicePrincipalFailure('invalid', vscode.l10n.t('This workspace is not trusted: Azure Dev Auth does not write its .env file. Trust the workspace first.'));
    const target = workspaceEnvFile(folder);
    if ('problem' in target) throw new ServicePrincipalFailure('invalid', target.problem);
    return { folder, target };
  }

  /** What the page may know about a write: the file, the variable names, what git does with it. */
  private async envMessage(written: EnvWriteResult, target: EnvTarget): Promise<EnvWriteMessage> {
    let git: EnvWriteMessage['git'];
    if (written.tracked) git = 'tracked';
    else if (written.ignoredNow) git = 'ignored-now';
    else {
      const status = await gitIgnoreStatus(target.dir, target.name, { timeoutMs: GIT_TIMEOUT_MS }).catch(() => undefined);
      git = !status?.inRepository ? 'no-repository' : status.ignored ? 'ignored' : 'not-ignored';
    }
    const keys = written.keys.filter((k): k is (typeof ENV_KEYS)[number] => (ENV_KEYS as readonly string[]).includes(k));
    return { file: vscode.workspace.asRelativePath(written.path), created: written.created, keys, git };
  }

  /**
   * Sets `values` in `.env` without asking: for a rotation the developer asked for exactly this replacement. Other
   * lines stay byte for byte, and `.env` is added to `.gitignore` when git would not ignore it (as envWriter does).
   * A file that changes between reading and writing is read and planned again once.
   */
  private async replaceInEnv(target: EnvTarget, values: Readonly<Record<string, string>>): Promise<EnvWriteResult> {
    let written: { created: boolean; narrowedFrom?: number } | undefined;
    let keys: string[] = [];
    for (let attempt = 0; !written; attempt++) {
      const existing = await readWorkspaceTextFile(target.dir, target.name);
      const plan = planEnvUpdate(existing, values);
      // The keys that change: a rotation says it wrote the secret, not the id and tenant it left as they were.
      keys = [...plan.added, ...plan.replaced];
      try {
        written = await writeEnvFile(target.dir, plan, { fileName: target.name, expected: existing });
      } catch (error) {
        if (!(error instanceof EnvFileError && error.kind === 'changed') || attempt > 0) throw error;
      }
    }
    let tracked = false;
    let ignoredNow = false;
    try {
      const status = await gitIgnoreStatus(target.dir, target.name, { timeoutMs: GIT_TIMEOUT_MS });
      tracked = status.tracked;
      if (status.inRepository && !status.ignored) {
        const gitignore = await readWorkspaceTextFile(target.dir, '.gitignore');
        await writeGitignore(target.dir, planGitignoreUpdate(gitignore, target.name), { expected: gitignore });
        ignoredNow = true;
      }
    } catch {
      // git is optional; without it nothing can be committed by accident either.
    }
    return { path: target.path, created: written.created, keys, ignoredNow, tracked, ...(written.narrowedFrom !== undefined ? { narrowedFrom: written.narrowedFrom } : {}) };
  }

  /** Whom `.env` names in AZURE_CLIENT_ID, relative to the remembered app. */
  private async envClient(folder: vscode.WorkspaceFolder, remembered: LocalDevAppMessage | null): Promise<ResultOf<'spState'>['envClient']> {
    if (!vscode.workspace.isTrusted) return 'unknown';
    const target = workspaceEnvFile(folder);
    if ('problem' in target) return 'unknown';
    try {
      const clientId = parse((await readWorkspaceTextFile(target.dir, target.name)) ?? '').AZURE_CLIENT_ID;
      if (!clientId) return 'none';
      return remembered && clientId.toLowerCase() === remembered.appId.toLowerCase() ? 'remembered' : 'other';
    } catch {
      return 'unknown';
    }
  }

  private async localDevGroup(session: TeamSession, folder: vscode.WorkspaceFolder): Promise<WizardGroup | null> {
    const groups = await session.findGroups(defaultGroupName(folder.name));
    // Only an unambiguous group is offered: with two of the same name, the page could not say which one it joins.
    return groups.length === 1 ? { id: groups[0]!.id, displayName: groups[0]!.displayName.slice(0, 256), description: groups[0]!.description?.slice(0, 1_024) ?? null } : null;
  }

  // ---------- the requests ----------

  private async state(): Promise<ResultOf<'spState'>> {
    const folder = this.ctx.folders.current().folder;
    const remembered = folder ? this.rememberedFor(folder) : null;
    const envClient = folder ? await this.envClient(folder, remembered) : 'unknown';
    const answer: ResultOf<'spState'> = {
      folderName: folder?.name.slice(0, 256) ?? null, trusted: vscode.workspace.isTrusted, actor: null, problem: null, defaultName: null, tenantId: null,
      group: null, remembered, envClient,
    };
    // Opened afresh: the developer may have signed in (or out) since the page last asked.
    this.session = undefined;
    try {
      const session = await this.open();
      answer.actor = { tool: session.tool, user: session.actor };
      answer.defaultName = session.localDevApps.defaultName(folder?.name ?? 'app');
      answer.tenantId = session.tenantId;
      if (folder) answer.group = await this.localDevGroup(session, folder).catch(() => null);
    } catch (error) {
      answer.problem = error instanceof NoSession
        ? { kind: error.kind, message: error.message }
        : { kind: 'failed', message: redactSecrets(messageOf(error), this.ctx.knownSecrets()).slice(0, 1_900) };
    }
    return answer;
  }

  private async create(displayName: string, secretEndDate: string, groupId: string | null): Promise<ResultOf<'createLocalDevApp'>> {
    const { folder, target } = this.writableFolder();
    // The .env must be usable before anything is made in Azure: a file that cannot be written would strand the secret.
    await readWorkspaceTextFile(target.dir, target.name);
    const session = await this.open();
    let group: WizardGroup | null = null;
    if (groupId) {
      group = await this.localDevGroup(session, folder);
      if (group?.id.toLowerCase() !== groupId.toLowerCase()) {
        throw new ServicePrincipalFailure('invalid', vscode.l10n.t('The group to join is not {0} of this folder any more: reload the page.', defaultGroupName(folder.name)));
      }
    }
    const made = await session.localDevApps.create({ displayName, secretEndDateTime: endDateTime(secretEndDate), signal: this.abort.signal });
    const app: LocalDevAppMessage = {
      appObjectId: made.appObjectId, appId: made.appId, servicePrincipalId: made.servicePrincipalId, displayName, keyId: made.secret.keyId,
      secretEndDateTime: made.secret.endDateTime, tenantId: made.tenantId,
    };
    // Remembered before .env is written: whatever happens to the file, the app can be rotated or deleted from here.
    await this.remember(folder, app);
    this.ctx.log.info(`Created the app registration ${displayName} (client id ${app.appId}, object id ${app.appObjectId}) and its service principal `
      + `${made.servicePrincipalId}, with a client secret (key id ${app.keyId}) ending ${app.secretEndDateTime}`);
    let env: EnvWriteMessage | null = null;
    try {
      const written = await writeToWorkspaceEnv(folder, { AZURE_CLIENT_ID: app.appId, AZURE_TENANT_ID: app.tenantId, AZURE_CLIENT_SECRET: made.secret.secretText },
        vscode.l10n.t('the service principal {0}', displayName));
      if (written) {
        announceEnvWrite(written);
        env = await this.envMessage(written, target);
        this.ctx.log.info(`Wrote the client id, tenant and secret of ${displayName} to ${written.path}`);
      } else {
        this.ctx.log.info(`${target.name} was left as it was for ${displayName}: the replacement was declined`);
      }
    } catch (error) {
      throw new ServicePrincipalFailure('failed', vscode.l10n.t('{0} was created (client id {1}), but its secret could not be written to {2}: {3} The secret cannot be shown again; Rotate Secret makes a new one and writes it.',
        displayName, app.appId, target.name, messageOf(error)));
    }
    let membership: ResultOf<'createLocalDevApp'>['membership'] = null;
    if (group) {
      const [outcome] = await session.addMembers(group.id, [made.servicePrincipalId]).catch((error: unknown) => [{ id: made.servicePrincipalId, outcome: 'failed' as const, reason: messageOf(error), forbidden: false }]);
      membership = { group, outcome: outcome?.outcome ?? 'failed', reason: outcome?.outcome === 'failed' ? outcome.reason.slice(0, 1_900) : null };
      this.ctx.log.info(`Service principal ${made.servicePrincipalId} in ${group.displayName} (${group.id}): ${membership.outcome}`);
    }
    return { app, env, membership };
  }

  private async useExisting(clientId: string, tenant: string): Promise<ResultOf<'useExistingServicePrincipal'>> {
    const { folder, target } = this.writableFolder();
    // The secret is asked for here, in VS Code's own password box, and never on the page: what the page holds goes
    // through its DOM, its saved state and the messages between it and the extension. From this box it goes straight
    // into .env.
    const secret = await vscode.window.showInputBox({
      title: vscode.l10n.t('Client secret of the service principal'),
      prompt: vscode.l10n.t('The client secret of the app {0} (tenant {1}). It is written to {2} as AZURE_CLIENT_SECRET and nowhere else.', clientId, tenant, target.name),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => secretProblem(value),
    });
    if (secret === undefined || secretProblem(secret)) return { outcome: 'cancelled', env: null };
    const written = await writeToWorkspaceEnv(folder, { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenant, AZURE_CLIENT_SECRET: secret }, vscode.l10n.t('the service principal {0}', clientId));
    if (!written) return { outcome: 'cancelled', env: null };
    announceEnvWrite(written);
    this.ctx.log.info(`Wrote the client id, tenant and secret of the existing service principal ${clientId} to ${written.path}`);
    return { outcome: 'written', env: await this.envMessage(written, target) };
  }

  private rememberedOrFail(folder: vscode.WorkspaceFolder, appObjectId: string): LocalDevAppMessage {
    const remembered = this.rememberedFor(folder);
    if (remembered?.appObjectId.toLowerCase() !== appObjectId) {
      throw new ServicePrincipalFailure('invalid', vscode.l10n.t('This is not the service principal remembered for {0}: reload the page.', folder.name));
    }
    return remembered;
  }

  private async rotate(appObjectId: string, secretEndDate: string): Promise<ResultOf<'rotateLocalDevSecret'>> {
    const { folder, target } = this.writableFolder();
    const remembered = this.rememberedOrFail(folder, appObjectId);
    const current = parse((await readWorkspaceTextFile(target.dir, target.name)) ?? '').AZURE_CLIENT_ID;
    // Replacing this app's own secret needs no confirmation (it is what was asked for); pointing a .env that names
    // another app at this one does, and is asked before the rotation, so that a "no" changes nothing in Azure.
    if (current && current.toLowerCase() !== remembered.appId.toLowerCase()) {
      const replace = vscode.l10n.t('Rotate and Replace');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('{0} uses another app (client id {1}). Rotate the secret of {2} and point {0} at it?', target.name, current.slice(0, 64), remembered.displayName),
        { modal: true, detail: vscode.l10n.t('AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET are replaced; the other lines of the file are kept as they are.') }, replace);
      if (answer !== replace) return { outcome: 'declined', app: null, env: null, oldSecretRemoved: false, removalProblem: null };
    }
    const session = await this.open();
    const rotated = await session.localDevApps.rotate({ appObjectId: remembered.appObjectId, oldKeyId: remembered.keyId, secretEndDateTime: endDateTime(secretEndDate), signal: this.abort.signal });
    const app: LocalDevAppMessage = { ...remembered, keyId: rotated.secret.keyId, secretEndDateTime: rotated.secret.endDateTime };
    await this.remember(folder, app);
    this.ctx.log.info(`Rotated the client secret of ${remembered.displayName}: new key id ${app.keyId} ending ${app.secretEndDateTime}; `
      + (rotated.oldSecretRemoved ? `the old one (${remembered.keyId}) was removed` : `the old one (${remembered.keyId}) could not be removed: ${rotated.removalProblem ?? ''}`));
    let written: EnvWriteResult;
    try {
      written = await this.replaceInEnv(target, { AZURE_CLIENT_ID: remembered.appId, AZURE_TENANT_ID: remembered.tenantId, AZURE_CLIENT_SECRET: rotated.secret.secretText });
    } catch (error) {
      throw new ServicePrincipalFailure('failed', rotated.oldSecretRemoved
        ? vscode.l10n.t('The new secret of {0} could not be written to {1}: {2} The old secret was removed, so the app signs in only with a secret you no longer have: rotate again.', remembered.displayName, target.name, messageOf(error))
        : vscode.l10n.t('The new secret of {0} could not be written to {1}: {2} Meanwhile the app signs in only with a secret you no longer have: rotate again.', remembered.displayName, target.name, messageOf(error)));
    }
    announceEnvWrite(written);
    return {
      outcome: 'rotated', app, env: await this.envMessage(written, target), oldSecretRemoved: rotated.oldSecretRemoved,
      removalProblem: rotated.removalProblem ? redactSecrets(rotated.removalProblem, this.ctx.knownSecrets()).slice(0, 1_900) : null,
    };
  }

  private async remove(appObjectId: string): Promise<ResultOf<'deleteLocalDevApp'>> {
    const { folder, target } = this.writableFolder();
    const remembered = this.rememberedOrFail(folder, appObjectId);
    const remove = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the service principal {0}?', remembered.displayName), {
      modal: true,
      detail: vscode.l10n.t('Its app registration (client id {0}) and service principal are deleted in Azure, with their role assignments and group memberships; its secret stops working. {1}\'s AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET lines are removed when they name this app; its other lines stay as they are.', remembered.appId, target.name),
    }, remove);
    if (answer !== remove) return { outcome: 'declined', env: 'untouched', envProblem: null };
    const session = await this.open();
    const outcome = await session.localDevApps.remove(remembered.appObjectId, this.abort.signal);
    await this.remember(folder, null);
    this.ctx.log.info(`Deleted the app registration ${remembered.displayName} (client id ${remembered.appId}): ${outcome}`);
    let env: ResultOf<'deleteLocalDevApp'>['env'];
    let envProblem: string | null = null;
    try {
      const text = await readWorkspaceTextFile(target.dir, target.name);
      if (text === undefined) env = 'no-file';
      else if (parse(text).AZURE_CLIENT_ID?.toLowerCase() !== remembered.appId.toLowerCase()) env = 'other-app';
      else {
        const plan = planEnvRemoval(text, ENV_KEYS);
        await writeEnvFile(target.dir, plan, { fileName: target.name, expected: text });
        env = 'removed';
        if (plan.remaining.length) envProblem = plan.remaining.length === 1
          ? vscode.l10n.t('{0} still sets {1} in a form Azure Dev Auth does not edit: remove it yourself.', target.name, plan.remaining.join(', '))
          : vscode.l10n.t('{0} still sets {1} in a form Azure Dev Auth does not edit: remove them yourself.', target.name, plan.remaining.join(', '));
        this.ctx.log.info(`Removed ${plan.removed.join(', ')} from ${target.path}`);
      }
    } catch (error) {
      env = 'failed';
      envProblem = vscode.l10n.t('{0} could not be edited: {1} Remove its AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET lines yourself.', target.name, messageOf(error));
    }
    const name = remembered.displayName;
    void vscode.window.showInformationMessage(outcome === 'deleted'
      ? (env === 'removed' ? vscode.l10n.t('Deleted the service principal {0}; removed its lines from {1}.', name, target.name) : vscode.l10n.t('Deleted the service principal {0}.', name))
      : (env === 'removed' ? vscode.l10n.t('Forgot (it was already gone) the service principal {0}; removed its lines from {1}.', name, target.name) : vscode.l10n.t('Forgot (it was already gone) the service principal {0}.', name)));
    return { outcome, env, envProblem };
  }
}

/** Why a typed client secret cannot go into .env, without repeating it; undefined when it can. */
function secretProblem(value: string): string | undefined {
  if (!value) return vscode.l10n.t('Enter the client secret (the value shown once when it was created, not its id).');
  if (value.trim() !== value) return vscode.l10n.t('The secret starts or ends with a space: check what was pasted.');
  try {
    planEnvUpdate(undefined, { AZURE_CLIENT_SECRET: value });
    return undefined;
  } catch (error) {
    return error instanceof EnvFileError ? error.message : vscode.l10n.t('The secret cannot be written to .env.');
  }
}
