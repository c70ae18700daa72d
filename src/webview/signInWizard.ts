// "Sign In…": every way DefaultAzureCredential can get a developer's token, in the chain order of the installed
// azure-identity, each with its state (installed, signed in as whom, reached or not and why) and its sign-in; the
// tenant and cloud that apply to them; and what the chain says once a sign-in has finished. The page never polls:
// the extension pushes the chain's state whenever the chain's own watchers see a change.
import {
  browserSnippet, choiceProblem, cloudCommands, deviceCodeSnippet, installBrokerCommand, signInCommands, tenantProblem, TOOL_CREDENTIALS, TOOL_METHODS,
  upgradeForVsCodeCommand, usernameProblem, type CloudName, type ShellCommands, type SignInChoice, type SignInMethod, type SignInTool,
} from '../core/signin/signInPageCommands';
import { onEvent, request, saveState } from './bridge';
import { busy, button, copyText, failureBox, failureOf } from './common';
import { h, icon, replaceChildren } from './dom';
import {
  cloudNameSchema, signInRunSchema, type PageCommand, type SignInPageMessage, type SignInRowMessage, type SignInRunMessage, type WizardFailure,
  type WizardInit,
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
}

export function initialSignInState(init: Extract<WizardInit, { wizard: 'signIn' }>): SignInState {
  return {
    wizard: 'signIn', init, tenant: '', cloud: null, methods: { az: 'browser', azd: 'browser', pwsh: 'browser' }, username: '', lastRun: null,
    focused: !init.focus,
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
  };
}

const TOOL_LABELS: Readonly<Record<SignInTool, string>> = { az: 'Azure CLI', azd: 'Azure Developer CLI', pwsh: 'Azure PowerShell' };
const METHOD_LABELS: Readonly<Record<SignInMethod, { label: string; hint: string }>> = {
  browser: { label: 'Browser', hint: 'Opens the sign-in page in your browser.' },
  'device-code': { label: 'Device code', hint: 'Shows a code to enter on the device-login page, from any browser, also on another device.' },
  password: { label: 'Username and password', hint: 'No multi-factor authentication, no personal Microsoft accounts; the password is typed in the terminal.' },
};

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

/**
 * "Service principal for local development" (`#sp-section`): the alternative to signing in with a tool, an application
 * of one's own whose client id, tenant and secret EnvironmentCredential reads from `.env`. The page creates it once, so
 * what is typed into it survives the page's updates.
 */
export function servicePrincipalSection(initial: ServicePrincipalSectionContext): ServicePrincipalSection {
  const body = h('div', { id: 'sp-body' });
  const element = h('section', { id: 'sp-section', 'aria-labelledby': 'sp-title' }, h('h2', { id: 'sp-title' }, 'Service principal for local development'), body);
  const update = (context: ServicePrincipalSectionContext) => {
    const position = context.environment?.position;
    replaceChildren(body, h('p', {}, 'An application of your own can sign your Python code in instead of your account: EnvironmentCredential',
      position ? ` (number ${position} in the chain)` : '',
      ' reads its client id, tenant and secret from the variables AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET, for example in the workspace\'s .env.'));
  };
  update(initial);
  return { element, update };
}

interface Transient {
  page: SignInPageMessage | null;
  /** The run in progress (with its device code) or the last one. */
  run: SignInRunMessage | null;
  failure: WizardFailure | null;
}

function shellBlock(id: string, title: string, commands: ShellCommands): HTMLElement {
  const block = (shell: 'bash' | 'PowerShell', text: string) => h('div', { class: 'command' },
    h('div', { class: 'command-head' }, h('span', {}, shell),
      button('Copy', () => copyText(text, `the ${shell} command`), { key: `${id}-copy-${shell}`, secondary: true, ariaLabel: `Copy the ${shell} command: ${title}` })),
    h('pre', { tabindex: '0', id: `${id}-${shell === 'bash' ? 'bash' : 'pwsh'}`, 'aria-label': `${title}, ${shell}` }, h('code', {}, text)));
  return h('div', { class: 'shell-commands' }, block('bash', commands.bash), block('PowerShell', commands.powershell));
}

