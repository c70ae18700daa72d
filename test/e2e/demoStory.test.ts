// The README's demo story, from a fresh profile to the end, in a real VS Code against the demo tenant that
// `npm start` serves: alice (signed in to az) sees the chain and her access, creates the local-development group
// with bob, gives it a data role at the resource group the workspace's .env points to, and the Access view shows the
// role through the new group and that the app may now write blobs; then she signs in as bob from the Sign In page
// and the chain, status bar and Access view follow. The interpreter is the one `npm start` uses,
// Debian sid's azure-identity. Screenshots of each step are the README's pictures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { demoSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { REPO_ROOT, type TreeRow } from '../harness/vscode';
import { closeAllEditors, openWizard } from './wizardHelpers';

const CHAIN = 'Credential Chain';
const ACCESS = 'Access';
const GROUP = 'workspace-local-dev';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  const python = (await ensurePythonAzureIdentityEnvs()).debiansid;
  assert.ok(!python.problem, `the demo interpreter: ${python.problem ?? ''}`);
  sandbox = await startSandbox({ seed: demoSeed() });
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  const demo = join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': python.python, ...sandboxAccessSettings(sandbox) },
    workspaceFiles: Object.fromEntries(readdirSync(demo).map((f) => [f, readFileSync(join(demo, f), 'utf8')])),
    viewport: { width: 1400, height: 1300 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Drags the sash between the sidebar and the editor until the sidebar is `width` pixels wide, as a person would. */
async function sidebarWidth(width: number): Promise<void> {
  const { page } = suite.vscode;
  const box = await page.locator('.part.sidebar').boundingBox();
  assert.ok(box, 'the sidebar is open');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  const after = await page.locator('.part.sidebar').boundingBox();
  assert.ok(after && Math.abs(after.width - width) <= 2, `the sidebar is ${after?.width} pixels wide`);
}

/**
 * Names the demo tenant chose (a role, a hostile group name) that are longer than a 300-pixel row at their depth: a
 * name cannot be shortened, and its row's tooltip and accessible label carry it whole. Every label the extension
 * words itself must fit.
 */
const NAMES: ReadonlySet<string> = new Set(['Storage Blob Data Contributor', '<img src=x onerror=alert(1)>']);

/**
 * Labels of the rows in both views whose text does not fit (their right edge past the row's), and the views whose
 * rows are not all drawn (a tree draws only the rows in sight, so a view that scrolls would hide some from the check).
 */
async function truncatedLabels(): Promise<{ cut: string[]; checked: number; scrolling: string[] }> {
  return suite.vscode.page.evaluate((names) => {
    const cut: string[] = [];
    const scrolling: string[] = [];
    let checked = 0;
    for (const tree of document.querySelectorAll('.part.sidebar [role=tree]')) {
      const rows = tree.querySelector('.monaco-list-rows');
      const viewport = tree.querySelector('.monaco-scrollable-element');
      if (rows && viewport && rows.getBoundingClientRect().height > viewport.getBoundingClientRect().height + 0.5) scrolling.push(tree.getAttribute('aria-label') ?? '?');
    }
    for (const row of document.querySelectorAll('.part.sidebar .monaco-list-row')) {
      const name = row.querySelector('.label-name');
      const container = row.querySelector('.monaco-icon-label-container');
      if (!name || !container) continue;
      checked++;
      const range = document.createRange();
      range.selectNodeContents(name);
      // When the row's line overflows (a description follows), VS Code's ellipsis takes the last pixels of it: the
      // label is whole only if it ends before the ellipsis would start.
      let limit = container.getBoundingClientRect().right + 0.5;
      if (container.scrollWidth > container.clientWidth) {
        const probe = document.createElement('span');
        probe.textContent = '…';
        name.parentElement?.appendChild(probe);
        limit -= probe.getBoundingClientRect().width;
        probe.remove();
      }
      const label = (name.textContent ?? '').trim();
      if (range.getBoundingClientRect().right > limit && !names.includes(label)) cut.push(label);
    }
    return { cut, checked, scrolling };
  }, [...NAMES]);
}

/**
 * At VS Code's default sidebar width (300 pixels) every row label of both views is whole; the window is made tall
 * enough that both views draw all their rows, so none escapes the check. Returns the number of labels checked.
 */
async function assertLabelsFit(screenshot: string): Promise<number> {
  const { page } = suite.vscode;
  const viewport = page.viewportSize();
  assert.ok(viewport, 'the window has a size');
  await page.setViewportSize({ width: viewport.width, height: 2400 });
  await sidebarWidth(300);
  await page.waitForTimeout(300);
  const { cut, checked, scrolling } = await truncatedLabels();
  assert.deepEqual(scrolling, [], 'both views show all their rows');
  assert.ok(checked > 20, `${checked} labels checked`);
  assert.deepEqual(cut, [], `labels cut at 300 pixels: ${cut.join(' | ')}`);
  await suite.vscode.screenshot(screenshot);
  await page.setViewportSize(viewport);
  await sidebarWidth(520);
  return checked;
}

const row = (rows: TreeRow[], label: string | RegExp) => rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
const STORAGE = /^stsandboxapp: (read, write|read only|write only|no data access)$/;

suite.test('alice: the chain, her access, a group with bob, a data role at rg-app, and the Access view showing it', async (t) => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });

  // 1. The chain of today's azure-identity, Azure CLI active as alice.
  await vscode.openContainer();
  const chain = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 90_000);
  assert.ok(row(chain, 'Workload Identity'), `the current chain has workload identity: ${chain.map((r) => r.label).join(' | ')}`);
  assert.ok(row(chain, 'Azure Developer CLI'), 'and azd');
  await vscode.screenshot('demo-chain');

  // 2. Her access: the storage account the workspace's .env names may be read, not written.
  const access = await vscode.waitForRows(ACCESS, (rs) => row(rs, STORAGE) !== undefined, 90_000);
  assert.equal(row(access, STORAGE)!.label, 'stsandboxapp: read only');

  // VS Code's default sidebar (300 pixels): every label is whole, the detail is in the description and tooltip.
  t.diagnostic(`${await assertLabelsFit('demo-sidebar-300')} labels fit 300 pixels`);

  // 3. The local-development group with bob: alice may create it in the demo tenant.
  const created = sandbox.control.counters()['graph.groups.created'] ?? 0;
  let frame = await openWizard(vscode, 'Create Local Development Group…');
  await frame.getByText(/Acting as Alice Developer .* through Azure CLI/).waitFor({ timeout: 30_000 });
  await frame.locator('#details-next:not([disabled])').click();
  await frame.locator('#search input').fill('Bob');
  await frame.getByRole('button', { name: 'Add Bob Platform' }).click({ timeout: 30_000 });
  assert.deepEqual(await frame.getByRole('list', { name: 'Members' }).locator('.name').allInnerTexts(), ['Alice Developer', 'Bob Platform']);
  await frame.locator('#members-next').click();
  await frame.locator('#create').click();
  await frame.locator('#object-id').waitFor({ timeout: 30_000 });
  assert.equal(sandbox.control.counters()['graph.groups.created'], created + 1);
  assert.deepEqual(await frame.getByRole('list', { name: 'Members added' }).locator('.outcome').allInnerTexts(), ['added', 'added']);
  await vscode.screenshot('demo-group-result');

  // 4. A data role for the group at the resource group .env points to, the recommended one first.
  await frame.locator('#assign').click();
  frame = vscode.webviewFrame();
  await frame.locator('input[data-key$="/resourceGroups/rg-app"]:checked').waitFor({ timeout: 30_000 });
  await frame.locator('#next-1').click();
  const roles = frame.getByRole('list', { name: 'Roles' });
  await roles.locator('li').first().waitFor({ timeout: 30_000 });
  assert.match(await roles.locator('li').first().innerText(), /^Storage Blob Data Contributor\s*recommended/);
  await roles.locator('li').first().locator('input').check();
  await frame.locator('#next-2').click();
  assert.match(await frame.locator('pre[aria-label="bash commands"]').innerText(), /--assignee-principal-type Group/);
  await frame.locator('#next-3').click();
  await frame.locator('#outcome').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#outcome').innerText(), new RegExp(`${GROUP} now holds Storage Blob Data Contributor`));
  await vscode.screenshot('demo-role-result');
  await closeAllEditors(vscode);

  // 5. The Access view: the role through the new group, and writing blobs allowed.
  const after = await vscode.waitForRows(ACCESS, (rs) => row(rs, STORAGE)?.label === 'stsandboxapp: read, write', 90_000);
  assert.ok(after.some((r) => r.label === 'Storage Blob Data Contributor' && r.description === `via group ${GROUP}`),
    after.filter((r) => r.label === 'Storage Blob Data Contributor').map((r) => r.description).join(' | '));
  // Her groups (a collapsed row, opened with a click as a person would) now include the new one.
  await vscode.expandRow(ACCESS, 'Groups');
  const withGroups = await vscode.waitForRows(ACCESS, (rs) => rs.some((r) => r.label === GROUP), 20_000);
  assert.ok(row(withGroups, 'sg-dev-team'));
  await vscode.screenshot('demo-access-after');
  // The rows the story added (the new role's insight, the group) fit the default sidebar too.
  t.diagnostic(`${await assertLabelsFit('demo-sidebar-300-after')} labels fit 300 pixels after the role`);

  // 6. Signing in as someone else: bob, from the Sign In page, with his password typed in the terminal it opens.
  const bob = sandbox.users.bob!;
  frame = await openWizard(vscode, 'Sign In…');
  await frame.locator('#lead [data-credential="AzureCliCredential"]').waitFor({ timeout: 60_000 });
  assert.equal(await frame.locator('#lead-title').innerText(), 'Active source');
  await frame.locator('#method-az-password').check();
  await frame.locator('#username-az input').fill(bob.upn);
  await frame.locator('#cmd-az-bash', { hasText: `--username ${bob.upn}` }).waitFor();
  await frame.locator('#signin-az:not([disabled])').click();
  await frame.locator('#run-az', { hasText: 'Type the password in the terminal' }).waitFor({ timeout: 20_000 });
  await vscode.page.waitForTimeout(300);
  await vscode.page.keyboard.type(bob.password, { delay: 10 });
  await vscode.page.keyboard.press('Enter');
  await frame.locator('#run-az', { hasText: 'Azure CLI signed in.' }).waitFor({ timeout: 60_000 });
  await frame.locator('#next-identity', { hasText: `${bob.upn} through Azure CLI` }).waitFor({ timeout: 15_000 });
  await closeAllEditors(vscode);
  // The chain, the status bar and the Access view follow: bob through Azure CLI, with his own access.
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'bob · active', 60_000);
  const asBob = await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Bob Platform' && row(rs, STORAGE) !== undefined, 90_000);
  assert.ok(!asBob.some((r) => r.label === 'Alice Developer'), 'nothing of alice is left');
  await vscode.statusBarLocator('azureDevAuth.status').getByText('bob · Azure CLI').waitFor({ timeout: 15_000 });
  await vscode.screenshot('demo-signed-in-as-bob');
  assert.deepEqual(dialogs, []);
});
