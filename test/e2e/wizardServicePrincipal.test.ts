// "Service principal for local development" on the Sign In page, in a real VS Code against the sandbox, as alice
// signed in to the fake az: create one (the sandbox holds the app, its service principal and exactly one secret; it
// joins the folder's local-development group), written to a .env whose other lines (comments, a CRLF line,
// `export X=1`) stay byte for byte and that git then ignores; the chain shows EnvironmentCredential active as the app
// and Verify with Python agrees; rotate (no question asked, the old secret refused with AADSTS7000215); delete (modal,
// the three lines taken out again); an existing service principal whose secret is typed into VS Code's password box;
// a tenant that restricts app registration (the explanation and the administrator request). Canary: no secret the
// sandbox issued appears in the logs, settings, the instance's files, the browser's storage, the page or the clipboard.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import { defaultSeed, startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server';
import { daysFromToday } from '../../src/webview/protocol';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow, VSCodeSession } from '../harness/vscode';
import { clientCredentialsToken, sandboxFetch, type HttpsResult } from '../integration/helpers/sandbox';
import { assertAccessible, contentFrame, fieldValue, openWizard } from './wizardHelpers';

const TITLE = 'Sign In…';
const CHAIN = 'Credential Chain';
const APP_NAME = 'workspace-local-dev-alice';
const GROUP = { key: 'workspace-local-dev', objectId: '3f1c2b7e-8d4a-4f6b-9c2e-5a7d1e0b4c93', displayName: 'workspace-local-dev' };
/** Comments, a CRLF line, `export X=1`, a blank line: all of it must survive every write byte for byte. */
const ENV_BEFORE = '# local settings for the app\nexport X=1\r\nSTORAGE_URL=https://stsandboxapp.blob.core.windows.net # blob\n\n# end of the shared part\n';
let sandbox: Sandbox;
let home: string;
/** Every client secret the sandbox issued or the test typed, for the canary. */
const secrets: string[] = [];
let created: { appId: string; appObjectId: string; keyId: string; secret: string } | undefined;

/** The default tenant plus the folder's local-development group, owned by alice so that she may add members. */
function seed(): SandboxSeed {
  const s = defaultSeed();
  s.groups.push({ ...GROUP, mailNickname: GROUP.key, description: 'Developers of workspace who run it locally', members: [], owners: ['alice'] });
  return s;
}

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox({ seed: seed() });
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const alice = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', alice.upn, '--password', alice.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { '.env': ENV_BEFORE, 'app.py': 'print("hello")\n' },
    viewport: { width: 1400, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const envText = (vscode: VSCodeSession): string => readFileSync(join(vscode.workspace, '.env'), 'utf8');
const envLines = (appId: string, secret: string): string => `AZURE_CLIENT_ID='${appId}'\r\nAZURE_TENANT_ID='${sandbox.tenantId}'\r\nAZURE_CLIENT_SECRET='${secret}'\r\n`;

async function graph(path: string): Promise<HttpsResult> {
  const token = await clientCredentialsToken(sandbox, 'https://graph.microsoft.com/.default');
  const res = await sandboxFetch(sandbox, 'GET', `${sandbox.graph}/v1.0${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, res.text);
  return res;
}

async function appsNamed(name: string): Promise<{ id: string; appId: string; passwordCredentials: { keyId: string }[] }[]> {
  return ((await graph(`/applications?$filter=${encodeURIComponent(`displayName eq '${name}'`)}`)).json as { value: never[] }).value;
}

async function servicePrincipalsOf(appId: string): Promise<{ id: string }[]> {
  return ((await graph(`/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`)).json as { value: never[] }).value;
}

function clientCredentials(clientId: string, secret: string): Promise<HttpsResult> {
  return sandboxFetch(sandbox, 'POST', `${sandbox.url}/${sandbox.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://management.azure.com/.default' },
  });
}

/** The page's text and markup, and the workbench's around it (what a screenshot shows and more). */
async function pageSource(vscode: VSCodeSession): Promise<string> {
  const frame = await contentFrame(vscode);
  return `${await frame.content()}\n${await frame.evaluate(() => document.body.innerText)}\n${await vscode.page.content()}`;
}

function assertNoSecret(where: string, text: string | Buffer): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `a client secret appears in ${where}`);
}

/** Every regular file under `dir`, links not followed. */
function filesUnder(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path);
    return e.isFile() ? [path] : [];
  });
}

