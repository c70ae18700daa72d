// "Create Local Development Group…" in a real VS Code against the sandbox: a restricted tenant answering with an
// administrator request, member search across pages, a double click on Create making one group, reuse of an existing
// group, markup in a group's name shown as text, a dropped connection after the create request, a malformed message
// rejected, keyboard-only completion, state kept across hiding, and axe-core on every step.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { largeSeed } from '../../src/sandbox/largeSeed';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { assertAccessible, closeAllEditors, contentFrame, fieldValue, hostFrame, openWizard } from './wizardHelpers';

const TITLE = 'Create Local Development Group…';
const MARKUP = '<img src=x onerror=alert(1)>';
let sandbox: Sandbox;
let home: string;

async function signIn(user: string): Promise<void> {
  const account = sandbox.users[user];
  assert.ok(account);
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox({ seed: largeSeed() });
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  await signIn('alice');
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { 'app.py': 'print("hello")\n' },
    viewport: { width: 1400, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The extension's log files under VS Code's logs folder. */
function logFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => (e.isDirectory() ? logFiles(join(dir, e.name)) : e.name.includes('Azure Dev Auth') && e.name.endsWith('.log') ? [join(dir, e.name)] : []));
}

/** Groups Graph created so far (the sandbox's counter): the witness that a click made one group, or none. */
const created = (): number => sandbox.control.counters()['graph.groups.created'] ?? 0;

suite.test('alice may not create security groups: the wizard explains it and offers the administrator request', async () => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const before = created();
  const frame = await openWizard(vscode, TITLE);
  assert.equal(await fieldValue(frame, 'name'), 'workspace-local-dev');
  assert.equal(await fieldValue(frame, 'nickname'), 'workspace-local-dev');
  await frame.getByText(/Acting as Alice Developer .* through Azure CLI/).waitFor();
  await frame.locator('pre[aria-label="bash commands"]').filter({ hasText: 'az ad group create \\' }).waitFor();
  await frame.locator('pre[aria-label="PowerShell commands"]').filter({ hasText: 'az ad group create `' }).waitFor();
  await assertAccessible(vscode, 'name');
  await vscode.screenshot('wizard-group-name');
  await frame.locator('#details-next:not([disabled])').click();
  await frame.getByRole('list', { name: 'Members' }).getByText('Alice Developer').waitFor();
  await assertAccessible(vscode, 'members');
  await frame.locator('#members-next').click();
  await frame.locator('#create').waitFor();
  await assertAccessible(vscode, 'review');
  await frame.locator('#create').click();
  const alert = frame.locator('.failure[role=alert]');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /may not create security groups in this tenant/);
  assert.match(await alert.innerText(), /Authorization_RequestDenied/);
  await assertAccessible(vscode, 'restricted');
  const request = await vscode.clipboardAfter(() => frame.getByRole('button', { name: 'Copy request for an administrator' }).first().click());
  assert.match(request, /create the security group "workspace-local-dev"/);
  assert.match(request, new RegExp(sandbox.users.alice!.objectId));
  assert.match(request, /az ad group create \\\n {2}--display-name workspace-local-dev/);
  assert.match(request, /--member-id cb2be4d1-2705-475d-83e6-02d82fdd105f/);
  assert.equal(created(), before, 'nothing created');
  assert.deepEqual(dialogs, []);
  await closeAllEditors(vscode);
});

