// Entra ID stand-in: token claims and signatures, every grant (secret, certificate, federated, password, refresh,
// device code, authorization code + PKCE), managed identity endpoints, the egress proxy, faults and the log.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { createLocalJWKSet, decodeJwt, importPKCS8, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { sandboxFetch, type HttpsResult } from './helpers/sandbox';

const CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
let sb: Sandbox;

before(async () => { sb = await startSandbox(); });
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

function token(form: Record<string, string>, tenant = sb.tenantId): Promise<HttpsResult> {
  return sandboxFetch(sb, 'POST', `${sb.url}/${tenant}/oauth2/v2.0/token`, { form });
}

async function jwks(): Promise<ReturnType<typeof createLocalJWKSet>> {
  const config = await sandboxFetch(sb, 'GET', `${sb.url}/${sb.tenantId}/v2.0/.well-known/openid-configuration`);
  const keys = await sandboxFetch(sb, 'GET', (config.json as { jwks_uri: string }).jwks_uri);
  return createLocalJWKSet(keys.json as JSONWebKeySet);
}

describe('issued tokens', () => {
  test('an application token: signed RS256 (verifiable with the JWKS), v1 claims, Graph roles', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: sb.servicePrincipal.clientSecret, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(res.status, 200, res.text);
    const { payload, protectedHeader } = await jwtVerify((res.json as { access_token: string }).access_token, await jwks());
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.aud, 'https://graph.microsoft.com');
    assert.equal(payload.iss, `https://sts.windows.net/${sb.tenantId}/`);
    assert.equal(payload.tid, sb.tenantId);
    assert.equal(payload.oid, sb.servicePrincipal.objectId);
    assert.equal(payload.appid, sb.servicePrincipal.clientId);
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.upn, undefined);
    assert.ok(Array.isArray(payload.roles) && payload.roles.includes('Group.ReadWrite.All'));
    assert.ok(typeof payload.exp === 'number' && payload.exp > Date.now() / 1000 + 3000);
  });

  test('a user token: upn, scp, idtyp user, the requested audience verbatim; id token and client_info', async () => {
    const res = await token({ grant_type: 'password', client_id: CLI, username: sb.users.alice!.upn, password: sb.users.alice!.password, scope: 'https://management.core.windows.net//.default openid profile offline_access', client_info: '1' }, 'organizations');
    assert.equal(res.status, 200, res.text);
    const body = res.json as { access_token: string; id_token: string; client_info: string; refresh_token: string; scope: string };
    const { payload } = await jwtVerify(body.access_token, await jwks());
    assert.equal(payload.aud, 'https://management.core.windows.net/');
    assert.equal(payload.upn, sb.users.alice!.upn);
    assert.equal(payload.oid, sb.users.alice!.objectId);
    assert.equal(payload.idtyp, 'user');
    assert.equal(payload.scp, 'user_impersonation');
    assert.equal(payload.appid, CLI);
    assert.equal(body.scope, 'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default');
    const id = decodeJwt(body.id_token);
    assert.equal(id.aud, CLI);
    assert.equal(id.iss, `${sb.url}/${sb.tenantId}/v2.0`);
    assert.equal(id.preferred_username, sb.users.alice!.upn);
    assert.deepEqual(JSON.parse(Buffer.from(body.client_info, 'base64url').toString()), { uid: sb.users.alice!.objectId, utid: sb.tenantId });
    assert.ok(body.refresh_token.length > 40);
  });

  test('refresh tokens redeem for another resource; unknown resources and several resources are refused', async () => {
    const first = await token({ grant_type: 'password', client_id: CLI, username: sb.users.bob!.upn, password: sb.users.bob!.password, scope: 'https://management.azure.com/.default offline_access' }, 'organizations');
    const refreshed = await token({ grant_type: 'refresh_token', client_id: CLI, refresh_token: (first.json as { refresh_token: string }).refresh_token, scope: 'https://vault.azure.net/.default' });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(decodeJwt((refreshed.json as { access_token: string }).access_token).aud, 'https://vault.azure.net');
    const unknown = await token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: sb.servicePrincipal.clientSecret, scope: 'https://example.org/.default' });
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { error_description: string }).error_description, /^AADSTS500011: /);
    const two = await token({ grant_type: 'password', client_id: CLI, username: sb.users.bob!.upn, password: sb.users.bob!.password, scope: 'https://management.azure.com/.default https://graph.microsoft.com/.default' }, 'organizations');
    assert.match((two.json as { error_description: string }).error_description, /^AADSTS28000: /);
    const noDefault = await token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: sb.servicePrincipal.clientSecret, scope: 'https://management.azure.com/user_impersonation' });
    assert.match((noDefault.json as { error_description: string }).error_description, /^AADSTS1002012: /);
  });

  test('wrong password, unknown user, MFA, unsupported grant, missing parameters', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ grant_type: 'password', client_id: CLI, username: sb.users.alice!.upn, password: 'nope', scope: 'openid' }, 50126],
      [{ grant_type: 'password', client_id: CLI, username: 'zed@contososandbox.onmicrosoft.com', password: 'x', scope: 'openid' }, 50034],
      [{ grant_type: 'password', client_id: CLI, username: sb.users.carol!.upn, password: sb.users.carol!.password, scope: 'https://management.azure.com/.default' }, 50076],
      [{ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: CLI }, 70003],
      [{ client_id: CLI }, 900144],
    ];
    for (const [form, code] of cases) {
      const res = await token(form, 'organizations');
      assert.equal(res.status, 400, res.text);
      assert.deepEqual((res.json as { error_codes: number[] }).error_codes, [code]);
    }
  });
});

