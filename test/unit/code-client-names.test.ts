// An endpoint passed through a name, read by the real Python grammar with Python's scoping: a module-level or
// function-local name assigned once from a literal, an f-string of literals or os.environ / os.getenv is followed
// (and the hover says through which name); a name assigned twice, augmented, a loop target, a parameter, imported,
// assigned after its use, rebound through `global`, or set from a call stays unknown and says why. Hostile source
// (fast-check) never throws, never hangs on cycles, and what it says is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clientHoverMarkdown, clientAccess } from '../../src/core/code/clientAccess';
import { findClientCalls, type EndpointSource } from '../../src/core/code/clientCalls';

const HEADER = ['import os', 'from os import getenv', 'from azure.identity import DefaultAzureCredential', 'from azure.storage.blob import BlobServiceClient', 'from azure.keyvault.secrets import SecretClient', ''];
async function endpoints(...lines: string[]): Promise<(EndpointSource | undefined)[]> {
  return (await findClientCalls([...HEADER, ...lines].join('\n'))).map((c) => c.endpoint);
}

test('the issue\'s shapes: a module-level name from os.environ, and an f-string over a literal name', async () => {
  assert.deepEqual(await endpoints(
    'ACCOUNT_URL = os.environ["AZURE_STORAGE_ACCOUNT_URL"]',
    'name = "stsandboxapp"',
    'cred = DefaultAzureCredential()',
    'client = BlobServiceClient(ACCOUNT_URL, credential=cred)',
    'other = BlobServiceClient(account_url=f"https://{name}.blob.core.windows.net", credential=cred)',
  ), [
    { kind: 'environment', variable: 'AZURE_STORAGE_ACCOUNT_URL', via: 'ACCOUNT_URL' },
    { kind: 'literal', value: 'https://stsandboxapp.blob.core.windows.net' },
  ]);
});

test('real-world shapes: function locals, getenv, os.environ.get, annotated and chained names, a name of a name, f-strings built in a name', async () => {
  assert.deepEqual(await endpoints(
    'VAULT_URL: str = os.environ.get("KEY_VAULT_URL")',
    'ACCOUNT = "stapp"',
    'BLOB_URL = f"https://{ACCOUNT}.blob.core.windows.net/"',
    'ALIAS = BLOB_URL',
    'A = B = "https://chained.blob.core.windows.net"',
    '',
    'def make_clients():',
    '    credential = DefaultAzureCredential()',
    '    url = getenv("AZURE_STORAGE_ACCOUNT_URL")',
    '    blobs = BlobServiceClient(url, credential)',
    '    secrets = SecretClient(vault_url=VAULT_URL, credential=credential)',
    '    local = f"https://kv-{\'app\'}.vault.azure.net" "/"',
    '    return blobs, secrets, SecretClient(local, credential)',
    '',
    'class Settings:',
    '    def client(self):',
    '        return BlobServiceClient(ALIAS, DefaultAzureCredential())',
    '',
    'chained = BlobServiceClient(A, c)',
    'braces = BlobServiceClient(f"https://{{literal}}.{ACCOUNT}.example", c)',
  ), [
    { kind: 'environment', variable: 'AZURE_STORAGE_ACCOUNT_URL', via: 'url' },
    { kind: 'environment', variable: 'KEY_VAULT_URL', via: 'VAULT_URL' },
    { kind: 'literal', value: 'https://kv-app.vault.azure.net/', via: 'local' },
    { kind: 'literal', value: 'https://stapp.blob.core.windows.net/', via: 'ALIAS' },
    { kind: 'literal', value: 'https://chained.blob.core.windows.net', via: 'A' },
    { kind: 'literal', value: 'https://{literal}.stapp.example' },
  ]);
});

test('a function-local name hides the module\'s; a global statement reads the module\'s; a class attribute is not seen from a method', async () => {
  assert.deepEqual(await endpoints(
    'URL = "https://module.blob.core.windows.net"',
    'def local():',
    '    URL = "https://local.blob.core.windows.net"',
    '    return BlobServiceClient(URL, c)',
    'def reads_global():',
    '    global URL',
    '    return BlobServiceClient(URL, c)',
    'class Holder:',
    '    URL = "https://class.blob.core.windows.net"',
    '    def make(self):',
    '        return BlobServiceClient(URL, c)',
  ).then((e) => e.map((x) => (x?.kind === 'literal' ? x.value : x))), [
    'https://local.blob.core.windows.net',
    'https://module.blob.core.windows.net',
    'https://module.blob.core.windows.net',
  ]);
});

