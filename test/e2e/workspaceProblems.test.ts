// The Problems panel covers the whole workspace, in a real VS Code against the sandbox: a Python file that was never
// opened gets its problem (a retired azure-common factory); fixing the file on disk outside the editor clears it,
// deleting a file clears its problem, and a file created outside the editor gets its own. Files in a virtual
// environment, node_modules and a folder the user's search.exclude names are never reported, whatever they hold.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';

let sandbox: Sandbox;
let home: string;

const RETIRED = [
  'from azure.common.client_factory import get_client_from_cli_profile',
  'from azure.mgmt.compute import ComputeManagementClient',
  '',
  '',
  'def nightly():',
  '    compute = get_client_from_cli_profile(ComputeManagementClient)',
  '    return compute.virtual_machines.list_all()',
  '',
].join('\n');
const FIXED = [
  'import os',
  'from azure.identity import DefaultAzureCredential',
  'from azure.mgmt.compute import ComputeManagementClient',
  '',
  '',
  'def nightly():',
  '    compute = ComputeManagementClient(DefaultAzureCredential(), os.environ["AZURE_SUBSCRIPTION_ID"])',
  '    return compute.virtual_machines.list_all()',
  '',
].join('\n');
const TRACK1 = [
  'from azure.common.credentials import ServicePrincipalCredentials',
  '',
  'credentials = ServicePrincipalCredentials(client_id="app", secret="s", tenant="t")',
  '',
].join('\n');
const APP = 'from azure.identity import DefaultAzureCredential\n\ncredential = DefaultAzureCredential()\n';

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', 'search.exclude': { '**/generated': true }, ...sandboxAccessSettings(sandbox) },
    workspaceFiles: {
      'app.py': APP,
      'jobs/nightly.py': RETIRED,
      'jobs/legacy_auth.py': TRACK1,
      '.venv/lib/python3.11/site-packages/vendored/factory.py': RETIRED,
      'node_modules/pkg/scripts/factory.py': RETIRED,
      'generated/factory_client.py': RETIRED,
    },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The Problems panel's rows: files ("… in file nightly.py of folder jobs") and their problems. */
async function problems(): Promise<string[]> {
  return suite.vscode.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

async function waitForProblems(predicate: (entries: string[]) => boolean, timeoutMs = 90_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await problems();
    if (predicate(last)) return last;
    await suite.vscode.page.waitForTimeout(250);
  }
  assert.fail(`the Problems panel did not become as expected: ${JSON.stringify(last)}`);
}

async function showProblems(): Promise<void> {
  const { page } = suite.vscode;
  if (await page.locator('.markers-panel').isVisible().catch(() => false)) return;
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
}

const inFile = (entries: string[], name: string) => entries.some((e) => new RegExp(`in file ${name.replace(/\./g, '\\.')}\\b`).test(e));
const retired = (entries: string[]) => entries.some((e) => e.includes('get_client_from_cli_profile (azure-common) is retired'));
const track1 = (entries: string[]) => entries.some((e) => e.includes('ServicePrincipalCredentials (azure) is a track-1 credential'));

suite.test('a file never opened gets its problem; fixed on disk, deleted or created outside the editor, the panel follows; excluded folders never show', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await showProblems();
  const found = await waitForProblems((e) => inFile(e, 'nightly.py') && retired(e) && inFile(e, 'legacy_auth.py') && track1(e));
  // Neither file was opened: no editor tab shows them.
  assert.equal(await vscode.page.locator('.tabs-container .tab', { hasText: /nightly\.py|legacy_auth\.py/ }).count(), 0);
  await vscode.screenshot('workspace-problems');
  for (const excluded of ['factory.py', 'factory_client.py']) assert.ok(!inFile(found, excluded), `${excluded} is in an excluded folder: ${JSON.stringify(found)}`);

  // The developer fixes the job in another editor (or git pulls the fix): the file changes on disk only.
  writeFileSync(join(vscode.workspace, 'jobs', 'nightly.py'), FIXED);
  await waitForProblems((e) => !inFile(e, 'nightly.py') && !retired(e) && track1(e));

  // A file deleted outside the editor takes its problem with it.
  rmSync(join(vscode.workspace, 'jobs', 'legacy_auth.py'));
  await waitForProblems((e) => !inFile(e, 'legacy_auth.py') && !track1(e));

  // A file created outside the editor is read; one created in an excluded folder is not.
  mkdirSync(join(vscode.workspace, 'tools'), { recursive: true });
  writeFileSync(join(vscode.workspace, 'node_modules', 'pkg', 'scripts', 'more.py'), RETIRED);
  writeFileSync(join(vscode.workspace, 'tools', 'report.py'), RETIRED);
  const last = await waitForProblems((e) => inFile(e, 'report.py') && retired(e));
  assert.ok(!inFile(last, 'more.py') && !inFile(last, 'factory.py') && !inFile(last, 'factory_client.py'), JSON.stringify(last));
});