suite.test('bob: member search across pages, a double click on Create makes one group, the result offers roles', async () => {
  const { vscode } = suite;
  await signIn('bob');
  const before = created();
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Bob Platform/).waitFor({ timeout: 30_000 });
  await frame.locator('#name input').fill('orders-local-dev');
  await frame.locator('#details-next:not([disabled])').click();
  await frame.locator('#search input').fill('Bench');
  const results = frame.getByRole('list', { name: 'Search results' }).locator('li');
  await frame.getByRole('button', { name: 'More Results' }).waitFor({ timeout: 20_000 });
  assert.equal(await results.count(), 10);
  await frame.getByRole('button', { name: 'More Results' }).click();
  await frame.getByText('Bench User 20').waitFor();
  assert.equal(await results.count(), 20);
  await frame.getByRole('button', { name: 'Add Bench User 03' }).click();
  await frame.getByRole('button', { name: 'Add Bench User 20' }).click();
  await frame.getByRole('button', { name: 'Remove Bench User 20' }).click();
  const members = frame.getByRole('list', { name: 'Members' });
  assert.deepEqual((await members.locator('.name').allInnerTexts()), ['Bob Platform', 'Bench User 03']);
  await vscode.screenshot('wizard-group-members');
  await frame.locator('#members-next').click();
  await frame.locator('#create').dblclick();
  await frame.locator('#object-id').waitFor({ timeout: 30_000 });
  const id = await frame.locator('#object-id').innerText();
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(created(), before + 1, 'one group although Create was clicked twice');
  assert.deepEqual(await frame.getByRole('list', { name: 'Members added' }).locator('.outcome').allInnerTexts(), ['added', 'added']);
  await assertAccessible(vscode, 'result');
  await vscode.screenshot('wizard-group-result');
  const copied = await vscode.clipboardAfter(() => frame.getByRole('button', { name: 'Copy Object ID' }).click());
  assert.equal(copied, id);
  // What was done, to repeat it elsewhere: the create and one add per member, naming the new group by its id.
  await frame.getByRole('heading', { name: 'Equivalent commands of what was done' }).waitFor();
  const done = await frame.locator('pre[aria-label="bash commands"]').innerText();
  assert.match(done, /az ad group create \\\n {2}--display-name orders-local-dev/);
  assert.equal(done.match(/az ad group member add/g)?.length, 2);
  assert.match(done, new RegExp(`--group ${id}`));
  await frame.locator('#assign').waitFor();
  // Check Access for This Group: the Access view comes forward on the new group, read with bob's sign-in.
  await frame.locator('#check-access').click();
  const access = await vscode.waitForRows('Access', (rs) => rs[0]?.label === 'Access of orders-local-dev', 90_000);
  assert.match(access[0]!.description, /read as bob@/);
  await vscode.runCommand('Azure Dev Auth: Back to My Access');
  await vscode.waitForRows('Access', (rs) => rs[0]?.label === 'Bob Platform', 90_000);
  await closeAllEditors(vscode);
});

suite.test('an existing group is offered for reuse; markup in a group name stays text', async () => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const before = created();
  let frame = await openWizard(vscode, TITLE);
  await frame.locator('#name input').fill(MARKUP);
  const notice = frame.locator('#existing .notice');
  await notice.waitFor({ timeout: 20_000 });
  assert.equal(await notice.locator('.group-name').innerText(), MARKUP);
  const page = await contentFrame(vscode);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0, 'no element made from the name');
  await closeAllEditors(vscode);

  frame = await openWizard(vscode, TITLE);
  await frame.locator('#name input').fill('sg-dev-team');
  await frame.getByRole('button', { name: 'Reuse the group sg-dev-team' }).click();
  await frame.getByRole('heading', { name: 'Members of sg-dev-team' }).waitFor();
  await frame.locator('#members-next').click();
  await frame.getByRole('button', { name: 'Add Members' }).click();
  await frame.locator('#object-id').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#object-id').innerText(), 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4');
  assert.deepEqual(await frame.getByRole('list', { name: 'Members added' }).locator('.outcome').allInnerTexts(), ['already a member']);
  assert.equal(created(), before, 'the existing group was reused');
  assert.deepEqual(dialogs, []);
  await closeAllEditors(vscode);
});

suite.test('a dropped connection after the create request: the group is looked up, not created twice', async () => {
  const { vscode } = suite;
  for (const [name, fault] of [['dropped-local-dev', { drop: true }], ['cut-local-dev', { truncate: true }]] as const) {
    const before = created();
    sandbox.control.injectFault({ route: 'graph.groups.create', times: 1, ...fault });
    const frame = await openWizard(vscode, TITLE);
    await frame.locator('#name input').fill(name);
    await frame.locator('#details-next:not([disabled])').click();
    await frame.locator('#members-next').click();
    await frame.locator('#create').click();
    await frame.locator('#object-id').waitFor({ timeout: 30_000 });
    assert.equal(created(), before + 1, `${name}: one group`);
    await closeAllEditors(vscode);
  }
});

