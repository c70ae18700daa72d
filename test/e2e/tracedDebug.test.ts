// A debugged run that tells, in a real VS Code against the sandbox. The launch configuration asks for tracing with
// `"azureDevAuthTracing": true`. Its debugger is VS Code's built-in JavaScript debugger (the Python debugger cannot
// be installed here): it runs a Node script that starts the real Python program (Debian sid's azure-identity,
// 1.26.0b3), which inherits the debuggee's environment, as a program started by a script or a task runner does. The
// program's DefaultAzureCredential gets a storage token from the fake az signed in as alice. The Credential Chain
// view then follows the debug session: the traced run's headline and the request (Azure CLI as alice, the storage
// scope, the tenant). The launch configuration in launch.json is left as the user wrote it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';

const CHAIN = 'Credential Chain';
const SESSION = 'Nightly export';
let sandbox: Sandbox;
let home: string;

const PROGRAM = [
  'from azure.identity import DefaultAzureCredential',
  '',
  'credential = DefaultAzureCredential()',
  'credential.get_token("https://storage.azure.com/.default")',
  'print("export got a token for storage")',
  '',
].join('\n');

const runner = (python: string): string => [
  "const { spawnSync } = require('node:child_process');",
  `const run = spawnSync(${JSON.stringify(python)}, ['export.py'], { stdio: 'inherit', cwd: __dirname });`,
  "console.log('runner done', run.status);",
  '',
].join('\n');

const LAUNCH = JSON.stringify({
  version: '0.2.0',
  configurations: [{ type: 'node', request: 'launch', name: SESSION, program: '${workspaceFolder}/runner.js', console: 'internalConsole', outputCapture: 'std', azureDevAuthTracing: true }],
}, null, 2);

const suite = describeInVSCode(async () => {
  const envs = await ensurePythonAzureIdentityEnvs();
  if (envs.debiansid.problem) throw new Error(envs.debiansid.problem);
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': envs.debiansid.python, 'debug.openDebug': 'neverOpen' },
    workspaceFiles: { 'export.py': PROGRAM, 'runner.js': runner(envs.debiansid.python), '.vscode/launch.json': LAUNCH },
    viewport: { width: 1600, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

suite.test('a launch configuration that asks for tracing: the Credential Chain view follows the debug session and names the credential that served it', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openView(CHAIN);
  await vscode.waitForRows(CHAIN, (r) => r.some((row) => row.label.startsWith('Azure CLI')), 90_000);

  await vscode.runCommand('Debug: Select and Start Debugging');
  await vscode.pickQuickItem(SESSION);

  const rowLabel = `Azure CLI → ${sandbox.users.alice!.upn}`;
  const rows = await vscode.waitForRows(CHAIN, (r) => r.some((row) => row.label === rowLabel), 90_000);
  const headline = rows.find((r) => r.label.startsWith('Traced run · '));
  assert.ok(headline, `a headline row for the run among ${rows.map((r) => r.label).join(' | ')}`);
  assert.match(headline.label, /^Traced run · \d\d:\d\d:\d\d$/);
  // The session is named after its program when it names one: here the Node script that started Python.
  assert.equal(headline.description, 'runner.js · 1 token from Azure CLI');
  assert.match(rows.find((r) => r.label === rowLabel)!.description, new RegExp(`^https://storage\\.azure\\.com/\\.default · tenant ${sandbox.tenantId} · \\d\\d:\\d\\d:\\d\\d$`));
  await vscode.screenshot('traced-debug-chain-view');

  await vscode.runCommand('Azure Dev Auth: Show Log');
  const log = await vscode.copyOutputText();
  assert.match(log, /Traced run of runner\.js at \d\d:\d\d:\d\d: 1 token from Azure CLI/);
  assert.ok(log.includes(`DefaultAzureCredential: AzureCliCredential → ${sandbox.users.alice!.upn} · https://storage.azure.com/.default · tenant ${sandbox.tenantId}`), 'the log names the request');

  // The user's launch.json is unchanged: the tracing was added to the session only.
  assert.equal(readFileSync(join(vscode.workspace, '.vscode', 'launch.json'), 'utf8'), LAUNCH);
});
