// The version table: which family a version string belongs to, and how keywords, defaults and
// AZURE_TOKEN_CREDENTIALS combine into the set of sources each family's DefaultAzureCredential() builds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialName } from '../../src/core/chain/types';
import {
  chainOrderFor, familyFor, familyIdFor, NEWEST_KNOWN_VERSION, parseVersion, planExclusions, processTimeoutSeconds, REQUIRE_ENVVAR_MESSAGE,
} from '../../src/core/chain/versions';

test('version strings map to the documented families (unknown → the newest release, newer → the newest rules)', () => {
  const cases: Array<[string | undefined, string]> = [
    ['1.6.0', 'legacy'], ['1.12.0', 'legacy'], ['1.13.0b1', 'legacy'], ['1.13.0b2', 'legacy'], ['1.13.0b4', 'legacy'],
    ['1.13.0', '1.13'], ['1.14.1', '1.13'], ['1.22.0', '1.13'],
    ['1.23.0', '1.23'], ['1.23.1', '1.23'], ['1.23.1+debian', '1.23'],
    ['1.24.0b1', '1.24'], ['1.24.0', '1.24'],
    ['1.25.0', '1.25'], ['1.25.1', '1.25.1'], ['1.25.3', '1.25.1'],
    ['1.26.0b1', '1.26'], ['1.26.0b3', '1.26'], ['1.27.0', '1.26'], ['2.0.0', '1.26'],
    // What pip installs today (NEWEST_KNOWN_VERSION, 1.27.0) when the version cannot be read.
    [undefined, '1.26'], ['not a version', '1.26'],
  ];
  for (const [version, family] of cases) assert.equal(familyIdFor(version), family, String(version));
  assert.equal(NEWEST_KNOWN_VERSION, '1.27.0');
  assert.equal(familyIdFor(NEWEST_KNOWN_VERSION), '1.26');
});

test('parseVersion reads PEP 440 pre-releases and rejects garbage', () => {
  assert.deepEqual(parseVersion('1.13.0b2')?.pre, { kind: 'b', number: 2 });
  assert.equal(parseVersion('1.23.1')?.pre, undefined);
  assert.equal(parseVersion('1.25.0rc1')?.pre?.kind, 'rc');
  assert.equal(parseVersion('1.24.0.dev0')?.pre?.kind, 'dev');
  assert.equal(parseVersion('latest'), undefined);
});

test('each family lists its own sources in chain order', () => {
  assert.deepEqual(chainOrderFor('1.13.0b2'), [
    'EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential',
    'AzureCliCredential', 'AzurePowerShellCredential', 'InteractiveBrowserCredential',
  ]);
  assert.deepEqual(chainOrderFor('1.23.1'), [
    'EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential',
    'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential',
    'InteractiveBrowserCredential',
  ]);
  assert.deepEqual(chainOrderFor(undefined), [...chainOrderFor('1.23.1'), 'BrokerCredential']);
});

function excludedSet(version: string, exclude: Partial<Record<CredentialName, boolean>>, env: Record<string, string> = {}): string[] {
  const plan = planExclusions(familyFor(version), exclude, env);
  assert.equal(plan.error, undefined, plan.error?.message);
  return Object.entries(plan.excluded).filter(([, v]) => v).map(([k]) => k).sort();
}

test('default exclusions: VS Code and the browser up to 1.23, only the browser from 1.24', () => {
  assert.deepEqual(excludedSet('1.13.0b2', {}), ['InteractiveBrowserCredential', 'VisualStudioCodeCredential']);
  assert.deepEqual(excludedSet('1.23.1', {}), ['InteractiveBrowserCredential', 'VisualStudioCodeCredential']);
  assert.deepEqual(excludedSet('1.24.0', {}), ['InteractiveBrowserCredential']);
  assert.deepEqual(excludedSet('1.25.3', {}), ['InteractiveBrowserCredential']);
});

test('exclude_* keywords switch sources off and on', () => {
  assert.deepEqual(excludedSet('1.13.0b2', { AzureCliCredential: true, VisualStudioCodeCredential: false }), ['AzureCliCredential', 'InteractiveBrowserCredential']);
  const plan = planExclusions(familyFor('1.13.0b2'), { AzureDeveloperCliCredential: true }, {});
  assert.deepEqual(plan.unknownKeywords, ['exclude_developer_cli_credential']);
});

