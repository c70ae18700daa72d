// Real clients against the sandbox: Debian's azure-identity 1.13.0b2 (python3-azure) with the service-principal
// environment, with the fake az and pwsh, and with the managed-identity endpoints; the output parsing of 1.23.1
// (not installed here) replayed on the fake tools; the JavaScript SDKs; and, when installed, the real az 2.45.
// Every Python process gets the loopback managed-identity knob and the egress proxy: nothing may leave 127.0.0.1.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run, sandboxFetch, type RunResult } from './helpers/sandbox';

const PYTHON = '/usr/bin/python3';
const REAL_AZ = '/usr/bin/az';
const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
let sb: Sandbox;
const homes: string[] = [];

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'sandbox-clients-home-'));
  homes.push(home);
  return home;
}

before(async () => {
  const probe = await run(PYTHON, ['-c', 'import azure.identity, sys; sys.stdout.write(azure.identity.__version__ if hasattr(azure.identity, "__version__") else "")'], { timeoutMs: 30_000 });
  if (probe.code !== 0) throw new Error(`Debian's azure-identity is needed (apt-get install python3-azure): ${probe.stderr}`);
  await ensureToolsBuilt();
  sb = await startSandbox();
});
after(async () => {
  await sb?.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
beforeEach(() => sb.control.reset());

/** Runs Python code with azure.identity; the last stdout line is JSON. */
async function python(code: string, env: Record<string, string>): Promise<{ result: Record<string, unknown>; run: RunResult }> {
  const prelude = 'import json, logging, sys\nlogging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")\n';
  const res = await run(PYTHON, ['-c', prelude + code], { env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: 60_000 });
  const last = res.stdout.trim().split('\n').at(-1) ?? '';
  let result: Record<string, unknown> = {};
  try { result = JSON.parse(last) as Record<string, unknown>; } catch { assert.fail(`python printed no JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`); }
  return { result, run: res };
}

const GET_TOKEN = (credential: string) => `
from azure.identity import *
try:
    t = ${credential}.get_token("https://management.azure.com/.default")
    print(json.dumps({"token": t.token, "expires_on": t.expires_on}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "message": str(e)}))
`;

async function armCallWorks(accessToken: string): Promise<boolean> {
  const res = await sandboxFetch(sb, 'GET', `${sb.resourceManager}/subscriptions?api-version=2022-12-01`, { headers: { Authorization: `Bearer ${accessToken}` } });
  return res.status === 200;
}

describe('azure-identity 1.13.0b2 (Debian python3-azure)', () => {
  test('EnvironmentCredential and DefaultAzureCredential with the service-principal variables', async () => {
    const env = { ...sb.toolEnv(newHome()), ...sb.env(), ...sb.managedIdentityEnv('none') };
    for (const credential of ['EnvironmentCredential()', 'DefaultAzureCredential()']) {
      const { result, run: res } = await python(GET_TOKEN(credential), env);
      assert.equal(typeof result.token, 'string', `${credential}: ${JSON.stringify(result)}\n${res.stderr}`);
      const claims = decodeJwt(String(result.token));
      assert.equal(claims.appid, sb.servicePrincipal.clientId);
      assert.equal(claims.idtyp, 'app');
      assert.ok(await armCallWorks(String(result.token)));
    }
    // MSAL Python asks login.microsoftonline.com about the unknown authority host; the egress proxy answered it.
    const discovery = sb.control.requestLog().filter((e) => e.route === 'entra.instanceDiscovery');
    assert.ok(discovery.length > 0 && discovery.every((e) => e.host === 'login.microsoftonline.com'));
    assert.equal(sb.control.counters()['egress.blocked'], undefined);
  });

  test('DefaultAzureCredential on a developer laptop: az signed in, exactly the command line Python runs', async () => {
    const home = newHome();
    const env = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none') };
    assert.equal((await run(join(sb.toolsBinDir, 'az'), ['login', '-u', sb.users.alice!.upn, '-p', sb.users.alice!.password], { env, timeoutMs: 30_000 })).code, 0);
    const { result, run: res } = await python(GET_TOKEN('DefaultAzureCredential()'), env);
    assert.equal(decodeJwt(String(result.token)).upn, sb.users.alice!.upn, res.stderr);
    assert.match(res.stderr, /DefaultAzureCredential acquired a token from AzureCliCredential/);
    const invocation = sb.control.toolInvocations().filter((i) => i.tool === 'az').at(-1)!;
    assert.deepEqual(invocation.argv, ['account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com']);
    assert.match(invocation.cwd, /^(\/usr)?\/bin$/);
    assert.ok(await armCallWorks(String(result.token)));
  });

  test('AzurePowerShellCredential through the fake pwsh, and the chain falling through to it', async () => {
    const home = newHome();
    const env = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD: sb.users.bob!.password };
    assert.equal((await run(join(sb.toolsBinDir, 'pwsh'), ['-Command', `Connect-AzAccount -AccountId ${sb.users.bob!.upn}`], { env, timeoutMs: 30_000 })).code, 0);
    const { result, run: res } = await python(GET_TOKEN('DefaultAzureCredential()'), env);
    assert.equal(decodeJwt(String(result.token)).upn, sb.users.bob!.upn, res.stderr);
    assert.match(res.stderr, /DefaultAzureCredential acquired a token from AzurePowerShellCredential/);
    const invocation = sb.control.toolInvocations().filter((i) => i.tool === 'pwsh').at(-1)!;
    assert.deepEqual(invocation.argv.slice(0, 2), ['-NonInteractive', '-EncodedCommand']);
  });

  test('the chain when nothing is signed in, and the fake tools\' failure modes as azure-identity sees them', async () => {
    const env = { ...sb.toolEnv(newHome()), ...sb.managedIdentityEnv('none') };
    const { result } = await python(GET_TOKEN('DefaultAzureCredential()'), env);
    assert.equal(result.error, 'ClientAuthenticationError');
    const message = String(result.message);
    for (const line of [
      'EnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.',
      'ManagedIdentityCredential: ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.',
      "AzureCliCredential: Please run 'az login' to set up an account",
      'AzurePowerShellCredential: Please run "Connect-AzAccount" to set up account',
    ]) assert.ok(message.includes(line), `missing "${line}" in:\n${message}`);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'garbage' }, 'AzureCliCredential()', /^Unexpected output from Azure CLI/],
      [{ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'error' }, 'AzureCliCredential()', /simulated failure/],
      [{ AZURE_DEV_AUTH_FAKE_AZ_MODE: 'hang' }, 'AzureCliCredential()', /^Failed to invoke the Azure CLI/],
      [{ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'no-module' }, 'AzurePowerShellCredential()', /^Az.Account module >= 2.2.0 is not installed/],
      [{ AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'execution-policy' }, 'AzurePowerShellCredential()', /^Execution policy prevented invoking Azure PowerShell/],
    ];
    for (const [knobs, credential, expected] of cases) {
      const { result: r } = await python(GET_TOKEN(credential), { ...env, ...knobs });
      assert.match(String(r.message), expected, JSON.stringify(knobs));
    }
  });

  test('ManagedIdentityCredential through the loopback App Service and IMDS endpoints', async () => {
    const base = sb.toolEnv(newHome());
    const appService = await python(GET_TOKEN('ManagedIdentityCredential()'), { ...base, ...sb.managedIdentityEnv('appservice') });
    assert.equal(decodeJwt(String(appService.result.token)).oid, sb.managedIdentities['vm-system']!.objectId, appService.run.stderr);
    const imds = await python(GET_TOKEN(`ManagedIdentityCredential(client_id="${sb.managedIdentities['app-identity']!.clientId}")`), { ...base, ...sb.managedIdentityEnv('imds') });
    assert.equal(decodeJwt(String(imds.result.token)).oid, sb.managedIdentities['app-identity']!.objectId, imds.run.stderr);
    assert.ok(await armCallWorks(String(imds.result.token)));
  });

  test('the IMDS probe without any knob lands on the loopback egress proxy (no answer, as on a laptop)', async () => {
    const env = sb.toolEnv(newHome());
    const { result } = await python(GET_TOKEN('ManagedIdentityCredential()'), env);
    assert.equal(result.message, 'ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.');
    assert.deepEqual(sb.control.requestLog().filter((e) => e.route === 'egress.blocked').map((e) => e.host), ['169.254.169.254']);
  });
});

