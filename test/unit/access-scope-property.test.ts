// The Access report's scope logic (a trie of scopes, keys computed once) against a simple reference that compares
// every pair of scopes as strings, on random sets of management groups, subscriptions, resource groups and resources
// written with mixed case and trailing slashes: same tree, same assignments at every scope in the same order, same
// containment answers, same insights.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { buildAccessReport, scopeContains, type AccessInputs, type RawDenyAssignment, type RawResource, type RawRoleAssignment, type RawRoleDefinition } from '../../src/core/access/model';
import { scopeKey, ScopeIndex } from '../../src/core/access/scopeIndex';
import type { AccessIdentity, AppliedAssignment, ScopeNode } from '../../src/core/access/types';
import { accessRows, canRemoveAt, type AccessRowModel } from '../../src/core/presentation/accessRows';

// ---- The reference: the obvious all-pairs definitions. -------------------------------------------------------------

function refLower(text: string): string {
  return text.toLowerCase().replace(/\/+$/, '');
}

function refContains(outer: string, inner: string): boolean {
  const o = refLower(outer);
  const i = refLower(inner);
  if (o === '' || o === '/') return true;
  if (o.startsWith('/providers/microsoft.management/managementgroups/')) return i.startsWith('/subscriptions/') || i === o;
  return i === o || i.startsWith(`${o}/`);
}

function refKind(scope: string): ScopeNode['kind'] {
  const parts = refLower(scope).split('/').filter(Boolean);
  if (parts[0] === 'providers' && parts[1] === 'microsoft.management') return 'managementGroup';
  if (parts.length <= 2) return 'subscription';
  if (parts.length <= 4) return 'resourceGroup';
  return 'resource';
}

interface RefAssignment { readonly id: string; readonly scope: string; readonly roleName: string }
interface RefNode { readonly scope: string; readonly kind: string; readonly assignments: readonly string[]; readonly children: readonly RefNode[] }

function refTree(subscriptionId: string, assignments: readonly RefAssignment[], extra: readonly string[]): RefNode[] {
  const subscriptionScope = `/subscriptions/${subscriptionId}`;
  const scopes = new Map<string, string>();
  const add = (scope: string): void => { if (!scopes.has(refLower(scope))) scopes.set(refLower(scope), scope.replace(/\/+$/, '')); };
  const addGroupOf = (scope: string): void => {
    const rg = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(scope);
    if (rg) add(rg[1]!);
  };
  add(subscriptionScope);
  for (const a of assignments) {
    if (refKind(a.scope) === 'managementGroup') add(a.scope);
    else if (refContains(subscriptionScope, a.scope)) { add(a.scope); addGroupOf(a.scope); }
  }
  for (const id of extra) { add(id); addGroupOf(id); }
  const depth = (scope: string): number => (refKind(scope) === 'managementGroup' ? 0 : refLower(scope).split('/').length);
  const all = [...scopes.values()];
  const build = (scope: string): RefNode => {
    const kind = refKind(scope);
    const children = kind === 'managementGroup' ? [] : all.filter((s) => s !== scope && refKind(s) !== 'managementGroup' && refContains(scope, s)
      && !all.some((mid) => mid !== scope && mid !== s && refKind(mid) !== 'managementGroup' && refContains(scope, mid) && refContains(mid, s)));
    return {
      scope, kind,
      assignments: assignments.filter((a) => refContains(a.scope, scope)).sort((x, y) => depth(y.scope) - depth(x.scope) || x.roleName.localeCompare(y.roleName)).map((a) => a.id),
      children: children.sort((a, b) => a.localeCompare(b)).map(build),
    };
  };
  return [...all.filter((s) => refKind(s) === 'managementGroup').sort().map(build), build(subscriptionScope)];
}

// ---- Random scope sets. --------------------------------------------------------------------------------------------

const SUB = '11111111-aaaa-4000-8000-000000000001';
const OTHER_SUB = '22222222-bbbb-4000-8000-000000000002';
const ME = 'aaaaaaaa-0000-4000-8000-000000000001';

/** Some case changes: as written by different tools, or by hand. */
const spelled = (text: string): fc.Arbitrary<string> => fc.constantFrom(text, text.toLowerCase(), text.toUpperCase());
const trailing = fc.constantFrom('', '', '', '/', '//');

const subscription = fc.tuple(fc.constantFrom(SUB, SUB, SUB, OTHER_SUB).chain(spelled), fc.constantFrom('subscriptions', 'Subscriptions'))
  .map(([id, word]) => `/${word}/${id}`);
