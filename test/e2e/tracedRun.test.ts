// A run that tells, in a real VS Code against the sandbox: Run Python File with Azure Dev Auth Tracing runs the
// workspace's program with Debian sid's azure-identity (1.26.0b3) in an integrated terminal; its
// DefaultAzureCredential gets a storage token from the fake az signed in as alice. The Credential Chain view then
// shows the traced run (headline with its time) and the request: Azure CLI's credential, as alice, the storage
// scope, the tenant; the log says the same. The token itself appears nowhere: not in the terminal, the view, the
// log, or any file VS Code or the extension wrote (its storage holds the trace).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';

const CHAIN = 'Credential Chain';
let sandbox: Sandbox;
let home: string;
/** Outside everything VS Code sees: where the program puts the token it got, so that the test can look for it. */
let scratch: string;

const PROGRAM = [
  'import os',
  'from azure.identity import DefaultAzureCredential',
  '',
  'credential = DefaultAzureCredential()',
  'token = credential.get_token("https://storage.azure.com/.default")',
  'with open(os.environ["TRACE_E2E_TOKEN_OUT"], "w") as out:',
  '    out.write(token.token)',
  'print("got a token for storage")',
  '',
].join('\n');

const suite = describeInVSCode(async () => {
  const envs = await ensurePythonAzureIdentityEnvs();
  if (envs.debiansid.problem) throw new Error(envs.debiansid.problem);
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  scratch = mkdtempSync(join(tmpdir(), 'ada-trace-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none'), TRACE_E2E_TOKEN_OUT: join(scratch, 'token') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': envs.debiansid.python, 'terminal.integrated.gpuAcceleration': 'off' },
    workspaceFiles: { 'trace_app.py': PROGRAM },
    viewport: { width: 1600, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  for (const dir of [home, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `dir` (small enough to be text a person could open), with its content. */
function* filesUnder(dir: string): Generator<[string, string]> {
  let entries: import('node:fs').Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) {
      // A running VS Code removes its lock and journal files at any moment: one listed a moment ago may be gone.
      let text: string;
      try {
        if (statSync(path).size >= 8 * 1024 * 1024) continue;
        text = readFileSync(path, 'latin1');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      yield [path, text];
    }
  }
}

suite.test('the traced run shows which credential served its token, as whom, for which scope and tenant; the token is nowhere', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openView(CHAIN);
  await vscode.openFile('trace_app.py');
  await vscode.runCommand('Azure Dev Auth: Run Python File with Azure Dev Auth Tracing');

  const terminal = vscode.page.locator('.terminal .xterm-rows').first();
  await terminal.locator('div', { hasText: 'got a token for storage' }).first().waitFor({ state: 'visible', timeout: 90_000 });
  await terminal.locator('div', { hasText: 'The traced run ended (exit code 0)' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const terminalText = await terminal.innerText();

  const request = `AzureCliCredential → ${sandbox.users.alice!.upn} · https://storage.azure.com/.default · tenant ${sandbox.tenantId}`;
  const rowLabel = `Azure CLI → ${sandbox.users.alice!.upn}`;
  const rows = await vscode.waitForRows(CHAIN, (r) => r.some((row) => row.label === rowLabel), 30_000);
  const headline = rows.find((r) => r.label.startsWith('Traced run · '));
  assert.ok(headline, `a headline row for the run among ${rows.map((r) => r.label).join(' | ')}`);
  assert.match(headline.label, /^Traced run · \d\d:\d\d:\d\d$/);
  assert.equal(headline.description, 'trace_app.py · 1 token from Azure CLI');
  assert.match(rows.find((r) => r.label === rowLabel)!.description, new RegExp(`^https://storage\\.azure\\.com/\\.default · tenant ${sandbox.tenantId} · \\d\\d:\\d\\d:\\d\\d$`));
  await vscode.screenshot('traced-run-chain-view');

  await vscode.runCommand('Azure Dev Auth: Show Log');
  const log = await vscode.copyOutputText();
  assert.match(log, /Traced run of trace_app\.py at \d\d:\d\d:\d\d: 1 token from Azure CLI/);
  assert.ok(log.includes(`DefaultAzureCredential: ${request}`), 'the log names the request');

  // The token the program got: nowhere in what a person sees or in any file written under VS Code's folders.
  const token = readFileSync(join(scratch, 'token'), 'utf8');
  assert.match(token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
  const signature = token.split('.')[2]!;
  const viewText = (await vscode.treeRows(CHAIN)).map((r) => `${r.label} ${r.description} ${r.ariaLabel}`).join('\n');
  for (const [what, text] of [['terminal', terminalText], ['view', viewText], ['log', log]] as const) {
    assert.ok(!text.includes(token) && !text.includes(signature), `no token in the ${what}`);
  }
  const root = dirname(vscode.workspace);
  let traceFiles = 0;
  for (const [path, text] of filesUnder(root)) {
    assert.ok(!text.includes(signature), `no token in ${path}`);
    if (path.endsWith('.jsonl') && path.includes('globalStorage')) {
      traceFiles++;
      assert.ok(text.includes(sandbox.users.alice!.upn), 'the trace holds the claims');
    }
  }
  assert.equal(traceFiles, 1, 'one trace file in the extension\'s storage');
});
