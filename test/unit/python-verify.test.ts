// Reading what the real DefaultAzureCredential did (from the verify script's records) and comparing it with the
// engine's report, on hand-written script output. The same code runs against the real library in
// test/integration/python-verify.test.ts and chain-agreement.test.ts; these cases pin the rules down one by one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChainReport, CredentialName, SourceResult, SourceStatus, Verdict } from '../../src/core/chain/types';
import {
  attemptedCredentials, booleanKeywords, compareWithReport, describeCall, excludeKeywords, interpretPythonRun, parseVerifyOutput,
  SCRIPT_MARKER, verificationFrom,
  type PythonOutcome,
} from '../../src/core/python';

const PY = '/usr/bin/python3';
const record = (fields: Record<string, unknown>): string => SCRIPT_MARKER + JSON.stringify(fields);
const log = (message: string, logger = 'azure.identity._internal.decorators'): string =>
  record({ kind: 'log', logger, level: 'DEBUG', message, exception: null, t: 5 });
const meta = (version = '1.13.0b2', ignoredKeywords: string[] = []): string =>
  record({ kind: 'meta', version, pythonVersion: '3.11.2', executable: PY, keywords: {}, ignoredKeywords });
const outcomeOf = (lines: string[]): PythonOutcome => interpretPythonRun(PY, parseVerifyOutput(lines.join('\n')));

const ENV_UNAVAILABLE = 'EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\nVisit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot.this issue.';

