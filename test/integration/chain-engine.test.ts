// The chain engine against the sandbox tenant: real tokens from its Entra ID, managed-identity endpoints and the
// fake az/azd/pwsh, for the two versions users run most (Debian 12's 1.13.0b2 and Debian 13's 1.23.1) and the
// newest rules. Every scenario points the IMDS probe at loopback (AZURE_POD_IDENTITY_AUTHORITY_HOST).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { evaluateChain } from '../../src/core/chain/engine';
import type { ChainReport, CredentialName, KeywordArguments } from '../../src/core/chain/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run, sandboxFetch } from './helpers/sandbox';

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'chain-engine-'));
/** HOME where alice is signed in to az, azd and pwsh. */
let aliceHome: string;
/** HOME where alice is signed in to azd and pwsh only. */
let noAzHome: string;

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  aliceHome = join(scratch, 'alice');
  noAzHome = join(scratch, 'alice-no-az');
  mkdirSync(aliceHome);
  mkdirSync(noAzHome);
  await signInDemoDeveloper(sb, aliceHome, 'alice');
  await signInDemoDeveloper(sb, noAzHome, 'alice', ['azd', 'pwsh']);
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => sb.control.reset());

let homes = 0;
function emptyHome(): string {
  const home = join(scratch, `home-${homes++}`);
  mkdirSync(home);
  return home;
}

/** The developer's environment: fake tools on PATH, the sandbox as authority, and an IMDS on loopback with no identity. */
function devEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sb.toolEnv(home), AZURE_AUTHORITY_HOST: sb.authorityHost, ...sb.managedIdentityEnv('none'), ...extra };
}

function spEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return devEnv(home, { AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_SECRET: sb.servicePrincipal.clientSecret, ...extra });
}

async function chain(version: string | undefined, env: Record<string, string>, keywordArguments: KeywordArguments = {}): Promise<ChainReport> {
  assert.ok(env.AZURE_POD_IDENTITY_AUTHORITY_HOST || env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT, 'scenarios must keep IMDS on loopback');
  return evaluateChain({ env, keywordArguments, azureIdentityVersion: version, versionSource: version ? 'flag' : 'default', brokerInstalled: false });
}

function source(report: ChainReport, credential: CredentialName): ChainReport['sources'][number] {
  const found = report.sources.find((s) => s.credential === credential);
  assert.ok(found, `${credential} is not in the report`);
  return found;
}

function assertToken(report: ChainReport, credential: CredentialName, who: { upn?: string; appId?: string }): void {
  assert.equal(report.verdict.outcome, 'token', report.verdict.message);
  assert.equal(report.verdict.credential, credential);
  const decisive = source(report, credential);
  assert.ok(decisive.decisive && decisive.reached);
  if (who.upn) assert.equal(decisive.identity?.upn, who.upn);
  if (who.appId) assert.equal(decisive.identity?.appId, who.appId);
  assert.equal(decisive.identity?.tenantId, sb.tenantId);
  assert.ok(decisive.expiresOn && Date.parse(decisive.expiresOn) > Date.now());
  for (const later of report.sources.slice(report.sources.indexOf(decisive) + 1)) assert.equal(later.reached, false, later.credential);
}

const BOTH = ['1.13.0b2', '1.23.1'] as const;

