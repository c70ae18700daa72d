// The probes against fake tools and files: the exact argv, working directory and environment azure-identity uses,
// and how each version classifies what the tool printed (unavailable → the chain goes on, failed → it stops).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { after, describe, test } from 'node:test';
import { azureCliProbe, CLI_NOT_FOUND, CLI_NOT_LOGGED_IN } from '../../src/core/chain/sources/azureCli';
import { AZD_NOT_FOUND, AZD_NOT_LOGGED_IN, azureDeveloperCliProbe } from '../../src/core/chain/sources/azureDeveloperCli';
import { azurePowerShellProbe } from '../../src/core/chain/sources/azurePowerShell';
import { brokerProbe } from '../../src/core/chain/sources/broker';
import type { Probe, ProbeContext, ProbeResult } from '../../src/core/chain/sources/common';
import { environmentProbe } from '../../src/core/chain/sources/environment';
import { IMDS_NO_RESPONSE, managedIdentityMode, managedIdentityProbe, MI_NO_ENDPOINT } from '../../src/core/chain/sources/managedIdentity';
import { browserPythonWouldOpen, interactiveBrowserProbe } from '../../src/core/chain/sources/interactiveBrowser';
import { MULTIPLE_ACCOUNTS, NO_ACCOUNTS, sharedTokenCacheProbe } from '../../src/core/chain/sources/sharedTokenCache';
import { visualStudioCodeProbe } from '../../src/core/chain/sources/visualStudioCode';
import { workloadIdentityProbe } from '../../src/core/chain/sources/workloadIdentity';
import type { CredentialName } from '../../src/core/chain/types';
import { familyFor } from '../../src/core/chain/versions';

