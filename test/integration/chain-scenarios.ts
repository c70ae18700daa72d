// Scenarios run through both the engine and the real Python DefaultAzureCredential (chain-agreement.test.ts), and
// through the real library alone (python-verify.test.ts). Each one is what a developer's machine could look like:
// which variables are set, which tools are signed in and how they behave, which keyword arguments the code passes.
//
// Everything points at the sandbox tenant on loopback. Every scenario gets its own HOME, and
// AZURE_POD_IDENTITY_AUTHORITY_HOST always points at loopback (an IMDS without an identity unless the scenario says
// otherwise), so no managed-identity probe ever goes to 169.254.169.254.
//
// `expect` is what the real library does, per azure-identity version, as observed by running it: the agreement
// test asserts these outright so that an engine and a verifier that both answered nonsense could not agree.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialName, KeywordArguments, VerdictOutcome } from '../../src/core/chain/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import type { Sandbox } from '../../src/sandbox/server';

/** The two interpreters the suite runs: Debian 12's and Debian 13's python3-azure. */
export type PythonKey = 'debian12' | 'debian13';

export interface ExpectedVerdict {
  readonly outcome: VerdictOutcome;
  readonly credential: CredentialName | null;
}

export interface ScenarioContext {
  readonly sb: Sandbox;
  /** The scenario's HOME (fresh, empty before setup). */
  readonly home: string;
  /** Scratch folder for files the scenario needs (certificates, token files, a PATH with chosen tools). */
  readonly dir: string;
  /** A loopback port nothing listens on. */
  readonly closedPort: number;
}

export interface Scenario {
  readonly name: string;
  /** What a developer would recognise: the situation in a sentence. */
  readonly title: string;
  /** Signs tools in, writes files; runs before env(). */
  readonly setup?: (ctx: ScenarioContext) => Promise<void>;
  /** Variables on top of the base environment (sandbox tools on PATH, HOME, loopback IMDS without an identity). */
  readonly env?: (ctx: ScenarioContext) => Record<string, string>;
  /** Variables of the base environment to remove. */
  readonly unset?: readonly string[];
  readonly keywordArguments?: KeywordArguments;
  readonly expect: Readonly<Record<PythonKey, ExpectedVerdict>>;
  /** Takes several seconds by design (a tool's timeout, MI retries). */
  readonly slow?: boolean;
}

const token = (credential: CredentialName): ExpectedVerdict => ({ outcome: 'token', credential });
const stops = (credential: CredentialName): ExpectedVerdict => ({ outcome: 'failure', credential });
const allUnavailable: ExpectedVerdict = { outcome: 'failure', credential: null };
const raises = (credential: CredentialName | null): ExpectedVerdict => ({ outcome: 'constructor-error', credential });
const both = (v: ExpectedVerdict): Record<PythonKey, ExpectedVerdict> => ({ debian12: v, debian13: v });

/** The public client both az and azure-identity's developer sign-in use; username/password needs a public client. */
const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

async function signIn(ctx: ScenarioContext, tools: readonly ('az' | 'azd' | 'pwsh')[], user = 'alice'): Promise<void> {
  await signInDemoDeveloper(ctx.sb, ctx.home, user, tools);
}

function servicePrincipalEnv(ctx: ScenarioContext, secret = ctx.sb.servicePrincipal.clientSecret): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: ctx.sb.authorityHost,
    AZURE_TENANT_ID: ctx.sb.tenantId,
    AZURE_CLIENT_ID: ctx.sb.servicePrincipal.clientId,
    AZURE_CLIENT_SECRET: secret,
  };
}

/** A PATH holding only the chosen fake tools (no /usr/bin: Debian's real az lives there). */
function pathWith(ctx: ScenarioContext, tools: readonly ('az' | 'azd' | 'pwsh')[]): string {
  const bin = join(ctx.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of tools) symlinkSync(join(ctx.sb.toolsBinDir, tool), join(bin, tool));
  return bin;
}

