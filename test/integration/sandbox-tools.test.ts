// The fake az, azd and pwsh: sign-in flows, the files they leave under HOME, token output, and the knobs tests
// use to make them slow, broken or stuck.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, run, sandboxFetch, type RunResult } from './helpers/sandbox';

let sb: Sandbox;
const homes: string[] = [];

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
});
after(async () => {
  await sb?.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
beforeEach(() => sb.control.reset());

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'sandbox-tools-home-'));
  homes.push(home);
  return home;
}

function tool(name: 'az' | 'azd' | 'pwsh', home: string, args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<RunResult> {
  return run(join(sb.toolsBinDir, name), args, { env: { ...sb.toolEnv(home), ...env }, timeoutMs });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('fake az', () => {
  test('password sign-in writes azureProfile.json (with BOM) and the MSAL cache; tokens come from the refresh token', async () => {
    const home = newHome();
    const login = await tool('az', home, ['login', '-u', sb.users.alice!.upn, '-p', sb.users.alice!.password]);
    assert.equal(login.code, 0, login.stderr);
    assert.deepEqual((JSON.parse(login.stdout) as { name: string }[]).map((s) => s.name), ['Sandbox Dev', 'Sandbox Prod']);
    const profileBytes = readFileSync(join(home, '.azure', 'azureProfile.json'));
    assert.deepEqual([...profileBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM like the real az');
    const cache = JSON.parse(readFileSync(join(home, '.azure', 'msal_token_cache.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(cache).sort(), ['AccessToken', 'Account', 'AppMetadata', 'IdToken', 'RefreshToken']);
    assert.equal(readFileSync(join(home, '.azure', 'clouds.config'), 'utf8'), '[AzureCloud]\nsubscription = adca4246-6e3e-4a79-a53f-26fe8244f8bc\n\n');

    const before = sb.control.counters()['entra.token'] ?? 0;
    const graph = await tool('az', home, ['account', 'get-access-token', '--resource', 'https://graph.microsoft.com']);
    const body = JSON.parse(graph.stdout) as { accessToken: string; expires_on: number; expiresOn: string };
    assert.equal(decodeJwt(body.accessToken).aud, 'https://graph.microsoft.com');
    assert.equal(sb.control.counters()['entra.token'], before + 1, 'one refresh-token redemption');
    const details = sb.control.requestLog().filter((e) => e.route === 'entra.token').at(-1)?.details;
    assert.equal(details?.grant_type, 'refresh_token');
    const again = await tool('az', home, ['account', 'get-access-token', '--resource', 'https://graph.microsoft.com']);
    assert.equal((JSON.parse(again.stdout) as { accessToken: string }).accessToken, body.accessToken, 'served from the cache');
    assert.equal(sb.control.counters()['entra.token'], before + 1);

    assert.equal((await tool('az', home, ['account', 'set', '--subscription', 'Sandbox Prod'])).code, 0);
    assert.equal((JSON.parse((await tool('az', home, ['account', 'show'])).stdout) as { name: string }).name, 'Sandbox Prod');
    const tsv = await tool('az', home, ['account', 'get-access-token', '--query', 'tenant', '-o', 'tsv']);
    assert.equal(tsv.stdout, `${sb.tenantId}\n`);
    const me = await tool('az', home, ['ad', 'signed-in-user', 'show']);
    assert.equal((JSON.parse(me.stdout) as { id: string }).id, sb.users.alice!.objectId);
    assert.equal((await tool('az', home, ['logout'])).code, 0);
    const after = await tool('az', home, ['account', 'show']);
    assert.deepEqual([after.code, after.stderr], [1, "ERROR: Please run 'az login' to setup account.\n"]);
  });

  test('device-code sign-in completed through the control API; browser sign-in, automatic and by a person', async () => {
    const home = newHome();
    const pending = tool('az', home, ['login', '--use-device-code']);
    const code = await waitFor(() => sb.control.pendingDeviceCodes()[0]?.userCode);
    sb.control.approveDeviceCode('bob', code);
    const done = await pending;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, new RegExp(`To sign in, use a web browser to open the page ${sb.url}/devicelogin and enter the code ${code} to authenticate\\.`));
    assert.equal((JSON.parse(done.stdout) as { user: { name: string } }[])[0]!.user.name, sb.users.bob!.upn);

    sb.control.settings({ autoSignInAs: 'alice' });
    const auto = await tool('az', newHome(), ['login']);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /A web browser has been opened at/);
    assert.equal((JSON.parse(auto.stdout) as { user: { name: string } }[])[0]!.user.name, sb.users.alice!.upn);

    sb.control.settings({ autoSignInAs: null });
    sb.control.clearLog();
    const byPerson = tool('az', newHome(), ['login']);
    // Play the person: open the page az asked for, pick dave, and follow the redirect to az's loopback listener.
    const authorize = await waitFor(() => sb.control.requestLog().find((e) => e.route === 'entra.authorize'));
    const query = new URL(`${sb.url}${authorize.path}`).searchParams;
    const picked = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/authorize`, { form: { ...Object.fromEntries(query), user: 'dave' } });
    const redirect = String(picked.headers.location);
    // The logged path has the code challenge but the state is intact; the listener accepts the code.
    await new Promise<void>((resolve, reject) => httpRequest(redirect, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject).end());
    const finished = await byPerson;
    assert.notEqual(finished.code, 0, 'dave has no subscriptions');
    assert.match(finished.stderr, new RegExp(`ERROR: No subscriptions found for ${sb.users.dave!.upn.replace(/\./g, '\\.')}\\.`));
  });

  test('service principal sign-in, MFA refusal, and an expired refresh token', async () => {
    const home = newHome();
    const sp = await tool('az', home, ['login', '--service-principal', '-u', sb.servicePrincipal.clientId, '-p', sb.servicePrincipal.clientSecret, '--tenant', sb.tenantId]);
    assert.equal(sp.code, 0, sp.stderr);
    assert.ok(existsSync(join(home, '.azure', 'service_principal_entries.json')));
    const token = JSON.parse((await tool('az', home, ['account', 'get-access-token'])).stdout) as { accessToken: string };
    assert.equal(decodeJwt(token.accessToken).idtyp, 'app');
    const wrong = await tool('az', newHome(), ['login', '--service-principal', '-u', sb.servicePrincipal.clientId, '-p', 'wrong', '--tenant', sb.tenantId]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^ERROR: AADSTS7000215: Invalid client secret provided/);
    const mfa = await tool('az', newHome(), ['login', '-u', sb.users.carol!.upn, '-p', sb.users.carol!.password]);
    assert.match(mfa.stderr, /^ERROR: AADSTS50076: /);

    const user = newHome();
    assert.equal((await tool('az', user, ['login', '-u', sb.users.bob!.upn, '-p', sb.users.bob!.password])).code, 0);
    sb.control.expireRefreshTokens('bob');
    const expired = await tool('az', user, ['account', 'get-access-token', '--resource', 'https://vault.azure.net']);
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /^ERROR: AADSTS700082: The refresh token has expired due to inactivity\./);
    assert.match(expired.stderr, /az login --scope https:\/\/vault\.azure\.net\/\.default\n$/);
  });

  test('knobs: delay, hang, garbage and the not-logged-in mode; env vars win over the control API; argv is logged redacted', async () => {
    const home = newHome();
    assert.equal((await tool('az', home, ['login', '-u', sb.users.alice!.upn, '-p', sb.users.alice!.password])).code, 0);
    const invocation = sb.control.toolInvocations().find((i) => i.argv[0] === 'login')!;
    assert.deepEqual(invocation.argv, ['login', '-u', sb.users.alice!.upn, '-p', '***']);

    const started = Date.now();
    assert.equal((await tool('az', home, ['account', 'show'], { AZURE_DEV_AUTH_FAKE_AZ_DELAY_MS: '700' })).code, 0);
    assert.ok(Date.now() - started >= 700);
    const hung = await tool('az', home, ['account', 'get-access-token'], { AZURE_DEV_AUTH_FAKE_MODE: 'hang' }, 1500);
    assert.equal(hung.timedOut, true);
    // azure-identity runs `/bin/sh -c "az …"` and kills only that shell on timeout: the hung az must not outlive it.
    const shell = spawn('/bin/sh', ['-c', 'az account get-access-token & echo $!; wait'], { env: { ...sb.toolEnv(home), AZURE_DEV_AUTH_FAKE_MODE: 'hang' }, stdio: ['ignore', 'pipe', 'ignore'] });
    const azPid = Number(await new Promise<string>((resolve) => shell.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(isAlive(azPid), 'the fake az hangs while its caller waits');
    shell.kill('SIGKILL');
    await waitFor(() => (isAlive(azPid) ? undefined : true), 5000);

    const put = await sandboxFetch(sb, 'PUT', `${sb.url}/_sandbox/tools/az`, { json: { mode: 'garbage' } });
    assert.equal(put.status, 200, put.text);
    const garbage = await tool('az', home, ['account', 'get-access-token']);
    assert.equal(garbage.code, 0);
    assert.throws(() => JSON.parse(garbage.stdout) as unknown);
    const envWins = await tool('az', home, ['account', 'get-access-token'], { AZURE_DEV_AUTH_FAKE_AZ_MODE: 'not-logged-in' });
    assert.deepEqual([envWins.code, envWins.stderr], [1, "ERROR: Please run 'az login' to setup account.\n"]);
    sb.control.setToolBehaviour('az', { mode: 'aadsts' });
    const aadsts = await tool('az', home, ['account', 'get-access-token']);
    assert.match(aadsts.stderr, /AADSTS70043.*\n.*az login/s);
    assert.equal((await sandboxFetch(sb, 'PUT', `${sb.url}/_sandbox/tools/az`, { json: { mode: 'explode' } })).status, 400);
  });

  test('az --version and az version', async () => {
    const text = await tool('az', newHome(), ['--version'], { AZURE_DEV_AUTH_FAKE_AZ_VERSION: '2.45.0' });
    assert.match(text.stdout, /^azure-cli\s+2\.45\.0/);
    assert.equal((JSON.parse((await tool('az', newHome(), ['version'])).stdout) as Record<string, string>)['azure-cli'], '2.67.0');
  });

  test('a shim whose script is not built fails clearly', async () => {
    const unbuilt = await startSandbox({ toolsDistDir: join(tmpdir(), 'no-such-dist') });
    try {
      const res = await run(join(unbuilt.toolsBinDir, 'az'), ['account', 'show'], { env: unbuilt.toolEnv(newHome()), timeoutMs: 10_000 });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /fake az is not built .*Run: npm run build/);
    } finally {
      await unbuilt.stop();
    }
  });
});

test('fake az cloud set records the cloud in the [cloud] section of az config, which the extension reads', async () => {
  const { azConfiguredCloud } = await import('../../src/core/access/clouds');
  const home = newHome();
  assert.match((await tool('az', home, ['cloud', 'show', '--query', 'name', '-o', 'tsv'])).stdout, /^AzureCloud\s*$/);
  assert.equal((await tool('az', home, ['cloud', 'set', '--name', 'AzureChinaCloud'])).code, 0);
  assert.equal(await azConfiguredCloud({ HOME: home }), 'AzureChinaCloud');
  assert.match((await tool('az', home, ['cloud', 'show', '--query', 'name', '-o', 'tsv'])).stdout, /^AzureChinaCloud\s*$/);
  const unknown = await tool('az', home, ['cloud', 'set', '-n', 'AzureGermanCloud']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unable to find cloud 'AzureGermanCloud'/);
  assert.equal((await tool('az', home, ['cloud', 'set', '-n', 'AzureCloud'])).code, 0);
  assert.equal(readFileSync(join(home, '.azure', 'config'), 'utf8'), '[cloud]\nname = AzureCloud\n');
});

describe('fake azd', () => {
  test('browser sign-in, auth token JSON, --check-status, logout', async () => {
    const home = newHome();
    const notYet = await tool('azd', home, ['auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com//.default']);
    assert.equal(notYet.code, 1);
    assert.ok(notYet.stderr.includes('not logged in, run `azd auth login` to login'));
    sb.control.settings({ autoSignInAs: 'alice' });
    assert.equal((await tool('azd', home, ['auth', 'login'])).code, 0);
    const auth = JSON.parse(readFileSync(join(home, '.azd', 'auth.json'), 'utf8')) as { auth: { account: { currentUser: { homeAccountId: string } } } };
    assert.equal(auth.auth.account.currentUser.homeAccountId, `${sb.users.alice!.objectId}.${sb.tenantId}`);
    assert.ok(existsSync(join(home, '.azd', 'auth', 'msal', 'cache.json')));
    const token = await tool('azd', home, ['auth', 'token', '--output', 'json', '--scope', 'https://storage.azure.com/.default']);
    const body = JSON.parse(token.stdout) as { token: string; expiresOn: string };
    assert.equal(decodeJwt(body.token).aud, 'https://storage.azure.com');
    assert.match(body.expiresOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const status = JSON.parse((await tool('azd', home, ['auth', 'login', '--check-status', '--output', 'json'])).stdout) as { status: string };
    assert.equal(status.status, 'success');
    assert.equal((await tool('azd', home, ['auth', 'logout'])).code, 0);
    assert.equal((await tool('azd', home, ['auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com//.default'])).code, 1);
  });

  test('service principal sign-in and the not-logged-in mode', async () => {
    const home = newHome();
    const login = await tool('azd', home, ['auth', 'login', '--client-id', sb.servicePrincipal.clientId, '--client-secret', sb.servicePrincipal.clientSecret, '--tenant-id', sb.tenantId]);
    assert.equal(login.code, 0, login.stderr);
    const token = JSON.parse((await tool('azd', home, ['auth', 'token', '--output', 'json', '--scope', 'https://management.azure.com//.default'])).stdout) as { token: string };
    assert.equal(decodeJwt(token.token).appid, sb.servicePrincipal.clientId);
    const forced = await tool('azd', home, ['auth', 'token', '--output', 'json', '--scope', 'x'], { AZURE_DEV_AUTH_FAKE_AZD_MODE: 'not-logged-in' });
    assert.ok(forced.stderr.includes('not logged in, run `azd auth login` to login'));
    assert.match((await tool('azd', home, ['version'])).stdout, /^azd version 1\.11\.0 /);
  });
});

describe('fake pwsh', () => {
  // The script azure-identity 1.13.0b2 sends (azure/identity/_credentials/azure_powershell.py, SCRIPT).
  const pythonScript = (resource: string) => `$ErrorActionPreference = 'Stop'\n[version]$minimumVersion = '2.2.0'\n\n$m = Import-Module Az.Accounts -MinimumVersion $minimumVersion -PassThru -ErrorAction SilentlyContinue\n\nif (! $m) {\n    Write-Output NO_AZ_ACCOUNT_MODULE\n    exit\n}\n\n$token = Get-AzAccessToken -ResourceUrl '${resource}'\n\nWrite-Output "\`nazsdk%$($token.Token)%$($token.ExpiresOn.ToUnixTimeSeconds())\`n"\n`;
  const encoded = (script: string) => Buffer.from(script, 'utf16le').toString('base64');

  test('Connect-AzAccount with device code, then the Python protocol and the JS JSON protocol', async () => {
    const home = newHome();
    const notSignedIn = await tool('pwsh', home, ['-NonInteractive', '-EncodedCommand', encoded(pythonScript('https://management.azure.com'))]);
    assert.deepEqual([notSignedIn.code, notSignedIn.stderr.includes('Run Connect-AzAccount to login')], [1, true]);
    sb.control.settings({ autoApproveDeviceCodesAs: 'bob' });
    const connect = await tool('pwsh', home, ['-NoProfile', '-Command', 'Connect-AzAccount', '-UseDeviceAuthentication']);
    assert.equal(connect.code, 0, connect.stderr);
    assert.match(connect.stdout, /WARNING: To sign in, use a web browser/);
    assert.ok(existsSync(join(home, '.Azure', 'AzureRmContext.json')));
    const python = await tool('pwsh', home, ['-NonInteractive', '-EncodedCommand', encoded(pythonScript('https://management.azure.com'))]);
    assert.equal(python.code, 0, python.stderr);
    const line = python.stdout.split(/\s+/).find((l) => l.startsWith('azsdk%'))!;
    const [, accessToken, expiry] = line.split('%');
    assert.equal(decodeJwt(accessToken!).upn, sb.users.bob!.upn);
    assert.match(expiry!, /^\d{10}$/);
    const js = await tool('pwsh', home, ['-NoProfile', '-NonInteractive', '-Command', '$params = @{ ResourceUrl = "https://graph.microsoft.com" }\n$token = Get-AzAccessToken @params\n$result | Add-Member -Name Token\nWrite-Output (ConvertTo-Json $result)']);
    const parsed = JSON.parse(js.stdout) as { Token: string; ExpiresOn: string };
    assert.equal(decodeJwt(parsed.Token).aud, 'https://graph.microsoft.com');
    assert.ok(Number.isFinite(new Date(parsed.ExpiresOn).getTime()));
    assert.equal((await tool('pwsh', home, ['/?'])).code, 0);
    const modes = await tool('pwsh', home, ['-NonInteractive', '-EncodedCommand', encoded(pythonScript('https://management.azure.com'))], { AZURE_DEV_AUTH_FAKE_PWSH_MODE: 'no-module' });
    assert.deepEqual([modes.code, modes.stdout.trim()], [0, 'NO_AZ_ACCOUNT_MODULE']);
    assert.equal((await tool('pwsh', home, ['-Command', 'Disconnect-AzAccount'])).code, 0);
    assert.equal((await tool('pwsh', home, ['-NonInteractive', '-EncodedCommand', encoded(pythonScript('https://management.azure.com'))])).code, 1);
  });
});
