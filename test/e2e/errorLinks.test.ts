// Errors explained where they appear, in a real VS Code against the sandbox: a Python program run in the integrated
// terminal (the real azure-identity, through the sandbox's egress proxy) prints a DefaultAzureCredential failure
// and then a storage 403 from https://stsandboxapp.blob.core.windows.net; a Ctrl+click on each opens its
// explanation: the chain for the first, the Access insight and Assign Role… prefilled with Storage Blob Data
// Contributor, stsandboxapp and alice for the second.
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

const ACCESS = 'Access';
const STORAGE_INSIGHT = 'stsandboxapp: read only';
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

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: {
      'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox),
      // The DOM renderer: the terminal's text is in the page, where a person's pointer finds it.
      'terminal.integrated.gpuAcceleration': 'off',
    },
    workspaceFiles: { '.env': 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\n', 'upload.py': UPLOAD },
    viewport: { width: 1600, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Waits until a terminal row shows `text`. */
async function waitForTerminalText(text: string, timeoutMs = 90_000): Promise<void> {
  await suite.vscode.page.locator('.terminal .xterm-rows > div', { hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Ctrl+clicks the text in the terminal (`at` characters into it), as a person opens a terminal link: the pointer rests on it first. */
async function ctrlClickTerminalText(text: string, at = 2): Promise<void> {
  const { page } = suite.vscode;
  const row = page.locator('.terminal .xterm-rows > div', { hasText: text }).last();
  await row.waitFor({ state: 'visible' });
  // Where the text's character `at` is drawn: a range over the row's text nodes (the DOM renderer's spans).
  const point = await row.evaluate((el, [wanted, into]) => {
    const index = (el.textContent ?? '').indexOf(wanted);
    if (index < 0) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let offset = index + into;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent?.length ?? 0;
      if (offset < length) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
      offset -= length;
    }
    return null;
  }, [text, at] as const);
  assert.ok(point, `a terminal row shows ${text}`);
  const { x, y } = point;
  await page.mouse.move(x, y);
  await page.mouse.move(x + 1, y);
  // The link is there once its hover says how to follow it.
  await page.getByText('ctrl + click').first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.down('Control');
  await page.mouse.click(x + 1, y);
  await page.keyboard.up('Control');
}

/** Follows the terminal link on `text` until the notification `pattern` shows (a person clicks again when nothing happens). */
async function followLink(text: string, at: number, pattern: RegExp): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    await ctrlClickTerminalText(text, at);
    try {
      return await suite.vscode.waitForNotification(pattern, 10_000);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function runInTerminal(command: string): Promise<void> {
  const { page } = suite.vscode;
  await page.locator('.terminal .xterm-helper-textarea').first().focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

suite.test('the terminal\'s DefaultAzureCredential failure and storage 403 open their explanations; the 403\'s fix is the prefilled role wizard', async () => {
  const { vscode } = suite;
  // The Access view knows what alice may do with the account the workspace names.
  await vscode.openContainer();
  await vscode.openView(ACCESS);
  await vscode.waitForRows(ACCESS, (rows) => rows.some((r) => r.label === STORAGE_INSIGHT), 90_000);

  await vscode.runCommand('Terminal: Create New Terminal');
  await vscode.page.locator('.terminal .xterm-rows').first().waitFor({ state: 'visible', timeout: 30_000 });
  await runInTerminal('clear; /usr/bin/python3 upload.py --without-cli');
  await waitForTerminalText('DefaultAzureCredential failed to retrieve a token');
  const failure = await followLink('DefaultAzureCredential failed to retrieve a token', 2, /found no credential that gives a token/);
  assert.match(failure, /^DefaultAzureCredential found no credential that gives a token\. When the program ran, no source gave a token\. The Credential Chain now finds one: Azure CLI/);
  assert.deepEqual(await vscode.notificationButtons(/found no credential/), ['Sign In…', 'Show Chain']);
  // The explanation revealed the chain's answer: Azure CLI's row, selected.
  await vscode.page.locator('[role=tree][aria-label="Credential Chain"] [role=treeitem][aria-selected=true]', { hasText: 'Azure CLI' }).waitFor({ timeout: 20_000 });
  await vscode.screenshot('error-links-chain-failure');
  await vscode.page.keyboard.press('Escape');

  await runInTerminal('clear; /usr/bin/python3 upload.py');
  await waitForTerminalText('AuthorizationPermissionMismatch');
  // azure-core's line with storage's message, which the terminal wraps: its first row holds the link's start.
  const forbidden = await followLink("invalid status 'This request is not authorized to perform", 18, /holds no data role/);
  assert.match(forbidden, /^alice@contososandbox\.onmicrosoft\.com \(through Azure CLI\) holds no data role on storage account stsandboxapp\. Storage accepted the token but refused the operation \(AuthorizationPermissionMismatch\)/);
  assert.match(forbidden, /The Access view agrees: stsandboxapp \(named in the workspace\): read yes, write no/);
  assert.deepEqual(await vscode.notificationButtons(/holds no data role/), ['Assign Storage Blob Data Contributor…', 'Show Access']);
  // The Access insight that accounts for it is revealed and selected.
  await vscode.page.locator('[role=tree][aria-label="Access"] [role=treeitem][aria-selected=true]', { hasText: STORAGE_INSIGHT }).waitFor({ timeout: 20_000 });
  await vscode.screenshot('error-links-storage-403');

  await vscode.clickNotificationButton(/holds no data role/, 'Assign Storage Blob Data Contributor…');
  const frame = vscode.webviewFrame();
  await frame.locator('h1', { hasText: 'Assign Role' }).waitFor({ timeout: 30_000 });
  // Who, where and which role come prefilled: the role step, with the role chosen, for alice on stsandboxapp.
  const chosen = frame.getByRole('list', { name: 'Roles' }).locator('input[data-key^="role-"]:checked');
  await chosen.waitFor({ timeout: 30_000 });
  assert.match(await chosen.locator('xpath=ancestor::li[1]').innerText(), /^Storage Blob Data Contributor/);
  await frame.locator('#next-2').click();
  const bash = await frame.locator('pre[aria-label="bash commands"]').innerText();
  assert.match(bash, /--assignee-principal-type User/);
  assert.match(bash, /--scope \/subscriptions\/adca4246-6e3e-4a79-a53f-26fe8244f8bc\/resourceGroups\/rg-app\/providers\/Microsoft\.Storage\/storageAccounts\/stsandboxapp/);
  assert.match(bash, /--role 'Storage Blob Data Contributor'/);
  await vscode.screenshot('error-links-role-wizard');
});

suite.test('a credential built on its own raises its own error in the terminal; its link opens that source\'s row', async () => {
  const { vscode } = suite;
  await closeAllEditors();
  await vscode.page.locator('.terminal .xterm-rows').first().waitFor({ state: 'visible', timeout: 30_000 });
  // az with a profile folder of its own, where nobody signed in: AzureCliCredential raises CredentialUnavailableError.
  await runInTerminal('clear; AZURE_CONFIG_DIR=$(mktemp -d) /usr/bin/python3 -c "from azure.identity import AzureCliCredential; AzureCliCredential().get_token(\'https://storage.azure.com/.default\')"');
  await waitForTerminalText("CredentialUnavailableError: Please run 'az login'");
  const said = await followLink('CredentialUnavailableError', 4, /This is what Azure CLI said/);
  assert.match(said, /^Azure CLI: Please run 'az login' to set up an account/);
  assert.deepEqual(await vscode.notificationButtons(/This is what Azure CLI said/), ['Sign In with Azure CLI', 'Show Chain']);
  await vscode.page.locator('[role=tree][aria-label="Credential Chain"] [role=treeitem][aria-selected=true]', { hasText: 'Azure CLI' }).waitFor({ timeout: 20_000 });
});

async function closeAllEditors(): Promise<void> {
  await suite.vscode.runCommand('View: Close All Editors');
}