test('AZURE_TOKEN_CREDENTIALS: ignored before 1.23', () => {
  assert.deepEqual(excludedSet('1.22.0', {}, { AZURE_TOKEN_CREDENTIALS: 'prod' }), ['InteractiveBrowserCredential', 'VisualStudioCodeCredential']);
  assert.equal(planExclusions(familyFor('1.13.0b2'), {}, { AZURE_TOKEN_CREDENTIALS: 'nonsense' }).error, undefined);
});

test('AZURE_TOKEN_CREDENTIALS in 1.23: dev|prod, trimmed and case-insensitive, and it wins over the keywords', () => {
  assert.deepEqual(excludedSet('1.23.1', {}, { AZURE_TOKEN_CREDENTIALS: ' Dev ' }), [
    'EnvironmentCredential', 'InteractiveBrowserCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential', 'WorkloadIdentityCredential',
  ]);
  assert.deepEqual(excludedSet('1.23.1', {}, { AZURE_TOKEN_CREDENTIALS: 'prod' }), [
    'AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'InteractiveBrowserCredential',
    'SharedTokenCacheCredential', 'VisualStudioCodeCredential',
  ]);
  // exclude_cli_credential=False does not bring az back under prod.
  assert.ok(excludedSet('1.23.1', { AzureCliCredential: false }, { AZURE_TOKEN_CREDENTIALS: 'prod' }).includes('AzureCliCredential'));
  const invalid = planExclusions(familyFor('1.23.1'), {}, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }).error;
  assert.deepEqual(invalid, {
    exceptionType: 'ValueError', credential: null,
    message: "Invalid value for AZURE_TOKEN_CREDENTIALS: azureclicredential. Valid values are 'dev' or 'prod'.",
  });
  assert.equal(planExclusions(familyFor('1.23.1'), {}, { AZURE_TOKEN_CREDENTIALS: '' }).error, undefined);
});

