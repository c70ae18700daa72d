// What the view and the status bar show for each phase of a check, read as a person reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainReport, SourceResult } from '../../src/core/chain/types';
import type { ChainSnapshot, CompletedCheck, FailedSnapshot, SnapshotScope } from '../../src/core/presentation/snapshot';
import { chainViewRows, pythonRowLabel, statusBarModel, viewDescription, type ViewRow } from '../../src/core/presentation/snapshotView';

const scope: SnapshotScope = { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false };
const interpreter = { path: '/w/api/.venv/bin/python', source: 'setting' as const };
const at = (h: number, m: number) => new Date(2026, 0, 5, h, m).getTime();

function source(credential: SourceResult['credential'], change: Partial<SourceResult> = {}): SourceResult {
  return { credential, status: 'unavailable', reached: true, decisive: false, message: 'not signed in', identity: null, expiresOn: null, elapsedMs: 5, ...change };
}

const aliceReport: ChainReport = {
  azureIdentityVersion: '1.23.1', versionSource: 'python', verification: null,
  sources: [
    source('EnvironmentCredential'),
    source('AzureCliCredential', { status: 'succeeded', decisive: true, message: '', identity: { upn: 'alice@contoso.example', tenantId: 't-1' } }),
    source('AzureDeveloperCliCredential', { reached: false }),
  ],
  verdict: { outcome: 'token', credential: 'AzureCliCredential', message: '' },
};
const good: CompletedCheck = {
  report: aliceReport,
  python: { kind: 'answered', interpreter, azureIdentityVersion: '1.23.1', brokerInstalled: false },
  checkedAt: at(14, 2),
};
const options = { signInSources: new Set(['AzureCliCredential']), now: at(14, 30) };
const labelled = (rows: ViewRow[], label: string) => rows.find((r) => r.model.label === label)?.model;

test('a ready check shows the active source and the status bar names the identity', () => {
  const snapshot: ChainSnapshot = { phase: 'ready', scope, check: good };
  const rows = chainViewRows(snapshot, options);
  assert.deepEqual(rows.map((r) => r.kind), ['python', 'source', 'source', 'source']);
  assert.equal(labelled(rows, 'Azure CLI')?.description, 'alice · active');
  assert.match(labelled(rows, 'Azure CLI')!.contextValue, /;canSignIn/);
  const status = statusBarModel(snapshot, options.now);
  assert.equal(status.text, '$(azure) alice · Azure CLI');
  assert.equal(status.warning, false);
});

test('a vanished interpreter fails the check: Python row, headline and status bar say so; the old rows are marked stale', () => {
  const failed: FailedSnapshot = {
    phase: 'failed', scope, interpreter,
    python: { kind: 'unusable', interpreter, reason: 'missing', message: `${interpreter.path} does not exist` },
    failure: { kind: 'interpreter', message: `the interpreter ${interpreter.path} does not exist` },
    failedAt: at(14, 30), stale: good,
  };
  const rows = chainViewRows(failed, options);
  // The label is short enough for a 300-pixel sidebar; the whole path is in the tooltip.
  assert.equal(rows[0]!.model.label, 'Python: …/api/.venv/bin/python');
  assert.match(rows[0]!.model.tooltip, /\/w\/api\/\\\.venv\/bin\/python/);
  assert.equal(rows[0]!.model.description, 'not found');
  assert.match(rows[0]!.model.contextValue, /^python;problem/);
  assert.ok(rows[0]!.model.links.some((l) => l.action.kind === 'switchInterpreter'));
  assert.equal(rows[1]!.kind, 'headline');
  assert.equal(rows[1]!.model.label, `The last check failed: the interpreter ${interpreter.path} does not exist — showing the result from 14:02`);
  assert.equal(labelled(rows, 'Azure CLI')?.description, 'alice · active (stale: from 14:02)');
  assert.match(labelled(rows, 'Azure CLI')!.tooltip, /^\*\*Stale:\*\* from the check at 14:02/);
  const status = statusBarModel(failed, options.now);
  assert.equal(status.text, '$(warning) Azure: interpreter not found');
  assert.equal(status.warning, true);
  assert.doesNotMatch(status.text, /alice/);
  assert.match(status.tooltip, /Stale result from 14:02 \(28 min ago\)/);
});

