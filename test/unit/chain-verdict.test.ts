// The chain's semantics, table-driven per version family: given what each source would do, which one decides,
// which are reached, and the exact message Python raises.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialName } from '../../src/core/chain/types';
import { aggregateFailureMessage, applyVerdict, type SourceOutcome, type SourceRecord } from '../../src/core/chain/verdict';
import { familyFor, planExclusions } from '../../src/core/chain/versions';

const ENV_UNAVAILABLE_LEGACY = familyFor('1.13.0b2').messages.environmentUnavailable;
const ENV_UNAVAILABLE = familyFor('1.23.1').messages.environmentUnavailable;
const ALICE = { identity: { upn: 'alice@contoso.example', objectId: 'o-a', tenantId: 't-1' }, expiresOn: 2_000_000_000 };
const BOB = { identity: { upn: 'bob@contoso.example', objectId: 'o-b', tenantId: 't-1' }, expiresOn: 2_000_000_000 };

type Short = 'token' | 'token-bob' | `unavailable:${string}` | `failed:${string}` | `ctor:${string}` | 'not-in-chain';

function outcome(short: Short): SourceOutcome {
  if (short === 'token') return { kind: 'token', facts: ALICE };
  if (short === 'token-bob') return { kind: 'token', facts: BOB };
  if (short === 'not-in-chain') return { kind: 'not-in-chain', message: 'not constructed' };
  const [kind, ...rest] = short.split(':');
  const message = rest.join(':');
  if (kind === 'unavailable') return { kind: 'unavailable', message };
  if (kind === 'failed') return { kind: 'failed', message };
  return { kind: 'constructor-error', error: { exceptionType: 'ValueError', message, credential: null } };
}

interface Row {
  readonly name: string;
  readonly version: string;
  readonly exclude?: Partial<Record<CredentialName, boolean>>;
  readonly env?: Record<string, string>;
  /** Every source not listed is unavailable with message "<Name> n/a". */
  readonly outcomes: Partial<Record<CredentialName, Short>>;
  readonly expect: { outcome: string; credential: CredentialName | null; reached: CredentialName[]; messageIncludes?: string[]; message?: string };
}

function decide(row: Row): ReturnType<typeof applyVerdict> {
  const behaviour = familyFor(row.version);
  const plan = planExclusions(behaviour, row.exclude ?? {}, row.env ?? {});
  const records: SourceRecord[] = behaviour.order.map((credential) => ({
    credential,
    elapsedMs: 1,
    outcome: plan.excluded[credential]
      ? { kind: 'excluded', message: plan.reasons[credential] ?? '' }
      : outcome(row.outcomes[credential] ?? `unavailable:${credential} n/a`),
  }));
  return applyVerdict(behaviour, records, plan.error);
}