/** The token file the AKS webhook mounts for workload identity, holding an assertion the sandbox accepts. */
async function federatedTokenFile(ctx: ScenarioContext): Promise<string> {
  const { token: assertion } = await ctx.sb.control.federatedToken('system:serviceaccount:default:workload');
  const file = join(ctx.dir, 'azure-identity-token');
  writeFileSync(file, assertion, { mode: 0o600 });
  return file;
}

function workloadIdentityEnv(ctx: ScenarioContext, tokenFile: string): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: ctx.sb.authorityHost,
    AZURE_TENANT_ID: ctx.sb.tenantId,
    AZURE_CLIENT_ID: ctx.sb.servicePrincipal.clientId,
    AZURE_FEDERATED_TOKEN_FILE: tokenFile,
  };
}

/**
 * The shared token cache as Visual Studio / older tools leave it: an MSAL cache with a signed-in account. We take the
 * one the fake az wrote (same MSAL schema, same first-party client id) and place it under the names azure-identity
 * reads: `msal.cache` (up to 1.13) and/or `msal.cache.nocae` (1.14 and later, non-CAE requests).
 */
function writeSharedCache(ctx: ScenarioContext, names: readonly string[]): void {
  const folder = join(ctx.home, '.IdentityService');
  mkdirSync(folder, { recursive: true });
  for (const name of names) copyFileSync(join(ctx.home, '.azure', 'msal_token_cache.json'), join(folder, name));
}