// A running VS Code removes its own lock and journal files at any moment, so a file listed a moment ago may be gone
// when read; what is gone held nothing to find.
function readIfPresent(file: string): Buffer {
  try { return readFileSync(file); } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

function regularFilesUnder(root: string, except: string): string[] {
  return filesUnder(root).filter((f) => {
    if (f === except) return false;
    try { return !lstatSync(f).isSymbolicLink(); } catch { return false; }
  });
}

suite.test('create: the app, its service principal and one secret; .env gets three lines and is git-ignored; the chain and Python agree', async () => {
  const { vscode } = suite;
  execFileSync('git', ['init', '-q'], { cwd: vscode.workspace, timeout: 10_000 });
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#sp-actor', { hasText: 'through Azure CLI' }).waitFor({ timeout: 60_000 });
  await frame.locator('#sp-chain-place', { hasText: 'EnvironmentCredential is number 1 in the chain of azure-identity 1.13.0b2' }).waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#sp-intro').innerText(), /AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET/);
  assert.equal(await fieldValue(frame, 'sp-name'), APP_NAME);
  assert.equal(await frame.locator('#sp-end-90').isChecked(), true, '90 days by default');
  assert.equal(await frame.locator('#sp-end-date').inputValue(), daysFromToday(90));
  const bash = await frame.locator('#sp-create-cmds-bash').innerText();
  assert.match(bash, new RegExp(`^az ad app create \\\\\n {2}--display-name ${APP_NAME} \\\\\n {2}--sign-in-audience AzureADMyOrg`));
  assert.match(bash, new RegExp(`az ad app credential reset \\\\\n {2}--id '<app-id>' \\\\\n {2}--end-date ${daysFromToday(90)} \\\\\n {2}--append`));
  assert.match(await frame.locator('#sp-create-cmds').innerText(), /prints the secret once .* never paste it anywhere else/);

  // Never beyond two years: the page refuses the date before anything is sent.
  await frame.locator('#sp-end-date').fill(daysFromToday(800));
  await frame.locator('#sp-end-problem .problem', { hasText: 'at most two years' }).waitFor();
  assert.equal(await frame.locator('#sp-create').getAttribute('disabled'), '');
  await frame.locator('#sp-end-180').check();
  assert.equal(await frame.locator('#sp-end-date').inputValue(), daysFromToday(180));
  await frame.locator('#sp-end-90').check();
  // The folder's group exists, so joining it is offered (and not chosen unless asked for).
  const joinGroup = frame.locator('#sp-join-group');
  assert.equal(await joinGroup.isChecked(), false);
  await joinGroup.check();
  await frame.locator('#sp-create-cmds-bash', { hasText: 'az ad group member add' }).waitFor();
  await assertAccessible(vscode, 'service principal (create)');

  await frame.locator('#sp-create:not([disabled])').click();
  // The workspace's .env was readable by everyone (0644): it now holds a secret, so it is made owner-only, and said.
  await vscode.waitForNotification(/^Wrote AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET to \.env, and added \.env to \.gitignore\. \.env was readable by others \(mode 644\); it now holds a secret, so it is readable by you only \(mode 600\)\.$/, 60_000);
  await frame.locator('#sp-created').waitFor({ timeout: 30_000 });
  assert.equal(statSync(join(vscode.workspace, '.env')).mode & 0o777, 0o600, '.env is readable by its owner only');

  // The sandbox holds the app, its service principal and exactly one secret; the principal is in the group.
  const apps = await appsNamed(APP_NAME);
  assert.equal(apps.length, 1);
  const app = apps[0]!;
  assert.equal(app.passwordCredentials.length, 1, 'exactly one secret');
  const principals = await servicePrincipalsOf(app.appId);
  assert.equal(principals.length, 1);
  const members = ((await graph(`/groups/${GROUP.objectId}/members`)).json as { value: { id: string }[] }).value.map((m) => m.id);
  assert.deepEqual(members, [principals[0]!.id]);

  // .env: the old text byte for byte, then the three lines (the file has a CRLF line, so CRLF lines).
  const env = envText(vscode);
  const secret = parse(env).AZURE_CLIENT_SECRET ?? '';
  assert.ok(secret.length >= 16, 'a secret was written');
  secrets.push(secret);
  assert.equal(env, ENV_BEFORE + envLines(app.appId, secret));
  assert.equal((await clientCredentials(app.appId, secret)).status, 200, 'the secret in .env signs the app in');
  execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: vscode.workspace, timeout: 10_000 });
  created = { appId: app.appId, appObjectId: app.id, keyId: app.passwordCredentials[0]!.keyId, secret };

  // The page: name, ids, expiry, what git does with .env, the group, and "Assign a Role to It…".
  assert.equal(await frame.locator('#sp-app-name').innerText(), APP_NAME);
  assert.equal(await frame.locator('#sp-app-id').innerText(), app.appId);
  assert.equal(await frame.locator('#sp-object-id').innerText(), app.id);
  assert.equal(await frame.locator('#sp-principal-id').innerText(), principals[0]!.id);
  assert.match(await frame.locator('#sp-expiry').innerText(), new RegExp(`^${daysFromToday(90)}`));
  assert.match(await frame.locator('#sp-env-status').innerText(), /\.env updated \(git-ignored: added to \.gitignore\)/);
  assert.match(await frame.locator('#sp-membership').innerText(), /joined workspace-local-dev, so it holds the group's roles/);
  await frame.locator('#sp-assign-role').waitFor();

  // The chain reads the new .env by itself: Environment is active as the app, named as the page named it (a token
  // carries only the client id), in the view and the status bar, and on the page.
  const rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Environment')?.description === `${APP_NAME} · active`, 60_000);
  assert.ok(row(rows, 'Environment')!.icons.includes('pass-filled'));
  await vscode.statusBarLocator('azureDevAuth.status').getByText(`${APP_NAME} · Environment`).waitFor({ timeout: 15_000 });
  await frame.locator('#sp-chain-note', { hasText: 'active as this app' }).waitFor({ timeout: 30_000 });
  await assertAccessible(vscode, 'service principal (created)');
  await (await contentFrame(vscode)).evaluate(() => document.getElementById('sp-created')?.scrollIntoView({ block: 'start' }));
  await vscode.screenshot('wizard-sign-in-sp');
  assertNoSecret('the page when its screenshot was taken', await pageSource(vscode));

  await vscode.runCommand('Azure Dev Auth: Verify with Python');
  const verdict = await vscode.waitForNotification(/Python agrees/, 90_000);
  assert.match(verdict, /gets its token from Environment/);

  // "Assign a Role to It…" opens the role wizard with the service principal as the assignee.
  await frame.locator('#sp-assign-role').click();
  await vscode.page.locator('.tabs-container .tab', { hasText: 'Assign Role' }).waitFor();
  const role = vscode.webviewFrame();
  await role.locator('h1', { hasText: 'Assign Role' }).waitFor({ timeout: 30_000 });
  await role.getByRole('button', { name: 'Back' }).click();
  await role.getByText(`Chosen: ${APP_NAME} (ServicePrincipal, ${principals[0]!.id})`).waitFor();
  const roleTab = vscode.page.locator('.tabs-container .tab', { hasText: 'Assign Role' });
  await roleTab.hover();
  await roleTab.locator('.tab-actions .action-label').click();
  await roleTab.waitFor({ state: 'detached' });
});