test('AZURE_TOKEN_CREDENTIALS from 1.24: one class name selects one source, and explicit keywords win', () => {
  assert.deepEqual(excludedSet('1.24.0', {}, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }),
    chainOrderFor('1.24.0').filter((c) => c !== 'AzureCliCredential').sort());
  // dev keeps the broker from 1.24.0 (1.26.0b3 observed; 1.24.0's notes: "brokered authentication was not included
  // ... when AZURE_TOKEN_CREDENTIALS was set to dev" fixed); prod never has it.
  for (const version of ['1.24.0', '1.25.0', '1.25.3', '1.26.0b3']) {
    assert.deepEqual(excludedSet(version, {}, { AZURE_TOKEN_CREDENTIALS: 'dev' }), [
      'EnvironmentCredential', 'InteractiveBrowserCredential', 'ManagedIdentityCredential', 'WorkloadIdentityCredential',
    ], version);
    assert.ok(excludedSet(version, {}, { AZURE_TOKEN_CREDENTIALS: 'prod' }).includes('BrokerCredential'), version);
  }
  // A name keeps that source only; the broker and the shared cache have no name.
  assert.deepEqual(chainOrderFor('1.26.0b3').filter((c) => !excludedSet('1.26.0b3', {}, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }).includes(c)), ['AzureCliCredential']);
  // With a name, an explicit False brings another source back, and an explicit True can leave no source at all.
  assert.deepEqual(chainOrderFor('1.26.0b3').filter((c) => !excludedSet('1.26.0b3', { AzurePowerShellCredential: false }, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }).includes(c)),
    ['AzureCliCredential', 'AzurePowerShellCredential']);
  assert.equal(excludedSet('1.26.0b3', { AzureCliCredential: true }, { AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' }).length, chainOrderFor('1.26.0b3').length);
  // kwargs override the variable: exclude_environment_credential=False brings it back under dev.
  assert.ok(!excludedSet('1.25.0', { EnvironmentCredential: false }, { AZURE_TOKEN_CREDENTIALS: 'dev' }).includes('EnvironmentCredential'));
  const invalid = planExclusions(familyFor('1.25.0'), {}, { AZURE_TOKEN_CREDENTIALS: 'SharedTokenCacheCredential' }).error;
  assert.equal(invalid?.message, 'Invalid value for AZURE_TOKEN_CREDENTIALS: sharedtokencachecredential. Valid values are: dev, prod, '
    + 'azureclicredential, azuredeveloperclicredential, azurepowershellcredential, environmentcredential, interactivebrowsercredential, '
    + 'managedidentitycredential, visualstudiocodecredential, workloadidentitycredential.');
});

test('require_envvar: from 1.25.0 DefaultAzureCredential() raises without AZURE_TOKEN_CREDENTIALS; older versions do not know it', () => {
  const missing = planExclusions(familyFor('1.26.0b3'), {}, {}, true);
  assert.deepEqual(missing.error, { exceptionType: 'ValueError', credential: null, message: REQUIRE_ENVVAR_MESSAGE });
  assert.equal(planExclusions(familyFor('1.25.0'), {}, { AZURE_TOKEN_CREDENTIALS: '  ' }, true).error?.message, REQUIRE_ENVVAR_MESSAGE);
  assert.equal(planExclusions(familyFor('1.25.3'), {}, { AZURE_TOKEN_CREDENTIALS: 'dev' }, true).error, undefined);
  assert.equal(planExclusions(familyFor('1.26.0b3'), {}, {}, false).error, undefined);
  for (const version of ['1.13.0b2', '1.23.1', '1.24.0']) {
    const plan = planExclusions(familyFor(version), {}, {}, true);
    assert.equal(plan.error, undefined, version);
    assert.deepEqual(plan.unknownKeywords, ['require_envvar'], version);
  }
});

test('process_timeout: a keyword from 1.13.0, fixed 10 s before', () => {
  assert.equal(processTimeoutSeconds(familyFor('1.13.0b2'), 3), 10);
  assert.equal(processTimeoutSeconds(familyFor('1.23.1'), 3), 3);
  assert.equal(processTimeoutSeconds(familyFor('1.23.1'), undefined), 10);
});

test('per-family tool and cache details', () => {
  assert.equal(familyFor('1.13.0b2').sharedCacheFile, 'msal.cache');
  assert.equal(familyFor('1.23.1').sharedCacheFile, 'msal.cache.nocae');
  assert.deepEqual(familyFor('1.13.0b2').pwsh.flags, ['-NonInteractive']);
  assert.deepEqual(familyFor('1.23.1').pwsh.flags, ['-NoProfile', '-NonInteractive']);
  assert.equal(familyFor('1.13.0b2').azd, null);
  assert.equal(familyFor('1.13.0b2').devToolErrorsContinue, false);
  assert.equal(familyFor('1.23.1').devToolErrorsContinue, true);
  assert.equal(familyFor('1.24.0').sharedCacheRefreshErrorsContinue, false);
  assert.equal(familyFor('1.25.0').sharedCacheRefreshErrorsContinue, true);
});

test('the 1.24+ details: workload identity message, managed identity errors, azd JSON errors, a missing browser', () => {
  const rows: Array<[string, string, string, boolean, boolean, string]> = [
    // version    workload message  MI error detail         IMDS probe skipped by name  azd JSON errors  no browser
    ['1.13.0b2', 'per-argument', 'code', false, false, 'waits'],
    ['1.23.1', 'per-argument', 'code', false, false, 'unavailable'],
    ['1.24.0', 'missing-list', 'code', false, false, 'unavailable'],
    ['1.25.0', 'missing-list', 'code', false, false, 'unavailable'],
    ['1.25.3', 'missing-list', 'code-and-description', true, false, 'unavailable'],
    ['1.26.0b3', 'missing-list', 'code-and-description', true, true, 'unavailable'],
  ];
  for (const [version, workload, detail, skip, json, browser] of rows) {
    const family = familyFor(version);
    assert.equal(family.workloadIdentityConfigMessage, workload, version);
    assert.equal(family.managedIdentity.msalErrorDetail, detail, version);
    assert.equal(family.managedIdentity.probeSkippedWhenSelectedByName, skip, version);
    assert.equal(family.azd?.readsJsonErrors ?? false, json, version);
    assert.equal(family.browserWithoutBrowser, browser, version);
  }
  assert.deepEqual(['1.24.0', '1.25.0', '1.26.0b3'].map((v) => familyFor(v).requireEnvvarKeyword), [false, true, true]);
});
