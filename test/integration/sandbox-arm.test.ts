// ARM stand-in: subscriptions, tenants, resource groups and resources, role definitions and role assignments
// (filters, inheritance, writes and their errors), RBAC from the caller's own assignments, api-versions, paging
// and bearer checks.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { clientCredentialsToken, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const PROD = '03b6d5ca-c618-452a-93e3-2b4ab99f3253';
const RG_APP = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const DEV_TEAM = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
const API = 'api-version=2022-04-01';
const MG = '/providers/Microsoft.Management/managementGroups/mg-sandbox-platform';

let sb: Sandbox;
const tokens: Record<string, string> = {};

before(async () => {
  sb = await startSandbox({ pageSize: 100 });
  tokens.sp = await clientCredentialsToken(sb);
  for (const user of ['alice', 'bob', 'dave']) tokens[user] = await userToken(sb, user);
});
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

function arm(method: string, path: string, who: string, json?: unknown): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.resourceManager}${path}`, { headers: { Authorization: `Bearer ${tokens[who]}` }, ...(json !== undefined ? { json } : {}) });
}

type List = { value: Record<string, unknown>[]; nextLink?: string };
type Assignment = { name: string; properties: { scope: string; principalId: string; roleDefinitionId: string } };

async function listAll(path: string, who: string): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let url: string | undefined = `${sb.resourceManager}${path}`;
  let pages = 0;
  while (url) {
    const res = await sandboxFetch(sb, 'GET', url, { headers: { Authorization: `Bearer ${tokens[who]}` } });
    assert.equal(res.status, 200, res.text);
    const body = res.json as List;
    items.push(...body.value);
    url = body.nextLink;
    pages++;
  }
  return { items, pages };
}

describe('tenants, subscriptions, resource groups, resources', () => {
  test('subscriptions are those the caller has any role on (directly or through groups)', async () => {
    const names = async (who: string) => ((await arm('GET', '/subscriptions?api-version=2022-12-01', who)).json as List).value.map((s) => s.displayName).sort();
    assert.deepEqual(await names('alice'), ['Sandbox Dev', 'Sandbox Prod']);
    assert.deepEqual(await names('bob'), ['Sandbox Dev', 'Sandbox Prod']);
    assert.deepEqual(await names('dave'), []);
    assert.deepEqual(await names('sp'), ['Sandbox Dev']);
    assert.equal((await arm('GET', `/subscriptions/${PROD}?api-version=2022-12-01`, 'sp')).status, 404);
    const tenants = (await arm('GET', '/tenants?api-version=2022-12-01', 'dave')).json as List;
    assert.deepEqual(tenants.value.map((t) => t.tenantId), [sb.tenantId]);
  });

  test('resource groups, resources, a storage account and a key vault', async () => {
    const groups = (await arm('GET', `/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`, 'sp')).json as List;
    assert.deepEqual(groups.value.map((g) => g.name), ['rg-app', 'rg-shared']);
    const resources = (await arm('GET', `${RG_APP}/resources?api-version=2021-04-01`, 'sp')).json as List;
    assert.deepEqual(resources.value.map((r) => r.type).sort(), ['Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/vaults', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'Microsoft.ServiceBus/namespaces', 'Microsoft.Storage/storageAccounts']);
    const storage = await arm('GET', `${RG_APP}/providers/Microsoft.Storage/storageAccounts/stsandboxapp?api-version=2023-01-01`, 'alice');
    assert.equal(storage.status, 200, storage.text);
    assert.equal((storage.json as { properties: { primaryEndpoints: { blob: string } } }).properties.primaryEndpoints.blob, 'https://stsandboxapp.blob.core.windows.net/');
    const vault = await arm('GET', `${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-sandbox-app?api-version=2023-07-01`, 'alice');
    assert.equal((vault.json as { properties: { vaultUri: string } }).properties.vaultUri, 'https://kv-sandbox-app.vault.azure.net/');
    const missing = await arm('GET', `${RG_APP}/providers/Microsoft.Storage/storageAccounts/nope?api-version=2023-01-01`, 'sp');
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { error: { code: string } }).error.code, 'ResourceNotFound');
    assert.equal(((await arm('GET', `/subscriptions/${SUB}/resourceGroups/nope?api-version=2021-04-01`, 'sp')).json as { error: { code: string } }).error.code, 'ResourceGroupNotFound');
    const denied = await arm('GET', `${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-sandbox-app?api-version=2023-07-01`, 'dave');
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['x-ms-failure-cause'], 'gateway');
  });

  test('resource lists as az storage account list, az keyvault list and az identity list ask for them', async () => {
    // az keyvault list: /resources with a resourceType filter and the api-version azure-mgmt-keyvault hard-codes.
    const vaults = await arm('GET', `/subscriptions/${SUB}/resources?$filter=resourceType eq 'Microsoft.KeyVault/vaults'&api-version=2015-11-01`, 'alice');
    assert.equal(vaults.status, 200, vaults.text);
    assert.deepEqual((vaults.json as List).value.map((r) => r.name), ['kv-sandbox-app', 'kv-sandbox-legacy']);
    const byName = (await arm('GET', `/subscriptions/${SUB}/resources?$filter=resourceGroup eq 'rg-shared' and name eq 'stsandboxshared'&api-version=2021-04-01`, 'sp')).json as List;
    assert.deepEqual(byName.value.map((r) => r.type), ['Microsoft.Storage/storageAccounts']);
    const badFilter = await arm('GET', `/subscriptions/${SUB}/resources?$filter=tagName eq 'env'&api-version=2021-04-01`, 'sp');
    assert.equal(badFilter.status, 400);
    assert.equal((badFilter.json as { error: { code: string } }).error.code, 'InvalidFilterInQueryString');
    // az storage account list: the provider's own list, at subscription and resource-group scope, with properties.
    const accounts = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts?api-version=2022-09-01`, 'sp');
    assert.equal(accounts.status, 200, accounts.text);
    const accountList = (accounts.json as List).value as { name: string; properties: { primaryEndpoints: { blob: string } } }[];
    assert.deepEqual(accountList.map((a) => [a.name, a.properties.primaryEndpoints.blob]),
      [['stsandboxapp', 'https://stsandboxapp.blob.core.windows.net/'], ['stsandboxshared', 'https://stsandboxshared.blob.core.windows.net/']]);
    const inGroup = (await arm('GET', `${RG_APP}/providers/Microsoft.Storage/storageAccounts?api-version=2022-09-01`, 'sp')).json as List;
    assert.deepEqual(inGroup.value.map((a) => a.name), ['stsandboxapp']);
    // alice reads every account through sg-dev-team's custom role at the subscription.
    const hers = (await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts?api-version=2022-09-01`, 'alice')).json as List;
    assert.deepEqual(hers.value.map((a) => a.name), ['stsandboxapp', 'stsandboxshared']);
    const hsms = (await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.KeyVault/managedHSMs?api-version=2023-07-01`, 'alice')).json as List;
    assert.deepEqual(hsms.value, []);
    const identities = (await arm('GET', `${RG_APP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`, 'sp')).json as List;
    assert.deepEqual(identities.value.map((i) => (i.properties as { clientId: string }).clientId), [sb.managedIdentities['app-identity']!.clientId]);
    const oldStorage = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts?api-version=2015-11-01`, 'sp');
    assert.equal((oldStorage.json as { error: { code: string } }).error.code, 'NoRegisteredProviderFound');
    assert.equal((await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts?api-version=2022-09-01`, 'dave')).status, 403);
  });
});

