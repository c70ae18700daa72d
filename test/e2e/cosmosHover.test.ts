// A Cosmos DB client of the code, in a real VS Code against the sandbox: the account grants its data through its own
// role assignments (sg-dev-team holds the built-in data reader role on the whole account), which the Access load
// reads because the workspace names the account. Signed in as alice (in sg-dev-team, Contributor on rg-app through
// it): the Access view says "read only", the hover says read yes, write no — add Cosmos DB Built-in Data
// Contributor, with the az cosmosdb command; Copy Command copies it, the Problems panel's quick fix copies the same;
// the copied text, run in bash with the real az (azure-cli) signed in as alice, makes the assignment; after Refresh Access the
// view and the hover say write yes and the problem is gone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { REPO_ROOT } from '../harness/vscode';
import { closeAllEditors } from './wizardHelpers';

const ACCESS = 'Access';
const ACCOUNT = 'cosmos-sandbox-app';
const APP = [
  'import os',
  '',
  'from azure.cosmos import CosmosClient',
  'from azure.identity import DefaultAzureCredential',
  '',
  'orders = CosmosClient(os.environ["COSMOS_ENDPOINT"], credential=DefaultAzureCredential())',
  '',
].join('\n');
let sandbox: Sandbox;
let home: string;
/** The real az (azure-cli), signed in to the sandbox as alice in a home of its own: where a developer pastes the command. */
let realAzEnv: NodeJS.ProcessEnv;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  // The account, with one assignment of its own: the built-in data reader role to sg-dev-team, on the whole account.
  const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'sandbox', 'seed.json'), 'utf8')) as {
    subscriptions: { id: string; resourceGroups: { name: string; resources: Record<string, unknown>[] }[] }[];
  };
  const rgApp = seed.subscriptions.find((s) => s.id === 'adca4246-6e3e-4a79-a53f-26fe8244f8bc')!.resourceGroups.find((g) => g.name === 'rg-app')!;
  rgApp.resources.push({
    type: 'Microsoft.DocumentDB/databaseAccounts', name: ACCOUNT, location: 'westeurope', kind: 'GlobalDocumentDB',
    sqlRoleAssignments: [{ name: '6f1c2a57-3d2e-4c59-9a4e-0c1d2b3e4f50', role: 'Cosmos DB Built-in Data Reader', scope: '/', principal: 'dev-team' }],
  });
  sandbox.control.reseed(seed as unknown as Parameters<Sandbox['control']['reseed']>[0]);
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const account = sandbox.users.alice!;
  const toolEnv = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env: toolEnv, timeout: 30_000 });
  const realHome = join(home, 'real-az');
  mkdirSync(realHome);
  realAzEnv = { ...sandbox.toolEnv(realHome), PATH: '/usr/bin:/bin', AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
  await promisify(execFile)('/usr/bin/az', ['login', '--username', account.upn, '--password', account.password, '--output', 'none'], { env: realAzEnv, timeout: 120_000 });
  const { PATH: _path, ...env } = sandbox.toolEnv(home);
  return {
    home, env: { ...env, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { 'app.py': APP, '.env': `COSMOS_ENDPOINT=https://${ACCOUNT}.documents.azure.com:443/\n` },
    viewport: { width: 1600, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Where the editor draws the call's `CosmosClient` (a character in it): the point a person rests the pointer on. */
async function clientPoint(): Promise<{ x: number; y: number }> {
  const line = suite.vscode.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: /orders\s=\sCosmosClient\(/ }).first();
  await line.waitFor({ state: 'visible', timeout: 30_000 });
  const point = await line.evaluate((el) => {
    const index = (el.textContent ?? '').indexOf('CosmosClient');
    if (index < 0) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let offset = index + 3;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent?.length ?? 0;
      if (offset < length) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
      offset -= length;
    }
    return null;
  });
  assert.ok(point, 'the editor shows the CosmosClient call');
  return point;
}

/** Hovers the construction until the product's hover shows `pattern` (hovers come and go as a pointer moves). */
async function clientHover(pattern: RegExp): Promise<string> {
  const { page } = suite.vscode;
  const hover = page.locator('.monaco-hover:visible .hover-contents', { hasText: /Azure Dev Auth · CosmosClient/ }).last();
  let last = '';
  for (let attempt = 1; attempt <= 20; attempt++) {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    const { x, y } = await clientPoint();
    await page.mouse.move(x, y);
    await page.mouse.move(x + 1, y);
    try {
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      last = await hover.innerText();
      if (pattern.test(last)) return last;
    } catch { /* not shown yet: point again */ }
    await page.waitForTimeout(1_000);
  }
  assert.fail(`the hover did not show ${pattern}: ${last}`);
}

const command = (): string => `az cosmosdb sql role assignment create --account-name ${ACCOUNT} --resource-group rg-app --scope / --principal-id ${sandbox.users.alice!.objectId} --role-definition-id 00000000-0000-0000-0000-000000000002`;

suite.test('the Cosmos DB account\'s own assignment through sg-dev-team: the view says read only; the hover says write no and shows the az cosmosdb command, which Copy Command copies', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openView(ACCESS);
  const rows = await vscode.waitForRows(ACCESS, (rs) => rs.some((r) => r.label === `${ACCOUNT}: read only`), 90_000);
  assert.ok(!rows.some((r) => r.label === `${ACCOUNT}: no data`), 'the account\'s own assignment reaches alice through her group: not control-plane only');
  await vscode.openFile('app.py');
  const text = await clientHover(/read yes/);
  assert.match(text, new RegExp(`Alice Developer on Cosmos DB account ${ACCOUNT} \\(from COSMOS_ENDPOINT\\): read yes, write no — add Cosmos DB Built-in Data Contributor`));
  assert.match(text, /Reading items: yes, in every database \(Cosmos DB Built-in Data Reader on the whole account through sg-dev-team\)/);
  assert.ok(text.includes(command()), text);
  assert.ok(!/Assign Role…/.test(text), 'the role wizard assigns Azure roles only');
  await vscode.screenshot('cosmos-hover');
  const copied = await vscode.clipboardAfter(() => vscode.page.locator('.monaco-hover:visible a', { hasText: 'Copy Command' }).last().click());
  assert.equal(copied, command());
  await vscode.waitForNotification(/Copied the command that assigns Cosmos DB Built-in Data Contributor on cosmos-sandbox-app/);
});

suite.test('the Problems panel\'s quick fix copies the same command; run in bash with the real az as alice, it assigns the role; then the view and the hover say write yes', async () => {
  const { vscode } = suite;
  const { page } = vscode;
  await vscode.openFile('app.py');
  if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
  const expected = `Alice Developer cannot do everything this client offers on Cosmos DB account ${ACCOUNT}: read yes, write no — add Cosmos DB Built-in Data Contributor.`;
  await page.locator('.markers-panel .monaco-list-row', { hasText: expected }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const { x, y } = await clientPoint();
  await page.mouse.click(x, y);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Copy the Command That Assigns Cosmos DB Built-in Data Contributor' }).first();
  await fix.waitFor({ state: 'visible', timeout: 20_000 });
  const copied = await vscode.clipboardAfter(() => fix.click());
  assert.equal(copied, command());
  // Pasted into a shell where az is signed in as alice (Contributor on rg-app through sg-dev-team may write them).
  const before = sandbox.control.requestLog().filter((e) => e.route.startsWith('arm.cosmos.sqlRoleAssignments.put') && e.status === 200).length;
  await promisify(execFile)('bash', ['--noprofile', '--norc', '-c', copied], { env: realAzEnv, timeout: 120_000 });
  assert.equal(sandbox.control.requestLog().filter((e) => e.route.startsWith('arm.cosmos.sqlRoleAssignments.put') && e.status === 200).length, before + 1);
  await closeAllEditors(vscode);
  await vscode.runCommand('Azure Dev Auth: Refresh Access');
  await vscode.waitForRows(ACCESS, (rs) => rs.some((r) => r.label === `${ACCOUNT}: read, write`), 90_000);
  await vscode.openFile('app.py');
  const text = await clientHover(/write yes/);
  assert.match(text, new RegExp(`Alice Developer on Cosmos DB account ${ACCOUNT} \\(from COSMOS_ENDPOINT\\): read yes, write yes`));
  assert.ok(!text.includes('az cosmosdb'), 'nothing to add any more');
  await page.locator('.markers-panel .monaco-list-row', { hasText: expected }).first().waitFor({ state: 'detached', timeout: 30_000 });
});
