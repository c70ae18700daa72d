// CLI: node dist/sandbox.js [--print-env] [--port N] [--proxy-port N] [--state-dir DIR] [--page-size N]
//                           [--seed FILE | --seed-preset default|demo|large] [--demo-home DIR [--demo-user KEY]]
// Starts the sandbox tenant and serves until SIGINT/SIGTERM. With --print-env it prints `export NAME=VALUE` lines
// (shell-quoted) for the service principal, the endpoints, the CA and PATH with the fake tools first; written to a
// file (`... --print-env > sandbox.env &`, then `. sandbox.env`) they configure a shell. Under `npm run` the
// printed PATH leaves out npm's own entries, and the sandbox stops when npm does. --demo-home signs a seeded user (alice by
// default) into the fake az, azd and Azure PowerShell under that HOME before serving. Progress goes to stderr,
// never secrets; a line `[sandbox] ready` on stderr tells a parent process it may start using it. --seed-preset
// large serves the benchmark tenant (largeSeed.ts: 50 subscriptions, 300 groups, 5,000 role assignments).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signInDemoDeveloper } from './demo';
import { demoSeed } from './demoSeed';
import { defaultSeed, largeSeed, startSandbox, type SandboxSeed } from './server';

const SEED_PRESETS: Record<string, () => SandboxSeed> = { default: defaultSeed, demo: demoSeed, large: largeSeed };

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * PATH without what `npm run` put in front of it (node_modules/.bin folders and npm's node-gyp shim), so that the
 * printed PATH is the user's own with the fake tools first.
 */
function pathWithoutNpmRunEntries(path: string): string {
  if (!process.env.npm_lifecycle_event) return path;
  return path.split(':').filter((dir) => !/\/node_modules\/\.bin\/?$/.test(dir) && !/\/@npmcli\/run-script\/lib\/node-gyp-bin\/?$/.test(dir)).join(':');
}

function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--${name} must be a port number, got '${value}'`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'print-env': { type: 'boolean', default: false },
      detach: { type: 'boolean', default: false },
      port: { type: 'string' },
      'proxy-port': { type: 'string' },
      'state-dir': { type: 'string' },
      'page-size': { type: 'string' },
      seed: { type: 'string' },
      'seed-preset': { type: 'string' },
      'demo-home': { type: 'string' },
      'demo-user': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: node dist/sandbox.js [--print-env [--detach]] [--port N] [--proxy-port N] [--state-dir DIR] [--page-size N] [--seed FILE | --seed-preset default|demo|large] [--demo-home DIR [--demo-user KEY]]\n');
    return;
  }
  if (values.detach) {
    if (!values['print-env']) throw new Error('--detach needs --print-env (it prints the lines to evaluate, then returns)');
    await detach(process.argv.slice(2).filter((a) => a !== '--detach'));
    return;
  }
  const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) throw new Error('--page-size must be a positive integer');
  if (process.env.PATH) process.env.PATH = pathWithoutNpmRunEntries(process.env.PATH);
  if (values.seed !== undefined && values['seed-preset'] !== undefined) throw new Error('--seed and --seed-preset exclude each other');
  const preset = values['seed-preset'];
  if (preset !== undefined && !Object.hasOwn(SEED_PRESETS, preset)) throw new Error(`--seed-preset must be one of ${Object.keys(SEED_PRESETS).join(', ')}, got '${preset}'`);
  const seed = preset !== undefined ? SEED_PRESETS[preset]!()
    : values.seed === undefined ? undefined : JSON.parse(readFileSync(values.seed, 'utf8')) as SandboxSeed;
  const port = portOption(values.port, 'port');
  const proxyPort = portOption(values['proxy-port'], 'proxy-port');
  const sandbox = await startSandbox({
    ...(port !== undefined ? { port } : {}),
    ...(proxyPort !== undefined ? { proxyPort } : {}),
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  if (values['print-env']) {
    for (const [name, value] of Object.entries(sandbox.env())) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
    process.stdout.write(`# Chromium: ${sandbox.chromiumFlags.join(' ')}\n`);
  }
  process.stderr.write(`[sandbox] tenant ${sandbox.tenantId} at ${sandbox.url} (egress proxy ${sandbox.proxyUrl}); CA ${sandbox.caFile}; fake tools in ${sandbox.toolsBinDir}\n`);
  if (values['demo-home'] !== undefined) {
    const user = values['demo-user'] ?? 'alice';
    await signInDemoDeveloper(sandbox, values['demo-home'], user);
    process.stderr.write(`[sandbox] ${user} is signed in to az, azd and Azure PowerShell under ${values['demo-home']}\n`);
  }
  process.stderr.write('[sandbox] ready\n');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const forced = setTimeout(() => process.exit(1), 5000);
    forced.unref();
    void sandbox.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Under `npm run sandbox` the parent is npm's `sh -c`, which does not pass npm's SIGTERM on: stop with it. A
  // detached sandbox outlives its launcher on purpose.
  if (process.env.npm_lifecycle_event && !process.env[DETACHED]) {
    const parent = process.ppid;
    setInterval(() => { if (process.ppid !== parent) stop(); }, 500).unref();
  }
}

const DETACHED = 'AZURE_DEV_AUTH_SANDBOX_DETACHED';
const DETACH_READY_TIMEOUT_MS = 120_000;

/**
 * `--print-env --detach`: starts the sandbox as a background process of its own (its messages in a log file), waits
 * for `[sandbox] ready`, prints only its `export` lines and how to stop it, and returns, so that
 * `eval "$(npm run --silent sandbox -- --print-env --detach)"` configures the shell and leaves the sandbox serving.
 */
async function detach(args: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'azure-dev-auth-sandbox-'));
  const envFile = join(dir, 'env.sh');
  const logFile = join(dir, 'sandbox.log');
  const out = openSync(envFile, 'w');
  const err = openSync(logFile, 'w');
  const script = process.argv[1];
  if (!script) throw new Error('cannot tell which script to start in the background');
  const child = spawn(process.execPath, [script, ...args], { detached: true, stdio: ['ignore', out, err], env: { ...process.env, [DETACHED]: '1' } });
  closeSync(out);
  closeSync(err);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + DETACH_READY_TIMEOUT_MS;
  for (;;) {
    const log = readFileSync(logFile, 'utf8');
    if (log.includes('[sandbox] ready\n')) break;
    const code = await Promise.race([exited, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 100))]);
    if (code !== 'waiting') throw new Error(`the sandbox stopped before it was ready (exit ${String(code)}):\n${log.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the sandbox was not ready within ${DETACH_READY_TIMEOUT_MS / 1000} s; its log: ${logFile}`);
    }
  }
  process.stdout.write(readFileSync(envFile, 'utf8'));
  rmSync(envFile, { force: true });
  process.stdout.write(`# The sandbox serves in the background (process ${String(child.pid)}; log ${logFile}). Stop it: kill ${String(child.pid)}\n`);
  child.unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`[sandbox] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
