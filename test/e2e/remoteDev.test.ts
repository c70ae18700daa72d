// Remote development in a real VS Code: the extension host's environment says "dev container" (REMOTE_CONTAINERS,
// as VS Code's Dev Containers sets it; a code-server in a container is not needed). The VS Code and broker rows say
// why they give no token there, and the status bar's Sign In… signs az in with a device code (the default there),
// approved through the sandbox, end to end until the status bar names the user.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { ensurePythonAzureIdentityEnvs } from '../harness/python-envs.mjs';
import type { TreeRow } from '../harness/vscode';

const CHAIN = 'Credential Chain';
const STATUS = 'azureDevAuth.status';
let sandbox: Sandbox;
let home: string;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const envs = await ensurePythonAzureIdentityEnvs();
  const sid = envs.debiansid;
  if (sid.problem || !sid.azureIdentityVersion) throw new Error(`Debian sid's azure-identity is needed: ${sid.problem ?? 'not installed'}`);
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home,
    env: { ...toolEnv, ...sandbox.managedIdentityEnv('none'), ...sid.env, REMOTE_CONTAINERS: 'true' },
    pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': sid.python },
    workspaceFiles: { 'app.py': 'print("hello")\n' },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);
const azLogins = (): string[][] => sandbox.control.toolInvocations().filter((i) => i.tool === 'az' && i.argv[0] === 'login').map((i) => i.argv);

suite.test('in a dev container the VS Code and broker rows say why they give no token there', async () => {
  const { vscode } = suite;
  const rows = await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Broker')?.description.includes('dev container') === true, 90_000);
  assert.equal(row(rows, 'Visual Studio Code')!.description, 'unavailable (in a dev container)');
  assert.equal(row(rows, 'Broker')!.description, 'unavailable (in a dev container)');
  assert.equal(row(rows, 'Azure CLI')!.description, 'unavailable', 'other rows are as everywhere');
  const tooltip = await vscode.rowTooltip(CHAIN, 'Broker');
  assert.match(tooltip, /Your code runs in a dev container \(Linux\): the authentication broker \(WAM\) exists only on Windows and WSL/);
});

suite.test('the status bar\'s Sign In… starts with a device code for every tool and signs az in end to end', async () => {
  const { vscode } = suite;
  sandbox.control.settings({ autoApproveDeviceCodesAs: 'alice' });
  try {
    await vscode.statusBarLocator(STATUS).click();
    await vscode.pickQuickItem('Sign In…');
    const frame = vscode.webviewFrame();
    await frame.locator('h1').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await frame.locator('#remote').innerText(), /Your code runs in a dev container \(REMOTE_CONTAINERS=true\).*device code/);
    for (const tool of ['az', 'azd', 'pwsh']) {
      assert.equal(await frame.locator(`#method-${tool}-device-code`).isChecked(), true, tool);
    }
    await frame.locator('#signin-az:not([disabled])').click();
    await frame.locator('#run-az', { hasText: 'Azure CLI signed in.' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(azLogins().at(-1), ['login', '--use-device-code']);
    const deadline = Date.now() + 20_000;
    let item = await vscode.statusBarItem(STATUS);
    while (item.text !== 'alice · Azure CLI' && Date.now() < deadline) item = await vscode.statusBarItem(STATUS);
    assert.equal(item.text, 'alice · Azure CLI');
    assert.equal(item.warning, false);
    await vscode.screenshot('remote-dev-container-signed-in');
  } finally {
    sandbox.control.settings({ autoApproveDeviceCodesAs: null });
  }
});
