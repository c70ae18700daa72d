// The chain's own sentences about its rules in another language: where a report's rules come from (checked, read or
// assumed) and why a source is excluded (by default, by a keyword, by AZURE_TOKEN_CREDENTIALS) come from the catalog,
// while the library's own words, which Verify with Python compares with what the real library raises, stay exactly
// as azure-identity writes them. The translation is a pseudo-translation of l10n/bundle.l10n.json (⟦…⟧).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { useCatalog } from '../../src/core/catalog';
import { CHECKED_VERSIONS, familyFor, familyLabel, NEWEST_READ_VERSION, planExclusions, rulesProvenance, VERSION_FAMILIES } from '../../src/core/chain/versions';

const english = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
const pseudo = Object.fromEntries(Object.keys(english).map((message) => [message, `⟦${message}⟧`]));
afterEach(() => useCatalog(undefined));

test('where the rules come from: one sentence per kind of evidence, in the translation, with the versions as they are', () => {
  const versions = [CHECKED_VERSIONS[0]!, '1.24.0', '1.27.0'];
  const englishSummaries = versions.map((version) => rulesProvenance(version));
  assert.deepEqual(englishSummaries.map((r) => r.evidence), ['checked', 'read', 'assumed']);
  assert.equal(englishSummaries[1]!.summary, 'azure-identity 1.24.0: rules read from its release, not yet checked against it here');
  assert.equal(englishSummaries[2]!.summary,
    `azure-identity 1.27.0: rules not read from its release; those of ${NEWEST_READ_VERSION} are assumed, not yet checked against it here`);
  useCatalog(pseudo);
  versions.forEach((version, n) => {
    const translated = rulesProvenance(version).summary;
    assert.equal(translated, `⟦${englishSummaries[n]!.summary}⟧`);
    assert.ok(translated.includes(version));
  });
});

test('why a source is excluded is the translation; the keyword and the variable stay as typed', () => {
  const legacyGroups = familyFor('1.23.1');
  const plan = () => planExclusions(legacyGroups, { AzureCliCredential: true }, { AZURE_TOKEN_CREDENTIALS: 'prod' });
  const inEnglish = plan().reasons;
  assert.equal(inEnglish.VisualStudioCodeCredential, 'Excluded by default in azure-identity 1.23 (exclude_visual_studio_code_credential=True).');
  assert.equal(inEnglish.AzureCliCredential, 'Excluded by the keyword exclude_cli_credential=True.');
  assert.equal(inEnglish.AzurePowerShellCredential, 'Excluded by AZURE_TOKEN_CREDENTIALS=prod (it overrides exclude_powershell_credential in this version).');
  const newest = () => planExclusions(familyFor('1.26.0b3'), {}, { AZURE_TOKEN_CREDENTIALS: 'dev' });
  assert.equal(newest().reasons.EnvironmentCredential, 'Excluded by AZURE_TOKEN_CREDENTIALS=dev.');

  useCatalog(pseudo);
  const translated = plan().reasons;
  assert.deepEqual(Object.keys(translated).sort(), Object.keys(inEnglish).sort());
  for (const [credential, reason] of Object.entries(translated)) {
    assert.equal(reason, `⟦${inEnglish[credential as keyof typeof inEnglish]}⟧`, credential);
  }
  assert.equal(newest().reasons.EnvironmentCredential, '⟦Excluded by AZURE_TOKEN_CREDENTIALS=dev.⟧');
});

test("the library's own error stays the library's words in every language (Verify with Python compares them)", () => {
  const invalid = () => planExclusions(familyFor('1.26.0b3'), {}, { AZURE_TOKEN_CREDENTIALS: 'nope' }).error;
  const inEnglish = invalid();
  assert.match(inEnglish?.message ?? '', /^Invalid value for AZURE_TOKEN_CREDENTIALS: nope\. Valid values are: dev, prod, /);
  useCatalog(pseudo);
  assert.deepEqual(invalid(), inEnglish);
});

test('the names of the version families: the label in English, the translation otherwise, the numbers as they are', () => {
  assert.equal(VERSION_FAMILIES.length, 7);
  for (const family of VERSION_FAMILIES) assert.equal(familyLabel(family), family.label, family.family);
  useCatalog(Object.fromEntries(Object.keys(english).map((message) => [message, message.replace(/\p{L}+/gu, 'ø')])));
  const worded = VERSION_FAMILIES.filter((family) => /\b(and|betas|later)\b/.test(family.label));
  assert.equal(worded.length, 2);
  for (const family of worded) {
    const translated = familyLabel(family);
    assert.doesNotMatch(translated, /\b(and|betas|later)\b/, translated);
    assert.match(translated, /^azure-identity (≤ )?\d/);
  }
});
