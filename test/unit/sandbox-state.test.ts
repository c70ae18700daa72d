// The sandbox's tenant model: scopes, RBAC evaluation, group transitivity, seed validation, built-in roles.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSeed, parseSeed, type SandboxSeed } from '../../src/sandbox/seed';
import { normalizeScope, permissionAllows, scopeContains, TenantState } from '../../src/sandbox/state';
import { builtInRoleDefinitions } from '../../src/sandbox/roles';

const SUB = '/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const RG_APP = `${SUB}/resourceGroups/rg-app`;

function state(mutate?: (seed: SandboxSeed) => void): TenantState {
  const seed = defaultSeed();
  mutate?.(seed);
  return new TenantState(parseSeed(seed));
}

describe('scopes', () => {
  test('containment is case-insensitive, segment-wise, and the root contains everything', () => {
    assert.equal(normalizeScope('/Subscriptions/X/'), '/subscriptions/x');
    assert.ok(scopeContains(SUB, `${RG_APP}/providers/Microsoft.Storage/storageAccounts/st`));
    assert.ok(scopeContains(SUB.toUpperCase(), RG_APP));
    assert.ok(scopeContains('/', SUB));
    assert.ok(!scopeContains(RG_APP, SUB));
    assert.ok(!scopeContains(`${SUB}/resourceGroups/rg`, `${SUB}/resourceGroups/rg-app`), 'prefix of a name is not a parent');
  });
});

describe('permissions', () => {
  const contributor = builtInRoleDefinitions().find((r) => r.roleName === 'Contributor')!;
  const owner = builtInRoleDefinitions().find((r) => r.roleName === 'Owner')!;
  const uaa = builtInRoleDefinitions().find((r) => r.roleName === 'User Access Administrator')!;

  test('wildcards and notActions as ARM evaluates them (case-insensitive)', () => {
    assert.ok(permissionAllows(contributor.permissions, 'Microsoft.Storage/storageAccounts/write'));
    assert.ok(!permissionAllows(contributor.permissions, 'Microsoft.Authorization/roleAssignments/write'), 'Contributor excludes Microsoft.Authorization/*/Write');
    assert.ok(permissionAllows(owner.permissions, 'Microsoft.Authorization/roleAssignments/write'));
    assert.ok(permissionAllows(uaa.permissions, 'Microsoft.Authorization/roleAssignments/delete'));
    assert.ok(permissionAllows(uaa.permissions, 'Microsoft.Compute/virtualMachines/read'), '*/read');
    assert.ok(!permissionAllows(uaa.permissions, 'Microsoft.Compute/virtualMachines/write'));
  });

  test('all 928 built-in roles are loaded, with ids, and conditions only where a role has one', () => {
    const roles = builtInRoleDefinitions();
    assert.equal(roles.length, 928);
    assert.equal(new Set(roles.map((r) => r.name)).size, 928);
    assert.equal(roles.find((r) => r.roleName === 'Reader')?.name, 'acdd72a7-3385-48ef-bd42-f606fba81ae7');
    const withCondition = roles.filter((r) => r.permissions.some((p) => 'condition' in p));
    assert.ok(withCondition.length > 0 && withCondition.length < 50);
    assert.ok(roles.every((r) => r.permissions.every((p) => !('condition' in p) || typeof p.condition === 'string')));
  });
});

