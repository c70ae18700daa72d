// The chain where the code is, in a real VS Code against the sandbox: the lens above the file's own
// DefaultAzureCredential(...) says who the code signs in as and follows a sign-out made outside VS Code; an
// exclude_cli_credential=True written in the code changes the chain with no setting touched; a second call in
// another file is modelled on request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
let sandbox: Sandbox;
let home: string;

async function az(args: string[]): Promise<void> {
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), args, { env, timeout: 30_000 });
}

const APP = 'from azure.identity import DefaultAzureCredential\n\n\ncredential = DefaultAzureCredential()\n';
const WORKER = [
  'import azure.identity as ai',
  '',
  '',
  'def make():',
  '    return ai.DefaultAzureCredential(',
  '        exclude_cli_credential=True,',
  '    )',
  '',
].join('\n');

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  await az(['login', '--username', alice.upn, '--password', alice.password]);
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { 'app.py': APP, 'worker.py': WORKER },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);

/** The lens texts of the visible editor, top to bottom. */
async function lenses(): Promise<string[]> {
  const { vscode } = suite;
  return vscode.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration').allInnerTexts();
}

async function waitForLens(predicate: (texts: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await lenses();
    if (predicate(last)) return last;
    await suite.vscode.page.waitForTimeout(250);
  }
  assert.fail(`the lenses did not become as expected: ${JSON.stringify(last)}`);
}

suite.test('the lens says who the code signs in as, and follows az signing out and in again outside VS Code', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openFile('app.py');
  const [text] = await waitForLens((t) => t.some((l) => l.startsWith('→ alice through Azure CLI')));
  assert.match(text!, /^→ alice through Azure CLI · tenant [0-9a-f-]{36}$/);
  await az(['account', 'clear']);
  await waitForLens((t) => t.length === 1 && !t[0]!.startsWith('→'));
  const alice = sandbox.users.alice!;
  await az(['login', '--username', alice.upn, '--password', alice.password]);
  await waitForLens((t) => t.some((l) => l.startsWith('→ alice through Azure CLI')));
});

suite.test('exclude_cli_credential=True in the code changes the chain, with no setting touched', async () => {
  const { vscode } = suite;
  await vscode.openFile('app.py');
  await waitForLens((t) => t.some((l) => l.startsWith('→ alice')));
  // The developer edits the call (here: the file changes on disk, and the open editor follows it).
  writeFileSync(join(vscode.workspace, 'app.py'), APP.replace('DefaultAzureCredential()', 'DefaultAzureCredential(exclude_cli_credential=True)'));
  const rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'excluded', 60_000);
  assert.match(await vscode.rowTooltip(CHAIN, 'Azure CLI'), /exclude_cli_credential=True/);
  assert.ok(!rows.some((r) => /active$/.test(r.description)), 'nothing else is signed in');
  await waitForLens((t) => t.length === 1 && !t[0]!.startsWith('→'));
});

suite.test('two calls in a file: the first is modelled, "Model This Call" on the second makes the chain follow it', async () => {
  const { vscode } = suite;
  writeFileSync(join(vscode.workspace, 'app.py'), `${APP}\nstrict = DefaultAzureCredential(exclude_cli_credential=True)\n`);
  await vscode.openFile('app.py');
  await waitForLens((t) => t.length === 2 && t[0]!.startsWith('→ alice') && t[1] === 'Model This Call in the Credential Chain');
  await vscode.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Model This Call in the Credential Chain' }).click();
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'excluded', 60_000);
  await waitForLens((t) => t.length === 2 && t[0] === 'Model This Call in the Credential Chain' && !t[1]!.startsWith('→'));
  // A file whose call uses an alias of the module: opening it makes its call the modelled one.
  await vscode.openFile('worker.py');
  await waitForLens((t) => t.length === 1 && t[0] !== 'Model This Call in the Credential Chain');
});
