// The Access view in a real VS Code as in a corporate network: no cloud setting (the default, Azure's public names),
// and the sandbox's printed environment, whose HTTPS_PROXY is the sandbox's egress proxy (the only way out), with its
// CA in NODE_EXTRA_CA_CERTS. Groups, roles and key vault insights must show by name, every ARM and Graph request
// having reached the public names through the proxy, none the loopback endpoints.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';

const ACCESS = 'Access';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-proxy-home-'));
  const account = sandbox.users.alice!;
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], {
    env: { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` }, encoding: 'utf8', timeout: 30_000,
  });
  // What the fake az's sign-in asked (on loopback, as that tool does) is not the view's.
  sandbox.control.clearLog();
  // The printed environment as it is: HTTPS_PROXY (the egress proxy), NO_PROXY (loopback only), NODE_EXTRA_CA_CERTS.
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  assert.ok(toolEnv.HTTPS_PROXY && toolEnv.NODE_EXTRA_CA_CERTS, 'the sandbox prints a proxy and a CA');
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    // No azureDevAuth.cloud: the default cloud. No http.* setting either: the environment's proxy is the one used.
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3' },
    viewport: { width: 1400, height: 1500 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const byLabel = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function childrenOf(rows: TreeRow[], label: string): TreeRow[] {
  const index = rows.findIndex((r) => r.label === label);
  assert.ok(index >= 0, `no row "${label}" in ${rows.map((r) => r.label).join(' | ')}`);
  const level = rows[index]!.level;
  const out: TreeRow[] = [];
  for (let i = index + 1; i < rows.length && rows[i]!.level > level; i++) if (rows[i]!.level === level + 1) out.push(rows[i]!);
  return out;
}

async function expand(label: string): Promise<void> {
  await suite.vscode.expandRow(ACCESS, label);
}

suite.test('default cloud through the egress proxy: groups, roles and the key vault insight by name', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  const chainHeader = vscode.page.locator('[id="workbench.view.extension.azureDevAuth"] .pane-header[aria-label^="Credential Chain"]');
  if ((await chainHeader.getAttribute('aria-expanded')) === 'true') await chainHeader.click();
  await vscode.openView(ACCESS);
  let rows = await vscode.waitForRows(ACCESS, (rs) => byLabel(rs, 'rg-app') !== undefined, 90_000);
  assert.equal(rows[0]!.label, 'Alice Developer');

  // Roles by name, with the group they come through by name.
  const rgApp = Object.fromEntries(childrenOf(rows, 'rg-app').map((r) => [r.label, r.description]));
  assert.equal(rgApp.Contributor, 'via group sg-dev-team');
  assert.equal(rgApp['User Access Administrator'], 'direct');
  for (const r of childrenOf(rows, 'rg-app')) assert.doesNotMatch(r.label, GUID, 'a role shows as a GUID');

  // Groups by name, the nested one too.
  await expand('Groups');
  rows = await vscode.waitForRows(ACCESS, (rs) => rs.some((r) => r.label === 'sg-platform-readers'));
  const groups = childrenOf(rows, 'Groups').map((r) => r.label);
  assert.ok(groups.includes('sg-dev-team') && groups.includes('sg-platform-readers'), groups.join(' | '));
  for (const g of groups) assert.doesNotMatch(g, GUID, 'a group shows as a GUID');

  // The key vault in access-policy mode: its insight by name.
  const vault = byLabel(rows, 'kv-sandbox-legacy: policies');
  assert.ok(vault, rows.map((r) => r.label).join(' | '));
  assert.match(await vscode.rowTooltip(ACCESS, vault.label), /secrets get, list/);

  // Every ARM and Graph request reached the public names through the proxy; none went to the loopback endpoints.
  const azure = sandbox.control.requestLog().filter((e) => e.route.startsWith('arm.') || e.route.startsWith('graph.'));
  assert.ok(azure.some((e) => e.host.startsWith('management.azure.com')) && azure.some((e) => e.host.startsWith('graph.microsoft.com')), azure.map((e) => `${e.host} ${e.route}`).join('\n'));
  assert.deepEqual(azure.filter((e) => !/^(management\.azure\.com|graph\.microsoft\.com)(:443)?$/.test(e.host)).map((e) => `${e.host} ${e.path}`), []);
});
