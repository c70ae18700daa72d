// The Access view's rules, from real role definitions (all 928 built-in roles): wildcard matching, how an assignment
// applies (direct, through nested groups, inherited), which deny assignments apply, and the insights.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { useCatalog } from '../../src/core/catalog';
import {
  buildAccessReport, dataAccess, describePath, scopeContains, suggestDataRoles, type AccessInputs, type RawRoleAssignment, type RawRoleDefinition, type RawSubscription,
} from '../../src/core/access/model';
import { DATA_SERVICES, operationMatches } from '../../src/core/access/permissions';
import type { AccessIdentity, ScopeNode } from '../../src/core/access/types';
import { resourceReferences } from '../../src/core/access/workspaceResources';

interface BuiltIn { name: string; roleName: string; description: string; roleType: string; permissions: RawRoleDefinition['permissions'] }
const BUILT_INS = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as BuiltIn[]);
const SUB = '11111111-1111-1111-1111-111111111111';
const DEFINITIONS: RawRoleDefinition[] = BUILT_INS.map((r) => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, roleName: r.roleName, description: r.description, type: r.roleType, permissions: r.permissions,
}));
const guidOf = (roleName: string): string => BUILT_INS.find((r) => r.roleName === roleName)!.name;
const roleDef = (roleName: string): string => `/providers/Microsoft.Authorization/roleDefinitions/${guidOf(roleName)}`;

const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const SG_DEV = 'bbbbbbbb-0000-0000-0000-000000000001';
const SG_A = 'bbbbbbbb-0000-0000-0000-00000000000a';
const SG_B = 'bbbbbbbb-0000-0000-0000-00000000000b';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stapp`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-app`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso';

const identity: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: ME, tenantId: 'tenant-1', tenantName: 'Contoso',
  source: 'AzureCliCredential', expiresOn: null,
};

