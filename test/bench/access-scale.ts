// The Access model's cost as one subscription grows: builds the report and the view's rows from raw answers shaped
// like a real subscription (the 928 built-in role definitions, resource groups with storage accounts, key vaults,
// Service Bus namespaces and other resources, a few assignments at the subscription and the rest at its resource
// groups and resources, to the user and to its nested groups, a few deny assignments and workspace references). No
// network: the load's own cost is measured by access-bench.ts; this measures what grows with the number of assignments.
//
//   npm run bench -- access            (after the load benchmark)
//   node --import tsx test/bench/access-scale.ts [--runs N] [assignments …]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { buildAccessReport, type AccessInputs, type RawDenyAssignment, type RawResource, type RawRoleAssignment, type RawRoleDefinition } from '../../src/core/access/model';
import type { AccessIdentity, GroupMembership } from '../../src/core/access/types';
import type { ResourceReference } from '../../src/core/access/workspaceResources';
import { accessRows, type AccessRowModel } from '../../src/core/presentation/accessRows';

interface BuiltIn { name: string; roleName: string; description: string; roleType: string; permissions: RawRoleDefinition['permissions'] }

const SUB = '5ca1e000-0000-4000-8000-000000000001';
const ME = 'aaaaaaaa-0000-4000-8000-000000000001';
const identity: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: ME, tenantId: 'tenant-1', tenantName: 'Contoso',
  source: 'AzureCliCredential', expiresOn: null,
};

/** A small deterministic generator: the same inputs on every run and machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const guid = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${hex(n, 12)}`;

const RESOURCE_TYPES = [
  { type: 'Microsoft.Storage/storageAccounts', prefix: 'st' },
  { type: 'Microsoft.KeyVault/vaults', prefix: 'kv-' },
  { type: 'Microsoft.ServiceBus/namespaces', prefix: 'sb-' },
  { type: 'Microsoft.Web/sites', prefix: 'app-' },
  { type: 'Microsoft.Sql/servers', prefix: 'sql-' },
  { type: 'Microsoft.AppConfiguration/configurationStores', prefix: 'appcs-' },
];

/** Raw answers for one subscription with `count` role assignments that apply to the user. */
export function scaleInputs(count: number, builtIns: readonly BuiltIn[]): AccessInputs {
  const next = random(count);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const definitions: RawRoleDefinition[] = builtIns.map((r) => ({
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, roleName: r.roleName, description: r.description,
    type: r.roleType, permissions: r.permissions,
  }));
  // Groups: 40 direct, 80 nested one or two levels down.
  const groups: GroupMembership[] = [];
  for (let g = 0; g < 120; g++) {
    const name = `sg-team-${g}`;
    const parent = g >= 40 ? groups[Math.floor(next() * 40)]! : undefined;
    groups.push({ id: guid('bbbbbbbb', g), displayName: name, path: parent ? [...parent.path, name] : [name] });
  }
  const principals = [ME, ...groups.map((g) => g.id)];
  // Resources: one per two assignments, in resource groups of about 25.
  const resourceCount = Math.max(6, Math.ceil(count / 2));
  const groupCount = Math.max(1, Math.ceil(resourceCount / 25));
  const resourceGroups = Array.from({ length: groupCount }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-${i}`);
  const resources: RawResource[] = [];
  for (let r = 0; r < resourceCount; r++) {
    const kind = RESOURCE_TYPES[r % RESOURCE_TYPES.length]!;
    const name = `${kind.prefix}${r}x`;
    const vault = kind.type === 'Microsoft.KeyVault/vaults' && r % 4 === 1
      ? { enableRbacAuthorization: false, accessPolicies: [{ objectId: pick(principals), permissions: { secrets: ['get', 'list'], keys: [], certificates: [] } }] }
      : undefined;
    resources.push({ id: `${resourceGroups[r % groupCount]!}/providers/${kind.type}/${name}`, name, type: kind.type, ...(vault ? { vault } : {}) });
  }
  // Roles people hold: the common ones far more often than the rest.
  const common = ['Reader', 'Contributor', 'Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Key Vault Secrets User',
    'Azure Service Bus Data Sender', 'Website Contributor', 'App Configuration Data Reader', 'Monitoring Reader']
    .map((name) => builtIns.find((r) => r.roleName === name)!.name);
  const assignments: RawRoleAssignment[] = [];
  for (let a = 0; a < count; a++) {
    const where = next();
    // Mixed case and an occasional trailing slash, as ARM returns scopes written by different tools.
    // A handful at the subscription itself (they apply to every row below it), a fifth at resource groups.
    const scope = a < 6 ? `/subscriptions/${SUB}`
      : where < 0.2 ? pick(resourceGroups).replace('resourceGroups', next() < 0.3 ? 'resourcegroups' : 'resourceGroups')
        : `${pick(resources).id}${next() < 0.05 ? '/' : ''}`;
    const role = next() < 0.8 ? pick(common) : pick(builtIns).name;
    assignments.push({
      id: `${scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${guid('cccccccc', a)}`, scope,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: pick(principals),
      principalType: 'Group', condition: null, conditionVersion: null, createdOn: '2026-01-01T00:00:00Z',
    });
  }
  assignments.push({
    id: `/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/roleAssignments/${guid('dddddddd', 0)}`,
    scope: '/providers/Microsoft.Management/managementGroups/contoso', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${common[0]!}`,
    principalId: ME, principalType: 'User', condition: null, conditionVersion: null, createdOn: '2026-01-01T00:00:00Z',
  });
  const deny: RawDenyAssignment[] = Array.from({ length: 5 }, (_, d) => ({
    id: `deny-${d}`, name: `Locked by deployment ${d}`, description: 'Managed application lock', scope: pick(resourceGroups),
    permissions: [{ actions: ['*/write', '*/delete'], notActions: [], dataActions: [], notDataActions: [] }],
    principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }], excludePrincipals: [], doNotApplyToChildScopes: false,
  }));
  const references: ResourceReference[] = resources.slice(0, 12).flatMap((r): ResourceReference[] => {
    if (r.type === 'Microsoft.Storage/storageAccounts') return [{ service: 'storage', name: r.name, host: `${r.name}.blob.core.windows.net` }];
    if (r.type === 'Microsoft.KeyVault/vaults') return [{ service: 'keyVault', name: r.name, host: `${r.name}.vault.azure.net` }];
    return [];
  });
  return {
    cloud: KNOWN_CLOUDS.AzureCloud, identity, groups, groupsProblem: null,
    subscriptions: [{ subscriptionId: SUB, displayName: 'Scale', tenantId: 'tenant-1', assignments, definitions, deny, eligible: [], resources, problems: [] }],
    references, problems: [], requests: 0, tokenIssuedAt: null, now: Date.parse('2026-06-01T00:00:00Z'),
  };
}

