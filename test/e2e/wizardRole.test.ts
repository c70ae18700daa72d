// "Assign Role…" in a real VS Code against the sandbox: from the Access view's group row, the resource group the
// workspace names preselected, recommended data roles first, PrincipalNotFound twice then success, a double click
// making one assignment, RoleAssignmentExists as success, AuthorizationFailed with the administrator request, a role
// description with markup shown as text, and axe-core on every step.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { REPO_ROOT } from '../harness/vscode';
import { assertAccessible, closeAllEditors, contentFrame, openWizard } from './wizardHelpers';

const TITLE = 'Assign Role…';
const MARKUP = '<img src=x onerror=alert(1)>';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  // The custom role's description is markup: the wizard must show it as text.
  const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'sandbox', 'seed.json'), 'utf8')) as { customRoles?: { description?: string }[] };
  if (seed.customRoles?.[0]) {
    seed.customRoles[0].description = `Reads the app ${MARKUP}`;
    sandbox.control.reseed(seed as Parameters<Sandbox['control']['reseed']>[0]);
  }
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const account = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { '.env': 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\n' },
    viewport: { width: 1400, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Assignments ARM created (201s): the witness that a double click made one. */
const assignments = (): number => sandbox.control.requestLog().filter((e) => e.route === 'arm.roleAssignments.create' && e.status === 201).length;

async function chooseGroup(frame: ReturnType<Awaited<typeof suite>['vscode']['webviewFrame']>, name: string): Promise<void> {
  await frame.locator('#assignee-search input').fill(name);
  await frame.getByRole('button', { name: `Choose ${name}` }).click();
}

suite.test('sg-dev-team gets Storage Blob Data Contributor on rg-app after PrincipalNotFound twice; a double click makes one', async () => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Alice Developer/).waitFor({ timeout: 30_000 });
  await assertAccessible(vscode, 'assignee');
  await chooseGroup(frame, 'sg-dev-team');
  // The workspace's .env names stsandboxapp: its subscription and resource group are preselected.
  await frame.locator('input[data-key^="rg-"][data-key$="/resourceGroups/rg-app"]:checked').waitFor({ timeout: 30_000 });
  await frame.locator('input[data-key="no-resource"]').waitFor();
  await assertAccessible(vscode, 'scope');
  await vscode.screenshot('wizard-role-scope');
  await frame.locator('#next-1').click();
  const roles = frame.getByRole('list', { name: 'Roles' });
  await roles.locator('li').first().waitFor({ timeout: 30_000 });
  assert.match(await roles.locator('li').first().innerText(), /^Storage Blob Data Contributor\s*recommended/);
  assert.match(await roles.locator('li').first().innerText(), /read, write and delete blobs in stsandboxapp/);
  // kv-sandbox-legacy uses access policies: no role is recommended for it, its set-policy command is offered instead.
  const policy = frame.locator('section.access-policy[data-vault="kv-sandbox-legacy"]');
  await policy.waitFor({ timeout: 30_000 });
  assert.match(await policy.innerText(), /uses access policies, not roles/);
  assert.equal(await policy.locator('pre[aria-label="bash access-policy command for kv-sandbox-legacy"]').innerText(),
    'az keyvault set-policy \\\n  --name kv-sandbox-legacy \\\n  --resource-group rg-app \\\n  --object-id dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4 \\\n  --secret-permissions get list');
  const secretsUser = roles.locator('li', { hasText: 'Key Vault Secrets User' });
  assert.match(await secretsUser.innerText(), /read secrets in kv-sandbox-app\b/);
  assert.doesNotMatch(await secretsUser.innerText(), /kv-sandbox-legacy/);
  assert.equal(await frame.locator('section.access-policy').count(), 1, 'the RBAC vault kv-sandbox-app gets no access-policy command');
  await frame.locator('#role-filter input').fill('Sandbox App');
  const custom = roles.locator('li', { hasText: 'Sandbox App Reader' });
  assert.match(await custom.innerText(), /Reads the app <img src=x onerror=alert\(1\)>/);
  assert.equal(await (await contentFrame(vscode)).evaluate(() => document.querySelectorAll('img').length), 0);
  await frame.locator('#role-filter input').fill('Storage Blob Data Contributor');
  await roles.locator('input[data-key^="role-"]').first().check();
  await assertAccessible(vscode, 'role');
  await vscode.screenshot('wizard-role-roles');
  await frame.locator('#next-2').click();
  const bash = await frame.locator('pre[aria-label="bash commands"]').innerText();
  assert.match(bash, /az role assignment create \\\n {2}--assignee-object-id dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4 \\\n {2}--assignee-principal-type Group \\\n {2}--scope \/subscriptions\/adca4246-6e3e-4a79-a53f-26fe8244f8bc\/resourceGroups\/rg-app \\\n {2}--role 'Storage Blob Data Contributor'/);
  await assertAccessible(vscode, 'review');
  const before = assignments();
  sandbox.control.injectFault({ route: 'arm.roleAssignments.create', status: 400, times: 2, body: { error: { code: 'PrincipalNotFound', message: 'Principal dcbefc24c9994e98b6c09b8d4ba50fc4 does not exist in the directory.' } } });
  await frame.locator('#next-3').dblclick();
  await frame.locator('#step').getByText(/Waiting for the new group to replicate \(attempt 1/).waitFor({ timeout: 20_000 });
  await frame.locator('#outcome').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#outcome').innerText(), /sg-dev-team now holds Storage Blob Data Contributor/);
  assert.equal(assignments(), before + 1, 'one assignment although Assign was clicked twice');
  await assertAccessible(vscode, 'result');
  await vscode.screenshot('wizard-role-result');

  // sg-dev-team holds Contributor on rg-app under another assignment name: RoleAssignmentExists is success.
  await frame.getByRole('button', { name: 'Assign Another Role' }).click();
  await frame.locator('#role-filter input').fill('Contributor');
  const contributor = roles.locator('li').filter({ has: frame.locator('input[data-key="role-b24988ac-6180-42a0-ab88-20f7382dd24c"]') });
  await contributor.getByText('already assigned here').waitFor({ timeout: 30_000 });
  await contributor.locator('input').check();
  await frame.locator('#next-2').click();
  await frame.locator('#next-3').click();
  await frame.getByRole('heading', { name: 'Already assigned' }).waitFor({ timeout: 30_000 });
  assert.equal(assignments(), before + 1);
  assert.deepEqual(dialogs, []);
  // Check Access for sg-dev-team: the Access view shows the group's access, the role just assigned at rg-app among it.
  await frame.getByRole('button', { name: 'Check Access for sg-dev-team' }).click();
  const access = await vscode.waitForRows('Access', (rs) => rs[0]?.label === 'Access of sg-dev-team' && rs.some((r) => r.label === 'rg-app'), 90_000);
  const pane = await vscode.openView('Access');
  const rgApp = pane.locator('[role=treeitem]').filter({ has: vscode.page.locator('.label-name', { hasText: /^\s*rg-app\s*$/ }) }).first();
  if (!access.some((r) => r.label === 'Storage Blob Data Contributor')) await rgApp.click();
  await vscode.waitForRows('Access', (rs) => rs.some((r) => r.label === 'Storage Blob Data Contributor'), 30_000);
  await vscode.runCommand('Azure Dev Auth: Back to My Access');
  // The view loads alice's access again: wait until its rows stay the same for 2 seconds, so the next test clicks settled rows.
  const shown = async (): Promise<string> => JSON.stringify((await vscode.treeRows('Access')).map((r) => [r.label, r.description]));
  await vscode.waitForRows('Access', (rs) => rs[0]?.label === 'Alice Developer' && rs.some((r) => r.label === 'Groups'), 90_000);
  for (let before = await shown(), tries = 0; tries < 30; tries++) {
    await vscode.page.waitForTimeout(2_000);
    const now = await shown();
    if (now === before) break;
    before = now;
  }
  await closeAllEditors(vscode);
});

suite.test('AuthorizationFailed names the roles that may assign and offers the administrator request', async () => {
  const { vscode } = suite;
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Alice Developer/).waitFor({ timeout: 30_000 });
  await frame.locator('input[data-key="me"]').check();
  await frame.locator('#next-0').click();
  await frame.locator('input[data-key^="sub-"]').first().waitFor({ timeout: 30_000 });
  await frame.locator('label', { hasText: 'Sandbox Prod' }).locator('input').check();
  await frame.locator('input[data-key$="/resourceGroups/rg-prod"]').check({ timeout: 30_000 });
  await frame.locator('#next-1').click();
  await frame.locator('#role-filter input').fill('Key Vault Secrets User');
  await frame.getByRole('list', { name: 'Roles' }).locator('input').first().check({ timeout: 30_000 });
  await frame.locator('#next-2').click();
  await frame.locator('#next-3').click();
  const alert = frame.locator('.failure[role=alert]');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /Owner, User Access Administrator, Role Based Access Control Administrator/);
  const request = await vscode.clipboardAfter(() => frame.getByRole('button', { name: 'Copy Request for an Administrator' }).first().click());
  assert.match(request, /assign the role "Key Vault Secrets User" to Alice Developer/);
  assert.match(request, /az role assignment create/);
  await closeAllEditors(vscode);
});