describe('azure-identity 1.23.1 output parsing, replayed', () => {
  test('az run directly (expires_on preferred) and azd auth token (expiresOn %Y-%m-%dT%H:%M:%SZ)', async () => {
    const home = newHome();
    const env = { ...sb.toolEnv(home), AZURE_CORE_NO_COLOR: 'true', NO_COLOR: 'true' };
    sb.control.settings({ autoSignInAs: 'alice' });
    assert.equal((await run(join(sb.toolsBinDir, 'az'), ['login'], { env, timeoutMs: 30_000 })).code, 0);
    assert.equal((await run(join(sb.toolsBinDir, 'azd'), ['auth', 'login'], { env, timeoutMs: 30_000 })).code, 0);
    // The command lines and parsing of azure_cli.py / azd_cli.py in 1.23.1 (see the python-default-credential notes).
    const code = `
import shutil, subprocess, datetime, calendar
az = shutil.which("az"); azd = shutil.which("azd")
out = subprocess.check_output([az, "account", "get-access-token", "--output", "json", "--resource", "https://management.azure.com"], cwd="/bin", stdin=subprocess.DEVNULL, timeout=10).decode()
t = json.loads(out)
az_expiry = int(t["expires_on"]) if "expires_on" in t else int(datetime.datetime.strptime(t["expiresOn"], "%Y-%m-%d %H:%M:%S.%f").timestamp())
old = subprocess.check_output([az, "account", "get-access-token", "--output", "json", "--resource", "https://management.azure.com"], cwd="/bin", timeout=10, env=dict(__import__("os").environ, AZURE_DEV_AUTH_FAKE_AZ_VERSION="2.45.0")).decode()
o = json.loads(old)
old_expiry = int(datetime.datetime.strptime(o["expiresOn"], "%Y-%m-%d %H:%M:%S.%f").timestamp())
d = json.loads(subprocess.check_output([azd, "auth", "token", "--output", "json", "--scope", "https://management.azure.com/.default"], cwd="/bin", timeout=10).decode())
azd_expiry = calendar.timegm(datetime.datetime.strptime(d["expiresOn"], "%Y-%m-%dT%H:%M:%SZ").timetuple())
print(json.dumps({"az": az_expiry, "az245": old_expiry, "has_expires_on_245": "expires_on" in o, "azd": azd_expiry, "azd_token": d["token"]}))
`;
    const { result, run: res } = await python(code, env);
    const now = Date.now() / 1000;
    for (const key of ['az', 'az245', 'azd']) {
      const value = Number(result[key]);
      assert.ok(value > now + 3000 && value < now + 3700, `${key} expiry ${value} (${res.stderr})`);
    }
    assert.equal(result.has_expires_on_245, false);
    assert.equal(decodeJwt(String(result.azd_token)).upn, sb.users.alice!.upn);
  });
});