describe('client credentials with a certificate or a federated assertion', () => {
  test('a certificate assertion signed with the service principal certificate', async () => {
    const pem = readFileSync(sb.servicePrincipal.certificatePath, 'utf8');
    const certPem = pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----'));
    const der = new X509Certificate(certPem).raw;
    const key = await importPKCS8(pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----')), 'RS256');
    const endpoint = `${sb.url}/${sb.tenantId}/oauth2/v2.0/token`;
    const sign = (x5t: string) => new SignJWT({ aud: endpoint, iss: sb.servicePrincipal.clientId, sub: sb.servicePrincipal.clientId, jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', x5t }).setIssuedAt().setExpirationTime('10m').sign(key);
    const assertion = await sign(createHash('sha1').update(der).digest('base64url'));
    const ok = await token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope: 'https://management.azure.com/.default' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(decodeJwt((ok.json as { access_token: string }).access_token).appidacr, '2');
    const wrongKey = await sign(createHash('sha1').update('other').digest('base64url'));
    const bad = await token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: wrongKey, scope: 'https://management.azure.com/.default' });
    assert.equal(bad.status, 401);
    assert.deepEqual((bad.json as { error_codes: number[] }).error_codes, [700027]);
  });

  test('a federated (workload identity) assertion from the sandbox issuer', async () => {
    const { token: assertion } = await sb.control.federatedToken('system:serviceaccount:default:workload');
    const form = { grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', scope: 'https://management.azure.com/.default' };
    const ok = await token({ ...form, client_assertion: assertion });
    assert.equal(ok.status, 200, ok.text);
    const { token: other } = await sb.control.federatedToken('system:serviceaccount:default:intruder');
    const bad = await token({ ...form, client_assertion: other });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error_description: string }).error_description, /^AADSTS70021: No matching federated identity record found/);
  });
});

