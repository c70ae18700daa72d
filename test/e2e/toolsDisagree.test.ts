// Tools that disagree, in a real VS Code against the sandbox: az signed in as alice and Azure PowerShell as bob
// (the fake tools of the sandbox), with Debian sid's azure-identity 1.26.0b3, which accepts a credential's name in
// AZURE_TOKEN_CREDENTIALS. The chain view's header says az wins and PowerShell is bob; its quick fix pins az in .env
// through the .env writer, and the chain then uses az alone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
let sandbox: Sandbox;
let home: string;

async function tool(name: string, args: string[], extra: Record<string, string> = {}): Promise<string> {
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}`, ...extra };
  const { stdout } = await promisify(execFile)(join(sandbox.toolsBinDir, name), args, { env, encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const envs = await ensurePythonAzureIdentityEnvs();
  const sid = envs.debiansid;
  if (sid.problem || !sid.azureIdentityVersion) throw new Error(`Debian sid's azure-identity is needed: ${sid.problem ?? 'not installed'}`);
  const alice = sandbox.users.alice!;
  const bob = sandbox.users.bob!;
  await tool('az', ['login', '--username', alice.upn, '--password', alice.password]);
  await tool('pwsh', ['-Command', `Connect-AzAccount -AccountId ${bob.upn}`], { AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD: bob.password });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none'), ...sid.env },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': sid.python },
    workspaceFiles: { 'app.py': 'print("hello")\n' },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const disagreement = (rows: TreeRow[]): TreeRow | undefined => rows.find((r) => r.label.startsWith('Tools disagree'));

suite.test('az as alice and Azure PowerShell as bob: the header says az wins and who PowerShell is', async () => {
  const { vscode } = suite;
  const rows = await vscode.waitForRows(CHAIN, (rs) => disagreement(rs) !== undefined, 90_000);
  const header = disagreement(rows)!;
  assert.equal(header.label, 'Tools disagree: Python uses alice (Azure CLI)');
  assert.equal(header.description, 'Azure PowerShell: bob');
  // The header sits above the sources; the sources say the same thing row by row.
  assert.ok(rows.indexOf(header) < rows.findIndex((r) => r.label === 'Environment'));
  assert.equal(row(rows, 'Azure CLI')!.description, 'alice · active');
  assert.match(row(rows, 'Azure PowerShell')!.description, /bob/);
  const tooltip = await vscode.rowTooltip(CHAIN, header.label);
  assert.match(tooltip, /Azure CLI comes first with a token, so your code signs in as alice@/);
  assert.match(tooltip, /Azure PowerShell: bob@\S+ .* another user; used only if the ones before it are gone/);
  assert.match(tooltip, /Pin Azure CLI in \.env \(AZURE_TOKEN_CREDENTIALS=AzureCliCredential\)/);
  await vscode.screenshot('tools-disagree');
});

suite.test('its quick fix pins az in .env through the .env writer; the chain then uses az alone and the header is gone', async () => {
  const { vscode } = suite;
  const envFile = join(vscode.workspace, '.env');
  assert.equal(existsSync(envFile), false);
  const pane = await vscode.openView(CHAIN);
  await pane.locator(`[role=tree][aria-label="${CHAIN}"] [role=treeitem]`).filter({ hasText: 'Tools disagree' }).first().click();
  const items = await vscode.quickPickItems();
  assert.deepEqual(items, ['Pin Azure CLI in .env (AZURE_TOKEN_CREDENTIALS=AzureCliCredential)', 'Sign In to Azure PowerShell Again']);
  await vscode.pickQuickItem('Pin Azure CLI in .env (AZURE_TOKEN_CREDENTIALS=AzureCliCredential)');
  await vscode.waitForNotification(/Wrote AZURE_TOKEN_CREDENTIALS to \.env/);
  // The writer single-quotes every value (python-dotenv reads it unquoted).
  assert.equal(readFileSync(envFile, 'utf8'), "AZURE_TOKEN_CREDENTIALS='AzureCliCredential'\n");
  const rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure PowerShell')?.description === 'excluded' && !disagreement(rs), 30_000);
  assert.equal(row(rows, 'Azure CLI')!.description, 'alice · active');
  assert.equal(row(rows, 'Visual Studio Code')!.description, 'excluded');
});

suite.test('"Sign In to Azure PowerShell Again" is offered from the context menu as well, and runs that source\'s sign-in', async () => {
  const { vscode } = suite;
  // Back to the disagreement: without the pin, PowerShell is probed again.
  rmSync(join(vscode.workspace, '.env'));
  await vscode.waitForRows(CHAIN, (rs) => disagreement(rs) !== undefined, 30_000);
  const connects = () => sandbox.control.toolInvocations().filter((i) => i.tool === 'pwsh' && i.argv.join(' ').includes('Connect-AzAccount')).length;
  const before = connects();
  await vscode.rowContextMenu(CHAIN, 'Tools disagree: Python uses alice (Azure CLI)', 'Resolve Tools That Disagree…');
  await vscode.pickQuickItem('Sign In to Azure PowerShell Again');
  // The existing sign-in of that source: Connect-AzAccount in the sign-in terminal.
  const deadline = Date.now() + 30_000;
  while (connects() === before && Date.now() < deadline) await vscode.page.waitForTimeout(200);
  assert.ok(connects() > before, 'Connect-AzAccount ran');
});