describe('role definitions', () => {
  test('928 built-in roles, filters by type and roleName, tenant and subscription forms of the id', async () => {
    const builtIn = await listAll("/providers/Microsoft.Authorization/roleDefinitions?$filter=type eq 'BuiltInRole'&" + API, 'dave');
    assert.equal(builtIn.items.length, 928);
    assert.equal(builtIn.pages, 10, 'nextLink paging with pageSize 100');
    assert.ok(builtIn.items.every((r) => String(r.id).startsWith('/providers/Microsoft.Authorization/roleDefinitions/')));
    const reader = (await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName eq 'Reader'&${API}`, 'alice')).json as List;
    assert.deepEqual(reader.value.map((r) => r.id), [`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`]);
    const custom = (await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions?$filter=type eq 'CustomRole'&${API}`, 'alice')).json as List;
    assert.deepEqual(custom.value.map((r) => (r.properties as { roleName: string }).roleName), ['Sandbox App Reader']);
    const bad = await arm('GET', `/providers/Microsoft.Authorization/roleDefinitions?$filter=foo eq 'bar'&${API}`, 'alice');
    assert.equal(bad.status, 400);
    const unknown = await arm('GET', `/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}?${API}`, 'alice');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json as { error: { code: string } }).error.code, 'RoleDefinitionDoesNotExist');
  });
});