suite.test('a service principal found by its app id gets a data role on rg-app; the command names it as ServicePrincipal', async () => {
  const { vscode } = suite;
  const sp = sandbox.servicePrincipal;
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Alice Developer/).waitFor({ timeout: 30_000 });
  await frame.locator('input[data-key="kind-sp"]').check();
  await frame.locator('#assignee-search input').fill(sp.clientId);
  const match = frame.getByRole('list', { name: 'Matches' }).locator('li');
  await match.filter({ hasText: `app id ${sp.clientId}` }).waitFor({ timeout: 20_000 });
  await frame.getByRole('button', { name: 'Choose sandbox-ci' }).click();
  await frame.locator('input[data-key$="/resourceGroups/rg-app"]:checked').waitFor({ timeout: 30_000 });
  await frame.locator('#next-1').click();
  await frame.locator('#role-filter input').fill('Storage Queue Data Contributor');
  await frame.getByRole('list', { name: 'Roles' }).locator('input[data-key^="role-"]').first().check({ timeout: 30_000 });
  await frame.locator('#next-2').click();
  const bash = await frame.locator('pre[aria-label="bash commands"]').innerText();
  assert.match(bash, new RegExp(`--assignee-object-id ${sp.objectId} \\\\\\n {2}--assignee-principal-type ServicePrincipal`));
  const before = assignments();
  await frame.locator('#next-3').click();
  await frame.locator('#outcome').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#outcome').innerText(), /sandbox-ci now holds Storage Queue Data Contributor/);
  const created = sandbox.control.requestLog().filter((e) => e.route === 'arm.roleAssignments.create' && e.status === 201);
  assert.equal(created.length, before + 1);
  await closeAllEditors(vscode);
});

