// A multi-root workspace: each folder has its own interpreter setting. The view and the status bar describe the
// folder of the active editor, name it next to the view's title, and a chosen folder stays until changed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { pythonRowLabel } from '../../src/core/presentation/snapshotView';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';

const STATUS = 'azureDevAuth.status';
const CHAIN = 'Credential Chain';
const WORKER_PYTHON = '/nonexistent/worker-venv/bin/python';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3' },
    folders: ['api', 'worker'],
    workspaceFiles: {
      'api/app.py': 'print("api")\n',
      'worker/job.py': 'print("worker")\n',
      // The worker folder's own interpreter, which does not exist.
      'worker/.vscode/settings.json': JSON.stringify({ 'azureDevAuth.pythonPath': WORKER_PYTHON }),
    },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);

suite.test('without an editor the view describes the first folder and names it', async () => {
  const { vscode } = suite;
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 60_000);
  assert.equal(await vscode.viewDescription(CHAIN), 'api');
  assert.match(await vscode.statusBarTooltip(STATUS), /Workspace folder: api/);
});

suite.test('a file of the other folder in the editor: the view and the status bar follow it, with its own interpreter', async () => {
  const { vscode } = suite;
  await vscode.openFile('job.py');
  const rows = await vscode.waitForRows(CHAIN, (rs) => rs[0]?.label === pythonRowLabel(WORKER_PYTHON) && rs[0]?.description === 'not found', 30_000);
  assert.equal(await vscode.viewDescription(CHAIN), 'worker');
  // The worker folder has never had a good check, so nothing is shown as stale: only what failed.
  assert.equal(rows[1]!.label, `The check failed: the interpreter ${WORKER_PYTHON} does not exist`);
  assert.equal(rows.length, 2);
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'Azure: interpreter not found');
  assert.ok(item.warning);
});

suite.test('Choose Workspace Folder… pins a folder although the editor shows another', async () => {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Choose Workspace Folder…');
  await vscode.pickQuickItem('api');
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 30_000);
  assert.equal(await vscode.viewDescription(CHAIN), 'api (chosen)');
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'alice · Azure CLI');
});
