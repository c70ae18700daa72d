// "Exclude this source" / "Use only this source" must give code that works in the user's azure-identity version.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versionFacts } from '../../src/core/engineFacade';
import { exclusionAdvice } from '../../src/core/presentation/exclusionAdvice';

test('excluding one source is its exclude_* keyword in every version', () => {
  for (const version of ['1.13.0b2', '1.23.1', '1.25.3']) {
    const advice = exclusionAdvice('AzureCliCredential', versionFacts(version), 'exclude');
    assert.equal(advice.tokenCredentialsValue, undefined);
    assert.equal(advice.keywordSnippet, 'credential = DefaultAzureCredential(\n    exclude_cli_credential=True,\n)');
    assert.deepEqual(advice.settings, { AzureCliCredential: true });
  }
});

test('using only az: 1.13.0b2 ignores AZURE_TOKEN_CREDENTIALS, so every other default source is excluded by keyword', () => {
  const advice = exclusionAdvice('AzureCliCredential', versionFacts('1.13.0b2'), 'pin');
  assert.equal(advice.tokenCredentialsValue, undefined);
  assert.match(advice.explanation, /ignores AZURE_TOKEN_CREDENTIALS/);
  assert.deepEqual(advice.settings, {
    EnvironmentCredential: true, ManagedIdentityCredential: true, SharedTokenCacheCredential: true, AzurePowerShellCredential: true,
  });
});

test('using only az: 1.23.1 narrows with "dev", 1.25 names the class', () => {
  assert.equal(exclusionAdvice('AzureCliCredential', versionFacts('1.23.1'), 'pin').tokenCredentialsValue, 'dev');
  assert.equal(exclusionAdvice('AzureCliCredential', versionFacts('1.25.3'), 'pin').tokenCredentialsValue, 'AzureCliCredential');
  assert.equal(exclusionAdvice('EnvironmentCredential', versionFacts('1.23.1'), 'pin').tokenCredentialsValue, 'prod');
});

test('using only a source that is excluded by default turns its keyword off', () => {
  const advice = exclusionAdvice('InteractiveBrowserCredential', versionFacts('1.23.1'), 'pin');
  assert.equal(advice.settings.InteractiveBrowserCredential, false);
  assert.match(advice.keywordSnippet, /exclude_interactive_browser_credential=False/);
  assert.equal(advice.settings.AzureCliCredential, true);
});
