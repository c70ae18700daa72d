// Can … Do …? in a real VS Code against the sandbox, signed in as alice through the fake az, for the two answers that
// are neither a plain yes nor a plain no:
// - reading blobs of stsandboxshared depends on the ABAC condition of her Storage Blob Data Reader assignment there:
//   the answer quotes the condition, the Access view's row shows it, and both are the condition Debian's real `az`
//   2.45 lists for that assignment against the same sandbox;
// - deleting stsandboxapp is granted by the Contributor role she holds through sg-dev-team (the real az lists it
//   reaching the account) and denied by the deployment stack's deny assignment (which the real az reads with `az rest`,
//   having no deny-assignment command): the answer is a no that names that deny assignment, and offers no
//   Assign Role… (no role lifts a deny).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';

const ACCESS = 'Access';
const REAL_AZ = '/usr/bin/az';
const ALIAS = join(__dirname, '..', 'fixtures', 'az-authorization-alias');
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const noAz = !inCI && !existsSync(REAL_AZ);
const SUBSCRIPTION = '/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const SHARED = `${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.Storage/storageAccounts/stsandboxshared`;
const APP = `${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
const BLOB_READ = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
const ACCOUNT_DELETE = 'Microsoft.Storage/storageAccounts/delete';
const ANSWER = /^(Yes|No|Depends)/;
let sandbox: Sandbox;
let home: string;
let azHome: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  azHome = mkdtempSync(join(tmpdir(), 'ada-real-az-'));
  const account = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    viewport: { width: 1400, height: 1600 },
  };
});

after(async () => {
  await sandbox?.stop();
  for (const dir of [home, azHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The real az against the same sandbox, signed in as alice in its own config folder. Asynchronous: the sandbox answers from this process. */
async function realAz(args: string[]): Promise<unknown> {
  const env = { ...sandbox.toolEnv(azHome), PATH: '/usr/bin:/bin', PYTHONPATH: ALIAS, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
  const { stdout } = await promisify(execFile)(REAL_AZ, [...args, '--output', 'json'], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as unknown;
}

let azSignedIn = false;
interface AzAssignment { readonly roleDefinitionName: string | null; readonly scope: string; readonly condition: string | null; readonly principalName?: string }
async function azAssignments(args: string[]): Promise<AzAssignment[]> {
  if (!azSignedIn) {
    const alice = sandbox.users.alice!;
    await realAz(['login', '-u', alice.upn, '-p', alice.password, '--allow-no-subscriptions']);
    azSignedIn = true;
  }
  return await realAz(['role', 'assignment', 'list', ...args]) as AzAssignment[];
}

interface DenyAssignment { readonly properties: { readonly denyAssignmentName: string; readonly permissions: readonly { readonly actions: readonly string[] }[] } }

/** Asks in the question box as typed text and returns the answer's toast text. */
async function askTyped(text: string): Promise<string> {
  const { vscode } = suite;
  await vscode.runCommand('Notifications: Clear All Notifications');
  await vscode.runCommand('Azure Dev Auth: Can … Do …?');
  await vscode.fillInputBox(text);
  return vscode.waitForNotification(ANSWER, 90_000);
}

async function aliceLoaded(): Promise<void> {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Alice Developer' && rs.some((r) => r.label === 'rg-app'), 90_000);
}

suite.test('Can alice read blobs of stsandboxshared? Depends on the condition the real az lists, quoted', async (t) => {
  if (noAz) { t.skip('azure-cli is not installed'); return; }
  const { vscode } = suite;
  await aliceLoaded();
  const listed = (await azAssignments(['--assignee', sandbox.users.alice!.upn, '--scope', SHARED]))
    .filter((a) => a.roleDefinitionName === 'Storage Blob Data Reader' && a.scope.toLowerCase() === SHARED.toLowerCase());
  assert.equal(listed.length, 1, `az lists ${JSON.stringify(listed)}`);
  const condition = listed[0]!.condition;
  assert.ok(condition && condition.includes("StringEquals 'reports'"), `az lists no condition: ${JSON.stringify(listed[0])}`);

  const answer = await askTyped('read blobs on stsandboxshared');
  const sentence = /^Depends on a condition: Storage Blob Data Reader at stsandboxshared grants (\S+) to Alice Developer only where "(.+)" holds\./.exec(answer);
  assert.ok(sentence, answer);
  assert.equal(sentence[1], BLOB_READ);
  assert.equal(sentence[2], condition, 'the answer quotes the condition az lists');
  // The roles part agrees with ARM's effective permissions, which leave conditions out; the answer says so.
  assert.match(answer, /ARM's effective permissions at this scope agree: its roles grant .* \(that list leaves deny assignments and conditions out\)\./);

  // The Access view shows the same assignment with its condition: stsandboxshared's row opened as a user would.
  const pane = await vscode.openView(ACCESS);
  const account = pane.locator('[role=treeitem]').filter({ has: vscode.page.locator('.label-name', { hasText: /^stsandboxshared$/ }) }).first();
  await account.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await account.getAttribute('aria-expanded')) === 'false') await account.locator('.monaco-tl-twistie').click();
  const rows = await vscode.waitForRows(ACCESS, (rs) => {
    const at = rs.findIndex((r) => r.label === 'stsandboxshared');
    return at >= 0 && rs[at + 1]?.label === 'Storage Blob Data Reader';
  }, 30_000);
  const row = rows[rows.findIndex((r) => r.label === 'stsandboxshared') + 1]!;
  assert.match(row.description, /condition/);
  const tooltip = await vscode.rowTooltip(ACCESS, 'Storage Blob Data Reader');
  assert.ok(tooltip.replace(/\s+/g, ' ').includes(condition.replace(/\s+/g, ' ')), `the row's tooltip quotes the condition:\n${tooltip}`);
});

