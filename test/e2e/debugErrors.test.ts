// Errors explained in a debug session, in a real VS Code against the sandbox. The debug adapter is VS Code's own
// JavaScript debugger (built in; the Python debugger cannot be installed here): its launch configuration runs a
// Node script that starts the real Python program (Debian 12's azure-identity) three times, and the debugger
// relays the program's output. Twice the program prints a DefaultAzureCredential failure, then a storage 403. The
// extension tells once per kind of error (two notifications, not three), each naming the session, and Explain
// opens the explanation with its fix.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';

const SESSION = 'Upload report';
let sandbox: Sandbox;
let home: string;

/** The app's upload script: azure-core's pipeline with DefaultAzureCredential, as an app without the storage SDK does. */
const UPLOAD = [
  'import os',
  'import sys',
  '',
  'from azure.core import PipelineClient',
  'from azure.core.exceptions import HttpResponseError',
  'from azure.core.pipeline.policies import BearerTokenCredentialPolicy',
  'from azure.core.rest import HttpRequest',
  'from azure.identity import DefaultAzureCredential',
  '',
  'account_url = os.environ.get("AZURE_STORAGE_ACCOUNT_URL", "https://stsandboxapp.blob.core.windows.net")',
  'credential = DefaultAzureCredential(exclude_cli_credential="--without-cli" in sys.argv)',
  'client = PipelineClient(account_url, policies=[BearerTokenCredentialPolicy(credential, "https://storage.azure.com/.default")])',
  'print("Uploading report.csv to", account_url)',
  'request = HttpRequest("PUT", f"{account_url}/uploads/report.csv", headers={"x-ms-blob-type": "BlockBlob", "x-ms-version": "2025-01-05"}, content=b"day,total\\n1,42\\n")',
  'response = client.send_request(request)',
  'if response.status_code >= 400:',
  '    raise HttpResponseError(response=response)',
  'print("uploaded", response.status_code)',
  '',
].join('\n');

/** What the launch configuration runs: the Python program, three times, its output relayed by the debugger. */
const RUNNER = [
  "const { spawnSync } = require('node:child_process');",
  "for (const args of [['--without-cli'], ['--without-cli'], []]) {",
  "  spawnSync('/usr/bin/python3', ['upload.py', ...args], { stdio: 'inherit', cwd: __dirname });",
  "  spawnSync('sleep', ['1']);",
  '}',
  "console.log('runner done');",
  '',
].join('\n');

const LAUNCH = JSON.stringify({
  version: '0.2.0',
  configurations: [{ type: 'node', request: 'launch', name: SESSION, program: '${workspaceFolder}/runner.js', console: 'internalConsole', outputCapture: 'std' }],
}, null, 2);

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox), 'debug.openDebug': 'neverOpen' },
    workspaceFiles: {
      '.env': 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\n', 'upload.py': UPLOAD, 'runner.js': RUNNER, '.vscode/launch.json': LAUNCH,
    },
    viewport: { width: 1600, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Every notification of this window (the Notification Center keeps those whose toast has gone). */
async function allNotifications(): Promise<string[]> {
  const { page } = suite.vscode;
  await suite.vscode.runCommand('Notifications: Show Notifications');
  const messages = page.locator('.notifications-center .notification-list-item-message');
  const texts = await messages.evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  await page.keyboard.press('Escape');
  return texts;
}

suite.test('a debugged program\'s Azure errors are told once per kind, and Explain opens the explanation', async () => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.openView('Access');
  await vscode.waitForRows('Access', (rows) => rows.some((r) => r.label === 'stsandboxapp: read only'), 90_000);

  await vscode.runCommand('Debug: Select and Start Debugging');
  await vscode.pickQuickItem(SESSION);
  await vscode.waitForNotification(new RegExp(`^${SESSION}: DefaultAzureCredential found no credential`), 90_000);
  // The 403 comes from the last of the three runs: by then the second failure has been read too.
  await vscode.waitForNotification(new RegExp(`^${SESSION}: alice@contososandbox\\.onmicrosoft\\.com \\(through Azure CLI\\) holds no data role`), 90_000);
  await vscode.screenshot('debug-errors-told');

  await vscode.clickNotificationButton(/^Upload report: alice.*holds no data role/, 'Explain');
  const explained = await vscode.waitForNotification(/^alice@contososandbox\.onmicrosoft\.com \(through Azure CLI\) holds no data role on storage account stsandboxapp/, 30_000);
  assert.match(explained, /AuthorizationPermissionMismatch/);
  assert.deepEqual(await vscode.notificationButtons(/^alice.*holds no data role/), ['Assign Storage Blob Data Contributor…', 'Show Access']);
  // The Access insight that accounts for it is revealed and selected.
  await vscode.page.locator('[role=tree][aria-label="Access"] [role=treeitem][aria-selected=true]', { hasText: 'stsandboxapp: read only' }).waitFor({ timeout: 20_000 });

  // The failure was printed twice and told once; the told 403 was dismissed by its Explain.
  const told = (await allNotifications()).filter((m) => m.startsWith(`${SESSION}: `));
  assert.equal(told.length, 1, `told: ${told.join(' | ')}`);
  assert.match(told[0]!, /^Upload report: DefaultAzureCredential found no credential/);
});
