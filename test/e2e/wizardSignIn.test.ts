// "Sign In…" in a real VS Code against the sandbox: the page lists the chain's sources in the order of the installed
// azure-identity with their states; a sign-in run from the page (its own terminal, the fake tools of the sandbox)
// completes and the page shows the new identity once the tool has written its files; a device code approved through
// the sandbox; carol, whose tenant requires MFA, refused for a password sign-in with the meaning of AADSTS50076, then
// signed in with a device code; the tenant passed to the tool; the page opening with the active source or the next
// step, the others collapsed; the custom cloud in use named; the China cloud's steps; axe-core; the answers kept
// across hiding the panel; the password never in the log.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import { assertAccessible, closeAllEditors, contentFrame, fieldValue, openWizard } from './wizardHelpers';

const TITLE = 'Sign In…';
const TENANT_DOMAIN = 'contososandbox.onmicrosoft.com';
let sandbox: Sandbox;
let home: string;
/** azure-identity 1.23.1 (Debian 13) when it could be prepared, else Debian 12's 1.13.0b2. */
let newer = false;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const envs = await ensurePythonAzureIdentityEnvs();
  const python = envs.debian13 && !envs.debian13.problem && envs.debian13.azureIdentityVersion ? envs.debian13.python : '/usr/bin/python3';
  newer = python !== '/usr/bin/python3';
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': python, ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { 'app.py': 'print("hello")\n' },
    viewport: { width: 1400, height: 1100 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The extension's log files under VS Code's logs folder. */
function logFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => (e.isDirectory() ? logFiles(join(dir, e.name)) : e.name.includes('Azure Dev Auth') && e.name.endsWith('.log') ? [join(dir, e.name)] : []));
}

/** Opens a collapsed source on the page, as a click on its header does (a no-op when it is open). */
async function openSource(frame: ReturnType<Awaited<typeof suite>['vscode']['webviewFrame']>, credential: string): Promise<void> {
  const collapsible = frame.locator(`#row-${credential} vscode-collapsible`);
  if (!(await collapsible.evaluate((el) => (el as HTMLElement & { open: boolean }).open))) await collapsible.click({ position: { x: 24, y: 10 } });
  await frame.locator(`#row-${credential} .source-body`).waitFor();
}

/** The az sign-ins the fake az saw (argv as it reported it, secrets redacted by the sandbox). */
const azLogins = (): string[][] => sandbox.control.toolInvocations().filter((i) => i.tool === 'az' && i.argv[0] === 'login').map((i) => i.argv);