test('a failure without an earlier result shows no source rows, only what failed', () => {
  const failed: ChainSnapshot = {
    phase: 'failed', scope, interpreter, python: undefined,
    failure: { kind: 'timeout', seconds: 60, during: 'interpreter' }, failedAt: at(9, 0), stale: undefined,
  };
  const rows = chainViewRows(failed, options);
  assert.deepEqual(rows.map((r) => r.kind), ['python', 'headline']);
  assert.equal(rows[0]!.model.description, 'did not answer within 60 s');
  assert.equal(rows[1]!.model.label, 'The check failed: the interpreter did not answer within 60 s');
  assert.equal(statusBarModel(failed).text, '$(warning) Azure: interpreter timed out');
});

test('a hang in the sources says it timed out; an engine error is quoted', () => {
  const base = { phase: 'failed' as const, scope, interpreter, python: good.python, failedAt: at(15, 0), stale: good };
  const timedOut = chainViewRows({ ...base, failure: { kind: 'timeout', seconds: 5, during: 'sources' } }, options);
  assert.equal(timedOut[1]!.model.label, 'The last check failed: it did not finish within 5 s — showing the result from 14:02');
  assert.equal(timedOut[0]!.model.description, 'azure-identity 1.23.1');
  const crashed = chainViewRows({ ...base, failure: { kind: 'engine', message: 'boom' } }, options);
  assert.equal(crashed[1]!.model.label, 'The last check failed: boom — showing the result from 14:02');
  assert.equal(statusBarModel({ ...base, failure: { kind: 'engine', message: 'boom' } }).text, '$(warning) Azure: check failed');
});

test('while probing, unfinished sources spin and the status bar keeps the last answer with a spinner', () => {
  const snapshot: ChainSnapshot = {
    phase: 'probing', scope, interpreter, python: good.python,
    order: ['EnvironmentCredential', 'AzureCliCredential'], finished: new Map([['EnvironmentCredential', 'unavailable']]), previous: good,
  };
  const rows = chainViewRows(snapshot, options);
  assert.equal(labelled(rows, 'Environment')?.description, 'checked: unavailable');
  assert.equal(labelled(rows, 'Azure CLI')?.description, 'checking…');
  assert.equal(labelled(rows, 'Azure CLI')?.icon, 'loading~spin');
  assert.equal(statusBarModel(snapshot).text, '$(loading~spin) alice · Azure CLI');
});

test('a source not checked because of its host offers Check with <host>', () => {
  const report: ChainReport = {
    ...aliceReport,
    sources: [source('WorkloadIdentityCredential', {
      status: 'not-checked', decisive: true, unverifiedHost: 'evil.example', unverifiedSecret: 'federated token', notCheckedReason: 'secret',
      message: 'would send the federated token to evil.example: not checked',
    })],
    verdict: { outcome: 'not-checked', credential: 'WorkloadIdentityCredential', message: 'would send the federated token to evil.example: not checked' },
  };
  const snapshot: ChainSnapshot = { phase: 'ready', scope, check: { ...good, report } };
  const rows = chainViewRows(snapshot, options);
  const row = labelled(rows, 'Workload Identity')!;
  assert.equal(row.description, 'not checked: would send the federated token to evil.example');
  assert.equal(row.icon, 'shield');
  assert.match(row.contextValue, /;canCheckHost/);
  assert.deepEqual(row.links.map((l) => l.title), ['Check with evil.example']);
  assert.deepEqual(row.links[0]!.action, { kind: 'checkWithHost', credential: 'WorkloadIdentityCredential', host: 'evil.example' });
  assert.equal(rows.find((r) => r.kind === 'headline')?.model.label, 'Not checked: Workload Identity would send the federated token to evil.example');
  assert.equal(statusBarModel(snapshot).text, '$(shield) Azure: Workload Identity not checked');
});

test('multi-root: the view and the status bar name the folder they describe', () => {
  const multi: SnapshotScope = { ...scope, multiRoot: true, folder: { name: 'worker', uri: 'file:///w/worker', choice: 'activeEditor' } };
  assert.equal(viewDescription(multi), 'worker');
  assert.equal(viewDescription({ ...multi, folder: { ...multi.folder!, choice: 'chosen' } }), 'worker (chosen)');
  assert.equal(viewDescription(scope), undefined);
  assert.match(statusBarModel({ phase: 'ready', scope: multi, check: good }).tooltip, /Workspace folder: worker/);
});

