// A large tenant for benchmarks: the default seed plus enough subscriptions, groups and role assignments that
// lists page and RBAC evaluation has real work to do (50 subscriptions, 300 groups, 5,000 role assignments).
// Everything is derived from indices and hashes, so every run builds exactly the same tenant.
import { createHash } from 'node:crypto';
import { defaultSeed, type SandboxSeed } from './seed';

export const LARGE_SEED_SIZE = { subscriptions: 50, groups: 300, roleAssignments: 5000, users: 25 } as const;

/** A GUID from a label: stable across runs and machines. */
function guidFor(label: string): string {
  const hex = createHash('sha256').update(`sandbox-large-seed|${label}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// Roles the benchmark spreads over its scopes: control-plane and data-plane, as a real tenant has them.
const ROLES = [
  'Reader', 'Contributor', 'Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Storage Queue Data Contributor',
  'Key Vault Secrets User', 'Key Vault Reader', 'Monitoring Reader', 'Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender',
  'Cost Management Reader', 'Log Analytics Reader', 'Website Contributor', 'Storage Account Contributor', 'Key Vault Crypto User',
];

/**
 * The default seed (every fact the tests rely on stays) plus generated subscriptions under five management groups,
 * generated users and nested groups, and generated role assignments. alice is a direct member of 120 of the groups,
 * which nest as a binary tree, so her transitive memberships and assignedTo() lists need paging; bench-user-01
 * reads the whole tenant (Reader at the root management group).
 */
export function largeSeed(): SandboxSeed {
  const seed = defaultSeed();
  const baseSubscriptions = seed.subscriptions.length;
  const baseGroups = seed.groups.length;
  const baseUsers = seed.users.length;

  const extraUsers = LARGE_SEED_SIZE.users - baseUsers;
  for (let i = 1; i <= extraUsers; i++) {
    seed.users.push({
      key: `bench-user-${pad(i, 2)}`, objectId: guidFor(`user-${i}`), userPrincipalName: `bench.user${pad(i, 2)}@${seed.tenant.defaultDomain}`,
      displayName: `Bench User ${pad(i, 2)}`, givenName: 'Bench', surname: `User ${pad(i, 2)}`, jobTitle: 'Developer', password: `Bench-User-${pad(i, 2)}-Pa55!`,
    });
  }

  const subscriptionIds: string[] = [];
  for (let i = 1; i <= LARGE_SEED_SIZE.subscriptions - baseSubscriptions; i++) {
    const id = guidFor(`subscription-${i}`);
    subscriptionIds.push(id);
    seed.subscriptions.push({
      id, displayName: `Bench Subscription ${pad(i, 3)}`, state: 'Enabled',
      resourceGroups: ['a', 'b'].map((suffix) => ({
        name: `rg-bench-${pad(i, 3)}-${suffix}`,
        location: suffix === 'a' ? 'westeurope' : 'northeurope',
        resources: [
          { type: 'Microsoft.Storage/storageAccounts', name: `stbench${pad(i, 3)}${suffix}`, location: suffix === 'a' ? 'westeurope' : 'northeurope', kind: 'StorageV2', sku: { name: 'Standard_LRS', tier: 'Standard' } },
          { type: 'Microsoft.KeyVault/vaults', name: `kv-bench-${pad(i, 3)}-${suffix}`, location: suffix === 'a' ? 'westeurope' : 'northeurope', enableRbacAuthorization: true },
        ],
      })),
    });
  }
  // Five management groups, the first above the other four; the generated subscriptions are spread over them.
  const groupsOfSubscriptions: string[][] = [[], [], [], [], []];
  subscriptionIds.forEach((id, index) => groupsOfSubscriptions[index % 5]!.push(id));
  seed.managementGroups ??= [];
  for (let m = 1; m <= 5; m++) {
    seed.managementGroups.push({
      name: `mg-bench-${m}`, displayName: `Bench Management Group ${m}`,
      ...(m > 1 ? { parent: 'mg-bench-1' } : {}),
      subscriptions: groupsOfSubscriptions[m - 1]!,
    });
  }

  // Groups nest as a binary tree: group n is a member of group floor(n/2).
  const groupCount = LARGE_SEED_SIZE.groups - baseGroups;
  const groupKey = (n: number): string => `bench-group-${pad(n, 3)}`;
  for (let n = 1; n <= groupCount; n++) {
    seed.groups.push({ key: groupKey(n), objectId: guidFor(`group-${n}`), displayName: `sg-bench-${pad(n, 3)}`, mailNickname: `sg-bench-${pad(n, 3)}`, members: [] });
  }
  const groupByKey = new Map(seed.groups.map((g) => [g.key, g]));
  for (let n = 2; n <= groupCount; n++) groupByKey.get(groupKey(Math.floor(n / 2)))!.members!.push(groupKey(n));
  for (let n = groupCount - 119; n <= groupCount; n++) groupByKey.get(groupKey(n))!.members!.push('alice');
  for (let i = 1; i <= extraUsers; i++) {
    for (const n of [((i * 7) % groupCount) + 1, ((i * 13) % groupCount) + 1]) {
      const members = groupByKey.get(groupKey(n))!.members!;
      if (!members.includes(`bench-user-${pad(i, 2)}`)) members.push(`bench-user-${pad(i, 2)}`);
    }
  }

  // Role assignments: a tenant-wide reader (who can page through all of them at the root management group), then
  // over subscriptions, resource groups and resources, to groups and (every seventh) users.
  const assignments = seed.roleAssignments ??= [];
  assignments.push({ name: guidFor('assignment-root-reader'), scope: `/providers/Microsoft.Management/managementGroups/${seed.tenant.id}`, role: 'Reader', principal: 'bench-user-01' });
  const used = new Set<string>();
  for (let j = 0; assignments.length < LARGE_SEED_SIZE.roleAssignments; j++) {
    const subIndex = j % subscriptionIds.length;
    const sub = `/subscriptions/${subscriptionIds[subIndex]}`;
    const suffix = Math.floor(j / subscriptionIds.length) % 2 === 0 ? 'a' : 'b';
    const rg = `${sub}/resourceGroups/rg-bench-${pad(subIndex + 1, 3)}-${suffix}`;
    const level = j % 3;
    const scope = level === 0 ? sub : level === 1 ? rg : `${rg}/providers/Microsoft.Storage/storageAccounts/stbench${pad(subIndex + 1, 3)}${suffix}`;
    const principal = j % 7 === 0 ? `bench-user-${pad((j % extraUsers) + 1, 2)}` : groupKey((j % groupCount) + 1);
    const role = ROLES[(j * 5 + Math.floor(j / 11)) % ROLES.length]!;
    const identity = `${scope}|${principal}|${role}`;
    if (used.has(identity)) continue; // ARM refuses duplicates (RoleAssignmentExists); so does this seed
    used.add(identity);
    assignments.push({ name: guidFor(`assignment-${j}`), scope, role, principal });
  }
  return seed;
}