describe('reading what the real library did', () => {
  test('a hard failure: members before it unavailable, the one named by the chain failed, inner credentials ignored', () => {
    const out = outcomeOf([
      'some tool printed this on stdout',
      meta(),
      record({ kind: 'chain', credentials: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential'] }),
      log(`EnvironmentCredential.get_token failed: ${ENV_UNAVAILABLE}`),
      log('ImdsCredential.get_token failed: inner detail', 'azure.identity._internal.get_token_mixin'),
      log('ManagedIdentityCredential.get_token failed: ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.'),
      log('SharedTokenCacheCredential.get_token failed: SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.'),
      log('VSCodeCredential.get_token failed: Failed to get Azure user details from Visual Studio Code.'),
      log('AzureCliCredential.get_token failed: ERROR: boom\n'),
      log('DefaultAzureCredential.get_token failed: AzureCliCredential raised unexpected error "ERROR: boom\n"', 'azure.identity._credentials.chained'),
      `${SCRIPT_MARKER}{"kind": "log", "message": "cut sh`,
      record({ kind: 'failure', exception: 'ClientAuthenticationError', message: 'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials: …', elapsedMs: 420 }),
    ]);
    assert.deepEqual(out.attempts.map((a) => [a.credential, a.status]), [
      ['EnvironmentCredential', 'unavailable'],
      ['ManagedIdentityCredential', 'unavailable'],
      ['SharedTokenCacheCredential', 'unavailable'],
      ['VisualStudioCodeCredential', 'unavailable'],
      ['AzureCliCredential', 'failed'],
    ]);
    assert.equal(out.attempts[0]!.message, ENV_UNAVAILABLE);
    assert.equal(out.attempts[4]!.message, 'ERROR: boom\n');
    assert.deepEqual([out.verdict?.outcome, out.verdict?.credential], ['failure', 'AzureCliCredential']);
    assert.equal(out.azureIdentityVersion, '1.13.0b2');
    assert.equal(out.elapsedMs, 420);
    assert.equal(out.problem, undefined);
  });

  test('every member unavailable: a failure that names no credential', () => {
    const out = outcomeOf([
      meta('1.23.1'),
      record({ kind: 'chain', credentials: ['EnvironmentCredential', 'AzureCliCredential'] }),
      log(`EnvironmentCredential.get_token failed: ${ENV_UNAVAILABLE}`),
      log("AzureCliCredential.get_token failed: Please run 'az login' to set up an account"),
      record({ kind: 'failure', exception: 'ClientAuthenticationError', message: 'DefaultAzureCredential failed to retrieve a token', elapsedMs: 10 }),
    ]);
    assert.deepEqual(out.verdict, { outcome: 'failure', credential: null, message: 'DefaultAzureCredential failed to retrieve a token' });
    assert.ok(out.attempts.every((a) => a.status === 'unavailable'));
  });

  test('a token: the winning member, its claims and expiry; members after it were not tried', () => {
    const expiresOn = Math.floor(Date.parse('2030-01-01T00:00:00Z') / 1000);
    const out = outcomeOf([
      meta('1.23.1'),
      record({ kind: 'chain', credentials: ['EnvironmentCredential', 'AzureCliCredential', 'AzurePowerShellCredential'] }),
      log(`EnvironmentCredential.get_token failed: ${ENV_UNAVAILABLE}`),
      log('AzureCliCredential.get_token succeeded'),
      log('[Authenticated account] Client ID: 04b0. Tenant ID: t-1. User Principal Name: alice@contoso. Object ID (user): o-1'),
      log('DefaultAzureCredential acquired a token from AzureCliCredential', 'azure.identity._credentials.chained'),
      record({ kind: 'token', credential: 'AzureCliCredential', identity: { upn: 'alice@contoso', appId: '04b0', objectId: 'o-1', tenantId: 't-1' }, expiresOn, elapsedMs: 300 }),
    ]);
    assert.deepEqual(out.attempts.map((a) => `${a.credential}:${a.status}`), ['EnvironmentCredential:unavailable', 'AzureCliCredential:succeeded']);
    assert.deepEqual([out.verdict?.outcome, out.verdict?.credential], ['token', 'AzureCliCredential']);
    assert.deepEqual(out.identity, { upn: 'alice@contoso', appId: '04b0', objectId: 'o-1', tenantId: 't-1' });
    assert.equal(out.expiresOn, '2030-01-01T00:00:00.000Z');
  });

  test('a constructor error: its exception type, message and the member that raised it; nothing tried', () => {
    const out = outcomeOf([
      meta('1.23.1'),
      record({ kind: 'constructor-error', exception: 'ValueError', message: 'secret should be a Microsoft Entra application\'s client secret', credential: 'EnvironmentCredential', elapsedMs: 3 }),
    ]);
    assert.deepEqual(out.verdict, { outcome: 'constructor-error', credential: 'EnvironmentCredential', message: "secret should be a Microsoft Entra application's client secret", exceptionType: 'ValueError' });
    assert.deepEqual(out.attempts, []);
    assert.equal(out.chain, null);
  });

  test('output that stops before an answer is a problem, not a verdict', () => {
    const out = outcomeOf([meta(), record({ kind: 'chain', credentials: ['EnvironmentCredential'] })]);
    assert.equal(out.verdict, null);
    assert.equal(out.problem, 'the verification script stopped before DefaultAzureCredential answered');
    assert.equal(outcomeOf(['Traceback (most recent call last):']).problem, 'the verification script printed nothing');
  });

  test('anything shaped like a token in relayed text is blanked', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJvLTEifQ.c2lnbmF0dXJl';
    const out = outcomeOf([
      meta(),
      record({ kind: 'chain', credentials: ['AzureCliCredential'] }),
      log(`AzureCliCredential.get_token failed: Unexpected output from Azure CLI: '{"accessToken": "${jwt}"'`),
      log(`DefaultAzureCredential.get_token failed: AzureCliCredential raised unexpected error "${jwt}"`, 'azure.identity._credentials.chained'),
      record({ kind: 'failure', exception: 'ClientAuthenticationError', message: `failed: ${jwt}`, elapsedMs: 1 }),
    ]);
    assert.equal(out.attempts[0]!.message, `Unexpected output from Azure CLI: '{"accessToken": "<redacted>"'`);
    assert.ok(!JSON.stringify(out).includes(jwt));
  });

  test('members that log nothing (1.24+): a stand-in under its name, the broker, read from the chain\'s own account', () => {
    const stand = "WorkloadIdentityCredential authentication unavailable. The workload options are not fully configured. Missing required arguments: 'tenant_id'.";
    const chain = record({
      kind: 'chain', credentials: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'AzureCliCredential', 'BrokerCredential'],
      standIns: [{ credential: 'WorkloadIdentityCredential', message: stand }],
    });
    // A token after the stand-in: it raised "unavailable" (the chain went on), with the error it carries.
    const won = outcomeOf([
      meta('1.26.0b3'), chain,
      log(`EnvironmentCredential.get_token failed: ${ENV_UNAVAILABLE}`),
      log('AzureCliCredential.get_token succeeded'),
      record({ kind: 'token', credential: 'AzureCliCredential', identity: null, expiresOn: 2000000000, elapsedMs: 10 }),
    ]);
    assert.deepEqual(won.attempts.map((a) => [a.credential, a.status, a.message]), [
      ['EnvironmentCredential', 'unavailable', ENV_UNAVAILABLE], ['WorkloadIdentityCredential', 'unavailable', stand], ['AzureCliCredential', 'succeeded', ''],
    ]);
    // A failed chain lists every member it called, messages spanning lines included; the broker is read from there.
    const failed = outcomeOf([
      meta('1.26.0b3'), chain,
      log(`EnvironmentCredential.get_token failed: ${ENV_UNAVAILABLE}`),
      log("AzureCliCredential.get_token failed: Please run 'az login' to set up an account"),
      record({
        kind: 'failure', exception: 'ClientAuthenticationError', elapsedMs: 10,
        message: 'DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n'
          + `\tEnvironmentCredential: ${ENV_UNAVAILABLE}\n\tWorkloadIdentityCredential: ${stand}\n`
          + "\tAzureCliCredential: Please run 'az login' to set up an account\n"
          + '\tBrokerCredential: InteractiveBrowserBrokerCredential unavailable. Brokered authentication is only supported on Windows and WSL platforms.\n'
          + 'To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.',
      }),
    ]);
    assert.deepEqual(failed.attempts.map((a) => [a.credential, a.status]), [
      ['EnvironmentCredential', 'unavailable'], ['WorkloadIdentityCredential', 'unavailable'], ['AzureCliCredential', 'unavailable'], ['BrokerCredential', 'unavailable'],
    ]);
    assert.equal(failed.attempts[3]!.message, 'InteractiveBrowserBrokerCredential unavailable. Brokered authentication is only supported on Windows and WSL platforms.');
    assert.deepEqual(attemptedCredentials(failed.verdict?.message ?? '').get('EnvironmentCredential'), ENV_UNAVAILABLE);
  });

  test('azure-identity missing from the interpreter', () => {
    const out = outcomeOf([record({ kind: 'import-error', exception: 'ModuleNotFoundError', message: "No module named 'azure'", version: null })]);
    assert.equal(out.verdict, null);
    assert.equal(out.problem, `azure-identity could not be imported in ${PY}: ModuleNotFoundError: No module named 'azure'`);
  });
});

