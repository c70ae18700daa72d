// The network layer beside the roles, in a real VS Code against the sandbox tenant: the storage account alice may
// read sits behind a firewall (its virtual network and 3 IP ranges) and refuses account keys while the app's .env
// holds a connection string with one; the key vault the .env names takes no public traffic, only its private
// endpoint; the Service Bus namespace takes Microsoft Entra ID alone while .env holds its connection string with a key. Each is explained in the Access view at VS Code's default sidebar width, with the administrator request.
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
import type { TreeRow } from '../harness/vscode';

const ACCESS = 'Access';
const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    // The app's .env: a connection string with an account key for the storage account, and the vault's URL.
    workspaceFiles: {
      '.env': 'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=stsandboxapp;AccountKey=ZmFrZS1rZXktZm9yLXRoZS1zYW5kYm94;EndpointSuffix=core.windows.net"\n'
        + 'AZURE_KEY_VAULT_URL=https://kv-sandbox-app.vault.azure.net/\n'
        // A Service Bus connection string with its key, for a namespace that takes Microsoft Entra ID alone.
        + 'SERVICEBUS_CONNECTION_STRING=Endpoint=sb://sb-sandbox-app.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2Ita2V5LWZvci10aGUtc2FuZGJveA=\n',
    },
    viewport: { width: 1400, height: 1300 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const byLabel = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);

/** Drags the sash between the sidebar and the editor until the sidebar is `width` pixels wide, as a person would. */
async function sidebarWidth(width: number): Promise<void> {
  const { page } = suite.vscode;
  const box = await page.locator('.part.sidebar').boundingBox();
  assert.ok(box, 'the sidebar is open');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  const now = await page.locator('.part.sidebar').boundingBox();
  assert.ok(now && Math.abs(now.width - width) <= 2, `the sidebar is ${now?.width} pixels wide`);
}

/** Labels of visible sidebar rows whose text does not fit. */
async function truncatedLabels(): Promise<string[]> {
  return suite.vscode.page.evaluate(() => {
    const out: string[] = [];
    for (const row of document.querySelectorAll('.part.sidebar .monaco-list-row')) {
      const name = row.querySelector('.label-name');
      const container = row.querySelector('.monaco-icon-label-container');
      if (!name || !container) continue;
      const range = document.createRange();
      range.selectNodeContents(name);
      if (range.getBoundingClientRect().right > container.getBoundingClientRect().right + 0.5) out.push((name.textContent ?? '').trim());
    }
    return out;
  });
}

const FIREWALL = 'stsandboxapp: firewall';
const SHARED_KEY = 'stsandboxapp: no account keys';
const PRIVATE = 'kv-sandbox-app: private only';