// Names where one is a prefix of another ("rg" and "rg-app"): a prefix of a name is not a parent.
const resourceGroup = fc.tuple(subscription, fc.constantFrom('resourceGroups', 'resourcegroups'), fc.constantFrom('rg', 'rg-app', 'RG-App', 'rg-app2'))
  .map(([sub, word, name]) => `${sub}/${word}/${name}`);
const resource = fc.tuple(resourceGroup, fc.constantFrom('Microsoft.Storage/storageAccounts/st', 'Microsoft.Storage/storageAccounts/stapp', 'Microsoft.KeyVault/vaults/kv', 'microsoft.storage/storageaccounts/ST'),
  fc.constantFrom('', '', '/blobServices/default', '/blobServices/default/containers/c1'))
  .map(([rg, name, child]) => `${rg}/providers/${name}${child}`);
const managementGroup = fc.tuple(fc.constantFrom('/providers/Microsoft.Management/managementGroups/', '/providers/microsoft.management/managementgroups/'), fc.constantFrom('contoso', 'Contoso', 'dev'))
  .map(([prefix, name]) => `${prefix}${name}`);
const scope = fc.tuple(fc.oneof(
  { weight: 1, arbitrary: fc.constant('/') }, { weight: 2, arbitrary: managementGroup }, { weight: 3, arbitrary: subscription },
  { weight: 5, arbitrary: resourceGroup }, { weight: 8, arbitrary: resource },
), trailing).map(([s, t]) => (s === '/' ? s : `${s}${t}`));

