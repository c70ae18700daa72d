// The azure-identity that `pip install` gives today: where the engine's rules come from for each version (checked
// against the real library, read from a release, or assumed), what the Python row and `chain` say about it,
// require_envvar as a setting and a `chain` option, one engine input for both front ends, and the track-1 warning
// with its upgrade command (proved by running it in a shell).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatReport, parseChainArgs } from '../../src/cli/main';
import { evaluateChain } from '../../src/core/chain/engine';
import type { ChainReport } from '../../src/core/chain/types';
import {
  CHECKED_VERSIONS, familyIdFor, NEWEST_KNOWN_VERSION, REQUIRE_ENVVAR_MESSAGE, rulesEvidenceFor, rulesProvenance,
} from '../../src/core/chain/versions';
import { chainInputsFor, interpreterFactsOf } from '../../src/core/engineInput';
import { keywordArgumentsFromSettings } from '../../src/core/presentation/settings';
import type { ChainSnapshot } from '../../src/core/presentation/snapshot';
import { chainViewRows, statusBarModel, track1UpgradeCommand, verificationOffer } from '../../src/core/presentation/snapshotView';
import type { AzureIdentityDetection } from '../../src/core/python/detect';

test('rules provenance: the three versions run here are checked, older ones read, 1.26.0, 1.27.0 and anything newer assumed', () => {
  assert.deepEqual([...CHECKED_VERSIONS], ['1.13.0b2', '1.23.1', '1.26.0b3']);
  for (const v of ['1.13.0b2', '1.23.1', '1.26.0b3']) assert.equal(rulesEvidenceFor(v), 'checked', v);
  for (const v of ['1.12.0', '1.23.0', '1.24.0', '1.25.3', '1.26.0b2']) assert.equal(rulesEvidenceFor(v), 'read', v);
  for (const v of ['1.26.0', '1.27.0', '1.28.0b1', '2.0.0']) assert.equal(rulesEvidenceFor(v), 'assumed', v);
  assert.equal(NEWEST_KNOWN_VERSION, '1.27.0', 'what pip install azure-identity gives today');
  assert.equal(rulesProvenance('1.25.3').summary, 'azure-identity 1.25.3: rules read from its release, not yet checked against it here');
  const newest = rulesProvenance('1.27.0');
  assert.equal(newest.summary, 'azure-identity 1.27.0: rules not read from its release; those of 1.26.0b3 are assumed, not yet checked against it here');
  assert.equal(newest.modelledOn, '1.26.0b3');
  assert.equal(newest.verifyAdvised, true);
  assert.equal(rulesProvenance('1.23.1').verifyAdvised, false);
});

const EMPTY_ENV = { PATH: '/nonexistent', HOME: '/nonexistent', IDENTITY_ENDPOINT: 'http://127.0.0.1:9/x' };

test('chain --json carries the rules; the text says which versions were checked and asks for --verify on a modelled one', async () => {
  const report = await evaluateChain({
    env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } }, azureIdentityVersion: '1.27.0', versionSource: 'flag', brokerInstalled: false,
  });
  const json = JSON.parse(JSON.stringify(report)) as ChainReport;
  assert.equal(json.rules?.evidence, 'assumed');
  assert.deepEqual(json.rules?.checkedVersions, ['1.13.0b2', '1.23.1', '1.26.0b3']);
  const text = formatReport(report, {});
  assert.match(text, /azure-identity 1\.27\.0: rules not read from its release; those of 1\.26\.0b3 are assumed, not yet checked against it here — run again with --verify/);
  assert.match(text, /checked against the real azure-identity 1\.13\.0b2, 1\.23\.1, 1\.26\.0b3/);
  const checked = await evaluateChain({
    env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } }, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false,
  });
  assert.doesNotMatch(formatReport(checked, {}), /--verify/);
});