suite.test('"Check Access for It": the Access view comes forward on the new service principal, which is the identity .env now signs in as', async () => {
  const { vscode } = suite;
  assert.ok(created, 'the first test created the service principal');
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#sp-check-access').click();
  // The app signs in as the new service principal: its own access, read with its own token (no directory lookup
  // that an app without Graph permissions would be refused).
  const rows = await vscode.waitForRows('Access', (rs) => rs[0]?.label === APP_NAME || Boolean(rs[0]?.label.includes(created!.appId)), 90_000);
  assert.ok(!rows.some((r) => r.label.startsWith('Microsoft Graph could not look the principal up')), 'no directory lookup was refused');
});

suite.test('rotate: a new secret replaces the old one in .env without a question; the app keeps one secret; the old one is refused', async () => {
  const { vscode } = suite;
  assert.ok(created, 'the first test created the service principal');
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#sp-app').waitFor({ timeout: 60_000 });
  await frame.locator('#sp-rotate-end-30').check();
  assert.match(await frame.locator('#sp-rotate-cmds-bash').innerText(),
    new RegExp(`az ad app credential reset \\\\\n {2}--id ${created.appId} \\\\\n {2}--end-date ${daysFromToday(30)} \\\\\n {2}--append`));
  await frame.locator('#sp-rotate:not([disabled])').click();
  // Reaching the outcome without answering a dialog is the proof that none was asked.
  await frame.locator('#sp-rotated', { hasText: 'written to .env in place of the old one' }).waitFor({ timeout: 60_000 });
  assert.equal(await vscode.dialogOpen(), false);
  const env = envText(vscode);
  const secret = parse(env).AZURE_CLIENT_SECRET ?? '';
  secrets.push(secret);
  assert.match(await frame.locator('#sp-rotated').innerText(), /The old secret was removed from the app/);
  await vscode.waitForNotification(/^Wrote AZURE_CLIENT_SECRET to \.env\.$/);
  assert.notEqual(secret, created.secret);
  assert.equal(env, ENV_BEFORE + envLines(created.appId, secret), 'only the secret changed; every other byte stayed');
  const apps = await appsNamed(APP_NAME);
  assert.deepEqual(apps.map((a) => a.passwordCredentials.length), [1], 'still exactly one secret');
  assert.notEqual(apps[0]!.passwordCredentials[0]!.keyId, created.keyId);
  const old = await clientCredentials(created.appId, created.secret);
  assert.equal(old.status, 401, old.text);
  assert.match(old.text, /AADSTS7000215/);
  assert.equal((await clientCredentials(created.appId, secret)).status, 200);
  await frame.locator('#sp-expiry', { hasText: new RegExp(`^${daysFromToday(30)} \\(key id ${apps[0]!.passwordCredentials[0]!.keyId}\\)$`) }).waitFor();
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Environment')?.description === `${APP_NAME} · active`, 60_000);
  assertNoSecret('the page after rotating', await pageSource(vscode));
});

