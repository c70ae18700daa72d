// Benchmark (not a test): time to the verdict of the engine vs the real Python DefaultAzureCredential on a laptop
// where az, Azure PowerShell and azd each take 1 s to answer: az and pwsh are not signed in, azd is. Python asks them
// one after the other; the engine asks all sources at once, so its verdict should cost the slowest probe it needs
// plus a little, never the sum. Measured for Debian 13's azure-identity 1.23.1 and Debian sid's 1.26.0b3.
//
//   npm run bench            (node --import tsx test/bench/chain-bench.ts [--runs N])
//
// Runs inside a loopback-only network namespace (it re-executes itself under `unshare --net` when needed), against
// the sandbox tenant. For each version it prints the medians over N runs (after one warm-up run each): the engine's
// time, Python's time (DefaultAzureCredential().get_token() measured inside the interpreter, and the whole process),
// their ratio, and the engine's time minus its slowest probe, i.e. what the engine adds around the tools it waits
// for. Goals: ratio ≤ 0.35, overhead < 150 ms. For reference it also times the same three tool commands started
// together without the engine (and one after the other): no engine can answer faster than that floor, which is set
// by the tools' own start-up competing for the machine's cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChain } from '../../src/core/chain/engine';
import { azCommand } from '../../src/core/chain/sources/azureCli';
import { azdCommand } from '../../src/core/chain/sources/azureDeveloperCli';
import { pwshCommand } from '../../src/core/chain/sources/azurePowerShell';
import type { ProbeContext } from '../../src/core/chain/sources/common';
import { runTool } from '../../src/core/chain/sources/tools';
import { familyFor } from '../../src/core/chain/versions';
import type { ChainReport } from '../../src/core/chain/types';
import { detectAzureIdentity, runPythonDefaultAzureCredential, verificationFrom, type PythonOutcome } from '../../src/core/python';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs, type PythonAzureIdentityEnv } from '../harness/python-envs.mjs';
import { ensureToolsBuilt } from '../integration/helpers/sandbox';

const RATIO_GOAL = 0.35;
const OVERHEAD_GOAL_MS = 150;
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
const millis = (ms: number): string => `${Math.round(ms)} ms`;

/** The slowest probe of a report: the one the verdict had to wait for. */
function slowestProbe(report: ChainReport): { credential: string; elapsedMs: number } {
  return report.sources.reduce((slowest, s) => (s.elapsedMs > slowest.elapsedMs ? { credential: s.credential, elapsedMs: s.elapsedMs } : slowest),
    { credential: '-', elapsedMs: 0 });
}

/** The three tools as the engine starts them (same argv, environment, working directory), without the engine. */
async function toolsAlone(env: Record<string, string>, version: string, together: boolean): Promise<number> {
  const ctx: ProbeContext = {
    env, behaviour: familyFor(version), isExcluded: () => false, processTimeoutSeconds: 10, brokerInstalled: false,
    allowedHosts: [], signal: undefined, authority: 'https://login.microsoftonline.com', defaultAuthority: 'https://login.microsoftonline.com',
    managedIdentityClientId: env.AZURE_CLIENT_ID ?? '', workloadIdentityClientId: env.AZURE_CLIENT_ID ?? '', workloadIdentityTenantId: env.AZURE_TENANT_ID ?? '',
    sharedCacheUsername: env.AZURE_USERNAME ?? '', sharedCacheTenantId: env.AZURE_TENANT_ID ?? '', interactiveBrowserTenantId: env.AZURE_TENANT_ID ?? '', platform: process.platform, wsl: false,
    rememberSecret: () => undefined,
  };
  const commands = [azCommand(ctx), pwshCommand(ctx), azdCommand(ctx)];
  const started = performance.now();
  if (together) await Promise.all(commands.map((command) => runTool(ctx, command)));
  else for (const command of commands) await runTool(ctx, command);
  return performance.now() - started;
}

interface Measured {
  readonly label: string;
  readonly engineMs: number;
  readonly pythonInsideMs: number;
  readonly pythonProcessMs: number;
  readonly overheadMs: number;
  readonly floorMs: number;
  readonly serialToolsMs: number;
}