describe('keyword arguments', () => {
  test('class names map to the exclude_* keywords; unset ones are not passed', () => {
    const kwargs = { exclude: { AzureCliCredential: true, VisualStudioCodeCredential: false, AzureDeveloperCliCredential: undefined } };
    assert.deepEqual(excludeKeywords(kwargs), { exclude_cli_credential: true, exclude_visual_studio_code_credential: false });
    assert.equal(describeCall({ ...kwargs, processTimeoutSeconds: 5 }),
      'DefaultAzureCredential(exclude_cli_credential=True, exclude_visual_studio_code_credential=False, process_timeout=5)');
  });
  test('require_envvar is passed like the other True/False keywords', () => {
    assert.deepEqual(booleanKeywords({ exclude: { AzureCliCredential: false }, requireEnvvar: true }), { exclude_cli_credential: false, require_envvar: true });
    assert.equal(describeCall({ requireEnvvar: true }), 'DefaultAzureCredential(require_envvar=True)');
  });
});

// ---------------------------------------------------------------------------------------------------------------

function source(credential: CredentialName, status: SourceStatus, reached: boolean, message = '', extra: Partial<SourceResult> = {}): SourceResult {
  return { credential, status, reached, decisive: false, message, identity: null, expiresOn: null, elapsedMs: 1, ...extra };
}

function report(verdict: Verdict, sources: SourceResult[]): ChainReport {
  return { azureIdentityVersion: '1.23.1', versionSource: 'python', sources, verdict, verification: null };
}

