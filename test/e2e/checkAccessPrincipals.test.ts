// Check Access for a group, the demo service principal and a managed identity in a real VS Code against the sandbox,
// signed in as bob through the fake az: for each, the roles the Access view shows (role and the scope it is assigned
// at, read from the rows a user sees) are exactly what Debian's real `az` 2.45, signed in to the same sandbox as bob,
// lists with `az role assignment list --assignee … --all --include-groups --include-inherited`. ARM refuses
// assignedTo() for a group, so a group's list is az's for the group and for the group it is in, as in the CLI test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow } from '../harness/vscode';

const ACCESS = 'Access';
const REAL_AZ = '/usr/bin/az';
const ALIAS = join(__dirname, '..', 'fixtures', 'az-authorization-alias');
/** The real built-in roles by definition GUID: az 2.45 leaves roleDefinitionName null for a role assigned at a management group. */
const BUILT_IN_NAMES = new Map((JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as { name: string; roleName: string }[])
  .map((r) => [r.name.toLowerCase(), r.roleName]));
const inCI = process.env.CI === 'true' || process.env.CI === '1';
let sandbox: Sandbox;
let home: string;
let azHome: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  azHome = mkdtempSync(join(tmpdir(), 'ada-real-az-'));
  const account = sandbox.users.bob!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  if (existsSync(REAL_AZ)) await signedInSubscriptions();
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    // Tall enough for every row of each principal's tree: the list renders only the rows in sight.
    viewport: { width: 1400, height: 2400 },
  };
});

