// Request economy (benchmark, not a test): how many requests `azure-dev-auth roles` sends to ARM and Graph for a
// user, next to the real `az` 2.45 listing the same user's role assignments in every subscription it sees (`az role
// assignment list --assignee <upn> --all --include-groups --include-inherited --subscription <id>`, one command per
// subscription, as a user would ask it). The sandbox counts what arrives over HTTP (`http.arm`, `http.graph`; a Graph
// $batch is one request; token requests are shown apart). Per tenant shape: the default seed's users and the large
// tenant's alice. Goal: roles sends no more requests than az for the same user and subscriptions (ratio ≤ 1).
//
// Runs inside the loopback-only network namespace of access-bench.ts. az signs in through the sandbox's egress
// proxy (the public cloud's names), roles reaches the same sandbox with its endpoints as a custom cloud.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessReport, ScopeNode } from '../../src/core/access/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { defaultSeed, largeSeed, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server';
import { repoRoot, run } from '../integration/helpers/sandbox';

const REAL_AZ = '/usr/bin/az';
const ALIAS = join(repoRoot, 'test', 'fixtures', 'az-authorization-alias');
const CLI = join(repoRoot, 'dist', 'cli.js');

interface Cost { arm: number; graph: number; entra: number; beyondAz: number; assignments: number }
interface Shape { name: string; seed: () => SandboxSeed; users: string[] }

const SHAPES: Shape[] = [
  { name: 'default seed', seed: defaultSeed, users: ['alice', 'bob', 'dave', 'erin'] },
  { name: 'large tenant', seed: largeSeed, users: ['alice'] },
];

/** What roles asks beyond what az's answer needs: deny assignments, PIM eligibility, resources and key vaults. */
const BEYOND_AZ = new Set([
  'arm.denyAssignments.list', 'arm.roleEligibilityScheduleInstances.list', 'arm.managementGroups.descendants', 'arm.resources.list', 'arm.resources.listByType', 'arm.resources.get',
]);

/** Counts the HTTP requests `task` makes the sandbox receive (a $batch is one), from the request log. */
async function costOf(sb: Sandbox, task: () => Promise<number>): Promise<Cost> {
  sb.control.clearLog();
  const assignments = await task();
  const log = sb.control.requestLog().filter((e) => !e.inBatch);
  const count = (prefix: string) => log.filter((e) => e.route.startsWith(prefix)).length;
  return { arm: count('arm.'), graph: count('graph.'), entra: count('entra.'), beyondAz: log.filter((e) => BEYOND_AZ.has(e.route)).length, assignments };
}

const nodes = (list: readonly ScopeNode[]): ScopeNode[] => list.flatMap((n) => [n, ...nodes(n.children)]);

