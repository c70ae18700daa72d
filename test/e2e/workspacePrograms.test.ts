// A cloned repository's .env puts its own bin folder on PATH, with its own `az`. The check does not run it: the
// Azure CLI row says which program Python would run and is not checked. "Run This Workspace Program…" asks once;
// allowed, the next check runs it and the row shows its answer.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { hostile } from '../harness/hostileTally';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
const SOURCE = 'Azure CLI';
let sandbox: Sandbox;
let home: string;
let repoBin: string;
let ran: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  // The repository's bin folder (absolute, as a .env written for one machine has it).
  repoBin = join(mkdtempSync(join(tmpdir(), 'ada-repo-')), 'bin');
  mkdirSync(repoBin);
  ran = join(repoBin, '..', 'az-ran');
  writeFileSync(join(repoBin, 'az'), `#!/bin/sh\ntouch ${JSON.stringify(ran)}\necho "ERROR: Please run 'az login' to setup account." >&2\nexit 1\n`, { mode: 0o755 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3' },
    workspaceFiles: { '.env': `PATH=${repoBin}:\${PATH}\n` },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
  if (repoBin) rmSync(join(repoBin, '..'), { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const settled = (rows: TreeRow[]) => rows.length > 0 && !rows.some((r) => r.description.startsWith('check'));

suite.test('the repository\'s az is not run: the row names the program and is not checked', async () => {
  const { vscode } = suite;
  await hostile('programs-e2e', async () => {
    const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && (row(rs, SOURCE)?.description ?? '').startsWith('not checked'), 60_000);
    assert.equal(row(rows, SOURCE)!.description, `not checked: would run the workspace's ${join(repoBin, 'az')}`);
    const tooltip = (await vscode.rowTooltip(CHAIN, SOURCE)).replace(/\\/g, '');
    assert.match(tooltip, /Python would run .*\/bin\/az when your app runs/);
    assert.match(tooltip, /Run .*\/bin\/az/);
    assert.equal(existsSync(ran), false, 'the repository\'s az did not run');
    await vscode.screenshot('chain-workspace-program');
  });
});

suite.test('Run This Workspace Program asks once; allowed, the check runs it and the row shows its answer', async () => {
  const { vscode } = suite;
  await vscode.rowContextMenu(CHAIN, SOURCE, 'Run This Workspace Program…');
  const dialog = await vscode.dialog();
  assert.equal(dialog.message, `Run ${join(repoBin, 'az')} to check Azure CLI?`);
  assert.match(dialog.detail, /only if you trust this repository/);
  await vscode.clickDialogButton('Run It');
  const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && !(row(rs, SOURCE)?.description ?? 'not checked').startsWith('not checked'), 30_000);
  assert.ok(existsSync(ran), 'the allowed program ran');
  assert.doesNotMatch(row(rows, SOURCE)!.description, /not checked/);
});