function python(partial: Partial<PythonOutcome>): PythonOutcome {
  return {
    python: PY, azureIdentityVersion: '1.23.1', pythonVersion: '3.11.2', executable: PY, ignoredKeywords: [],
    chain: ['EnvironmentCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'AzurePowerShellCredential'],
    attempts: [], verdict: null, identity: null, expiresOn: null, elapsedMs: 100, ...partial,
  };
}

const ALICE = { upn: 'alice@contoso', objectId: 'o-alice', tenantId: 't-1' };
const azToken: Verdict = { outcome: 'token', credential: 'AzureCliCredential', message: 'DefaultAzureCredential acquired a token from AzureCliCredential' };
const engineAz = report(azToken, [
  source('EnvironmentCredential', 'unavailable', true, 'env unavailable'),
  source('ManagedIdentityCredential', 'unavailable', true, 'mi unavailable'),
  source('AzureCliCredential', 'succeeded', true, '', { decisive: true, identity: ALICE }),
  source('AzurePowerShellCredential', 'succeeded', false),
  source('InteractiveBrowserCredential', 'excluded', false, 'Excluded by default.'),
]);
const pythonAz = python({
  verdict: azToken, identity: ALICE,
  attempts: [
    { credential: 'EnvironmentCredential', status: 'unavailable', message: 'env unavailable' },
    { credential: 'ManagedIdentityCredential', status: 'unavailable', message: 'mi unavailable' },
    { credential: 'AzureCliCredential', status: 'succeeded', message: '' },
  ],
});

describe('comparing with the engine', () => {
  test('the same verdict and statuses agree; sources after the decisive one and excluded ones are not compared', () => {
    const v = verificationFrom(engineAz, pythonAz);
    assert.equal(v.agrees, true);
    assert.deepEqual(v.differences, []);
    assert.deepEqual(v.notes, []);
    assert.equal(v.azureIdentityVersion, '1.23.1');
    assert.deepEqual(v.verdict, azToken);
    assert.equal(v.sources?.length, 3);
  });

  test('a different verdict is one sentence naming both answers', () => {
    const failed: Verdict = { outcome: 'failure', credential: 'AzureCliCredential', message: 'x' };
    const py = python({ verdict: failed, attempts: [...pythonAz.attempts.slice(0, 2), { credential: 'AzureCliCredential', status: 'failed', message: 'ERROR: boom' }] });
    const { differences } = compareWithReport(engineAz, py);
    assert.deepEqual(differences, [
      'Verdict: the engine predicts a token from AzureCliCredential, but the real library (azure-identity 1.23.1) failed: AzureCliCredential stopped the chain.',
      'AzureCliCredential: the engine says it yields a token, but the real library (azure-identity 1.23.1) says it failed and stopped the chain: "ERROR: boom".',
    ]);
  });

  test('a source Python tried that the engine excludes or does not reach', () => {
    const engine = report(azToken, [
      source('EnvironmentCredential', 'excluded', false, 'Excluded by AZURE_TOKEN_CREDENTIALS=dev.'),
      source('ManagedIdentityCredential', 'unavailable', true, 'mi unavailable'),
      source('AzureCliCredential', 'succeeded', true, '', { decisive: true }),
    ]);
    assert.deepEqual(compareWithReport(engine, pythonAz).differences, [
      'EnvironmentCredential: the real library (azure-identity 1.23.1) tried it (it was unavailable: "env unavailable"), but the engine says it is excluded.',
    ]);
  });

  test('a source the engine reaches that the library never built, or never got to', () => {
    const engine = report(azToken, [
      ...engineAz.sources.slice(0, 2),
      source('WorkloadIdentityCredential', 'unavailable', true, 'wi unavailable'),
      ...engineAz.sources.slice(2),
    ]);
    assert.deepEqual(compareWithReport(engine, pythonAz).differences, [
      'WorkloadIdentityCredential: the engine says Python reaches it and it is unavailable (the chain goes on), but the real library (azure-identity 1.23.1) did not put it in the chain it built.',
    ]);
    const reachesPwsh = report(azToken, engineAz.sources.map((s) => s.credential === 'AzurePowerShellCredential' ? { ...s, reached: true } : s));
    assert.deepEqual(compareWithReport(reachesPwsh, pythonAz).differences, [
      'AzurePowerShellCredential: the engine says Python reaches it and it yields a token, but the real library (azure-identity 1.23.1) never called it (the chain ended before it).',
    ]);
  });

  test('the same source but a different person is a disagreement', () => {
    const py = { ...pythonAz, identity: { upn: 'bob@contoso', objectId: 'o-bob', tenantId: 't-1' } };
    assert.deepEqual(compareWithReport(engineAz, py).differences, [
      "Identity: the engine's token from AzureCliCredential is for alice@contoso in tenant t-1, but the real library (azure-identity 1.23.1)'s is for bob@contoso in tenant t-1.",
    ]);
  });

  test('different message texts with the same status are notes, not disagreements', () => {
    const py = python({ ...pythonAz, attempts: pythonAz.attempts.map((a) => a.credential === 'ManagedIdentityCredential' ? { ...a, message: 'mi unavailable, no response' } : a) });
    const v = verificationFrom(engineAz, py);
    assert.equal(v.agrees, true);
    assert.deepEqual(v.notes, ['ManagedIdentityCredential: same status (unavailable), different message. Engine: "mi unavailable". Python: "mi unavailable, no response".']);
  });

  test('constructor errors agree on the credential; "ValueError: x" equals x with its exception type', () => {
    const engine = report({ outcome: 'constructor-error', credential: null, message: 'ValueError: Invalid value', exceptionType: 'ValueError' }, []);
    const py = python({ chain: null, verdict: { outcome: 'constructor-error', credential: null, message: 'Invalid value', exceptionType: 'ValueError' } });
    const v = verificationFrom(engine, py);
    assert.deepEqual([v.agrees, v.differences, v.notes], [true, [], []]);
    const other = python({ chain: null, verdict: { outcome: 'constructor-error', credential: 'EnvironmentCredential', message: 'secret…', exceptionType: 'ValueError' } });
    assert.deepEqual(compareWithReport(engine, other).differences, [
      'Verdict: the engine predicts DefaultAzureCredential() raising, but the real library (azure-identity 1.23.1) raised in DefaultAzureCredential() (from EnvironmentCredential): ValueError: secret….',
    ]);
  });

  test('an interpreter that could not run is a disagreement that says why', () => {
    const v = verificationFrom(engineAz, python({ verdict: null, azureIdentityVersion: null, problem: 'Python interpreter not found: /nope' }));
    assert.equal(v.agrees, false);
    assert.deepEqual(v.differences, ['The real library could not be run: Python interpreter not found: /nope']);
    assert.equal(v.problem, 'Python interpreter not found: /nope');
    assert.equal(v.azureIdentityVersion, 'unknown');
  });
});

describe('a credential built on its own', () => {
  const lone = (lines: string[]): PythonOutcome => interpretPythonRun(PY, parseVerifyOutput(lines.join('\n')), 'lone');
  const CLI_OUT = "Please run 'az login' to set up an account";
  test('unavailable: it raised CredentialUnavailableError with its own message; no chain stopped', () => {
    const out = lone([
      meta('1.23.1'), record({ kind: 'chain', credentials: ['AzureCliCredential'] }),
      log(`AzureCliCredential.get_token failed: ${CLI_OUT}`),
      record({ kind: 'failure', exception: 'CredentialUnavailableError', message: CLI_OUT, elapsedMs: 30 }),
    ]);
    assert.deepEqual(out.attempts, [{ credential: 'AzureCliCredential', status: 'unavailable', message: CLI_OUT }]);
    assert.deepEqual(out.verdict, { outcome: 'failure', credential: 'AzureCliCredential', message: CLI_OUT, exceptionType: 'CredentialUnavailableError' });
  });
  test('failed: ClientAuthenticationError; a token: its own log line, and the credential is the one built', () => {
    const failed = lone([
      meta('1.23.1'), record({ kind: 'chain', credentials: ['AzureCliCredential'] }),
      record({ kind: 'failure', exception: 'ClientAuthenticationError', message: 'ERROR: boom', elapsedMs: 30 }),
    ]);
    assert.deepEqual(failed.attempts.map((a) => a.status), ['failed']);
    assert.equal(failed.verdict?.exceptionType, 'ClientAuthenticationError');
    const token = lone([
      meta('1.23.1'), record({ kind: 'chain', credentials: ['ManagedIdentityCredential'] }),
      log('ManagedIdentityCredential.get_token succeeded'),
      record({ kind: 'token', credential: 'ManagedIdentityCredential', identity: null, expiresOn: 2_000_000_000, elapsedMs: 10 }),
    ]);
    assert.deepEqual(token.verdict, { outcome: 'token', credential: 'ManagedIdentityCredential', message: 'ManagedIdentityCredential.get_token succeeded' });
    assert.deepEqual(token.attempts.map((a) => `${a.credential}:${a.status}`), ['ManagedIdentityCredential:succeeded']);
  });
});