test('require_envvar: the chain option and the setting reach the engine, which raises the ValueError Python raises', async () => {
  assert.equal(parseChainArgs(['--require-envvar']).requireEnvvar, true);
  assert.equal(parseChainArgs([]).requireEnvvar, undefined);
  assert.throws(() => parseChainArgs(['--require-envvar=yes']), /takes no value/);
  assert.equal(keywordArgumentsFromSettings({ exclude: {}, processTimeout: null, requireEnvvar: true }).requireEnvvar, true);
  assert.equal('requireEnvvar' in keywordArgumentsFromSettings({ exclude: {}, processTimeout: null, requireEnvvar: null }), false);
  const inputs = { env: EMPTY_ENV, keywordArguments: { requireEnvvar: true }, versionSource: 'flag' as const, brokerInstalled: false };
  for (const version of ['1.25.0', '1.26.0b3', '1.27.0']) {
    const report = await evaluateChain({ ...inputs, azureIdentityVersion: version });
    assert.equal(report.verdict.outcome, 'constructor-error', version);
    assert.equal(report.verdict.exceptionType, 'ValueError');
    assert.match(report.verdict.message, new RegExp(REQUIRE_ENVVAR_MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
  // The exact text of 1.26.0b3's default.py.
  assert.equal(REQUIRE_ENVVAR_MESSAGE, "AZURE_TOKEN_CREDENTIALS environment variable is required but is not set or is empty. Set it to 'dev', 'prod', or a specific credential name.");
  const older = await evaluateChain({ ...inputs, azureIdentityVersion: '1.23.1' });
  assert.notEqual(older.verdict.outcome, 'constructor-error');
  assert.ok(older.notes?.some((n) => n.startsWith('require_envvar is not a keyword of azure-identity 1.23')));
  const set = await evaluateChain({ ...inputs, env: { ...EMPTY_ENV, AZURE_TOKEN_CREDENTIALS: 'dev' }, azureIdentityVersion: '1.27.0' });
  assert.notEqual(set.verdict.outcome, 'constructor-error');
});

const detection = (change: Partial<AzureIdentityDetection> = {}): AzureIdentityDetection => ({
  version: '1.26.0b3', versionSource: 'metadata', brokerInstalled: true, brokerRuntimeInstalled: false, msalVersion: '1.39.0', track1Packages: [],
  pythonVersion: '3.11.2', executable: '/v/bin/python', ...change,
});

test('one engine input: every fact a source reads goes from the detection to the engine, for the CLI and the view alike', () => {
  const inputs = chainInputsFor({ env: {}, keywordArguments: {}, interpreter: interpreterFactsOf(detection()) });
  assert.equal(inputs.azureIdentityVersion, '1.26.0b3');
  assert.equal(inputs.versionSource, 'python');
  assert.equal(inputs.brokerInstalled, true);
  assert.equal(inputs.brokerRuntimeInstalled, false);
  assert.equal(inputs.msalVersion, '1.39.0');
  // --azure-identity-version wins over the interpreter's, the interpreter's packages still count.
  const flagged = chainInputsFor({ env: {}, keywordArguments: {}, interpreter: interpreterFactsOf(detection()), versionOverride: '1.27.0' });
  assert.equal(flagged.azureIdentityVersion, '1.27.0');
  assert.equal(flagged.versionSource, 'flag');
  assert.equal(flagged.brokerRuntimeInstalled, false);
  // An interpreter without azure-identity decides nothing: the newest release is modelled.
  const none = chainInputsFor({ env: {}, keywordArguments: {}, interpreter: interpreterFactsOf(detection({ version: null })) });
  assert.equal(none.azureIdentityVersion, undefined);
  assert.equal(none.versionSource, 'default');
  assert.equal(none.brokerInstalled, false);
  assert.equal(familyIdFor(none.azureIdentityVersion), '1.26');
});

/** The tooltip as a person reads it: Markdown's backslash escapes removed. */
const plain = (markdown: string): string => markdown.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, '$1');

const scope = { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' as const }, multiRoot: false };
const interpreter = { path: '/w/api/.venv/bin/python', source: 'setting' as const };

async function readyRow(version: string, track1: AzureIdentityDetection['track1Packages'] = []) {
  const report = await evaluateChain({
    env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } }, azureIdentityVersion: version, versionSource: 'python', brokerInstalled: false,
  });
  const snapshot: ChainSnapshot = {
    phase: 'ready', scope,
    check: { report, python: { kind: 'answered', interpreter, azureIdentityVersion: version, brokerInstalled: false, track1Packages: track1 }, checkedAt: 0 },
  };
  const model = chainViewRows(snapshot, { signInSources: new Set() }).find((r) => r.kind === 'python')!.model;
  return { ...model, tooltip: plain(model.tooltip) };
}

test('the Python row says "modelled, not checked" for a version newer than any checked, and offers Verify with Python', async () => {
  const row = await readyRow('1.27.0');
  assert.equal(row.description, 'azure-identity 1.27.0 · rules not checked');
  assert.match(row.tooltip, /azure-identity 1\.27\.0: rules not read from its release; those of 1\.26\.0b3 are assumed, not yet checked against it here — Verify with Python/);
  assert.match(row.tooltip, /checked against the real azure-identity 1\.13\.0b2, 1\.23\.1 and 1\.26\.0b3/);
  assert.deepEqual(row.links.map((l) => l.action.kind), ['verify']);
  const read = await readyRow('1.25.3');
  assert.match(read.tooltip, /azure-identity 1\.25\.3: rules read from its release, not yet checked against it here — Verify with Python/);
  const checked = await readyRow('1.23.1');
  assert.equal(checked.description, 'azure-identity 1.23.1');
  assert.match(checked.tooltip, /azure-identity 1\.23\.1: rules checked against this version of the real library here\./);
  assert.deepEqual(checked.links, []);
});

test('track-1 libraries: the Python row warns, names each one and the error, and gives the upgrade command', async () => {
  const row = await readyRow('1.23.1', [{ name: 'azure-mgmt-resource', version: '10.2.0' }, { name: 'azure-mgmt-storage', version: '11.2.0' }]);
  assert.equal(row.description, 'azure-identity 1.23.1 · 2 track-1 libraries');
  assert.equal(row.icon, 'warning');
  assert.match(row.tooltip, /azure-mgmt-resource 10\.2\.0, azure-mgmt-storage 11\.2\.0/);
  assert.match(row.tooltip, /object has no attribute 'signed_session'/);
  assert.match(row.tooltip, /```sh\n\/w\/api\/\.venv\/bin\/python -m pip install --upgrade azure-mgmt-resource azure-mgmt-storage\n```/);
  const none = await readyRow('1.23.1');
  assert.doesNotMatch(none.tooltip, /track-1/i);
});

test('the upgrade command, pasted into a shell, runs the interpreter with exactly these arguments, whatever its path', () => {
  const dir = mkdtempSync(join(tmpdir(), "py path with 'quotes' $HOME `x` "));
  try {
    const fake = join(dir, 'python');
    const out = join(dir, 'argv.json');
    writeFileSync(fake, `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`);
    chmodSync(fake, 0o755);
    const command = track1UpgradeCommand(fake, [{ name: 'azure-mgmt-resource', version: '10.2.0' }, { name: 'azure-mgmt-compute', version: '12.0.0' }]);
    const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), ['-m', 'pip', 'install', '--upgrade', 'azure-mgmt-resource', 'azure-mgmt-compute']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the first check of a version whose rules were not checked offers Verify with Python once, in a trusted workspace only', async () => {
  const report = await evaluateChain({
    env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } }, azureIdentityVersion: '1.27.0', versionSource: 'python', brokerInstalled: false,
  });
  const check = { report, python: { kind: 'answered' as const, interpreter, azureIdentityVersion: '1.27.0', brokerInstalled: false }, checkedAt: 0 };
  const ready: ChainSnapshot = { phase: 'ready', scope, check };
  assert.deepEqual(verificationOffer(ready, []), {
    version: '1.27.0',
    message: 'azure-identity 1.27.0: rules not read from its release; those of 1.26.0b3 are assumed, not yet checked against it here — Verify with Python',
  });
  assert.equal(verificationOffer(ready, ['1.27.0']), undefined, 'offered once per version');
  assert.equal(verificationOffer({ ...ready, scope: { ...scope, trusted: false } }, []), undefined, 'never in Restricted Mode');
  const checked = await evaluateChain({ ...{ env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } } }, azureIdentityVersion: '1.23.1', versionSource: 'python', brokerInstalled: false });
  assert.equal(verificationOffer({ phase: 'ready', scope, check: { ...check, report: checked } }, []), undefined, 'nothing to offer for a checked version');
});

test('the status bar tooltip says when the version\'s rules were not checked', async () => {
  const report = await evaluateChain({
    env: EMPTY_ENV, keywordArguments: { exclude: { ManagedIdentityCredential: true } }, azureIdentityVersion: '1.27.0', versionSource: 'python', brokerInstalled: false,
  });
  const python = { kind: 'answered' as const, interpreter, azureIdentityVersion: '1.27.0', brokerInstalled: false };
  const tooltip = plain(statusBarModel({ phase: 'ready', scope, check: { report, python, checkedAt: 0 } }).tooltip);
  assert.match(tooltip, /- azure-identity: 1\.27\.0 — rules not checked against it here/);
});