/** Python runs the tools in /bin, which is /usr/bin on merged-/usr systems (the shell's pwd shows that). */
const BIN_CWD = `cwd=${realpathSync('/bin')}`;
const scratch = mkdtempSync(join(tmpdir(), 'chain-probes-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function dir(name: string): string {
  const path = join(scratch, `${name}-${counter++}`);
  mkdirSync(path, { recursive: true });
  return path;
}

/** An unsigned JWT with the given claims: enough for reading who a token is for. */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2ln`;
}
const ALICE_TOKEN = jwt({ upn: 'alice@contoso.example', oid: 'oid-alice', tid: 'tenant-1', scp: 'user_impersonation' });

/**
 * A fake tool: records argv (one per line), cwd and two env vars to $FAKE_RECORD, then prints $FAKE_STDOUT and
 * $FAKE_STDERR, sleeps $FAKE_SLEEP seconds and exits with $FAKE_RC.
 */
function fakeTool(bin: string, name: string): void {
  const script = `#!/bin/sh
if [ -n "$FAKE_RECORD" ]; then
  : > "$FAKE_RECORD"
  for a in "$@"; do printf '%s\\n' "$a" >> "$FAKE_RECORD"; done
  printf 'cwd=%s\\n' "$(pwd)" >> "$FAKE_RECORD"
  printf 'AZURE_CORE_NO_COLOR=%s\\n' "$AZURE_CORE_NO_COLOR" >> "$FAKE_RECORD"
  printf 'NO_COLOR=%s\\n' "$NO_COLOR" >> "$FAKE_RECORD"
fi
[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"
printf '%s' "$FAKE_STDOUT"
printf '%s' "$FAKE_STDERR" >&2
exit \${FAKE_RC:-0}
`;
  const path = join(bin, name);
  writeFileSync(path, script);
  chmodSync(path, 0o755);
}

function context(version: string, env: Record<string, string>, extra: Partial<ProbeContext> = {}): ProbeContext {
  return {
    env, behaviour: familyFor(version), isExcluded: () => false, processTimeoutSeconds: 10, brokerInstalled: false,
    signal: undefined, authority: 'https://login.microsoftonline.com', defaultAuthority: 'https://login.microsoftonline.com',
    managedIdentityClientId: env.AZURE_CLIENT_ID ?? '', workloadIdentityClientId: env.AZURE_CLIENT_ID ?? '', workloadIdentityTenantId: env.AZURE_TENANT_ID ?? '',
    sharedCacheUsername: env.AZURE_USERNAME ?? '', sharedCacheTenantId: env.AZURE_TENANT_ID ?? '', interactiveBrowserTenantId: env.AZURE_TENANT_ID ?? '', platform: 'linux', wsl: false, allowedHosts: [], rememberSecret: () => undefined, ...extra,
  };
}

interface ToolSetup { stdout?: string; stderr?: string; rc?: number; sleep?: number }
function toolEnv(tools: string[], setup: ToolSetup, record?: string): Record<string, string> {
  const bin = dir('bin');
  for (const t of tools) fakeTool(bin, t);
  const home = dir('home');
  return {
    PATH: `${bin}:/usr/bin:/bin`, HOME: home,
    FAKE_STDOUT: setup.stdout ?? '', FAKE_STDERR: setup.stderr ?? '', FAKE_RC: String(setup.rc ?? 0),
    ...(setup.sleep ? { FAKE_SLEEP: String(setup.sleep) } : {}), ...(record ? { FAKE_RECORD: record } : {}),
  };
}

async function run(probe: Probe, version: string, env: Record<string, string>, extra: Partial<ProbeContext> = {}): Promise<ProbeResult> {
  return probe.run(context(version, env, extra));
}

function expectMessage(result: ProbeResult, kind: ProbeResult['kind'], message: string | RegExp): void {
  assert.equal(result.kind, kind, JSON.stringify(result));
  const text = 'message' in result ? result.message : result.kind === 'constructor-error' ? result.error.message : '';
  if (typeof message === 'string') assert.equal(text, message);
  else assert.match(text, message);
}

describe('AzureCliCredential', () => {
  test('not on PATH: "Azure CLI not found on path", unavailable, in every version', async () => {
    for (const v of ['1.13.0b2', '1.23.1']) {
      expectMessage(await run(azureCliProbe, v, { PATH: dir('empty'), HOME: dir('home') }), 'unavailable', CLI_NOT_FOUND);
    }
  });

  test('runs `az account get-access-token` for the management resource from /bin with AZURE_CORE_NO_COLOR', async () => {
    const record = join(dir('rec'), 'argv');
    const stdout = JSON.stringify({ accessToken: ALICE_TOKEN, expiresOn: '2030-01-02 03:04:05.000000', expires_on: 1893553445 });
    const result = await run(azureCliProbe, '1.23.1', toolEnv(['az'], { stdout }, record));
    assert.equal(result.kind, 'token');
    assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'), [
      'account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com',
      BIN_CWD, 'AZURE_CORE_NO_COLOR=true', 'NO_COLOR=',
    ]);
  });

  test('expiry: 1.23 reads expires_on, ≤1.13 betas read expiresOn as local time', async () => {
    const stdout = JSON.stringify({ accessToken: ALICE_TOKEN, expiresOn: '2030-01-02 03:04:05.000000', expires_on: 1900000000 });
    const newer = await run(azureCliProbe, '1.23.1', toolEnv(['az'], { stdout }));
    const older = await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { stdout }));
    assert.ok(newer.kind === 'token' && older.kind === 'token');
    assert.equal(newer.facts.expiresOn, 1900000000);
    assert.equal(older.facts.expiresOn, Math.floor(new Date(2030, 0, 2, 3, 4, 5).getTime() / 1000));
    assert.deepEqual(newer.facts.identity, { upn: 'alice@contoso.example', objectId: 'oid-alice', tenantId: 'tenant-1' });
  });

  test('"az login" in stderr: the canned message, unless 1.23 sees an AADSTS error in it', async () => {
    const notLoggedIn = toolEnv(['az'], { rc: 1, stderr: "ERROR: Please run 'az login' to setup account.\n" });
    expectMessage(await run(azureCliProbe, '1.13.0b2', notLoggedIn), 'unavailable', CLI_NOT_LOGGED_IN);
    expectMessage(await run(azureCliProbe, '1.23.1', notLoggedIn), 'unavailable', CLI_NOT_LOGGED_IN);
    const aadsts = "ERROR: AADSTS70043: The refresh token has expired. Please run 'az login' to setup account.\n";
    expectMessage(await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { rc: 1, stderr: aadsts })), 'unavailable', CLI_NOT_LOGGED_IN);
    expectMessage(await run(azureCliProbe, '1.23.1', toolEnv(['az'], { rc: 1, stderr: aadsts })), 'unavailable', aadsts);
  });

  test('any other error: stops the chain up to the 1.13 betas, unavailable inside DAC later', async () => {
    const env = (): Record<string, string> => toolEnv(['az'], { rc: 1, stderr: 'ERROR: The command failed with an unexpected error.\n' });
    expectMessage(await run(azureCliProbe, '1.13.0b2', env()), 'failed', 'ERROR: The command failed with an unexpected error.\n');
    expectMessage(await run(azureCliProbe, '1.23.1', env()), 'unavailable', 'ERROR: The command failed with an unexpected error.\n');
    expectMessage(await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { rc: 2 })), 'failed', 'Failed to invoke Azure CLI');
    expectMessage(await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { rc: 127 })), 'unavailable', CLI_NOT_FOUND);
  });

  test('unparsable output: "Unexpected output from Azure CLI" (hard before 1.13.0, soft after)', async () => {
    const message = "Unexpected output from Azure CLI: 'not json'. \nTo mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/azclicredential/troubleshoot.";
    expectMessage(await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { stdout: 'not json' })), 'failed', message);
    expectMessage(await run(azureCliProbe, '1.25.0', toolEnv(['az'], { stdout: 'not json' })), 'unavailable', message);
  });

  test('the token never appears in a message, even in unexpected output', async () => {
    const stdout = `{"accessToken": "${ALICE_TOKEN}", "expiresOn": "bad date"}`;
    const result = await run(azureCliProbe, '1.13.0b2', toolEnv(['az'], { stdout }));
    assert.equal(result.kind, 'failed');
    assert.ok(result.kind === 'failed' && !result.message.includes(ALICE_TOKEN.split('.')[1]!), result.kind === 'failed' ? result.message : '');
  });

  test('process_timeout ends a hung az: "Failed to invoke the Azure CLI", unavailable', async () => {
    const started = Date.now();
    const result = await run(azureCliProbe, '1.23.1', toolEnv(['az'], { sleep: 30 }), { processTimeoutSeconds: 0.5 });
    expectMessage(result, 'unavailable', 'Failed to invoke the Azure CLI');
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});

describe('AzureDeveloperCliCredential', () => {
  test('argv: `azd auth token --output json --scope …` with NO_COLOR; 1.25 adds --no-prompt', async () => {
    const stdout = JSON.stringify({ token: ALICE_TOKEN, expiresOn: '2030-01-02T03:04:05Z' });
    const record = join(dir('rec'), 'argv');
    assert.equal((await run(azureDeveloperCliProbe, '1.23.1', toolEnv(['azd'], { stdout }, record))).kind, 'token');
    assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'), [
      'auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com/.default', BIN_CWD, 'AZURE_CORE_NO_COLOR=', 'NO_COLOR=true',
    ]);
    await run(azureDeveloperCliProbe, '1.25.0', toolEnv(['azd'], { stdout }, record));
    assert.ok(readFileSync(record, 'utf8').split('\n').includes('--no-prompt'));
  });

  test('1.26 reads the error text out of azd\'s JSON error lines; older versions show stderr as it is', async () => {
    const stderr = '{"type":"consoleMessage","timestamp":"2026-05-01T10:00:00Z","data":{"message":""}}\n'
      + '{"error":"fetching token: AADSTS70043: The refresh token has expired","suggestion":"run `azd auth login`"}\n';
    const env = toolEnv(['azd'], { stderr, rc: 1 });
    expectMessage(await run(azureDeveloperCliProbe, '1.26.0b3', env), 'unavailable', 'fetching token: AADSTS70043: The refresh token has expired');
    expectMessage(await run(azureDeveloperCliProbe, '1.25.3', env), 'unavailable', stderr);
    // Before azd 1.23.7 the whole "ERROR: …" text came as a consoleMessage.
    const legacy = toolEnv(['azd'], { stderr: '{"type":"consoleMessage","data":{"message":"ERROR: fetching token: boom\\n"}}\n', rc: 1 });
    expectMessage(await run(azureDeveloperCliProbe, '1.26.0b3', legacy), 'unavailable', 'ERROR: fetching token: boom');
  });

  test('classification: not installed, not logged in, AADSTS, other errors', async () => {
    expectMessage(await run(azureDeveloperCliProbe, '1.23.1', { PATH: dir('empty') }), 'unavailable', AZD_NOT_FOUND);
    const marker = '\nERROR: not logged in, run `azd auth login` to login\n';
    expectMessage(await run(azureDeveloperCliProbe, '1.23.1', toolEnv(['azd'], { rc: 1, stderr: marker })), 'unavailable', AZD_NOT_LOGGED_IN);
    const aadsts = 'ERROR: AADSTS70043: expired. not logged in, run `azd auth login` to login\n';
    expectMessage(await run(azureDeveloperCliProbe, '1.23.1', toolEnv(['azd'], { rc: 1, stderr: aadsts })), 'unavailable', aadsts);
    expectMessage(await run(azureDeveloperCliProbe, '1.20.0', toolEnv(['azd'], { rc: 1, stderr: 'boom' })), 'unavailable', 'boom');
  });
});

describe('AzurePowerShellCredential', () => {
  test('argv: -NonInteractive only up to the 1.13 betas, -NoProfile from 1.13; the script asks for the management resource', async () => {
    const stdout = `\nazsdk%${ALICE_TOKEN}%1900000000\n`;
    for (const [version, flags] of [['1.13.0b2', ['-NonInteractive']], ['1.23.1', ['-NoProfile', '-NonInteractive']]] as const) {
      const record = join(dir('rec'), 'argv');
      const result = await run(azurePowerShellProbe, version, toolEnv(['pwsh'], { stdout }, record));
      assert.ok(result.kind === 'token' && result.facts.expiresOn === 1900000000);
      const lines = readFileSync(record, 'utf8').trim().split('\n');
      assert.deepEqual(lines.slice(0, flags.length + 1), [...flags, '-EncodedCommand']);
      const script = Buffer.from(lines[flags.length + 1]!, 'base64').toString('utf16le');
      assert.match(script, version === '1.13.0b2'
        ? /\$token = Get-AzAccessToken -ResourceUrl 'https:\/\/management\.azure\.com'\n/
        : /\$params = @\{ 'ResourceUrl' = 'https:\/\/management\.azure\.com'; 'WarningAction' = 'Ignore' \}/);
      assert.match(script, /azsdk%/);
      assert.equal(lines[flags.length + 2], BIN_CWD);
    }
  });

  test('classification of PowerShell outcomes', async () => {
    const cases: Array<[ToolSetup, string, ProbeResult['kind'], string]> = [
      [{ stdout: 'NO_AZ_ACCOUNT_MODULE\n' }, '1.13.0b2', 'unavailable', 'Az.Account module >= 2.2.0 is not installed'],
      [{ rc: 1, stderr: 'Get-AzAccessToken: Run Connect-AzAccount to login.\n' }, '1.13.0b2', 'unavailable', 'Please run "Connect-AzAccount" to set up account'],
      [{ rc: 1, stderr: 'AuthorizationManager check failed.\n' }, '1.23.1', 'unavailable', 'Execution policy prevented invoking Azure PowerShell'],
      [{ rc: 1, stderr: 'anything else' }, '1.13.0b2', 'unavailable', 'Failed to invoke PowerShell'],
      [{ rc: 1, stderr: 'anything else' }, '1.23.1', 'unavailable', 'Failed to invoke PowerShell. Enable debug logging for additional information.'],
      [{ rc: 127 }, '1.23.1', 'unavailable', 'PowerShell is not installed'],
      [{ stdout: 'WARNING: no token\n' }, '1.13.0b2', 'failed', 'Unexpected output from Get-AzAccessToken: "WARNING: no token\n"'],
      [{ stdout: 'WARNING: no token\n' }, '1.23.1', 'unavailable', 'Unexpected output from Get-AzAccessToken: "WARNING: no token\n"'],
      [{ stdout: 'azsdk%abc\n' }, '1.23.1', 'failed', 'not enough values to unpack (expected 3, got 2)'],
    ];
    for (const [setup, version, kind, message] of cases) expectMessage(await run(azurePowerShellProbe, version, toolEnv(['pwsh'], setup)), kind, message);
    expectMessage(await run(azurePowerShellProbe, '1.23.1', { PATH: dir('empty') }), 'unavailable', 'PowerShell is not installed');
  });
});

describe('EnvironmentCredential', () => {
  test('no complete set of variables: unavailable, with the version\'s text (typo and all)', async () => {
    expectMessage(await run(environmentProbe, '1.13.0b2', { AZURE_CLIENT_ID: 'x' }), 'unavailable', /to troubleshoot\.this issue\.$/);
    expectMessage(await run(environmentProbe, '1.23.1', {}), 'unavailable', /to troubleshoot this issue\.$/);
  });

  test('an empty value counts as set, and the credential\'s constructor then raises', async () => {
    const result = await run(environmentProbe, '1.13.0b2', { AZURE_CLIENT_ID: 'app', AZURE_TENANT_ID: 'tenant', AZURE_CLIENT_SECRET: '' });
    expectMessage(result, 'constructor-error', "secret should be an Azure Active Directory application's client secret");
    assert.ok(result.kind === 'constructor-error' && result.error.exceptionType === 'ValueError' && result.error.credential === 'EnvironmentCredential');
    expectMessage(await run(environmentProbe, '1.23.1', { AZURE_CLIENT_ID: '', AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's' }), 'constructor-error', 'client_id should be the id of a Microsoft Entra application');
    expectMessage(await run(environmentProbe, '1.23.1', { AZURE_CLIENT_ID: 'a', AZURE_TENANT_ID: 'bad tenant!', AZURE_CLIENT_SECRET: 's' }), 'constructor-error', /^Invalid tenant ID provided/);
  });

  test('certificate: a missing file is FileNotFoundError, an empty path a ValueError', async () => {
    const missing = join(scratch, 'nope.pem');
    const result = await run(environmentProbe, '1.13.0b2', { AZURE_CLIENT_ID: 'a', AZURE_TENANT_ID: 't', AZURE_CLIENT_CERTIFICATE_PATH: missing });
    expectMessage(result, 'constructor-error', `[Errno 2] No such file or directory: '${missing}'`);
    assert.ok(result.kind === 'constructor-error' && result.error.exceptionType === 'FileNotFoundError');
    expectMessage(await run(environmentProbe, '1.23.1', { AZURE_CLIENT_ID: 'a', AZURE_TENANT_ID: 't', AZURE_CLIENT_CERTIFICATE_PATH: '' }),
      'constructor-error', 'CertificateCredential requires a value for either "certificate_path" or "certificate_data"');
    const garbage = join(dir('cert'), 'cert.pfx');
    writeFileSync(garbage, 'not a certificate');
    expectMessage(await run(environmentProbe, '1.23.1', { AZURE_CLIENT_ID: 'a', AZURE_TENANT_ID: 't', AZURE_CLIENT_CERTIFICATE_PATH: garbage }),
      'constructor-error', 'Failed to deserialize certificate in PEM or PKCS12 format');
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** An IMDS on loopback that answers every request with `status` and `body`. */
async function imdsAnswering(status: number, body: unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('ManagedIdentityCredential', () => {
  test('IMDS without an identity: the error code up to 1.25.0, "Token request error: (code) description" from 1.25.1', async () => {
    const imds = await imdsAnswering(400, { error: 'invalid_request', error_description: 'Identity not found' });
    try {
      const env = { AZURE_POD_IDENTITY_AUTHORITY_HOST: imds.url };
      expectMessage(await run(managedIdentityProbe, '1.23.1', env), 'unavailable', `${IMDS_NO_RESPONSE} invalid_request`);
      expectMessage(await run(managedIdentityProbe, '1.25.3', env), 'unavailable', `${IMDS_NO_RESPONSE} Token request error: (invalid_request) Identity not found`);
      // 1.13.0b2's own client: a 400 means no identity is assigned.
      expectMessage(await run(managedIdentityProbe, '1.13.0b2', env), 'unavailable', 'ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.');
    } finally {
      await imds.close();
    }
  });

  test('Service Fabric through msal 1.38+: refused before any request (azure-identity\'s HTTP client is not a requests session)', async () => {
    const env = { IDENTITY_ENDPOINT: `https://127.0.0.1:${await closedPort()}/sf`, IDENTITY_HEADER: 'h', IDENTITY_SERVER_THUMBPRINT: 'a'.repeat(40) };
    const refused = 'Service Fabric managed identity configuration not found in environment. Service Fabric managed identity requires a requests.Session with an HTTPAdapter or subclass.';
    expectMessage(await run(managedIdentityProbe, '1.26.0b3', env, { msalVersion: '1.39.0' }), 'failed', refused);
    // An unknown msal is the newest one pip installs; an older msal sends the request (here: refused connection).
    expectMessage(await run(managedIdentityProbe, '1.23.1', env), 'failed', refused);
    expectMessage(await run(managedIdentityProbe, '1.23.1', env, { msalVersion: '1.32.3' }), 'failed', /Connection refused/);
  });

  test('the hosting environment is chosen from the variables in the constructor\'s order', () => {
    const b = familyFor('1.23.1');
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'imds'],
      [{ AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:1' }, 'imds'],
      [{ IDENTITY_ENDPOINT: 'http://x', IDENTITY_HEADER: 'h' }, 'app-service'],
      [{ IDENTITY_ENDPOINT: 'http://x', IDENTITY_HEADER: 'h', IDENTITY_SERVER_THUMBPRINT: 't' }, 'service-fabric'],
      [{ IDENTITY_ENDPOINT: 'http://x', IMDS_ENDPOINT: 'http://y' }, 'azure-arc'],
      [{ IDENTITY_ENDPOINT: 'http://x' }, 'none'],
      [{ MSI_ENDPOINT: 'http://x', MSI_SECRET: 's' }, 'azure-ml'],
      [{ MSI_ENDPOINT: 'http://x' }, 'cloud-shell'],
      [{ AZURE_AUTHORITY_HOST: 'https://a', AZURE_TENANT_ID: 't', AZURE_FEDERATED_TOKEN_FILE: '/f' }, 'token-exchange'],
      [{ AZURE_AUTHORITY_HOST: 'https://a', AZURE_TENANT_ID: '', AZURE_FEDERATED_TOKEN_FILE: '/f' }, 'imds'],
    ];
    for (const [env, mode] of cases) assert.equal(managedIdentityMode(env, b, false), mode, JSON.stringify(env));
    // With workload identity excluded, 1.13+ do not exchange the federated token in ManagedIdentityCredential either.
    const wi = { AZURE_AUTHORITY_HOST: 'https://a', AZURE_TENANT_ID: 't', AZURE_FEDERATED_TOKEN_FILE: '/f' };
    assert.equal(managedIdentityMode(wi, b, true), 'imds');
    assert.equal(managedIdentityMode(wi, familyFor('1.13.0b2'), true), 'token-exchange');
  });

  test('IDENTITY_ENDPOINT without a header: no endpoint found', async () => {
    expectMessage(await run(managedIdentityProbe, '1.13.0b2', { IDENTITY_ENDPOINT: 'http://127.0.0.1:9' }), 'unavailable', MI_NO_ENDPOINT);
  });

  test('token exchange without a client id makes the constructor raise', async () => {
    const env = { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9', AZURE_TENANT_ID: 't', AZURE_FEDERATED_TOKEN_FILE: '/nonexistent' };
    expectMessage(await run(managedIdentityProbe, '1.13.0b2', env), 'constructor-error', 'Configure the environment with a client ID or pass a value for "client_id" argument');
    expectMessage(await run(managedIdentityProbe, '1.25.0', env, { isExcluded: (c: CredentialName) => c !== 'WorkloadIdentityCredential' }), 'constructor-error', /^Workload identity was selected but no client ID was provided/);
  });

  test('Azure Arc refuses a user-assigned identity, which DefaultAzureCredential asks for when AZURE_CLIENT_ID is set', async () => {
    expectMessage(await run(managedIdentityProbe, '1.23.1', { IDENTITY_ENDPOINT: 'http://127.0.0.1:9', IMDS_ENDPOINT: 'http://127.0.0.1:9', AZURE_CLIENT_ID: 'c' }),
      'failed', /^User assigned managed identities are not supported by Azure Arc/);
  });
});

