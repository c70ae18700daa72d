// Microsoft Graph stand-in beyond the captures: delegated-only /me, bearer errors, query validation, group life
// cycle and memberships (transitive, casts and the advanced-query rules), service principals, getByIds.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { defaultSeed } from '../../src/sandbox/seed';
import { clientCredentialsToken, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';

const DEV_TEAM = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
const PLATFORM = '846caa2c-cbfd-418e-932d-e58ef179e80b';
const MARKUP = 'bc0d32ba-d959-4794-a9d9-2816cd8ab171';
let sb: Sandbox;
const tokens: Record<string, string> = {};

before(async () => {
  sb = await startSandbox();
  tokens.sp = await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default');
  tokens.alice = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
  tokens.bob = await userToken(sb, 'bob', 'https://graph.microsoft.com/.default');
});
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

function graph(method: string, path: string, who: string, options: { json?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.graph}${path}`, { headers: { Authorization: `Bearer ${tokens[who]}`, ...options.headers }, ...(options.json !== undefined ? { json: options.json } : {}) });
}
const code = (res: HttpsResult) => (res.json as { error?: { code: string } }).error?.code;
const values = (res: HttpsResult) => (res.json as { value: Record<string, unknown>[] }).value;

describe('authentication and the delegated-only /me', () => {
  test('401 bodies for missing, expired-style and foreign-audience tokens; /me with an app token is 400', async () => {
    const none = await sandboxFetch(sb, 'GET', `${sb.graph}/v1.0/me`);
    assert.deepEqual([none.status, code(none), (none.json as { error: { message: string } }).error.message], [401, 'InvalidAuthenticationToken', 'Access token is empty.']);
    assert.ok(none.headers['request-id'] && none.headers['client-request-id']);
    const armToken = await clientCredentialsToken(sb);
    const wrong = await sandboxFetch(sb, 'GET', `${sb.graph}/v1.0/me`, { headers: { Authorization: `Bearer ${armToken}` } });
    assert.equal((wrong.json as { error: { message: string } }).error.message, 'Access token validation failure. Invalid audience.');
    const app = await graph('GET', '/v1.0/me', 'sp');
    assert.deepEqual([app.status, code(app)], [400, 'BadRequest']);
    const me = await graph('GET', '/v1.0/me?$select=id,userPrincipalName', 'alice');
    assert.deepEqual(me.json, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName)/$entity', id: sb.users.alice!.objectId, userPrincipalName: sb.users.alice!.upn });
  });
});

describe('queries', () => {
  test('users by UPN, unknown $select properties, bad $top, unsupported filters', async () => {
    const byUpn = await graph('GET', `/v1.0/users/${encodeURIComponent(sb.users.bob!.upn)}`, 'sp');
    assert.equal((byUpn.json as { id: string }).id, sb.users.bob!.objectId);
    assert.equal(code(await graph('GET', '/v1.0/users?$select=id,aboutMeNope', 'sp')), 'Request_BadRequest');
    assert.equal(code(await graph('GET', '/v1.0/users?$top=5000', 'sp')), 'Request_UnsupportedQuery');
    assert.equal(code(await graph('GET', "/v1.0/users?$filter=faxNumber%20eq%20'1'", 'sp')), 'Request_UnsupportedQuery');
    assert.equal(code(await graph('GET', "/v1.0/users?$filter=startswith(displayName,'a')&$orderby=displayName", 'sp')), 'Request_UnsupportedQuery', '$filter with $orderby needs advanced parameters');
  });

  test('$count=true is silently ignored without ConsistencyLevel, honoured with it', async () => {
    const plain = await graph('GET', '/v1.0/users?$count=true', 'sp');
    assert.equal((plain.json as Record<string, unknown>)['@odata.count'], undefined);
    const advanced = await graph('GET', '/v1.0/users?$count=true', 'sp', { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal((advanced.json as Record<string, unknown>)['@odata.count'], Object.keys(sb.users).length);
    const text = await graph('GET', '/v1.0/users/$count', 'sp', { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(text.text, String(Object.keys(sb.users).length));
  });

  test('service principals by appId, getByIds with types, organization', async () => {
    const sp = await graph('GET', `/v1.0/servicePrincipals?$filter=appId%20eq%20'${sb.servicePrincipal.clientId}'`, 'sp');
    assert.deepEqual(values(sp).map((s) => s.id), [sb.servicePrincipal.objectId]);
    const mi = await graph('GET', `/v1.0/servicePrincipals/${sb.managedIdentities['app-identity']!.objectId}`, 'sp');
    assert.equal((mi.json as { servicePrincipalType: string }).servicePrincipalType, 'ManagedIdentity');
    const byIds = await graph('POST', '/v1.0/directoryObjects/getByIds', 'sp', { json: { ids: [sb.users.alice!.objectId, DEV_TEAM, randomUUID()], types: ['user'] } });
    assert.deepEqual(values(byIds).map((o) => o['@odata.type']), ['#microsoft.graph.user']);
    assert.equal(code(await graph('POST', '/v1.0/directoryObjects/getByIds', 'sp', { json: { ids: 'nope' } })), 'Request_BadRequest');
    const org = await graph('GET', '/v1.0/organization', 'alice');
    assert.equal(values(org)[0]!.id, sb.tenantId);
  });
});

describe('groups and memberships', () => {
  test('transitive memberships of users, groups and service principals; the cast and its advanced-query rules', async () => {
    const direct = await graph('GET', `/v1.0/users/${sb.users.alice!.objectId}/memberOf`, 'sp');
    assert.deepEqual(values(direct).map((g) => g.id).sort(), [DEV_TEAM, MARKUP].sort());
    const transitive = await graph('GET', `/v1.0/users/${sb.users.alice!.objectId}/transitiveMemberOf`, 'sp');
    assert.deepEqual(values(transitive).map((g) => g.id).sort(), [DEV_TEAM, PLATFORM, MARKUP].sort());
    const ofGroup = await graph('GET', `/v1.0/groups/${DEV_TEAM}/transitiveMemberOf`, 'sp');
    assert.deepEqual(values(ofGroup).map((g) => g.id), [PLATFORM]);
    const members = await graph('GET', `/v1.0/groups/${PLATFORM}/transitiveMembers`, 'sp');
    assert.deepEqual(values(members).map((m) => m['@odata.type']).sort(), ['#microsoft.graph.group', '#microsoft.graph.user', '#microsoft.graph.user']);
    const spGroups = await graph('GET', `/v1.0/servicePrincipals/${sb.servicePrincipal.objectId}/transitiveMemberOf`, 'sp');
    assert.deepEqual(values(spGroups), []);
    const bobCast = await graph('GET', '/v1.0/me/memberOf/microsoft.graph.group', 'bob');
    assert.ok(values(bobCast).every((v) => v['@odata.type'] === '#microsoft.graph.group'), 'the cast drops directory roles');
    assert.equal((bobCast.json as Record<string, unknown>)['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#groups');
    const filtered = await graph('GET', "/v1.0/me/transitiveMemberOf/microsoft.graph.group?$filter=startswith(displayName,'sg')", 'alice');
    assert.deepEqual([filtered.status, (filtered.json as { error: { message: string } }).error.message], [400, 'The specified filter to the reference property query is currently not supported.']);
    const advanced = await graph('GET', "/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true&$filter=startswith(displayName,'sg-dev')", 'alice', { headers: { ConsistencyLevel: 'eventual' } });
    assert.deepEqual([(advanced.json as Record<string, unknown>)['@odata.count'], values(advanced).length], [1, 1]);
  });

  test('create (app, Groups Administrator; users refused when the tenant restricts it), members, delete', async () => {
    const bad = await graph('POST', '/v1.0/groups', 'sp', { json: { displayName: 'x', mailEnabled: false, mailNickname: 'has space', securityEnabled: true } });
    assert.deepEqual([bad.status, (bad.json as { error: { message: string } }).error.message], [400, "Invalid value specified for property 'mailNickname' of resource 'Group'."]);
    const created = await graph('POST', '/v1.0/groups', 'bob', { json: { displayName: 'sg-bob', mailEnabled: false, mailNickname: 'sg-bob', securityEnabled: true } });
    assert.equal(created.status, 201, created.text);
    const id = (created.json as { id: string }).id;
    assert.equal((await graph('POST', `/v1.0/groups/${id}/members/$ref`, 'alice', { json: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${sb.users.dave!.objectId}` } })).status, 403, 'alice is no group admin');
    assert.equal((await graph('POST', `/v1.0/groups/${id}/members/$ref`, 'bob', { json: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${sb.users.dave!.objectId}` } })).status, 204);
    const listed = await graph('GET', `/v1.0/groups?$filter=displayName%20eq%20'sg-bob'`, 'alice');
    assert.deepEqual(values(listed).map((g) => g.id), [id]);
    assert.equal((await graph('DELETE', `/v1.0/groups/${id}/members/${sb.users.dave!.objectId}/$ref`, 'bob')).status, 204);
    assert.equal((await graph('DELETE', `/v1.0/groups/${id}/members/${sb.users.dave!.objectId}/$ref`, 'bob')).status, 404);
    assert.equal((await graph('DELETE', `/v1.0/groups/${id}`, 'sp')).status, 204);
    assert.equal((await graph('GET', `/v1.0/groups/${id}`, 'sp')).status, 404);
    const permissive = defaultSeed();
    permissive.tenant.usersCanCreateSecurityGroups = true;
    sb.control.reseed(permissive);
    const alice = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
    const allowed = await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/groups`, { headers: { Authorization: `Bearer ${alice}` }, json: { displayName: 'sg-alice', mailEnabled: false, mailNickname: 'sg-alice', securityEnabled: true } });
    assert.equal(allowed.status, 201, 'users may create security groups when the tenant allows it');
    sb.control.reseed(defaultSeed());
  });
});


