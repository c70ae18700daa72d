// "Sign In…": every way DefaultAzureCredential can get a developer's token, in the chain order of the installed
// azure-identity, each with its state (installed, signed in as whom, reached or not and why) and its sign-in; the
// tenant and cloud that apply to them; and what the chain says once a sign-in has finished. The page never polls:
// the extension pushes the chain's state whenever the chain's own watchers see a change.
import * as l10n from '@vscode/l10n';
import {
  browserSnippet, choiceProblem, cloudCommands, deviceCodeSnippet, installBrokerCommand, signInCommands, tenantProblem, TOOL_CREDENTIALS, TOOL_METHODS,
  upgradeForVsCodeCommand, usernameProblem, type CloudName, type ShellCommands, type SignInChoice, type SignInMethod, type SignInTool,
} from '../core/signin/signInPageCommands';
import {
  addAppOwnerCommand, addMemberCommand, administratorRequest, createAppCommand, createServicePrincipalCommand, deleteAppCommand, deleteCredentialCommand,
  renderCommand, resetCredentialCommand, showServicePrincipalCommand, type CommandArgs,
} from '../core/team/commands';
import { defaultSignInMethod } from '../core/remote';
import { defaultGroupName } from '../core/team/names';
import { onEvent, request, saveState } from './bridge';
import { busy, button, copyText, failureBox, failureOf } from './common';
import { h, icon, replaceChildren, sentence } from './dom';
import {
  cloudNameSchema, daysFromToday, LOCAL_DEV_APP_NAME_MAX, localDevNameProblem, MAX_SECRET_DAYS, secretEndDateProblem, signInRunSchema,
  type EnvWriteMessage, type LocalDevAppMessage, type PageCommand, type ResultOf, type SignInPageMessage, type SignInRowMessage, type SignInRunMessage,
  type WizardFailure, type WizardInit,
} from './protocol';

export interface SignInState {
  readonly wizard: 'signIn';
  readonly init: WizardInit;
  tenant: string;
  /** null: the cloud az is set to. */
  cloud: CloudName | null;
  methods: Record<SignInTool, SignInMethod>;
  username: string;
  /** The last sign-in run and how it ended, without its device code (codes are shown while a run lives, never kept). */
  lastRun: SignInRunMessage | null;
  /** The page has been brought to the row it was opened for. */
  focused: boolean;
  /** The service principal section's answers (never a secret). */
  sp: ServicePrincipalForm;
}

/** A browser sign-in on the developer's machine; in a dev container, Codespaces, WSL or over SSH, a device code. */
function defaultMethods(init: Extract<WizardInit, { wizard: 'signIn' }>): Record<SignInTool, SignInMethod> {
  const method: SignInMethod = defaultSignInMethod(init.remote);
  return { az: method, azd: method, pwsh: method };
}

export function initialSignInState(init: Extract<WizardInit, { wizard: 'signIn' }>): SignInState {
  return {
    wizard: 'signIn', init, tenant: '', cloud: null, methods: defaultMethods(init), username: '', lastRun: null,
    focused: !init.focus, sp: initialServicePrincipalForm(),
  };
}

/** The saved answers, checked like every input: a state of another page or version is not reused. */
export function restoredSignInState(saved: unknown, init: Extract<WizardInit, { wizard: 'signIn' }>): SignInState | undefined {
  if (!saved || typeof saved !== 'object' || Reflect.get(saved, 'wizard') !== 'signIn') return undefined;
  const fresh = initialSignInState(init);
  const text = (name: string, max: number): string => {
    const value: unknown = Reflect.get(saved, name);
    return typeof value === 'string' && value.length <= max ? value : '';
  };
  const cloudValue: unknown = Reflect.get(saved, 'cloud');
  const methodsValue: unknown = Reflect.get(saved, 'methods');
  const methods = { ...fresh.methods };
  for (const tool of Object.keys(methods) as SignInTool[]) {
    const m: unknown = methodsValue && typeof methodsValue === 'object' ? Reflect.get(methodsValue, tool) : undefined;
    if (typeof m === 'string' && (TOOL_METHODS[tool] as readonly string[]).includes(m)) methods[tool] = m as SignInMethod;
  }
  const run = signInRunSchema.safeParse(Reflect.get(saved, 'lastRun'));
  return {
    ...fresh,
    tenant: text('tenant', 253),
    cloud: cloudNameSchema.safeParse(cloudValue).success ? cloudValue as CloudName : null,
    methods,
    username: text('username', 256),
    lastRun: run.success ? { ...run.data, deviceCode: null } : null,
    focused: Reflect.get(saved, 'focused') === true || fresh.focused,
    sp: restoredServicePrincipalForm(Reflect.get(saved, 'sp')),
  };
}

const TOOL_LABELS: Readonly<Record<SignInTool, string>> = { az: 'Azure CLI', azd: 'Azure Developer CLI', pwsh: 'Azure PowerShell' };
/** Looked up when drawn: the translations arrive with the panel's first message. */
const methodLabels = (): Readonly<Record<SignInMethod, { label: string; hint: string }>> => ({
  browser: { label: l10n.t('Browser'), hint: l10n.t('Opens the sign-in page in your browser.') },
  'device-code': { label: l10n.t('Device code'), hint: l10n.t('Shows a code to enter on the device-login page, from any browser, also on another device.') },
  password: { label: l10n.t('Username and password'), hint: l10n.t('No multi-factor authentication, no personal Microsoft accounts; the password is typed in the terminal.') },
});

/** What the service principal section is given: the page's model and the choices that apply to it. */
export interface ServicePrincipalSectionContext {
  readonly page: SignInPageMessage | null;
  /** The EnvironmentCredential row (its place in the chain, whether the chain reaches it, who it signs in as). */
  readonly environment: SignInRowMessage | undefined;
  /** A validated tenant id or domain from the Tenant field, or null. */
  readonly tenant: string | null;
  readonly cloud: CloudName;
}

/** The section's element, made once and kept by the page, and how the page tells it that its context changed. */
export interface ServicePrincipalSection {
  readonly element: HTMLElement;
  /** Called whenever the chain's state, the tenant or the cloud changes; the element is not re-created. */
  update(context: ServicePrincipalSectionContext): void;
}

const SECRET_PRESETS = [30, 90, 180] as const;
type SecretPreset = (typeof SECRET_PRESETS)[number];

/** When a new secret ends: a preset number of days from today, or a date of the developer's choosing. */
export interface SecretEndChoice {
  preset: SecretPreset | null;
  /** YYYY-MM-DD; used when preset is null. */
  date: string;
}

/** The section's answers, saved with the page's state: names, ids and choices, never a secret. */
export interface ServicePrincipalForm {
  mode: 'create' | 'existing';
  name: string;
  /** The name was typed over: the default suggested for the signed-in developer no longer replaces it. */
  nameEdited: boolean;
  createEnd: SecretEndChoice;
  rotateEnd: SecretEndChoice;
  joinGroup: boolean;
  clientId: string;
  tenant: string;
  tenantEdited: boolean;
}

export function initialServicePrincipalForm(): ServicePrincipalForm {
  return {
    mode: 'create', name: '', nameEdited: false, createEnd: { preset: 90, date: '' }, rotateEnd: { preset: 90, date: '' }, joinGroup: false,
    clientId: '', tenant: '', tenantEdited: false,
  };
}

/** The saved answers, checked like every input: what does not fit is replaced by the default. */
export function restoredServicePrincipalForm(saved: unknown): ServicePrincipalForm {
  const fresh = initialServicePrincipalForm();
  if (!saved || typeof saved !== 'object') return fresh;
  const text = (name: string, max: number): string => {
    const value: unknown = Reflect.get(saved, name);
    return typeof value === 'string' && value.length <= max ? value : '';
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value: unknown = Reflect.get(saved, name);
    return typeof value === 'boolean' ? value : fallback;
  };
  const end = (name: string): SecretEndChoice => {
    const value: unknown = Reflect.get(saved, name);
    if (!value || typeof value !== 'object') return { preset: 90, date: '' };
    const preset: unknown = Reflect.get(value, 'preset');
    const date: unknown = Reflect.get(value, 'date');
    return {
      preset: preset === null || (SECRET_PRESETS as readonly unknown[]).includes(preset) ? preset as SecretPreset | null : 90,
      date: typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '',
    };
  };
  return {
    mode: Reflect.get(saved, 'mode') === 'existing' ? 'existing' : 'create',
    name: text('name', LOCAL_DEV_APP_NAME_MAX), nameEdited: flag('nameEdited', false),
    createEnd: end('createEnd'), rotateEnd: end('rotateEnd'), joinGroup: flag('joinGroup', false),
    clientId: text('clientId', 36), tenant: text('tenant', 253), tenantEdited: flag('tenantEdited', false),
  };
}

const endDateOf = (choice: SecretEndChoice): string => (choice.preset !== null ? daysFromToday(choice.preset) : choice.date);
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const clientIdProblem = (value: string): string | null => (value.trim() === '' ? l10n.t('Enter the application (client) id.') : GUID.test(value.trim()) ? null : l10n.t('The client id is a GUID, such as 65b3768b-1234-4c8e-9a1b-2f3d4e5f6a7b.'));
/** Placeholders in the equivalent commands for what an earlier command prints. */
const APP_ID = '<app-id>';
const SP_OBJECT_ID = '<service-principal-object-id>';

type SpState = ResultOf<'spState'>;
type SpOutcome =
  | { readonly op: 'create'; readonly result: ResultOf<'createLocalDevApp'> }
  | { readonly op: 'existing'; readonly result: ResultOf<'useExistingServicePrincipal'>; readonly clientId: string }
  | { readonly op: 'rotate'; readonly result: ResultOf<'rotateLocalDevSecret'> }
  | { readonly op: 'delete'; readonly result: ResultOf<'deleteLocalDevApp'>; readonly name: string };
type SpOperation = 'create' | 'existing' | 'rotate' | 'delete';
/** Where a failure is shown: next to the action that failed. */
type SpFailurePlace = SpOperation | 'state' | 'assign';

