// AZURE_AUTH_LOCATION in a real VS Code: the chain view says DefaultAzureCredential ignores the old JSON auth file,
// and "Move AZURE_AUTH_LOCATION Values into .env…" puts its service principal into the workspace .env (other lines
// kept, the file itself untouched), after which the chain shows EnvironmentCredential active as that app. The secret
// appears nowhere but in .env.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
const ENV_BEFORE = '# storage for the app\nAZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\r\nexport DEBUG=1';
let sandbox: Sandbox;
let home: string;
let authFile: string;
let authFileText: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const sp = sandbox.servicePrincipal;
  authFile = join(home, 'sdk-auth.json');
  authFileText = JSON.stringify({
    clientId: sp.clientId, clientSecret: sp.clientSecret, subscriptionId: 'adca4246-6e3e-4a79-a53f-26fe8244f8bc', tenantId: sandbox.tenantId,
    activeDirectoryEndpointUrl: 'https://login.microsoftonline.com', resourceManagerEndpointUrl: 'https://management.azure.com/',
  }, null, 2);
  writeFileSync(authFile, authFileText, { mode: 0o600 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none'), AZURE_AUTH_LOCATION: authFile },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3' },
    workspaceFiles: { '.env': ENV_BEFORE },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);

function logFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => (e.isDirectory() ? logFiles(join(dir, e.name)) : e.name.endsWith('.log') ? [join(dir, e.name)] : []));
}

suite.test('the chain view notes that AZURE_AUTH_LOCATION is ignored; moving it into .env makes Environment the active source', async () => {
  const { vscode } = suite;
  const sp = sandbox.servicePrincipal;
  let rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'AZURE_AUTH_LOCATION is set') !== undefined, 60_000);
  assert.equal(row(rows, 'AZURE_AUTH_LOCATION is set')!.description, 'DefaultAzureCredential ignores it');
  assert.notEqual(row(rows, 'Environment')?.description, `app ${sp.clientId.slice(0, 8)}… · active`);
  assert.match(await vscode.rowTooltip(CHAIN, 'AZURE_AUTH_LOCATION is set'), /only the retired get_client_from_auth_file read that JSON file/);

  await vscode.rowContextMenu(CHAIN, 'AZURE_AUTH_LOCATION is set', 'Move AZURE_AUTH_LOCATION Values into .env…');
  const dialog = await vscode.dialog();
  assert.equal(dialog.message, `Put the service principal of ${authFile} into workspace's .env?`);
  assert.match(dialog.detail, new RegExp(`AZURE_CLIENT_ID ${sp.clientId} and AZURE_TENANT_ID ${sandbox.tenantId}`));
  assert.doesNotMatch(dialog.detail, new RegExp(sp.clientSecret));
  await vscode.clickDialogButton('Move into .env');
  await vscode.waitForNotification(/Wrote AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET to \.env\./);

  const env = readFileSync(join(vscode.workspace, '.env'), 'utf8');
  assert.ok(env.startsWith(`${ENV_BEFORE}\r\n`), 'the lines before are kept byte for byte (CRLF file: CRLF lines)');
  assert.match(env, new RegExp(`AZURE_CLIENT_ID='?${sp.clientId}'?\\r\\n`));
  assert.match(env, new RegExp(`AZURE_TENANT_ID='?${sandbox.tenantId}'?\\r\\n`));
  assert.ok(env.includes(sp.clientSecret), 'the secret is in .env');
  assert.equal(readFileSync(authFile, 'utf8'), authFileText, 'the auth file is left as it was');

  // The chain reads the new .env by itself (its file watcher): Environment is active as the app.
  rows = await vscode.waitForRows(CHAIN, (rs) => /^app 65b3768b… · active$/.test(row(rs, 'Environment')?.description ?? ''), 60_000);
  assert.ok(row(rows, 'Environment')!.icons.includes('pass-filled'));
  const log = logFiles(join(dirname(vscode.workspace), 'user-data', 'logs')).map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.match(log, /Moved the client id, tenant and secret of the AZURE_AUTH_LOCATION file into/);
  assert.doesNotMatch(log, new RegExp(sp.clientSecret), 'the secret is never logged');
});