test('reassigned or otherwise unknowable names stay unknown and say why', async () => {
  const found = await endpoints(
    'TWICE = "https://a.blob.core.windows.net"',
    'TWICE = "https://b.blob.core.windows.net"',
    'AUGMENTED = "https://a.blob.core.windows.net"',
    'AUGMENTED += "/container"',
    'for LOOPED in ["https://a.blob.core.windows.net"]:',
    '    pass',
    'from config import IMPORTED',
    'CALLED = settings.account_url()',
    'REWRITTEN = "https://a.blob.core.windows.net"',
    'def rewrite():',
    '    global REWRITTEN',
    '    REWRITTEN = "https://b.blob.core.windows.net"',
    'def parameter(url, *, other=None):',
    '    return BlobServiceClient(url, c)',
    'x1 = BlobServiceClient(TWICE, c)',
    'x2 = BlobServiceClient(AUGMENTED, c)',
    'x3 = BlobServiceClient(LOOPED, c)',
    'x4 = BlobServiceClient(IMPORTED, c)',
    'x5 = BlobServiceClient(CALLED, c)',
    'x6 = BlobServiceClient(REWRITTEN, c)',
    'x7 = BlobServiceClient(LATER, c)',
    'LATER = "https://later.blob.core.windows.net"',
    'x8 = BlobServiceClient(f"https://{ACCOUNT!r}.blob.core.windows.net", c)',
    'x9 = BlobServiceClient(UNPACKED, c)',
    'UNPACKED, OTHER = "https://a.blob.core.windows.net", 1',
    'CYCLE_A = CYCLE_B',
    'CYCLE_B = CYCLE_A',
    'x10 = BlobServiceClient(CYCLE_A, c)',
    'with open("u") as WITH_TARGET:',
    '    x11 = BlobServiceClient(WITH_TARGET, c)',
  );
  const why = found.map((e) => (e?.kind === 'unknown' ? e.why : JSON.stringify(e)));
  assert.deepEqual(why, [
    'url is a parameter of parameter: its value comes from the caller',
    'TWICE is assigned more than once (lines 7, 8)',
    'AUGMENTED is assigned more than once (lines 9, 10)',
    'LOOPED is bound by a for loop (line 11)',
    'IMPORTED is bound by an import (line 13)',
    'CALLED is assigned settings.account_url() (line 14), known only when the code runs',
    'REWRITTEN is assigned by a function that declares it global (line 17)',
    'LATER is assigned after this line (line 28)',
    '{ACCOUNT!r} formats a value only the running code has',
    'UNPACKED is bound by an unpacking assignment (line 31)',
    'CYCLE_B is assigned after this line (line 33)',
    'WITH_TARGET is bound by an "as" target (line 35)',
  ]);
});

test('the hover says through which name, and for an unknown one why', () => {
  const access = clientAccess({ client: 'BlobServiceClient', service: 'storage', calledAs: 'BlobServiceClient', range: { startLine: 0, startColumn: 0, endLine: 0, endColumn: 1 }, construction: 'endpoint',
    endpoint: { kind: 'unknown', text: 'TWICE', why: 'TWICE is assigned more than once (lines 7, 8)' } }, { access: undefined, env: {}, definitions: undefined });
  // The reason is source text, so it is escaped as Markdown (its parentheses and comma come out with backslashes).
  assert.match(clientHoverMarkdown(access, 'cmd'), /The endpoint is unknown until the code runs \(TWICE\): TWICE is assigned more than once \\\(lines 7\\, 8\\\)\. Write it as a literal/);
});

test('hostile source: any text around a name never throws, never loops, and says bounded things', async () => {
  const fragment = fc.constantFrom('URL = "https://a.blob.core.windows.net"', 'URL = URL', 'URL = f"{URL}"', 'global URL', 'nonlocal URL', 'def URL(): pass', 'del URL',
    'URL += "x"', '(URL := 1)', 'for URL in x: pass', 'import URL', 'class C:\n    URL = 1', 'match x:\n    case URL: pass', 'def f(URL=URL): pass',
    'lambda URL: URL', '[URL for URL in y]', 'URL: int', 'URL = os.environ["X"]', 'URL = "\\u202e\\x1b[31m"', 'x = BlobServiceClient(URL, c)',
    'def g():\n    x = BlobServiceClient(URL, c)', 'URL = f"{{{URL}}}"', '"""', '(', 'URL = (', 'URL = "' + 'a'.repeat(500) + '"');
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fragment, fc.string({ maxLength: 40 })), { maxLength: 12 }), async (lines) => {
    const calls = await findClientCalls([...HEADER, ...lines, 'final = BlobServiceClient(URL, c)'].join('\n'));
    for (const call of calls) {
      const e = call.endpoint;
      if (e?.kind === 'unknown') {
        assert.ok(e.text.length <= 120 && (e.why ?? '').length <= 120);
      }
      if (e && e.kind !== 'unknown' && e.via !== undefined) assert.ok(e.via.length <= 120);
    }
  }), { numRuns: 300 });
});

test('a name of a name is followed up to 5 names deep; a longer chain says so', async () => {
  const chain = ['N0 = "https://deep.blob.core.windows.net"', ...Array.from({ length: 7 }, (_, i) => `N${i + 1} = N${i}`)];
  const found = await endpoints(...chain, 'near = BlobServiceClient(N4, c)', 'far = BlobServiceClient(N7, c)');
  assert.deepEqual(found[0], { kind: 'literal', value: 'https://deep.blob.core.windows.net', via: 'N4' });
  assert.equal(found[1]?.kind === 'unknown' && found[1].why, 'the endpoint leads through more than 5 names');
});
