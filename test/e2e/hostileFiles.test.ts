// A cloned repository in a trusted workspace names files that never end: AZURE_FEDERATED_TOKEN_FILE=/dev/zero in
// its .env, then a .env that is itself a FIFO. The extension host must not hang or run out of memory: the view
// answers, its rows explain what was refused, and the host keeps running commands (the 60 s check limit cannot
// interrupt a synchronous read, so none may happen).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';
import { hostile } from '../harness/hostileTally';

const CHAIN = 'Credential Chain';
const STATUS = 'azureDevAuth.status';
// Debian's azure-identity 1.13.0b2 reads the federated token file inside ManagedIdentityCredential.
const SOURCE = 'Managed Identity';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', 'azureDevAuth.checkTimeout': 20 },
    workspaceFiles: {
      '.env': [
        `AZURE_TENANT_ID=${sandbox.tenantId}`,
        'AZURE_CLIENT_ID=04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        'AZURE_FEDERATED_TOKEN_FILE=/dev/zero',
        `AZURE_AUTHORITY_HOST=${sandbox.authorityHost}`,
        '',
      ].join('\n'),
    },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const settled = (rows: TreeRow[]) => rows.length > 0 && !rows.some((r) => r.description.startsWith('check'));

/** The extension host still answers: a command runs and its output channel shows the latest check. */
async function hostAnswers(pattern: RegExp): Promise<void> {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Show Log');
  const output = (await vscode.outputText()).replace(/\n(?!\d{4}-\d{2}-\d{2} )/g, '');
  assert.match(output, pattern);
}

suite.test('AZURE_FEDERATED_TOKEN_FILE=/dev/zero: the row says the file is a device, nothing is read, the host answers', async () => {
  const { vscode } = suite;
  await hostile('files-e2e', async () => {
    const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, SOURCE) !== undefined && row(rs, SOURCE)!.description !== '', 60_000);
    const tooltip = await vscode.rowTooltip(CHAIN, SOURCE);
    assert.match(tooltip.replace(/\\/g, ''), /did not read the federated token file \/dev\/zero: it is a character device, not a regular file/, tooltip);
    assert.ok(rows.length > 3, rows.map((r) => `${r.label} — ${r.description}`).join(' | '));
    await hostAnswers(/Verdict: /);
    const item = await vscode.statusBarItem(STATUS);
    assert.ok(item.text.length > 0);
    await vscode.screenshot('chain-token-file-dev-zero');
  });
});

suite.test('.env is a FIFO: the check fails at once with a reason, the view and the status bar say so, commands still run', async () => {
  const { vscode } = suite;
  await hostile('files-e2e', async () => {
    const env = join(vscode.workspace, '.env');
    rmSync(env);
    assert.equal(spawnSync('mkfifo', [env]).status, 0);
    await vscode.runCommand('Azure Dev Auth: Refresh');
    const rows = await vscode.waitForRows(CHAIN, (rs) => rs.some((r) => /check failed/.test(r.label) && /named pipe/.test(r.label)), 30_000);
    const failed = rows.find((r) => /check failed/.test(r.label))!;
    assert.match(failed.label, /did not read the \.env file .*\.env: it is a named pipe \(FIFO\), not a regular file/);
    await hostAnswers(/The check failed: .*named pipe \(FIFO\)/);
    // Still responsive: another check answers again, promptly, with the same reason.
    await vscode.runCommand('Azure Dev Auth: Refresh');
    await vscode.waitForRows(CHAIN, (rs) => rs.some((r) => /named pipe/.test(r.label)), 20_000);
    await vscode.screenshot('chain-dotenv-fifo');
  });
});
