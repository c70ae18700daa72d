// What the Access view reads from ARM: every role assignment that applies to a principal (direct, through groups
// and nested groups, inherited from the subscription and from a management group, with ABAC conditions), deny
// assignments, effective permissions, PIM eligible and active roles, the 403 of a subscription without rights,
// the resources whose settings decide data access, and throttling answers of ARM and Graph.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { defaultSeed, parseSeed } from '../../src/sandbox/seed';
import { TenantState } from '../../src/sandbox/state';
import { clientCredentialsToken, readCapture, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const PROD = '03b6d5ca-c618-452a-93e3-2b4ab99f3253';
const FINANCE = '4aca7f34-d75b-4ecb-a89d-a6a5004cbbb9';
const RG_APP = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const STORAGE = `${RG_APP}/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
const SHARED_STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Storage/storageAccounts/stsandboxshared`;
const MG = '/providers/Microsoft.Management/managementGroups/mg-sandbox-platform';
const GROUPS = { devTeam: 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', platform: '846caa2c-cbfd-418e-932d-e58ef179e80b', markup: 'bc0d32ba-d959-4794-a9d9-2816cd8ab171', workloads: '6a16d626-0b8c-4a25-bb4f-00ff4e3ad9c3' };
const ROLES = {
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c', reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', uaa: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  blobReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', blobContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', costReader: '72fafb9e-0641-4937-9268-a91bfd8191a3',
  appReader: '9d0f54b8-56bc-4353-8e88-a547281e8f94', secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', busSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
};
const API = 'api-version=2022-04-01';
const PIM = 'api-version=2020-10-01';

let sb: Sandbox;
const tokens: Record<string, string> = {};

before(async () => {
  sb = await startSandbox();
  tokens.sp = await clientCredentialsToken(sb);
  for (const user of ['alice', 'bob', 'dave', 'erin']) tokens[user] = await userToken(sb, user);
  tokens.aliceGraph = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
});
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

function arm(path: string, who: string): Promise<HttpsResult> {
  return sandboxFetch(sb, 'GET', `${sb.resourceManager}${path}`, { headers: { Authorization: `Bearer ${tokens[who]}` } });
}

async function ok<T>(path: string, who: string): Promise<T> {
  const res = await arm(path, who);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return res.json as T;
}

type Assignment = { name: string; properties: { scope: string; principalId: string; principalType: string; roleDefinitionId: string; condition: string | null; conditionVersion: string | null } };
type Item<P> = { name: string; id: string; properties: P };
const guidOf = (id: string): string => id.split('/').pop()!;
const errorCode = (res: HttpsResult): string | undefined => (res.json as { error?: { code: string } }).error?.code;

describe('role assignments that apply to a principal', () => {
  test("alice at Sandbox Dev: direct, through sg-dev-team, nested sg-platform-readers, the management group, a condition", async () => {
    const alice = sb.users.alice!.objectId;
    const { value } = await ok<{ value: Assignment[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${alice}')`, 'alice');
    const seen = value.map((a) => [guidOf(a.properties.roleDefinitionId), a.properties.scope, a.properties.principalId, a.properties.principalType].join(' ')).sort();
    assert.deepEqual(seen, [
      [ROLES.contributor, RG_APP, GROUPS.devTeam, 'Group'],
      [ROLES.uaa, RG_APP, alice, 'User'],
      [ROLES.blobReader, STORAGE, alice, 'User'],
      [ROLES.appReader, `/subscriptions/${SUB}`, GROUPS.devTeam, 'Group'],
      [ROLES.reader, `/subscriptions/${SUB}/resourceGroups/rg-shared`, GROUPS.markup, 'Group'],
      [ROLES.costReader, MG, GROUPS.platform, 'Group'],
      [ROLES.blobReader, SHARED_STORAGE, alice, 'User'],
    ].map((row) => row.join(' ')).sort());
    const conditioned = value.find((a) => a.properties.scope === SHARED_STORAGE)!;
    assert.match(conditioned.properties.condition ?? '', /StringEquals 'reports'/);
    assert.equal(conditioned.properties.conditionVersion, '2.0');
    assert.ok(value.filter((a) => a.properties.scope !== SHARED_STORAGE).every((a) => a.properties.condition === null));
    const fromMg = value.find((a) => a.properties.scope === MG)!;
    assert.equal(fromMg.properties.roleDefinitionId, `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.costReader}`, 'tenant form above subscriptions');
    assert.equal(value.find((a) => a.properties.scope === RG_APP && a.properties.principalType === 'Group')!.properties.roleDefinitionId,
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.contributor}`, 'subscription form inside a subscription');
  });

  test('atScope() at rg-app keeps what is inherited (subscription, management group) and drops what lies below', async () => {
    const alice = sb.users.alice!.objectId;
    const { value } = await ok<{ value: Assignment[] }>(`${RG_APP}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=atScope()+and+assignedTo('${alice}')`, 'alice');
    assert.deepEqual(value.map((a) => a.properties.scope).sort(), [RG_APP, RG_APP, `/subscriptions/${SUB}`, MG].sort());
  });

  test('a management group applies to the subscriptions under it only; it can be listed and read at its own scope', async () => {
    const alice = sb.users.alice!.objectId;
    const prod = await ok<{ value: Assignment[] }>(`/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${alice}')`, 'alice');
    assert.deepEqual(prod.value.map((a) => guidOf(a.properties.roleDefinitionId)), [ROLES.reader], 'Sandbox Prod is not under mg-sandbox-platform');
    const atMg = await ok<{ value: Assignment[] }>(`${MG}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=atScope()+and+assignedTo('${alice}')`, 'alice');
    assert.deepEqual(atMg.value.map((a) => [a.properties.scope, a.properties.principalId]), [[MG, GROUPS.platform]], 'only what applies at the group itself');
    const group = await ok<{ name: string; properties: { displayName: string; details: { parent: { name: string } } } }>(`${MG}?api-version=2021-04-01`, 'alice');
    assert.deepEqual([group.name, group.properties.displayName, group.properties.details.parent.name], ['mg-sandbox-platform', 'Sandbox Platform', sb.tenantId]);
    const groups = await ok<{ value: { name: string }[] }>('/providers/Microsoft.Management/managementGroups?api-version=2021-04-01', 'alice');
    assert.ok(groups.value.some((g) => g.name === 'mg-sandbox-platform'));
    const hidden = await arm(`${MG}?api-version=2021-04-01`, 'dave');
    assert.deepEqual([hidden.status, errorCode(hidden)], [403, 'AuthorizationFailed']);
  });

  test('erin holds Contributor on rg-app only: control plane, no data actions', async () => {
    const erin = sb.users.erin!.objectId;
    const { value } = await ok<{ value: Assignment[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${erin}')`, 'erin');
    assert.deepEqual(value.map((a) => [guidOf(a.properties.roleDefinitionId), a.properties.scope]), [[ROLES.contributor, RG_APP]]);
    const permissions = await ok<{ value: { actions: string[]; dataActions: string[] }[] }>(`${STORAGE}/providers/Microsoft.Authorization/permissions?${API}`, 'erin');
    assert.equal(permissions.value.length, 1);
    assert.deepEqual(permissions.value[0]!.actions, ['*']);
    assert.deepEqual(permissions.value.flatMap((p) => p.dataActions), [], 'no data-plane access to the storage account');
  });

  test('a managed identity and the service principal each hold roles; group roles reach the identity too', async () => {
    const identity = sb.managedIdentities['app-identity']!.objectId;
    const { value } = await ok<{ value: Assignment[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${identity}')`, 'sp');
    assert.deepEqual(value.map((a) => [guidOf(a.properties.roleDefinitionId), a.properties.principalId]).sort(), [
      ['4633458b-17de-408a-b874-0445c86b69e6', identity], [ROLES.busSender, GROUPS.workloads],
    ].sort(), 'Key Vault Secrets User directly, Azure Service Bus Data Sender through sg-app-workloads');
    const ci = await ok<{ value: Assignment[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${sb.servicePrincipal.objectId}')`, 'sp');
    assert.ok(ci.value.length >= 2);
  });
});

describe('a subscription without rights: Sandbox Finance', () => {
  test('alice gets 403 AuthorizationFailed (real message shape) for her assignments, groups, permissions, deny assignments and PIM', async () => {
    const alice = sb.users.alice!.objectId;
    const capture = readCapture('arm-authorization/errors/AuthorizationFailed_403.json') as { body: { error: { message: string } } };
    for (const path of [
      `/subscriptions/${FINANCE}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${alice}')`,
      `/subscriptions/${FINANCE}/resourcegroups?api-version=2021-04-01`,
      `/subscriptions/${FINANCE}/providers/Microsoft.Authorization/permissions?${API}`,
      `/subscriptions/${FINANCE}/providers/Microsoft.Authorization/denyAssignments?${API}&$filter=assignedTo('${alice}')`,
      `/subscriptions/${FINANCE}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${PIM}&$filter=asTarget()`,
    ]) {
      const res = await arm(path, 'alice');
      assert.equal(res.status, 403, `${path}: ${res.text}`);
      assert.equal(errorCode(res), 'AuthorizationFailed', path);
      assert.equal(res.headers['x-ms-failure-cause'], 'gateway');
      const message = (res.json as { error: { message: string } }).error.message;
      assert.match(message, new RegExp(`^The client '${sb.users.alice!.upn}' with object id '${alice}' does not have authorization to perform action '[^']+' over scope '/subscriptions/${FINANCE}[^']*' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`));
      assert.equal(message.replace(/'[^']*'/g, "''"), capture.body.error.message.replace(/'[^']*'/g, "''"), 'the captured wording');
    }
    const subscriptions = await ok<{ value: { subscriptionId: string }[] }>('/subscriptions?api-version=2022-12-01', 'alice');
    assert.ok(!subscriptions.value.some((s) => s.subscriptionId === FINANCE), 'not listed for her');
    assert.equal((await arm(`/subscriptions/${FINANCE}?api-version=2022-12-01`, 'alice')).status, 404);
  });
});

describe('deny assignments', () => {
  test('the deployment-stack deny assignment applies to everyone but the CI service principal', async () => {
    type Deny = Item<{ scope: string; principals: { id: string; type: string }[]; excludePrincipals: { id: string }[]; permissions: { actions: string[] }[] }>;
    const alice = sb.users.alice!.objectId;
    const hers = await ok<{ value: Deny[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?${API}&$filter=assignedTo('${alice}')`, 'alice');
    assert.equal(hers.value.length, 1);
    const deny = hers.value[0]!;
    assert.equal(deny.properties.scope, STORAGE);
    assert.deepEqual(deny.properties.principals, [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }]);
    assert.deepEqual(deny.properties.excludePrincipals.map((p) => p.id), [sb.servicePrincipal.objectId]);
    assert.deepEqual(deny.properties.permissions[0]!.actions, ['Microsoft.Storage/storageAccounts/delete']);
    const ci = await ok<{ value: Deny[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?${API}&$filter=assignedTo('${sb.servicePrincipal.objectId}')`, 'sp');
    assert.deepEqual(ci.value, [], 'excluded');
    const atScope = await ok<{ value: Deny[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?${API}&$filter=atScope()`, 'sp');
    assert.deepEqual(atScope.value, [], 'it lies below the subscription');
    const one = await ok<Deny>(`${STORAGE}/providers/Microsoft.Authorization/denyAssignments/${deny.name}?${API}`, 'alice');
    assert.equal(one.id, deny.id);
    const bad = await arm(`/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?${API}&$filter=roleName eq 'x'`, 'sp');
    assert.deepEqual([bad.status, errorCode(bad)], [400, 'UnsupportedQuery']);
    const others = await arm(`/subscriptions/${SUB}/providers/Microsoft.Authorization/denyAssignments?${API}`, 'alice');
    assert.equal(others.status, 403, 'listing all of them needs denyAssignments/read at the subscription');
  });

  test('RBAC honours it: Contributor may write the storage account but not delete it', () => {
    const state = new TenantState(parseSeed(defaultSeed()));
    const alice = state.user('alice')!.objectId;
    assert.ok(state.isAuthorized(alice, 'Microsoft.Storage/storageAccounts/write', STORAGE));
    assert.ok(!state.isAuthorized(alice, 'Microsoft.Storage/storageAccounts/delete', STORAGE));
    assert.ok(state.isAuthorized(alice, 'Microsoft.Storage/storageAccounts/delete', `${RG_APP}/providers/Microsoft.Storage/storageAccounts/other`), 'only that account');
    const ci = state.servicePrincipalByAppId(sb.servicePrincipal.clientId)!.objectId;
    assert.ok(state.isAuthorized(ci, 'Microsoft.Storage/storageAccounts/delete', STORAGE), 'the excluded principal');
  });
});

describe('effective permissions', () => {
  test("alice's permissions at the storage accounts: one entry per role that applies, data actions included", async () => {
    type Permission = { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] };
    const app = await ok<{ value: Permission[] }>(`${STORAGE}/providers/Microsoft.Authorization/permissions?${API}`, 'alice');
    assert.equal(app.value.length, 5, 'Contributor, User Access Administrator, Storage Blob Data Reader, Sandbox App Reader, Cost Management Reader');
    assert.ok(app.value.some((p) => p.actions.includes('*') && p.notActions.includes('Microsoft.Authorization/*/Write')));
    assert.ok(app.value.some((p) => p.dataActions.includes('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read')));
    const shared = await ok<{ value: Permission[] }>(`${SHARED_STORAGE}/providers/Microsoft.Authorization/permissions?${API}`, 'alice');
    assert.deepEqual(shared.value.flatMap((p) => p.dataActions), ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'], 'the conditioned role (conditions are not part of this answer)');
    const old = await ok<{ value: Record<string, unknown>[] }>(`${STORAGE}/providers/Microsoft.Authorization/permissions?api-version=2015-07-01`, 'alice');
    assert.deepEqual(Object.keys(old.value[0]!).sort(), ['actions', 'notActions']);
    const sub = await ok<{ value: Permission[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/permissions?${API}`, 'alice');
    assert.equal(sub.value.length, 2, 'at the subscription only the inherited ones: Sandbox App Reader and Cost Management Reader');
    assert.equal((await arm(`${RG_APP}/providers/Microsoft.Storage/storageAccounts/nope/providers/Microsoft.Authorization/permissions?${API}`, 'alice')).status, 404);
  });
});

describe('PIM', () => {
  type Eligible = Item<{ scope: string; roleDefinitionId: string; principalId: string; memberType: string; status: string; endDateTime: string | null; expandedProperties: { roleDefinition: { displayName: string }; principal: { displayName: string }; scope: { type: string } } }>;

  test('asTarget(): alice is eligible directly and through sg-dev-team; at the provider level and per subscription', async () => {
    const perSubscription = await ok<{ value: Eligible[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${PIM}&$filter=asTarget()`, 'alice');
    const summary = perSubscription.value.map((e) => [e.properties.expandedProperties.roleDefinition.displayName, e.properties.memberType, e.properties.expandedProperties.principal.displayName, e.properties.expandedProperties.scope.type]).sort();
    assert.deepEqual(summary, [['Key Vault Secrets Officer', 'Group', 'sg-dev-team', 'resource'], ['Storage Blob Data Contributor', 'Direct', 'Alice Developer', 'resource']]);
    assert.ok(perSubscription.value.every((e) => e.properties.status === 'Provisioned'));
    assert.equal(perSubscription.value.find((e) => e.properties.memberType === 'Direct')!.properties.endDateTime, null, 'permanently eligible');
    const providerLevel = await ok<{ value: Eligible[] }>(`/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${PIM}&$filter=asTarget()`, 'alice');
    assert.deepEqual(providerLevel.value.map((e) => e.name).sort(), perSubscription.value.map((e) => e.name).sort());
    const bob = await ok<{ value: Eligible[] }>(`/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${PIM}&$filter=asTarget()`, 'bob');
    assert.deepEqual(bob.value.map((e) => e.properties.principalId), [GROUPS.devTeam]);
    const dave = await ok<{ value: Eligible[] }>(`/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${PIM}&$filter=asTarget()`, 'dave');
    assert.deepEqual(dave.value, [], 'nothing, and no error, for someone without eligible roles');
  });

  test('active instances: every role assignment is an "Assigned" instance; the management group one is Inherited', async () => {
    type Active = Item<{ scope: string; assignmentType: string; memberType: string; originRoleAssignmentId: string }>;
    const { value } = await ok<{ value: Active[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?${PIM}&$filter=asTarget()`, 'alice');
    assert.equal(value.length, 7);
    assert.ok(value.every((a) => a.properties.assignmentType === 'Assigned' && a.properties.originRoleAssignmentId.endsWith(`/roleAssignments/${a.name}`)));
    assert.equal(value.find((a) => a.properties.scope === MG)!.properties.memberType, 'Inherited');
  });

  test('a tenant without Entra ID P2 answers 400 AadPremiumLicenseRequired', async () => {
    const seed = defaultSeed();
    seed.tenant.pimEnabled = false;
    sb.control.reseed(seed);
    try {
      const token = await userToken(sb, 'alice');
      for (const kind of ['roleEligibilityScheduleInstances', 'roleAssignmentScheduleInstances']) {
        const res = await sandboxFetch(sb, 'GET', `${sb.resourceManager}/subscriptions/${SUB}/providers/Microsoft.Authorization/${kind}?${PIM}&$filter=asTarget()`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(res.json, { error: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs an AAD Premium 2 license.' } });
      }
      const org = await sandboxFetch(sb, 'GET', `${sb.graph}/v1.0/organization`, { headers: { Authorization: `Bearer ${await userToken(sb, 'alice', 'https://graph.microsoft.com/.default')}` } });
      assert.deepEqual((org.json as { value: { assignedPlans: unknown[] }[] }).value[0]!.assignedPlans, [], 'no P2 plan either');
    } finally {
      sb.control.reseed(defaultSeed());
    }
  });
});

describe('resources whose settings decide data access', () => {
  test('key vaults in RBAC and in access-policy mode, a Service Bus namespace, all in the resource lists', async () => {
    type Vault = { properties: { enableRbacAuthorization: boolean; accessPolicies: { objectId: string; permissions: { keys: string[]; secrets: string[]; certificates: string[] } }[]; vaultUri: string } };
    const rbac = await ok<Vault>(`${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-sandbox-app?api-version=2023-07-01`, 'alice');
    assert.deepEqual([rbac.properties.enableRbacAuthorization, rbac.properties.accessPolicies], [true, []]);
    const legacy = await ok<Vault>(`${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-sandbox-legacy?api-version=2023-07-01`, 'alice');
    assert.equal(legacy.properties.enableRbacAuthorization, false);
    assert.deepEqual(legacy.properties.accessPolicies.map((p) => [p.objectId, p.permissions.secrets]), [
      [sb.users.alice!.objectId, ['get', 'list']], [sb.managedIdentities['app-identity']!.objectId, ['get']],
    ]);
    const bus = await ok<{ sku: { name: string }; properties: { serviceBusEndpoint: string; disableLocalAuth: boolean } }>(`${RG_APP}/providers/Microsoft.ServiceBus/namespaces/sb-sandbox-app?api-version=2021-11-01`, 'alice');
    assert.deepEqual([bus.sku.name, bus.properties.serviceBusEndpoint, bus.properties.disableLocalAuth], ['Standard', 'https://sb-sandbox-app.servicebus.windows.net:443/', true]);
    const namespaces = await ok<{ value: { name: string }[] }>(`/subscriptions/${SUB}/providers/Microsoft.ServiceBus/namespaces?api-version=2021-11-01`, 'alice');
    assert.deepEqual(namespaces.value.map((n) => n.name), ['sb-sandbox-app']);
    const all = await ok<{ value: { name: string; type: string }[] }>(`/subscriptions/${SUB}/resources?api-version=2021-04-01`, 'erin');
    assert.deepEqual(all.value.map((r) => r.name).sort(), ['id-sandbox-app', 'kv-sandbox-app', 'kv-sandbox-legacy', 'sb-sandbox-app', 'stsandboxapp'], 'erin reads what is in rg-app');
  });

  test('role definitions per subscription: the 928 built-ins plus the custom role, in the subscription id form', async () => {
    const dev = await ok<{ value: { id: string; properties: { type: string } }[] }>(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions?${API}`, 'alice');
    assert.equal(dev.value.length, 929);
    assert.ok(dev.value.every((r) => r.id.startsWith(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/`)));
    const prod = await ok<{ value: unknown[] }>(`/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions?${API}`, 'alice');
    assert.equal(prod.value.length, 928, 'the custom role is assignable in Sandbox Dev only');
    const tenant = await ok<{ id: string }>(`/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}?${API}`, 'alice');
    assert.equal(tenant.id, `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}`);
  });
});

describe('throttling', () => {
  test('ARM and Graph 429s carry Retry-After and their service error shape', async () => {
    sb.control.injectFault({ route: 'arm.roleAssignments.list', status: 429, retryAfter: 3, times: 1 });
    const path = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?${API}&$filter=assignedTo('${sb.users.alice!.objectId}')`;
    const throttled = await arm(path, 'alice');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '3');
    assert.match(String(throttled.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(errorCode(throttled), 'TooManyRequests');
    assert.equal((await arm(path, 'alice')).status, 200, 'the next request passes');

    sb.control.injectFault({ route: 'graph.me.memberOf', status: 429, retryAfter: 2, times: 1 });
    const graphPath = `${sb.graph}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true`;
    const headers = { Authorization: `Bearer ${tokens.aliceGraph}`, ConsistencyLevel: 'eventual', 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' };
    const graphThrottled = await sandboxFetch(sb, 'GET', graphPath, { headers });
    assert.equal(graphThrottled.status, 429);
    assert.equal(graphThrottled.headers['retry-after'], '2');
    assert.equal(graphThrottled.headers['client-request-id'], headers['client-request-id']);
    const body = graphThrottled.json as { error: { code: string; message: string; innerError: Record<string, string> } };
    assert.equal(body.error.code, 'TooManyRequests');
    assert.deepEqual(Object.keys(body.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
    assert.equal((await sandboxFetch(sb, 'GET', graphPath, { headers })).status, 200);
  });
});