describe('interactive grants without a person', () => {
  test('device code: pending until approved through the control API, then tokens once', async () => {
    const start = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/devicecode`, { form: { client_id: CLI, scope: 'https://management.azure.com//.default offline_access openid profile' } });
    const { device_code: deviceCode, user_code: userCode } = start.json as { device_code: string; user_code: string };
    const poll = () => token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLI, device_code: deviceCode }, 'organizations');
    assert.equal(((await poll()).json as { error: string }).error, 'authorization_pending');
    assert.deepEqual(sb.control.pendingDeviceCodes().map((d) => d.userCode), [userCode]);
    const approve = await sandboxFetch(sb, 'POST', `${sb.url}/_sandbox/device-codes/approve`, { json: { user: 'carol' } });
    assert.equal(approve.status, 200, approve.text);
    const done = await poll();
    assert.equal(done.status, 200, done.text);
    const claims = decodeJwt((done.json as { access_token: string }).access_token);
    assert.equal(claims.upn, sb.users.carol!.upn, 'an interactive sign-in satisfies MFA');
    assert.deepEqual(claims.amr, ['pwd', 'mfa']);
    assert.deepEqual(((await poll()).json as { error_codes: number[] }).error_codes, [54005], 'redeemed once');
  });

  test('device code: the device-login page, and a decline', async () => {
    const start = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/devicecode`, { form: { client_id: CLI, scope: 'openid' } });
    const { user_code: userCode, verification_uri: page } = start.json as { user_code: string; verification_uri: string };
    const html = await sandboxFetch(sb, 'GET', page);
    assert.match(html.text, /data-user="alice"/);
    const submitted = await sandboxFetch(sb, 'POST', page, { form: { code: userCode.toLowerCase(), user: 'dave' } });
    assert.match(submitted.text, /You have signed in/);
    const second = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/devicecode`, { form: { client_id: CLI, scope: 'openid' } });
    sb.control.declineDeviceCode();
    const declined = await token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLI, device_code: (second.json as { device_code: string }).device_code }, 'organizations');
    assert.equal((declined.json as { error: string }).error, 'authorization_declined');
  });

  test('authorization code with PKCE: account picker page, redirect, code redemption, verifier and reuse checks', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({ client_id: CLI, response_type: 'code', redirect_uri: 'http://localhost:8400', scope: 'https://management.azure.com/.default openid offline_access', state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256' });
    const picker = await sandboxFetch(sb, 'GET', `${sb.url}/organizations/oauth2/v2.0/authorize?${query}`);
    assert.equal(picker.status, 200);
    assert.match(picker.text, /Pick an account/);
    const chosen = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/authorize`, { form: { ...Object.fromEntries(query), user: 'alice' } });
    assert.equal(chosen.status, 302);
    const location = new URL(String(chosen.headers.location));
    assert.equal(location.origin, 'http://localhost:8400');
    assert.equal(location.searchParams.get('state'), 's1');
    const code = location.searchParams.get('code')!;
    const redeem = (codeVerifier: string) => token({ grant_type: 'authorization_code', client_id: CLI, code, redirect_uri: 'http://localhost:8400', code_verifier: codeVerifier }, 'organizations');
    const ok = await redeem(verifier);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(decodeJwt((ok.json as { id_token: string }).id_token).nonce, 'n1');
    assert.deepEqual(((await redeem(verifier)).json as { error_codes: number[] }).error_codes, [70008], 'codes are single-use');

    sb.control.settings({ autoSignInAs: 'bob' });
    const auto = await sandboxFetch(sb, 'GET', `${sb.url}/organizations/oauth2/v2.0/authorize?${query}`);
    assert.equal(auto.status, 302, 'signs in without a person');
    const autoCode = new URL(String(auto.headers.location)).searchParams.get('code')!;
    const wrong = await token({ grant_type: 'authorization_code', client_id: CLI, code: autoCode, redirect_uri: 'http://localhost:8400', code_verifier: 'x'.repeat(50) }, 'organizations');
    assert.deepEqual((wrong.json as { error_codes: number[] }).error_codes, [501481]);
  });
});

