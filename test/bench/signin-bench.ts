// Benchmark (not a test): how soon the Sign In page shows a new sign-in after the tool has written its files (goal:
// within 2 s). A real VS Code (code-server, headless Chromium) against the sandbox; the fake `az` signs alice in and
// out outside VS Code, as a developer's own terminal would; the time runs from the moment `az login` has exited (its
// files are written by then) to the page naming alice through Azure CLI. Prints each run, the median and the worst,
// and their ratio to the goal.
//
//   npm run bench -- signin [--runs N]
//
// Runs inside a loopback-only network namespace (it re-executes itself under `unshare --net` when needed).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox } from '../../src/sandbox/server';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { VSCodeSession } from '../harness/vscode';
import { openWizard } from '../e2e/wizardHelpers';
import { ensureToolsBuilt } from '../integration/helpers/sandbox';

const GOAL_MS = 2_000;

function reexecInNetns(): number | undefined {
  if (process.env.AZURE_DEV_AUTH_NETNS === '1') return undefined;
  const unshareArgs = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user'];
  const r = spawnSync('unshare', [...unshareArgs, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
    process.execPath, ...process.execArgv, join(__dirname, 'index.ts'), 'signin', ...process.argv.slice(3)], {
    stdio: 'inherit', env: { ...process.env, AZURE_DEV_AUTH_NETNS: '1' },
  });
  return r.status ?? 2;
}

async function main(): Promise<void> {
  const status = reexecInNetns();
  if (status !== undefined) { process.exitCode = status; return; }
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 5) : 5;
  await ensureToolsBuilt();
  const sb = await startSandbox();
  const home = mkdtempSync(join(tmpdir(), 'signin-bench-'));
  const alice = sb.users.alice!;
  const az = (args: string[]) => promisify(execFile)(join(sb.toolsBinDir, 'az'), args,
    { env: { ...sb.toolEnv(home), PATH: `${sb.toolsBinDir}:${process.env.PATH}` }, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sb.toolEnv(home);
  const vscode = await VSCodeSession.launch({
    home, env: { ...toolEnv, ...sb.managedIdentityEnv('none') }, pathPrepend: [sb.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sb) },
    workspaceFiles: { 'app.py': 'print("hello")\n' },
  });
  try {
    const frame = await openWizard(vscode, 'Sign In…');
    const headline = frame.locator('#headline');
    await headline.waitFor({ timeout: 60_000 });
    const signedIn = frame.locator('#headline', { hasText: /signs in as alice@.* through Azure CLI/ });
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      await az(['logout']).catch(() => undefined);
      await signedIn.waitFor({ state: 'detached', timeout: 60_000 }).catch(() => undefined);
      await vscode.page.waitForTimeout(1_000); // let the check after the sign-out settle
      await az(['login', '--username', alice.upn, '--password', alice.password]);
      const exited = performance.now();
      await signedIn.waitFor({ timeout: 60_000 });
      latencies.push(Math.round(performance.now() - exited));
      console.log(`  run ${i + 1}: ${latencies.at(-1)} ms from az login's exit to the page showing alice`);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const worst = sorted.at(-1)!;
    console.log(`\n[bench] Sign In page after a sign-in outside VS Code, ${runs} runs`);
    console.log(`  median ${median} ms (ratio to the ${GOAL_MS} ms goal: ${(median / GOAL_MS).toFixed(2)}), worst ${worst} ms (ratio ${(worst / GOAL_MS).toFixed(2)})`);
  } finally {
    await vscode.close();
    await sb.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
