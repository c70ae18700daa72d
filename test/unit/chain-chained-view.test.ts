// The Credential Chain view on a ChainedTokenCredential(...) of the code: the extension's engine entry point checks its
// members in the order written (the request's `chained` reaches the engine), and the view names the call, lists the
// members, says which DefaultAzureCredential settings it does not apply, and does not offer Verify with Python
// (which runs DefaultAzureCredential). az is a script here, found through the user's own PATH.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngineFacade } from '../../src/core/engineFacade';
import type { ChainReport, SourceResult } from '../../src/core/chain/types';
import type { ChainSnapshot, CompletedCheck, SnapshotScope } from '../../src/core/presentation/snapshot';
import { setDefaultAzureCredentialKeys } from '../../src/core/presentation/settings';
import { chainViewRows, statusBarModel, verificationOffer } from '../../src/core/presentation/snapshotView';

const scratch = mkdtempSync(join(tmpdir(), 'ada-chained-view-'));
const bin = join(scratch, 'bin');
mkdirSync(bin, { recursive: true });
writeFileSync(join(bin, 'az'), `#!/bin/sh\necho "ERROR: Please run 'az login' to setup account." >&2\nexit 1\n`, { mode: 0o755 });
const PATH = `${bin}:/usr/bin:/bin`;

async function checkOf(source: string) {
  const engine = createEngineFacade();
  const calls = await engine.credentialCalls(`from azure.identity import ChainedTokenCredential, EnvironmentCredential, AzureCliCredential\n\ncredential = ${source}\n`);
  const call = calls.find((c) => c.credential === 'ChainedTokenCredential');
  assert.ok(call, 'the reader finds the call');
  const chained = engine.chainedMembers(call);
  const report = await engine.evaluate({
    env: { PATH, HOME: scratch }, trustedPath: PATH, interpreter: undefined, signal: new AbortController().signal,
    // What a setting would add for DefaultAzureCredential: a ChainedTokenCredential has no exclude_* keyword.
    keywordArguments: { exclude: { AzureCliCredential: true } },
    chained,
  });
  return { report, order: engine.chainOrder(undefined, chained), texts: engine.chainedMemberTexts(chained) };
}

test('the engine entry point checks the members in the order written, and only them', async () => {
  const forward = await checkOf('ChainedTokenCredential(EnvironmentCredential(), AzureCliCredential())');
  assert.deepEqual(forward.order, ['EnvironmentCredential', 'AzureCliCredential']);
  assert.deepEqual(forward.report.sources.map((s) => `${s.credential}:${s.status}`), ['EnvironmentCredential:unavailable', 'AzureCliCredential:unavailable']);
  assert.match(forward.report.verdict.message, /^ChainedTokenCredential failed to retrieve a token/);
  assert.deepEqual(forward.texts, ['EnvironmentCredential()', 'AzureCliCredential()']);

  const reverse = await checkOf('ChainedTokenCredential(AzureCliCredential(tenant_id="t"), EnvironmentCredential())');
  assert.deepEqual(reverse.report.sources.map((s) => s.credential), ['AzureCliCredential', 'EnvironmentCredential']);
  assert.deepEqual(reverse.texts, ['AzureCliCredential(tenant_id="t")', 'EnvironmentCredential()']);
  assert.ok(!reverse.report.notes?.some((n) => n.includes('tenant_id')), 'a literal tenant_id is applied (az --tenant), not noted');
});

const scope: SnapshotScope = { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false };
const interpreter = { path: '/usr/bin/python3', source: 'setting' as const };
function source(credential: SourceResult['credential'], change: Partial<SourceResult> = {}): SourceResult {
  return { credential, status: 'unavailable', reached: true, decisive: false, message: 'not configured', identity: null, expiresOn: null, elapsedMs: 5, ...change };
}
const report: ChainReport = {
  azureIdentityVersion: '1.27.0', versionSource: 'python', verification: null,
  sources: [source('EnvironmentCredential'), source('AzureCliCredential', { status: 'succeeded', decisive: true, message: '', identity: { upn: 'alice@contoso.example', tenantId: 't-1' } })],
  verdict: { outcome: 'token', credential: 'AzureCliCredential', message: '' },
  rules: { evidence: 'assumed', checkedVersions: [], modelledOn: '1.26.0b3', summary: 'azure-identity 1.27.0: rules not read', verifyAdvised: true },
};
const check = (ignoredSettings: string[]): CompletedCheck => ({
  report, python: { kind: 'answered', interpreter, azureIdentityVersion: '1.27.0', brokerInstalled: false }, checkedAt: 0,
  chained: { where: 'app.py:12', members: ['EnvironmentCredential()', 'AzureCliCredential()'], ignoredSettings },
});