describe('managed identity endpoints (loopback)', () => {
  test('App Service style: the X-IDENTITY-HEADER secret, system and user-assigned identities', async () => {
    const env = sb.managedIdentityEnv('appservice');
    const call = (query: string, secret = env.IDENTITY_HEADER!) => sandboxFetch(sb, 'GET', `${env.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https://management.azure.com&${query}`, { headers: { 'X-IDENTITY-HEADER': secret } });
    const system = await call('');
    assert.equal(system.status, 200, system.text);
    const body = system.json as { access_token: string; expires_on: string; client_id: string };
    assert.match(body.expires_on, /^\d+$/);
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.oid, sb.managedIdentities['vm-system']!.objectId);
    assert.equal(claims.xms_mirid, sb.managedIdentities['vm-system']!.resourceId);
    const user = await call(`client_id=${sb.managedIdentities['app-identity']!.clientId}`);
    assert.equal(decodeJwt((user.json as { access_token: string }).access_token).oid, sb.managedIdentities['app-identity']!.objectId);
    assert.equal((await call('', 'wrong')).status, 401);
  });

  test('IMDS style: Metadata header required, unknown identity refused, the "none" knob', async () => {
    const base = sb.managedIdentityEnv('imds').AZURE_POD_IDENTITY_AUTHORITY_HOST!;
    const path = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net';
    assert.equal((await sandboxFetch(sb, 'GET', `${base}${path}`)).status, 400, 'no Metadata header');
    const ok = await sandboxFetch(sb, 'GET', `${base}${path}`, { headers: { Metadata: 'true' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(typeof (ok.json as { expires_in: unknown }).expires_in, 'string');
    const unknown = await sandboxFetch(sb, 'GET', `${base}${path}&client_id=${randomUUID()}`, { headers: { Metadata: 'true' } });
    assert.deepEqual(unknown.json, { error: 'invalid_request', error_description: 'Identity not found' });
    const none = sb.managedIdentityEnv('none').AZURE_POD_IDENTITY_AUTHORITY_HOST!;
    assert.deepEqual((await sandboxFetch(sb, 'GET', `${none}${path}`, { headers: { Metadata: 'true' } })).json, { error: 'invalid_request', error_description: 'Identity not found' });
  });
});

describe('egress proxy', () => {
  function connect(target: string): Promise<{ status: number; socket: import('node:net').Socket }> {
    const proxy = new URL(sb.proxyUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target, timeout: 5000 });
      req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
  }

  test('tunnels to login.microsoftonline.com are answered by the sandbox with a certificate the CA signed', async () => {
    const { status, socket } = await connect('login.microsoftonline.com:443');
    assert.equal(status, 200);
    const tls = tlsConnect({ socket, servername: 'login.microsoftonline.com', ca: readFileSync(sb.caFile, 'utf8') });
    const text = await new Promise<string>((resolve, reject) => {
      let data = '';
      tls.on('secureConnect', () => tls.write(`GET /${sb.tenantId}/v2.0/.well-known/openid-configuration HTTP/1.1\r\nHost: login.microsoftonline.com\r\nConnection: close\r\n\r\n`));
      tls.on('data', (c: Buffer) => { data += c.toString(); });
      tls.on('end', () => resolve(data));
      tls.on('error', reject);
    });
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, new RegExp(`"issuer":"https://login.microsoftonline.com/${sb.tenantId}/v2.0"`));
  });

  test('tunnels to loopback pass through (clients that ignore NO_PROXY still reach the sandbox)', async () => {
    const { status, socket } = await connect(new URL(sb.url).host);
    assert.equal(status, 200);
    const tls = tlsConnect({ socket, servername: 'localhost', ca: readFileSync(sb.caFile, 'utf8') });
    const text = await new Promise<string>((resolve, reject) => {
      let data = '';
      tls.on('secureConnect', () => tls.write(`GET /_sandbox/health HTTP/1.1\r\nHost: ${new URL(sb.url).host}\r\nConnection: close\r\n\r\n`));
      tls.on('data', (c: Buffer) => { data += c.toString(); });
      tls.on('end', () => resolve(data));
      tls.on('error', reject);
    });
    assert.match(text, /"ok":true/);
    assert.equal(sb.control.counters()['egress.blocked'], undefined);
  });

  test('everything else is refused and counted, nothing leaves the machine', async () => {
    const { status } = await connect('example.org:443');
    assert.equal(status, 403);
    const proxy = new URL(sb.proxyUrl);
    const imds = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: proxy.hostname, port: proxy.port, path: 'http://169.254.169.254/metadata/identity/oauth2/token', headers: { Host: '169.254.169.254' }, timeout: 5000 }, () => resolve('answered'));
      req.on('error', (error) => resolve(`closed: ${error.message}`));
      req.end();
    });
    assert.match(imds, /^closed/, 'the IMDS probe gets no answer, as on a laptop');
    assert.equal(sb.control.counters()['egress.blocked'], 2);
    assert.deepEqual(sb.control.requestLog().filter((e) => e.route === 'egress.blocked').map((e) => e.host).sort(), ['169.254.169.254', 'example.org:443']);
  });
});