suite.test('from the Access view: "Assign Role…" on a group row opens the wizard with that group chosen', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.waitForRows('Access', (rs) => rs.some((r) => r.label === 'Groups'), 90_000);
  await vscode.expandRow('Access', 'Groups');
  await vscode.waitForRows('Access', (rs) => rs.some((r) => r.label === 'sg-dev-team'));
  await vscode.rowContextMenu('Access', 'sg-dev-team', 'Assign Role…');
  const frame = vscode.webviewFrame();
  await frame.locator('h1').waitFor({ state: 'visible', timeout: 30_000 });
  // The assignee is settled: the wizard starts at the scope, with the workspace's resource group preselected.
  await frame.locator('input[data-key$="/resourceGroups/rg-app"]:checked').waitFor({ timeout: 30_000 });
  await frame.locator('pre[aria-label="bash commands"]').filter({ hasText: '--assignee-object-id dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4' }).waitFor();
  assert.match(await frame.locator('pre[aria-label="bash commands"]').innerText(), /--assignee-principal-type Group/);
  await frame.getByRole('button', { name: 'Back' }).click();
  await frame.getByText('Chosen: sg-dev-team (Group, dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4)').waitFor({ timeout: 20_000 });
  assert.equal(await frame.locator('input[data-key="given"]').isChecked(), true);
  await closeAllEditors(vscode);
});