suite.test('delete: a modal dialog names the app; the app is gone and its three lines leave .env, the rest intact', async () => {
  const { vscode } = suite;
  assert.ok(created);
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#sp-delete:not([disabled])').click();
  const dialog = await vscode.dialog();
  assert.equal(dialog.message, `Delete the service principal ${APP_NAME}?`);
  assert.match(dialog.detail, new RegExp(`client id ${created.appId}`));
  await vscode.clickDialogButton('Delete');
  await frame.locator('#sp-deleted', { hasText: `Deleted ${APP_NAME} in Azure` }).waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#sp-deleted').innerText(), /lines were removed from \.env/);
  assert.equal(envText(vscode), ENV_BEFORE, '.env is as it was before the service principal');
  assert.deepEqual(await appsNamed(APP_NAME), []);
  assert.deepEqual(await servicePrincipalsOf(created.appId), []);
  // Forgotten: the page offers to create one again.
  await frame.locator('#sp-app').waitFor({ state: 'detached' });
  await frame.locator('#sp-create').waitFor();
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Environment')?.description === 'unavailable', 60_000);
});

suite.test('an existing service principal: client id and tenant on the page, its secret in VS Code\'s password box, into .env', async () => {
  const { vscode } = suite;
  const sp = sandbox.servicePrincipal;
  secrets.push(sp.clientSecret);
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#sp-mode-existing').check();
  await frame.locator('#sp-client-id input').fill(sp.clientId);
  // Prefilled with the tenant of alice's sign-in (the page's Tenant field is empty).
  assert.equal(await fieldValue(frame, 'sp-tenant'), sandbox.tenantId);
  assert.match(await frame.locator('#sp-existing-cmds-bash').innerText(), new RegExp(`^az ad sp show \\\\\n {2}--id ${sp.clientId}`));
  await assertAccessible(vscode, 'service principal (existing)');
  await frame.locator('#sp-use-existing:not([disabled])').click();
  const input = vscode.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  assert.equal(await input.getAttribute('type'), 'password');
  await vscode.fillInputBox(sp.clientSecret);
  await vscode.waitForNotification(/^Wrote AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET to \.env\.$/, 30_000);
  await frame.locator('#sp-existing-outcome', { hasText: `The service principal ${sp.clientId} is in .env` }).waitFor({ timeout: 30_000 });
  assert.match(await frame.locator('#sp-existing-outcome').innerText(), /\.env updated \(git-ignored\)/);
  assert.equal(envText(vscode), ENV_BEFORE + envLines(sp.clientId, sp.clientSecret));
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Environment')?.description === `app ${sp.clientId.slice(0, 8)}… · active`, 60_000);
  assertNoSecret('the page after using an existing service principal', await pageSource(vscode));
});

