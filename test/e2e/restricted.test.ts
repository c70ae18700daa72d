// An untrusted workspace: no .env read and no interpreter run, and the view says so.
import assert from 'node:assert/strict';
import { describeInVSCode } from '../harness/e2e';

const suite = describeInVSCode({
  trusted: false,
  workspaceFiles: { '.env': 'AZURE_TENANT_ID=t\nAZURE_CLIENT_ID=c\nAZURE_CLIENT_SECRET=s\n' },
  env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9/' },
});

suite.test('an untrusted workspace shows the limited state', async () => {
  const { vscode } = suite;
  // The rows are read from the rendered tree, which may be scrolled by a row while the Access view below it fills:
  // the restricted row is looked up by its label, and its place checked against the Python row's.
  const RESTRICTED = 'Restricted Mode: limited check';
  const rows = await vscode.waitForRows('Credential Chain', (rs) => rs.some((r) => r.label === RESTRICTED) && rs.some((r) => r.label === 'Azure CLI') && !rs.some((r) => r.description === 'checking…'), 60_000);
  const restricted = rows.findIndex((r) => r.label === RESTRICTED);
  assert.equal(rows[restricted]!.description, '.env not read, interpreter not run');
  assert.match(rows[restricted + 1]!.label, /^Python: /, 'the Python row comes right after it');
  assert.match(rows[restricted + 1]!.description, /not run \(untrusted workspace\)/);
  // The .env's service principal was not read, so the Environment source is unavailable.
  const environment = rows.find((r) => r.label === 'Environment');
  assert.equal(environment?.description, 'unavailable');
  const tooltip = await vscode.statusBarTooltip('azureDevAuth.status');
  assert.match(tooltip, /Restricted Mode/);
});
