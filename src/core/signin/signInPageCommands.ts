// The commands behind the sign-in page: the argument vectors a sign-in runs (az login, azd auth login,
// Connect-AzAccount, with a tenant and a cloud), the same commands as a developer types them in bash and in
// PowerShell, and the Python snippets for the sources azure-identity signs in with itself (browser, device code).
// Pure and browser-safe: the page renders the commands while the developer types, the extension runs the vectors.
// Every value that reaches a command is validated first (a tenant is a GUID or a domain, a username an address,
// the cloud one of three names), so nothing typed on the page can become shell or PowerShell syntax.
import { renderCommand, type CommandArgs } from '../team/commands';
import * as l10n from '@vscode/l10n';

export const SIGN_IN_TOOLS = ['az', 'azd', 'pwsh'] as const;
export type SignInTool = (typeof SIGN_IN_TOOLS)[number];

export const SIGN_IN_METHODS = ['browser', 'device-code', 'password'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export const CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

/** A cloud as the page offers it: its name for the tools, a label, and what Python needs to use it. */
export interface CloudChoice {
  readonly name: CloudName;
  readonly label: string;
  /** https://login.microsoftonline.com (no trailing slash): the value of AZURE_AUTHORITY_HOST. */
  readonly authorityHost: string;
}

/** The Python name of each cloud's authority in azure-identity (`AzureAuthorityHosts.*`). */
export const PYTHON_AUTHORITY: Readonly<Record<CloudName, string>> = {
  AzureCloud: 'AzureAuthorityHosts.AZURE_PUBLIC_CLOUD',
  AzureChinaCloud: 'AzureAuthorityHosts.AZURE_CHINA',
  AzureUSGovernment: 'AzureAuthorityHosts.AZURE_GOVERNMENT',
};

export const CLOUD_LABELS: Readonly<Record<CloudName, string>> = {
  get AzureCloud() { return l10n.t('Azure (public cloud)'); },
  get AzureChinaCloud() { return l10n.t('Azure operated by 21Vianet (China)'); },
  get AzureUSGovernment() { return l10n.t('Azure US Government'); },
};

/** The tool each sign-in source runs, and the credential that reads its sign-in. */
export const TOOL_CREDENTIALS: Readonly<Record<SignInTool, 'AzureCliCredential' | 'AzureDeveloperCliCredential' | 'AzurePowerShellCredential'>> = {
  az: 'AzureCliCredential',
  azd: 'AzureDeveloperCliCredential',
  pwsh: 'AzurePowerShellCredential',
};

/** Which methods each tool offers here. A username and password (ROPC) only exists for az. */
export const TOOL_METHODS: Readonly<Record<SignInTool, readonly SignInMethod[]>> = {
  az: ['browser', 'device-code', 'password'],
  azd: ['browser', 'device-code'],
  pwsh: ['browser', 'device-code'],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least two labels and an alphabetic top-level label: contoso.onmicrosoft.com, contoso.com.
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
// user@domain, with the characters user principal names allow in their local part.
// The first character is no "-": the name reaches az's argument vector, where it would read as an option.
const USERNAME = /^(?=.{3,256}$)[A-Za-z0-9._%+'][A-Za-z0-9._%+'-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Why a tenant value cannot be used (null: usable, or empty, which means "the account's home tenant"). */
export function tenantProblem(value: string): string | null {
  const tenant = value.trim();
  if (!tenant) return null;
  if (GUID.test(tenant) || DOMAIN.test(tenant)) return null;
  if (/\s/.test(tenant)) return l10n.t('A tenant has no spaces: enter its id (a GUID) or one of its domains.');
  if (/^[0-9a-f-]{30,}$/i.test(tenant)) return l10n.t('A tenant id is a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.');
  return l10n.t('Enter the tenant\'s id (a GUID) or one of its domains, such as contoso.onmicrosoft.com.');
}

export function usernameProblem(value: string): string | null {
  return USERNAME.test(value.trim()) ? null : l10n.t('Enter the account\'s user name, such as alice@contoso.com.');
}

/** What the developer chose on the page. */
export interface SignInChoice {
  readonly tool: SignInTool;
  readonly method: SignInMethod;
  /** A validated tenant id or domain, or null for the account's home tenant. */
  readonly tenant: string | null;
  readonly cloud: CloudName;
  /** For the password method: the account's user name. */
  readonly username: string | null;
}

/** Why the choice cannot run (null: it can). */
export function choiceProblem(choice: SignInChoice): string | null {
  if (!TOOL_METHODS[choice.tool].includes(choice.method)) return l10n.t('{0} does not offer this sign-in method.', choice.tool);
  if (choice.tenant !== null && tenantProblem(choice.tenant)) return tenantProblem(choice.tenant);
  if (choice.method === 'password') return choice.username === null ? l10n.t('Enter the account\'s user name.') : usernameProblem(choice.username);
  return null;
}

/** One process a sign-in runs. */
export interface SignInStep {
  readonly program: SignInTool;
  readonly args: readonly string[];
  /** The password is asked for in the terminal and appended as `--password=<value>` (never shown or kept). */
  readonly askPassword: boolean;
}

/** PowerShell script text for Connect-AzAccount; every value in it was validated above (no quotes can occur). */
function connectScript(choice: SignInChoice): string {
  const parts = ['Connect-AzAccount'];
  if (choice.cloud !== 'AzureCloud') parts.push('-Environment', choice.cloud);
  if (choice.tenant) parts.push('-Tenant', `'${choice.tenant.replace(/['\u2018-\u201b]/g, (q) => q + q)}'`);
  if (choice.method === 'device-code') parts.push('-UseDeviceAuthentication');
  return parts.join(' ');
}

function azLogin(choice: SignInChoice): string[] {
  const args = ['login'];
  if (choice.tenant) args.push('--tenant', choice.tenant);
  if (choice.method === 'device-code') args.push('--use-device-code');
  if (choice.method === 'password' && choice.username) args.push('--username', choice.username);
  return args;
}

function azdLogin(choice: SignInChoice): string[] {
  const args = ['auth', 'login'];
  if (choice.tenant) args.push('--tenant-id', choice.tenant);
  if (choice.method === 'device-code') args.push('--use-device-code');
  return args;
}

/**
 * The processes a sign-in runs, in order: the cloud first (az and azd keep it in their own configuration, so it is
 * set only when it differs from the one they use now), then the sign-in.
 */
export function signInSteps(choice: SignInChoice, currentAzCloud: string): SignInStep[] {
  switch (choice.tool) {
    case 'az': return [
      ...(choice.cloud !== currentAzCloud ? [{ program: 'az' as const, args: ['cloud', 'set', '--name', choice.cloud], askPassword: false }] : []),
      { program: 'az', args: azLogin(choice), askPassword: choice.method === 'password' },
    ];
    case 'azd': return [
      ...(choice.cloud !== 'AzureCloud' ? [{ program: 'azd' as const, args: ['config', 'set', 'cloud.name', choice.cloud], askPassword: false }] : []),
      { program: 'azd', args: azdLogin(choice), askPassword: false },
    ];
    case 'pwsh': return [{ program: 'pwsh', args: ['-NoProfile', '-Command', connectScript(choice)], askPassword: false }];
  }
}

/** One command in both shells, for the page's copy buttons. */
export interface ShellCommands {
  readonly bash: string;
  readonly powershell: string;
}

function both(commands: readonly CommandArgs[]): ShellCommands {
  return {
    bash: commands.map((c) => renderCommand(c, 'bash')).join('\n\n'),
    powershell: commands.map((c) => renderCommand(c, 'powershell')).join('\n\n'),
  };
}

/**
 * What the developer would type for this sign-in. A password sign-in is shown without the password: az asks for it
 * when it runs in a terminal.
 */
export function signInCommands(choice: SignInChoice, currentAzCloud: string): ShellCommands {
  if (choice.tool === 'pwsh') {
    const script = connectScript(choice);
    return { bash: renderCommand(['pwsh', '-NoProfile', '-Command', script], 'bash'), powershell: script };
  }
  return both(signInSteps(choice, currentAzCloud).map((step) => [step.program, ...step.args]));
}

/** The `az cloud set` step of a sovereign cloud, and the variable the Python code needs there. */
export function cloudCommands(cloud: CloudChoice): { readonly azCloudSet: ShellCommands; readonly authorityHost: ShellCommands; readonly dotEnvLine: string } {
  return {
    azCloudSet: both([['az', 'cloud', 'set', '--name', cloud.name]]),
    authorityHost: {
      bash: `export AZURE_AUTHORITY_HOST=${cloud.authorityHost}`,
      powershell: `$env:AZURE_AUTHORITY_HOST = '${cloud.authorityHost}'`,
    },
    dotEnvLine: `AZURE_AUTHORITY_HOST=${cloud.authorityHost}`,
  };
}

export function installBrokerCommand(python: string): ShellCommands {
  return both([[python, '-m', 'pip', 'install', 'azure-identity-broker']]);
}

/** An azure-identity that reads VS Code's account (through the Azure Resources extension), with the broker it needs. */
export function upgradeForVsCodeCommand(python: string): ShellCommands {
  return both([[python, '-m', 'pip', 'install', '--upgrade', 'azure-identity', 'azure-identity-broker']]);
}

function pythonString(value: string): string {
  return JSON.stringify(value);
}

/** DefaultAzureCredential with its interactive browser source switched on (it is off by default in every version). */
export function browserSnippet(cloud: CloudName, tenant: string | null): string {
  const args = ['exclude_interactive_browser_credential=False'];
  if (tenant) args.push(`interactive_browser_tenant_id=${pythonString(tenant)}`);
  if (cloud !== 'AzureCloud') args.push(`authority=${PYTHON_AUTHORITY[cloud]}`);
  return [
    `from azure.identity import ${cloud !== 'AzureCloud' ? 'AzureAuthorityHosts, ' : ''}DefaultAzureCredential`,
    '',
    '# Opens a browser for the sign-in when no earlier source of the chain has a token.',
    `credential = DefaultAzureCredential(${args.join(', ')})`,
  ].join('\n');
}

/** DeviceCodeCredential: not part of DefaultAzureCredential, for machines without a browser (SSH, containers). */
export function deviceCodeSnippet(cloud: CloudName, tenant: string | null): string {
  const args: string[] = [];
  if (tenant) args.push(`tenant_id=${pythonString(tenant)}`);
  if (cloud !== 'AzureCloud') args.push(`authority=${PYTHON_AUTHORITY[cloud]}`);
  return [
    `from azure.identity import ${cloud !== 'AzureCloud' ? 'AzureAuthorityHosts, ' : ''}DeviceCodeCredential`,
    '',
    '# Prints a code to enter on the device-login page, from any browser, also on another device.',
    `credential = DeviceCodeCredential(${args.join(', ')})`,
  ].join('\n');
}
