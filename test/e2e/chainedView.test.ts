// A ChainedTokenCredential of explicit credentials, in a real VS Code against the sandbox: the Credential Chain view
// shows its members as rows in the order the code writes them and names the call, the lens above it names the winner,
// and editing the call (reversing the order, adding a member) changes the rows with no setting touched. A
// DefaultAzureCredential setting that excludes az is said not to apply, and az still gives the token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
const SOURCES = new Set(['Environment', 'Azure CLI', 'Azure Developer CLI', 'Managed Identity', 'Workload Identity', 'Azure PowerShell',
  'Shared Token Cache', 'Visual Studio Code', 'Interactive Browser', 'Broker']);
let sandbox: Sandbox;
let home: string;

async function az(args: string[]): Promise<void> {
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), args, { env, timeout: 30_000 });
}

const IMPORTS = 'from azure.identity import AzureCliCredential, AzureDeveloperCliCredential, ChainedTokenCredential, EnvironmentCredential\n\n';
const app = (members: string) => `${IMPORTS}credential = ChainedTokenCredential(${members})\n`;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  await az(['login', '--username', alice.upn, '--password', alice.password]);
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: {
      'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox),
      // DefaultAzureCredential's keyword as a setting: a ChainedTokenCredential has no such keyword.
      'azureDevAuth.defaultAzureCredential.excludeAzureCliCredential': true,
    },
    workspaceFiles: { 'app.py': app('EnvironmentCredential(), AzureCliCredential()') },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);
const sourceLabels = (rows: TreeRow[]) => rows.filter((r) => SOURCES.has(r.label)).map((r) => r.label);
const settled = (rows: TreeRow[]) => rows.length > 0 && !rows.some((r) => r.description.startsWith('check'));

async function waitForLens(predicate: (texts: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await suite.vscode.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration').allInnerTexts();
    if (predicate(last)) return last;
    await suite.vscode.page.waitForTimeout(250);
  }
  assert.fail(`the lenses did not become as expected: ${JSON.stringify(last)}`);
}

suite.test('the view models the ChainedTokenCredential in its order and names it; the lens names the winner', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openFile('app.py');
  const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, 'Azure CLI')?.description === 'alice · active' && row(rs, 'ChainedTokenCredential at app.py:3') !== undefined, 60_000);
  assert.deepEqual(sourceLabels(rows), ['Environment', 'Azure CLI'], 'only the members, in the order written');
  assert.equal(row(rows, 'Environment')?.description, 'unavailable');
  assert.equal(row(rows, 'ChainedTokenCredential at app.py:3')?.description, '2 members, in the order written');
  // The setting that would exclude az from DefaultAzureCredential is named, not applied.
  assert.equal(row(rows, 'Settings not applied: excludeAzureCliCredential')?.description, 'ChainedTokenCredential has no such keywords');
  const [lens] = await waitForLens((t) => t.some((l) => l.startsWith('→ alice through Azure CLI')));
  assert.match(lens!, /^→ alice through Azure CLI · tenant [0-9a-f-]{36}$/);
});

suite.test('editing the call changes the rows with no setting touched: reversed order, then one member more', async () => {
  const { vscode } = suite;
  await vscode.openFile('app.py');
  writeFileSync(join(vscode.workspace, 'app.py'), app('AzureCliCredential(), EnvironmentCredential()'));
  let rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && sourceLabels(rs)[0] === 'Azure CLI', 60_000);
  assert.deepEqual(sourceLabels(rows), ['Azure CLI', 'Environment']);
  assert.equal(row(rows, 'Azure CLI')?.description, 'alice · active');
  assert.equal(row(rows, 'Environment')?.description, 'not reached');

  writeFileSync(join(vscode.workspace, 'app.py'), app('EnvironmentCredential(), AzureDeveloperCliCredential(), AzureCliCredential()'));
  rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && sourceLabels(rs).length === 3 && row(rs, 'Azure CLI')?.description === 'alice · active', 60_000);
  assert.deepEqual(sourceLabels(rows), ['Environment', 'Azure Developer CLI', 'Azure CLI']);
  assert.equal(row(rows, 'ChainedTokenCredential at app.py:3')?.description, '3 members, in the order written');
  await waitForLens((t) => t.length === 1 && t[0]!.startsWith('→ alice through Azure CLI'));
});

