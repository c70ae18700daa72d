// Check Access for… and Can … Do …? in a real VS Code against the sandbox, signed in as alice through the fake az:
// the Access view shows bob's roles (read with alice's sign-in) and returns to hers in one command; "Can alice write
// blobs to stsandboxapp?" is a no whose Assign Role… opens the role wizard with alice, the account and Storage Blob
// Data Contributor chosen, and the same question is a yes once the wizard has assigned it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow } from '../harness/vscode';
import { closeAllEditors } from './wizardHelpers';

const ACCESS = 'Access';
const BLOB_WRITE = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const account = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    viewport: { width: 1400, height: 1300 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const labels = (rows: TreeRow[]) => rows.map((r) => r.label).join(' | ');

suite.test('Check Access for bob shows his roles, read with alice\'s sign-in; Back to My Access returns to hers', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Alice Developer', 90_000);
  await vscode.runCommand('Azure Dev Auth: Check Access for…');
  await vscode.page.locator('.quick-input-widget input.input').fill('Bob');
  await vscode.page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: /Bob Platform/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await vscode.pickQuickItem('Bob Platform');
  const rows = await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Access of Bob Platform' && rs.some((r) => r.label === 'Reader'), 90_000);
  assert.equal(rows[0]!.description, 'bob@contososandbox.onmicrosoft.com · read as alice@contososandbox.onmicrosoft.com');
  assert.ok(!rows.some((r) => r.label === 'User Access Administrator'), `alice's own roles are not shown: ${labels(rows)}`);
  await vscode.runCommand('Azure Dev Auth: Back to My Access');
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Alice Developer', 90_000);
});

async function askWriteBlobs(): Promise<string> {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Can … Do …?');
  await vscode.pickQuickItem('stsandboxapp');
  await vscode.pickQuickItem(BLOB_WRITE);
  return vscode.waitForNotification(/^(Yes|No|Depends)/, 90_000);
}

suite.test('Can alice write blobs to stsandboxapp? No; Assign Role… opens the wizard prefilled; then yes', async () => {
  const { vscode } = suite;
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Alice Developer' && rs.some((r) => r.label === 'rg-app'), 90_000);
  const no = await askWriteBlobs();
  assert.match(no, /^No: no role of Alice Developer grants Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/blobs\/write on stsandboxapp\. The narrowest built-in role that would: Storage Blob Data Contributor\./);
  assert.match(no, /ARM's effective permissions at this scope agree/);
  await vscode.clickNotificationButton(/^No: no role of Alice Developer/, 'Assign Role…');
  const frame = vscode.webviewFrame();
  await frame.locator('h1').waitFor({ state: 'visible', timeout: 30_000 });
  // Assignee and scope are chosen, so the page opens on the role step (✓ Assignee, ✓ Scope).
  await frame.getByText('Which role?').waitFor({ state: 'visible', timeout: 30_000 });
  // Once the roles are listed, the suggested one is chosen: Next is enabled without a click on a role.
  await frame.locator('#next-2:not([disabled])').waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await frame.getByRole('radio', { name: /Storage Blob Data Contributor/ }).first().isChecked(), true, 'the suggested role is chosen');
  await frame.locator('#next-2').click();
  await frame.locator('#next-3').click();
  await frame.locator('#outcome').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await frame.locator('#outcome').innerText(), /Alice Developer now holds Storage Blob Data Contributor at \/subscriptions\/[0-9a-f-]+\/resourceGroups\/rg-app\/providers\/Microsoft\.Storage\/storageAccounts\/stsandboxapp/);
  await closeAllEditors(vscode);
  const yes = await askWriteBlobs();
  assert.match(yes, /^Yes: Alice Developer may Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/blobs\/write on stsandboxapp through Storage Blob Data Contributor at stsandboxapp \(direct\)\./);
});

/** Asks in the question box as typed text, Enter at once (before the box has offered anything). */
async function askTyped(text: string, answer: RegExp): Promise<string> {
  const { vscode } = suite;
  await vscode.runCommand('Notifications: Clear All Notifications');
  await vscode.runCommand('Azure Dev Auth: Can … Do …?');
  await vscode.fillInputBox(text);
  return vscode.waitForNotification(answer, 90_000);
}

suite.test('The question box reads "write blobs on stsandboxapp", the operation on the account\'s id, and an offered question', async () => {
  const { vscode } = suite;
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Alice Developer' && rs.some((r) => r.label === 'rg-app'), 90_000);
  const yes = /^Yes: Alice Developer may Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/blobs\/write on stsandboxapp through Storage Blob Data Contributor at stsandboxapp \(direct\)\./;
  assert.match(await askTyped('write blobs on stsandboxapp', /^(Yes|No|Depends)/), yes);
  const id = `/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
  assert.match(await askTyped(`${BLOB_WRITE} on ${id}`, /^(Yes|No|Depends)/), yes);
  // An action no scope offers is refused with what the box understands, and the box stays open.
  assert.match(await askTyped('fly on stsandboxapp', /neither an operation/), /neither an operation \(Microsoft\.Provider\/…\/action\) nor one of the offered ones/);
  await vscode.page.keyboard.press('Escape');
  // Typing the start of a phrase offers the question on each scope that offers it.
  await vscode.runCommand('Notifications: Clear All Notifications');
  await vscode.runCommand('Azure Dev Auth: Can … Do …?');
  await vscode.page.locator('.quick-input-widget input.input').fill('write bl');
  await vscode.pickQuickItem('write blobs on stsandboxapp');
  assert.match(await vscode.waitForNotification(/^(Yes|No|Depends)/, 90_000), yes);
});