function snippetBlock(id: string, title: string, text: string): HTMLElement {
  return h('div', { class: 'command' },
    h('div', { class: 'command-head' }, h('span', {}, title), button('Copy', () => copyText(text, `the ${title} snippet`), { key: `${id}-copy`, secondary: true, ariaLabel: `Copy the ${title} snippet` })),
    h('pre', { tabindex: '0', id, 'aria-label': `${title}, Python` }, h('code', {}, text)));
}

export function signInWizard(root: HTMLElement, state: SignInState): void {
  const t: Transient = { page: null, run: state.lastRun, failure: null };
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
      h('h2', { id: 'status-title', class: 'sr-only' }, 'Chain status'),
      h('p', { id: 'headline', role: 'status', class: page?.active ? 'active-headline' : '' },
        page?.active ? icon('pass-filled') : null, ' ', page ? page.headline : 'Reading the chain…',
        page?.phase === 'probing' ? ' (checking again…)' : '', page?.stale ? ' (from an earlier check)' : ''),
      page ? h('p', { class: 'hint' },
        version ? `azure-identity ${version}` : 'azure-identity not found in the interpreter',
        page.interpreter ? ` in ${page.interpreter}` : '', `: the chain follows the rules of ${page.azureIdentity.rules}.`,
        page.trusted ? '' : ' Restricted Mode: the workspace\'s .env and interpreter are not used, so the newest rules apply.') : null,
      page && !page.trusted ? button('Manage Workspace Trust', () => command('manageTrust'), { key: 'trust', secondary: true }) : null,
    );
  };

  /** After a sign-in: what the chain says now, and the next step. */
  const resultBlock = (): HTMLElement | null => {
    const run = t.run;
    const page = t.page;
    if (run?.state !== 'succeeded' || !page) return null;
    const settled = page.checkedAt !== null && run.finishedAt !== null && page.checkedAt >= run.finishedAt && page.phase !== 'probing';
    if (!settled) return h('section', { id: 'next', class: 'notice', 'aria-live': 'polite' }, busy(`${TOOL_LABELS[run.tool]} signed in. Checking the chain…`));
    const signedTo = TOOL_CREDENTIALS[run.tool];
    const active = page.active;
    const body: (HTMLElement | string | null)[] = [];
    if (!active) {
      body.push(h('p', {}, `${TOOL_LABELS[run.tool]} signed in, but the chain still gets no token: ${page.headline}`));
    } else {
      body.push(h('p', { id: 'next-identity' }, h('strong', {}, 'Your Python code now signs in as ', active.who ?? 'an unnamed identity', ' through ', active.label, '.')));
      if (active.credential !== signedTo) {
        body.push(h('p', {}, `You signed in to ${TOOL_LABELS[run.tool]}, but ${active.label} comes earlier in the chain and gives Python its token first.`),
          h('div', { class: 'actions' },
            button(`Exclude ${active.label}…`, () => command('excludeSource', active.credential), { key: 'next-exclude', secondary: true }),
            button(`Use Only ${TOOL_LABELS[run.tool]}…`, () => command('pinSource', signedTo), { key: 'next-pin', secondary: true })));
      }
      body.push(h('h3', {}, 'Next'),
        page.roles === 'none' ? h('p', {}, 'This identity holds no Azure role yet: set up the team\'s access (a group with roles at resource-group scope).')
          : page.roles === 'unknown' ? h('p', { class: 'hint' }, 'The Access view shows its groups and roles; without a role on your resources, the team wizards set them up.') : null,
        h('div', { class: 'actions' },
          button('Open the Access View', () => command('openAccessView'), { key: 'next-access', id: 'next-access', secondary: page.roles === 'none' }),
          page.roles !== 'some' ? button('Create Local Development Group…', () => command('createLocalDevGroup'), { key: 'next-group', secondary: page.roles !== 'none' }) : null,
          page.roles !== 'some' ? button('Assign Role…', () => command('assignRole'), { key: 'next-role', secondary: true }) : null));
    }
    return h('section', { id: 'next', class: 'notice', 'aria-labelledby': 'next-title' }, h('h2', { id: 'next-title' }, 'Signed in'), ...body);
  };

  const cloudSteps = (): HTMLElement | null => {
    const chosen = t.page?.clouds.find((c) => c.name === cloud());
    if (!chosen || chosen.name === 'AzureCloud') return null;
    const commands = cloudCommands(chosen);
    return h('div', { id: 'cloud-steps', class: 'note' },
      h('p', {}, `1. The Azure CLI signs in to ${chosen.label} once it is set to that cloud (the sign-in below does this first):`),
      shellBlock('cloud-set', 'az cloud set', commands.azCloudSet),
      h('p', {}, '2. Your Python code needs the cloud\'s authority host, for example in .env: ', h('code', { id: 'authority-host' }, commands.dotEnvLine), ' ',
        button('Copy', () => copyText(commands.dotEnvLine, 'the .env line'), { key: 'copy-authority', secondary: true, ariaLabel: 'Copy the AZURE_AUTHORITY_HOST line' })),
      shellBlock('authority', 'AZURE_AUTHORITY_HOST', commands.authorityHost),
      h('p', { class: 'hint' }, 'Azure PowerShell takes the cloud as -Environment, the Azure Developer CLI as its cloud.name setting: the sign-ins below include them.'));
  };

  const tenantBlock = (): HTMLElement => h('section', { id: 'where', 'aria-labelledby': 'where-title' },
    h('h2', { id: 'where-title' }, 'Tenant and cloud'),
    h('div', { class: 'field' }, h('vscode-label', { for: 'tenant' }, 'Tenant (optional)'),
      h('vscode-textfield', {
        id: 'tenant', 'data-key': 'tenant', value: state.tenant, label: 'Tenant (optional)', placeholder: 'contoso.onmicrosoft.com or the tenant id', maxlength: '253',
        'aria-describedby': 'tenant-hint',
        oninput: (e: Event) => { state.tenant = (e.target as HTMLInputElement).value; save(); refreshChoices(); sp.update(spContext()); },
      }),
      h('p', { class: 'hint', id: 'tenant-hint' }, 'Empty: the account\'s home tenant. A GUID or one of the tenant\'s domains signs in to that tenant (a guest account\'s other tenant, for example).'),
      h('div', { id: 'tenant-problem', 'aria-live': 'polite' }, tenantProblem(state.tenant) ? h('p', { class: 'problem' }, tenantProblem(state.tenant)) : null)),
    h('fieldset', {}, h('legend', {}, 'Cloud'),
      (t.page?.clouds ?? []).map((c) => h('label', {},
        h('input', { type: 'radio', name: 'cloud', id: `cloud-${c.name}`, 'data-key': `cloud-${c.name}`, checked: cloud() === c.name, onchange: () => { state.cloud = c.name; render(); } }),
        ` ${c.label}`))),
    cloudSteps());

  // ---------- one source ----------

  const stateLines = (row: SignInRowMessage): HTMLElement => {
    const items: (HTMLElement | null)[] = [];
    if (row.tool) items.push(h('li', { class: row.installed ? '' : 'problem' }, row.installed ? `${row.tool} is installed.` : `${row.tool} is not installed (not on PATH).`));
    const s = row.signIn;
    switch (s.kind) {
      case 'signed-in': items.push(h('li', { class: 'signed-in' }, 'Signed in as ', h('strong', {}, s.who ?? 'an identity without a name'), s.tenantId ? ` (tenant ${s.tenantId})` : '', '.')); break;
      case 'signed-out': items.push(h('li', {}, 'Not signed in: ', h('span', { class: 'quote' }, s.message))); break;
      case 'not-installed': if (!row.tool) items.push(h('li', {}, 'Not available: ', h('span', { class: 'quote' }, s.message))); break;
      case 'error': items.push(h('li', { class: 'problem' }, 'Error: ', h('span', { class: 'quote' }, s.message))); break;
      case 'unknown': if (row.reach.kind !== 'excluded' && row.reach.kind !== 'not-in-version') items.push(h('li', { class: 'hint' }, 'Not checked yet.')); break;
    }
    const r = row.reach;
    switch (r.kind) {
      case 'active': items.push(h('li', { class: 'reach active' }, icon('pass-filled'), ' Active: your Python code gets its token here.')); break;
      case 'tried': items.push(h('li', { class: 'reach' }, 'Reached: Python tries it, finds no token and moves on. Signing in here makes it the active source.')); break;
      case 'stops': items.push(h('li', { class: 'reach problem' }, 'Stops the chain: Python raises here, so later sources are never tried.')); break;
      case 'earlier-wins': items.push(h('li', { class: 'reach' }, `Not reached: ${r.winnerLabel} comes first and ${r.winnerHasToken ? 'gives Python its token' : 'ends the chain with its error'}.`,
        h('span', { class: 'inline-actions' },
          button(`Exclude ${r.winnerLabel}…`, () => command('excludeSource', r.winner), { key: `${row.credential}-exclude-winner`, secondary: true }),
          button(`Use Only ${row.label}…`, () => command('pinSource', row.credential), { key: `${row.credential}-pin`, secondary: true })))); break;
      case 'excluded': items.push(h('li', { class: 'reach' }, 'Excluded: ', h('span', { class: 'quote' }, r.reason), ' ',
        h('span', { class: 'inline-actions' },
          button(`Use Only ${row.label}…`, () => command('pinSource', row.credential), { key: `${row.credential}-pin`, secondary: true }),
          button('Open Settings', () => command('openSettings'), { key: `${row.credential}-settings`, secondary: true })))); break;
      case 'not-in-version': items.push(h('li', { class: 'reach hint' }, `Not part of this azure-identity version's chain${r.since ? `: it arrived in ${r.since}` : ''}.`)); break;
      case 'unknown': break;
    }
    return h('ul', { class: 'facts' }, items);
  };

  const runBlock = (tool: SignInTool): HTMLElement | null => {
    const run = t.run;
    if (!run || run.tool !== tool) return null;
    switch (run.state) {
      case 'running': return h('div', { class: 'run', id: `run-${tool}` },
        busy(`Signing in with ${TOOL_LABELS[tool]} in the terminal…`),
        run.waitingForInput ? h('p', { role: 'status' }, 'Type the password in the terminal (it is not shown) and press Enter.') : null,
        run.deviceCode ? h('div', { class: 'device-code', role: 'status' },
          h('p', {}, 'Open ', run.deviceCode.url ? h('code', {}, run.deviceCode.url) : 'the device-login page', ' and enter the code ', h('code', { id: 'device-code' }, run.deviceCode.code), '.'),
          h('div', { class: 'actions' },
            button('Copy the Code', () => copyText(run.deviceCode!.code, 'the device code'), { key: 'copy-code' }),
            run.deviceCode.url ? button('Open the Page', () => void request({ method: 'openDeviceLogin', runId: run.runId }).catch(() => undefined), { key: 'open-device-page', secondary: true }) : null)) : null,
        h('div', { class: 'actions' }, button('Cancel', () => void request({ method: 'cancelSignIn', runId: run.runId }).catch(() => undefined), { key: `cancel-${tool}`, id: `cancel-${tool}`, secondary: true })));
      case 'succeeded': return h('p', { class: 'run hint', id: `run-${tool}` }, icon('check'), ` ${TOOL_LABELS[tool]} signed in.`);
      case 'cancelled': return h('p', { class: 'run hint', id: `run-${tool}` }, 'The sign-in was cancelled; nothing changed.');
      case 'failed': {
        const f = run.failure;
        const retry = f?.retryWith && TOOL_METHODS[tool].includes(f.retryWith) ? f.retryWith : null;
        return h('div', { class: 'failure', role: 'alert', id: `run-${tool}` },
          h('p', {}, icon('error'), ' ', h('strong', { class: 'failure-title' }, f?.title ?? 'The sign-in failed'), f?.code ? ` (${f.code})` : ''),
          f ? h('p', { class: 'failure-meaning' }, f.meaning) : null,
          f ? h('p', { class: 'failure-fix' }, f.fix) : null,
          f?.detail ? h('p', { class: 'hint' }, 'The tool said: ', h('span', { class: 'quote' }, f.detail)) : null,
          retry ? h('div', { class: 'actions' }, button(retry === 'device-code' ? 'Sign In with a Device Code' : 'Sign In with the Browser',
            () => { state.methods[tool] = retry; start(tool); }, { key: `retry-${tool}`, id: `retry-${tool}` })) : null);
      }
    }
  };

  const toolControls = (tool: SignInTool): HTMLElement[] => {
    const methods = TOOL_METHODS[tool];
    return [
      h('fieldset', {}, h('legend', {}, `How to sign in with ${TOOL_LABELS[tool]}`),
        h('ul', { class: 'choices' }, methods.map((m) => h('li', { class: 'choice' },
          h('label', {}, h('input', {
            type: 'radio', name: `method-${tool}`, id: `method-${tool}-${m}`, 'data-key': `method-${tool}-${m}`, checked: state.methods[tool] === m,
            onchange: () => { state.methods[tool] = m; render(); },
          }), h('span', {}, METHOD_LABELS[m].label)),
          h('div', { class: 'hint' }, METHOD_LABELS[m].hint))))),
      state.methods[tool] === 'password' ? h('div', { class: 'field' }, h('vscode-label', { for: `username-${tool}` }, 'User name'),
        h('vscode-textfield', {
          id: `username-${tool}`, 'data-key': `username-${tool}`, value: state.username, label: 'User name', placeholder: 'alice@contoso.com', maxlength: '256',
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
      broker === true ? h('p', {}, icon('check'), ' azure-identity-broker is installed', page.interpreter ? ` in ${page.interpreter}` : '', '.')
        : broker === false ? h('p', {}, 'azure-identity-broker is not installed', page.interpreter ? ` in ${page.interpreter}` : '', '.')
          : h('p', { class: 'hint' }, page.trusted ? 'Whether azure-identity-broker is installed is not known (the interpreter has not answered).' : 'Restricted Mode: the interpreter is not asked whether azure-identity-broker is installed.'),
      broker === false ? h('div', { class: 'actions' }, button('Install azure-identity-broker', () => void request({ method: 'installBroker' }).catch((error: unknown) => { t.failure = failureOf(error); render(); }),
        { key: `${key}-install-broker`, disabled: !page.trusted })) : null,
      broker === false ? shellBlock(`${key}-broker`, 'pip install azure-identity-broker', installBrokerCommand(python)) : null,
    ];
  };

  const vscodeControls = (page: SignInPageMessage): (HTMLElement | null)[] => {
    const v = page.vscode;
    const usedBy = `azure-identity ${v.azureResourcesSince} and later read the account you sign in with in the Azure Resources extension (its authentication record) and need the azure-identity-broker package;`
      + ' earlier versions looked for the retired Azure Account extension and leave this source out by default.';
    return [
      h('p', {}, usedBy),
      v.implementation === 'azure-account'
        ? h('p', { class: 'note' }, `Your azure-identity ${page.azureIdentity.version ?? ''} still looks for the Azure Account extension, which no longer signs in: upgrade to azure-identity ${v.azureResourcesSince} or later to use VS Code's account.`)
        : null,
      v.implementation === 'azure-account' ? shellBlock('vscode-upgrade', 'upgrade azure-identity', upgradeForVsCodeCommand(page.interpreter ?? 'python')) : null,
      v.azureResourcesInstalled
        ? h('div', { class: 'actions' }, button('Sign In with Azure Resources', () => void request({ method: 'vscodeSignIn' }).catch((error: unknown) => { t.failure = failureOf(error); render(); }), { key: 'vscode-sign-in', id: 'vscode-sign-in' }))
        : h('div', {}, h('p', {}, 'The Azure Resources extension is not installed.'),
          button('Show the Azure Resources Extension', () => command('showAzureResources'), { key: 'vscode-show-extension', secondary: true })),
      v.implementation === 'azure-resources' ? brokerLines(page, 'vscode') : null,
    ].flat();
  };

  const browserControls = (): HTMLElement[] => [
    h('p', {}, 'Python signs in with a browser itself: DefaultAzureCredential leaves this source out unless your code switches it on. For a machine without a browser (SSH, a container), DeviceCodeCredential shows a code to enter from any other device; it is not part of DefaultAzureCredential.'),
    h('div', { id: 'snippets' }, snippets()),
    h('p', { class: 'note', id: 'public-client-note' }, 'With your own app registration (client_id=…): in its Authentication page set "Allow public client flows" to Yes (a device code needs it, else AADSTS7000218), and add the redirect URI http://localhost under "Mobile and desktop applications" for the browser. Without a client_id, azure-identity uses a Microsoft application that needs neither.'),
  ];
  const snippets = (): HTMLElement[] => [
    snippetBlock('browser-snippet', 'Interactive browser', browserSnippet(cloud(), tenant())),
    snippetBlock('device-code-snippet', 'Device code', deviceCodeSnippet(cloud(), tenant())),
  ];

  const rowDetails = (row: SignInRowMessage, page: SignInPageMessage): (HTMLElement | null)[] => {
    switch (row.kind) {
      case 'tool': return row.tool ? toolControls(row.tool) : [];
      case 'vscode': return vscodeControls(page);
      case 'browser': return browserControls();
      case 'environment': return [h('p', {}, 'Reads an application\'s (or a user\'s) credentials from environment variables such as AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET: see ',
        h('a', { href: '#sp-section' }, 'Service principal for local development'), ' below.')];
      case 'sharedCache': return [h('p', {}, 'Reads accounts that Visual Studio (on Windows) and older Azure tools saved in the shared token cache; there is nothing to sign in to here.')];
      case 'broker': return [h('p', {}, 'Signs in through the operating system\'s account broker (the Web Account Manager on Windows, also from WSL) and needs azure-identity-broker; on Linux and macOS it is unavailable.'),
        ...brokerLines(page, 'broker')];
    }
  };

  const sourcesBlock = (): HTMLElement => {
    const page = t.page;
    if (!page) return h('section', { id: 'sources' }, busy('Reading the chain…'));
    return h('section', { id: 'sources', 'aria-labelledby': 'sources-title' },
      h('h2', { id: 'sources-title' }, 'Ways to sign in, in chain order'),
      h('p', { class: 'hint' }, 'DefaultAzureCredential tries these in this order; the first with a token wins.'),
      h('ol', { class: 'sources', 'aria-label': 'Sources in chain order' }, page.rows.map((row) => h('li', {
        class: `source reach-${row.reach.kind}`, id: `row-${row.credential}`, 'data-credential': row.credential, 'aria-labelledby': `title-${row.credential}`,
      },
      h('h3', { id: `title-${row.credential}`, tabindex: '-1' }, row.position !== null ? `${row.position}. ${row.label}` : row.label,
        row.reach.kind === 'active' ? h('span', { class: 'tag' }, 'active') : null),
      stateLines(row),
      ...rowDetails(row, page)))));
  };

  /** The parts that follow the tenant, cloud, method and user name: sign-in buttons, commands, snippets. */
  const refreshChoices = () => {
    const problem = root.querySelector<HTMLElement>('#tenant-problem');
    if (problem) replaceChildren(problem, tenantProblem(state.tenant) ? h('p', { class: 'problem' }, tenantProblem(state.tenant)) : null);
    const page = t.page;
    if (!page) return;
    for (const row of page.rows) {
      const tool = row.kind === 'tool' ? row.tool : null;
      if (!tool) continue;
      const c = choice(tool);
      const issue = state.tenant.trim() && tenantProblem(state.tenant) ? 'Correct the tenant first.' : choiceProblem(c);
      const actions = root.querySelector<HTMLElement>(`#signin-actions-${tool}`);
      if (actions) {
        replaceChildren(actions, button(`Sign In with ${TOOL_LABELS[tool]}`, () => start(tool), {
          key: `signin-${tool}`, id: `signin-${tool}`, disabled: !!issue || !row.installed || running(),
        }));
      }
      const usernameProblemSlot = root.querySelector<HTMLElement>(`#username-problem-${tool}`);
      if (usernameProblemSlot) replaceChildren(usernameProblemSlot, state.username.trim() && usernameProblem(state.username) ? h('p', { class: 'problem' }, usernameProblem(state.username)) : null);
      const cmds = root.querySelector<HTMLElement>(`#cmds-${tool}`);
      if (cmds) replaceChildren(cmds, h('h4', {}, 'Equivalent commands'), shellBlock(`cmd-${tool}`, `${TOOL_LABELS[tool]} sign-in`, signInCommands(c, page.azCloud)));
    }
    const snippetSlot = root.querySelector<HTMLElement>('#snippets');
    if (snippetSlot) replaceChildren(snippetSlot, ...snippets());
  };

  // The page's regions: each is redrawn on its own, so that a chain update does not re-create the field being typed in.
  const spContext = (): ServicePrincipalSectionContext => ({ page: t.page, environment: rowOf('EnvironmentCredential'), tenant: tenant(), cloud: cloud() });
  const top = h('div', { id: 'top' });
  const where = h('div', { id: 'where-slot' });
  const sources = h('div', { id: 'sources-slot' });
  const sp = servicePrincipalSection(spContext());
  replaceChildren(root,
    h('h1', {}, 'Sign In to Azure'),
    h('p', { class: 'hint' }, 'Every way your Python code\'s DefaultAzureCredential can get your token, and where each one stands.'),
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
      const heading = root.querySelector<HTMLElement>(`#title-${CSS.escape(state.init.focus)}`);
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