suite.test('the page opens with the next step (Azure CLI), the other sources collapsed in chain order, each with its state', async () => {
  const { vscode } = suite;
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#headline', { hasText: 'The chain fails' }).waitFor({ timeout: 60_000 });
  const expected = newer
    ? ['1. Environment', '2. Shared Token Cache', '3. Visual Studio Code', '4. Azure CLI', '5. Azure PowerShell', '6. Azure Developer CLI', '7. Interactive Browser', 'Broker']
    : ['1. Environment', '2. Shared Token Cache', '3. Visual Studio Code', '4. Azure CLI', '5. Azure PowerShell', '6. Interactive Browser', 'Azure Developer CLI', 'Broker'];
  // Nobody is signed in: the next step, signing in with the installed Azure CLI, comes first and open.
  assert.equal(await frame.locator('#lead-title').innerText(), 'Next step');
  assert.equal(await frame.locator('#lead [data-title]').getAttribute('data-title'), '4. Azure CLI');
  const titles = await frame.locator('#sources [data-title]').evaluateAll((els) => els.map((e) => e.getAttribute('data-title')));
  assert.deepEqual(titles, ['4. Azure CLI', ...expected.filter((t) => t !== '4. Azure CLI')]);
  // The others are collapsed, each with its state beside its name; the lead comes before them on the page.
  const opened = await frame.locator('#sources ol vscode-collapsible').evaluateAll((els) => els.map((e) => (e as HTMLElement & { open: boolean }).open));
  assert.ok(opened.length === expected.length - 1 && opened.every((o) => !o), JSON.stringify(opened));
  assert.equal(await frame.locator('#row-VisualStudioCodeCredential vscode-collapsible').getAttribute('description'), 'excluded');
  const leadTop = await frame.locator('#lead').evaluate((e) => e.getBoundingClientRect().top);
  const otherTop = await frame.locator('#sources ol').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(leadTop < otherTop);
  // The cloud in use is the sandbox's custom cloud (azureDevAuth.cloud), not the public cloud; no az cloud set runs.
  assert.equal(await frame.locator('#cloud-custom').isChecked(), true);
  assert.equal(await frame.locator('#cloud-AzureCloud').isChecked(), false);
  assert.match(await frame.locator('label', { has: frame.locator('#cloud-custom') }).innerText(), /Sandbox \(custom cloud, in use\)/);
  assert.match(await frame.locator('#custom-cloud-hint').innerText(), new RegExp(`AZURE_AUTHORITY_HOST=${sandbox.authorityHost.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  for (const credential of ['VisualStudioCodeCredential', 'BrokerCredential', 'InteractiveBrowserCredential']) await openSource(frame, credential);
  const az = frame.locator('#row-AzureCliCredential');
  assert.match(await az.innerText(), /az is installed\./);
  assert.match(await az.innerText(), /Not signed in: /);
  assert.match(await az.innerText(), /Reached: Python tries it/);
  assert.match(await frame.locator('#row-VisualStudioCodeCredential').innerText(), /Excluded: Excluded by default in azure-identity/);
  assert.match(await frame.locator('#row-VisualStudioCodeCredential').innerText(), /The Azure Resources extension is not installed\./);
  assert.match(await frame.locator('#row-BrokerCredential').innerText(), /Not part of this azure-identity version's chain: it arrived in 1\.24/);
  assert.match(await frame.locator('#row-InteractiveBrowserCredential').innerText(), /exclude_interactive_browser_credential=False/);
  assert.match(await frame.locator('#row-InteractiveBrowserCredential').innerText(), /Allow public client flows/);
  assert.match(await frame.locator('#cmd-az-bash').innerText(), /^az login$/);
  await frame.locator('#sp-section h2', { hasText: 'Service principal for local development' }).waitFor();
  await assertAccessible(vscode, 'sign-in (nobody signed in)');
  await closeAllEditors(vscode);
});

suite.test('Azure CLI from the page (browser): the page shows alice through Azure CLI once az has written its files', async () => {
  const { vscode } = suite;
  sandbox.control.settings({ autoSignInAs: 'alice' });
  try {
    const frame = await openWizard(vscode, TITLE);
    await frame.locator('#signin-az:not([disabled])').click();
    // The terminal finished: az has written its files.
    await frame.locator('#run-az', { hasText: 'Azure CLI signed in.' }).waitFor({ timeout: 60_000 });
    // The chain's file watcher (and nothing that polls) brings the new state to the page.
    await frame.locator('#next-identity', { hasText: 'alice@contososandbox.onmicrosoft.com through Azure CLI' }).waitFor({ timeout: 15_000 });
    assert.match(await frame.locator('#headline').innerText(), /Python signs in as alice@contososandbox\.onmicrosoft\.com through Azure CLI/);
    assert.match(await frame.locator('#row-AzureCliCredential').innerText(), /Active: your Python code gets its token here/);
    // Now the page opens with the active source.
    assert.equal(await frame.locator('#lead-title').innerText(), 'Active source');
    assert.equal(await frame.locator('#lead [data-credential]').getAttribute('data-credential'), 'AzureCliCredential');
    await openSource(frame, 'AzurePowerShellCredential');
    assert.match(await frame.locator('#row-AzureCliCredential').innerText(), /Signed in as alice@contososandbox\.onmicrosoft\.com/);
    assert.match(await frame.locator('#row-AzurePowerShellCredential').innerText(), /Not reached: Azure CLI comes first and gives Python its token/);
    await frame.getByRole('button', { name: 'Open the Access View' }).waitFor();
    await assertAccessible(vscode, 'sign-in (signed in)');
    // The top of the page (the click scrolled it to the Azure CLI row): who Python signs in as, and what comes next.
    await (await contentFrame(vscode)).evaluate(() => window.scrollTo(0, 0));
    await vscode.screenshot('wizard-sign-in');
    assert.deepEqual(azLogins().at(-1), ['login']);
    // The tenant az's account reaches is offered in the Tenant field; a click puts it into the sign-in commands.
    const known = frame.locator('#known-tenants');
    await known.getByText('Contoso Sandbox').waitFor({ timeout: 15_000 });
    assert.match(await known.innerText(), new RegExp(`contososandbox\\.onmicrosoft\\.com · ${sandbox.tenantId}`));
    await known.getByRole('button', { name: 'Use the tenant Contoso Sandbox' }).click();
    assert.equal(await frame.locator('#tenant input').inputValue(), sandbox.tenantId);
    await known.getByText('chosen').waitFor();
    assert.match(await frame.locator('#cmd-az-bash').innerText(), new RegExp(`--tenant ${sandbox.tenantId}`));
    await frame.locator('#tenant input').fill('');
  } finally {
    sandbox.control.settings({ autoSignInAs: null });
  }
  await closeAllEditors(vscode);
});

suite.test('carol: a password sign-in shows what MFA-required means, a device code approved in the sandbox passes; the tenant is passed', async () => {
  const { vscode } = suite;
  const carol = sandbox.users.carol!;
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#tenant input').fill(TENANT_DOMAIN);
  await frame.locator('#method-az-password').check();
  await frame.locator('#username-az input').fill(carol.upn);
  await frame.locator('#cmd-az-bash', { hasText: `--username ${carol.upn}` }).waitFor();
  assert.equal(await frame.locator('#cmd-az-bash').innerText(), `az login \\\n  --tenant ${TENANT_DOMAIN} \\\n  --username ${carol.upn}`);
  await frame.locator('#signin-az:not([disabled])').click();
  // The password is asked for in the terminal (which has the focus), never on the page.
  await frame.locator('#run-az', { hasText: 'Type the password in the terminal' }).waitFor({ timeout: 20_000 });
  await vscode.page.waitForTimeout(300);
  await vscode.page.keyboard.type(carol.password, { delay: 10 });
  await vscode.page.keyboard.press('Enter');
  const failure = frame.locator('#run-az.failure');
  await failure.waitFor({ timeout: 60_000 });
  assert.match(await failure.innerText(), /Multi-factor authentication required \(AADSTS50076\)/);
  assert.match(await failure.innerText(), /requires multi-factor authentication/);
  assert.deepEqual(azLogins().at(-1), ['login', '--tenant', TENANT_DOMAIN, '--username', carol.upn, '--password=***']);
  await assertAccessible(vscode, 'sign-in (MFA required)');

  await frame.locator('#retry-az').click();
  const code = frame.locator('#device-code');
  await code.waitFor({ timeout: 30_000 });
  sandbox.control.approveDeviceCode('carol', await code.innerText());
  await frame.locator('#run-az', { hasText: 'Azure CLI signed in.' }).waitFor({ timeout: 60_000 });
  await frame.locator('#next-identity', { hasText: `${carol.upn} through Azure CLI` }).waitFor({ timeout: 15_000 });
  assert.deepEqual(azLogins().at(-1), ['login', '--tenant', TENANT_DOMAIN, '--use-device-code']);
  assert.equal(await frame.locator('#method-az-device-code').isChecked(), true, 'the method the retry used is kept');

  // The password went to az and nowhere else.
  const log = logFiles(join(dirname(vscode.workspace), 'user-data', 'logs')).map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.match(log, /Sign-in az login --tenant .*: failed \(exit code 1\), AADSTS50076/);
  assert.doesNotMatch(log, new RegExp(carol.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const page = await contentFrame(vscode);
  assert.ok(!(await page.content()).includes(carol.password), 'the page never saw the password');
  await closeAllEditors(vscode);
});

suite.test('a device code approved by the sandbox signs the Azure Developer CLI in; an earlier source still wins', async (t) => {
  const { vscode } = suite;
  if (!newer) { t.skip('azure-identity 1.13.0b2 has no Azure Developer CLI source'); return; }
  sandbox.control.settings({ autoApproveDeviceCodesAs: 'bob' });
  try {
    const frame = await openWizard(vscode, TITLE);
    await frame.locator('#row-AzureDeveloperCliCredential').waitFor({ timeout: 60_000 });
    await openSource(frame, 'AzureDeveloperCliCredential');
    await frame.locator('#method-azd-device-code').check();
    await frame.locator('#signin-azd:not([disabled])').click();
    await frame.locator('#run-azd', { hasText: 'Azure Developer CLI signed in.' }).waitFor({ timeout: 60_000 });
    const azd = frame.locator('#row-AzureDeveloperCliCredential');
    await azd.getByText(/Signed in as bob@contososandbox\.onmicrosoft\.com/).waitFor({ timeout: 15_000 });
    assert.match(await azd.innerText(), /Not reached: Azure CLI comes first and gives Python its token/);
    await frame.locator('#next-identity', { hasText: 'through Azure CLI' }).waitFor();
    assert.match(await frame.locator('#next').innerText(), /You signed in to Azure Developer CLI, but Azure CLI comes earlier in the chain/);
  } finally {
    sandbox.control.settings({ autoApproveDeviceCodesAs: null });
  }
  await closeAllEditors(vscode);
});

suite.test('Azure PowerShell with a device code approved by the sandbox: its row shows the account; Azure CLI still comes first', async () => {
  const { vscode } = suite;
  sandbox.control.settings({ autoApproveDeviceCodesAs: 'bob' });
  try {
    const frame = await openWizard(vscode, TITLE);
    await frame.locator('#row-AzurePowerShellCredential').waitFor({ timeout: 60_000 });
    await openSource(frame, 'AzurePowerShellCredential');
    await frame.locator('#method-pwsh-device-code').check();
    await frame.locator('#signin-pwsh:not([disabled])').click();
    await frame.locator('#run-pwsh', { hasText: 'Azure PowerShell signed in.' }).waitFor({ timeout: 60_000 });
    const pwsh = frame.locator('#row-AzurePowerShellCredential');
    await pwsh.getByText(/Signed in as bob@contososandbox\.onmicrosoft\.com/).waitFor({ timeout: 15_000 });
    assert.match(await pwsh.innerText(), /Not reached: Azure CLI comes first and gives Python its token/);
    const invocations = sandbox.control.toolInvocations().filter((i) => i.tool === 'pwsh' && i.argv.join(' ').includes('Connect-AzAccount'));
    assert.ok(invocations.some((i) => i.argv.join(' ').includes('-UseDeviceAuthentication')), 'the device-code method reached pwsh');
  } finally {
    sandbox.control.settings({ autoApproveDeviceCodesAs: null });
  }
  await closeAllEditors(vscode);
});

suite.test('the China cloud shows the az cloud set step and AZURE_AUTHORITY_HOST; hidden and shown again, the page keeps its answers', async () => {
  const { vscode } = suite;
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#row-AzureCliCredential').waitFor();
  await frame.locator('#cloud-AzureChinaCloud').check();
  await frame.locator('#cloud-steps').waitFor();
  assert.equal(await frame.locator('#cloud-set-bash').innerText(), 'az cloud set \\\n  --name AzureChinaCloud');
  assert.equal(await frame.locator('#authority-host').innerText(), 'AZURE_AUTHORITY_HOST=https://login.chinacloudapi.cn');
  assert.equal(await frame.locator('#authority-pwsh').innerText(), "$env:AZURE_AUTHORITY_HOST = 'https://login.chinacloudapi.cn'");
  assert.match(await frame.locator('#cmd-az-bash').innerText(), /^az cloud set \\\n {2}--name AzureChinaCloud\n\naz login/);
  assert.match(await frame.locator('#cmd-pwsh-pwsh').innerText(), /^Connect-AzAccount -Environment AzureChinaCloud/);
  assert.match(await frame.locator('#browser-snippet').innerText(), /authority=AzureAuthorityHosts\.AZURE_CHINA/);
  const copied = await vscode.clipboardAfter(() => frame.getByRole('button', { name: 'Copy the AZURE_AUTHORITY_HOST line' }).click());
  assert.equal(copied, 'AZURE_AUTHORITY_HOST=https://login.chinacloudapi.cn');
  await assertAccessible(vscode, 'sign-in (China cloud)');

  // An invalid tenant is refused on the page before anything runs.
  await frame.locator('#tenant input').fill('not a tenant');
  await frame.locator('#tenant-problem .problem').waitFor();
  assert.equal(await frame.locator('#signin-az').getAttribute('disabled'), '');
  await frame.locator('#tenant input').fill('48337339-9daf-40bb-b2c4-6fdbad938cad');
  await openSource(frame, 'AzurePowerShellCredential');
  await frame.locator('#method-pwsh-device-code').check();

  // Leave the panel for an editor and come back: the page is rebuilt from its saved state.
  await vscode.openFile('app.py');
  await vscode.page.locator('.tabs-container .tab', { hasText: 'Sign In to Azure' }).click();
  const again = vscode.webviewFrame();
  await again.locator('#tenant').waitFor();
  assert.equal(await fieldValue(again, 'tenant'), '48337339-9daf-40bb-b2c4-6fdbad938cad');
  await again.locator('#cloud-steps').waitFor();
  assert.equal(await again.locator('#cloud-AzureChinaCloud').isChecked(), true);
  assert.equal(await again.locator('#method-pwsh-device-code').isChecked(), true);
  assert.match(await again.locator('#cmd-pwsh-pwsh').innerText(),
    /^Connect-AzAccount -Environment AzureChinaCloud -Tenant '48337339-9daf-40bb-b2c4-6fdbad938cad' -UseDeviceAuthentication$/);
  await closeAllEditors(vscode);
});

suite.test('the window reloads: VS Code restores the Sign In page with its answers', async () => {
  const { vscode } = suite;
  const frame = await openWizard(vscode, TITLE);
  await frame.locator('#row-AzureCliCredential').waitFor();
  await frame.locator('#cloud-AzureUSGovernment').check();
  await frame.locator('#tenant input').fill(TENANT_DOMAIN);
  await vscode.page.waitForTimeout(2_000);
  await vscode.runCommand('Developer: Reload Window');
  await vscode.page.waitForEvent('load', { timeout: 30_000 }).catch(() => undefined);
  const again = vscode.webviewFrame();
  await again.locator('#row-AzureCliCredential').waitFor({ timeout: 60_000 });
  assert.equal(await again.locator('#cloud-AzureUSGovernment').isChecked(), true);
  assert.equal(await again.locator('#tenant input').inputValue(), TENANT_DOMAIN);
  assert.equal(await again.locator('#authority-host').innerText(), 'AZURE_AUTHORITY_HOST=https://login.microsoftonline.us');
  await closeAllEditors(vscode);
});