export function loadBuiltIns(): BuiltIn[] {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as BuiltIn[];
}

const countRows = (rows: readonly AccessRowModel[]): number => rows.reduce((n, r) => n + 1 + countRows(r.children), 0);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface ScaleResult { assignments: number; reportMs: number; rowsMs: number; totalMs: number; rows: number; peakHeapMb: number; peakRssMb: number }

/** Report plus rows for `count` assignments: median of `runs` runs after one warm-up. */
export function measureScale(count: number, runs: number, builtIns = loadBuiltIns()): ScaleResult {
  const inputs = scaleInputs(count, builtIns);
  const cloud = KNOWN_CLOUDS.AzureCloud;
  const report: number[] = [];
  const rows: number[] = [];
  let rowCount = 0;
  let peak = process.memoryUsage().heapUsed;
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const built = buildAccessReport(inputs);
    const middle = performance.now();
    const tree = accessRows(built, cloud);
    const ended = performance.now();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    rowCount = countRows(tree);
    if (i > 0) { report.push(middle - started); rows.push(ended - middle); }
  }
  const reportMs = median(report);
  const rowsMs = median(rows);
  return { assignments: count, reportMs, rowsMs, totalMs: reportMs + rowsMs, rows: rowCount, peakHeapMb: peak / 1_048_576, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Each size in a fresh process, so one size's garbage does not count toward the next one's peak memory. */
export function printScale(runs: number, sizes: readonly number[] = [500, 4000]): void {
  const results: ScaleResult[] = [];
  for (const size of sizes) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', String(size), '--runs', String(runs)], { encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) throw new Error(`the scale run for ${size} assignments failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ScaleResult);
  }
  console.log(`\n[bench] Access report plus rows, one subscription (928 role definitions, 120 groups), median of ${runs} runs`);
  console.log('  assignments  report     rows       report + rows  rows shown  peak heap  peak RSS');
  for (const r of results) {
    console.log(`  ${String(r.assignments).padStart(11)}  ${`${r.reportMs.toFixed(1)} ms`.padEnd(9)}  ${`${r.rowsMs.toFixed(1)} ms`.padEnd(9)}  ${`${r.totalMs.toFixed(1)} ms`.padEnd(13)}  ${String(r.rows).padStart(10)}  ${`${r.peakHeapMb.toFixed(0)} MB`.padStart(9)}  ${`${r.peakRssMb.toFixed(0)} MB`.padStart(8)}`);
  }
  if (results.length >= 2) {
    const first = results[0]!;
    const last = results[results.length - 1]!;
    console.log(`  ${last.assignments} / ${first.assignments} assignments = ${(last.assignments / first.assignments).toFixed(1)}×: time ×${(last.totalMs / first.totalMs).toFixed(1)}`
      + `, rows shown ×${(last.rows / first.rows).toFixed(1)} — linear is about ${(last.assignments / first.assignments).toFixed(0)}, quadratic about ${((last.assignments / first.assignments) ** 2).toFixed(0)}`);
  }
}

if (require.main === module) {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
  if (process.argv.includes('--child')) {
    const size = Number(process.argv[process.argv.indexOf('--child') + 1]);
    process.stdout.write(`${JSON.stringify(measureScale(size, runs))}\n`);
  } else {
    const sizes = process.argv.slice(2).filter((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--runs').map(Number);
    printScale(runs, sizes.length ? sizes : undefined);
  }
}