suite.test('keyboard only; hidden and shown again keeps the answers; a malformed message is rejected', async () => {
  const { vscode } = suite;
  const before = created();
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as/).waitFor({ timeout: 30_000 });
  // Keyboard only: focus the name field with Tab, type, move on with Tab and Enter.
  const name = frame.locator('#name input');
  await name.focus();
  await name.press('Control+a');
  await name.pressSequentially('keys-local-dev', { delay: 30 });
  assert.equal(await fieldValue(frame, 'nickname'), 'keys-local-dev');
  // Leave the panel for another editor, then come back: the page is rebuilt from its saved state.
  await vscode.openFile('app.py');
  await vscode.page.locator('.tabs-container .tab', { hasText: 'Create Local Development Group' }).click();
  const again = vscode.webviewFrame();
  await again.locator('#name').waitFor();
  assert.equal(await fieldValue(again, 'name'), 'keys-local-dev');
  await again.locator('#name input').focus();
  await again.locator('#details-next:not([disabled])').waitFor();
  // Tab through nickname and description to Next, as a keyboard user does (the fields keep Tab for moving on).
  const content = await contentFrame(vscode);
  for (let i = 0; i < 8 && await content.evaluate(() => document.activeElement?.id) !== 'details-next'; i++) await vscode.page.keyboard.press('Tab');
  assert.equal(await content.evaluate(() => document.activeElement?.id), 'details-next', 'Tab reaches Next');
  await vscode.page.keyboard.press('Enter');
  await again.locator('#search').waitFor();
  await again.locator('#members-next').focus();
  await vscode.page.keyboard.press('Space');
  await again.locator('#create').focus();
  await vscode.page.keyboard.press('Enter');
  await again.locator('#object-id').waitFor({ timeout: 30_000 });
  assert.equal(created(), before + 1);

  // What the page's acquireVsCodeApi().postMessage does, with messages the wizard would never send.
  const host = await hostFrame(vscode);
  await host.evaluate(() => {
    const post = (window as unknown as Record<string, (command: string, data: unknown) => void>).__vscode_post_message__!;
    post('onmessage', { message: { type: 'request', id: 999, request: { method: 'createGroup', name: 'SECRET-PAYLOAD-x', mailNickname: 42 } } });
    post('onmessage', { message: { type: 'launchMissiles' } });
  });
  // The extension's log as VS Code writes it to disk (what Show Log displays).
  let log = '';
  for (let i = 0; i < 50 && !/launchMissiles/.test(log); i++) {
    await vscode.page.waitForTimeout(200);
    log = logFiles(join(dirname(vscode.workspace), 'user-data', 'logs')).map((f) => readFileSync(f, 'utf8')).join('\n');
  }
  assert.match(log, /Rejected a "request" message from the Create Local Development Group panel/);
  assert.match(log, /Rejected a "launchMissiles" message/);
  assert.doesNotMatch(log, /SECRET-PAYLOAD/);
  assert.equal(created(), before + 1, 'the malformed request created nothing');
  await closeAllEditors(vscode);
});

/** Members Graph added so far (the sandbox's counter). */
const membersAdded = (): number => sandbox.control.counters()['graph.groups.members.added'] ?? 0;

async function chooseMembers(frame: import('playwright-core').FrameLocator, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await frame.locator('#search input').fill(name.split(' ')[0]!);
    await frame.getByRole('button', { name: `Add ${name}` }).click({ timeout: 20_000 });
  }
}

suite.test('one member addition fails: reported per member, Retry adds the rest, the commands list only what is left', async () => {
  const { vscode } = suite;
  await signIn('bob');
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Bob Platform/).waitFor({ timeout: 30_000 });
  await frame.locator('#name input').fill('billing-local-dev');
  await frame.locator('#details-next:not([disabled])').click();
  await chooseMembers(frame, ['Carol Contractor', 'Dave Newhire']);
  await frame.locator('#members-next').click();
  const added = membersAdded();
  // The connection drops on the first member's request (a 503 the Graph client would retry by itself); the other two go through.
  sandbox.control.injectFault({ route: 'graph.groups.addMember', times: 1, drop: true });
  await frame.locator('#create').click();
  await frame.locator('#object-id').waitFor({ timeout: 30_000 });
  const outcomes = frame.getByRole('list', { name: 'Members added' });
  assert.deepEqual(await outcomes.locator('.outcome').allInnerTexts(), ['not added', 'added', 'added']);
  assert.equal(membersAdded(), added + 2);
  await frame.getByText('1 member was not added. Retry them, or send the request below to an administrator.').waitFor();
  await frame.getByRole('heading', { name: 'Commands for the members not added' }).waitFor();
  const left = await frame.locator('pre[aria-label="bash commands"]').innerText();
  assert.equal(left.match(/az ad group member add/g)?.length, 1, 'only the missing member');
  assert.match(left, new RegExp(sandbox.users.bob!.objectId));
  await assertAccessible(vscode, 'partly failed');
  await frame.getByRole('button', { name: 'Retry the Remaining Members' }).click();
  await frame.getByRole('heading', { name: 'Equivalent commands of what was done' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await outcomes.locator('.outcome').allInnerTexts(), ['added', 'added', 'added']);
  assert.equal(membersAdded(), added + 3, 'the retry sent only the missing member');
  await closeAllEditors(vscode);
});