/** The az commands of one step, in bash and PowerShell with copy buttons, a note, and the request for an administrator. */
function spCommandsBlock(id: string, title: string, commands: readonly CommandArgs[], note: string | null,
  admin: { readonly what: string; readonly why: string; readonly commands: readonly CommandArgs[] } | null): HTMLElement {
  const bash = commands.map((c) => renderCommand(c, 'bash')).join('\n\n');
  const pwsh = commands.map((c) => renderCommand(c, 'powershell')).join('\n\n');
  const block = (shell: 'bash' | 'PowerShell', text: string, suffix: string) => h('div', { class: 'command' },
    h('div', { class: 'command-head' }, h('span', {}, shell),
      button(l10n.t('Copy'), () => copyText(text, `the ${shell} commands`), { key: `${id}-copy-${suffix}`, secondary: true, ariaLabel: l10n.t('Copy the {0} commands: {1}', shell, title) })),
    h('pre', { tabindex: '0', id: `${id}-${suffix}`, 'aria-label': `${title}, ${shell}` }, h('code', {}, text)));
  return h('div', { class: 'sp-commands', id, role: 'group', 'aria-labelledby': `${id}-title` },
    h('h4', { id: `${id}-title` }, title),
    block('bash', bash, 'bash'), block('PowerShell', pwsh, 'pwsh'),
    note ? h('p', { class: 'note' }, note) : null,
    admin ? button(l10n.t('Copy Request for an Administrator'), () => copyText(administratorRequest(admin.what, admin.why, admin.commands), 'the request for an administrator'),
      { key: `${id}-admin`, id: `${id}-admin`, secondary: true }) : null);
}

/** The secret's end: presets and a date field, never beyond two years. `changed` runs after every choice. */
function secretEndField(id: string, legend: string, choice: SecretEndChoice, changed: () => void): HTMLElement {
  const dateInput = h('input', {
    type: 'date', id: `${id}-date`, 'data-key': `${id}-date`, min: daysFromToday(1), max: daysFromToday(MAX_SECRET_DAYS), value: endDateOf(choice),
    'aria-describedby': `${id}-problem`,
    oninput: (e: Event) => {
      choice.preset = null;
      choice.date = (e.target as HTMLInputElement).value;
      const custom = document.getElementById(`${id}-custom`) as HTMLInputElement | null;
      if (custom) custom.checked = true;
      changed();
    },
  }) as HTMLInputElement;
  const pick = (preset: SecretPreset | null) => {
    choice.preset = preset;
    if (preset !== null) dateInput.value = daysFromToday(preset);
    else if (!choice.date) choice.date = dateInput.value;
    changed();
  };
  return h('fieldset', { class: 'secret-end' }, h('legend', {}, legend),
    ...SECRET_PRESETS.map((days) => h('label', {},
      h('input', { type: 'radio', name: id, id: `${id}-${days}`, 'data-key': `${id}-${days}`, checked: choice.preset === days, onchange: () => pick(days) }),
      ' ', l10n.t('In {0} days', days))),
    h('label', {}, h('input', { type: 'radio', name: id, id: `${id}-custom`, 'data-key': `${id}-custom`, checked: choice.preset === null, onchange: () => pick(null) }), ' ', l10n.t('On this date:')),
    h('label', { class: 'sr-only', for: `${id}-date` }, l10n.t('{0}: date', legend)),
    dateInput,
    h('p', { class: 'hint' }, l10n.t('At most two years ({0}). A shorter life limits what a leaked secret can do; rotating makes a new one at any time.', daysFromToday(MAX_SECRET_DAYS))),
    h('div', { id: `${id}-problem`, 'aria-live': 'polite' }, secretEndDateProblem(endDateOf(choice)) ? h('p', { class: 'problem' }, secretEndDateProblem(endDateOf(choice))) : null));
}

/**
 * "Service principal for local development" (`#sp-section`): the alternative to signing in with a tool, an application
 * of one's own whose client id, tenant and secret EnvironmentCredential reads from `.env`. The page creates it once, so
 * what is typed into it survives the page's updates. The secret never reaches this page: the extension writes it
 * into `.env` itself, from Graph's answer or from VS Code's password box.
 */