describe('role assignments: reading', () => {
  const list = async (scope: string, filter: string | undefined, who: string) => {
    const res = await arm('GET', `${scope}/providers/Microsoft.Authorization/roleAssignments?${API}${filter ? `&$filter=${filter}` : ''}`, who);
    assert.equal(res.status, 200, res.text);
    return (res.json as { value: Assignment[] }).value;
  };

  test('atScope() returns assignments at or above the scope; no filter adds those below', async () => {
    const at = await list(RG_APP, 'atScope()', 'sp');
    assert.ok(at.every((a) => RG_APP.toLowerCase().startsWith(a.properties.scope.toLowerCase()) || a.properties.scope.startsWith('/providers/Microsoft.Management/managementGroups/')));
    assert.ok(at.some((a) => a.properties.scope === `/subscriptions/${SUB}`), 'inherited from the subscription');
    assert.ok(at.some((a) => a.properties.scope === MG), 'inherited from the management group above the subscription');
    const all = await list(RG_APP, undefined, 'sp');
    assert.ok(all.some((a) => a.properties.scope.includes('/providers/Microsoft.Storage/')), 'below the scope');
    assert.ok(all.length > at.length);
  });

  test("principalId eq is exact; assignedTo() is transitive through groups (also the caller's own, without read permission)", async () => {
    const alice = sb.users.alice!.objectId;
    const direct = await list(`/subscriptions/${SUB}`, `principalId eq '${alice}'`, 'sp');
    assert.deepEqual(direct.map((a) => a.properties.principalId.toLowerCase()).filter((p) => p !== alice), []);
    assert.equal(direct.length, 3, 'UAA at rg-app, Storage Blob Data Reader on stsandboxapp, the conditioned one on stsandboxshared');
    const transitive = await list(`/subscriptions/${SUB}`, `assignedTo('${alice}')`, 'alice');
    assert.ok(transitive.some((a) => a.properties.principalId === DEV_TEAM), 'through sg-dev-team');
    const prod = await list(`/subscriptions/${PROD}`, `atScope() and assignedTo('${alice}')`, 'alice');
    assert.equal(prod.length, 1, 'Reader on prod through the nested sg-platform-readers');
    assert.ok(prod[0]!.properties.roleDefinitionId.endsWith(READER));
    const group = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${DEV_TEAM}')`, 'sp');
    assert.equal(group.status, 400, 'assignedTo does not take a group id');
    const other = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${sb.users.bob!.objectId}')`, 'dave');
    assert.equal(other.status, 403, "reading someone else's assignments needs permission");
  });

  test('nextLink paging with a small page size', async () => {
    const small = await startSandbox({ pageSize: 2 });
    try {
      const token = await clientCredentialsToken(small);
      const ids: string[] = [];
      let url: string | undefined = `${small.resourceManager}/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}`;
      let pages = 0;
      while (url) {
        const res = await sandboxFetch(small, 'GET', url, { headers: { Authorization: `Bearer ${token}` } });
        const body = res.json as { value: Assignment[]; nextLink?: string };
        assert.ok(body.value.length <= 2);
        ids.push(...body.value.map((a) => a.name));
        url = body.nextLink;
        if (url) assert.match(url, /&\$skipToken=\d+$/);
        pages++;
      }
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(ids.length, 15, 'at, below and (the management group) above the subscription');
      assert.equal(pages, 8);
    } finally {
      await small.stop();
    }
  });
});

