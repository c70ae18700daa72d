// A ChainedTokenCredential of explicit credentials: its members run in its order with the rules of standalone
// credentials (an az error other than "not signed in" ends the chain, where DefaultAzureCredential goes on), and a
// member the source cannot tell makes the verdict say so. az is a script here, found through the user's own PATH.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chainedMembersOf, isLoneCall, loneMemberOf, modellableCalls } from '../../src/core/chain/chained';
import { evaluateChain } from '../../src/core/chain/engine';
import { ALL_CREDENTIALS, type CredentialName } from '../../src/core/chain/types';
import { findCredentialCalls } from '../../src/core/code/credentialCalls';

const scratch = mkdtempSync(join(tmpdir(), 'ada-chained-'));

function fakeAz(name: string, stderr: string): string {
  const bin = join(scratch, name, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'az'), `#!/bin/sh\necho ${JSON.stringify(stderr)} >&2\nexit 1\n`, { mode: 0o755 });
  return `${bin}:/usr/bin:/bin`;
}

/** Every DefaultAzureCredential source but az excluded: nothing here may ask a managed identity endpoint. */
const onlyCli = Object.fromEntries(ALL_CREDENTIALS.map((name) => [name, name !== 'AzureCliCredential'])) as Record<CredentialName, boolean>;

async function chainOf(source: string, path: string, version: string) {
  const calls = await findCredentialCalls(`from azure.identity import *\nimport app\ncredential = ${source}\n`);
  const chained = calls.find((c) => c.credential === 'ChainedTokenCredential');
  const env = { PATH: path, HOME: scratch };
  return evaluateChain({
    env, trustedPath: path, keywordArguments: { exclude: onlyCli }, azureIdentityVersion: version, versionSource: 'flag', brokerInstalled: false,
    ...(chained ? { chained: chainedMembersOf(chained) } : {}),
  });
}

const rows = (report: Awaited<ReturnType<typeof evaluateChain>>): string[] => report.sources.map((s) => `${s.credential}:${s.status}:${s.reached ? 'reached' : 'not-reached'}`);

for (const version of ['1.23.1', '1.26.0b3']) {
  test(`${version}: an az error ends a ChainedTokenCredential (ClientAuthenticationError) but not DefaultAzureCredential`, async () => {
    const path = fakeAz(`broken-${version}`, 'ERROR: The command failed with an unexpected error.');
    const chained = await chainOf('ChainedTokenCredential(AzureCliCredential(), EnvironmentCredential())', path, version);
    assert.deepEqual(rows(chained), ['AzureCliCredential:failed:reached', 'EnvironmentCredential:unavailable:not-reached']);
    assert.equal(chained.verdict.outcome, 'failure');
    assert.equal(chained.verdict.credential, 'AzureCliCredential');
    assert.match(chained.verdict.message, /^ChainedTokenCredential failed to retrieve a token from the included credentials\.\nAttempted credentials:\n\tAzureCliCredential: ERROR: The command failed/);

    const dac = await chainOf('DefaultAzureCredential()', path, version);
    assert.equal(dac.sources.find((s) => s.credential === 'AzureCliCredential')!.status, 'unavailable', 'inside DefaultAzureCredential the same error lets the chain go on');
  });
}

test('the members run in the order written, and only they', async () => {
  const path = fakeAz('signed-out', "ERROR: Please run 'az login' to setup account.");
  const forward = await chainOf('ChainedTokenCredential(EnvironmentCredential(), AzureCliCredential())', path, '1.23.1');
  const reverse = await chainOf('ChainedTokenCredential(AzureCliCredential(), EnvironmentCredential())', path, '1.23.1');
  const names = (r: typeof forward): CredentialName[] => r.sources.map((s) => s.credential);
  assert.deepEqual(names(forward), ['EnvironmentCredential', 'AzureCliCredential']);
  assert.deepEqual(names(reverse), ['AzureCliCredential', 'EnvironmentCredential']);
  assert.equal(forward.verdict.outcome, 'failure');
  assert.equal(forward.verdict.credential, null);
  assert.match(forward.verdict.message, /^ChainedTokenCredential failed .*\nAttempted credentials:\n\tEnvironmentCredential: .*\n\tAzureCliCredential: Please run 'az login'/s);
});

test('a member the source cannot tell: the verdict says it is not known, and names it', async () => {
  const path = fakeAz('unknown', "ERROR: Please run 'az login' to setup account.");
  const report = await chainOf('ChainedTokenCredential(AzureCliCredential(), app.fallback, EnvironmentCredential())', path, '1.23.1');
  assert.deepEqual(report.sources.map((s) => s.credential), ['AzureCliCredential']);
  assert.equal(report.verdict.outcome, 'not-checked');
  assert.equal(report.verdict.credential, null);
  assert.match(report.verdict.message, /member 2 \(app\.fallback\) is not a credential built in the call/);
  assert.ok(report.notes?.some((n) => n.includes('the members after it are not modelled')));

  // tenant_id and process_timeout are applied; what is not modelled is named.
  const withKeywords = await chainOf('ChainedTokenCredential(AzureCliCredential(tenant_id="t", process_timeout=30, additionally_allowed_tenants=["*"]))', path, '1.23.1');
  assert.ok(withKeywords.notes?.includes("ChainedTokenCredential's member 1 (AzureCliCredential): its keyword arguments additionally_allowed_tenants are not modelled; it is checked as if called without them."), String(withKeywords.notes));

  // A keyword the model applies, whose value is a name: unknown, not "not modelled".
  const fromName = await chainOf('ChainedTokenCredential(AzureCliCredential(tenant_id=TENANT, process_timeout=30), **extra)', path, '1.23.1');
  assert.ok(fromName.notes?.includes("ChainedTokenCredential's member 1 (AzureCliCredential): the source does not tell the value of tenant_id; it is checked as if called without it."), String(fromName.notes));
  assert.ok(!fromName.notes?.some((n) => n.includes('are not modelled')), String(fromName.notes));

  const broken = fakeAz('unknown-broken', 'ERROR: unexpected');
  const decided = await chainOf('ChainedTokenCredential(AzureCliCredential(), app.fallback)', broken, '1.23.1');
  assert.equal(decided.verdict.outcome, 'failure', 'a member that ends the chain before the unknown one decides it');
  assert.equal(decided.verdict.credential, 'AzureCliCredential');
});

