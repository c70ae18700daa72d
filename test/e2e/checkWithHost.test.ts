// A cloned repository's .env points the workload-identity exchange at a host that is not Microsoft Entra: the view
// does not send the federated token there on its own, says so, and checks with that host only once the developer
// allows it (asked once per workspace). The sandbox's egress guard stands in for the internet: it records and
// refuses every tunnel to evil.example, so nothing leaves the machine either way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';

const STATUS = 'azureDevAuth.status';
const CHAIN = 'Credential Chain';
// Debian's azure-identity 1.13.0b2 exchanges the federated token inside ManagedIdentityCredential.
const SOURCE = 'Managed Identity';
const NOT_CHECKED = 'not checked: would send the federated token to evil.example';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const tokenFile = join(home, 'federated-token');
  writeFileSync(tokenFile, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJmZWRlcmF0ZWQifQ.');
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3' },
    workspaceFiles: {
      '.env': [
        `AZURE_TENANT_ID=${sandbox.tenantId}`,
        'AZURE_CLIENT_ID=04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        `AZURE_FEDERATED_TOKEN_FILE=${tokenFile}`,
        'AZURE_AUTHORITY_HOST=https://evil.example',
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
const tunnelsToEvil = () => sandbox.control.requestLog().filter((e) => e.route === 'egress.blocked' && e.host.startsWith('evil.example'));

suite.test('the source is not checked: the row, the headline and the status bar say what it would send where', async () => {
  const { vscode } = suite;
  const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, SOURCE)?.description === NOT_CHECKED, 60_000);
  assert.ok(row(rows, SOURCE)!.icons.includes('shield'), `icons: ${row(rows, SOURCE)!.icons.join(',')}`);
  assert.ok(rows.some((r) => r.label === 'Not checked: Managed Identity would send the federated token to evil.example'), rows.map((r) => r.label).join(' | '));
  const item = await vscode.statusBarItem(STATUS);
  assert.equal(item.text, 'Azure: Managed Identity not checked');
  const tooltip = await vscode.rowTooltip(CHAIN, SOURCE);
  assert.match(tooltip, /Check with evil\.example/);
  assert.deepEqual(tunnelsToEvil(), [], 'nothing was sent to evil.example');
  await vscode.screenshot('chain-not-checked');
});

suite.test('Check with This Host asks once; allowed, the check goes to evil.example and the row shows its answer', async () => {
  const { vscode } = suite;
  await vscode.rowContextMenu(CHAIN, SOURCE, 'Check with This Host…');
  const dialog = await vscode.dialog();
  assert.equal(dialog.message, 'Send the federated token named in .env to evil.example to check this source? Python would do so when your app runs.');
  assert.match(dialog.detail, /neither a Microsoft Entra authority nor this machine/);
  assert.ok(dialog.buttons.includes('Check with evil.example'), dialog.buttons.join(' | '));
  await vscode.clickDialogButton('Check with evil.example');
  const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && !row(rs, SOURCE)!.description.startsWith('not checked'), 30_000);
  // The egress guard refused the tunnel, so Python's request would fail here too: the source stops the chain.
  assert.equal(row(rows, SOURCE)!.description, 'stops the chain');
  assert.ok(tunnelsToEvil().length > 0, 'the check went to evil.example (through the loopback egress guard)');
  // Remembered: a later check includes the host without asking again.
  await vscode.runCommand('Azure Dev Auth: Refresh Chain');
  await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, SOURCE)?.description === 'stops the chain', 30_000);
  assert.equal(await vscode.dialogOpen(), false);
});

suite.test('Forget Hosts Allowed for Checks: the source is not checked again', async () => {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Forget Hosts Allowed for Checks');
  await vscode.waitForNotification(/no longer send secrets to evil\.example/);
  await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, SOURCE)?.description === NOT_CHECKED, 30_000);
});
