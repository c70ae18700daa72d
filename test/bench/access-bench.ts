// Benchmark (not a test): first the request counts of `roles` next to the real `az` per tenant shape
// (access-requests.ts; alone: `npm run bench -- access-requests`), then the Access view's load on a large tenant (the sandbox's large seed: 50 subscriptions, 300
// groups, 5,000 role assignments), for a user in 120 nested groups. Prints the requests made, the time to data, the
// time to build the tree (goal under 500 ms) and the requests per subscription (goal: constant as subscriptions grow).
// Then one subscription with 500 and 4,000 assignments: report plus rows in milliseconds, their ratio and peak memory
// (access-scale.ts; alone: `npm run bench -- access-scale`).
//
//   npm run bench -- access [--runs N]
//
// Runs inside a loopback-only network namespace (it re-executes itself under `unshare --net` when needed). The load
// runs in a child process that trusts the sandbox's CA from its start, as the extension host does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { largeSeed, startSandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from '../integration/helpers/sandbox';
import { printRequestComparison } from './access-requests';
import { printScale } from './access-scale';

function reexecInNetns(): number | undefined {
  if (process.env.AZURE_DEV_AUTH_NETNS === '1') return undefined;
  const unshareArgs = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user'];
  const r = spawnSync('unshare', [...unshareArgs, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
    process.execPath, ...process.execArgv, join(__dirname, 'index.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, AZURE_DEV_AUTH_NETNS: '1' },
  });
  return r.status ?? 2;
}

interface ChildResult { subscriptions: number; requests: number; dataMs: number; treeMs: number; rows: number; assignments: number; groups: number }

async function main(): Promise<void> {
  const status = reexecInNetns();
  if (status !== undefined) { process.exitCode = status; return; }
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
  await ensureToolsBuilt();
  await printRequestComparison();
  if (process.argv.includes('access-requests')) return;
  const sb = await startSandbox({ seed: largeSeed() });
  const home = mkdtempSync(join(tmpdir(), 'access-bench-'));
  try {
    await signInDemoDeveloper(sb, home, 'alice', ['az']);
    const cloud = JSON.stringify({
      authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
      graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
    });
    const measure = async (count: number): Promise<ChildResult> => {
      const r = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'access-bench-child.ts'), String(count), cloud, String(runs)], {
        env: { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: repoRoot, timeoutMs: 600_000,
      });
      if (r.code !== 0) throw new Error(`the load failed: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    };
    const results = [await measure(1), await measure(10), await measure(50)];
    console.log(`\n[bench] Access view load, large tenant (alice: ${results[2]!.groups} groups), median of ${runs} warm runs each`);
    console.log('  subscriptions  requests  time to data  time to build the tree  assignments shown  rows');
    for (const r of results) {
      console.log(`  ${String(r.subscriptions).padStart(13)}  ${String(r.requests).padStart(8)}  ${`${r.dataMs} ms`.padStart(12)}  ${`${r.treeMs} ms`.padStart(22)}  ${String(r.assignments).padStart(17)}  ${r.rows}`);
    }
    const [one, ten, fifty] = results as [ChildResult, ChildResult, ChildResult];
    const perSubA = (ten.requests - one.requests) / (ten.subscriptions - one.subscriptions);
    const perSubB = (fifty.requests - ten.requests) / (fifty.subscriptions - ten.subscriptions);
    console.log(`  requests per added subscription: ${perSubA.toFixed(2)} (1→10), ${perSubB.toFixed(2)} (10→50) — goal: constant`);
    console.log(`  time to build the tree at 50 subscriptions: ${fifty.treeMs} ms — goal: under 500 ms`);
    printScale(runs);
  } finally {
    await sb.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

void main();