async function measure(sb: Sandbox, root: string, key: string, interpreter: PythonAzureIdentityEnv, runs: number): Promise<Measured> {
  const python = interpreter.python;
  const home = join(root, `home-${key}`);
  await signInDemoDeveloper(sb, home, 'alice', ['azd']);
  const env = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), ...interpreter.env, AZURE_DEV_AUTH_FAKE_DELAY_MS: String(TOOL_DELAY_MS) };
  const detection = await detectAzureIdentity(python, env);
  if (!detection.version) throw new Error(detection.problem ?? 'no azure-identity version');
  const label = `azure-identity ${detection.version}`;

  const engineOnce = async (): Promise<{ ms: number; report: ChainReport }> => {
    const started = performance.now();
    const report = await evaluateChain({
      env, keywordArguments: {}, azureIdentityVersion: detection.version ?? undefined, versionSource: 'python',
      brokerInstalled: detection.brokerInstalled, brokerRuntimeInstalled: detection.brokerRuntimeInstalled,
      ...(detection.msalVersion ? { msalVersion: detection.msalVersion } : {}),
    });
    return { ms: performance.now() - started, report };
  };
  const pythonOnce = async (): Promise<{ ms: number; inside: number; outcome: PythonOutcome }> => {
    const started = performance.now();
    const outcome = await runPythonDefaultAzureCredential({ python, env, keywordArguments: {} });
    return { ms: performance.now() - started, inside: outcome.elapsedMs ?? Number.NaN, outcome };
  };

  console.log(`\n[bench] ${label} (${python}), Python ${detection.pythonVersion}, msal ${detection.msalVersion ?? '?'}`);
  await engineOnce();
  await pythonOnce();
  const engine: number[] = [];
  const overhead: number[] = [];
  const pythonWall: number[] = [];
  const pythonInside: number[] = [];
  const floor: number[] = [];
  const serialTools: number[] = [];
  let last: { report: ChainReport; outcome: PythonOutcome } | undefined;
  for (let i = 0; i < runs; i++) {
    const e = await engineOnce();
    const p = await pythonOnce();
    engine.push(e.ms);
    overhead.push(e.ms - slowestProbe(e.report).elapsedMs);
    pythonWall.push(p.ms);
    pythonInside.push(p.inside);
    floor.push(await toolsAlone(env, detection.version, true));
    serialTools.push(await toolsAlone(env, detection.version, false));
    last = { report: e.report, outcome: p.outcome };
  }
  const verification = verificationFrom(last!.report, last!.outcome);
  const slowest = slowestProbe(last!.report);
  console.log(`[bench] verdicts: engine ${last!.report.verdict.outcome} from ${last!.report.verdict.credential}; Python ${verification.verdict.outcome} from ${verification.verdict.credential}; ${verification.agrees ? 'they agree' : `they differ: ${verification.differences.join(' ')}`}`);
  console.log(`[bench] probes (last run): ${last!.report.sources.filter((s) => s.elapsedMs > 0).map((s) => `${s.credential} ${s.elapsedMs} ms`).join(', ')}; slowest ${slowest.credential}`);
  const result: Measured = {
    label, engineMs: median(engine), pythonInsideMs: median(pythonInside), pythonProcessMs: median(pythonWall), overheadMs: median(overhead),
    floorMs: median(floor), serialToolsMs: median(serialTools),
  };
  const ratio = result.engineMs / result.pythonInsideMs;
  console.log(`engine (evaluateChain)                       ${seconds(result.engineMs)}   runs: ${engine.map(seconds).join(', ')}`);
  console.log(`Python DefaultAzureCredential().get_token()  ${seconds(result.pythonInsideMs)}   runs: ${pythonInside.map(seconds).join(', ')}`);
  console.log(`Python process incl. interpreter start       ${seconds(result.pythonProcessMs)}   runs: ${pythonWall.map(seconds).join(', ')}`);
  console.log(`ratio engine / Python DefaultAzureCredential ${ratio.toFixed(2)}  (goal <= ${RATIO_GOAL}: ${ratio <= RATIO_GOAL ? 'met' : 'NOT met'})`);
  console.log(`ratio engine / Python process                ${(result.engineMs / result.pythonProcessMs).toFixed(2)}`);
  console.log(`engine minus its slowest probe               ${millis(result.overheadMs)}   runs: ${overhead.map(millis).join(', ')}  (goal < ${OVERHEAD_GOAL_MS} ms: ${result.overheadMs < OVERHEAD_GOAL_MS ? 'met' : 'NOT met'})`);
  console.log(`floor: the three tools started together       ${seconds(result.floorMs)}   runs: ${floor.map(seconds).join(', ')}`);
  console.log(`       the three tools one after the other    ${seconds(result.serialToolsMs)}   (floor ratio ${(result.floorMs / result.serialToolsMs).toFixed(2)}; engine - floor ${millis(result.engineMs - result.floorMs)})`);
  return result;
}

async function main(): Promise<number> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = Math.max(1, runsArg > 0 ? Number(process.argv[runsArg + 1]) || 3 : 3);
  const envs = await ensurePythonAzureIdentityEnvs();
  const versions = (['debian13', 'debiansid'] as const).filter((key) => {
    if (envs[key].problem) console.error(`[bench] skipping ${key}: ${envs[key].problem}`);
    return !envs[key].problem;
  });
  if (versions.length === 0) return 2;
  await ensureToolsBuilt();
  const sb = await startSandbox();
  const root = mkdtempSync(join(tmpdir(), 'chain-bench-'));
  try {
    console.log(`[bench] az and pwsh not signed in, azd signed in as alice; every tool waits ${TOOL_DELAY_MS} ms; ${runs} runs after a warm-up`);
    const results: Measured[] = [];
    for (const key of versions) results.push(await measure(sb, root, key, envs[key], runs));
    console.log('\n[bench] summary (medians)');
    console.log('version                   engine    Python    ratio   engine - slowest probe   tools together / one by one');
    for (const r of results) {
      console.log(`${r.label.padEnd(24)}  ${seconds(r.engineMs).padStart(7)}  ${seconds(r.pythonInsideMs).padStart(7)}   ${(r.engineMs / r.pythonInsideMs).toFixed(2).padStart(5)}   ${millis(r.overheadMs).padEnd(22)}   ${seconds(r.floorMs)} / ${seconds(r.serialToolsMs)} (${(r.floorMs / r.serialToolsMs).toFixed(2)})`);
    }
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
