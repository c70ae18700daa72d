// Failures are shown, not hidden behind the last good answer: the interpreter of a virtual environment disappears,
// then hangs, and the view and the status bar say so, keeping the earlier result only marked as stale. A command
// that cannot run says why and offers the next step.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { pythonRowLabel } from '../../src/core/presentation/snapshotView';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';

const STATUS = 'azureDevAuth.status';
const CHAIN = 'Credential Chain';
let sandbox: Sandbox;
let home: string;
let venv: string;
let python: string;

/** A stand-in virtual environment: bin/python runs the system Python (with Debian's azure-identity). */
function createVenv(script = 'exec /usr/bin/python3 "$@"'): void {
  mkdirSync(join(venv, 'bin'), { recursive: true });
  writeFileSync(python, `#!/bin/sh\n${script}\n`);
  chmodSync(python, 0o755);
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  venv = join(mkdtempSync(join(tmpdir(), 'ada-venvs-')), 'app-venv');
  python = join(venv, 'bin', 'python');
  createVenv();
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': python },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
  if (venv) rmSync(join(venv, '..'), { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const headline = (rows: TreeRow[]): TreeRow | undefined => rows.find((r) => /check failed/.test(r.label));

suite.test('the venv is deleted: the Python row and the headline say so, the status bar warns, the old rows are stale', async () => {
  const { vscode } = suite;
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 60_000);
  rmSync(venv, { recursive: true, force: true });
  // No click: the extension watches the interpreter file.
  // Both rows, whatever the list's scroll position while it redraws.
  const rows = await vscode.waitForRows(CHAIN, (rs) => headline(rs) !== undefined && rs[0]?.label === pythonRowLabel(python), 20_000);
  assert.equal(rows[0]!.description, 'not found');
  assert.ok(rows[0]!.icons.includes('error'), `icons: ${rows[0]!.icons.join(',')}`);
  const failed = headline(rows)!;
  assert.match(failed.label, new RegExp(`^The last check failed: the interpreter ${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not exist — showing the result from \\d{2}:\\d{2}$`));
  const checkedAt = /from (\d{2}:\d{2})$/.exec(failed.label)![1];
  // The previous report is still there, but only marked as stale.
  assert.equal(row(rows, 'Azure CLI')!.description, `alice · active (stale: from ${checkedAt})`);
  assert.equal(row(rows, 'Environment')!.description, `unavailable (stale: from ${checkedAt})`);
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'Azure: interpreter not found');
  assert.ok(item.warning, `status bar: ${JSON.stringify(item)}`);
  const tooltip = await vscode.statusBarTooltip(STATUS);
  assert.match(tooltip, /The last check failed: the interpreter .* does not exist/);
  assert.match(tooltip, new RegExp(`Stale result from ${checkedAt}`));
  const pythonTooltip = await vscode.rowTooltip(CHAIN, pythonRowLabel(python));
  assert.match(pythonTooltip, /does not exist/);
  assert.match(pythonTooltip, /Switch Interpreter/);
  await vscode.screenshot('chain-interpreter-gone');
});

suite.test('Verify with Python then says why it cannot run and offers Switch Interpreter and Show Log', async () => {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Verify with Python');
  const pattern = /Verify with Python cannot run/;
  const message = await vscode.waitForNotification(pattern, 30_000);
  assert.match(message, /Verify with Python cannot run: the interpreter .*app-venv\/bin\/python does not exist\./);
  assert.deepEqual(await vscode.notificationButtons(pattern), ['Switch Interpreter', 'Show Log']);
  await vscode.clickNotificationButton(pattern, 'Show Log');
  // The Output view wraps long lines; a log line starts with its timestamp.
  const output = (await vscode.outputText()).replace(/\n(?!\d{4}-\d{2}-\d{2} )/g, '');
  assert.match(output, /\[error\] Verify with Python cannot run: the interpreter .*app-venv\/bin\/python does not exist\./);
});

suite.test('an interpreter that hangs is cut by the check timeout, and the failure says it timed out', async () => {
  const { vscode } = suite;
  createVenv('exec sleep 120');
  mkdirSync(join(vscode.workspace, '.vscode'), { recursive: true });
  writeFileSync(join(vscode.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'azureDevAuth.checkTimeout': 5 }));
  const rows = await vscode.waitForRows(CHAIN, (rs) => /did not answer within 5 s/.test(headline(rs)?.label ?? ''), 30_000);
  assert.match(headline(rows)!.label, /^The last check failed: the interpreter did not answer within 5 s — showing the result from \d{2}:\d{2}$/);
  assert.equal(rows[0]!.description, 'did not answer within 5 s');
  assert.match(row(rows, 'Azure CLI')!.description, /^alice · active \(stale: from \d{2}:\d{2}\)$/);
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'Azure: interpreter timed out');
  assert.ok(item.warning);
});

suite.test('the interpreter is back: Refresh shows a current result, with nothing marked stale', async () => {
  const { vscode } = suite;
  createVenv();
  writeFileSync(join(vscode.workspace, '.vscode', 'settings.json'), '{}');
  await vscode.runCommand('Azure Dev Auth: Refresh Chain');
  const rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 30_000);
  assert.equal(rows[0]!.description, 'azure-identity 1.13.0b2');
  assert.ok(!headline(rows), 'no failure headline');
  assert.ok(!rows.some((r) => r.description.includes('stale')), JSON.stringify(rows.map((r) => r.description)));
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'alice · Azure CLI');
  assert.equal(item.warning, false);
});
