import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeSource, displayName, markdownText, rowState, verdictHeadline, type PresentableSource,
} from '../../src/core/presentation/chainRows';
import { PYTHON_CLIENTS, pythonSnippet } from '../../src/core/presentation/snippets';

const base: PresentableSource = {
  credential: 'AzureCliCredential', status: 'succeeded', reached: true, decisive: true, message: '',
  identity: { upn: 'alice@contoso.example', objectId: 'o-1', tenantId: 't-1' }, expiresOn: null, elapsedMs: 42,
};

test('row states follow what Python does at each source', () => {
  const cases: Array<[Partial<PresentableSource>, string]> = [
    [{}, 'token'],
    [{ status: 'failed' }, 'stopsChain'],
    [{ status: 'unavailable', decisive: false }, 'unavailable'],
    [{ reached: false, decisive: false }, 'notReached'],
    [{ status: 'failed', reached: false, decisive: false }, 'notReached'],
    [{ status: 'excluded', reached: false, decisive: false }, 'excluded'],
  ];
  for (const [change, expected] of cases) assert.equal(rowState({ ...base, ...change }), expected, JSON.stringify(change));
  assert.equal(rowState(base, true), 'probing');
});

test('the active row shows the short identity; a later source with a token says it is not reached', () => {
  assert.equal(describeSource(base).description, 'alice · active');
  const later = describeSource({ ...base, reached: false, decisive: false });
  assert.equal(later.description, 'alice · not reached');
  assert.match(later.tooltip, /earlier source decides first/);
});

test('tooltips carry Python\'s exact message as text, and never interpret it as Markdown', () => {
  const hostile = { ...base, status: 'failed' as const, identity: null, message: 'AADSTS7000215: Invalid client secret provided. [click](command:evil) <img src=x>' };
  const row = describeSource(hostile);
  assert.match(row.tooltip, /```text\nAADSTS7000215: Invalid client secret provided\. \[click\]\(command:evil\) <img src=x>\n```/);
  assert.match(row.tooltip, /raises `ClientAuthenticationError`/);
  assert.equal(markdownText('[a](b)'), '\\[a\\]\\(b\\)');
});

test('service principals are named by app id; class names get readable labels', () => {
  const sp = describeSource({ ...base, credential: 'EnvironmentCredential', identity: { appId: '0123456789abcdef', tenantId: 't' } });
  assert.equal(sp.label, 'Environment');
  assert.equal(sp.description, 'app 01234567… · active');
  assert.equal(displayName('AzureDeveloperCliCredential'), 'Azure Developer CLI');
  assert.equal(displayName('SomethingNew'), 'SomethingNew');
});

test('the headline says who signs in through which source, or why the chain fails', () => {
  assert.equal(verdictHeadline({ outcome: 'token', credential: 'AzureCliCredential', message: '' }, [base]),
    'Python signs in as alice@contoso.example through Azure CLI');
  assert.equal(verdictHeadline({ outcome: 'failure', credential: 'EnvironmentCredential', message: '\nAuthentication failed: AADSTS7000215' }, []),
    'The chain fails at Environment: Authentication failed: AADSTS7000215');
});

test('every Python snippet installs azure-identity and builds a DefaultAzureCredential', () => {
  for (const client of PYTHON_CLIENTS) {
    const code = pythonSnippet(client);
    assert.match(code, /^# pip install azure-identity/);
    assert.match(code, /credential = DefaultAzureCredential\(\)/);
    for (const p of client.packages) assert.ok(code.includes(p));
  }
});

test('a source whose constructor raises stops the chain although get_token was never called', () => {
  const raising: PresentableSource = {
    credential: 'EnvironmentCredential', status: 'failed', reached: false, decisive: true,
    message: "ValueError: secret should be an Azure Active Directory application's client secret", identity: null, expiresOn: null, elapsedMs: 0,
  };
  assert.equal(rowState(raising), 'stopsChain');
  assert.equal(rowState({ ...raising, decisive: false }), 'notReached');
});

test('a source that would send its secret to an unverified host is "not checked", unless Python never gets there', () => {
  const unverified: PresentableSource = {
    ...base, status: 'not-checked', identity: null, unverifiedHost: 'evil.example', unverifiedSecret: 'federated token', notCheckedReason: 'secret',
    message: 'would send the federated token to evil.example: not checked. Python would send it when your app runs.',
  };
  assert.equal(rowState(unverified), 'notChecked');
  const row = describeSource(unverified);
  assert.equal(row.description, 'not checked: would send the federated token to evil.example');
  assert.match(row.tooltip, /did not send it/);
  assert.equal(rowState({ ...unverified, reached: false, decisive: false }), 'notReached');
  assert.equal(verdictHeadline({ outcome: 'not-checked', credential: 'AzureCliCredential', message: '' }, [unverified]),
    'Not checked: Azure CLI would send the federated token to evil.example');
});