export function servicePrincipalSection(initial: ServicePrincipalSectionContext,
  options: { readonly form?: ServicePrincipalForm; readonly save?: () => void } = {}): ServicePrincipalSection {
  const form = options.form ?? initialServicePrincipalForm();
  const save = () => options.save?.();
  let context = initial;
  let info: SpState | null = null;
  let loading = false;
  let working: string | null = null;
  /** The change `working` describes: where its progress is shown. */
  let workingOp: SpOperation | null = null;
  let failure: { readonly op: SpFailurePlace; readonly failure: WizardFailure } | null = null;
  let outcome: SpOutcome | null = null;
  /** The active source when the state was last asked for: a sign-in since then is worth asking again. */
  let askedWith: string | null | undefined;

  const intro = h('div', { id: 'sp-intro' });
  const status = h('div', { id: 'sp-status', 'aria-live': 'polite' });
  const result = h('div', { id: 'sp-outcome' });
  const managed = h('div', { id: 'sp-managed' });
  const paths = h('div', { id: 'sp-paths' });
  const element = h('section', { id: 'sp-section', 'aria-labelledby': 'sp-title' },
    h('h2', { id: 'sp-title', tabindex: '-1' }, l10n.t('Service principal for local development')), intro, status, result, managed, paths);

  const folderName = () => info?.folderName ?? l10n.t('this folder');
  const groupName = () => defaultGroupName(info?.folderName ?? 'app');

  // ---------- the explanation, from the chain's EnvironmentCredential row ----------

  const whereInChain = (): (HTMLElement | string | null)[] => {
    const row = context.environment;
    const version = context.page?.azureIdentity.version;
    if (!row) return [];
    const r = row.reach;
    const chainOf = version ? l10n.t('azure-identity {0}', version) : l10n.t('this azure-identity version');
    const place = row.position === null ? l10n.t('EnvironmentCredential is not part of this azure-identity version\'s chain.')
      : row.position === 1 ? l10n.t('EnvironmentCredential is number {0} in the chain of {1}: it is tried first, so once .env holds the three variables it decides before any sign-in below.', row.position, chainOf)
        : l10n.t('EnvironmentCredential is number {0} in the chain of {1}.', row.position, chainOf);
    const now: string | null = r.kind === 'active'
      ? (row.signIn.kind === 'signed-in' && row.signIn.who ? l10n.t('It is active now, as {0}.', row.signIn.who) : l10n.t('It is active now.'))
      : r.kind === 'tried' ? l10n.t('Now it finds none of the variables, so Python moves on to the next source.')
        : r.kind === 'stops' ? l10n.t('Now it stops the chain: the variables are set but do not sign in (see its row above).')
          : r.kind === 'earlier-wins' ? l10n.t('Now {0} comes first.', r.winnerLabel)
            : null;
    return [h('p', { id: 'sp-chain-place' }, place, now ? ` ${now}` : ''),
      r.kind === 'excluded' ? h('p', { class: 'note' }, ...sentence(l10n.t('It is excluded now ({0}): the variables would be ignored until it is included again.'), h('span', { class: 'quote' }, r.reason))) : null];
  };
  const renderIntro = () => replaceChildren(intro,
    h('p', {}, l10n.t('The recommended setup signs your code in as you, with the roles of your team\'s group. The alternative is an app registration of your own, one per developer, whose service principal holds the roles instead: your code reads its client id, tenant and secret from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (here in the workspace\'s .env) through EnvironmentCredential. Use it when your code must run as an application, or when none of the sign-ins above can be used; a secret is a password that must be kept out of git and rotated.')),
    ...whereInChain());

  /** Whether the chain already signs in as `appId` through EnvironmentCredential. */
  const chainNote = (appId: string, id = 'sp-chain-note'): HTMLElement => {
    const row = context.environment;
    const active = row?.reach.kind === 'active' && row.signIn.kind === 'signed-in' && (row.signIn.who ?? '').toLowerCase().includes(appId.toLowerCase());
    return h('p', { id, role: 'status' }, active
      ? [icon('pass-filled'), ' ', l10n.t('The chain shows EnvironmentCredential active as this app: your Python code signs in as it.')]
      : l10n.t('The Credential Chain shows EnvironmentCredential active as this app once it checks again; it watches .env, so that happens by itself.'));
  };

  // ---------- the outcome of the last change ----------

  const envLine = (env: EnvWriteMessage): HTMLElement => {
    switch (env.git) {
      case 'ignored':
      case 'ignored-now':
        return h('p', { id: 'sp-env-status' }, icon('check'), ' ', env.git === 'ignored-now'
          ? l10n.t('{0} updated (git-ignored: added to .gitignore).', env.file) : l10n.t('{0} updated (git-ignored).', env.file));
      case 'tracked':
        return h('p', { id: 'sp-env-status', class: 'problem', role: 'alert' }, icon('warning'),
          l10n.t(' {0} updated, but git tracks it: the next commit would publish the secret. Stop tracking it with git rm --cached {1}.', env.file, env.file));
      case 'not-ignored':
        return h('p', { id: 'sp-env-status', class: 'problem', role: 'alert' }, icon('warning'), ' ', l10n.t('{0} updated, but git does not ignore it: add it to .gitignore.', env.file));
      case 'no-repository':
        return h('p', { id: 'sp-env-status' }, icon('check'), ' ', l10n.t('{0} updated (not in a git repository).', env.file));
    }
  };

  const outcomeBlock = (): HTMLElement | null => {
    if (!outcome) return null;
    switch (outcome.op) {
      case 'create': {
        const { app, env, membership } = outcome.result;
        return h('div', { class: 'notice', role: 'status', id: 'sp-created' },
          h('p', {}, ...sentence(l10n.t('{0}: its app registration, its service principal and one client secret.'), h('strong', {}, l10n.t('Created {0}', app.displayName)))),
          env ? envLine(env) : h('p', { class: 'problem', id: 'sp-env-status' }, l10n.t('.env was left as it was, so the secret went nowhere: Graph shows it only once. Rotate Secret makes a new one and writes it to .env.')),
          membership ? h('p', { id: 'sp-membership', class: membership.outcome === 'failed' ? 'problem' : '' },
            membership.outcome === 'failed' ? l10n.t('It could not join {0}: {1}', membership.group.displayName, membership.reason ?? l10n.t('unknown reason'))
              : membership.outcome === 'added'
                ? l10n.t('It joined {0}, so it holds the group\'s roles (role changes can take up to 10 minutes).', membership.group.displayName)
                : l10n.t('It already was in {0}, so it holds the group\'s roles (role changes can take up to 10 minutes).', membership.group.displayName)) : null);
      }
      case 'existing': return outcome.result.outcome === 'cancelled'
        ? h('p', { class: 'hint', role: 'status', id: 'sp-existing-outcome' }, l10n.t('Cancelled: .env was not changed.'))
        : h('div', { class: 'notice', role: 'status', id: 'sp-existing-outcome' },
          h('p', {}, l10n.t('The service principal {0} is in .env.', outcome.clientId)), outcome.result.env ? envLine(outcome.result.env) : null, chainNote(outcome.clientId, 'sp-existing-chain-note'));
      case 'rotate': {
        const r = outcome.result;
        if (r.outcome === 'declined' || !r.app) return h('p', { class: 'hint', role: 'status', id: 'sp-rotated' }, l10n.t('Not rotated: nothing changed.'));
        return h('div', { class: r.oldSecretRemoved ? 'notice' : 'failure', role: r.oldSecretRemoved ? 'status' : 'alert', id: 'sp-rotated' },
          h('p', {}, l10n.t('New secret ending {0} written to .env in place of the old one.', r.app.secretEndDateTime.slice(0, 10))),
          r.env ? envLine(r.env) : null,
          r.oldSecretRemoved ? h('p', {}, l10n.t('The old secret was removed from the app: it no longer signs in.'))
            : h('p', { class: 'problem' }, ...sentence(l10n.t('The old secret could not be removed: {0}'), h('span', { class: 'quote' }, r.removalProblem ?? l10n.t('unknown reason')))));
      }
      case 'delete': {
        const r = outcome.result;
        if (r.outcome === 'declined') return h('p', { class: 'hint', role: 'status', id: 'sp-deleted' }, l10n.t('Not deleted: nothing changed.'));
        const envText = r.env === 'removed' ? ' Its AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET lines were removed from .env; the other lines are as they were.'
          : r.env === 'other-app' ? ' .env names another app, so it was left as it is.'
            : r.env === 'no-file' ? ' There is no .env to clean up.' : '';
        return h('div', { class: r.envProblem ? 'failure' : 'notice', role: r.envProblem ? 'alert' : 'status', id: 'sp-deleted' },
          h('p', {}, r.outcome === 'deleted' ? l10n.t('Deleted {0} in Azure.', outcome.name) : l10n.t('{0} was already gone in Azure; it is forgotten here.', outcome.name), envText),
          r.envProblem ? h('p', { class: 'problem' }, r.envProblem) : null);
      }
    }
  };

  /** Where an administrator must act: app registration restricted to some directory roles. */
  const adminRequest = (name: string) => {
    const me = info?.actor?.user;
    const owner = me?.type === 'User' ? me.id : '<your-object-id>';
    return {
      what: `create the app registration "${name}" with its service principal, and make me its owner`,
      why: `This tenant lets only administrators (Application Administrator or Cloud Application Administrator) register applications. I need one for running ${folderName()} `
        + `on my machine as an application (EnvironmentCredential). As its owner${me ? ` (object id ${me.id})` : ''} I then create its client secret myself `
        + `(az ad app credential reset --id <app-id> --end-date ${endDateOf(form.createEnd)} --append prints it once; it goes into my .env and nowhere else), so the secret never leaves my machine. `
        + 'In the commands, <app-id> is the appId the first command prints.',
      commands: [createAppCommand(name), createServicePrincipalCommand(APP_ID), addAppOwnerCommand(APP_ID, owner)],
    };
  };

  const failureBlock = (op: SpFailurePlace): HTMLElement | null => {
    if (!failure || failure.op !== op) return null;
    const f = failure.failure;
    if (op === 'create' && f.kind === 'forbidden') {
      const request = adminRequest(form.name.trim() || info?.defaultName || 'app-local-dev');
      return h('div', { class: 'failure', role: 'alert', id: 'sp-failure' },
        h('p', {}, icon('error'), ' ', h('strong', {}, l10n.t('You may not register applications in this tenant.')),
          ' ', l10n.t('It lets only some directory roles create app registrations: an administrator with the Application Administrator or Cloud Application Administrator role can. Send them the request below: they create the app registration and its service principal and make you its owner; then you create its secret yourself (az ad app credential reset, below) and put it into .env with "Use an existing one".')),
        h('p', { class: 'hint' }, ...sentence(l10n.t('Microsoft Graph said: {0}'), h('span', { class: 'quote' }, f.message))),
        h('div', { class: 'actions' }, button(l10n.t('Copy Request for an Administrator'), () => copyText(administratorRequest(request.what, request.why, request.commands), 'the request for an administrator'),
          { key: 'sp-failure-admin', id: 'sp-failure-admin' })));
    }
    return failureBox(f);
  };

  // ---------- the remembered service principal: rotate, delete, assign a role ----------

  const rotateProblem = () => secretEndDateProblem(endDateOf(form.rotateEnd));
  const refreshRotate = () => {
    save();
    const slot = managed.querySelector<HTMLElement>('#sp-rotate-end-problem');
    if (slot) replaceChildren(slot, rotateProblem() ? h('p', { class: 'problem' }, rotateProblem()) : null);
    managed.querySelector<HTMLElement>('#sp-rotate')?.toggleAttribute('disabled', !!working || !!rotateProblem() || !info?.actor);
    const app = info?.remembered;
    const cmds = managed.querySelector<HTMLElement>('#sp-rotate-cmds-slot');
    if (cmds && app) replaceChildren(cmds, rotateCommands(app));
  };
  const rotateCommands = (app: LocalDevAppMessage) => spCommandsBlock('sp-rotate-cmds', l10n.t('Equivalent commands: rotate the secret'),
    [resetCredentialCommand(app.appId, endDateOf(form.rotateEnd)), deleteCredentialCommand(app.appId, app.keyId)],
    l10n.t('az ad app credential reset prints the new secret (its "password"): put it into .env as AZURE_CLIENT_SECRET, never paste it anywhere else (a chat, a ticket, a commit). Then the second command removes the old secret.'), null);

  const managedBlock = (): (HTMLElement | null)[] => {
    const app = info?.remembered;
    if (!app) return [];
    const envState = info?.envClient === 'remembered' ? '.env uses it.'
      : info?.envClient === 'other' ? '.env names another app: Rotate Secret points it at this one.'
        : info?.envClient === 'none' ? '.env does not set AZURE_CLIENT_ID: Rotate Secret writes a new secret there.' : '';
    return [h('div', { class: 'sp-app', id: 'sp-app', role: 'group', 'aria-labelledby': 'sp-app-title' },
      h('h3', { id: 'sp-app-title' }, l10n.t('Your service principal for {0}', folderName())),
      h('dl', { class: 'summary' },
        h('dt', {}, l10n.t('Name')), h('dd', { id: 'sp-app-name' }, app.displayName),
        h('dt', {}, l10n.t('Application (client) id')), h('dd', {}, h('code', { id: 'sp-app-id' }, app.appId)),
        h('dt', {}, l10n.t('Object id (app registration)')), h('dd', {}, h('code', { id: 'sp-object-id' }, app.appObjectId)),
        app.servicePrincipalId ? [h('dt', {}, l10n.t('Object id (service principal)')), h('dd', {}, h('code', { id: 'sp-principal-id' }, app.servicePrincipalId))] : null,
        h('dt', {}, l10n.t('Tenant')), h('dd', {}, h('code', {}, app.tenantId)),
        h('dt', {}, l10n.t('Secret expires')), h('dd', { id: 'sp-expiry' }, l10n.t('{0} (key id {1})', app.secretEndDateTime.slice(0, 10), app.keyId))),
      envState ? h('p', { class: 'hint', id: 'sp-env-uses' }, envState) : null,
      chainNote(app.appId),
      h('div', { class: 'actions' },
        app.servicePrincipalId ? button(l10n.t('Assign a Role to It…'), () => void request({
          method: 'openRoleWizard', assignee: { id: app.servicePrincipalId!, type: 'ServicePrincipal', displayName: app.displayName, detail: `app id ${app.appId}` },
        }).catch((error: unknown) => { failure = { op: 'assign', failure: failureOf(error) }; renderAll(); }), { key: 'sp-assign-role', id: 'sp-assign-role' }) : null,
        app.servicePrincipalId ? button(l10n.t('Check Access for It'), () => void request({
          method: 'checkAccessFor', principal: { id: app.servicePrincipalId!, type: 'ServicePrincipal', displayName: app.displayName, detail: `app id ${app.appId}` },
        }).catch((error: unknown) => { failure = { op: 'assign', failure: failureOf(error) }; renderAll(); }), { key: 'sp-check-access', id: 'sp-check-access', secondary: true }) : null,
        button(l10n.t('Delete This Service Principal…'), () => void remove(app), { key: 'sp-delete', id: 'sp-delete', secondary: true, disabled: !!working || !info?.actor })),
      failureBlock('assign'),
      failureBlock('delete'),
      h('h4', {}, l10n.t('Rotate the secret')),
      h('p', { class: 'hint' }, l10n.t('A new secret replaces the one in .env (no question asked: that is what rotating means), then the old one is removed from the app.')),
      secretEndField('sp-rotate-end', l10n.t('The new secret ends'), form.rotateEnd, refreshRotate),
      h('div', { class: 'actions' }, button(l10n.t('Rotate Secret'), () => void rotate(app), { key: 'sp-rotate', id: 'sp-rotate', disabled: !!working || !!rotateProblem() || !info?.actor })),
      failureBlock('rotate'),
      h('div', { id: 'sp-rotate-cmds-slot' }, rotateCommands(app)),
      spCommandsBlock('sp-delete-cmds', l10n.t('Equivalent command: delete it'), [deleteAppCommand(app.appId)],
        l10n.t('Deleting the app registration deletes its service principal, with its role assignments and group memberships.'), null))];
  };

  // ---------- the two ways in: create one, or use an existing one ----------

  const nameProblem = () => localDevNameProblem(form.name);
  const createBlocked = () => !!working || !info?.actor || !!nameProblem() || !!secretEndDateProblem(endDateOf(form.createEnd));
  const createCommands = (): HTMLElement => {
    const name = form.name.trim() || 'app-local-dev-you';
    const joining = !!info?.group && form.joinGroup;
    return spCommandsBlock('sp-create-cmds', l10n.t('Equivalent commands'), [
      createAppCommand(name), createServicePrincipalCommand(APP_ID), resetCredentialCommand(APP_ID, endDateOf(form.createEnd)),
      ...(joining && info?.group ? [addMemberCommand(info.group.displayName, SP_OBJECT_ID)] : []),
    ], joining
      ? l10n.t('{0} is the appId the first command prints, {1} the id the second prints. az ad app credential reset prints the secret once (its "password"): write it into .env as AZURE_CLIENT_SECRET, next to AZURE_CLIENT_ID (the appId) and AZURE_TENANT_ID (its "tenant"), and never paste it anywhere else (a chat, a ticket, a commit).', APP_ID, SP_OBJECT_ID)
      : l10n.t('{0} is the appId the first command prints. az ad app credential reset prints the secret once (its "password"): write it into .env as AZURE_CLIENT_SECRET, next to AZURE_CLIENT_ID (the appId) and AZURE_TENANT_ID (its "tenant"), and never paste it anywhere else (a chat, a ticket, a commit).', APP_ID),
    adminRequest(name));
  };
  const refreshCreate = () => {
    save();
    const problems = paths.querySelector<HTMLElement>('#sp-name-problem');
    if (problems) replaceChildren(problems, nameProblem() && form.name !== '' ? h('p', { class: 'problem' }, nameProblem()) : null);
    const endProblem = paths.querySelector<HTMLElement>('#sp-end-problem');
    if (endProblem) replaceChildren(endProblem, secretEndDateProblem(endDateOf(form.createEnd)) ? h('p', { class: 'problem' }, secretEndDateProblem(endDateOf(form.createEnd))) : null);
    paths.querySelector<HTMLElement>('#sp-create')?.toggleAttribute('disabled', createBlocked());
    const cmds = paths.querySelector<HTMLElement>('#sp-create-cmds-slot');
    if (cmds) replaceChildren(cmds, createCommands());
  };
  const createPath = (): (HTMLElement | null)[] => {
    if (info?.remembered) {
      return [h('p', { class: 'hint' }, l10n.t('One service principal per developer and folder: delete {0} above to create another, or use an existing one.', info.remembered.displayName))];
    }
    const group = info?.group;
    return [
      h('div', { class: 'field' }, h('vscode-label', { for: 'sp-name' }, l10n.t('Name of the app registration')),
        h('vscode-textfield', {
          id: 'sp-name', 'data-key': 'sp-name', value: form.name, label: l10n.t('Name of the app registration'), maxlength: String(LOCAL_DEV_APP_NAME_MAX), 'aria-describedby': 'sp-name-hint',
          oninput: (e: Event) => { form.name = (e.target as HTMLInputElement).value; form.nameEdited = true; refreshCreate(); },
        }),
        h('p', { class: 'hint', id: 'sp-name-hint' }, l10n.t('<app>-local-dev-<you>: one per developer, so that each secret can be rotated or revoked on its own.')),
        h('div', { id: 'sp-name-problem', 'aria-live': 'polite' })),
      secretEndField('sp-end', l10n.t('The secret ends'), form.createEnd, refreshCreate),
      group ? h('label', { class: 'checkbox' },
        h('input', { type: 'checkbox', id: 'sp-join-group', 'data-key': 'sp-join-group', checked: form.joinGroup, onchange: (e: Event) => { form.joinGroup = (e.target as HTMLInputElement).checked; refreshCreate(); } }),
        ' ', l10n.t('Add it to the group {0} so it inherits the group\'s roles', group.displayName))
        : h('p', { class: 'hint', id: 'sp-no-group' }, l10n.t('There is no group {0} to join: assign roles to the service principal once it exists (Assign a Role to It…), or create the group first.', groupName())),
      h('div', { class: 'actions' }, button(l10n.t('Create'), () => void create(), { key: 'sp-create', id: 'sp-create', disabled: createBlocked() })),
      working && workingOp === 'create' ? busy(working) : null,
      failureBlock('create'),
      h('div', { id: 'sp-create-cmds-slot' }, createCommands()),
    ];
  };

  const existingTenant = () => form.tenant.trim();
  const existingBlocked = () => !!working || !!clientIdProblem(form.clientId) || !existingTenant() || !!tenantProblem(form.tenant);
  const existingCommands = () => spCommandsBlock('sp-existing-cmds', l10n.t('Equivalent command: look it up'), [showServicePrincipalCommand(form.clientId.trim() || '<client-id>')],
    l10n.t('It shows the name and object id of the service principal, never a secret. The .env lines are AZURE_CLIENT_ID (the client id), AZURE_TENANT_ID and AZURE_CLIENT_SECRET; the secret is typed into VS Code\'s password box and goes into .env and nowhere else.'), null);
  const refreshExisting = () => {
    save();
    const problems = paths.querySelector<HTMLElement>('#sp-existing-problems');
    if (problems) {
      replaceChildren(problems, ...[form.clientId ? clientIdProblem(form.clientId) : null, form.tenant ? tenantProblem(form.tenant) : null]
        .filter((p): p is string => !!p).map((p) => h('p', { class: 'problem' }, p)));
    }
    paths.querySelector<HTMLElement>('#sp-use-existing')?.toggleAttribute('disabled', existingBlocked());
    const cmds = paths.querySelector<HTMLElement>('#sp-existing-cmds-slot');
    if (cmds) replaceChildren(cmds, existingCommands());
  };
  /** The tenant the page's Tenant field names, else the developer's: prefilled until the field is typed in. */
  const defaultTenant = () => context.tenant ?? info?.tenantId ?? '';
  const existingPath = (): (HTMLElement | null)[] => {
    if (!form.tenantEdited) form.tenant = defaultTenant();
    return [
      h('p', {}, l10n.t('An app registration you already have (made by an administrator, say): its client id and tenant here; its secret in VS Code\'s password box, which the extension asks for, so that it never passes through this page.')),
      h('div', { class: 'field' }, h('vscode-label', { for: 'sp-client-id' }, l10n.t('Application (client) id')),
        h('vscode-textfield', {
          id: 'sp-client-id', 'data-key': 'sp-client-id', value: form.clientId, label: l10n.t('Application (client) id'), maxlength: '36', placeholder: '00000000-0000-0000-0000-000000000000',
          oninput: (e: Event) => { form.clientId = (e.target as HTMLInputElement).value; refreshExisting(); },
        })),
      h('div', { class: 'field' }, h('vscode-label', { for: 'sp-tenant' }, l10n.t('Tenant')),
        h('vscode-textfield', {
          id: 'sp-tenant', 'data-key': 'sp-tenant', value: form.tenant, label: l10n.t('Tenant'), maxlength: '253', placeholder: l10n.t('contoso.onmicrosoft.com or the tenant id'),
          oninput: (e: Event) => { form.tenant = (e.target as HTMLInputElement).value; form.tenantEdited = true; refreshExisting(); },
        })),
      h('div', { id: 'sp-existing-problems', 'aria-live': 'polite' }),
      h('div', { class: 'actions' }, button(l10n.t('Enter Its Secret and Write .env…'), () => void useExisting(), { key: 'sp-use-existing', id: 'sp-use-existing', disabled: existingBlocked() })),
      failureBlock('existing'),
      h('div', { id: 'sp-existing-cmds-slot' }, existingCommands()),
    ];
  };

  const pathsBlock = (): HTMLElement[] => [
    h('fieldset', {}, h('legend', {}, info?.remembered ? l10n.t('Another service principal') : l10n.t('Which service principal')),
      h('label', {}, h('input', { type: 'radio', name: 'sp-mode', id: 'sp-mode-create', 'data-key': 'sp-mode-create', checked: form.mode === 'create', onchange: () => { form.mode = 'create'; renderAll(); } }), ' ', l10n.t('Create one for me')),
      h('label', {}, h('input', { type: 'radio', name: 'sp-mode', id: 'sp-mode-existing', 'data-key': 'sp-mode-existing', checked: form.mode === 'existing', onchange: () => { form.mode = 'existing'; renderAll(); } }), ' ', l10n.t('Use an existing one'))),
    h('div', { id: form.mode === 'create' ? 'sp-create-path' : 'sp-existing-path' }, ...(form.mode === 'create' ? createPath() : existingPath())),
  ];

  const statusBlock = (): (HTMLElement | null)[] => {
    if (loading && !info) return [busy(l10n.t('Asking Azure who you are…'))];
    if (info?.actor) return [h('p', { class: 'hint', id: 'sp-actor' }, info.actor.user.detail
      ? l10n.t('Acting as {0} ({1}) through {2}.', info.actor.user.displayName, info.actor.user.detail, info.actor.tool)
      : l10n.t('Acting as {0} through {1}.', info.actor.user.displayName, info.actor.tool))];
    if (info?.problem) return [h('p', { class: 'note', id: 'sp-no-session' }, info.problem.message, ' ', l10n.t('Using an existing service principal needs no sign-in.'))];
    return [failureBlock('state')];
  };

  // The parts are redrawn on their own: an update of the chain redraws the explanation and the chain note, never the
  // fields being typed in.
  const renderAll = () => {
    save();
    replaceChildren(status, ...statusBlock());
    replaceChildren(result, outcomeBlock(), working && workingOp !== 'create' ? busy(working) : null);
    replaceChildren(managed, ...managedBlock());
    replaceChildren(paths, ...pathsBlock());
    refreshCreate();
    refreshExisting();
  };

  const load = async () => {
    loading = true;
    askedWith = context.page?.active?.credential ?? null;
    renderAll();
    try {
      info = await request({ method: 'spState' });
      if (failure?.op === 'state') failure = null;
      if (!form.nameEdited && info.defaultName) form.name = info.defaultName;
    } catch (error) {
      failure = { op: 'state', failure: failureOf(error) };
    } finally {
      loading = false;
      renderAll();
    }
  };

  /** Runs one change; the state is asked for again afterwards (what is remembered, what .env names). */
  const change = async (op: SpOperation, message: string, task: () => Promise<SpOutcome | null>) => {
    if (working) return; // a second click while the first runs does nothing
    working = message;
    workingOp = op;
    failure = null;
    renderAll();
    try {
      const done = await task();
      if (done) {
        outcome = done;
        // The change's own answer is shown at once; the state asked for next confirms it.
        if (info && done.op === 'create') info = { ...info, remembered: done.result.app, envClient: done.result.env ? 'remembered' : info.envClient };
        if (info && done.op === 'rotate' && done.result.app) info = { ...info, remembered: done.result.app, envClient: 'remembered' };
        if (info && done.op === 'delete' && done.result.outcome !== 'declined') info = { ...info, remembered: null };
      }
    } catch (error) {
      failure = { op, failure: failureOf(error) };
    } finally {
      working = null;
      workingOp = null;
    }
    await load();
  };

  const create = () => change('create', l10n.t('Creating the app registration, its service principal and its secret…'), async () => ({
    op: 'create', result: await request({ method: 'createLocalDevApp', displayName: form.name.trim(), secretEndDate: endDateOf(form.createEnd), groupId: info?.group && form.joinGroup ? info.group.id : null }),
  }));
  const useExisting = () => change('existing', l10n.t('Waiting for the secret in VS Code\'s password box…'), async () => ({
    op: 'existing', clientId: form.clientId.trim().toLowerCase(), result: await request({ method: 'useExistingServicePrincipal', clientId: form.clientId.trim(), tenant: existingTenant() }),
  }));
  const rotate = (app: LocalDevAppMessage) => change('rotate', l10n.t('Rotating the secret…'), async () => ({
    op: 'rotate', result: await request({ method: 'rotateLocalDevSecret', appObjectId: app.appObjectId, secretEndDate: endDateOf(form.rotateEnd) }),
  }));
  const remove = (app: LocalDevAppMessage) => change('delete', l10n.t('Waiting for your answer, then deleting…'), async () => ({
    op: 'delete', name: app.displayName, result: await request({ method: 'deleteLocalDevApp', appObjectId: app.appObjectId }),
  }));

  const update = (next: ServicePrincipalSectionContext) => {
    context = next;
    renderIntro();
    const note = managed.querySelector<HTMLElement>('#sp-chain-note');
    const app = info?.remembered;
    if (note && app) replaceChildren(note, ...Array.from(chainNote(app.appId).childNodes));
    const existingNote = result.querySelector<HTMLElement>('#sp-existing-chain-note');
    if (existingNote && outcome?.op === 'existing') replaceChildren(existingNote, ...Array.from(chainNote(outcome.clientId).childNodes));
    // The tenant prefill follows the page's Tenant field until it is typed in.
    const tenantField = paths.querySelector<HTMLInputElement>('#sp-tenant');
    if (tenantField && !form.tenantEdited && form.tenant !== defaultTenant()) {
      form.tenant = defaultTenant();
      tenantField.value = form.tenant;
      refreshExisting();
    }
    // Without a sign-in the state is asked for again once the chain has a new active source (a sign-in above).
    const active = next.page?.active?.credential ?? null;
    if (!loading && !working && info && !info.actor && next.page && active !== askedWith) void load();
  };

  renderIntro();
  renderAll();
  void load();
  return { element, update };
}

