// Microsoft Graph for the Access view: whose groups (users and service principals, nested, with a display name
// that is markup), the advanced-query rules of the group cast, $top and nextLink paging, getByIds batches, and
// which client's token may write to the directory.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { clientCredentialsToken, readCapture, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';

const GROUPS = { devTeam: 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', platform: '846caa2c-cbfd-418e-932d-e58ef179e80b', markup: 'bc0d32ba-d959-4794-a9d9-2816cd8ab171', workloads: '6a16d626-0b8c-4a25-bb4f-00ff4e3ad9c3' };
const CLIENTS = { azureCli: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', powershell: '1950a258-227b-4e31-a9cf-717495945fc2', vscode: 'aebc6443-996d-45c2-90f0-388ff96faa56' };
const EVENTUAL = { ConsistencyLevel: 'eventual' };

let sb: Sandbox;
const tokens: Record<string, string> = {};

/** A user's Graph token as a given client app gets it (password grant, as az does with -u/-p). */
async function clientToken(user: string, clientId: string): Promise<string> {
  const u = sb.users[user]!;
  const res = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/token`, {
    form: { grant_type: 'password', client_id: clientId, username: u.upn, password: u.password, scope: 'https://graph.microsoft.com/.default openid profile offline_access' },
  });
  assert.equal(res.status, 200, res.text);
  return (res.json as { access_token: string }).access_token;
}

before(async () => {
  sb = await startSandbox();
  tokens.sp = await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default');
  tokens.alice = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
});
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

function graph(method: string, path: string, token: string, options: { json?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsResult> {
  return sandboxFetch(sb, method, path.startsWith('https://') ? path : `${sb.graph}${path}`, { headers: { Authorization: `Bearer ${token}`, ...options.headers }, ...(options.json !== undefined ? { json: options.json } : {}) });
}
type Page = { '@odata.count'?: number; '@odata.nextLink'?: string; '@odata.context': string; value: { id: string; displayName: string; '@odata.type'?: string }[] };
const page = (res: HttpsResult): Page => res.json as Page;
const errorOf = (res: HttpsResult): { code: string; message: string } => (res.json as { error: { code: string; message: string } }).error;

describe('transitive group memberships', () => {
  test('/me/transitiveMemberOf/microsoft.graph.group needs ConsistencyLevel: eventual and $count=true', async () => {
    for (const [path, headers] of [
      ['/v1.0/me/transitiveMemberOf/microsoft.graph.group', {}],
      ['/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true', {}],
      ['/v1.0/me/transitiveMemberOf/microsoft.graph.group', EVENTUAL],
    ] as const) {
      const res = await graph('GET', path, tokens.alice!, { headers });
      assert.equal(res.status, 400, `${path} ${JSON.stringify(headers)}`);
      assert.deepEqual([errorOf(res).code, errorOf(res).message], ['Request_UnsupportedQuery', 'Invalid search request.']);
    }
    const res = await graph('GET', '/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true&$select=id,displayName', tokens.alice!, { headers: EVENTUAL });
    assert.equal(res.status, 200, res.text);
    assert.equal(page(res)['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName)');
    assert.equal(page(res)['@odata.count'], 3);
    assert.deepEqual(page(res).value.map((g) => g.id).sort(), [GROUPS.devTeam, GROUPS.platform, GROUPS.markup].sort());
    // The markup is data: Graph returns it verbatim, and so does the sandbox; showing it as text is the client's job.
    assert.equal(page(res).value.find((g) => g.id === GROUPS.markup)!.displayName, '<img src=x onerror=alert(1)>');
    const plain = await graph('GET', '/v1.0/me/transitiveMemberOf', tokens.alice!);
    assert.equal(plain.status, 200, 'without the cast no advanced query is needed');
    assert.equal(page(plain)['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects');
  });

  test('service principals and managed identities: transitiveMemberOf and its group cast', async () => {
    const identity = sb.managedIdentities['app-identity']!.objectId;
    const groups = await graph('GET', `/v1.0/servicePrincipals/${identity}/transitiveMemberOf`, tokens.sp!);
    assert.deepEqual(page(groups).value.map((g) => g.id), [GROUPS.workloads]);
    const cast = await graph('GET', `/v1.0/servicePrincipals/${identity}/transitiveMemberOf/microsoft.graph.group?$count=true`, tokens.sp!, { headers: EVENTUAL });
    assert.deepEqual([page(cast)['@odata.count'], page(cast).value.map((g) => g['@odata.type'])], [1, ['#microsoft.graph.group']]);
    assert.equal((await graph('GET', `/v1.0/servicePrincipals/${identity}/transitiveMemberOf/microsoft.graph.group`, tokens.sp!)).status, 400);
    const none = await graph('GET', `/v1.0/servicePrincipals/${sb.servicePrincipal.objectId}/transitiveMemberOf/microsoft.graph.group?$count=true`, tokens.sp!, { headers: EVENTUAL });
    assert.deepEqual(page(none).value, []);
    assert.equal((await graph('GET', `/v1.0/servicePrincipals/${randomUUID()}/transitiveMemberOf`, tokens.sp!)).status, 404);
  });

  test('nested groups: sg-dev-team is in sg-platform-readers; transitiveMembers and its casts', async () => {
    const members = await graph('GET', `/v1.0/groups/${GROUPS.platform}/transitiveMembers/microsoft.graph.user?$count=true`, tokens.sp!, { headers: EVENTUAL });
    assert.deepEqual(page(members).value.map((m) => m.displayName).sort(), ['Alice Developer', 'Bob Platform']);
    const direct = await graph('GET', `/v1.0/groups/${GROUPS.platform}/members/microsoft.graph.group`, tokens.sp!);
    assert.deepEqual(page(direct).value.map((m) => m.id), [GROUPS.devTeam], 'casting direct members needs no advanced query');
    const refused = await graph('GET', `/v1.0/groups/${GROUPS.platform}/transitiveMembers/microsoft.graph.group`, tokens.sp!);
    assert.deepEqual([refused.status, errorOf(refused).message], [400, 'Invalid search request.']);
  });

  test('$top up to 999 and @odata.nextLink paging (headers are not carried by the link; the client re-sends them)', async () => {
    const first = await graph('GET', '/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true&$top=2', tokens.alice!, { headers: EVENTUAL });
    assert.equal(page(first).value.length, 2);
    assert.equal(page(first)['@odata.count'], 3);
    const next = page(first)['@odata.nextLink']!;
    assert.match(next, /\$skiptoken=/);
    const second = await graph('GET', next, tokens.alice!, { headers: EVENTUAL });
    assert.equal(page(second).value.length, 1);
    assert.equal(page(second)['@odata.count'], undefined, '@odata.count only on the first page');
    assert.equal(page(second)['@odata.nextLink'], undefined);
    assert.equal((await graph('GET', '/v1.0/me/transitiveMemberOf?$top=999', tokens.alice!)).status, 200);
    const tooMany = await graph('GET', '/v1.0/me/transitiveMemberOf?$top=1000', tokens.alice!);
    assert.deepEqual([tooMany.status, errorOf(tooMany).code], [400, 'Request_UnsupportedQuery']);
  });

  test('directoryObjects/getByIds takes up to 1000 ids per request', async () => {
    const known = [sb.users.alice!.objectId, GROUPS.markup, sb.servicePrincipal.objectId];
    const ids = [...known, ...Array.from({ length: 997 }, () => randomUUID())];
    const res = await graph('POST', '/v1.0/directoryObjects/getByIds', tokens.sp!, { json: { ids, types: ['user', 'group', 'servicePrincipal'] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(page(res).value.map((o) => o.id).sort(), [...known].sort());
    const over = await graph('POST', '/v1.0/directoryObjects/getByIds', tokens.sp!, { json: { ids: [...ids, randomUUID()] } });
    assert.deepEqual([over.status, errorOf(over).code], [400, 'Request_BadRequest']);
  });
});

describe("the token's client and delegated permissions decide what Graph lets a user write", () => {
  test('az and Azure PowerShell carry Directory.AccessAsUser.All; VS Code only User.Read', async () => {
    const scp = async (clientId: string): Promise<string> => String(decodeJwt(await clientToken('bob', clientId)).scp);
    assert.match(await scp(CLIENTS.azureCli), /\bDirectory\.AccessAsUser\.All\b/);
    assert.match(await scp(CLIENTS.powershell), /\bDirectory\.AccessAsUser\.All\b/);
    assert.equal(await scp(CLIENTS.vscode), 'email openid profile User.Read');
  });

  test('a Groups Administrator with a VS Code token may read but not create groups or change members (403, the real body)', async () => {
    const capture = readCapture('graph/errors/Authorization_RequestDenied_403.json') as { status: number; body: { error: { code: string; message: string } } };
    const vscode = await clientToken('bob', CLIENTS.vscode);
    const group = { displayName: 'sg-from-vscode', mailEnabled: false, mailNickname: 'sg-from-vscode', securityEnabled: true };
    const create = await graph('POST', '/v1.0/groups', vscode, { json: group });
    assert.equal(create.status, capture.status);
    assert.deepEqual([errorOf(create).code, errorOf(create).message], [capture.body.error.code, capture.body.error.message]);
    const member = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${sb.users.erin!.objectId}` };
    assert.equal((await graph('POST', `/v1.0/groups/${GROUPS.devTeam}/members/$ref`, vscode, { json: member })).status, 403);
    assert.equal((await graph('DELETE', `/v1.0/groups/${GROUPS.devTeam}/members/${sb.users.bob!.objectId}/$ref`, vscode)).status, 403);
    assert.equal((await graph('GET', '/v1.0/me/transitiveMemberOf', vscode)).status, 200, 'reading its own groups still works');
    const org = await graph('GET', '/v1.0/organization', vscode);
    const tenant = (org.json as { value: Record<string, unknown>[] }).value[0]!;
    assert.deepEqual([tenant.displayName, tenant.countryLetterCode, Array.isArray(tenant.verifiedDomains)], ['Contoso Sandbox', null, true], 'User.Read sees id, displayName and verifiedDomains only');

    const az = await clientToken('bob', CLIENTS.azureCli);
    assert.equal((await graph('POST', '/v1.0/groups', az, { json: group })).status, 201, 'the same user through az');
    assert.equal((await graph('POST', `/v1.0/groups/${GROUPS.devTeam}/members/$ref`, az, { json: member })).status, 204);
    const erinGroups = await graph('GET', `/v1.0/users/${sb.users.erin!.objectId}/transitiveMemberOf`, tokens.sp!);
    assert.deepEqual(page(erinGroups).value.map((g) => g.id).sort(), [GROUPS.devTeam, GROUPS.platform].sort(), 'membership changes are seen at once');
  });

  test('app registrations: users may create them with az; the VS Code client may not', async () => {
    const vscode = await clientToken('alice', CLIENTS.vscode);
    assert.equal((await graph('POST', '/v1.0/applications', vscode, { json: { displayName: 'nope' } })).status, 403);
    const created = await graph('POST', '/v1.0/applications', tokens.alice!, { json: { displayName: 'python-app' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await graph('POST', '/v1.0/applications', tokens.alice!, { json: { displayName: 'x', passwordCredentials: [{}] } })).status, 400, 'passwords only through addPassword');
    const bad = await graph('POST', '/v1.0/servicePrincipals', tokens.alice!, { json: { appId: randomUUID() } });
    assert.equal(bad.status, 400, 'no such application');
  });
});