describe('developer tools', () => {
  for (const version of BOTH) {
    test(`${version}: alice signed in to az → Azure CLI gives her token; pwsh is not reached`, async () => {
      const report = await chain(version, devEnv(aliceHome));
      assertToken(report, 'AzureCliCredential', { upn: sb.users.alice!.upn });
      assert.equal(source(report, 'AzurePowerShellCredential').status, 'succeeded', 'pwsh would work too');
    });
  }

  test('nothing signed in: every source unavailable, the failure lists them all in order', async () => {
    const report = await chain('1.23.1', devEnv(emptyHome()));
    assert.equal(report.verdict.outcome, 'failure');
    assert.equal(report.verdict.credential, null);
    assert.match(report.verdict.message, /\tAzureCliCredential: Please run 'az login' to set up an account\n\tAzurePowerShellCredential: Please run "Connect-AzAccount" to set up account\n\tAzureDeveloperCliCredential: Please run 'azd auth login'/);
  });

  test('az failing with an unexpected error: 1.13.0b2 stops there, 1.23.1 moves on to pwsh', async () => {
    const env = devEnv(aliceHome, { AZURE_DEV_AUTH_FAKE_AZ_MODE: 'error' });
    const old = await chain('1.13.0b2', env);
    assert.equal(old.verdict.outcome, 'failure');
    assert.equal(old.verdict.credential, 'AzureCliCredential');
    assert.match(old.verdict.message, /AzureCliCredential: ERROR: The command failed with an unexpected error/);
    assert.equal(source(old, 'AzurePowerShellCredential').reached, false);
    assertToken(await chain('1.23.1', env), 'AzurePowerShellCredential', { upn: sb.users.alice!.upn });
  });

  test('az with an AADSTS error and an "az login" hint: canned message in 1.13.0b2, the error itself in 1.23.1', async () => {
    const env = devEnv(aliceHome, { AZURE_DEV_AUTH_FAKE_AZ_MODE: 'aadsts' });
    assert.equal(source(await chain('1.13.0b2', env), 'AzureCliCredential').message, "Please run 'az login' to set up an account");
    const newer = source(await chain('1.23.1', env), 'AzureCliCredential');
    assert.equal(newer.status, 'unavailable');
    assert.match(newer.message, /AADSTS70043/);
  });

  test('a hung az is cut at process_timeout and the chain goes on', async () => {
    // The same limit applies to Azure PowerShell, which must then answer: 2 s leaves it time to start on a busy machine.
    const started = Date.now();
    const report = await chain('1.23.1', devEnv(aliceHome, { AZURE_DEV_AUTH_FAKE_AZ_MODE: 'hang' }), { processTimeoutSeconds: 2 });
    assert.equal(source(report, 'AzureCliCredential').message, 'Failed to invoke the Azure CLI');
    assertToken(report, 'AzurePowerShellCredential', { upn: sb.users.alice!.upn });
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
  });

  test('three tools taking 1 s each are checked in parallel', async () => {
    const env = devEnv(noAzHome, { AZURE_DEV_AUTH_FAKE_DELAY_MS: '1000', AZURE_DEV_AUTH_FAKE_AZ_MODE: 'not-logged-in', AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'not-logged-in' });
    const started = Date.now();
    const report = await chain('1.23.1', env);
    const elapsed = Date.now() - started;
    assertToken(report, 'AzureDeveloperCliCredential', { upn: sb.users.alice!.upn });
    assert.ok(elapsed < 2600, `the three tools ran one after another (${elapsed} ms)`);
    for (const tool of ['AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'] as const) {
      assert.ok(source(report, tool).elapsedMs >= 900, `${tool} took ${source(report, tool).elapsedMs} ms`);
    }
  });

  test('exclude_cli_credential and process_timeout as keyword arguments', async () => {
    const report = await chain('1.23.1', devEnv(aliceHome), { exclude: { AzureCliCredential: true } });
    assert.equal(source(report, 'AzureCliCredential').status, 'excluded');
    assertToken(report, 'AzurePowerShellCredential', { upn: sb.users.alice!.upn });
  });
});