test('the view names the call and its members; settings it does not apply are said, not applied', () => {
  const plain: ChainSnapshot = { phase: 'ready', scope, check: check([]) };
  const rows = chainViewRows(plain, { signInSources: new Set(), now: 0 });
  assert.deepEqual(rows.map((r) => r.kind), ['python', 'call', 'source', 'source']);
  const call = rows[1]!.model;
  assert.equal(call.label, 'ChainedTokenCredential at app.py:12');
  assert.equal(call.description, '2 members, in the order written');
  assert.match(call.tooltip, /1\. EnvironmentCredential\\\(\\\)\n2\. AzureCliCredential\\\(\\\)/);
  assert.match(call.tooltip, /exclude…, processTimeout, requireEnvvar\) do not apply/);
  assert.deepEqual(rows.slice(2).map((r) => r.model.label), ['Environment', 'Azure CLI']);

  const keys = setDefaultAzureCredentialKeys({ exclude: { AzureCliCredential: true, EnvironmentCredential: null }, processTimeout: null });
  assert.deepEqual(keys, ['excludeAzureCliCredential']);
  const withSettings = chainViewRows({ phase: 'ready', scope, check: check(keys) }, { signInSources: new Set(), now: 0 });
  const note = withSettings.find((r) => r.kind === 'note')!.model;
  assert.equal(note.label, 'Settings not applied: excludeAzureCliCredential');
  assert.equal(note.description, 'ChainedTokenCredential has no such keywords');
  assert.match(note.tooltip, /azureDevAuth\\\.defaultAzureCredential\\\.excludeAzureCliCredential/);

  // The status bar says which credential signs in; Verify with Python (DefaultAzureCredential) is not offered.
  assert.match(statusBarModel(plain, 0).tooltip, /\*\*ChainedTokenCredential\*\* signs in as \*\*alice@contoso\\\.example\*\* through \*\*Azure CLI\*\*/);
  assert.equal(verificationOffer(plain, []), undefined);
  const { chained: _chained, ...dacCheck } = check([]);
  assert.ok(verificationOffer({ phase: 'ready', scope, check: dacCheck }, []), 'the same check of DefaultAzureCredential is offered');

  // While it is checked again, and after a failed check (stale rows), the call stays named.
  const probing: ChainSnapshot = { phase: 'probing', scope, interpreter, python: undefined, order: ['EnvironmentCredential', 'AzureCliCredential'], finished: new Map(), previous: check([]), chained: check([]).chained! };
  assert.equal(chainViewRows(probing, { signInSources: new Set(), now: 0 })[1]!.model.label, 'ChainedTokenCredential at app.py:12');
  const failed: ChainSnapshot = { phase: 'failed', scope, interpreter, python: undefined, failure: { kind: 'engine', message: 'x' }, failedAt: 1, stale: check([]) };
  assert.ok(chainViewRows(failed, { signInSources: new Set(), now: 2 }).some((r) => r.kind === 'call'));
});

test('a credential built on its own: the engine checks it alone, and the view, the status bar and Verify say what it raises', async () => {
  const engine = createEngineFacade();
  const calls = engine.modellableCalls(await engine.credentialCalls('from azure.identity import AzureCliCredential\n\ncredential = AzureCliCredential(tenant_id="t")\n'));
  assert.equal(calls.length, 1);
  const member = engine.loneMember(calls[0]!);
  const checked = await engine.evaluate({
    env: { PATH, HOME: scratch }, trustedPath: PATH, interpreter: undefined, signal: new AbortController().signal,
    keywordArguments: { exclude: { AzureCliCredential: true } }, chained: [member], lone: true,
  });
  assert.deepEqual(checked.sources.map((s) => `${s.credential}:${s.status}`), ['AzureCliCredential:unavailable'], 'the setting does not exclude it');
  assert.equal(checked.verdict.exceptionType, 'CredentialUnavailableError');

  const lone: CompletedCheck = {
    report: checked, python: { kind: 'answered', interpreter, azureIdentityVersion: '1.23.1', brokerInstalled: false }, checkedAt: 0,
    chained: { where: 'app.py:3', members: engine.chainedMemberTexts([member]), ignoredSettings: ['excludeAzureCliCredential'], lone: true },
  };
  const snapshot: ChainSnapshot = { phase: 'ready', scope, check: lone };
  const rows = chainViewRows(snapshot, { signInSources: new Set(), now: 0 });
  const call = rows.find((r) => r.kind === 'call')!.model;
  assert.equal(call.label, 'AzureCliCredential(tenant_id="t") at app.py:3');
  assert.equal(call.description, 'built on its own');
  assert.doesNotMatch(call.tooltip, /ChainedTokenCredential/);
  const note = rows.find((r) => r.kind === 'note' && r.model.label.startsWith('Settings not applied'))!.model;
  assert.equal(note.description, 'AzureCliCredential has no such keywords');
  const source = rows.find((r) => r.kind === 'source')!.model;
  assert.equal(source.description, 'raises', 'no chain to stop');
  assert.match(source.tooltip, /`AzureCliCredential` is built on its own: its get_token raises `CredentialUnavailableError` with this message/);
  const headline = engine.credentialLens(snapshot);
  assert.match(headline, /^\$\(error\) AzureCliCredential\.get_token raises CredentialUnavailableError: Please run 'az login'/);
  const status = statusBarModel(snapshot, 0).tooltip;
  assert.match(status, /The code's AzureCliCredential at app\\\.py:3, built on its own:/);
  assert.match(status, /\*\*AzureCliCredential raises CredentialUnavailableError\*\*/);
  assert.equal(verificationOffer(snapshot, []), undefined, 'verified on request, as a ChainedTokenCredential');
});