describe('JavaScript SDKs', () => {
  test('@azure/identity + @azure/arm-authorization list assignments and definitions; microsoft-graph-client creates a group and adds a member', async () => {
    const env = {
      ...sb.toolEnv(newHome()), ...sb.env(), ...sb.managedIdentityEnv('none'),
      SANDBOX_TEST_SUBSCRIPTION: SUB, SANDBOX_TEST_MEMBER: sb.users.alice!.objectId,
    };
    const res = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'sandboxJsClients.ts')], { env, cwd: repoRoot, timeoutMs: 90_000 });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      assignmentCount: number; atScopeCount: number; readers: { roleName: string; id: string }[]; definitionCount: number;
      readerById: { roleName: string }; group: { id: string; displayName: string }; memberIds: string[]; duplicateError: { statusCode: number; code: string };
      emptySegmentStatus: number;
    };
    assert.equal(out.assignmentCount, 15, 'at, below and (the management group) above the subscription');
    assert.equal(out.atScopeCount, 10);
    assert.deepEqual(out.readers, [{ roleName: 'Reader', id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7` }]);
    assert.ok(out.definitionCount >= 928);
    assert.equal(out.readerById.roleName, 'Reader');
    assert.equal(out.emptySegmentStatus, 400, 'a scope with its leading slash makes "//", which is refused');
    assert.equal(out.group.displayName, 'sg-created-by-sdk');
    assert.deepEqual(out.memberIds, [sb.users.alice!.objectId]);
    assert.deepEqual(out.duplicateError, { statusCode: 400, code: 'Request_BadRequest' });
    assert.ok(sb.control.requestLog().some((e) => e.route === 'graph.groups.addMember' && e.status === 204));
  });
});

describe('the real Azure CLI 2.45 (Debian azure-cli), through the egress proxy', { skip: !existsSync(REAL_AZ) && 'azure-cli is not installed' }, () => {
  test('az login as a user and as a service principal, tokens and ARM calls, all answered by the sandbox', async () => {
    const home = newHome();
    const env = { ...sb.toolEnv(home), PATH: '/usr/bin:/bin', AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
    const az = (args: string[]) => run(REAL_AZ, args, { env, timeoutMs: 120_000 });
    const login = await az(['login', '-u', sb.users.alice!.upn, '-p', sb.users.alice!.password, '--output', 'json']);
    assert.equal(login.code, 0, login.stderr);
    assert.deepEqual((JSON.parse(login.stdout) as { name: string }[]).map((s) => s.name), ['Sandbox Dev', 'Sandbox Prod']);
    const token = await az(['account', 'get-access-token', '--output', 'json']);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(decodeJwt((JSON.parse(token.stdout) as { accessToken: string }).accessToken).upn, sb.users.alice!.upn);
    const groups = await az(['group', 'list', '--output', 'json']);
    assert.deepEqual((JSON.parse(groups.stdout) as { name: string }[]).map((g) => g.name), ['rg-app', 'rg-shared']);
    const tsv = async (args: string[]): Promise<string[]> => {
      const res = await az([...args, '--output', 'tsv']);
      assert.equal(res.code, 0, `az ${args.join(' ')}: ${res.stderr}`);
      return res.stdout.trim().split('\n');
    };
    assert.deepEqual(await tsv(['storage', 'account', 'list', '--query', '[].name']), ['stsandboxapp', 'stsandboxshared']);
    assert.deepEqual(await tsv(['keyvault', 'list', '--query', '[].name']), ['kv-sandbox-app', 'kv-sandbox-legacy']);
    assert.deepEqual(await tsv(['keyvault', 'show', '--name', 'kv-sandbox-app', '--query', 'properties.vaultUri']), ['https://kv-sandbox-app.vault.azure.net/']);
    assert.deepEqual(await tsv(['identity', 'list', '--query', '[].clientId']), [sb.managedIdentities['app-identity']!.clientId]);
    // Microsoft Graph through az (its token for graph.microsoft.com comes from the same sign-in).
    assert.deepEqual(await tsv(['ad', 'signed-in-user', 'show', '--query', 'userPrincipalName']), [sb.users.alice!.upn]);
    assert.deepEqual(await tsv(['ad', 'group', 'member', 'list', '--group', 'sg-dev-team', '--query', '[].userPrincipalName']),
      [sb.users.alice!.upn, sb.users.bob!.upn]);
    const sp = await run(REAL_AZ, ['login', '--service-principal', '-u', sb.servicePrincipal.clientId, '-p', sb.servicePrincipal.clientSecret, '--tenant', sb.tenantId, '--output', 'json'], { env: { ...env, HOME: newHome() }, timeoutMs: 120_000 });
    assert.equal(sp.code, 0, sp.stderr);
    // Device code: az prints the sandbox's verification page and polls until the control API approves bob.
    const deviceHome = newHome();
    const pending = run(REAL_AZ, ['login', '--use-device-code', '--output', 'json'], { env: { ...env, HOME: deviceHome }, timeoutMs: 120_000 });
    let userCode: string | undefined;
    for (const deadline = Date.now() + 60_000; !userCode && Date.now() < deadline;) {
      userCode = sb.control.pendingDeviceCodes()[0]?.userCode;
      if (!userCode) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(userCode, 'az asked for a device code');
    sb.control.approveDeviceCode('bob', userCode);
    const device = await pending;
    assert.equal(device.code, 0, device.stderr);
    assert.ok(device.stderr.includes(`${sb.url}/devicelogin`) && device.stderr.includes(userCode), device.stderr);
    assert.equal((JSON.parse(device.stdout) as { user: { name: string } }[])[0]!.user.name, sb.users.bob!.upn);
    const hosts = new Set(sb.control.requestLog().map((e) => e.host));
    assert.ok(hosts.has('login.microsoftonline.com') && hosts.has('management.azure.com'), [...hosts].join(', '));
    const blocked = sb.control.requestLog().filter((e) => e.route === 'egress.blocked').map((e) => e.host);
    console.log(`real az tried to reach (refused by the egress proxy): ${blocked.join(', ') || 'nothing'}`);
    assert.ok(blocked.every((h) => !/login\.microsoftonline|management\.azure|graph\.microsoft/.test(h)));
  });
});