suite.test('the storage account behind a firewall and the key vault behind its private endpoint, each explained', async (t) => {
  const { vscode } = suite;
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await vscode.openContainer();
  // Only the Access view open, so its rows have the whole sidebar.
  const chainHeader = vscode.page.locator('[id="workbench.view.extension.azureDevAuth"] .pane-header[aria-label^="Credential Chain"]');
  if ((await chainHeader.getAttribute('aria-expanded')) === 'true') await chainHeader.click();
  const rows = await vscode.waitForRows(ACCESS, (rs) => [FIREWALL, SHARED_KEY, PRIVATE].every((l) => byLabel(rs, l)), 90_000);
  assert.equal(rows[0]!.label, 'Alice Developer');
  assert.equal(byLabel(rows, FIREWALL)!.description, '403 from this machine');
  assert.equal(byLabel(rows, PRIVATE)!.description, '403 · private endpoint only');
  assert.equal(byLabel(rows, SHARED_KEY)!.description, '→ use the account URL with DefaultAzureCredential instead of AZURE_STORAGE_CONNECTION_STRING');

  // VS Code's default sidebar: the three labels are whole at 300 pixels.
  await sidebarWidth(300);
  const cut = await truncatedLabels();
  for (const label of [FIREWALL, SHARED_KEY, PRIVATE]) assert.ok(!cut.includes(label), `"${label}" is cut at 300 pixels (${cut.join(' | ')})`);
  t.diagnostic(`labels cut at 300 pixels: ${cut.join(' | ') || 'none'}`);
  await vscode.screenshot('network-layer-300');

  // alice holds Storage Blob Data Reader on the account: the roles allow reading, the firewall keeps her out.
  const firewall = await vscode.rowTooltip(ACCESS, FIREWALL);
  assert.match(firewall, /Roles allow reading blobs, but the account only accepts its virtual network and 3 IP ranges: requests from this machine get 403 \(AuthorizationFailure\)/);
  assert.match(firewall, /203\.0\.113\.0\/24, 198\.51\.100\.16\/28, 192\.0\.2\.44/);
  assert.match(firewall, /vnet-sandbox-app\/snet-app/);
  assert.match(firewall, /az storage account network-rule add --subscription adca4246-6e3e-4a79-a53f-26fe8244f8bc --resource-group rg-app --account-name stsandboxapp --ip-address MY_PUBLIC_IP/);

  // The vault .env names: no data role of hers reaches it, and it takes no public traffic at all.
  const closed = await vscode.rowTooltip(ACCESS, PRIVATE);
  assert.match(closed, /kv-sandbox-app has public network access disabled, reachable only through its private endpoint: requests from this machine get 403 \(ForbiddenByConnection\)/);
  assert.match(closed, /pe-kv-sandbox-app/);

  const sharedKey = await vscode.rowTooltip(ACCESS, SHARED_KEY);
  assert.match(sharedKey, /Shared key access is disabled on stsandboxapp, but AZURE_STORAGE_CONNECTION_STRING holds a connection string with an AccountKey/);
  assert.ok(!sharedKey.includes('ZmFrZS1rZXktZm9yLXRoZS1zYW5kYm94'), 'the account key is never shown');

  // Copy Administrator Request: the exact commands, for the administrator, with the placeholder to fill in.
  const copied = await vscode.clipboardAfter(() => vscode.rowContextMenu(ACCESS, PRIVATE, 'Copy Administrator Request'));
  assert.equal(copied, [
    `az keyvault update --subscription ${SUB} --resource-group rg-app --name kv-sandbox-app --public-network-access Enabled --default-action Deny`,
    `az keyvault network-rule add --subscription ${SUB} --resource-group rg-app --name kv-sandbox-app --ip-address MY_PUBLIC_IP`,
  ].join('\n'));
  await vscode.waitForNotification(/Copied the administrator request\. Replace MY_PUBLIC_IP with this machine's public address/);
  const storageRequest = await vscode.clipboardAfter(() => vscode.rowContextMenu(ACCESS, FIREWALL, 'Copy Administrator Request'));
  assert.equal(storageRequest, `az storage account network-rule add --subscription ${SUB} --resource-group rg-app --account-name stsandboxapp --ip-address MY_PUBLIC_IP`);
  assert.deepEqual(dialogs, [], 'no script ran');
});

suite.test('the Service Bus namespace that takes no keys while .env holds its connection string with one', async () => {
  const { vscode } = suite;
  const label = 'sb-sandbox-app: no access keys';
  const rows = await vscode.waitForRows(ACCESS, (rs) => Boolean(byLabel(rs, label)), 90_000);
  assert.equal(byLabel(rows, label)!.description, '→ connect with DefaultAzureCredential instead of SERVICEBUS_CONNECTION_STRING');
  const tooltip = await vscode.rowTooltip(ACCESS, label);
  assert.match(tooltip, /Local authentication is disabled on sb-sandbox-app, but SERVICEBUS_CONNECTION_STRING holds a connection string with a key/);
  assert.match(tooltip, /ServiceBusClient\("sb-sandbox-app\.servicebus\.windows\.net", credential\)/);
  assert.ok(!tooltip.includes('c2Ita2V5LWZvci10aGUtc2FuZGJveA'), 'the key is never shown');
  const copied = await vscode.clipboardAfter(() => vscode.rowContextMenu(ACCESS, label, 'Copy Administrator Request'));
  assert.equal(copied, `az resource update --ids /subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.ServiceBus/namespaces/sb-sandbox-app --set properties.disableLocalAuth=false`);
});