test('members the model does not cover: another credential class, *args, a nested call of a variable', async () => {
  const [chained] = (await findCredentialCalls([
    'from azure.identity import ChainedTokenCredential, AzureCliCredential, ClientSecretCredential',
    'credential = ChainedTokenCredential(AzureCliCredential(), ClientSecretCredential(t, c, s), make(), *more)',
  ].join('\n'))).filter((c) => c.credential === 'ChainedTokenCredential');
  assert.deepEqual(chainedMembersOf(chained!).map((m) => (m.kind === 'credential' ? m.credential : `? ${m.text}`)),
    ['AzureCliCredential', '? ClientSecretCredential(…)', '? make()', '? *args']);
});

// A credential built on its own: the one member of its chain, whose get_token raises its own error (no chain's list).
async function loneOf(source: string, path: string, version: string) {
  const calls = modellableCalls(await findCredentialCalls(`from azure.identity import *\nimport app\ncredential = ${source}\n`));
  assert.equal(calls.length, 1, 'one call the chain models');
  assert.ok(isLoneCall(calls[0]!));
  const env = { PATH: path, HOME: scratch };
  return evaluateChain({
    env, trustedPath: path, keywordArguments: {}, azureIdentityVersion: version, versionSource: 'flag', brokerInstalled: false,
    chained: [loneMemberOf(calls[0]!)], lone: true,
  });
}

test('the calls the chain models: a ChainedTokenCredential\'s members are its own; a credential given to a client is on its own', async () => {
  const calls = await findCredentialCalls([
    'from azure.identity import *',
    'from azure.storage.blob import BlobServiceClient',
    'chain = ChainedTokenCredential(AzureCliCredential(), ManagedIdentityCredential(client_id="x"))',
    'blob = BlobServiceClient("https://a.blob.core.windows.net", credential=AzureCliCredential(tenant_id="t"))',
    'secret = ClientSecretCredential("t", "c", "s")',
    'dac = DefaultAzureCredential()',
  ].join('\n'));
  const modelled = modellableCalls(calls);
  assert.deepEqual(modelled.map((c) => `${c.credential}@${c.range.startLine}`), ['ChainedTokenCredential@2', 'AzureCliCredential@3', 'DefaultAzureCredential@5']);
  assert.deepEqual(modelled.map(isLoneCall), [false, true, false]);
  // ClientSecretCredential is not a source of the chain the model checks: not offered on its own.
  assert.ok(calls.some((c) => c.credential === 'ClientSecretCredential'));
});

for (const version of ['1.13.0b2', '1.23.1', '1.26.0b3']) {
  test(`${version}: AzureCliCredential() on its own, signed out: it raises its own CredentialUnavailableError`, async () => {
    const report = await loneOf('AzureCliCredential()', fakeAz(`lone-out-${version}`, "ERROR: Please run 'az login' to setup account."), version);
    assert.deepEqual(rows(report), ['AzureCliCredential:unavailable:reached']);
    assert.equal(report.sources[0]!.decisive, true, 'its error is what the code gets');
    assert.deepEqual({ ...report.verdict }, {
      outcome: 'failure', credential: 'AzureCliCredential', exceptionType: 'CredentialUnavailableError', message: report.sources[0]!.message,
    });
    assert.match(report.verdict.message, /^Please run 'az login'/);
    assert.doesNotMatch(report.verdict.message, /ChainedTokenCredential|Attempted credentials/);
  });
}

test('AzureCliCredential() on its own, az erring: ClientAuthenticationError with az\'s message; its keywords not modelled are noted', async () => {
  const report = await loneOf('AzureCliCredential(subscription="s")', fakeAz('lone-broken', 'ERROR: The command failed with an unexpected error.'), '1.23.1');
  assert.deepEqual(rows(report), ['AzureCliCredential:failed:reached']);
  assert.equal(report.verdict.exceptionType, 'ClientAuthenticationError');
  assert.match(report.verdict.message, /^ERROR: The command failed/);
  assert.deepEqual(report.notes, ['AzureCliCredential: its keyword arguments subscription are not modelled; it is checked as if called without them.']);
});

test('on its own, a constructor that raises is that credential\'s own call', async () => {
  const report = await loneOf('AzureCliCredential(process_timeout=5)', fakeAz('lone-ctor', 'unused'), '1.13.0b2');
  assert.equal(report.verdict.outcome, 'constructor-error');
  assert.equal(report.verdict.raisingCall, 'AzureCliCredential');
  assert.equal(report.verdict.message, "TypeError: AzureCliCredential.__init__() got an unexpected keyword argument 'process_timeout'");
});
