// Output and state conventions of the fake tools, checked against what the real tools write.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Args, MsalCacheFile, localTimestamp, pythonCompactJson, pythonJson, versionAtLeast } from '../../src/sandbox/tools/common';

test("localTimestamp is Python's '%Y-%m-%d %H:%M:%S.%f' in local time", () => {
  const epoch = 1700000000;
  const text = localTimestamp(epoch);
  assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
  const [date, time] = text.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  assert.equal(new Date(y, mo - 1, d, h, mi, Math.floor(s)).getTime() / 1000, epoch, 'reads back as local time');
});

test('JSON layouts: az --output json (sorted, indent 2) and azureProfile.json (json.dumps separators)', () => {
  assert.equal(pythonJson({ b: 1, a: { d: [1], c: null } }), '{\n  "a": {\n    "c": null,\n    "d": [\n      1\n    ]\n  },\n  "b": 1\n}');
  assert.equal(pythonCompactJson({ subscriptions: [{ id: 'x', isDefault: true }], installationId: 'i' }), '{"subscriptions": [{"id": "x", "isDefault": true}], "installationId": "i"}');
});

test('version comparison', () => {
  assert.ok(versionAtLeast('2.54.0', '2.54.0'));
  assert.ok(versionAtLeast('2.67.0', '2.54.0'));
  assert.ok(!versionAtLeast('2.45.0', '2.54.0'));
  assert.ok(!versionAtLeast('2.9.0', '2.10.0'));
});

test('argument parsing: aliases, --x=y, flags, repeats', () => {
  const args = new Args(['account', 'get-access-token', '-o', 'json', '--scope', 'a', '--scope=b', '--use-device-code', '-s', 'sub'],
    { '-o': '--output', '-s': '--subscription' }, ['--use-device-code']);
  assert.deepEqual(args.positional, ['account', 'get-access-token']);
  assert.equal(args.get('--output'), 'json');
  assert.deepEqual(args.all('--scope'), ['a', 'b']);
  assert.ok(args.has('--use-device-code'));
  assert.equal(args.get('--subscription'), 'sub');
});

describe('MsalCacheFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-msal-'));
  const path = join(dir, 'msal_token_cache.json');
  const clientInfo = Buffer.from(JSON.stringify({ uid: 'cb2be4d1-2705-475d-83e6-02d82fdd105f', utid: '48337339-9daf-40bb-b2c4-6fdbad938cad' })).toString('base64url');
  const idToken = `x.${Buffer.from(JSON.stringify({ oid: 'cb2be4d1-2705-475d-83e6-02d82fdd105f', preferred_username: 'alice@contososandbox.onmicrosoft.com' })).toString('base64url')}.y`;

  test('keys and entries as the real az 2.45 (MSAL Python) wrote them', () => {
    const cache = new MsalCacheFile(path);
    cache.add({
      access_token: 'at', expires_in: 3599, token_type: 'Bearer', refresh_token: 'rt', id_token: idToken, client_info: clientInfo, foci: '1',
      scope: 'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default',
    }, '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'organizations', ['https://management.core.windows.net//.default']);
    cache.save();
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, Record<string, string>>>;
    // Keys observed in a msal_token_cache.json the real az 2.45 wrote against the sandbox.
    const home = 'cb2be4d1-2705-475d-83e6-02d82fdd105f.48337339-9daf-40bb-b2c4-6fdbad938cad';
    assert.deepEqual(Object.keys(data.AccessToken!), [`${home}-login.microsoftonline.com-accesstoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46-organizations-https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default`]);
    assert.deepEqual(Object.keys(data.RefreshToken!), [`${home}-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default`]);
    assert.deepEqual(Object.keys(data.IdToken!), [`${home}-login.microsoftonline.com-idtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46-organizations-`]);
    assert.deepEqual(Object.keys(data.Account!), [`${home}-login.microsoftonline.com-organizations`]);
    assert.deepEqual(Object.keys(data.AppMetadata!), ['appmetadata-login.microsoftonline.com-04b07795-8ddb-461a-bbee-02f9e1bf7b46']);
    assert.deepEqual(Object.keys(data.RefreshToken![Object.keys(data.RefreshToken!)[0]!]!).sort(), ['client_id', 'credential_type', 'environment', 'family_id', 'home_account_id', 'last_modification_time', 'secret', 'target']);
    assert.deepEqual(data.Account![Object.keys(data.Account!)[0]!], { home_account_id: home, environment: 'login.microsoftonline.com', realm: 'organizations', local_account_id: 'cb2be4d1-2705-475d-83e6-02d82fdd105f', username: 'alice@contososandbox.onmicrosoft.com', authority_type: 'MSSTS' });
  });

  test('silent lookup: an access token is reused only while it has five more minutes', () => {
    const cache = new MsalCacheFile(path);
    const home = 'cb2be4d1-2705-475d-83e6-02d82fdd105f.48337339-9daf-40bb-b2c4-6fdbad938cad';
    assert.equal(cache.findAccessToken('04b07795-8ddb-461a-bbee-02f9e1bf7b46', home, 'organizations', ['https://management.core.windows.net//.default'])?.secret, 'at');
    cache.add({ access_token: 'short', expires_in: 200, token_type: 'Bearer', client_info: clientInfo, scope: 'https://graph.microsoft.com/.default' }, '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'organizations', []);
    assert.equal(cache.findAccessToken('04b07795-8ddb-461a-bbee-02f9e1bf7b46', home, 'organizations', ['https://graph.microsoft.com/.default']), undefined);
    assert.equal(cache.findRefreshToken(home, '1950a258-227b-4e31-a9cf-717495945fc2'), 'rt', 'family refresh token');
    cache.removeAccount(home);
    assert.deepEqual([Object.keys(cache.data.AccessToken).length, Object.keys(cache.data.RefreshToken).length, cache.accounts().length], [0, 0, 0]);
    rmSync(dir, { recursive: true, force: true });
  });
});
