// Python's text conventions that end up in the chain's messages: repr() of JSON, azure-core's error text, which().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityFromToken } from '../../src/core/chain/claims';
import { bypassesProxy } from '../../src/core/chain/http';
import { httpResponseErrorText, parseAzdTime, parseLocalAzTime, pythonRepr, which } from '../../src/core/chain/pythonText';

test('pythonRepr renders decoded JSON as Python would print it', () => {
  assert.equal(pythonRepr({ statusCode: 400, message: "it's", ok: true, none: null, list: [1, 'a'] }),
    `{'statusCode': 400, 'message': "it's", 'ok': True, 'none': None, 'list': [1, 'a']}`);
  assert.equal(pythonRepr('line\nbreak'), "'line\\nbreak'");
});

test('azure-core error text: the OData error when the body has one, else the message plus the body', () => {
  assert.equal(httpResponseErrorText('Unexpected response "…"', JSON.stringify({ statusCode: 400, message: 'No Managed Identity found.' })),
    '(None) No Managed Identity found.\nCode: None\nMessage: No Managed Identity found.');
  const entra = JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS700082: expired' });
  assert.equal(httpResponseErrorText("Microsoft Entra ID error '(invalid_grant) AADSTS700082: expired'", entra),
    `Microsoft Entra ID error '(invalid_grant) AADSTS700082: expired'\nContent: ${entra}`);
  assert.equal(httpResponseErrorText('No token received.', ''), 'No token received.');
  assert.equal(httpResponseErrorText('x', 'y'.repeat(5000)).length, 2048);
});

test('tool time formats are read as local time, as datetime.strptime(...).timestamp() does', () => {
  assert.equal(parseLocalAzTime('2030-01-02 03:04:05.123456'), Math.floor(new Date(2030, 0, 2, 3, 4, 5).getTime() / 1000));
  assert.equal(parseLocalAzTime('2030-01-02T03:04:05Z'), undefined);
  assert.equal(parseAzdTime('2030-01-02T03:04:05Z'), Math.floor(new Date(2030, 0, 2, 3, 4, 5).getTime() / 1000));
});

test('which() follows the modelled PATH only', () => {
  assert.ok(which('sh', { PATH: '/usr/bin:/bin' }));
  assert.equal(which('sh', { PATH: '/nonexistent' }), undefined);
});

test('NO_PROXY: hosts, domain suffixes, CIDR ranges and *', () => {
  const env = { NO_PROXY: '127.0.0.1,.internal.example,10.0.0.0/8' };
  assert.equal(bypassesProxy(env, '127.0.0.1', 443), true);
  assert.equal(bypassesProxy(env, 'login.internal.example', 443), true);
  assert.equal(bypassesProxy(env, '10.1.2.3', 80), true);
  assert.equal(bypassesProxy(env, 'login.microsoftonline.com', 443), false);
  assert.equal(bypassesProxy({ no_proxy: '*' }, 'anything', 1), true);
});

test('identity from token claims: users by upn, applications by appid', () => {
  const jwt = (claims: Record<string, unknown>): string => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.x`;
  assert.deepEqual(identityFromToken(jwt({ upn: 'a@b.c', oid: 'o', tid: 't', scp: 'user_impersonation' })), { upn: 'a@b.c', objectId: 'o', tenantId: 't' });
  assert.deepEqual(identityFromToken(jwt({ appid: 'app', oid: 'o', tid: 't', idtyp: 'app' })), { appId: 'app', objectId: 'o', tenantId: 't' });
  assert.equal(identityFromToken('not-a-jwt'), null);
});