describe('JSON batching ($batch)', () => {
  interface BatchAnswer { responses: { id: string; status: number; headers: Record<string, string>; body?: Record<string, unknown> }[] }
  const byId = (res: HttpsResult) => new Map((res.json as BatchAnswer).responses.map((r) => [r.id, r]));

  test('each request routed as if alone: its own status, headers and body, the batch\'s token, one HTTP request', async () => {
    const res = await graph('POST', '/v1.0/$batch', 'alice', {
      json: {
        requests: [
          { id: 'me', method: 'GET', url: '/me?$select=id' },
          { id: 'groups', method: 'GET', url: 'me/transitiveMemberOf/microsoft.graph.group?$count=true&$select=id', headers: { ConsistencyLevel: 'eventual' } },
          { id: 'nobody', method: 'GET', url: `/users/${randomUUID()}` },
        ],
      },
    });
    assert.equal(res.status, 200);
    const answers = byId(res);
    assert.equal(answers.get('me')!.status, 200);
    assert.equal(answers.get('me')!.body!.id, sb.users.alice!.objectId);
    const groups = answers.get('groups')!.body!;
    assert.ok(typeof groups['@odata.count'] === 'number' && (groups.value as { id: string }[]).some((g) => g.id === PLATFORM), 'ConsistencyLevel applied inside the batch');
    assert.equal(answers.get('nobody')!.status, 404);
    const http = sb.control.counters()['http.graph'];
    assert.equal(http, 1, 'one HTTP request reached Graph');
    const inner = sb.control.requestLog().filter((e) => e.inBatch);
    assert.equal(inner.length, 3);
    assert.ok(inner.every((e) => e.authorization === 'Bearer ***'));
  });

  test('an injected fault hits the individual request it matches, with its Retry-After inside the batch', async () => {
    sb.control.injectFault({ route: '/graph/v1.0/me/memberOf/**', status: 429, retryAfter: 3, times: 1 });
    const res = await graph('POST', '/v1.0/$batch', 'alice', {
      json: { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'GET', url: '/me/memberOf/microsoft.graph.group' }] },
    });
    const answers = byId(res);
    assert.equal(answers.get('1')!.status, 200);
    assert.equal(answers.get('2')!.status, 429);
    assert.equal(answers.get('2')!.headers['Retry-After'], '3');
    assert.equal((answers.get('2')!.body as { error: { code: string } }).error.code, 'TooManyRequests');
  });

  test('a malformed batch is one 400; more than 20 requests is refused; a write without Content-Type is refused', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    const tooMany = await graph('POST', '/v1.0/$batch', 'alice', { json: { requests: many } });
    assert.deepEqual([tooMany.status, code(tooMany)], [400, 'BadRequest']);
    const write = await graph('POST', '/v1.0/$batch', 'alice', { json: { requests: [{ id: '1', method: 'POST', url: '/groups', body: {} }] } });
    assert.equal(write.status, 400);
    assert.match((write.json as { error: { message: string } }).error.message, /does not contain Content-Type header or body/);
    const dup = await graph('POST', '/v1.0/$batch', 'alice', { json: { requests: [{ id: 'a', method: 'GET', url: '/me' }, { id: 'A', method: 'GET', url: '/me' }] } });
    assert.equal(dup.status, 400);
    assert.equal(sb.control.requestLog().filter((e) => e.inBatch).length, 0, 'nothing of a refused batch runs');
  });

  test('dependsOn: a failed request fails the ones after it with 424', async () => {
    const res = await graph('POST', '/v1.0/$batch', 'alice', {
      json: { requests: [{ id: '1', method: 'GET', url: `/groups/${randomUUID()}` }, { id: '2', method: 'GET', url: '/me', dependsOn: ['1'] }] },
    });
    const answers = byId(res);
    assert.deepEqual([answers.get('1')!.status, answers.get('2')!.status], [404, 424]);
  });
});