let n = 0;
function assignment(scope: string, roleName: string, principalId: string, extra: Partial<RawRoleAssignment> = {}): RawRoleAssignment {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${String(++n).padStart(8, '0')}-0000-0000-0000-000000000000`,
    scope, roleDefinitionId: roleDef(roleName), principalId, principalType: principalId === ME ? 'User' : 'Group',
    condition: null, conditionVersion: null, createdOn: '2026-01-01T00:00:00Z', ...extra,
  };
}

function inputs(subscription: Partial<RawSubscription>, extra: Partial<AccessInputs> = {}): AccessInputs {
  return {
    cloud: KNOWN_CLOUDS.AzureCloud, identity,
    groups: [
      { id: SG_DEV, displayName: 'sg-dev-team', path: ['sg-dev-team'] },
      { id: SG_A, displayName: 'sg-a', path: ['sg-a'] },
      { id: SG_B, displayName: 'sg-b', path: ['sg-a', 'sg-b'] },
    ],
    groupsProblem: null,
    subscriptions: [{ subscriptionId: SUB, displayName: 'Dev', tenantId: 'tenant-1', definitions: DEFINITIONS, problems: [], ...subscription }],
    references: [], problems: [], requests: 0, tokenIssuedAt: null, now: Date.parse('2026-06-01T00:00:00Z'), ...extra,
  };
}

function node(nodes: readonly ScopeNode[], scope: string): ScopeNode {
  for (const n of nodes) {
    if (n.scope.toLowerCase() === scope.toLowerCase()) return n;
    try { return node(n.children, scope); } catch { /* keep looking */ }
  }
  throw new Error(`no node ${scope}`);
}

describe('permissions', () => {
  test('operation wildcards are case-insensitive and span segments', () => {
    assert.ok(operationMatches('*', 'Microsoft.Storage/storageAccounts/write'));
    assert.ok(operationMatches('Microsoft.Storage/*', 'microsoft.storage/storageaccounts/blobServices/containers/blobs/read'));
    assert.ok(operationMatches('*/read', 'Microsoft.KeyVault/vaults/read'));
    assert.equal(operationMatches('*/read', 'Microsoft.KeyVault/vaults/write'), false);
  });

  test('the data role suggested for each service comes from the definitions, narrowest first', () => {
    const roles = DEFINITIONS.map((d) => ({ guid: d.id, roleName: d.roleName, description: d.description, type: d.type, permissions: d.permissions }));
    const byKey = Object.fromEntries(DATA_SERVICES.map((s) => [s.key, suggestDataRoles(s, roles)]));
    assert.equal(byKey.storage, 'Storage Blob Data Contributor');
    assert.equal(byKey.keyVault, 'Key Vault Secrets User');
    assert.equal(byKey.appConfiguration, 'App Configuration Data Owner');
    assert.match(byKey.serviceBus ?? '', /Azure Service Bus Data Receiver and Azure Service Bus Data Sender|Azure Service Bus Data Owner/);
    assert.equal(byKey.cosmosDb, null, 'Cosmos DB data is reached through its own SQL roles');
  });

  test('two suggested roles are joined in the display language', () => {
    const roles = DEFINITIONS.map((d) => ({ guid: d.id, roleName: d.roleName, description: d.description, type: d.type, permissions: d.permissions }));
    const serviceBus = DATA_SERVICES.find((s) => s.key === 'serviceBus')!;
    useCatalog({ '{0} and {1}': '{0} und {1}' });
    try {
      assert.equal(suggestDataRoles(serviceBus, roles), 'Azure Service Bus Data Receiver und Azure Service Bus Data Sender');
    } finally {
      useCatalog(undefined);
    }
  });
});

describe('how each assignment applies', () => {
  const report = buildAccessReport(inputs({
    assignments: [
      assignment(RG, 'Contributor', SG_DEV),
      assignment(STORAGE, 'Storage Blob Data Reader', ME),
      assignment(`/subscriptions/${SUB}`, 'Reader', SG_B),
      assignment(MG, 'Monitoring Reader', ME),
      assignment(STORAGE, 'Storage Queue Data Reader', ME, { condition: "@Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringEquals 'jobs'", conditionVersion: '2.0' }),
    ],
  }));
  const sub = report.subscriptions[0]!;

  test('direct, via a group, via nested groups', () => {
    const storage = node(sub.scopes, STORAGE);
    const byRole = Object.fromEntries(storage.assignments.map((a) => [a.role.roleName, describePath(a.via)]));
    assert.equal(byRole['Storage Blob Data Reader'], 'direct');
    assert.equal(byRole.Contributor, 'via group sg-dev-team');
    assert.equal(byRole.Reader, 'via sg-a → sg-b');
  });

  test('inherited: the resource row carries the group, subscription and management-group assignments, nearest first', () => {
    const storage = node(sub.scopes, STORAGE);
    assert.deepEqual(storage.assignments.map((a) => a.scope), [STORAGE, STORAGE, RG, `/subscriptions/${SUB}`, MG]);
    const rg = node(sub.scopes, RG);
    assert.ok(!rg.assignments.some((a) => a.scope === STORAGE), 'an assignment below does not apply above');
    assert.equal(node(sub.scopes, MG).kind, 'managementGroup');
    assert.ok(scopeContains(MG, `/subscriptions/${SUB}`));
  });

  test('a condition is kept with its version', () => {
    const queue = node(sub.scopes, STORAGE).assignments.find((a) => a.role.roleName === 'Storage Queue Data Reader')!;
    assert.match(queue.condition ?? '', /StringEquals 'jobs'/);
    assert.equal(queue.conditionVersion, '2.0');
  });
});

describe('deny assignments', () => {
  test('applies to everyone unless excluded, to a group of the identity, not to others', () => {
    const deny = (principals: string[], exclude: string[] = []): RawSubscription['deny'] => [{
      id: 'd1', name: 'Deny writes', description: 'locked', scope: RG, doNotApplyToChildScopes: false,
      permissions: [{ actions: ['*/write'], notActions: [], dataActions: [], notDataActions: [] }],
      principals: principals.map((id) => ({ id, type: null })), excludePrincipals: exclude.map((id) => ({ id, type: null })),
    }];
    const everyone = '00000000-0000-0000-0000-000000000000';
    assert.equal(buildAccessReport(inputs({ deny: deny([everyone]) })).subscriptions[0]!.deny[0]?.appliesThrough, 'everyone');
    assert.equal(buildAccessReport(inputs({ deny: deny([everyone], [SG_DEV]) })).subscriptions[0]!.deny.length, 0);
    assert.equal(buildAccessReport(inputs({ deny: deny([SG_A]) })).subscriptions[0]!.deny[0]?.appliesThrough, 'via group sg-a');
    assert.equal(buildAccessReport(inputs({ deny: deny(['someone-else']) })).subscriptions[0]!.deny.length, 0);
  });

  test('a deny assignment removes data access a role grants', () => {
    const report = buildAccessReport(inputs({
      assignments: [assignment(STORAGE, 'Storage Blob Data Contributor', ME)],
      deny: [{ id: 'd', name: 'no blob writes', description: '', scope: RG, doNotApplyToChildScopes: false, principals: [{ id: ME, type: 'User' }], excludePrincipals: [],
        permissions: [{ actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'], notDataActions: [] }] }],
    }));
    const sub = report.subscriptions[0]!;
    const access = dataAccess(DATA_SERVICES[0]!, STORAGE, node(sub.scopes, STORAGE).assignments, sub.deny);
    assert.deepEqual({ read: access.read, write: access.write }, { read: true, write: false });
  });
});

describe('insights', () => {
  const resources = [
    { id: STORAGE, name: 'stapp', type: 'Microsoft.Storage/storageAccounts' },
    { id: VAULT, name: 'kv-app', type: 'Microsoft.KeyVault/vaults', vault: { enableRbacAuthorization: false, accessPolicies: [{ objectId: SG_DEV, permissions: { secrets: ['get', 'list'], keys: [], certificates: [] } }] } },
  ];

  test('Contributor alone: control-plane only on the storage account, Storage Blob Data Contributor suggested', () => {
    const report = buildAccessReport(inputs({ assignments: [assignment(RG, 'Contributor', ME)], resources }));
    const insight = report.insights.find((i) => i.kind === 'control-plane-only' && i.scope === STORAGE);
    assert.ok(insight, JSON.stringify(report.insights));
    assert.equal(insight.suggestion, 'Storage Blob Data Contributor');
  });

  test('a data reader named in .env: reads work, writes do not, and the fix is named', () => {
    const references = resourceReferences(['AZURE_STORAGE_URL=https://stapp.blob.core.windows.net/'], KNOWN_CLOUDS.AzureCloud);
    const report = buildAccessReport(inputs({ assignments: [assignment(RG, 'Contributor', SG_DEV), assignment(STORAGE, 'Storage Blob Data Reader', ME)], resources }, { references }));
    const insight = report.insights.find((i) => i.kind === 'workspace-resource' && i.scope === STORAGE)!;
    assert.equal(insight.title, 'stapp (named in the workspace): read yes, write no');
    assert.equal(insight.suggestion, 'Storage Blob Data Contributor');
    assert.ok(!report.insights.some((i) => i.kind === 'control-plane-only' && i.scope === STORAGE));
    // The named resource is in the tree even without an assignment of its own.
    assert.ok(node(report.subscriptions[0]!.scopes, STORAGE));
  });

  test('a key vault in access-policy mode: its policies through a group, and data roles do not apply', () => {
    const report = buildAccessReport(inputs({ assignments: [assignment(RG, 'Contributor', SG_DEV)], resources }));
    const insight = report.insights.find((i) => i.kind === 'access-policy-vault')!;
    assert.match(insight.detail, /through its groups\): secrets get, list; keys none/);
    assert.ok(!report.insights.some((i) => i.kind === 'control-plane-only' && i.scope === VAULT));
  });

  test('an assignment made after the token was issued asks for a new token', () => {
    const report = buildAccessReport(inputs({ assignments: [assignment(RG, 'Reader', ME, { createdOn: '2026-05-31T23:58:00Z' })] }, { tokenIssuedAt: Date.parse('2026-05-31T23:00:00Z') / 1000 }));
    assert.ok(report.insights.some((i) => i.kind === 'recent-assignment'));
  });

  test('an assignment that reaches the identity through two groups is one "assigned recently" insight, with how long ago', () => {
    // sg-b is nested in sg-a: the assignment to sg-b applies through both paths.
    const recent = assignment(RG, 'Storage Blob Data Contributor', SG_B, { createdOn: '2026-05-31T23:57:00Z' });
    const report = buildAccessReport(inputs({ assignments: [recent, { ...recent }] }));
    const insights = report.insights.filter((i) => i.kind === 'recent-assignment');
    assert.deepEqual(insights.map((i) => i.title), ['Storage Blob Data Contributor was assigned 3 min ago']);
  });

  test('a subscription in another tenant: the fix names the tenant', () => {
    const report = buildAccessReport(inputs({ tenantId: 'tenant-2' }));
    const insight = report.insights.find((i) => i.kind === 'tenant-mismatch')!;
    assert.match(insight.suggestion ?? '', /az login --tenant tenant-2/);
  });

  test('the fixes fit the source the identity signs in through: a service principal in .env is never told to run az', () => {
    const app: AccessIdentity = { ...identity, kind: 'servicePrincipal', upn: null, appId: 'app-1', source: 'EnvironmentCredential' };
    const recent = assignment(RG, 'Reader', ME, { createdOn: '2026-05-31T23:58:00Z' });
    const report = buildAccessReport(inputs({ tenantId: 'tenant-2', assignments: [recent] }, { identity: app }));
    const fixes = report.insights.map((i) => i.suggestion ?? '');
    assert.ok(fixes.some((f) => f.startsWith('AZURE_TENANT_ID=tenant-2 in .env')), fixes.join(' | '));
    assert.ok(fixes.some((f) => /restart your app/.test(f)), fixes.join(' | '));
    assert.ok(!fixes.some((f) => /\baz (login|account)/.test(f)), fixes.join(' | '));
    const viaAzd = buildAccessReport(inputs({ tenantId: 'tenant-2', assignments: [recent] }, { identity: { ...identity, source: 'AzureDeveloperCliCredential' } }));
    assert.ok(viaAzd.insights.some((i) => i.suggestion?.startsWith('azd auth login --tenant-id tenant-2')));
    assert.ok(viaAzd.insights.some((i) => i.suggestion === 'after a few minutes, azd auth login again'));
  });

  test('no subscription: said, with a fix', () => {
    const report = buildAccessReport({ ...inputs({}), subscriptions: [] });
    assert.equal(report.problems[0]?.kind, 'no-subscription');
  });
});

describe('workspace references', () => {
  test('endpoints of each service, in the public and sovereign clouds', () => {
    const text = 'BLOB=https://stapp.blob.core.windows.net\nVAULT_URL="https://kv-app.vault.azure.net/"\nSB=sb-orders.servicebus.windows.net\nx = "stcn.queue.core.chinacloudapi.cn"';
    const pub = resourceReferences([text], KNOWN_CLOUDS.AzureCloud).map((r) => `${r.service}:${r.name}`);
    assert.deepEqual(pub.sort(), ['eventHubs:sb-orders', 'keyVault:kv-app', 'serviceBus:sb-orders', 'storage:stapp']);
    assert.deepEqual(resourceReferences([text], KNOWN_CLOUDS.AzureChinaCloud).map((r) => r.name), ['stcn']);
  });
});
