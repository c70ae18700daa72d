// `npm start`: builds and packages the extension, starts the sandbox tenant with a demo developer (alice) signed in
// to the fake az, azd and Azure PowerShell, then opens the extension in a real VS Code (code-server) on 127.0.0.1
// with a demo Python workspace, and prints the address to open. Ctrl+C (or SIGTERM) stops code-server with every
// process it started, and the sandbox.
//
// VS Code gets the sandbox's endpoints, CA and egress proxy, the fake tools first on PATH, and a managed-identity
// endpoint on loopback without an assigned identity (so nothing probes 169.254.169.254). It does not get the
// service principal's AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID: the demo shows alice through Azure CLI.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { defaultSeed, demoSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensurePythonAzureIdentityEnvs } from './python-envs.mjs';
import { sandboxAccessSettings } from './sandboxCloud';
import { REPO_ROOT, startCodeServer, type RunningCodeServer } from './vscode';
// @ts-expect-error plain ESM helper without type declarations
import { ensureCodeServer, ensureDebianPackages } from './toolchain.mjs';

const DEMO_USER = 'alice';
/** The service principal's variables would make EnvironmentCredential win over az in the demo. */
const NOT_FOR_VSCODE = new Set(['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'PATH']);
const SYSTEM_PYTHON = '/usr/bin/python3';

let root: string | undefined;
let sandbox: Sandbox | undefined;
let server: RunningCodeServer | undefined;
/** code-server while it starts (its process is only known once it answers). */
let starting: Promise<RunningCodeServer> | undefined;
let stopping = false;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to code-server's process group (extension host, fake tools, Python), SIGKILL to what is left after 3 s. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 3000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  try { process.kill(-pid, 'SIGKILL'); } catch { /* the whole group is gone */ }
}

let shuttingDown: Promise<never> | undefined;

/** Stops everything once; later calls (a second Ctrl+C, the parent watch) wait for the first. */
function shutdown(exitCode: number): Promise<never> {
  shuttingDown ??= (async () => {
    stopping = true;
    console.log('\nStopping VS Code and the sandbox tenant…');
    // Long enough for a code-server that is still starting (up to a minute) to come up and be stopped.
    const forced = setTimeout(() => process.exit(exitCode || 1), 75_000);
    forced.unref();
    if (!server && starting) server = await starting.catch(() => undefined);
    if (server) await stopProcessGroup(server.child);
    await sandbox?.stop().catch(() => undefined);
    if (root) {
      try {
        rmSync(root, { recursive: true, force: true, maxRetries: 5 });
      } catch (error) {
        console.error(`could not remove ${root}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    process.exit(exitCode);
  })();
  return shuttingDown;
}

/**
 * The demo interpreter: the newest real azure-identity the tests use (Debian sid's build in a virtual environment
 * in the test cache), so the demo chain shows the current order (workload identity, azd, broker). Without it (no
 * network for the first download), `python3` on PATH or Debian's, with a warning.
 */
async function demoPythonSettings(pathPrepend: string): Promise<Record<string, unknown>> {
  const newest = (await ensurePythonAzureIdentityEnvs()).debiansid;
  if (!newest.problem && newest.python) {
    console.log(`Demo interpreter: azure-identity ${newest.azureIdentityVersion ?? '?'} (${newest.python})`);
    return { 'azureDevAuth.pythonPath': newest.python };
  }
  console.warn(`WARNING: the demo interpreter with the newest azure-identity is not available (${newest.problem ?? 'unknown'}); using the system's`);
  const env = { ...process.env, PATH: `${pathPrepend}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const probe = (python: string) => spawnSync(python, ['-c', 'import azure.identity'], { env, stdio: 'ignore', timeout: 20_000 }).status === 0;
  if (probe('python3') || !existsSync(SYSTEM_PYTHON) || !probe(SYSTEM_PYTHON)) return {};
  return { 'azureDevAuth.pythonPath': SYSTEM_PYTHON };
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => { void shutdown(0); });
  // Under `npm start` npm's `sh -c` may be our parent and not pass a SIGTERM on: stop when it goes away.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => { if (process.ppid !== parent) void shutdown(0); }, 500).unref();
  }

  ensureDebianPackages();
  ensureCodeServer();
  const build = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 300_000 });
  if (build.status !== 0) process.exit(1);
  // The harness installs this .vsix instead of packaging a second time.
  process.env.AZURE_DEV_AUTH_VSIX = join(REPO_ROOT, 'dist-vsix', 'azure-dev-auth.vsix');

  root = mkdtempSync(join(tmpdir(), 'azure-dev-auth-start-'));
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  // The demo tenant lets alice walk the whole setup; `npm start -- --restricted` serves the default seed, where users
  // may not create security groups (the group wizard's refusal and the request for an administrator).
  const restricted = process.argv.slice(2).includes('--restricted');
  sandbox = await startSandbox({ stateDir: join(root, 'sandbox'), seed: restricted ? defaultSeed() : demoSeed() });
  await signInDemoDeveloper(sandbox, home, DEMO_USER);
  const user = sandbox.users[DEMO_USER]!;

  const env = {
    ...Object.fromEntries(Object.entries(sandbox.env()).filter(([name]) => !NOT_FOR_VSCODE.has(name))),
    ...sandbox.managedIdentityEnv('none'),
  };
  const demo = join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
  const workspaceFiles = Object.fromEntries(readdirSync(demo).map((f) => [f, readFileSync(join(demo, f), 'utf8')]));
  const options = {
    root, workspaceFiles, env, home,
    pathPrepend: [sandbox.toolsBinDir],
    // The Access view asks the sandbox's Resource Manager and Graph, as it would ask a sovereign cloud's.
    settings: { ...await demoPythonSettings(sandbox.toolsBinDir), ...sandboxAccessSettings(sandbox) },
  };
  const port = Number(process.env.PORT ?? 8080);
  starting = startCodeServer({ ...options, port }).catch(async (error: unknown) => {
    if (process.env.PORT || stopping) throw error;
    console.warn(`port ${port} is taken; using a free one`);
    return startCodeServer(options);
  });
  server = await starting;
  if (stopping) return;
  server.child.on('exit', (code) => {
    if (stopping) return;
    console.log(`code-server exited (${code})`);
    void shutdown(code ?? 0);
  });

  console.log(`\nSandbox tenant "${sandbox.tenantId}" (${restricted ? 'restricted: users may not create security groups' : 'demo'}) at ${sandbox.url}; ${user.upn} is signed in to az, azd and Azure PowerShell.`);
  console.log(`Azure Dev Auth is running in VS Code at ${server.openUrl}`);
  console.log('Open that address in a browser. Press Ctrl+C to stop.\n');
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
});