test('Restricted Mode: the restricted row comes first and the interpreter is not run', () => {
  const untrusted: SnapshotScope = { ...scope, trusted: false };
  const snapshot: ChainSnapshot = { phase: 'ready', scope: untrusted, check: { ...good, python: { kind: 'untrusted', interpreter } } };
  const rows = chainViewRows(snapshot, options);
  assert.equal(rows[0]!.model.label, 'Restricted Mode: limited check');
  assert.equal(rows[1]!.model.description, 'not run (untrusted workspace)');
});

test('AZURE_AUTH_LOCATION: the engine notes that DefaultAzureCredential ignores it; the view shows a row offering the move into .env', async () => {
  const { evaluateChain } = await import('../../src/core/chain/engine');
  const env = { AZURE_AUTH_LOCATION: '/home/dev/.azure/sdk-auth.json', PATH: '/nonexistent', HOME: '/nonexistent' };
  const report = await evaluateChain({
    env, azureIdentityVersion: '1.23.1', versionSource: 'python', keywordArguments: { exclude: { ManagedIdentityCredential: true } },
    brokerInstalled: false,
  });
  assert.ok(report.notes?.some((n) => /^AZURE_AUTH_LOCATION is set, but DefaultAzureCredential ignores it/.test(n)));
  const rows = chainViewRows({ phase: 'ready', scope, check: { ...good, report: { ...aliceReport, notes: report.notes ?? [] } } }, options);
  const note = rows.find((r) => r.kind === 'note');
  assert.equal(note?.model.label, 'AZURE_AUTH_LOCATION is set');
  assert.equal(note?.model.description, 'DefaultAzureCredential ignores it');
  assert.match(note!.model.contextValue, /^note;authFile/);
  assert.deepEqual(note!.model.links.map((l) => l.action.kind), ['moveAuthFile']);
  assert.deepEqual(rows.map((r) => r.kind), ['python', 'note', 'source', 'source', 'source']);
  // Without the variable there is no such note.
  const plain = chainViewRows({ phase: 'ready', scope, check: good }, options);
  assert.equal(plain.some((r) => r.kind === 'note'), false);
});

test('Verify with Python\'s answer stays in the view as a row with its time, agreeing or not', () => {
  const verification = {
    agrees: false, python: interpreter.path, azureIdentityVersion: '1.23.1',
    verdict: { outcome: 'token' as const, credential: 'AzureDeveloperCliCredential' as const, message: '' },
    differences: ['Python got its token from Azure Developer CLI, the view predicted Azure CLI'],
  };
  const rows = chainViewRows({ phase: 'ready', scope, check: { ...good, verified: { at: at(14, 20), verification } } }, options);
  assert.deepEqual(rows.map((r) => r.kind).slice(0, 2), ['python', 'verification']);
  const row = labelled(rows, 'Python disagrees')!;
  assert.equal(row.description, 'verified at 14:20');
  assert.match(row.tooltip, /gets its token from Azure Developer CLI/);
  assert.match(row.tooltip, /- Python got its token from Azure Developer CLI, the view predicted Azure CLI/);
  const agreeing = chainViewRows({ phase: 'ready', scope, check: { ...good, verified: { at: at(14, 20), verification: { ...verification, agrees: true, differences: [] } } } }, options);
  assert.ok(labelled(agreeing, 'Python agrees'));
  assert.equal(chainViewRows({ phase: 'ready', scope, check: good }, options).some((r) => r.kind === 'verification'), false, 'nothing before a verification');
});

test('the Python row\'s label: a short path whole, a long one by its last folders, never more than 30 characters', () => {
  assert.equal(pythonRowLabel('/usr/bin/python3'), 'Python: /usr/bin/python3');
  assert.equal(pythonRowLabel('/home/dev/projects/payments-api/.venv/bin/python3.12'), 'Python: …/.venv/bin/python3.12');
  assert.equal(pythonRowLabel('C:\\Users\\dev\\projects\\api\\.venv\\Scripts\\python.exe'), 'Python: …\\Scripts\\python.exe');
  assert.equal(pythonRowLabel(`/opt/${'x'.repeat(40)}/python-with-a-very-long-name-3.12`), 'Python: …/-very-long-name-3.12');
  for (const path of ['/a', '/usr/bin/python3', '/tmp/ada-home-abc123/fake/python3', 'C:\\Python312\\python.exe', `/${'é'.repeat(60)}/python`]) {
    assert.ok([...pythonRowLabel(path)].length <= 30, pythonRowLabel(path));
  }
});