describe('WorkloadIdentityCredential', () => {
  const configured = { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9', AZURE_TENANT_ID: 'tenant', AZURE_FEDERATED_TOKEN_FILE: '/nonexistent/token' };
  test('not a source before 1.13.0; in 1.13–1.23 only when its three variables are set', async () => {
    assert.equal((await run(workloadIdentityProbe, '1.13.0b2', configured)).kind, 'not-in-chain');
    assert.equal((await run(workloadIdentityProbe, '1.23.1', {})).kind, 'not-in-chain');
  });
  test('a missing client id: the constructor raises in 1.23, "unavailable" (FailedDACCredential) from 1.24', async () => {
    expectMessage(await run(workloadIdentityProbe, '1.23.1', configured), 'constructor-error', "'client_id' is required. Please pass it in or set the AZURE_CLIENT_ID environment variable");
    // From 1.24 one sentence names everything that is missing.
    const unconfigured = 'WorkloadIdentityCredential authentication unavailable. The workload options are not fully configured. '
      + 'See the troubleshooting guide for more information: https://aka.ms/azsdk/python/identity/workloadidentitycredential/troubleshoot. ';
    expectMessage(await run(workloadIdentityProbe, '1.24.0', configured), 'unavailable', `${unconfigured}Missing required arguments: 'client_id'.`);
    expectMessage(await run(workloadIdentityProbe, '1.26.0b3', {}), 'unavailable', `${unconfigured}Missing required arguments: 'tenant_id', 'client_id', 'token_file_path'.`);
  });
  test('an unreadable token file stops the chain with Python\'s FileNotFoundError text', async () => {
    expectMessage(await run(workloadIdentityProbe, '1.23.1', { ...configured, AZURE_CLIENT_ID: 'c' }), 'failed', "[Errno 2] No such file or directory: '/nonexistent/token'");
  });
});

describe('SharedTokenCacheCredential', () => {
  const authority = 'https://login.microsoftonline.com';
  function cacheHome(file: string, cache: unknown): string {
    const home = dir('home');
    mkdirSync(join(home, '.IdentityService'), { recursive: true });
    writeFileSync(join(home, '.IdentityService', file), JSON.stringify(cache));
    return home;
  }
  function account(n: string, tenant = 'tenant-1'): Record<string, Record<string, unknown>> {
    const home = `${n}.${tenant}`;
    return {
      [`acct-${n}`]: { home_account_id: home, environment: 'login.windows.net', realm: tenant, username: `${n}@contoso.example`, authority_type: 'MSSTS' },
    };
  }
  function refresh(n: string, tenant = 'tenant-1'): Record<string, Record<string, unknown>> {
    return { [`rt-${n}`]: { home_account_id: `${n}.${tenant}`, environment: 'login.windows.net', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', credential_type: 'RefreshToken', secret: `rt-secret-${n}`, family_id: '1' } };
  }

  test('no cache file: no accounts', async () => {
    expectMessage(await run(sharedTokenCacheProbe, '1.23.1', { HOME: dir('home') }), 'unavailable', NO_ACCOUNTS);
  });

  test('two accounts and no AZURE_USERNAME/AZURE_TENANT_ID: ask to disambiguate', async () => {
    const home = cacheHome('msal.cache.nocae', { Account: { ...account('alice'), ...account('bob') }, RefreshToken: { ...refresh('alice'), ...refresh('bob') } });
    expectMessage(await run(sharedTokenCacheProbe, '1.23.1', { HOME: home }), 'unavailable', MULTIPLE_ACCOUNTS);
    expectMessage(await run(sharedTokenCacheProbe, '1.23.1', { HOME: home, AZURE_USERNAME: 'carol@contoso.example' }), 'unavailable',
      'SharedTokenCacheCredential authentication unavailable. No account\nmatching the specified username: carol@contoso.example was found in the cache.');
  });

  test('a valid cached access token is used offline; the cache file name depends on the version', async () => {
    const at = { 'at-1': { home_account_id: 'alice.tenant-1', environment: 'login.windows.net', credential_type: 'AccessToken', secret: ALICE_TOKEN, target: 'https://management.azure.com/.default', expires_on: String(Math.floor(Date.now() / 1000) + 3600) } };
    const cache = { Account: account('alice'), RefreshToken: refresh('alice'), AccessToken: at };
    const home = cacheHome('msal.cache.nocae', cache);
    const result = await run(sharedTokenCacheProbe, '1.23.1', { HOME: home }, { authority });
    assert.ok(result.kind === 'token' && result.facts.identity?.upn === 'alice@contoso.example', JSON.stringify(result));
    // 1.13.0b2 reads ~/.IdentityService/msal.cache, so a .nocae-only cache is empty for it.
    expectMessage(await run(sharedTokenCacheProbe, '1.13.0b2', { HOME: home }, { authority }), 'unavailable', NO_ACCOUNTS);
  });
});

describe('VisualStudioCodeCredential and BrokerCredential', () => {
  test('up to 1.23: the Azure Account extension\'s token is not found', async () => {
    expectMessage(await run(visualStudioCodeProbe, '1.13.0b2', { HOME: dir('home'), PATH: dir('empty') }), 'unavailable', 'Failed to get Azure user details from Visual Studio Code.');
    expectMessage(await run(visualStudioCodeProbe, '1.23.1', { HOME: dir('home'), PATH: dir('empty') }), 'unavailable', /^Failed to get Azure user details from Visual Studio Code\. Currently, the VisualStudioCodeCredential only works with the Azure Account extension version 0\.9\.11 and earlier/);
    const home = dir('home');
    mkdirSync(join(home, '.config', 'Code', 'User'), { recursive: true });
    writeFileSync(join(home, '.config', 'Code', 'User', 'settings.json'), JSON.stringify({ 'azure.cloud': 'MyCloud' }));
    expectMessage(await run(visualStudioCodeProbe, '1.13.0b2', { HOME: home }), 'unavailable', /^VS Code is configured to use a custom cloud\..*"MyCloud"\nVisit https/s);
  });

  test('from 1.24: needs azure-identity-broker, then the Azure Resources auth record', async () => {
    expectMessage(await run(visualStudioCodeProbe, '1.25.0', { HOME: dir('home') }), 'unavailable', /^VisualStudioCodeCredential requires the 'azure-identity-broker' package/);
    expectMessage(await run(visualStudioCodeProbe, '1.25.0', { HOME: dir('home') }, { brokerInstalled: true }), 'unavailable', /requires the user to be signed in to Azure via Visual Studio Code/);
    const home = dir('home');
    mkdirSync(join(home, '.azure', 'ms-azuretools.vscode-azureresourcegroups'), { recursive: true });
    writeFileSync(join(home, '.azure', 'ms-azuretools.vscode-azureresourcegroups', 'authRecord.json'), JSON.stringify({ username: 'alice', clientId: 'other' }));
    expectMessage(await run(visualStudioCodeProbe, '1.25.0', { HOME: home }, { brokerInstalled: true }), 'unavailable',
      /^Failed to load authentication record from Visual Studio Code: Authentication record validation failed: tenantId field is missing; clientId must match/);
  });

  test('from 1.24 with an auth record: MSAL reads the record authority\'s OpenID configuration first; its failure is the answer', async () => {
    const home = dir('home');
    mkdirSync(join(home, '.azure', 'ms-azuretools.vscode-azureresourcegroups'), { recursive: true });
    writeFileSync(join(home, '.azure', 'ms-azuretools.vscode-azureresourcegroups', 'authRecord.json'), JSON.stringify({
      username: 'alice@contoso.example', tenantId: 'tenant-1', authority: 'login.microsoftonline.com',
      homeAccountId: 'oid.tenant-1', clientId: 'aebc6443-996d-45c2-90f0-388ff96faa56',
    }));
    // A proxy that refuses connections: discovery fails before the broker runtime is even looked for.
    const env = { HOME: home, HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` };
    expectMessage(await run(visualStudioCodeProbe, '1.26.0b3', env, { brokerInstalled: true, brokerRuntimeInstalled: false }), 'unavailable',
      /^Authentication failed: \('Cannot connect to proxy\.', NewConnectionError\('<urllib3\.connection\.HTTPSConnection object at 0x…>: Failed to establish a new connection: \[Errno 111\] Connection refused'\)\)$/);
  });

  test('the broker needs the package and Windows or WSL', async () => {
    expectMessage(await run(brokerProbe, '1.25.0', {}), 'unavailable', /The 'azure-identity-broker' package is required/);
    expectMessage(await run(brokerProbe, '1.25.0', {}, { brokerInstalled: true }), 'unavailable', /only supported on Windows and WSL platforms/);
  });
});

describe('InteractiveBrowserCredential', () => {
  function binWith(names: string[]): string {
    const bin = dir('bin');
    for (const name of names) fakeTool(bin, name);
    return bin;
  }
  test('which browser Python\'s webbrowser module would start, read from the variables and PATH only', () => {
    const linux = { platform: 'linux' as const, wsl: false };
    const bin = binWith(['xdg-open', 'lynx']);
    assert.equal(browserPythonWouldOpen({ ...linux, env: { PATH: bin, DISPLAY: ':0' } }), 'xdg-open');
    assert.equal(browserPythonWouldOpen({ ...linux, env: { PATH: bin, TERM: 'xterm' } }), 'the text-mode browser lynx');
    assert.equal(browserPythonWouldOpen({ ...linux, env: { PATH: bin } }), undefined);
    assert.equal(browserPythonWouldOpen({ ...linux, env: { PATH: dir('empty'), DISPLAY: ':0', TERM: 'xterm' } }), undefined);
    assert.equal(browserPythonWouldOpen({ ...linux, env: { PATH: dir('empty'), BROWSER: 'my-browser:other' } }), 'the BROWSER command (my-browser)');
    assert.equal(browserPythonWouldOpen({ platform: 'linux', wsl: true, env: { PATH: binWith(['powershell.exe']) } }), 'the Windows browser (through powershell.exe)');
    assert.equal(browserPythonWouldOpen({ platform: 'darwin', wsl: false, env: {} }), 'the default browser');
  });

  test('Entra ID cannot be reached: the failure Python raises before any browser, which ends the chain', async () => {
    const env = { PATH: dir('empty'), HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` };
    for (const version of ['1.13.0b2', '1.23.1', '1.26.0b3']) {
      expectMessage(await run(interactiveBrowserProbe, version, env), 'failed', /^Authentication failed: \('Cannot connect to proxy\.'/);
    }
  });

  test('an invalid tenant makes its constructor raise', async () => {
    expectMessage(await run(interactiveBrowserProbe, '1.26.0b3', { AZURE_TENANT_ID: 'not a tenant' }), 'constructor-error', /^Invalid tenant ID provided/);
  });
});