suite.test('Verify with Python builds the same ChainedTokenCredential with the real library, and agrees', async () => {
  const { vscode } = suite;
  await vscode.openFile('app.py');
  writeFileSync(join(vscode.workspace, 'app.py'), app('AzureCliCredential(), EnvironmentCredential()'));
  await vscode.waitForRows(CHAIN, (rs) => settled(rs) && sourceLabels(rs).join() === 'Azure CLI,Environment' && row(rs, 'Azure CLI')?.description === 'alice · active', 60_000);
  await vscode.runCommand('Azure Dev Auth: Verify with Python');
  // DefaultAzureCredential would have tried Environment, Managed Identity and more before az: Python would disagree.
  const message = await vscode.waitForNotification(/Python agrees/, 60_000);
  assert.match(message, /the ChainedTokenCredential at app\.py:3 gets its token from Azure CLI \(azure-identity 1\.13\.0b2\)/);
  await vscode.waitForRows(CHAIN, (rs) => rs.some((r) => r.label === 'Python agrees'), 10_000);
  assert.match(await vscode.rowTooltip(CHAIN, 'Python agrees'), /the real ChainedTokenCredential, built with these members/);
});

// A credential built on its own, as code often passes one to a client: the lens above it says who it signs in as, the
// view models it alone (not DefaultAzureCredential's chain, not the setting that excludes az), Verify with Python builds
// it alone and agrees, and after `az logout` outside VS Code the lens says what its get_token raises.
const loneApp = [
  'from azure.identity import AzureCliCredential',
  'from azure.storage.blob import BlobServiceClient',
  '',
  'service = BlobServiceClient("https://stsandboxapp.blob.core.windows.net", credential=AzureCliCredential())',
  '',
].join('\n');

suite.test('a credential given to a client on its own: its lens and row; Verify agrees; az logout makes the lens say what it raises', async () => {
  const { vscode } = suite;
  await vscode.openFile('app.py');
  writeFileSync(join(vscode.workspace, 'app.py'), loneApp);
  const call = 'AzureCliCredential() at app.py:4';
  const rows = await vscode.waitForRows(CHAIN, (rs) => settled(rs) && row(rs, call) !== undefined && row(rs, 'Azure CLI')?.description === 'alice · active', 60_000);
  assert.equal(row(rows, call)?.description, 'built on its own');
  assert.deepEqual(sourceLabels(rows), ['Azure CLI'], 'the one credential the code builds');
  assert.equal(row(rows, 'Settings not applied: excludeAzureCliCredential')?.description, 'AzureCliCredential has no such keywords');
  const [lens] = await waitForLens((t) => t.length === 1 && t[0]!.startsWith('→ alice through Azure CLI'));
  assert.match(lens!, /^→ alice through Azure CLI · tenant [0-9a-f-]{36}$/);

  await vscode.runCommand('Azure Dev Auth: Verify with Python');
  // (The earlier test's notification about the ChainedTokenCredential may still be shown.)
  const message = await vscode.waitForNotification(/Python agrees: the AzureCliCredential at/, 60_000);
  assert.match(message, /the AzureCliCredential at app\.py:4 gets its token \(azure-identity 1\.13\.0b2\)/);

  await az(['logout']);
  const [after] = await waitForLens((t) => t.length === 1 && t[0]!.includes('raises'));
  assert.match(after!, /AzureCliCredential\.get_token raises CredentialUnavailableError: Please run 'az login'/);
  assert.doesNotMatch(after!, /ChainedTokenCredential|DefaultAzureCredential/);
  await vscode.screenshot('lone-credential-lens');
});