suite.test('Can alice delete stsandboxapp? Contributor (as az lists it) grants it; the deny assignment makes it a no', async (t) => {
  if (noAz) { t.skip('azure-cli is not installed'); return; }
  const { vscode } = suite;
  await aliceLoaded();
  // The yes without the deny: az lists Contributor on rg-app for alice through her group, which reaches the account.
  const reaching = (await azAssignments(['--assignee', sandbox.users.alice!.upn, '--scope', APP, '--include-inherited', '--include-groups']))
    .filter((a) => a.roleDefinitionName === 'Contributor');
  assert.ok(reaching.some((a) => a.scope.toLowerCase() === `${SUBSCRIPTION}/resourceGroups/rg-app`.toLowerCase()), `az lists ${JSON.stringify(reaching)}`);

  // az 2.45 has no deny-assignment command: `az rest` reads ARM's list at the account, as a user would.
  const denies = (await realAz(['rest', '--method', 'get', '--url', `https://management.azure.com${APP}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`]) as { value: DenyAssignment[] }).value
    .filter((d) => d.properties.permissions.some((p) => p.actions.includes(ACCOUNT_DELETE)));
  assert.equal(denies.length, 1, `az rest lists ${JSON.stringify(denies)}`);
  const deny = denies[0]!.properties;

  const no = await askTyped('delete the resource on stsandboxapp');
  assert.ok(no.includes(`the deny assignment "${deny.denyAssignmentName}" at stsandboxapp`), `the answer names the deny assignment ARM lists (${deny.denyAssignmentName}): ${no}`);
  assert.match(no, new RegExp(`^No: the deny assignment "Deny delete of stsandboxapp by deployment stack 'stack-app'" at stsandboxapp denies ${ACCOUNT_DELETE.replace(/[./]/g, '\\$&')} to Alice Developer \\(it applies [^)]+\\), although Contributor grants it\\. A role assignment cannot lift it`));
  assert.match(no, /Created by the deployment stack stack-app/);
  assert.match(no, /ARM's effective permissions at this scope agree: its roles grant Microsoft\.Storage\/storageAccounts\/delete \(that list leaves deny assignments and conditions out\)\./);
  assert.deepEqual(await vscode.notificationButtons(/^No: the deny assignment/), [], 'no role to assign can lift a deny assignment');
});