describe('service principal in the environment', () => {
  for (const version of BOTH) {
    test(`${version}: client secret → EnvironmentCredential's token, az not reached`, async () => {
      const report = await chain(version, spEnv(aliceHome));
      assertToken(report, 'EnvironmentCredential', { appId: sb.servicePrincipal.clientId });
      assert.equal(source(report, 'AzureCliCredential').reached, false);
    });
  }

  test('a wrong secret stops the chain at EnvironmentCredential with the AADSTS error', async () => {
    const report = await chain('1.23.1', spEnv(aliceHome, { AZURE_CLIENT_SECRET: 'wrong' }));
    assert.equal(report.verdict.outcome, 'failure');
    assert.equal(report.verdict.credential, 'EnvironmentCredential');
    assert.match(source(report, 'EnvironmentCredential').message, /^Authentication failed: AADSTS7000215: Invalid client secret provided/);
    assert.equal(source(report, 'AzureCliCredential').reached, false);
  });

  test('an empty secret makes DefaultAzureCredential() raise', async () => {
    const report = await chain('1.13.0b2', spEnv(aliceHome, { AZURE_CLIENT_SECRET: '' }));
    assert.equal(report.verdict.outcome, 'constructor-error');
    assert.equal(report.verdict.credential, 'EnvironmentCredential');
    assert.equal(report.verdict.message, "ValueError: secret should be an Azure Active Directory application's client secret");
    assert.ok(report.sources.every((s) => !s.reached));
  });

  test('certificate → token for the service principal', async () => {
    const env = devEnv(emptyHome(), { AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_CERTIFICATE_PATH: sb.servicePrincipal.certificatePath });
    assertToken(await chain('1.23.1', env), 'EnvironmentCredential', { appId: sb.servicePrincipal.clientId });
  });

  test('username and password: MSAL asks the user realm on the authority host without its port, so the sandbox port fails', async () => {
    // The real library does the same (MSAL formats https://<hostname>/common/userrealm/…): the chain stops here.
    const env = devEnv(aliceHome, {
      AZURE_CLIENT_ID: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', AZURE_USERNAME: sb.users.alice!.upn, AZURE_PASSWORD: sb.users.alice!.password,
    });
    const report = await chain('1.23.1', env);
    assert.equal(report.verdict.credential, 'EnvironmentCredential');
    assert.match(source(report, 'EnvironmentCredential').message, /^Authentication failed: <urllib3\.connection\.HTTPSConnection object at 0x…>: Failed to establish a new connection: \[Errno 111\] Connection refused$/);
    assert.equal(source(report, 'AzureCliCredential').reached, false);
  });

  test('AZURE_TOKEN_CREDENTIALS=dev: 1.23.1 skips the service principal, 1.13.0b2 ignores the variable', async () => {
    const env = spEnv(aliceHome, { AZURE_TOKEN_CREDENTIALS: 'dev' });
    assertToken(await chain('1.23.1', env), 'AzureCliCredential', { upn: sb.users.alice!.upn });
    assertToken(await chain('1.13.0b2', env), 'EnvironmentCredential', { appId: sb.servicePrincipal.clientId });
    const invalid = await chain('1.23.1', spEnv(aliceHome, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }));
    assert.equal(invalid.verdict.outcome, 'constructor-error');
    const newest = await chain(undefined, spEnv(aliceHome, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }));
    assertToken(newest, 'AzureCliCredential', { upn: sb.users.alice!.upn });
  });
});

describe('managed identity and workload identity', () => {
  const systemAssigned = (): string => Object.values(sb.managedIdentities).find((m) => m.kind === 'systemAssigned')!.clientId;

  for (const version of BOTH) {
    test(`${version}: App Service endpoint → the system-assigned identity's token`, async () => {
      const env = { ...devEnv(aliceHome), ...sb.managedIdentityEnv('appservice') };
      assertToken(await chain(version, env), 'ManagedIdentityCredential', { appId: systemAssigned() });
    });
    test(`${version}: IMDS (through AZURE_POD_IDENTITY_AUTHORITY_HOST) → token`, async () => {
      const env = { ...devEnv(aliceHome), ...sb.managedIdentityEnv('imds') };
      assertToken(await chain(version, env), 'ManagedIdentityCredential', { appId: systemAssigned() });
    });
  }

  test('IMDS without an identity: unavailable, each version with its own words', async () => {
    assert.equal(source(await chain('1.13.0b2', devEnv(aliceHome)), 'ManagedIdentityCredential').message,
      'ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.');
    assert.equal(source(await chain('1.23.1', devEnv(aliceHome)), 'ManagedIdentityCredential').message,
      'ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint. invalid_request');
  });

  test('App Service endpoint that refuses connections stops the chain (1.13.0b2)', async () => {
    const env = { ...devEnv(aliceHome), IDENTITY_ENDPOINT: 'http://127.0.0.1:9/msi/token', IDENTITY_HEADER: 'h' };
    const report = await chain('1.13.0b2', env);
    assert.equal(report.verdict.credential, 'ManagedIdentityCredential');
    assert.match(source(report, 'ManagedIdentityCredential').message, /Connection refused/);
  });

  async function federatedTokenFile(): Promise<string> {
    const { token } = await sb.control.federatedToken('system:serviceaccount:default:workload');
    const file = join(scratch, `federated-${homes++}`);
    writeFileSync(file, token);
    return file;
  }

  test('workload identity: WorkloadIdentityCredential in 1.23.1, ManagedIdentityCredential\'s token exchange in 1.13.0b2', async () => {
    const env = devEnv(aliceHome, {
      AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_FEDERATED_TOKEN_FILE: await federatedTokenFile(),
    });
    assertToken(await chain('1.23.1', env), 'WorkloadIdentityCredential', { appId: sb.servicePrincipal.clientId });
    assertToken(await chain('1.13.0b2', env), 'ManagedIdentityCredential', { appId: sb.servicePrincipal.clientId });
    const noClient = { ...env };
    delete noClient.AZURE_CLIENT_ID;
    const raised = await chain('1.23.1', noClient);
    assert.equal(raised.verdict.outcome, 'constructor-error');
    assert.equal(raised.verdict.credential, 'WorkloadIdentityCredential');
    const newest = await chain(undefined, noClient);
    assert.equal(source(newest, 'WorkloadIdentityCredential').status, 'unavailable');
  });
});