interface Transient {
  page: SignInPageMessage | null;
  /** The run in progress (with its device code) or the last one. */
  run: SignInRunMessage | null;
  failure: WizardFailure | null;
  /** The collapsed sources the developer opened: kept open when the chain's state redraws the list. */
  opened: Set<string>;
  /** The run whose result the chain has checked once: a later re-check (a tool writing its files) keeps its answer on screen. */
  settledRun: number | null;
}

function shellBlock(id: string, title: string, commands: ShellCommands): HTMLElement {
  const block = (shell: 'bash' | 'PowerShell', text: string) => h('div', { class: 'command' },
    h('div', { class: 'command-head' }, h('span', {}, shell),
      button(l10n.t('Copy'), () => copyText(text, l10n.t('the {0} command', shell)), { key: `${id}-copy-${shell}`, secondary: true, ariaLabel: l10n.t('Copy the {0} command: {1}', shell, title) })),
    h('pre', { tabindex: '0', id: `${id}-${shell === 'bash' ? 'bash' : 'pwsh'}`, 'aria-label': `${title}, ${shell}` }, h('code', {}, text)));
  return h('div', { class: 'shell-commands' }, block('bash', commands.bash), block('PowerShell', commands.powershell));
}

function snippetBlock(id: string, title: string, text: string): HTMLElement {
  return h('div', { class: 'command' },
    h('div', { class: 'command-head' }, h('span', {}, title), button(l10n.t('Copy'), () => copyText(text, l10n.t('the {0} snippet', title)), { key: `${id}-copy`, secondary: true, ariaLabel: l10n.t('Copy the {0} snippet', title) })),
    h('pre', { tabindex: '0', id, 'aria-label': l10n.t('{0}, Python', title) }, h('code', {}, text)));
}