describe('faults, log and counters', () => {
  const clientCredentials = () => token({ grant_type: 'client_credentials', client_id: sb.servicePrincipal.clientId, client_secret: sb.servicePrincipal.clientSecret, scope: 'https://management.azure.com/.default' });

  test('status with Retry-After for the first N requests, then normal answers', async () => {
    sb.control.injectFault({ route: 'entra.token', status: 429, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await clientCredentials();
      assert.equal(res.status, 429);
      assert.equal(res.headers['retry-after'], '7');
      assert.equal((res.json as { error: string }).error, 'temporarily_unavailable');
    }
    assert.equal((await clientCredentials()).status, 200);
  });

  test('latency, a dropped connection, a truncated body (through the HTTP control API too)', async () => {
    sb.control.injectFault({ route: 'entra.token', latencyMs: 300, times: 1 });
    const started = Date.now();
    assert.equal((await clientCredentials()).status, 200);
    assert.ok(Date.now() - started >= 290);
    const added = await sandboxFetch(sb, 'POST', `${sb.url}/_sandbox/faults`, { json: { route: `/${sb.tenantId}/oauth2/v2.0/*`, method: 'POST', drop: true, times: 1 } });
    assert.equal(added.status, 201, added.text);
    await assert.rejects(clientCredentials(), /socket hang up|ECONNRESET/);
    sb.control.injectFault({ route: 'entra.openidConfiguration', truncate: true, times: 1 });
    await assert.rejects(sandboxFetch(sb, 'GET', `${sb.url}/${sb.tenantId}/v2.0/.well-known/openid-configuration`), /aborted|ECONNRESET|terminated/);
    assert.equal((await sandboxFetch(sb, 'DELETE', `${sb.url}/_sandbox/faults`)).status, 204);
    assert.deepEqual(sb.control.faults(), []);
  });

  test('the request log has routes, statuses and timing but never a secret or a token', async () => {
    const res = await clientCredentials();
    const accessToken = (res.json as { access_token: string }).access_token;
    await sandboxFetch(sb, 'GET', `${sb.resourceManager}/subscriptions?api-version=2022-12-01`, { headers: { Authorization: `Bearer ${accessToken}` } });
    await token({ grant_type: 'password', client_id: CLI, username: sb.users.alice!.upn, password: sb.users.alice!.password, scope: 'openid' }, 'organizations');
    const log = (await sandboxFetch(sb, 'GET', `${sb.url}/_sandbox/log`)).text;
    assert.ok(!log.includes(sb.servicePrincipal.clientSecret));
    assert.ok(!log.includes(sb.users.alice!.password));
    assert.ok(!log.includes(accessToken.split('.')[1]!));
    const entries = JSON.parse(log) as { route: string; status: number; details?: Record<string, string>; authorization?: string }[];
    assert.deepEqual(entries.find((e) => e.route === 'entra.token')?.details?.client_secret, '***');
    assert.equal(entries.find((e) => e.route === 'arm.subscriptions.list')?.authorization, 'Bearer ***');
    const counters = (await sandboxFetch(sb, 'GET', `${sb.url}/_sandbox/counters`)).json as Record<string, number>;
    assert.equal(counters['entra.token'], 2);
    assert.equal(counters['token.issued'], 2);
  });

  test('hostile input does not take the server down', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    await sandboxFetch(sb, 'POST', `${sb.url}/${sb.tenantId}/oauth2/v2.0/token`, { body: big, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }).catch(() => undefined);
    for (const path of ['/%ff%fe', '/..%2f..%2fetc/passwd', '/arm/subscriptions/%00', '/graph/v1.0/users/%E0%A4%A', `/${'a'.repeat(5000)}/oauth2/v2.0/token`]) {
      const res = await sandboxFetch(sb, 'GET', `${sb.url}${path}`);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    }
    const reseed = await sandboxFetch(sb, 'POST', `${sb.url}/_sandbox/reseed`, { body: '{"tenant":', headers: { 'Content-Type': 'application/json' } });
    assert.equal(reseed.status, 400);
    const badSeed = await sandboxFetch(sb, 'POST', `${sb.url}/_sandbox/reseed`, { json: { tenant: { id: 'x' } } });
    assert.equal(badSeed.status, 400);
    assert.match(badSeed.text, /invalid sandbox seed/);
    assert.equal((await clientCredentials()).status, 200, 'still serving');
  });
});
