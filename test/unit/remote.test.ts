// Where the code runs: the remote kinds from vscode.env.remoteName and the well-known variables, the sign-in method
// they default to, and what the VS Code and broker rows say there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainReport, SourceResult } from '../../src/core/chain/types';
import type { ChainSnapshot } from '../../src/core/presentation/snapshot';
import { chainViewRows } from '../../src/core/presentation/snapshotView';
import { defaultSignInMethod, detectRemote, remoteSourceExplanation } from '../../src/core/remote';
import { initSchema } from '../../src/webview/protocol';

test('VS Code\'s remote names decide first', () => {
  assert.equal(detectRemote('dev-container', {})?.kind, 'devContainer');
  assert.equal(detectRemote('attached-container', {})?.kind, 'devContainer');
  assert.equal(detectRemote('codespaces', {})?.kind, 'codespaces');
  assert.equal(detectRemote('wsl', {})?.kind, 'wsl');
  assert.equal(detectRemote('ssh-remote', {})?.kind, 'ssh');
  assert.equal(detectRemote('ssh-remote', { CODESPACES: 'true' })?.kind, 'ssh');
  assert.equal(detectRemote('dev-container', {})?.evidence, 'vscode.env.remoteName is dev-container');
});

test('without a known remote name, the variables: Codespaces before containers, then WSL, then SSH', () => {
  assert.equal(detectRemote(undefined, {}), undefined);
  // code-server reports its host:port as the remote name: that says nothing about where the code runs.
  assert.equal(detectRemote('localhost:8080', {}), undefined);
  assert.equal(detectRemote('localhost:8080', { REMOTE_CONTAINERS: 'true' })?.kind, 'devContainer');
  assert.equal(detectRemote(undefined, { CODESPACES: 'true', REMOTE_CONTAINERS: 'true' })?.kind, 'codespaces');
  assert.equal(detectRemote(undefined, { CODESPACES: 'false', REMOTE_CONTAINERS: 'true' })?.kind, 'devContainer');
  assert.equal(detectRemote(undefined, { REMOTE_CONTAINERS_IPC: '/tmp/vscode-remote-containers-ipc.sock' })?.kind, 'devContainer');
  assert.equal(detectRemote(undefined, { WSL_DISTRO_NAME: 'Ubuntu', SSH_CONNECTION: '10.0.0.1 1 10.0.0.2 22' })?.kind, 'wsl');
  assert.equal(detectRemote(undefined, { WSL_INTEROP: '/run/WSL/1_interop' })?.kind, 'wsl');
  assert.equal(detectRemote(undefined, { SSH_CONNECTION: '10.0.0.1 50000 10.0.0.2 22' })?.kind, 'ssh');
  assert.equal(detectRemote(undefined, { SSH_CLIENT: '10.0.0.1 50000 22' })?.kind, 'ssh');
  assert.equal(detectRemote(undefined, { SSH_CONNECTION: '  ' }), undefined, 'an empty variable is not set');
  assert.equal(detectRemote(undefined, { REMOTE_CONTAINERS: 'true' })?.label, 'a dev container');
});

test('sign-in defaults to a device code in every remote, to the browser at home; the page starts with it', () => {
  assert.equal(defaultSignInMethod(undefined), 'browser');
  for (const env of [{ REMOTE_CONTAINERS: 'true' }, { CODESPACES: 'true' }, { WSL_DISTRO_NAME: 'Ubuntu' }, { SSH_CONNECTION: 'a b c d' }]) {
    assert.equal(defaultSignInMethod(detectRemote(undefined, env)), 'device-code', JSON.stringify(env));
  }
  // The page gets the remote as its init (validated by the message schema).
  const remote = detectRemote(undefined, { REMOTE_CONTAINERS: 'true' })!;
  assert.equal(initSchema.safeParse({ wizard: 'signIn', folderName: 'app', remote }).success, true);
  assert.equal(initSchema.safeParse({ wizard: 'signIn', folderName: 'app', remote: { ...remote, kind: 'mars' } }).success, false);
});

test('the VS Code and broker rows explain why they give no token in a container or over SSH; WSL has the broker', () => {
  const container = detectRemote(undefined, { REMOTE_CONTAINERS: 'true' });
  assert.match(remoteSourceExplanation(container, 'BrokerCredential')!, /only on Windows and WSL/);
  assert.match(remoteSourceExplanation(container, 'VisualStudioCodeCredential')!, /authentication broker \(WAM\)/);
  assert.equal(remoteSourceExplanation(container, 'AzureCliCredential'), undefined);
  assert.equal(remoteSourceExplanation(detectRemote('wsl', {}), 'BrokerCredential'), undefined);
  assert.equal(remoteSourceExplanation(undefined, 'BrokerCredential'), undefined);

  const source = (credential: SourceResult['credential'], status: SourceResult['status']): SourceResult => ({
    credential, status, reached: true, decisive: status === 'succeeded', message: status === 'succeeded' ? '' : 'unavailable',
    identity: status === 'succeeded' ? { upn: 'alice@contoso.example' } : null, expiresOn: null, elapsedMs: 1,
  });
  const report: ChainReport = {
    azureIdentityVersion: '1.26.0b3', versionSource: 'python', verification: null,
    sources: [source('VisualStudioCodeCredential', 'unavailable'), source('AzureCliCredential', 'succeeded'), source('BrokerCredential', 'unavailable')],
    verdict: { outcome: 'token', credential: 'AzureCliCredential', message: '' },
  };
  const snapshot: ChainSnapshot = {
    phase: 'ready', scope: { trusted: true, folder: undefined, multiRoot: false },
    check: { report, python: { kind: 'answered', interpreter: { path: 'python3', source: 'path' }, azureIdentityVersion: '1.26.0b3', brokerInstalled: true }, checkedAt: 0 },
  };
  const rows = chainViewRows(snapshot, { signInSources: new Set(), now: 0, remote: container! });
  const byLabel = (label: string) => rows.find((r) => r.model.label === label)!.model;
  assert.equal(byLabel('Visual Studio Code').description, 'unavailable (in a dev container)');
  assert.match(byLabel('Broker').tooltip, /^\*\*a dev container:\*\* Your code runs in a dev container .*only on Windows and WSL/);
  assert.equal(byLabel('Azure CLI').description, 'alice · active');
  const home = chainViewRows(snapshot, { signInSources: new Set(), now: 0 });
  assert.equal(home.find((r) => r.model.label === 'Broker')!.model.description, 'unavailable');
});