export const SCENARIOS: readonly Scenario[] = [
  // ---- EnvironmentCredential -------------------------------------------------------------------------------------
  {
    name: 'env-service-principal-secret',
    title: 'A service principal with a client secret in AZURE_* variables (az also signed in)',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => servicePrincipalEnv(ctx),
    expect: both(token('EnvironmentCredential')),
  },
  {
    name: 'env-service-principal-bad-secret',
    title: 'A service principal whose client secret is wrong: Entra ID refuses it and the chain stops there',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => servicePrincipalEnv(ctx, 'not-the-secret-of-sandbox-ci'),
    expect: both(stops('EnvironmentCredential')),
  },
  {
    name: 'env-empty-secret',
    title: 'AZURE_CLIENT_SECRET set but empty: an empty value still counts as set',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => servicePrincipalEnv(ctx, ''),
    expect: both(raises('EnvironmentCredential')),
  },
  {
    name: 'env-incomplete',
    title: 'Only AZURE_CLIENT_ID and AZURE_TENANT_ID set: the environment is incomplete, az is next',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({ AZURE_CLIENT_ID: ctx.sb.servicePrincipal.clientId, AZURE_TENANT_ID: ctx.sb.tenantId }),
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'env-certificate',
    title: 'A service principal with a certificate (AZURE_CLIENT_CERTIFICATE_PATH)',
    env: (ctx) => ({
      AZURE_AUTHORITY_HOST: ctx.sb.authorityHost, AZURE_TENANT_ID: ctx.sb.tenantId,
      AZURE_CLIENT_ID: ctx.sb.servicePrincipal.clientId, AZURE_CLIENT_CERTIFICATE_PATH: ctx.sb.servicePrincipal.certificatePath,
    }),
    expect: both(token('EnvironmentCredential')),
  },
  {
    name: 'env-certificate-missing-file',
    title: 'AZURE_CLIENT_CERTIFICATE_PATH names a file that does not exist',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({
      AZURE_AUTHORITY_HOST: ctx.sb.authorityHost, AZURE_TENANT_ID: ctx.sb.tenantId,
      AZURE_CLIENT_ID: ctx.sb.servicePrincipal.clientId, AZURE_CLIENT_CERTIFICATE_PATH: join(ctx.dir, 'missing.pem'),
    }),
    expect: both(raises('EnvironmentCredential')),
  },
  {
    name: 'env-username-password',
    title: 'A user name and password in AZURE_USERNAME / AZURE_PASSWORD with a public client id',
    // No AZURE_AUTHORITY_HOST: MSAL's user-realm lookup drops the port of a custom authority, so this flow goes to
    // login.microsoftonline.com, which the sandbox's egress proxy answers.
    env: (ctx) => ({
      AZURE_TENANT_ID: ctx.sb.tenantId, AZURE_CLIENT_ID: AZURE_CLI_CLIENT_ID,
      AZURE_USERNAME: ctx.sb.users.alice!.upn, AZURE_PASSWORD: ctx.sb.users.alice!.password,
    }),
    expect: both(token('EnvironmentCredential')),
  },
  {
    name: 'env-username-password-mfa',
    title: 'A user name and password for a user who must do MFA: the password grant fails and stops the chain',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({
      AZURE_TENANT_ID: ctx.sb.tenantId, AZURE_CLIENT_ID: AZURE_CLI_CLIENT_ID,
      AZURE_USERNAME: ctx.sb.users.carol!.upn, AZURE_PASSWORD: ctx.sb.users.carol!.password,
    }),
    expect: both(stops('EnvironmentCredential')),
  },
  // ---- Workload identity --------------------------------------------------------------------------------------------
  {
    name: 'workload-identity',
    title: 'AKS workload identity: AZURE_FEDERATED_TOKEN_FILE with an accepted assertion',
    env: (ctx) => workloadIdentityEnv(ctx, join(ctx.dir, 'azure-identity-token')),
    expect: { debian12: token('ManagedIdentityCredential'), debian13: token('WorkloadIdentityCredential') },
  },
  {
    name: 'workload-identity-missing-token-file',
    title: 'Workload identity variables set, but the token file is not there',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => workloadIdentityEnv(ctx, join(ctx.dir, 'no-such-token-file')),
    expect: { debian12: stops('ManagedIdentityCredential'), debian13: stops('WorkloadIdentityCredential') },
  },
  {
    name: 'workload-identity-no-client-id',
    title: 'Workload identity variables set without AZURE_CLIENT_ID',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => {
      const { AZURE_CLIENT_ID: _unused, ...rest } = workloadIdentityEnv(ctx, join(ctx.dir, 'azure-identity-token'));
      return rest;
    },
    expect: { debian12: raises('ManagedIdentityCredential'), debian13: raises('WorkloadIdentityCredential') },
  },
  // ---- Managed identity ------------------------------------------------------------------------------------------
  {
    name: 'mi-app-service',
    title: 'Running on App Service: IDENTITY_ENDPOINT and IDENTITY_HEADER',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ctx.sb.managedIdentityEnv('appservice'),
    expect: both(token('ManagedIdentityCredential')),
  },
  {
    name: 'mi-imds-assigned',
    title: 'A VM with a system-assigned identity (IMDS reached through AZURE_POD_IDENTITY_AUTHORITY_HOST)',
    env: (ctx) => ctx.sb.managedIdentityEnv('imds'),
    expect: both(token('ManagedIdentityCredential')),
  },
  {
    name: 'mi-imds-unassigned',
    title: 'An IMDS that answers but has no identity assigned: unavailable, az is next',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ctx.sb.managedIdentityEnv('none'),
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'mi-imds-no-response',
    title: 'AZURE_POD_IDENTITY_AUTHORITY_HOST names an endpoint where nothing listens',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${ctx.closedPort}` }),
    // 1.13.0b2 skips its IMDS probe when this variable is set, so the refused connection is a hard failure (after
    // retries); 1.23.1 probes inside the chain and reports "no response", so az is next.
    expect: { debian12: stops('ManagedIdentityCredential'), debian13: token('AzureCliCredential') },
    slow: true,
  },
  {
    name: 'mi-app-service-refused',
    title: 'IDENTITY_ENDPOINT set but nothing listens there (an App Service setting copied to a laptop)',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({ IDENTITY_ENDPOINT: `http://127.0.0.1:${ctx.closedPort}/msi/token`, IDENTITY_HEADER: 'copied-header' }),
    expect: both(stops('ManagedIdentityCredential')),
    slow: true,
  },
  // ---- Shared token cache ----------------------------------------------------------------------------------------
  {
    name: 'shared-cache-both-names',
    title: 'A signed-in account in the shared token cache, under both the old and the new file names',
    setup: async (ctx) => { await signIn(ctx, ['az'], 'bob'); writeSharedCache(ctx, ['msal.cache', 'msal.cache.nocae']); },
    expect: both(token('SharedTokenCacheCredential')),
  },
  {
    name: 'shared-cache-old-name-only',
    title: 'A shared token cache only in ~/.IdentityService/msal.cache: azure-identity 1.14+ reads msal.cache.nocae',
    setup: async (ctx) => { await signIn(ctx, ['az'], 'bob'); writeSharedCache(ctx, ['msal.cache']); },
    expect: { debian12: token('SharedTokenCacheCredential'), debian13: token('AzureCliCredential') },
  },
  // ---- Azure CLI -------------------------------------------------------------------------------------------------
  {
    name: 'az-signed-in',
    title: 'Signed in to az only',
    setup: (ctx) => signIn(ctx, ['az']),
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'az-not-logged-in-pwsh-signed-in',
    title: 'az installed but not signed in; Azure PowerShell signed in',
    setup: (ctx) => signIn(ctx, ['pwsh']),
    expect: both(token('AzurePowerShellCredential')),
  },
  {
    name: 'nothing-signed-in',
    title: 'A fresh laptop: tools installed, nobody signed in',
    expect: both(allUnavailable),
  },
  {
    name: 'az-error',
    title: 'az fails with an unexpected error; Azure PowerShell is signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'error' }),
    expect: { debian12: stops('AzureCliCredential'), debian13: token('AzurePowerShellCredential') },
  },
  {
    name: 'az-garbage',
    title: 'az exits 0 but prints something that is not JSON; Azure PowerShell is signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'garbage' }),
    expect: { debian12: stops('AzureCliCredential'), debian13: token('AzurePowerShellCredential') },
  },
  {
    name: 'az-aadsts',
    title: 'az reports an expired refresh token (AADSTS70043, "az login" hint); Azure PowerShell is signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'aadsts' }),
    expect: both(token('AzurePowerShellCredential')),
  },
  {
    name: 'az-not-on-path',
    title: 'No az on PATH (only pwsh and azd), Azure PowerShell signed in',
    setup: (ctx) => signIn(ctx, ['pwsh']),
    env: (ctx) => ({ PATH: pathWith(ctx, ['pwsh', 'azd']) }),
    expect: both(token('AzurePowerShellCredential')),
  },
  {
    name: 'az-slow-process-timeout',
    title: 'az takes 4 s, the code passes process_timeout=2; Azure PowerShell signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZ_DELAY_MS: '4000' }),
    keywordArguments: { processTimeoutSeconds: 2 },
    // 1.13.0b2 has no process_timeout: its fixed 10 s lets the slow az answer.
    expect: { debian12: token('AzureCliCredential'), debian13: token('AzurePowerShellCredential') },
    slow: true,
  },
  {
    name: 'az-timeout',
    title: 'az takes longer than the 10 s default timeout; Azure PowerShell signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZ_DELAY_MS: '11500' }),
    expect: both(token('AzurePowerShellCredential')),
    slow: true,
  },
  // ---- Azure PowerShell ------------------------------------------------------------------------------------------
  {
    name: 'pwsh-no-module',
    title: 'pwsh without the Az.Accounts module; azd signed in',
    setup: (ctx) => signIn(ctx, ['azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'no-module' }),
    expect: { debian12: allUnavailable, debian13: token('AzureDeveloperCliCredential') },
  },
  {
    name: 'pwsh-execution-policy',
    title: 'pwsh blocked by the execution policy; azd signed in',
    setup: (ctx) => signIn(ctx, ['azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'execution-policy' }),
    expect: { debian12: allUnavailable, debian13: token('AzureDeveloperCliCredential') },
  },
  {
    name: 'pwsh-garbage',
    title: 'pwsh exits 0 with a warning and no token line; azd signed in',
    setup: (ctx) => signIn(ctx, ['pwsh', 'azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'garbage' }),
    expect: { debian12: stops('AzurePowerShellCredential'), debian13: token('AzureDeveloperCliCredential') },
  },
  {
    name: 'pwsh-error',
    title: 'pwsh fails with an unexpected error; azd signed in',
    setup: (ctx) => signIn(ctx, ['pwsh', 'azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'error' }),
    expect: { debian12: allUnavailable, debian13: token('AzureDeveloperCliCredential') },
  },
  // ---- Azure Developer CLI ---------------------------------------------------------------------------------------
  {
    name: 'azd-signed-in',
    title: 'Signed in to azd only',
    setup: (ctx) => signIn(ctx, ['azd']),
    expect: { debian12: allUnavailable, debian13: token('AzureDeveloperCliCredential') },
  },
  {
    name: 'azd-error',
    title: 'azd fails with an unexpected error, nothing else signed in',
    setup: (ctx) => signIn(ctx, ['azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZD_MODE: 'error' }),
    expect: both(allUnavailable),
  },
  {
    name: 'azd-garbage',
    title: 'azd prints something that is not JSON, nothing else signed in',
    setup: (ctx) => signIn(ctx, ['azd']),
    env: () => ({ AZURE_DEV_AUTH_FAKE_AZD_MODE: 'garbage' }),
    expect: both(allUnavailable),
  },
  // ---- AZURE_TOKEN_CREDENTIALS -----------------------------------------------------------------------------------
  {
    name: 'token-credentials-dev',
    title: 'AZURE_TOKEN_CREDENTIALS=dev with a service principal in the environment and az signed in',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({ ...servicePrincipalEnv(ctx), AZURE_TOKEN_CREDENTIALS: 'dev' }),
    expect: { debian12: token('EnvironmentCredential'), debian13: token('AzureCliCredential') },
  },
  {
    name: 'token-credentials-prod',
    title: 'AZURE_TOKEN_CREDENTIALS=prod on a laptop signed in to az',
    setup: (ctx) => signIn(ctx, ['az']),
    env: () => ({ AZURE_TOKEN_CREDENTIALS: ' Prod ' }),
    expect: { debian12: token('AzureCliCredential'), debian13: allUnavailable },
  },
  {
    name: 'token-credentials-invalid',
    title: 'AZURE_TOKEN_CREDENTIALS=AzureCliCredential (a single name, accepted only from 1.24)',
    setup: (ctx) => signIn(ctx, ['az']),
    env: () => ({ AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }),
    expect: { debian12: token('AzureCliCredential'), debian13: raises(null) },
  },
  {
    name: 'token-credentials-prod-beats-include',
    title: 'AZURE_TOKEN_CREDENTIALS=prod while the code passes exclude_cli_credential=False',
    setup: (ctx) => signIn(ctx, ['az']),
    env: () => ({ AZURE_TOKEN_CREDENTIALS: 'prod' }),
    keywordArguments: { exclude: { AzureCliCredential: false } },
    expect: { debian12: token('AzureCliCredential'), debian13: allUnavailable },
  },
  {
    name: 'token-credentials-dev-workload-identity',
    title: 'AZURE_TOKEN_CREDENTIALS=dev in a pod with workload identity, az signed in',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => ({ ...workloadIdentityEnv(ctx, join(ctx.dir, 'azure-identity-token')), AZURE_TOKEN_CREDENTIALS: 'dev' }),
    expect: { debian12: token('ManagedIdentityCredential'), debian13: token('AzureCliCredential') },
  },
  // ---- exclude_* keywords ----------------------------------------------------------------------------------------
  {
    name: 'exclude-cli',
    title: 'exclude_cli_credential=True with az and Azure PowerShell signed in',
    setup: (ctx) => signIn(ctx, ['az', 'pwsh']),
    keywordArguments: { exclude: { AzureCliCredential: true } },
    expect: both(token('AzurePowerShellCredential')),
  },
  {
    name: 'exclude-environment',
    title: 'exclude_environment_credential=True with a (wrong) service principal in the environment and az signed in',
    setup: (ctx) => signIn(ctx, ['az']),
    env: (ctx) => servicePrincipalEnv(ctx, 'not-the-secret-of-sandbox-ci'),
    keywordArguments: { exclude: { EnvironmentCredential: true } },
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'exclude-managed-identity-and-cache',
    title: 'exclude_managed_identity_credential and exclude_shared_token_cache_credential with MI and a cache present',
    setup: async (ctx) => { await signIn(ctx, ['az'], 'bob'); writeSharedCache(ctx, ['msal.cache', 'msal.cache.nocae']); },
    env: (ctx) => ctx.sb.managedIdentityEnv('appservice'),
    keywordArguments: { exclude: { ManagedIdentityCredential: true, SharedTokenCacheCredential: true } },
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'include-vscode',
    title: 'exclude_visual_studio_code_credential=False: the VS Code source is tried (nothing to find), az next',
    setup: (ctx) => signIn(ctx, ['az']),
    keywordArguments: { exclude: { VisualStudioCodeCredential: false } },
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'include-browser-not-reached',
    title: 'exclude_interactive_browser_credential=False, but az answers first so no browser opens',
    setup: (ctx) => signIn(ctx, ['az']),
    keywordArguments: { exclude: { InteractiveBrowserCredential: false } },
    expect: both(token('AzureCliCredential')),
  },
  {
    name: 'exclude-developer-cli-and-workload',
    title: 'exclude_developer_cli_credential and exclude_workload_identity_credential (unknown to 1.13.0b2), azd signed in',
    setup: (ctx) => signIn(ctx, ['azd']),
    keywordArguments: { exclude: { AzureDeveloperCliCredential: true, WorkloadIdentityCredential: true } },
    expect: both(allUnavailable),
  },
];

/** The setup-time needs that are not a scenario's own: the workload identity token file. */
async function commonSetup(scenario: Scenario, ctx: ScenarioContext): Promise<void> {
  if (scenario.name.startsWith('workload-identity') || scenario.name === 'token-credentials-dev-workload-identity') {
    await federatedTokenFile(ctx);
  }
}

function freeClosedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PreparedScenario {
  readonly env: Record<string, string>;
  readonly keywordArguments: KeywordArguments;
  readonly home: string;
  cleanup(): void;
}

/**
 * A fresh HOME and scratch folder, the scenario's setup, and its environment: the sandbox tools first on PATH, no
 * AZURE_* from the test process, and an IMDS on loopback without an identity unless the scenario sets another.
 */
export async function prepareScenario(sb: Sandbox, scenario: Scenario): Promise<PreparedScenario> {
  const root = mkdtempSync(join(tmpdir(), `chain-${scenario.name}-`));
  const home = join(root, 'home');
  const dir = join(root, 'files');
  mkdirSync(home);
  mkdirSync(dir);
  const ctx: ScenarioContext = { sb, home, dir, closedPort: await freeClosedPort() };
  sb.control.reset();
  await commonSetup(scenario, ctx);
  await scenario.setup?.(ctx);
  const env: Record<string, string> = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), ...scenario.env?.(ctx) };
  for (const name of scenario.unset ?? []) delete env[name];
  return {
    env,
    keywordArguments: scenario.keywordArguments ?? {},
    home,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