after(async () => {
  await sandbox?.stop();
  for (const dir of [home, azHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The real az against the same sandbox, signed in as bob (its own config folder, the sandbox's CA and endpoints).
 * Asynchronous: the sandbox answers from this process.
 */
async function realAz(args: string[]): Promise<string> {
  const env = { ...sandbox.toolEnv(azHome), PATH: '/usr/bin:/bin', PYTHONPATH: ALIAS, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
  const { stdout } = await promisify(execFile)(REAL_AZ, [...args, '--output', 'json'], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface Subscription { readonly id: string; readonly name: string }
let subscriptions: Subscription[] | undefined;
async function signedInSubscriptions(): Promise<Subscription[]> {
  if (subscriptions) return subscriptions;
  const bob = sandbox.users.bob!;
  const login = JSON.parse(await realAz(['login', '-u', bob.upn, '-p', bob.password, '--allow-no-subscriptions'])) as Subscription[];
  subscriptions = login.filter((s) => s.id !== sandbox.tenantId);
  assert.ok(subscriptions.length > 0, 'bob sees no subscription');
  return subscriptions;
}

/** "role @ where it is assigned", as the Access view words the scope (see accessRows' scopeLabel). */
async function azRoles(assignees: readonly string[], group: boolean): Promise<string[]> {
  const found = new Set<string>();
  const all = await signedInSubscriptions();
  for (const s of all) {
    for (const assignee of assignees) {
      const list = JSON.parse(await realAz(['role', 'assignment', 'list', '--assignee', assignee, '--all', '--include-inherited', '--subscription', s.id, ...(group ? [] : ['--include-groups'])])) as { roleDefinitionName: string | null; roleDefinitionId: string; scope: string }[];
      for (const a of list) {
        const scope = a.scope.replace(/\/+$/, '');
        const last = scope.split('/').pop()!;
        const where = /^\/subscriptions\/[^/]+$/i.test(scope) ? `subscription ${all.find((x) => x.id === last)?.name ?? last}`
          : /managementGroups\/[^/]+$/i.test(scope) ? `management group ${last}` : last;
        const role = a.roleDefinitionName ?? BUILT_IN_NAMES.get(a.roleDefinitionId.split('/').pop()!.toLowerCase());
        assert.ok(role, `az names no role for ${a.roleDefinitionId}`);
        found.add(`${role} @ ${where}`);
      }
    }
  }
  return [...found].sort();
}

const SCOPE_KINDS = /^(subscription|management group|resource group|[A-Za-z.]+\/[A-Za-z./]+)$/;

/**
 * The roles the Access view shows, read from its rows: each assignment row under a scope row, where it is assigned
 * being its "inherited from …" or else the scope row it is under.
 */
function viewRoles(rows: readonly TreeRow[]): string[] {
  const found = new Set<string>();
  const stack: TreeRow[] = [];
  for (const row of rows) {
    stack.length = row.level - 1;
    const parent = stack[row.level - 2];
    stack.push(row);
    if (!parent || !SCOPE_KINDS.test(parent.description) || SCOPE_KINDS.test(row.description) || row.label === 'No role applies here') continue;
    const inherited = row.description.split(' · ').find((p) => p.startsWith('inherited from '))?.slice('inherited from '.length);
    const subscriptionRow = stack.find((r) => /^[0-9a-f-]{36}$/.test(r.description));
    const own = parent.label === 'Subscription scope' ? `subscription ${subscriptionRow?.label ?? ''}`
      : parent.description === 'management group' ? `management group ${parent.label}` : parent.label;
    found.add(`${row.label} @ ${inherited ?? own}`);
  }
  return [...found].sort();
}

async function checkAccessFor(name: string): Promise<TreeRow[]> {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Check Access for…');
  await vscode.page.locator('.quick-input-widget input.input').fill(name);
  await vscode.page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: name }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await vscode.pickQuickItem(name);
  await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === `Access of ${name}` && rs.some((r) => r.label === 'Subscription scope'), 90_000);
  // Resource scopes start collapsed: open each, as a user would to see the roles on a resource.
  const pane = await vscode.openView(ACCESS);
  for (let i = 0; i < 30; i++) {
    const collapsed = pane.locator('[role=treeitem][aria-expanded=false]');
    if (await collapsed.count() === 0) break;
    await collapsed.first().locator('.monaco-tl-twistie').click();
  }
  return vscode.treeRows(ACCESS);
}

const CASES = [
  // sg-dev-team is in sg-platform-readers: az is asked about both (no --include-groups for a group).
  { name: 'sg-dev-team', assignees: ['dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', '846caa2c-cbfd-418e-932d-e58ef179e80b'], group: true },
  { name: 'sandbox-ci', assignees: ['f47ab2d2-a7f4-4983-a3a3-f25dcd2fe2a9'], group: false },
  { name: 'id-sandbox-app', assignees: ['9b658117-0d7d-4028-8a46-e71dd70fda58'], group: false },
] as const;

const noAz = !inCI && !existsSync(REAL_AZ);

for (const c of CASES) {
  suite.test(`Check Access for ${c.name} shows what the real az lists for it`, async (t) => {
    if (noAz) { t.skip('azure-cli is not installed'); return; }
    const { vscode } = suite;
    await vscode.openContainer();
    // Only the Access view open, so its rows have the whole sidebar.
    const chainHeader = vscode.page.locator('[id="workbench.view.extension.azureDevAuth"] .pane-header[aria-label^="Credential Chain"]');
    if ((await chainHeader.getAttribute('aria-expanded')) === 'true') await chainHeader.click();
    await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Bob Platform', 90_000);
    const expected = await azRoles(c.assignees, c.group);
    assert.ok(expected.length > 0, `${c.name}: az lists no role, so the comparison could not fail`);
    try {
      const rows = await checkAccessFor(c.name);
      assert.match(rows[0]!.description, /read as bob@/);
      assert.deepEqual(viewRoles(rows), expected, `${c.name}: the Access view and az list different roles\n${JSON.stringify(rows.map((r) => [r.level, r.label, r.description]))}`);
    } finally {
      // Each principal is checked from bob's own access, whatever the last one found.
      await vscode.runCommand('Azure Dev Auth: Back to My Access');
      await vscode.waitForRows(ACCESS, (rs) => rs[0]?.label === 'Bob Platform', 90_000);
    }
  });
}