export function signInWizard(root: HTMLElement, state: SignInState): void {
  const t: Transient = { page: null, run: state.lastRun, failure: null, opened: new Set(), settledRun: null };
  const save = () => saveState({ ...state, lastRun: state.lastRun && { ...state.lastRun, deviceCode: null } });

  const cloud = (): CloudName => state.cloud ?? (t.page && ['AzureChinaCloud', 'AzureUSGovernment'].includes(t.page.azCloud) ? t.page.azCloud as CloudName : 'AzureCloud');
  const tenant = (): string | null => (state.tenant.trim() && !tenantProblem(state.tenant) ? state.tenant.trim() : null);
  const choice = (tool: SignInTool): SignInChoice => ({
    tool, method: state.methods[tool], tenant: tenant(), cloud: cloud(), username: state.methods[tool] === 'password' ? state.username.trim() : null,
  });
  const running = () => t.run?.state === 'running';
  const rowOf = (credential: string) => t.page?.rows.find((r) => r.credential === credential);

  const command = (name: PageCommand, credential?: SignInRowMessage['credential']) => {
    request({ method: 'runCommand', command: name, ...(credential ? { credential } : {}) }).catch((error: unknown) => { t.failure = failureOf(error); render(); });
  };

  // ---------- the parts ----------

  const statusBlock = (): HTMLElement => {
    const page = t.page;
    const version = page?.azureIdentity.version;
    return h('section', { id: 'status', 'aria-labelledby': 'status-title' },
      h('h2', { id: 'status-title', class: 'sr-only' }, l10n.t('Chain status')),
      h('p', { id: 'headline', role: 'status', class: page?.active ? 'active-headline' : '' },
        page?.active ? icon('pass-filled') : null, ' ', page ? page.headline : l10n.t('Reading the chain…'),
        page?.phase === 'probing' ? ` ${l10n.t('(checking again…)')}` : '', page?.stale ? ` ${l10n.t('(from an earlier check)')}` : ''),
      page ? h('p', { class: 'hint' },
        version
          ? (page.interpreter ? l10n.t('azure-identity {0} in {1}: the chain follows the rules of {2}.', version, page.interpreter, page.azureIdentity.rules) : l10n.t('azure-identity {0}: the chain follows the rules of {1}.', version, page.azureIdentity.rules))
          : (page.interpreter ? l10n.t('azure-identity not found in the interpreter in {0}: the chain follows the rules of {1}.', page.interpreter, page.azureIdentity.rules) : l10n.t('azure-identity not found in the interpreter: the chain follows the rules of {0}.', page.azureIdentity.rules)),
        page.trusted ? '' : ` ${l10n.t('Restricted Mode: the workspace\'s .env and interpreter are not used, so the newest rules apply.')}`) : null,
      state.init.wizard === 'signIn' && state.init.remote ? h('p', { id: 'remote', class: 'hint' },
        l10n.t('Your code runs in {0} ({1}): a browser sign-in would open a browser where you cannot see it, so each tool signs in with a device code, which you enter in any browser.', state.init.remote.label, state.init.remote.evidence),
        state.init.remote.kind === 'wsl' ? '' : ` ${l10n.t('The Visual Studio Code account and the broker (WAM) are not available there.')}`) : null,
      page && !page.trusted ? button(l10n.t('Manage Workspace Trust'), () => command('manageTrust'), { key: 'trust', secondary: true }) : null,
    );
  };

  /** After a sign-in: what the chain says now, and the next step. */
  const resultBlock = (): HTMLElement | null => {
    const run = t.run;
    const page = t.page;
    if (run?.state !== 'succeeded' || !page) return null;
    // Settled once a check began after the run ended; the chain checks again when the tool's files change, and
    // while it does the page keeps the last answer (the header says it is checking again) instead of flickering back.
    if (page.checkedAt !== null && run.finishedAt !== null && page.checkedAt >= run.finishedAt && page.phase !== 'probing') t.settledRun = run.runId;
    const settled = t.settledRun === run.runId;
    if (!settled) return h('section', { id: 'next', class: 'notice', 'aria-live': 'polite' }, busy(l10n.t('{0} signed in. Checking the chain…', TOOL_LABELS[run.tool])));
    const signedTo = TOOL_CREDENTIALS[run.tool];
    const active = page.active;
    const body: (HTMLElement | string | null)[] = [];
    if (!active) {
      body.push(h('p', {}, l10n.t('{0} signed in, but the chain still gets no token: {1}', TOOL_LABELS[run.tool], page.headline)));
    } else {
      body.push(h('p', { id: 'next-identity' }, h('strong', {}, l10n.t('Your Python code now signs in as {0} through {1}.', active.who ?? l10n.t('an unnamed identity'), active.label))));
      if (active.credential !== signedTo) {
        body.push(h('p', {}, l10n.t('You signed in to {0}, but {1} comes earlier in the chain and gives Python its token first.', TOOL_LABELS[run.tool], active.label)),
          h('div', { class: 'actions' },
            button(l10n.t('Exclude {0}…', active.label), () => command('excludeSource', active.credential), { key: 'next-exclude', secondary: true }),
            button(l10n.t('Use Only {0}…', TOOL_LABELS[run.tool]), () => command('pinSource', signedTo), { key: 'next-pin', secondary: true })));
      }
      body.push(h('h3', {}, l10n.t('Next')),
        page.roles === 'none' ? h('p', {}, l10n.t('This identity holds no Azure role yet: set up the team\'s access (a group with roles at resource-group scope).'))
          : page.roles === 'unknown' ? h('p', { class: 'hint' }, l10n.t('The Access view shows its groups and roles; without a role on your resources, the team wizards set them up.')) : null,
        h('div', { class: 'actions' },
          button(l10n.t('Open the Access View'), () => command('openAccessView'), { key: 'next-access', id: 'next-access', secondary: page.roles === 'none' }),
          page.roles !== 'some' ? button(l10n.t('Create Local Development Group…'), () => command('createLocalDevGroup'), { key: 'next-group', secondary: page.roles !== 'none' }) : null,
          page.roles !== 'some' ? button(l10n.t('Assign Role…'), () => command('assignRole'), { key: 'next-role', secondary: true }) : null));
    }
    return h('section', { id: 'next', class: 'notice', 'aria-labelledby': 'next-title' }, h('h2', { id: 'next-title' }, l10n.t('Signed in')), ...body);
  };

  const cloudSteps = (): HTMLElement | null => {
    const chosen = t.page?.clouds.find((c) => c.name === cloud());
    if (!chosen || chosen.name === 'AzureCloud') return null;
    const commands = cloudCommands(chosen);
    return h('div', { id: 'cloud-steps', class: 'note' },
      h('p', {}, l10n.t('1. The Azure CLI signs in to {0} once it is set to that cloud (the sign-in below does this first):', chosen.label)),
      shellBlock('cloud-set', 'az cloud set', commands.azCloudSet),
      h('p', {}, ...sentence(l10n.t('2. Your Python code needs the cloud\'s authority host, for example in .env: {0}'), h('code', { id: 'authority-host' }, commands.dotEnvLine)), ' ',
        button(l10n.t('Copy'), () => copyText(commands.dotEnvLine, l10n.t('the .env line')), { key: 'copy-authority', secondary: true, ariaLabel: l10n.t('Copy the AZURE_AUTHORITY_HOST line') })),
      shellBlock('authority', 'AZURE_AUTHORITY_HOST', commands.authorityHost),
      h('p', { class: 'hint' }, l10n.t('Azure PowerShell takes the cloud as -Environment, the Azure Developer CLI as its cloud.name setting: the sign-ins below include them.')));
  };

  const tenantBlock = (custom = t.page?.customCloud ?? null): HTMLElement => h('section', { id: 'where', 'aria-labelledby': 'where-title' },
    h('h2', { id: 'where-title' }, l10n.t('Tenant and cloud')),
    h('div', { class: 'field' }, h('vscode-label', { for: 'tenant' }, l10n.t('Tenant (optional)')),
      h('vscode-textfield', {
        id: 'tenant', 'data-key': 'tenant', value: state.tenant, label: l10n.t('Tenant (optional)'), placeholder: l10n.t('contoso.onmicrosoft.com or the tenant id'), maxlength: '253',
        'aria-describedby': 'tenant-hint',
        oninput: (e: Event) => { state.tenant = (e.target as HTMLInputElement).value; save(); refreshChoices(); sp.update(spContext()); },
      }),
      h('p', { class: 'hint', id: 'tenant-hint' }, l10n.t('Empty: the account\'s home tenant. A GUID or one of the tenant\'s domains signs in to that tenant (a guest account\'s other tenant, for example).')),
      h('div', { id: 'tenant-problem', 'aria-live': 'polite' }, tenantProblem(state.tenant) ? h('p', { class: 'problem' }, tenantProblem(state.tenant)) : null),
      h('div', { id: 'known-tenants' }, ...knownTenantsBlock())),
    h('fieldset', {}, h('legend', {}, l10n.t('Cloud')),
      // The custom cloud the Access view uses (azureDevAuth.cloud) is the one in use: named, and chosen until another is.
      custom ? h('label', {},
        h('input', { type: 'radio', name: 'cloud', id: 'cloud-custom', 'data-key': 'cloud-custom', checked: state.cloud === null, onchange: () => { state.cloud = null; render(); } }),
        ' ', l10n.t('{0} (custom cloud, in use)', custom.label)) : null,
      (t.page?.clouds ?? []).map((c) => h('label', {},
        h('input', { type: 'radio', name: 'cloud', id: `cloud-${c.name}`, 'data-key': `cloud-${c.name}`, checked: custom ? state.cloud === c.name : cloud() === c.name, onchange: () => { state.cloud = c.name; render(); } }),
        ` ${c.label}`))),
    custom && state.cloud === null ? h('p', { class: 'hint', id: 'custom-cloud-hint' },
      l10n.t('The sign-ins below leave the tools\' cloud as it is; your Python code reaches {0} with ', custom.label), h('code', {}, l10n.t('AZURE_AUTHORITY_HOST={0}', custom.authorityHost)), '.') : null,
    cloudSteps());

  /** The tenants az's account reaches, each a click away from the Tenant field (the field stays for any other). */
  const knownTenantsBlock = (): HTMLElement[] => {
    const tenants = t.page?.knownTenants ?? [];
    if (tenants.length === 0) return [];
    const typed = state.tenant.trim().toLowerCase();
    return [
      h('p', { class: 'hint', id: 'known-tenants-title' }, tenants.length === 1 ? l10n.t('The tenant your Azure CLI account reaches:') : l10n.t('Tenants your Azure CLI account reaches:')),
      h('ul', { class: 'list', 'aria-labelledby': 'known-tenants-title' }, tenants.map((k) => {
        const chosen = typed === k.id || (!!k.domain && typed === k.domain.toLowerCase());
        return h('li', {},
          h('span', { class: 'who' }, h('span', { class: 'name' }, k.name ?? k.domain ?? k.id), h('span', { class: 'hint' }, [k.domain, k.id].filter(Boolean).join(' · '))),
          chosen ? h('span', { class: 'hint' }, l10n.t('chosen'))
            : button(l10n.t('Use'), () => {
              state.tenant = k.id;
              const field = root.querySelector<HTMLInputElement>('#tenant');
              if (field) field.value = k.id;
              save();
              refreshChoices();
              sp.update(spContext());
            }, { key: `tenant-${k.id}`, secondary: true, ariaLabel: l10n.t('Use the tenant {0}', k.name ?? k.domain ?? k.id) }));
      })),
    ];
  };

  // ---------- one source ----------

  /** The shared token cache only reads what other tools saved: nothing signs in to it, so nothing offers to. */
  const signsIn = (row: SignInRowMessage): boolean => row.kind !== 'sharedCache';

  const stateLines = (row: SignInRowMessage): HTMLElement => {
    const items: (HTMLElement | null)[] = [];
    if (row.tool) items.push(h('li', { class: row.installed ? '' : 'problem' }, row.installed ? l10n.t('{0} is installed.', row.tool) : l10n.t('{0} is not installed (not on PATH).', row.tool)));
    const s = row.signIn;
    switch (s.kind) {
      case 'signed-in': items.push(h('li', { class: 'signed-in' }, ...sentence(s.tenantId ? l10n.t('Signed in as {0} (tenant {1}).') : l10n.t('Signed in as {0}.'), h('strong', {}, s.who ?? l10n.t('an identity without a name')), s.tenantId ?? ''))); break;
      case 'signed-out': items.push(h('li', {}, ...sentence(l10n.t('Not signed in: {0}'), h('span', { class: 'quote' }, s.message)))); break;
      case 'not-installed': if (!row.tool) items.push(h('li', {}, ...sentence(l10n.t('Not available: {0}'), h('span', { class: 'quote' }, s.message)))); break;
      case 'error': items.push(h('li', { class: 'problem' }, ...sentence(l10n.t('Error: {0}'), h('span', { class: 'quote' }, s.message)))); break;
      case 'unknown': if (row.reach.kind !== 'excluded' && row.reach.kind !== 'not-in-version') items.push(h('li', { class: 'hint' }, l10n.t('Not checked yet.'))); break;
    }
    const r = row.reach;
    switch (r.kind) {
      case 'active': items.push(h('li', { class: 'reach active' }, icon('pass-filled'), ' ', l10n.t('Active: your Python code gets its token here.'))); break;
      case 'tried': items.push(h('li', { class: 'reach' }, signsIn(row)
        ? l10n.t('Reached: Python tries it, finds no token and moves on. Signing in here makes it the active source.')
        : l10n.t('Reached: Python tries it, finds no account and moves on.'))); break;
      case 'stops': items.push(h('li', { class: 'reach problem' }, l10n.t('Stops the chain: Python raises here, so later sources are never tried.'))); break;
      case 'earlier-wins': items.push(h('li', { class: 'reach' }, l10n.t('Not reached: {0} comes first and {1}.', r.winnerLabel, r.winnerHasToken ? 'gives Python its token' : 'ends the chain with its error'),
        h('span', { class: 'inline-actions' },
          button(l10n.t('Exclude {0}…', r.winnerLabel), () => command('excludeSource', r.winner), { key: `${row.credential}-exclude-winner`, secondary: true }),
          signsIn(row) ? button(l10n.t('Use Only {0}…', row.label), () => command('pinSource', row.credential), { key: `${row.credential}-pin`, secondary: true }) : null))); break;
      case 'excluded': items.push(h('li', { class: 'reach' }, ...sentence(l10n.t('Excluded: {0}'), h('span', { class: 'quote' }, r.reason)), ' ',
        h('span', { class: 'inline-actions' },
          signsIn(row) ? button(l10n.t('Use Only {0}…', row.label), () => command('pinSource', row.credential), { key: `${row.credential}-pin`, secondary: true }) : null,
          button(l10n.t('Open Settings'), () => command('openSettings'), { key: `${row.credential}-settings`, secondary: true })))); break;
      case 'not-in-version': items.push(h('li', { class: 'reach hint' }, r.since ? l10n.t('Not part of this azure-identity version\'s chain: it arrived in {0}.', r.since) : l10n.t('Not part of this azure-identity version\'s chain.'))); break;
      case 'unknown': break;
    }
    return h('ul', { class: 'facts' }, items);
  };

  const runBlock = (tool: SignInTool): HTMLElement | null => {
    const run = t.run;
    if (!run || run.tool !== tool) return null;
    switch (run.state) {
      case 'running': return h('div', { class: 'run', id: `run-${tool}` },
        busy(l10n.t('Signing in with {0} in the terminal…', TOOL_LABELS[tool])),
        run.waitingForInput ? h('p', { role: 'status' }, l10n.t('Type the password in the terminal (it is not shown) and press Enter.')) : null,
        run.deviceCode ? h('div', { class: 'device-code', role: 'status' },
          h('p', {}, ...sentence(l10n.t('Open {0} and enter the code {1}.'), run.deviceCode.url ? h('code', {}, run.deviceCode.url) : l10n.t('the device-login page'), h('code', { id: 'device-code' }, run.deviceCode.code))),
          h('div', { class: 'actions' },
            button(l10n.t('Copy the Code'), () => copyText(run.deviceCode!.code, 'the device code'), { key: 'copy-code' }),
            run.deviceCode.url ? button(l10n.t('Open the Page'), () => void request({ method: 'openDeviceLogin', runId: run.runId }).catch(() => undefined), { key: 'open-device-page', secondary: true }) : null)) : null,
        h('div', { class: 'actions' }, button(l10n.t('Cancel'), () => void request({ method: 'cancelSignIn', runId: run.runId }).catch(() => undefined), { key: `cancel-${tool}`, id: `cancel-${tool}`, secondary: true })));
      case 'succeeded': return h('p', { class: 'run hint', id: `run-${tool}` }, icon('check'), ' ', l10n.t('{0} signed in.', TOOL_LABELS[tool]));
      case 'cancelled': return h('p', { class: 'run hint', id: `run-${tool}` }, l10n.t('The sign-in was cancelled; nothing changed.'));
      case 'failed': {
        const f = run.failure;
        const retry = f?.retryWith && TOOL_METHODS[tool].includes(f.retryWith) ? f.retryWith : null;
        return h('div', { class: 'failure', role: 'alert', id: `run-${tool}` },
          h('p', {}, icon('error'), ' ', h('strong', { class: 'failure-title' }, f?.title ?? l10n.t('The sign-in failed')), f?.code ? ` (${f.code})` : ''),
          f ? h('p', { class: 'failure-meaning' }, f.meaning) : null,
          f ? h('p', { class: 'failure-fix' }, f.fix) : null,
          f?.detail ? h('p', { class: 'hint' }, ...sentence(l10n.t('The tool said: {0}'), h('span', { class: 'quote' }, f.detail))) : null,
          retry ? h('div', { class: 'actions' }, button(retry === 'device-code' ? l10n.t('Sign In with a Device Code') : l10n.t('Sign In with the Browser'),
            () => { state.methods[tool] = retry; start(tool); }, { key: `retry-${tool}`, id: `retry-${tool}` })) : null);
      }
    }
  };

  const toolControls = (tool: SignInTool): HTMLElement[] => {
    const methods = TOOL_METHODS[tool];
    return [
      h('fieldset', {}, h('legend', {}, l10n.t('How to sign in with {0}', TOOL_LABELS[tool])),
        h('ul', { class: 'choices' }, methods.map((m) => h('li', { class: 'choice' },
          h('label', {}, h('input', {
            type: 'radio', name: `method-${tool}`, id: `method-${tool}-${m}`, 'data-key': `method-${tool}-${m}`, checked: state.methods[tool] === m,
            onchange: () => { state.methods[tool] = m; render(); },
          }), h('span', {}, methodLabels()[m].label)),
          h('div', { class: 'hint' }, methodLabels()[m].hint))))),
      state.methods[tool] === 'password' ? h('div', { class: 'field' }, h('vscode-label', { for: `username-${tool}` }, l10n.t('User name')),
        h('vscode-textfield', {
          id: `username-${tool}`, 'data-key': `username-${tool}`, value: state.username, label: l10n.t('User name'), placeholder: 'alice@contoso.com', maxlength: '256',
          oninput: (e: Event) => { state.username = (e.target as HTMLInputElement).value; save(); refreshChoices(); },
        }),
        h('div', { id: `username-problem-${tool}`, 'aria-live': 'polite' })) : null,
      h('div', { class: 'actions', id: `signin-actions-${tool}` }),
      h('div', { id: `run-slot-${tool}` }, runBlock(tool)),
      h('div', { id: `cmds-${tool}` }),
    ].filter((x): x is HTMLElement => x !== null);
  };

  const brokerLines = (page: SignInPageMessage, key: string): (HTMLElement | null)[] => {
    const broker = page.vscode.brokerInstalled;
    const python = page.interpreter ?? 'python';
    return [
      broker === true ? h('p', {}, icon('check'), ' ', page.interpreter ? l10n.t('azure-identity-broker is installed in {0}.', page.interpreter) : l10n.t('azure-identity-broker is installed.'))
        : broker === false ? h('p', {}, page.interpreter ? l10n.t('azure-identity-broker is not installed in {0}.', page.interpreter) : l10n.t('azure-identity-broker is not installed.'))
          : h('p', { class: 'hint' }, page.trusted ? l10n.t('Whether azure-identity-broker is installed is not known (the interpreter has not answered).') : l10n.t('Restricted Mode: the interpreter is not asked whether azure-identity-broker is installed.')),
      broker === false ? h('div', { class: 'actions' }, button(l10n.t('Install azure-identity-broker'), () => void request({ method: 'installBroker' }).catch((error: unknown) => { t.failure = failureOf(error); render(); }),
        { key: `${key}-install-broker`, disabled: !page.trusted })) : null,
      broker === false ? shellBlock(`${key}-broker`, 'pip install azure-identity-broker', installBrokerCommand(python)) : null,
    ];
  };

  const vscodeControls = (page: SignInPageMessage): (HTMLElement | null)[] => {
    const v = page.vscode;
    const usedBy = l10n.t('azure-identity {0} and later read the account you sign in with in the Azure Resources extension (its authentication record) and need the azure-identity-broker package; earlier versions looked for the retired Azure Account extension and leave this source out by default.', v.azureResourcesSince);
    return [
      h('p', {}, usedBy),
      v.implementation === 'azure-account'
        ? h('p', { class: 'note' }, l10n.t('Your azure-identity {0} still looks for the Azure Account extension, which no longer signs in: upgrade to azure-identity {1} or later to use VS Code\'s account.', page.azureIdentity.version ?? '', v.azureResourcesSince))
        : null,
      v.implementation === 'azure-account' ? shellBlock('vscode-upgrade', 'upgrade azure-identity', upgradeForVsCodeCommand(page.interpreter ?? 'python')) : null,
      v.azureResourcesInstalled
        ? h('div', { class: 'actions' }, button(l10n.t('Sign In with Azure Resources'), () => void request({ method: 'vscodeSignIn' }).catch((error: unknown) => { t.failure = failureOf(error); render(); }), { key: 'vscode-sign-in', id: 'vscode-sign-in' }))
        : h('div', {}, h('p', {}, l10n.t('The Azure Resources extension is not installed.')),
          button(l10n.t('Show the Azure Resources Extension'), () => command('showAzureResources'), { key: 'vscode-show-extension', secondary: true })),
      v.implementation === 'azure-resources' ? brokerLines(page, 'vscode') : null,
    ].flat();
  };

  const browserControls = (): HTMLElement[] => [
    h('p', {}, l10n.t('Python signs in with a browser itself: DefaultAzureCredential leaves this source out unless your code switches it on. For a machine without a browser (SSH, a container), DeviceCodeCredential shows a code to enter from any other device; it is not part of DefaultAzureCredential.')),
    h('div', { id: 'snippets' }, snippets()),
    h('p', { class: 'note', id: 'public-client-note' }, l10n.t('With your own app registration (client_id=…): in its Authentication page set "Allow public client flows" to Yes (a device code needs it, else AADSTS7000218), and add the redirect URI http://localhost under "Mobile and desktop applications" for the browser. Without a client_id, azure-identity uses a Microsoft application that needs neither.')),
  ];
  const snippets = (): HTMLElement[] => [
    snippetBlock('browser-snippet', l10n.t('Interactive browser'), browserSnippet(cloud(), tenant())),
    snippetBlock('device-code-snippet', l10n.t('Device code'), deviceCodeSnippet(cloud(), tenant())),
  ];

  const rowDetails = (row: SignInRowMessage, page: SignInPageMessage): (HTMLElement | null)[] => {
    switch (row.kind) {
      case 'tool': return row.tool ? toolControls(row.tool) : [];
      case 'vscode': return vscodeControls(page);
      case 'browser': return browserControls();
      case 'environment': return [h('p', {}, ...sentence(l10n.t('Reads an application\'s (or a user\'s) credentials from environment variables such as AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET: see {0} below.'),
        h('a', { href: '#sp-section' }, l10n.t('Service principal for local development'))))];
      case 'sharedCache': return [h('p', {}, l10n.t('Reads accounts that Visual Studio (on Windows) and older Azure tools saved in the shared token cache; there is nothing to sign in to here.'))];
      case 'broker': return [h('p', {}, l10n.t('Signs in through the operating system\'s account broker (the Web Account Manager on Windows, also from WSL) and needs azure-identity-broker; on Linux and macOS it is unavailable.')),
        ...brokerLines(page, 'broker')];
    }
  };

  /** Which source the page opens with: the one it was opened for, else the active one, else the next step (a tool to sign in with). */
  const leadOf = (page: SignInPageMessage): SignInRowMessage | undefined => {
    const focus = state.init.wizard === 'signIn' ? state.init.focus : undefined;
    return page.rows.find((r) => r.credential === focus)
      ?? page.rows.find((r) => r.reach.kind === 'active')
      ?? page.rows.find((r) => r.kind === 'tool' && r.installed === true && r.position !== null && (r.reach.kind === 'tried' || r.reach.kind === 'stops'))
      ?? page.rows.find((r) => r.kind === 'tool' && r.installed === true && r.position !== null);
  };
  /** A collapsed source's state in a few words, beside its name. */
  const summaryOf = (row: SignInRowMessage): string => {
    const who = row.signIn.kind === 'signed-in' ? row.signIn.who ?? l10n.t('an unnamed identity') : null;
    switch (row.reach.kind) {
      case 'active': return who ? l10n.t('active, signed in as {0}', who) : l10n.t('active');
      case 'excluded': return l10n.t('excluded');
      case 'not-in-version': return l10n.t('not in this azure-identity version');
      case 'earlier-wins': return who ? l10n.t('not reached; signed in as {0}', who) : l10n.t('not reached');
      case 'stops': return l10n.t('stops the chain');
      default:
        if (row.tool && row.installed === false) return l10n.t('{0} is not installed', row.tool);
        if (who) return l10n.t('signed in as {0}', who);
        return row.signIn.kind === 'signed-out' ? l10n.t('not signed in') : row.reach.kind === 'tried' ? l10n.t('no token') : '';
    }
  };
  const titleOf = (row: SignInRowMessage, index: number): string => (row.position !== null ? `${index + 1}. ${row.label}` : row.label);

  const sourcesBlock = (): HTMLElement => {
    const page = t.page;
    if (!page) return h('section', { id: 'sources' }, busy(l10n.t('Reading the chain…')));
    const lead = leadOf(page);
    const leadIndex = lead ? page.rows.indexOf(lead) : -1;
    // Numbered as listed: the chain's other sources (managed identity, workload identity) are no way to sign in
    // and are left out, so their positions are not counted.
    const leadBlock = lead ? h('section', { id: 'lead', 'aria-labelledby': 'lead-title' },
      h('h2', { id: 'lead-title' }, lead.reach.kind === 'active' ? l10n.t('Active source') : l10n.t('Next step')),
      h('div', {
        class: `source reach-${lead.reach.kind}`, id: `row-${lead.credential}`, 'data-credential': lead.credential, 'data-title': titleOf(lead, leadIndex),
        'aria-labelledby': `title-${lead.credential}`,
      },
      h('h3', { id: `title-${lead.credential}`, tabindex: '-1' }, titleOf(lead, leadIndex),
        lead.reach.kind === 'active' ? h('span', { class: 'tag' }, l10n.t('active')) : h('span', { class: 'tag' }, l10n.t('next step'))),
      stateLines(lead),
      ...rowDetails(lead, page))) : null;
    const others = page.rows.map((row, index) => ({ row, index })).filter(({ row }) => row !== lead);
    return h('section', { id: 'sources', 'aria-labelledby': 'sources-title' },
      leadBlock,
      h('h2', { id: 'sources-title' }, lead ? l10n.t('Other ways to sign in, in chain order') : l10n.t('Ways to sign in, in chain order')),
      h('p', { class: 'hint' }, l10n.t('DefaultAzureCredential tries these in this order; the first with a token wins. Open one to see its state and sign-in.')),
      h('ol', { class: 'sources', 'aria-label': l10n.t('Sources in chain order') }, others.map(({ row, index }) => h('li', {
        class: `source collapsed-source reach-${row.reach.kind}`, id: `row-${row.credential}`, 'data-credential': row.credential, 'data-title': titleOf(row, index),
      },
      h('vscode-collapsible', {
        id: `title-${row.credential}`, heading: titleOf(row, index), description: summaryOf(row), open: t.opened.has(row.credential),
        'onvsc-collapsible-toggle': (e: Event) => {
          if ((e as CustomEvent<{ open: boolean }>).detail.open) t.opened.add(row.credential); else t.opened.delete(row.credential);
        },
      },
      h('div', { class: 'source-body' }, stateLines(row), ...rowDetails(row, page)))))));
  };

  /** The parts that follow the tenant, cloud, method and user name: sign-in buttons, commands, snippets. */
  const refreshChoices = () => {
    const problem = root.querySelector<HTMLElement>('#tenant-problem');
    if (problem) replaceChildren(problem, tenantProblem(state.tenant) ? h('p', { class: 'problem' }, tenantProblem(state.tenant)) : null);
    const known = root.querySelector<HTMLElement>('#known-tenants');
    if (known) replaceChildren(known, ...knownTenantsBlock());
    const page = t.page;
    if (!page) return;
    for (const row of page.rows) {
      const tool = row.kind === 'tool' ? row.tool : null;
      if (!tool) continue;
      const c = choice(tool);
      const issue = state.tenant.trim() && tenantProblem(state.tenant) ? l10n.t('Correct the tenant first.') : choiceProblem(c);
      const actions = root.querySelector<HTMLElement>(`#signin-actions-${tool}`);
      if (actions) {
        replaceChildren(actions, button(l10n.t('Sign In with {0}', TOOL_LABELS[tool]), () => start(tool), {
          key: `signin-${tool}`, id: `signin-${tool}`, disabled: !!issue || !row.installed || running(),
        }));
      }
      const usernameProblemSlot = root.querySelector<HTMLElement>(`#username-problem-${tool}`);
      if (usernameProblemSlot) replaceChildren(usernameProblemSlot, state.username.trim() && usernameProblem(state.username) ? h('p', { class: 'problem' }, usernameProblem(state.username)) : null);
      const cmds = root.querySelector<HTMLElement>(`#cmds-${tool}`);
      if (cmds) replaceChildren(cmds, h('h4', {}, l10n.t('Equivalent commands')), shellBlock(`cmd-${tool}`, l10n.t('{0} sign-in', TOOL_LABELS[tool]), signInCommands(c, page.azCloud)));
    }
    const snippetSlot = root.querySelector<HTMLElement>('#snippets');
    if (snippetSlot) replaceChildren(snippetSlot, ...snippets());
  };

  // The page's regions: each is redrawn on its own, so that a chain update does not re-create the field being typed in.
  const spContext = (): ServicePrincipalSectionContext => ({ page: t.page, environment: rowOf('EnvironmentCredential'), tenant: tenant(), cloud: cloud() });
  const top = h('div', { id: 'top' });
  const where = h('div', { id: 'where-slot' });
  const sources = h('div', { id: 'sources-slot' });
  const sp = servicePrincipalSection(spContext(), { form: state.sp, save });
  replaceChildren(root,
    h('h1', {}, l10n.t('Sign In to Azure')),
    h('p', { class: 'hint' }, l10n.t('Every way your Python code\'s DefaultAzureCredential can get your token, and where each one stands.')),
    top, where, sources, sp.element);

  /** Redraws the page; `where` (tenant and cloud) only when asked, since it holds the tenant field. */
  const render = (options: { where?: boolean } = { where: true }) => {
    save();
    replaceChildren(top, statusBlock(), t.failure ? failureBox(t.failure) : null, resultBlock());
    if (options.where) replaceChildren(where, tenantBlock());
    replaceChildren(sources, sourcesBlock());
    sp.update(spContext());
    refreshChoices();
    if (!state.focused && t.page && state.init.wizard === 'signIn' && state.init.focus) {
      state.focused = true;
      save();
      const heading = root.querySelector<HTMLElement>(state.init.focus === 'servicePrincipal' ? '#sp-title' : `#title-${CSS.escape(state.init.focus)}`);
      heading?.scrollIntoView({ block: 'start' });
      heading?.focus();
    }
  };

  const start = (tool: SignInTool) => {
    if (running()) return;
    const c = choice(tool);
    t.failure = null;
    request({ method: 'startSignIn', tool, signInMethod: c.method, tenant: c.tenant, cloud: c.cloud, username: c.username })
      .then((answer) => { t.run = answer.run; state.lastRun = answer.run; render(); })
      .catch((error: unknown) => { t.failure = failureOf(error); render(); });
  };

  onEvent((event) => {
    if (event.event === 'chain') {
      // The tenant and cloud block needs the page once (its clouds); after that a chain update leaves it alone.
      const first = t.page === null;
      t.page = event.page;
      render({ where: first });
      return;
    }
    if (event.event === 'signInRun') {
      t.run = event.run;
      state.lastRun = event.run;
      render({ where: false });
    }
  });

  render();
  request({ method: 'signInPage' }).then((answer) => {
    t.page = answer.page;
    // A run the extension knows is newer than the saved one (the page was hidden while it ended).
    if (answer.run) { t.run = answer.run; state.lastRun = answer.run; }
    // A run the saved state calls running but the extension does not know any more (a reload) has ended unseen.
    else if (t.run?.state === 'running') { t.run = null; state.lastRun = null; }
    render();
  }).catch((error: unknown) => { t.failure = failureOf(error); render(); });
}
