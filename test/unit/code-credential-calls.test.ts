// The credentials a Python file builds, read by the real Python grammar: the shapes real code has (multi-line calls,
// aliases, module imports, aio, **kwargs, several per file, a file that does not parse), what the chain model takes
// from them, and what it cannot know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findCredentialCalls, keywordArgumentsOf, type CredentialCall } from '../../src/core/code/credentialCalls';

const summary = (calls: CredentialCall[]) => calls.map((c) => ({
  credential: c.credential, calledAs: c.calledAs, line: c.range.startLine,
  keywords: Object.fromEntries([...c.keywords].map(([k, v]) => [k, v.kind === 'unknown' ? `? ${v.text}` : 'value' in v ? v.value : null])),
}));

test('a multi-line call through an alias, with comments, literals of every kind and a variable', async () => {
  const calls = await findCredentialCalls([
    'import os',
    'from azure.identity import DefaultAzureCredential as DAC, AzureCliCredential',
    '',
    'timeout = 20',
    'credential = DAC(',
    '    exclude_cli_credential=False,  # keep az',
    '    exclude_environment_credential=True,',
    '    process_timeout=timeout,',
    '    additionally_allowed_tenants=["*"],',
    '    managed_identity_client_id=os.environ["CLIENT_ID"],',
    "    authority='login.microsoftonline.us',",
    ')',
    'cli = AzureCliCredential(tenant_id="72f988bf-86f1-41af-91ab-2d7cd011db47", process_timeout=1_0)',
  ].join('\n'));
  assert.deepEqual(summary(calls), [
    {
      credential: 'DefaultAzureCredential', calledAs: 'DAC', line: 4,
      keywords: {
        exclude_cli_credential: false, exclude_environment_credential: true, process_timeout: '? timeout',
        additionally_allowed_tenants: ['*'], managed_identity_client_id: '? os.environ["CLIENT_ID"]', authority: 'login.microsoftonline.us',
      },
    },
    { credential: 'AzureCliCredential', calledAs: 'AzureCliCredential', line: 12, keywords: { tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47', process_timeout: 10 } },
  ]);
  assert.deepEqual(calls[0]!.range, { startLine: 4, startColumn: 13, endLine: 11, endColumn: 1 });
  const modelled = keywordArgumentsOf(calls[0]!);
  assert.deepEqual(modelled.keywordArguments, { exclude: { AzureCliCredential: false, EnvironmentCredential: true }, authority: 'login.microsoftonline.us' });
  assert.deepEqual(modelled.unknown, ['process_timeout', 'managed_identity_client_id']);
});

test('module imports, azure.identity.aio and **kwargs: what is called, and that any keyword may come at run time', async () => {
  const calls = await findCredentialCalls([
    'import azure.identity',
    'import azure.identity as ai',
    'from azure import identity as idt',
    'from azure.identity import aio',
    'def make(**kwargs):',
    '    a = azure.identity.DefaultAzureCredential(**kwargs)',
    '    b = ai.ManagedIdentityCredential(client_id="abc")',
    '    c = idt.EnvironmentCredential()',
    '    d = aio.DefaultAzureCredential(require_envvar=True)',
    '    return a, b, c, d',
  ].join('\n'));
  assert.deepEqual(calls.map((c) => [c.credential, c.calledAs, c.async]), [
    ['DefaultAzureCredential', 'azure.identity.DefaultAzureCredential', false],
    ['ManagedIdentityCredential', 'ai.ManagedIdentityCredential', false],
    ['EnvironmentCredential', 'idt.EnvironmentCredential', false],
    ['DefaultAzureCredential', 'aio.DefaultAzureCredential', true],
  ]);
  assert.deepEqual(keywordArgumentsOf(calls[0]!).unknown, ['**kwargs']);
  assert.deepEqual(keywordArgumentsOf(calls[3]!).keywordArguments, { requireEnvvar: true });
});

test('a ChainedTokenCredential of explicit credentials, in its own order', async () => {
  const [chained, ...members] = await findCredentialCalls([
    'from azure.identity import ChainedTokenCredential, ManagedIdentityCredential, AzureCliCredential',
    'fallback = get_fallback()',
    'credential = ChainedTokenCredential(ManagedIdentityCredential(client_id="id"), AzureCliCredential(), fallback)',
  ].join('\n'));
  assert.equal(chained!.credential, 'ChainedTokenCredential');
  assert.deepEqual(chained!.positional.map((p) => ('credential' in p ? p.credential : `? ${p.text}`)), ['ManagedIdentityCredential', 'AzureCliCredential', '? fallback']);
  assert.deepEqual(members.map((m) => m.credential), ['ManagedIdentityCredential', 'AzureCliCredential'], 'the members are found as calls too');
});

test('what only looks like a credential is not one: strings, comments, other modules, unimported names, attributes of other objects', async () => {
  const calls = await findCredentialCalls([
    'from mylib import DefaultAzureCredential as Mine',
    'import azure.identity as ai',
    '# DefaultAzureCredential(exclude_cli_credential=True)',
    'text = "DefaultAzureCredential(exclude_cli_credential=True)"',
    'a = Mine()',
    'b = DefaultAzureCredential()',
    'c = other.DefaultAzureCredential()',
    'd = ai.NotACredential()',
  ].join('\n'));
  assert.deepEqual(calls, []);
});

test('a file that does not parse still yields the calls the parser could read', async () => {
  const calls = await findCredentialCalls([
    'from azure.identity import DefaultAzureCredential',
    'def broken(:',
    '    pass',
    'credential = DefaultAzureCredential(exclude_managed_identity_credential=True)',
  ].join('\n'));
  assert.equal(calls.length, 1);
  assert.deepEqual(keywordArgumentsOf(calls[0]!).keywordArguments, { exclude: { ManagedIdentityCredential: true } });
});

test('columns count UTF-16 code units, as editors do, after non-ASCII text on the same line', async () => {
  const [call] = await findCredentialCalls('from azure.identity import DefaultAzureCredential\nnäme = "é😀"; c = DefaultAzureCredential()\n');
  const line = 'näme = "é😀"; c = DefaultAzureCredential()';
  assert.equal(call!.range.startColumn, line.indexOf('DefaultAzureCredential('));
});

test('property: hostile keyword values are read as data, bounded, and never break the reader', async () => {
  let tried = 0;
  await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), fc.boolean(), async (value, asLiteral) => {
    tried++;
    const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    const argument = asLiteral ? `"${escaped}"` : `f(${JSON.stringify(value.slice(0, 20))})`;
    const source = `from azure.identity import AzureCliCredential\nc = AzureCliCredential(tenant_id=${argument})\n`;
    const calls = await findCredentialCalls(source);
    assert.equal(calls.length, 1);
    const tenant = calls[0]!.keywords.get('tenant_id');
    assert.ok(tenant);
    if (tenant.kind === 'unknown') assert.ok(tenant.text.length <= 120);
    // eslint-disable-next-line no-control-regex -- a value with control characters is only checked to be read safely
    else if (asLiteral && !/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(value)) assert.deepEqual(tenant, { kind: 'string', value });
  }), { numRuns: 150 });
  assert.equal(tried, 150);
});

test('a file that starts with blank lines or a bare indented line still has its calls found, with their lines', async () => {
  for (const lead of ['\n\n\n', '\r\n\r\n', '   \n\t\n']) {
    const calls = await findCredentialCalls(`${lead}from azure.identity import DefaultAzureCredential\ncredential = DefaultAzureCredential(exclude_cli_credential=True)\n`);
    assert.equal(calls.length, 1, JSON.stringify(lead));
    assert.equal(calls[0]!.range.startLine, lead.split('\n').length, JSON.stringify(lead));
  }
});