async function azCost(sb: Sandbox, scratch: string, user: string): Promise<{ cost: Cost; subscriptions: string[] }> {
  const seeded = sb.users[user]!;
  const home = join(scratch, `${user}-az`);
  mkdirSync(home, { recursive: true });
  const env = { ...sb.toolEnv(home), PATH: '/usr/bin:/bin', PYTHONPATH: ALIAS, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
  const az = (args: string[]) => run(REAL_AZ, [...args, '--output', 'json'], { env, timeoutMs: 300_000 });
  const login = await az(['login', '-u', seeded.upn, '-p', seeded.password, '--allow-no-subscriptions']);
  if (login.code !== 0) throw new Error(`az login failed: ${login.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const subscriptions = (JSON.parse(login.stdout) as { id: string }[]).map((s) => s.id).filter((id) => id !== sb.tenantId);
  const cost = await costOf(sb, async () => {
    let total = 0;
    for (const id of subscriptions) {
      const list = await az(['role', 'assignment', 'list', '--assignee', seeded.upn, '--all', '--include-groups', '--include-inherited', '--subscription', id]);
      if (list.code !== 0) throw new Error(`az role assignment list failed: ${list.stderr.trim().split('\n').slice(-3).join(' ')}`);
      total += new Set((JSON.parse(list.stdout) as { id: string }[]).map((a) => a.id.toLowerCase())).size;
    }
    return total;
  });
  return { cost, subscriptions };
}

async function rolesCost(sb: Sandbox, scratch: string, user: string, subscriptions: readonly string[]): Promise<Cost> {
  const home = join(scratch, `${user}-roles`);
  mkdirSync(home, { recursive: true });
  await signInDemoDeveloper(sb, home, user, ['az']);
  const cloud = JSON.stringify({
    authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
  return costOf(sb, async () => {
    const ours = await run(process.execPath, [CLI, 'roles', '--json', '--source', 'AzureCliCredential', '--azure-identity-version', '1.23.1', '--cloud', cloud], {
      env: { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: home, timeoutMs: 600_000,
    });
    if (ours.code !== 0) throw new Error(`roles failed: ${ours.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const report = JSON.parse(ours.stdout) as AccessReport;
    return report.subscriptions.filter((s) => subscriptions.includes(s.subscriptionId))
      .reduce((n, s) => n + new Set(nodes(s.scopes).flatMap((node) => node.assignments.map((a) => a.assignmentId.toLowerCase()))).size, 0);
  });
}

export async function printRequestComparison(): Promise<void> {
  if (!existsSync(REAL_AZ)) {
    console.log('\n[bench] request economy: skipped, azure-cli (/usr/bin/az) is not installed');
    return;
  }
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node build.mjs` first');
  console.log('\n[bench] request economy: HTTP requests to ARM + Graph the sandbox received (a $batch is one) for one user\'s role assignments');
  console.log('  "same answer": what roles sends for what az answers (subscriptions, assignments, role definitions, Graph);');
  console.log('  "whole": roles\' whole answer, adding deny assignments, PIM eligibility, resources and key vaults (az shows none of these)');
  console.log('  tenant shape   user   subs  az 2.45 (ARM+Graph)  roles whole (ARM+Graph)  roles same answer  ratio same/az  ratio whole/az  assignments az/roles  token requests az/roles');
  const same: number[] = [];
  const whole: number[] = [];
  for (const shape of SHAPES) {
    const sb = await startSandbox({ seed: shape.seed() });
    const scratch = mkdtempSync(join(tmpdir(), 'access-requests-'));
    try {
      for (const user of shape.users) {
        const { cost: az, subscriptions } = await azCost(sb, scratch, user);
        if (!subscriptions.length) {
          console.log(`  ${shape.name.padEnd(13)}  ${user.padEnd(5)}     0  (no subscription: nothing to compare)`);
          continue;
        }
        const ours = await rolesCost(sb, scratch, user, subscriptions);
        const azTotal = az.arm + az.graph;
        const ourTotal = ours.arm + ours.graph;
        const ourSame = ourTotal - ours.beyondAz;
        same.push(ourSame / azTotal);
        whole.push(ourTotal / azTotal);
        console.log(`  ${shape.name.padEnd(13)}  ${user.padEnd(5)}  ${String(subscriptions.length).padStart(4)}  ${`${azTotal} (${az.arm}+${az.graph})`.padStart(19)}  ${`${ourTotal} (${ours.arm}+${ours.graph})`.padStart(23)}  ${String(ourSame).padStart(17)}  ${(ourSame / azTotal).toFixed(2).padStart(13)}  ${(ourTotal / azTotal).toFixed(2).padStart(14)}  ${`${az.assignments}/${ours.assignments}`.padStart(20)}  ${`${az.entra}/${ours.entra}`.padStart(23)}`);
      }
    } finally {
      await sb.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  console.log(`  highest ratio, same answer: ${Math.max(...same).toFixed(2)}; whole answer: ${Math.max(...whole).toFixed(2)} — goal: ≤ 1.00 (no more requests than az)`);
}
