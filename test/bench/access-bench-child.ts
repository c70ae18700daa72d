// One measurement for access-bench.ts, in a process that trusts the sandbox CA from its start: loads the Access
// report for the first N subscriptions (warm: the first run fills the role-definition cache), then builds the tree.
import { AccessCache, loadAccess } from '../../src/core/access/load';
import { resolveCloud, type CloudEndpoints } from '../../src/core/access/clouds';
import { accessRows, type AccessRowModel } from '../../src/core/presentation/accessRows';
import type { AccessReport, ScopeNode } from '../../src/core/access/types';

const count = Number(process.argv[2]);
const cloud: CloudEndpoints = resolveCloud(JSON.parse(process.argv[3] ?? '{}') as Partial<CloudEndpoints>);
const runs = Number(process.argv[4] ?? '3');
const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const countRows = (rows: readonly AccessRowModel[]): number => rows.reduce((n, r) => n + 1 + countRows(r.children), 0);
const nodes = (list: readonly ScopeNode[]): ScopeNode[] => list.flatMap((n) => [n, ...nodes(n.children)]);

async function main(): Promise<void> {
  const cache = new AccessCache();
  const load = (subscriptions: string[] | undefined): Promise<AccessReport> => loadAccess({
    source: 'AzureCliCredential', cloud, env, processTimeoutSeconds: 30, allowedHosts: [], cache, ...(subscriptions ? { subscriptions } : {}),
  });
  const all = await load(undefined);
  const wanted = all.subscriptions.slice(0, count).map((s) => s.subscriptionId);
  const data: number[] = [];
  const tree: number[] = [];
  let report = all;
  let rows: AccessRowModel[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    report = await load(wanted);
    data.push(performance.now() - started);
    const built = performance.now();
    rows = accessRows(report, cloud);
    tree.push(performance.now() - built);
  }
  process.stdout.write(`${JSON.stringify({
    subscriptions: report.subscriptions.length, requests: report.requests, dataMs: Math.round(median(data)), treeMs: Math.round(median(tree)),
    rows: countRows(rows), assignments: new Set(report.subscriptions.flatMap((s) => nodes(s.scopes).flatMap((n) => n.assignments.map((a) => a.assignmentId)))).size,
    groups: report.groups.count,
  })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