const ROWS: Row[] = [
  {
    name: 'legacy: az gives the token after three unavailable sources; pwsh is not reached',
    version: '1.13.0b2',
    outcomes: { EnvironmentCredential: `unavailable:${ENV_UNAVAILABLE_LEGACY}`, AzureCliCredential: 'token', AzurePowerShellCredential: 'token-bob' },
    expect: { outcome: 'token', credential: 'AzureCliCredential', reached: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzureCliCredential'], message: 'DefaultAzureCredential acquired a token from AzureCliCredential' },
  },
  {
    name: 'legacy: an az error that is not "log in" stops the chain before pwsh',
    version: '1.13.0b2',
    outcomes: { AzureCliCredential: 'failed:ERROR: something broke', AzurePowerShellCredential: 'token' },
    expect: { outcome: 'failure', credential: 'AzureCliCredential', reached: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzureCliCredential'], messageIncludes: ['\tAzureCliCredential: ERROR: something broke\nTo mitigate'] },
  },
  {
    name: 'legacy: excluding az lets pwsh decide',
    version: '1.13.0b2',
    exclude: { AzureCliCredential: true },
    outcomes: { AzureCliCredential: 'token-bob', AzurePowerShellCredential: 'token' },
    expect: { outcome: 'token', credential: 'AzurePowerShellCredential', reached: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzurePowerShellCredential'] },
  },
  {
    name: 'legacy: VS Code included by keyword is tried before az',
    version: '1.13.0b2',
    exclude: { VisualStudioCodeCredential: false },
    outcomes: { VisualStudioCodeCredential: 'unavailable:Failed to get Azure user details from Visual Studio Code.', AzureCliCredential: 'token' },
    expect: { outcome: 'token', credential: 'AzureCliCredential', reached: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential'] },
  },
  {
    name: '1.13 family: a complete service principal that fails stops everything after it',
    version: '1.20.0',
    outcomes: { EnvironmentCredential: 'failed:Authentication failed: AADSTS7000215: Invalid client secret provided.', AzureCliCredential: 'token' },
    expect: { outcome: 'failure', credential: 'EnvironmentCredential', reached: ['EnvironmentCredential'], messageIncludes: ['Attempted credentials:\n\tEnvironmentCredential: Authentication failed: AADSTS7000215'] },
  },
  {
    name: '1.23: workload identity not configured is not part of the chain nor of the message',
    version: '1.23.1',
    outcomes: { WorkloadIdentityCredential: 'not-in-chain' },
    expect: {
      outcome: 'failure', credential: null,
      reached: ['EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential'],
    },
  },
  {
    name: '1.23: AZURE_TOKEN_CREDENTIALS=prod leaves only the deployed-service sources',
    version: '1.23.1',
    env: { AZURE_TOKEN_CREDENTIALS: 'prod' },
    outcomes: { AzureCliCredential: 'token' },
    expect: { outcome: 'failure', credential: null, reached: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'] },
  },
  {
    name: '1.23: an invalid AZURE_TOKEN_CREDENTIALS makes the constructor raise',
    version: '1.23.1',
    env: { AZURE_TOKEN_CREDENTIALS: 'cli' },
    outcomes: { AzureCliCredential: 'token' },
    expect: { outcome: 'constructor-error', credential: null, reached: [], message: "ValueError: Invalid value for AZURE_TOKEN_CREDENTIALS: cli. Valid values are 'dev' or 'prod'." },
  },
  {
    name: '1.23: the constructor of workload identity raises before any token is requested',
    version: '1.23.1',
    outcomes: { EnvironmentCredential: 'token', WorkloadIdentityCredential: "ctor:'client_id' is required. Please pass it in or set the AZURE_CLIENT_ID environment variable" },
    expect: { outcome: 'constructor-error', credential: 'WorkloadIdentityCredential', reached: [], messageIncludes: ["ValueError: 'client_id' is required"] },
  },
  {
    name: '1.24: AZURE_TOKEN_CREDENTIALS=AzureCliCredential keeps only az',
    version: '1.24.0',
    env: { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' },
    outcomes: { EnvironmentCredential: 'token-bob', AzureCliCredential: 'token' },
    expect: { outcome: 'token', credential: 'AzureCliCredential', reached: ['AzureCliCredential'] },
  },
  {
    name: '1.25: VS Code and the broker are in the default chain',
    version: '1.25.0',
    outcomes: {},
    expect: {
      outcome: 'failure', credential: null,
      reached: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential', 'BrokerCredential'],
    },
  },
  {
    name: 'every source excluded: ChainedTokenCredential needs at least one',
    version: '1.13.0b2',
    exclude: { EnvironmentCredential: true, ManagedIdentityCredential: true, SharedTokenCacheCredential: true, AzureCliCredential: true, AzurePowerShellCredential: true },
    outcomes: {},
    expect: { outcome: 'constructor-error', credential: null, reached: [], message: 'ValueError: at least one credential is required' },
  },
];

for (const row of ROWS) {
  test(`verdict — ${row.name}`, () => {
    const { verdict, sources } = decide(row);
    assert.equal(verdict.outcome, row.expect.outcome);
    assert.equal(verdict.credential, row.expect.credential);
    assert.deepEqual(sources.filter((s) => s.reached).map((s) => s.credential), row.expect.reached);
    if (row.expect.message !== undefined) assert.equal(verdict.message, row.expect.message);
    for (const part of row.expect.messageIncludes ?? []) assert.ok(verdict.message.includes(part), `${JSON.stringify(verdict.message)} lacks ${JSON.stringify(part)}`);
    const decisive = sources.filter((s) => s.decisive).map((s) => s.credential);
    assert.deepEqual(decisive, verdict.credential ? [verdict.credential] : []);
    // Every source of the version is reported, in chain order.
    assert.deepEqual(sources.map((s) => s.credential), familyFor(row.version).order);
  });
}

test('the failure message lists every attempted source in order, exactly as Python formats it', () => {
  const { verdict } = decide({
    name: '', version: '1.13.0b2',
    outcomes: {
      EnvironmentCredential: `unavailable:${ENV_UNAVAILABLE_LEGACY}`,
      ManagedIdentityCredential: 'unavailable:ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.',
      SharedTokenCacheCredential: 'unavailable:SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.',
      AzureCliCredential: "unavailable:Please run 'az login' to set up an account",
      AzurePowerShellCredential: 'unavailable:PowerShell is not installed',
    },
    expect: { outcome: '', credential: null, reached: [] },
  });
  assert.equal(verdict.message, 'DefaultAzureCredential failed to retrieve a token from the included credentials.\n'
    + 'Attempted credentials:\n'
    + '\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n'
    + 'Visit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot.this issue.\n'
    + '\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.\n'
    + '\tSharedTokenCacheCredential: SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.\n'
    + "\tAzureCliCredential: Please run 'az login' to set up an account\n"
    + '\tAzurePowerShellCredential: PowerShell is not installed\n'
    + 'To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.');
  assert.ok(ENV_UNAVAILABLE.endsWith('to troubleshoot this issue.'));
});

test('a source after the decisive one keeps its own result but is marked not reached', () => {
  const { sources } = decide({ name: '', version: '1.23.1', outcomes: { AzureCliCredential: 'token', AzureDeveloperCliCredential: 'token-bob' }, expect: { outcome: '', credential: null, reached: [] } });
  const azd = sources.find((s) => s.credential === 'AzureDeveloperCliCredential')!;
  assert.equal(azd.status, 'succeeded');
  assert.equal(azd.reached, false);
  assert.equal(azd.identity?.upn, 'bob@contoso.example');
  const az = sources.find((s) => s.credential === 'AzureCliCredential')!;
  assert.equal(az.expiresOn, '2033-05-18T03:33:20Z');
});

test('aggregateFailureMessage lists a source without a message by name only', () => {
  assert.ok(aggregateFailureMessage([{ credential: 'X', message: '' }]).includes('Attempted credentials:\n\tX\nTo mitigate'));
});