describe('role assignments: writing', () => {
  const put = (scope: string, who: string, properties: Record<string, unknown>, name: string = randomUUID()) =>
    arm('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${API}`, who, { properties });
  const readerFor = (principalId: string, extra: Record<string, unknown> = {}) => ({ roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId, ...extra });

  test("the caller's own roles decide: alice may assign in rg-app, not at the subscription; bob nowhere", async () => {
    const dave = sb.users.dave!.objectId;
    const created = await put(RG_APP, 'alice', readerFor(dave));
    assert.equal(created.status, 201, created.text);
    assert.equal((created.json as Assignment).properties.scope, RG_APP);
    const above = await put(`/subscriptions/${SUB}`, 'alice', readerFor(dave));
    assert.equal(above.status, 403);
    assert.match((above.json as { error: { message: string } }).error.message,
      new RegExp(`^The client '${sb.users.alice!.upn}' with object id '${sb.users.alice!.objectId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]+' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`));
    assert.equal((await put(RG_APP, 'bob', readerFor(dave))).status, 403);
    const listed = await arm('GET', `${RG_APP}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=principalId eq '${dave}'`, 'alice');
    assert.equal((listed.json as List).value.length, 1, 'the new assignment is visible');
  });

  test('re-PUT of the same name is 200, same assignment under another name 409, changing it 400, then DELETE 200/204', async () => {
    const name = randomUUID();
    const dave = sb.users.dave!.objectId;
    assert.equal((await put(RG_APP, 'alice', readerFor(dave), name)).status, 201);
    assert.equal((await put(RG_APP, 'alice', readerFor(dave, { description: 'again' }), name)).status, 200);
    const conflict = await put(RG_APP, 'alice', readerFor(dave));
    assert.equal(conflict.status, 409);
    assert.equal((conflict.json as { error: { code: string } }).error.code, 'RoleAssignmentExists');
    const changed = await put(RG_APP, 'alice', readerFor(sb.users.bob!.objectId), name);
    assert.equal(((changed.json as { error: { code: string } }).error.code), 'RoleAssignmentUpdateNotPermitted');
    const path = `${RG_APP}/providers/Microsoft.Authorization/roleAssignments/${name}?${API}`;
    assert.equal((await arm('DELETE', path, 'bob')).status, 403);
    assert.equal((await arm('DELETE', path, 'alice')).status, 200);
    assert.equal((await arm('DELETE', path, 'alice')).status, 204);
    assert.equal((await arm('GET', path, 'alice')).status, 404);
  });

  test('principal checks: replication delay, principalType mismatch, bad ids and bodies', async () => {
    const group = await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/groups`, {
      headers: { Authorization: `Bearer ${await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default')}` },
      json: { displayName: 'sg-fresh', mailEnabled: false, mailNickname: 'sg-fresh', securityEnabled: true },
    });
    const groupId = (group.json as { id: string }).id;
    assert.equal(((await put(RG_APP, 'alice', readerFor(groupId))).json as { error: { code: string } }).error.code, 'PrincipalNotFound');
    assert.equal((await put(RG_APP, 'alice', readerFor(groupId, { principalType: 'Group' }))).status, 201);
    assert.equal(((await put(RG_APP, 'alice', readerFor(sb.users.dave!.objectId, { principalType: 'Group' }))).json as { error: { code: string } }).error.code, 'UnmatchedPrincipalType');
    assert.equal(((await put(RG_APP, 'alice', readerFor(sb.users.dave!.objectId), 'not-a-guid')).json as { error: { code: string } }).error.code, 'InvalidRoleAssignmentId');
    assert.equal(((await put(RG_APP, 'alice', { roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/xyz', principalId: sb.users.dave!.objectId })).json as { error: { code: string } }).error.code, 'InvalidRoleDefinitionId');
    const notJson = await sandboxFetch(sb, 'PUT', `${sb.resourceManager}${RG_APP}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?${API}`, { headers: { Authorization: `Bearer ${tokens.alice}`, 'Content-Type': 'application/json' }, body: '{"properties":' });
    assert.equal(notJson.status, 400);
    assert.equal((await put('/subscriptions/00000000-0000-0000-0000-000000000000', 'sp', readerFor(sb.users.dave!.objectId))).status, 404);
  });
});

describe('api-versions and bearer tokens', () => {
  test('missing and unsupported api-versions', async () => {
    const missing = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments`, 'sp');
    assert.deepEqual([missing.status, (missing.json as { error: { code: string } }).error.code], [400, 'MissingApiVersionParameter']);
    const provider = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=2099-01-01`, 'sp');
    assert.equal((provider.json as { error: { code: string } }).error.code, 'NoRegisteredProviderFound');
    const core = await arm('GET', '/subscriptions?api-version=2099-01-01', 'sp');
    assert.equal((core.json as { error: { code: string } }).error.code, 'InvalidApiVersionParameter');
  });

  test('missing, foreign-audience, forged and expired tokens', async () => {
    const path = `${sb.resourceManager}/subscriptions?api-version=2022-12-01`;
    const none = await sandboxFetch(sb, 'GET', path);
    assert.deepEqual([none.status, (none.json as { error: { code: string } }).error.code], [401, 'AuthenticationFailed']);
    assert.match(String(none.headers['www-authenticate']), /^Bearer authorization_uri=/);
    const graphToken = await clientCredentialsToken(sb, 'https://graph.microsoft.com/.default');
    const audience = await sandboxFetch(sb, 'GET', path, { headers: { Authorization: `Bearer ${graphToken}` } });
    assert.equal((audience.json as { error: { code: string } }).error.code, 'InvalidAuthenticationTokenAudience');
    const [h, p] = tokens.sp!.split('.');
    const forged = await sandboxFetch(sb, 'GET', path, { headers: { Authorization: `Bearer ${h}.${p}.${Buffer.from('forged').toString('base64url')}` } });
    assert.equal((forged.json as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');
    sb.control.settings({ accessTokenLifetimeSeconds: 1 });
    const shortLived = await clientCredentialsToken(sb);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await sandboxFetch(sb, 'GET', path, { headers: { Authorization: `Bearer ${shortLived}` } });
    assert.equal(expired.status, 401);
    assert.equal((expired.json as { error: { code: string } }).error.code, 'ExpiredAuthenticationToken');
  });

  test('faults by path glob answer with the ARM error shape', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions/*/providers/Microsoft.Authorization/roleAssignments', status: 503, times: 1 });
    const faulted = await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}`, 'sp');
    assert.equal(faulted.status, 503);
    assert.equal(typeof (faulted.json as { error: { code: string } }).error.code, 'string');
    assert.equal((await arm('GET', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}`, 'sp')).status, 200);
    assert.equal(sb.control.counters()['arm.roleAssignments.list'], 2);
  });
});
