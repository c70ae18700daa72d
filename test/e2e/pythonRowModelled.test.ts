// The Python row in a real VS Code for an azure-identity newer than every version the engine is checked against:
// a made-up interpreter (test/harness/fakePython.ts) reports azure-identity 1.27.0, what `pip install` gives today,
// and an old track-1 azure-mgmt-resource. The row must say the rules are modelled, not checked, name the versions that
// are, offer Verify with Python at once (a notification with that button), and warn about the track-1 library with
// its upgrade command.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { pythonRowLabel } from '../../src/core/presentation/snapshotView';
import { describeInVSCode } from '../harness/e2e';
import { fakeInterpreter } from '../harness/fakePython';

const CHAIN = 'Credential Chain';
let root: string;
let python: string;

const suite = describeInVSCode(async () => {
  root = mkdtempSync(join(tmpdir(), 'ada-fake-python-'));
  python = fakeInterpreter(join(root, 'venv'), [
    { name: 'azure-identity', version: '1.27.0', requires: ['azure-core>=1.31.0', 'msal>=1.30.0'] },
    { name: 'azure-mgmt-resource', version: '10.2.0', requires: ['msrest>=0.5.0', 'msrestazure<2.0.0,>=0.4.32', 'azure-common~=1.1'] },
  ]);
  return {
    // Nothing signed in, no identity: the rows do not matter here, the Python row does. IMDS points at a closed port.
    env: { IDENTITY_ENDPOINT: 'http://127.0.0.1:9/msi/token', IDENTITY_HEADER: 'x' },
    settings: { 'azureDevAuth.pythonPath': python },
    // A Python project: what starts the extension without a click.
    workspaceFiles: { 'app.py': 'from azure.identity import DefaultAzureCredential\n\ncredential = DefaultAzureCredential()\n' },
  };
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

suite.test('azure-identity 1.27.0: the Python row says its rules are modelled, not checked, and offers Verify with Python', async () => {
  const { vscode } = suite;
  // The first check of this version offers verification at once (looked at while the toast is up).
  const offer = await vscode.waitForNotification(/azure-identity 1\.27\.0: rules not read from its release/, 60_000);
  assert.match(offer, /— Verify with Python/);
  assert.deepEqual(await vscode.notificationButtons(/azure-identity 1\.27\.0: rules not read/), ['Verify with Python']);
  await vscode.screenshot('python-row-modelled-offer');

  const label = pythonRowLabel(python);
  const rows = await vscode.waitForRows(CHAIN, (rs) => /rules not checked/.test(rs.find((r) => r.label === label)?.description ?? ''), 60_000);
  const row = rows.find((r) => r.label === label)!;
  assert.equal(row.description, 'azure-identity 1.27.0 · a track-1 library · rules not checked');
  const tooltip = await vscode.rowTooltip(CHAIN, label);
  assert.match(tooltip, /azure-identity 1\.27\.0: rules not read from its release; those of 1\.26\.0b3 are assumed, not yet checked against it here — Verify with Python/);
  assert.match(tooltip, /Predictions are checked against the real azure-identity 1\.13\.0b2, 1\.23\.1 and 1\.26\.0b3/);
  assert.match(tooltip, /azure-mgmt-resource 10\.2\.0/);
  assert.match(tooltip, /object has no attribute 'signed_session'/);
  assert.ok(tooltip.includes(`${python} -m pip install --upgrade azure-mgmt-resource`), tooltip);
  await vscode.screenshot('python-row-modelled');
});