describe('shared token cache', () => {
  /** ~/.IdentityService/<file> holding alice's account and a family refresh token issued by the sandbox. */
  async function cacheHome(file: string): Promise<string> {
    const alice = sb.users.alice!;
    const res = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/token`, {
      form: { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: alice.upn, password: alice.password, scope: 'https://management.azure.com/.default openid profile offline_access' },
    });
    const body = res.json as { refresh_token?: string };
    assert.ok(body.refresh_token, res.text.slice(0, 200));
    const environment = new URL(sb.authorityHost).host;
    const homeAccountId = `${alice.objectId}.${sb.tenantId}`;
    const home = emptyHome();
    mkdirSync(join(home, '.IdentityService'));
    writeFileSync(join(home, '.IdentityService', file), JSON.stringify({
      Account: { a: { home_account_id: homeAccountId, environment, realm: sb.tenantId, local_account_id: alice.objectId, username: alice.upn, authority_type: 'MSSTS' } },
      RefreshToken: { r: { home_account_id: homeAccountId, environment, client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', credential_type: 'RefreshToken', secret: body.refresh_token, family_id: '1' } },
    }));
    return home;
  }

  test('each version reads its own cache file and redeems the refresh token', async () => {
    const oldHome = await cacheHome('msal.cache');
    assertToken(await chain('1.13.0b2', devEnv(oldHome)), 'SharedTokenCacheCredential', { upn: sb.users.alice!.upn });
    assert.equal(source(await chain('1.23.1', devEnv(oldHome)), 'SharedTokenCacheCredential').status, 'unavailable');
    const newHome = await cacheHome('msal.cache.nocae');
    assertToken(await chain('1.23.1', devEnv(newHome)), 'SharedTokenCacheCredential', { upn: sb.users.alice!.upn });
  });

  test('an expired refresh token stops the chain up to 1.24 and is only "unavailable" from 1.25', async () => {
    const home = await cacheHome('msal.cache.nocae');
    sb.control.expireRefreshTokens('alice');
    const report = await chain('1.23.1', devEnv(home));
    assert.equal(report.verdict.credential, 'SharedTokenCacheCredential');
    assert.match(source(report, 'SharedTokenCacheCredential').message, /^Microsoft Entra ID error '\(invalid_grant\) AADSTS700082/);
    assert.equal(source(await chain('1.25.0', devEnv(home)), 'SharedTokenCacheCredential').status, 'unavailable');
  });
});

describe('the chain command', () => {
  function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return run(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'chain', ...args], { env, cwd: repoRoot, timeoutMs: 60_000 });
  }

  test('--json prints the report (no token in it) and exits 0 for a token, 1 for a failing chain', async () => {
    const ok = await cli(['--json', '--azure-identity-version', '1.23.1'], devEnv(aliceHome));
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout) as ChainReport;
    assert.equal(report.verdict.credential, 'AzureCliCredential');
    assert.equal(report.versionSource, 'flag');
    assert.doesNotMatch(ok.stdout, /eyJ[\w-]+\.[\w-]+\./, 'a token leaked into the output');
    const failing = await cli(['--azure-identity-version', '1.13.0b2'], devEnv(emptyHome()));
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /The chain fails: no source can provide a token/);
    assert.match(failing.stdout, /DefaultAzureCredential failed to retrieve a token from the included credentials\./);
  });

  test('--dotenv values override the environment', async () => {
    const file = join(scratch, 'sp.env');
    writeFileSync(file, `AZURE_TENANT_ID=${sb.tenantId}\nAZURE_CLIENT_ID=${sb.servicePrincipal.clientId}\nAZURE_CLIENT_SECRET=${sb.servicePrincipal.clientSecret}\n`);
    const result = await cli(['--json', '--dotenv', file], devEnv(aliceHome, { AZURE_CLIENT_ID: 'overridden' }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as ChainReport).verdict.credential, 'EnvironmentCredential');
    assert.ok(!result.stdout.includes(sb.servicePrincipal.clientSecret), 'the secret leaked into the output');
  });
});