suite.test('a tenant where users may not register applications: the explanation and the administrator request', async () => {
  const { vscode } = suite;
  const restricted = seed();
  restricted.tenant.usersCanRegisterApplications = false;
  sandbox.control.reseed(restricted);
  try {
    const frame = await openWizard(vscode, TITLE);
    await frame.locator('#sp-mode-create').check();
    await frame.locator('#sp-create:not([disabled])').click();
    const failure = frame.locator('#sp-failure');
    await failure.waitFor({ timeout: 60_000 });
    assert.match(await failure.innerText(), /You may not register applications in this tenant/);
    assert.match(await failure.innerText(), /Application Administrator or Cloud Application Administrator/);
    assert.match(await failure.innerText(), /Authorization_RequestDenied/);
    const request = await vscode.clipboardAfter(() => frame.locator('#sp-failure-admin').click());
    assert.match(request, /^Hello, could you create the app registration "workspace-local-dev-alice" with its service principal, and make me its owner\?/);
    assert.match(request, new RegExp(`az ad app create \\\\\n {2}--display-name ${APP_NAME} \\\\\n {2}--sign-in-audience AzureADMyOrg`));
    assert.match(request, /az ad sp create \\\n {2}--id '<app-id>'/);
    assert.match(request, new RegExp(`az ad app owner add \\\\\n {2}--id '<app-id>' \\\\\n {2}--owner-object-id ${sandbox.users.alice!.objectId}`));
    assert.match(request, /az ad app credential reset --id <app-id> --end-date \d{4}-\d{2}-\d{2} --append prints it once; it goes into my \.env and nowhere else/);
    assert.deepEqual(await appsNamed(APP_NAME), [], 'nothing was created');
    await assertAccessible(vscode, 'service principal (restricted tenant)');
  } finally {
    sandbox.control.reseed(seed());
  }
});

suite.test('canary: no client secret in the logs, settings, the instance\'s files, the browser\'s storage, the page or the clipboard', async () => {
  const { vscode } = suite;
  assert.equal(secrets.length, 3, 'the secrets of create, rotate and the existing service principal');
  const root = dirname(vscode.workspace);
  const logs = filesUnder(join(root, 'user-data', 'logs')).filter((f) => f.endsWith('.log'));
  assert.ok(logs.some((f) => f.includes('Azure Dev Auth')), 'the extension\'s log exists');
  const log = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.match(log, new RegExp(`Created the app registration ${APP_NAME} \\(client id ${created!.appId}`));
  assertNoSecret('the logs', log);
  assertNoSecret('the user settings', readFileSync(join(root, 'user-data', 'User', 'settings.json'), 'utf8'));
  // Every file of this VS Code instance (profile, state databases, extensions, workspace and its .git) except .env.
  const envFile = join(vscode.workspace, '.env');
  const files = regularFilesUnder(root, envFile);
  assert.ok(files.length > 20, `the instance folder holds files (${files.length})`);
  for (const file of files) assertNoSecret(file, readIfPresent(file));

  // The page's saved state and workspaceState live in the browser's storage (IndexedDB) in code-server; a reload
  // flushes what the workbench still holds in memory.
  await vscode.page.reload();
  await vscode.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await vscode.page.waitForTimeout(2_000);
  const stored = await vscode.page.evaluate(async () => {
    const out: string[] = [];
    const dbs = await indexedDB.databases();
    for (const info of dbs) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const entries = await new Promise<unknown[]>((resolve, reject) => {
          const all: unknown[] = [];
          const cursor = db.transaction(store, 'readonly').objectStore(store).openCursor();
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) { resolve(all); return; }
            all.push(c.key, c.value);
            c.continue();
          };
          cursor.onerror = () => reject(cursor.error);
        });
        for (const v of entries) out.push(typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : JSON.stringify(v) ?? '');
      }
      db.close();
    }
    return `${dbs.map((d) => d.name).join(',')}\n${out.join('\n')}`;
  });
  const state = `${stored}\n${regularFilesUnder(root, envFile).map((f) => readIfPresent(f).toString('latin1')).join('\n')}`;
  assert.ok(state.includes('azureDevAuth.localDevApps'), 'the workspace state that remembers the service principal was found');
  assertNoSecret('the browser\'s storage', stored);

  const clipboard = await vscode.page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
  assertNoSecret('the clipboard', clipboard);
  assertNoSecret('the workbench after the reload', await vscode.page.content());
});
