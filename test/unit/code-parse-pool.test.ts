// The workspace's Python files parsed in worker threads: the same facts as a parse in this thread (for real-world
// shapes and broken code alike), several files at once across workers, a worker that dies fails only its own files
// and is replaced, and a process that used the pool exits by itself (no worker or timer keeps it alive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CredentialIndex, factsOfText, type SourceFile } from '../../src/core/code/credentialIndex';
import { ParsePool, defaultParseWorker } from '../../src/core/code/parsePool';

const SOURCES = [
  [
    'from azure.identity import DefaultAzureCredential as DAC, ChainedTokenCredential, AzureCliCredential',
    'from azure.storage.blob import BlobServiceClient',
    'cred = DAC(',
    '    exclude_cli_credential=True,',
    '    process_timeout=30,',
    '    **extra,',
    ')',
    'chain = ChainedTokenCredential(AzureCliCredential(tenant_id="contoso.onmicrosoft.com"), cred)',
    'blobs = BlobServiceClient(account_url="https://st.blob.core.windows.net", credential=chain)',
  ].join('\n'),
  'from azure.common.client_factory import get_client_from_cli_profile\nfrom azure.mgmt.compute import ComputeManagementClient\nc = get_client_from_cli_profile(ComputeManagementClient)\n',
  // Broken code still gives what can be read.
  'from azure.identity import DefaultAzureCredential\ndef f(:\n    x = DefaultAzureCredential(exclude_environment_credential=True\n',
  '',
];

function entry() {
  const worker = defaultParseWorker();
  assert.ok(worker, 'the worker entry is found next to parsePool.ts');
  return worker;
}

test('a worker answers with exactly the facts a parse in this thread gives', async () => {
  const pool = new ParsePool(entry(), { size: 2 });
  try {
    for (const text of SOURCES) {
      assert.deepEqual(await pool.facts(text), await factsOfText(text), text.slice(0, 60));
    }
    const [first] = await Promise.all([pool.facts(SOURCES[0]!), pool.facts(SOURCES[1]!)]);
    assert.equal(first.calls.length, 3, 'DefaultAzureCredential, ChainedTokenCredential and its AzureCliCredential member');
  } finally {
    pool.dispose();
  }
});

test('the index parses through the pool: many files at once spread over the workers, facts kept per file', async () => {
  const pool = new ParsePool(entry(), { size: 2 });
  try {
    const files = Array.from({ length: 40 }, (_, i): [string, string] => [`/w/m${i}.py`, SOURCES[i % SOURCES.length]!]);
    const index = new CredentialIndex((text, signal) => pool.facts(text, signal));
    const stamps: SourceFile[] = files.map(([path, text]) => ({ path, mtimeMs: 1, size: text.length }));
    const texts = new Map(files);
    const update = await index.update(stamps, async (path) => texts.get(path)!);
    assert.equal(update.read, 40);
    assert.equal(update.parsed, 30, 'the ten empty files name no Azure SDK and are not parsed');
    assert.equal(pool.size, 2, 'both workers took part');
    for (const [path, text] of files) {
      assert.deepEqual(index.factsIn(path), text.includes('azure') ? await factsOfText(text) : { calls: [], clients: [], clientLineEnds: [], legacy: [] }, path);
    }
  } finally {
    pool.dispose();
  }
});

test('a worker that dies fails its pending files with an error, and the next file gets a new worker', async () => {
  // A worker whose first message makes it exit: what a crash in the WebAssembly runtime looks like from here.
  const dying = { script: 'inline', eval: "require('node:worker_threads').parentPort.on('message', () => process.exit(3));" };
  const pool = new ParsePool(dying, { size: 1 });
  try {
    await assert.rejects(pool.facts(SOURCES[0]!), /the parse worker stopped \(exit code 3\)/);
    assert.equal(pool.size, 0, 'the dead worker is gone');
    await assert.rejects(pool.facts(SOURCES[1]!), /exit code 3/);
  } finally {
    pool.dispose();
  }
  await assert.rejects(pool.facts(SOURCES[0]!), /the parse pool is closed/);
});

test('an answer of another shape fails its file instead of being used', async () => {
  const liar = { script: 'inline', eval: "const p = require('node:worker_threads').parentPort; p.on('message', (m) => p.postMessage({ id: m.id, facts: { calls: 'x' } }));" };
  const pool = new ParsePool(liar, { size: 1 });
  try {
    await assert.rejects(pool.facts(SOURCES[0]!), /the parse worker gave no facts/);
  } finally {
    pool.dispose();
  }
});

test('a process that parsed through the pool exits on its own: workers and their idle timer keep nothing alive', () => {
  const script = [
    `const { ParsePool, defaultParseWorker } = require(${JSON.stringify(join(import.meta.dirname, '..', '..', 'src', 'core', 'code', 'parsePool.ts'))});`,
    'const pool = new ParsePool(defaultParseWorker(), { size: 2 });',
    "Promise.all([pool.facts('from azure.identity import DefaultAzureCredential\\nDefaultAzureCredential()'), pool.facts('import azure')])",
    "  .then(([a]) => console.log('calls', a.calls.length));",
  ].join('\n');
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=commonjs', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'calls 1');
  // The idle timer is 30 s: exiting well before it means nothing waited for it.
  assert.ok(Date.now() - started < 15_000, `exited after ${Date.now() - started} ms`);
});