describe('TenantState', () => {
  test('RBAC: alice may write role assignments in rg-app (User Access Administrator) but not at the subscription', () => {
    const s = state();
    const alice = s.user('alice')!;
    assert.ok(s.isAuthorized(alice.objectId, 'Microsoft.Authorization/roleAssignments/write', RG_APP));
    assert.ok(s.isAuthorized(alice.objectId, 'Microsoft.Authorization/roleAssignments/write', `${RG_APP}/providers/Microsoft.KeyVault/vaults/kv-sandbox-app`), 'inherited below');
    assert.ok(!s.isAuthorized(alice.objectId, 'Microsoft.Authorization/roleAssignments/write', SUB));
    assert.ok(s.isAuthorized(alice.objectId, 'Microsoft.Storage/storageAccounts/write', RG_APP), 'Contributor through sg-dev-team');
  });

  test('groups are transitive: alice is in sg-dev-team and, through it, in sg-platform-readers', () => {
    const s = state();
    const alice = s.user('alice')!;
    assert.deepEqual(s.directGroupsOf(alice.objectId).map((g) => g.displayName).sort(), ['<img src=x onerror=alert(1)>', 'sg-dev-team']);
    assert.deepEqual(s.transitiveGroupsOf(alice.objectId).map((g) => g.displayName).sort(), ['<img src=x onerror=alert(1)>', 'sg-dev-team', 'sg-platform-readers']);
    assert.ok(s.hasAnyAccess(alice.objectId, '/subscriptions/03b6d5ca-c618-452a-93e3-2b4ab99f3253'), 'Reader on Sandbox Prod via the nested group');
    assert.ok(!s.hasAnyAccess(s.user('dave')!.objectId, SUB));
  });

  test('a nested group cycle does not loop', () => {
    const s = state((seed) => { seed.groups[1]!.members = ['dev-team']; seed.groups[0]!.members = ['alice', 'platform']; });
    assert.equal(s.transitiveGroupsOf(s.user('alice')!.objectId).length, 3, 'sg-dev-team, sg-platform-readers and the markup-named group');
  });

  test('users are found by key, UPN (any case) or object id', () => {
    const s = state();
    const alice = s.user('alice')!;
    assert.equal(s.user('ALICE@contososandbox.onmicrosoft.com'), alice);
    assert.equal(s.user(alice.objectId.toUpperCase()), alice);
    assert.equal(s.user('nobody'), undefined);
  });

  test('groups created through the API are hidden from ARM until the replication delay passed', () => {
    const s = state();
    const group = s.createGroup({ displayName: 'g', mailNickname: 'g', description: null, securityEnabled: true, mailEnabled: false });
    assert.equal(s.isReplicated(group), false);
    const immediate = state((seed) => { seed.tenant.replicationDelaySeconds = 0; });
    assert.equal(immediate.isReplicated(immediate.createGroup({ displayName: 'g', mailNickname: 'g', description: null, securityEnabled: true, mailEnabled: false })), true);
  });

  test('scopes that exist', () => {
    const s = state();
    assert.ok(s.scopeExists(`${RG_APP}/providers/Microsoft.Storage/storageAccounts/stsandboxapp`));
    assert.ok(!s.scopeExists(`${RG_APP}/providers/Microsoft.Storage/storageAccounts/nope`));
    assert.ok(s.scopeExists('/'));
  });
});

describe('seed validation', () => {
  test('the default seed is valid', () => {
    assert.doesNotThrow(() => parseSeed(defaultSeed()));
  });

  for (const [name, mutate, message] of [
    ['a non-GUID object id', (s: SandboxSeed) => { s.users[0]!.objectId = 'alice'; }, /must be a GUID/],
    ['a duplicate key', (s: SandboxSeed) => { s.users[1]!.key = 'alice'; }, /duplicate principal key 'alice'/],
    ['an unknown group member', (s: SandboxSeed) => { s.groups[0]!.members = ['zed']; }, /unknown member 'zed'/],
    ['an assignment to an unknown principal', (s: SandboxSeed) => { s.roleAssignments![0]!.principal = 'zed'; }, /unknown principal 'zed'/],
  ] as const) {
    test(`rejects ${name}`, () => {
      const seed = defaultSeed();
      mutate(seed);
      assert.throws(() => parseSeed(seed), message);
    });
  }

  test('rejects an assignment to an unknown role when the state is built', () => {
    const seed = defaultSeed();
    seed.roleAssignments![0]!.role = 'No Such Role';
    assert.throws(() => new TenantState(parseSeed(seed)), /unknown role 'No Such Role'/);
  });

  test('rejects input that is not a seed at all', () => {
    assert.throws(() => parseSeed({ tenant: 42 }), /invalid sandbox seed/);
    assert.throws(() => parseSeed(null), /invalid sandbox seed/);
  });
});

describe('network layer in the seed', () => {
  const appResources = (seed: SandboxSeed) => seed.subscriptions[0]!.resourceGroups!.find((g) => g.name === 'rg-app')!.resources!;

  test('the default seed: stsandboxapp behind a firewall without shared keys, kv-sandbox-app behind a private endpoint', () => {
    const resources = state().subscriptions[0]!.resourceGroups.find((g) => g.name === 'rg-app')!.resources;
    const account = resources.find((r) => r.name === 'stsandboxapp')!;
    assert.equal(account.allowSharedKeyAccess, false);
    assert.deepEqual(account.network, {
      publicNetworkAccess: 'Enabled', defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['203.0.113.0/24', '198.51.100.16/28', '192.0.2.44'],
      virtualNetworkRules: [`${RG_APP}/providers/Microsoft.Network/virtualNetworks/vnet-sandbox-app/subnets/snet-app`], privateEndpoints: [],
    });
    const vault = resources.find((r) => r.name === 'kv-sandbox-app')!;
    assert.equal(vault.network?.publicNetworkAccess, 'Disabled');
    assert.deepEqual(vault.network?.privateEndpoints, ['pe-kv-sandbox-app']);
  });

  test('rules must be addresses and subnet ids', () => {
    for (const network of [{ ipRules: ['example.com'] }, { ipRules: ['1.2.3.4; rm'] }, { virtualNetworkRules: ['/subscriptions/x/resourceGroups/y'] }, { defaultAction: 'Maybe' }]) {
      const seed = defaultSeed();
      appResources(seed).find((r) => r.name === 'stsandboxapp')!.network = network as never;
      assert.throws(() => parseSeed(seed), Error, JSON.stringify(network));
    }
  });
});