suite.test('alice adds a member to a group she does not own: refused, with the administrator request; to a group she owns: added', async () => {
  const { vscode } = suite;
  await signIn('alice');
  const added = membersAdded();
  let frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as Alice Developer/).waitFor({ timeout: 30_000 });
  await frame.locator('#name input').fill('sg-dev-team');
  await frame.getByRole('button', { name: 'Reuse the group sg-dev-team' }).click({ timeout: 20_000 });
  await frame.getByRole('button', { name: 'Remove Alice Developer' }).click();
  await chooseMembers(frame, ['Carol Contractor']);
  await frame.locator('#members-next').click();
  await frame.getByRole('button', { name: 'Add Members' }).click();
  const alert = frame.locator('.failure[role=alert]').filter({ hasText: 'You may not change the members of sg-dev-team' });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /only its owners and some directory roles/);
  assert.equal(await frame.getByRole('button', { name: 'Retry the Remaining Members' }).count(), 0, 'a refusal is not retried');
  assert.deepEqual(await frame.getByRole('list', { name: 'Members added' }).locator('.outcome').allInnerTexts(), ['not added']);
  await assertAccessible(vscode, 'refused');
  const request = await vscode.clipboardAfter(() => alert.getByRole('button', { name: 'Copy Request for an Administrator' }).click());
  assert.match(request, /add a member to the security group "sg-dev-team"/);
  assert.match(request, /--member-id 1ed46474-5720-4f32-a00e-aa62a576d86f/);
  assert.equal(membersAdded(), added);
  await closeAllEditors(vscode);

  frame = await openWizard(vscode, TITLE);
  await frame.locator('#name input').fill('sg-app-workloads');
  await frame.getByRole('button', { name: 'Reuse the group sg-app-workloads' }).click({ timeout: 20_000 });
  await chooseMembers(frame, ['Carol Contractor']);
  await frame.locator('#members-next').click();
  await frame.getByRole('button', { name: 'Add Members' }).click();
  await frame.locator('#object-id').waitFor({ timeout: 30_000 });
  assert.deepEqual(await frame.getByRole('list', { name: 'Members added' }).locator('.outcome').allInnerTexts(), ['added', 'added']);
  assert.equal(membersAdded(), added + 2, 'an owner may add members');
  await closeAllEditors(vscode);
});

suite.test('signed out of every developer tool: the wizard says which sign-ins it can use, and the commands still show', async () => {
  const { vscode } = suite;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['logout'], { env, timeout: 30_000 });
  const frame = await openWizard(vscode, TITLE);
  const problem = frame.locator('.failure[role=alert]').filter({ hasText: 'No developer tool is signed in' });
  await problem.waitFor({ timeout: 30_000 });
  assert.match(await problem.innerText(), /az login.*azd auth login.*Connect-AzAccount/s);
  await problem.getByRole('button', { name: 'Sign In…' }).waitFor();
  await frame.locator('pre[aria-label="bash commands"]').filter({ hasText: 'az ad group create' }).waitFor();
  await assertAccessible(vscode, 'signed out');
  await closeAllEditors(vscode);
  await signIn('alice');
});

suite.test('the window reloads: VS Code restores the wizard, which picks up where it was from its saved state', async () => {
  const { vscode } = suite;
  const frame = await openWizard(vscode, TITLE);
  await frame.getByText(/Acting as/).waitFor({ timeout: 30_000 });
  await frame.locator('#name input').fill('reload-local-dev');
  await frame.locator('#details-next:not([disabled])').click();
  await chooseMembers(frame, ['Carol Contractor']);
  // Let the webview hand its state to the workbench before the page goes away.
  await vscode.page.waitForTimeout(3_000);
  // The workbench's own reload: it shuts down in order (saving which editors are open), as a person's reload does.
  await vscode.runCommand('Developer: Reload Window');
  await vscode.page.waitForEvent('load', { timeout: 30_000 }).catch(() => undefined);
  await vscode.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const again = vscode.webviewFrame();
  await again.getByRole('heading', { name: 'Members', exact: true }).waitFor({ timeout: 60_000 });
  assert.deepEqual(await again.getByRole('list', { name: 'Members' }).locator('.name').allInnerTexts(), ['Alice Developer', 'Carol Contractor']);
  await again.getByRole('button', { name: 'Back' }).click();
  assert.equal(await fieldValue(again, 'name'), 'reload-local-dev');
  await closeAllEditors(vscode);
});