const ROLES = ['Reader', 'Contributor', 'Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Key Vault Secrets User', 'Owner'];
const ROLE_PERMISSIONS: Record<string, RawRoleDefinition['permissions']> = {
  Reader: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }],
  Contributor: [{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write'], dataActions: [], notDataActions: [] }],
  'Storage Blob Data Reader': [{ actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'], notDataActions: [] }],
  'Storage Blob Data Contributor': [{ actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'], notDataActions: [] }],
  'Key Vault Secrets User': [{ actions: [], notActions: [], dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'], notDataActions: [] }],
  Owner: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
};
const guidOf = (role: string): string => `00000000-0000-4000-8000-${String(ROLES.indexOf(role)).padStart(12, '0')}`;
const DEFINITIONS: RawRoleDefinition[] = ROLES.map((role) => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guidOf(role)}`, roleName: role, description: role, type: 'BuiltInRole',
  permissions: ROLE_PERMISSIONS[role]!,
}));

const identity: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: ME, tenantId: 'tenant-1', tenantName: null,
  source: 'AzureCliCredential', expiresOn: null,
};

const tenant = fc.record({
  assignments: fc.array(fc.record({ scope, role: fc.constantFrom(...ROLES) }), { maxLength: 40 }),
  resources: fc.uniqueArray(resource, { maxLength: 8, selector: (id) => id.toLowerCase() }),
  deny: fc.array(fc.record({ scope, doNotApplyToChildScopes: fc.boolean(), data: fc.boolean() }), { maxLength: 3 }),
});

type Tenant = ReturnType<typeof tenant.generate>['value'];

function inputsOf(t: Tenant): AccessInputs {
  const assignments: RawRoleAssignment[] = t.assignments.map((a, n) => ({
    id: `assignment-${n}`, scope: a.scope, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${guidOf(a.role)}`, principalId: ME,
    principalType: 'User', condition: null, conditionVersion: null, createdOn: null,
  }));
  const resources: RawResource[] = t.resources.map((id) => {
    const vault = /\/vaults\//i.test(id);
    return { id, name: id.split('/').pop()!, type: vault ? 'Microsoft.KeyVault/vaults' : 'Microsoft.Storage/storageAccounts' };
  });
  const deny: RawDenyAssignment[] = t.deny.map((d, n) => ({
    id: `deny-${n}`, name: `deny ${n}`, description: '', scope: d.scope, doNotApplyToChildScopes: d.doNotApplyToChildScopes,
    permissions: [d.data
      ? { actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'], notDataActions: [] }
      : { actions: ['*/write', 'Microsoft.Authorization/*/delete'], notActions: [], dataActions: [], notDataActions: [] }],
    principals: [{ id: ME, type: 'User' }], excludePrincipals: [],
  }));
  return {
    cloud: KNOWN_CLOUDS.AzureCloud, identity, groups: [], groupsProblem: null,
    subscriptions: [{ subscriptionId: SUB, displayName: 'Dev', tenantId: 'tenant-1', assignments, definitions: DEFINITIONS, deny, resources, problems: [] }],
    // Every resource is named in the workspace: each is in the tree and has an insight.
    references: resources.map((r) => ({ service: r.type === 'Microsoft.KeyVault/vaults' ? 'keyVault' as const : 'storage' as const, name: r.name.toLowerCase(), host: r.name })),
    problems: [], requests: 0, tokenIssuedAt: null, now: 0,
  };
}

const shape = (nodes: readonly ScopeNode[]): RefNode[] => nodes.map((n) => ({
  scope: n.scope, kind: n.kind, assignments: n.assignments.map((a) => a.assignmentId), children: shape(n.children),
}));

// ---- The properties. -----------------------------------------------------------------------------------------------

describe('scope logic against the all-pairs reference', () => {
  test('containment: same answer for every pair of scopes', () => {
    fc.assert(fc.property(scope, scope, (outer, inner) => {
      assert.equal(scopeContains(outer, inner), refContains(outer, inner), `${outer} ⊇ ${inner}`);
    }), { numRuns: 2000 });
  });

  test('the index returns exactly the items whose scopes contain a scope, in the order they were added', () => {
    fc.assert(fc.property(fc.array(scope, { maxLength: 30 }), scope, (scopes, at) => {
      const index = new ScopeIndex(scopes.map((s, n) => ({ s, n })), (item) => item.s);
      assert.deepEqual(index.applying(scopeKey(at)).map((i) => i.n), scopes.flatMap((s, n) => (refContains(s, at) ? [n] : [])));
    }), { numRuns: 1000 });
  });

  test('the report: same scope tree, same assignments at every scope, nearest first', () => {
    fc.assert(fc.property(tenant, (t) => {
      const inputs = inputsOf(t);
      const report = buildAccessReport(inputs);
      const raw = inputs.subscriptions[0]!;
      const expected = refTree(SUB, raw.assignments!.map((a, n) => ({ id: a.id, scope: a.scope, roleName: t.assignments[n]!.role })), raw.resources!.map((r) => r.id));
      assert.deepEqual(shape(report.subscriptions[0]!.scopes), expected);
    }), { numRuns: 500 });
  });

  test('insights: what each named resource allows follows the assignments and deny assignments above it', () => {
    fc.assert(fc.property(tenant, (t) => {
      const inputs = inputsOf(t);
      const report = buildAccessReport(inputs);
      const raw = inputs.subscriptions[0]!;
      for (const r of raw.resources!) {
        if (r.type !== 'Microsoft.Storage/storageAccounts') continue;
        const reaching = t.assignments.filter((a) => refContains(a.scope, r.id));
        const denied = t.deny.some((d) => d.data && refContains(d.scope, r.id) && !(d.doNotApplyToChildScopes && refLower(d.scope) !== refLower(r.id)));
        const read = reaching.some((a) => a.role === 'Storage Blob Data Reader' || a.role === 'Storage Blob Data Contributor');
        const write = !denied && reaching.some((a) => a.role === 'Storage Blob Data Contributor');
        const insight = report.insights.find((i) => i.kind === 'workspace-resource' && i.scope === r.id);
        assert.equal(insight?.title, `${r.name} (named in the workspace): read ${read ? 'yes' : 'no'}, write ${write ? 'yes' : 'no'}`);
      }
    }), { numRuns: 300 });
  });

  test('the rows: Remove is offered on an assignment made at a scope exactly when the roles and deny assignments above allow it', () => {
    fc.assert(fc.property(tenant, (t) => {
      const inputs = inputsOf(t);
      const report = buildAccessReport(inputs);
      const sub = report.subscriptions[0]!;
      const nodes = (list: readonly ScopeNode[]): ScopeNode[] => list.flatMap((n) => [n, ...nodes(n.children)]);
      const every: AppliedAssignment[] = [...new Map(nodes(sub.scopes).flatMap((n) => n.assignments.map((a) => [a.assignmentId, a] as const))).values()];
      const rows = (list: readonly AccessRowModel[]): AccessRowModel[] => list.flatMap((r) => [r, ...rows(r.children)]);
      const scopeRows = rows(accessRows(report, KNOWN_CLOUDS.AzureCloud)).filter((r) => r.kind === 'scope');
      for (const row of scopeRows) {
        // The scope's own assignments (not inherited) carry canRemove when removal is allowed there.
        const own = row.children.filter((c) => c.kind === 'assignment' && c.scope?.toLowerCase() === row.scope?.toLowerCase());
        const expected = canRemoveAt(row.scope!, every, sub.deny);
        for (const a of own) assert.equal(a.flags.includes('canRemove'), expected, `${a.label} at ${row.scope}`);
      }
    }), { numRuns: 300 });
  });
});
