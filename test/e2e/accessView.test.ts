// The Access view in a real VS Code, against the sandbox tenant (as a custom cloud) and the fake az: who the Python
// code signs in as, its groups, each role assignment with how it applies, the insights, throttling, removing an
// assignment, and following a switch of the signed-in user with no click.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow } from '../harness/vscode';

const ACCESS = 'Access';
const MARKUP_GROUP = '<img src=x onerror=alert(1)>';
const STORAGE_INSIGHT = /^stsandboxapp: (read, write|read only|write only|no data access)$/;
let sandbox: Sandbox;
let home: string;

/** Runs a fake tool as a developer would in a terminal. Asynchronously: the sandbox serves from this process. */
async function tool(name: string, args: string[]): Promise<string> {
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  const { stdout } = await promisify(execFile)(join(sandbox.toolsBinDir, name), args, { env, encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

async function signIn(user: string): Promise<void> {
  const account = sandbox.users[user];
  assert.ok(account, `the sandbox seeds ${user}`);
  await tool('az', ['login', '--username', account.upn, '--password', account.password]);
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  await signIn('alice');
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    // A laptop has no managed identity: the sandbox's IMDS answers "identity not found".
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    // The app's .env names the storage account it uses: the insights say what the identity can do with its data.
    workspaceFiles: {
      '.env': 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\n',
      'app.py': 'from azure.identity import DefaultAzureCredential\nfrom azure.storage.blob import BlobServiceClient\n\n'
        + 'client = BlobServiceClient("https://stsandboxapp.blob.core.windows.net", credential=DefaultAzureCredential())\n',
    },
    // Tall enough for the whole tree: rows outside the viewport are not in the DOM.
    viewport: { width: 1400, height: 1500 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const byLabel = (rows: TreeRow[], label: string | RegExp): TreeRow | undefined =>
  rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));

/** The rows directly under the first row labelled `label`. */
function childrenOf(rows: TreeRow[], label: string): TreeRow[] {
  const index = rows.findIndex((r) => r.label === label);
  assert.ok(index >= 0, `no row "${label}" in ${rows.map((r) => r.label).join(' | ')}`);
  const level = rows[index]!.level;
  const out: TreeRow[] = [];
  for (let i = index + 1; i < rows.length && rows[i]!.level > level; i++) if (rows[i]!.level === level + 1) out.push(rows[i]!);
  return out;
}

const described = (rows: TreeRow[]) => Object.fromEntries(rows.map((r) => [r.label, r.description]));

/** Only the Access view open, so its rows have the whole sidebar, and the sidebar wide enough to read them. */
async function focusAccess(): Promise<void> {
  const { vscode } = suite;
  await vscode.openContainer();
  const sidebar = await vscode.page.locator('.part.sidebar').boundingBox();
  if (sidebar && sidebar.width < 600) {
    // Drag the sash between the sidebar and the editor, as a person would.
    const x = sidebar.x + sidebar.width;
    await vscode.page.mouse.move(x, sidebar.y + sidebar.height / 2);
    await vscode.page.mouse.down();
    await vscode.page.mouse.move(x + 320, sidebar.y + sidebar.height / 2, { steps: 8 });
    await vscode.page.mouse.up();
  }
  const chainHeader = vscode.page.locator('[id="workbench.view.extension.azureDevAuth"] .pane-header[aria-label^="Credential Chain"]');
  if ((await chainHeader.getAttribute('aria-expanded')) === 'true') await chainHeader.click();
  await vscode.openView(ACCESS);
}

/** Expands a row of the Access tree (a click toggles it, as for a person). */
async function expand(label: string): Promise<void> {
  await suite.vscode.expandRow(ACCESS, label);
}

suite.test('alice: her groups, each assignment with how it applies, and what the storage account named in .env allows', async (t) => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await focusAccess();
  let rows = await vscode.waitForRows(ACCESS, (rs) => byLabel(rs, 'rg-app') !== undefined, 90_000);
  assert.equal(rows[0]!.label, 'Alice Developer');
  assert.equal(rows[0]!.description, 'alice@contososandbox.onmicrosoft.com · Azure CLI');

  const rgApp = described(childrenOf(rows, 'rg-app'));
  assert.equal(rgApp.Contributor, 'via group sg-dev-team');
  assert.equal(rgApp['User Access Administrator'], 'direct');
  assert.equal(rgApp['Sandbox App Reader'], 'via group sg-dev-team · inherited from subscription Sandbox Dev');

  await expand('stsandboxapp');
  await expand('Groups');
  rows = await vscode.waitForRows(ACCESS, (rs) => byLabel(rs, MARKUP_GROUP) !== undefined && childrenOf(rs, 'stsandboxapp').length > 0);
  const storage = described(childrenOf(rows, 'stsandboxapp'));
  assert.equal(storage['Storage Blob Data Reader'], 'direct');
  assert.equal(storage.Contributor, 'via group sg-dev-team · inherited from rg-app');
  assert.equal(storage['User Access Administrator'], 'direct · inherited from rg-app');

  // The group whose name is markup is a row whose label is that text: nothing was parsed as HTML.
  const groups = childrenOf(rows, 'Groups').map((r) => r.label);
  assert.deepEqual([...groups].sort(), [MARKUP_GROUP, 'sg-dev-team', 'sg-platform-readers'].sort());
  const pane = await vscode.openView(ACCESS);
  assert.equal(await pane.locator('img').count(), 0, 'no <img> element in the view');
  const groupTooltip = await vscode.rowTooltip(ACCESS, MARKUP_GROUP);
  assert.match(groupTooltip, /Security group <img src=x onerror=alert\(1\)>/);

  const insight = byLabel(rows, STORAGE_INSIGHT);
  assert.ok(insight, 'an insight about the storage account .env names');
  assert.equal(insight.label, 'stsandboxapp: read only');
  assert.equal(insight.description, '→ Storage Blob Data Contributor');
  assert.match(await vscode.rowTooltip(ACCESS, insight.label), /Reads work; writes do not/);
  assert.deepEqual(dialogs, [], 'no script ran');
  t.diagnostic(`${rows.length} rows`);

  // The README's picture: the view at the usual window size.
  await vscode.page.setViewportSize({ width: 1400, height: 900 });
  await vscode.page.mouse.move(700, 5);
  await vscode.screenshot('access-view');
  await vscode.page.setViewportSize({ width: 1400, height: 1500 });

  await vscode.runCommand('Azure Dev Auth: Copy az Command');
  await vscode.waitForNotification(/Copied the az commands that list the role assignments and groups of alice@contososandbox\.onmicrosoft\.com/);
});

suite.test('Azure throttles: the view says it waits, then shows the answer; the rows stay where they were meanwhile', async () => {
  const { vscode } = suite;
  const before = (await vscode.treeRows(ACCESS)).map((r) => [r.label, r.description]);
  sandbox.control.injectFault({ route: 'arm.roleAssignments.list', status: 429, retryAfter: 3, times: 1 });
  await vscode.runCommand('Azure Dev Auth: Refresh Access');
  const pane = await vscode.openView(ACCESS);
  const message = pane.locator('.tree-explorer-viewlet-tree-view > .message');
  await vscode.page.waitForFunction((el) => /Azure is throttling requests; waiting 3 s/.test(el?.textContent ?? ''), await message.elementHandle(), { timeout: 20_000 });
  // While the refresh waits: the title says so and the view's progress bar runs; no row was put above the others.
  assert.equal(await vscode.viewDescription(ACCESS), 'Refreshing…');
  assert.equal(await pane.locator('.monaco-progress-container.active').count(), 1, 'the view shows its progress bar');
  assert.deepEqual((await vscode.treeRows(ACCESS)).map((r) => [r.label, r.description]), before);
  await vscode.page.waitForFunction((el) => (el?.textContent ?? '').trim() === '', await message.elementHandle(), { timeout: 30_000 });
  const rows = await vscode.treeRows(ACCESS);
  assert.equal(rows[0]!.label, 'Alice Developer');
  assert.equal(await vscode.viewDescription(ACCESS), '');
  await pane.locator('.monaco-progress-container.active').waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  assert.equal(await pane.locator('.monaco-progress-container.active').count(), 0, 'the progress bar is gone');
});

suite.test('Remove Role Assignment: a modal names role, principal and scope; the view then shows the change', async () => {
  const { vscode } = suite;
  await vscode.rowContextMenu(ACCESS, 'Storage Blob Data Reader', 'Remove Role Assignment…');
  const dialog = await vscode.dialog();
  assert.equal(dialog.message, 'Remove the role "Storage Blob Data Reader" of you (alice@contososandbox.onmicrosoft.com)?');
  assert.match(dialog.detail, /Scope: \/subscriptions\/[0-9a-f-]+\/resourceGroups\/rg-app\/providers\/Microsoft\.Storage\/storageAccounts\/stsandboxapp/);
  assert.ok(dialog.buttons.includes('Remove'), dialog.buttons.join(', '));
  await vscode.clickDialogButton('Remove');
  await vscode.waitForNotification(/Removed "Storage Blob Data Reader" of you/);
  const rows = await vscode.waitForRows(ACCESS, (rs) => byLabel(rs, STORAGE_INSIGHT)?.label === 'stsandboxapp: no data access', 30_000);
  await expand('stsandboxapp');
  const after = await vscode.waitForRows(ACCESS, (rs) => childrenOf(rs, 'stsandboxapp').length > 0);
  assert.ok(!childrenOf(after, 'stsandboxapp').some((r) => r.label === 'Storage Blob Data Reader'));
  assert.ok(byLabel(rows, 'stsandboxapp: no data'), 'Contributor alone manages it but cannot reach its data');
});

suite.test('hidden behind the Explorer: a new sign-in waits for the view, with no progress spinning on the activity bar; shown, the view loads it', async () => {
  const { vscode } = suite;
  const { page } = vscode;
  await page.keyboard.press('Control+Shift+E');
  await page.locator('[id="workbench.view.explorer"]').waitFor({ state: 'visible', timeout: 10_000 });
  await signIn('bob');
  // The chain has seen bob (the status bar says so): the Access view's load is due, and waits until it is shown.
  await vscode.statusBarLocator('azureDevAuth.status').getByText(/bob/).waitFor({ timeout: 60_000 });
  const item = page.locator('.activitybar .action-item').filter({ has: page.locator('a.action-label[aria-label*="Azure Dev Auth"]') });
  for (const end = Date.now() + 3_000; Date.now() < end; await page.waitForTimeout(200)) {
    assert.equal(await item.locator('.badge:visible').count(), 0, 'no badge on the Azure Dev Auth icon while its view waits hidden');
  }
  const rows = await vscode.waitForRows(ACCESS, (rs) => /^bob@/.test(rs[0]?.description ?? ''), 60_000);
  assert.equal(rows[0]!.description, 'bob@contososandbox.onmicrosoft.com · Azure CLI');
});

suite.test('az switched to a Contributor-only user: the view follows with no click, control-plane only on the storage account', async () => {
  const { vscode } = suite;
  await signIn('erin');
  const rows = await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Erin Operator' && byLabel(rs, STORAGE_INSIGHT) !== undefined, 60_000);
  assert.equal(rows[0]!.description, 'erin@contososandbox.onmicrosoft.com · Azure CLI');
  const controlPlane = byLabel(rows, 'stsandboxapp: no data');
  assert.ok(controlPlane, rows.map((r) => r.label).join(' | '));
  assert.equal(controlPlane.description, '→ Storage Blob Data Contributor');
  assert.equal(byLabel(rows, STORAGE_INSIGHT)!.label, 'stsandboxapp: no data access');
  assert.equal(described(childrenOf(rows, 'rg-app')).Contributor, 'direct');
  assert.ok(!rows.some((r) => r.label === 'Alice Developer'), 'nothing of alice is left');
});

suite.test('signed out of az: the view says there is no token, and offers Sign In', async () => {
  const { vscode } = suite;
  // `az logout` would only sign erin out and leave alice's account as the current one.
  await tool('az', ['account', 'clear']);
  // The view may pass through the last report with the new answer arriving; what it settles on is what is checked.
  const rows = await vscode.waitForRows(ACCESS, (rs) => rs.some((r) => r.label === 'Sign In…') && /^No token: /.test(rs[0]?.label ?? ''), 30_000);
  assert.match(rows[0]!.label, /^No token: The chain fails/);
  assert.equal(rows.length, 2, rows.map((r) => r.label).join(' | '));
});
