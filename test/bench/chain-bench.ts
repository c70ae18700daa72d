// Benchmark (not a test): time to the verdict of the engine vs the real Python DefaultAzureCredential (Debian 13's
// azure-identity 1.23.1) on a laptop where az, Azure PowerShell and azd each take 1 s to answer: az and pwsh are not
// signed in, azd is. Python asks them one after the other; the engine asks all sources at once.
//
//   npm run bench            (node --import tsx test/bench/chain-bench.ts [--runs N])
//
// Runs inside a loopback-only network namespace (it re-executes itself under `unshare --net` when needed), against
// the sandbox tenant. Prints each side's median over N runs (after one warm-up run each) and the ratio; goal ≤ 0.4.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChain } from '../../src/core/chain/engine';
import type { ChainReport } from '../../src/core/chain/types';
import { detectAzureIdentity, runPythonDefaultAzureCredential, verificationFrom, type PythonOutcome } from '../../src/core/python';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import { ensureToolsBuilt } from '../integration/helpers/sandbox';

const GOAL = 0.4;
const TOOL_DELAY_MS = 1000;

/** Re-runs this script in a new network namespace with only loopback up; returns its exit code, or undefined when already inside. */
function reexecInNetns(): number | undefined {
  if (process.env.AZURE_DEV_AUTH_NETNS === '1') return undefined;
  if (process.platform !== 'linux') {
    console.error('[bench] needs Linux network namespaces (unshare --net)');
    return 2;
  }
  const unshareArgs = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user'];
  const r = spawnSync('unshare', [...unshareArgs, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
    process.execPath, ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, AZURE_DEV_AUTH_NETNS: '1' },
  });
  if (r.error || r.status === null) {
    console.error(`[bench] could not enter a loopback-only network namespace: ${r.error?.message ?? r.signal}`);
    return 2;
  }
  return r.status;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<number> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = Math.max(1, runsArg > 0 ? Number(process.argv[runsArg + 1]) || 3 : 3);
  const envs = await ensurePythonAzureIdentityEnvs();
  if (envs.debian13.problem) {
    console.error(`[bench] ${envs.debian13.problem}`);
    return 2;
  }
  const python = envs.debian13.python;
  await ensureToolsBuilt();
  const sb = await startSandbox();
  const root = mkdtempSync(join(tmpdir(), 'chain-bench-'));
  try {
    const home = join(root, 'home');
    await signInDemoDeveloper(sb, home, 'alice', ['azd']);
    const env = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), ...envs.debian13.env, AZURE_DEV_AUTH_FAKE_DELAY_MS: String(TOOL_DELAY_MS) };
    const detection = await detectAzureIdentity(python, env);
    if (!detection.version) throw new Error(detection.problem ?? 'no azure-identity version');

    const engineOnce = async (): Promise<{ ms: number; report: ChainReport }> => {
      const started = performance.now();
      const report = await evaluateChain({
        env, keywordArguments: {}, azureIdentityVersion: detection.version ?? undefined, versionSource: 'python', brokerInstalled: detection.brokerInstalled,
      });
      return { ms: performance.now() - started, report };
    };
    const pythonOnce = async (): Promise<{ ms: number; inside: number; outcome: PythonOutcome }> => {
      const started = performance.now();
      const outcome = await runPythonDefaultAzureCredential({ python, env, keywordArguments: {} });
      return { ms: performance.now() - started, inside: outcome.elapsedMs ?? Number.NaN, outcome };
    };

    console.log(`[bench] azure-identity ${detection.version} (${python}), Python ${detection.pythonVersion}`);
    console.log(`[bench] az and pwsh not signed in, azd signed in as alice; every tool waits ${TOOL_DELAY_MS} ms; ${runs} runs after a warm-up`);
    await engineOnce();
    await pythonOnce();
    const engine: number[] = [];
    const pythonWall: number[] = [];
    const pythonInside: number[] = [];
    let last: { report: ChainReport; outcome: PythonOutcome } | undefined;
    for (let i = 0; i < runs; i++) {
      const e = await engineOnce();
      const p = await pythonOnce();
      engine.push(e.ms);
      pythonWall.push(p.ms);
      pythonInside.push(p.inside);
      last = { report: e.report, outcome: p.outcome };
    }
    const verification = verificationFrom(last!.report, last!.outcome);
    const e = median(engine);
    const inside = median(pythonInside);
    const wall = median(pythonWall);
    const ratio = e / inside;
    console.log(`[bench] verdicts: engine ${last!.report.verdict.outcome} from ${last!.report.verdict.credential}; Python ${verification.verdict.outcome} from ${verification.verdict.credential}; ${verification.agrees ? 'they agree' : `they differ: ${verification.differences.join(' ')}`}`);
    console.log(`engine (evaluateChain)                      ${seconds(e)}   runs: ${engine.map(seconds).join(', ')}`);
    console.log(`Python DefaultAzureCredential().get_token() ${seconds(inside)}   runs: ${pythonInside.map(seconds).join(', ')}`);
    console.log(`Python process incl. interpreter start      ${seconds(wall)}   runs: ${pythonWall.map(seconds).join(', ')}`);
    console.log(`ratio engine / Python DefaultAzureCredential  ${ratio.toFixed(2)}  (goal <= ${GOAL}: ${ratio <= GOAL ? 'met' : 'NOT met'})`);
    console.log(`ratio engine / Python process                 ${(e / wall).toFixed(2)}`);
    return 0;
  } finally {
    await sb.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const status = reexecInNetns();
if (status !== undefined) {
  process.exit(status);
} else {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  });
}
