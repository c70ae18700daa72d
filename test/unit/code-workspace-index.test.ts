// The index behind the workspace's Problems: one parse per changed file gives its credentials, its SDK clients (with
// where the client's first line ends, for a file no editor has open) and its track-1 authentication; an unchanged
// file is not read again; a file gone is reported as removed; a file too large or unreadable is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialIndex, MAX_SOURCE_BYTES, type SourceFile } from '../../src/core/code/credentialIndex';

const APP = [
  'import os',
  'from azure.identity import DefaultAzureCredential',
  'from azure.storage.blob import BlobServiceClient',
  'from azure.common.client_factory import get_client_from_cli_profile',
  'from azure.mgmt.compute import ComputeManagementClient',
  '',
  'credential = DefaultAzureCredential(exclude_cli_credential=True)',
  'blobs = BlobServiceClient(',
  '    account_url=os.environ["AZURE_STORAGE_ACCOUNT_URL"], credential=credential)',
  'secrets = BlobServiceClient("https://st.blob.core.windows.net", credential)',
  'compute = get_client_from_cli_profile(ComputeManagementClient)',
].join('\n');

function workspace(files: Record<string, string>) {
  const reads: string[] = [];
  const read = async (path: string) => {
    reads.push(path);
    const text = files[path];
    if (text === undefined) throw new Error(`${path}: no such file`);
    return text;
  };
  return { reads, read };
}

test('one parse of a file gives its credentials, clients (and their first line\'s end) and track-1 use', async () => {
  const files: Record<string, string> = { '/w/app.py': APP, '/w/plain.py': 'import json\nprint(json.dumps({}))\n' };
  const { read, reads } = workspace(files);
  const index = new CredentialIndex();
  const stamps: SourceFile[] = [{ path: '/w/app.py', mtimeMs: 1, size: APP.length }, { path: '/w/plain.py', mtimeMs: 1, size: 30 }];
  const update = await index.update(stamps, read);
  // Both files are read; only the one naming the Azure SDKs is parsed (the other cannot build anything).
  assert.deepEqual([update.read, update.parsed], [2, 1]);
  assert.deepEqual([...update.changed].sort(), ['/w/app.py', '/w/plain.py']);
  const facts = index.factsIn('/w/app.py')!;
  assert.deepEqual(facts.calls.map((c) => [c.credential, c.range.startLine]), [['DefaultAzureCredential', 6]]);
  assert.deepEqual(facts.clients.map((c) => [c.client, c.range.startLine, c.endpoint]), [
    ['BlobServiceClient', 7, { kind: 'environment', variable: 'AZURE_STORAGE_ACCOUNT_URL' }],
    ['BlobServiceClient', 9, { kind: 'literal', value: 'https://st.blob.core.windows.net' }],
  ]);
  // The multi-line call's first line ends after "BlobServiceClient("; the one-line call ends where the call does.
  assert.deepEqual(facts.clientLineEnds, ['blobs = BlobServiceClient('.length, APP.split('\n')[9]!.length]);
  assert.deepEqual(facts.legacy.map((u) => [u.kind, u.name]), [['client-factory', 'get_client_from_cli_profile']]);
  assert.deepEqual(index.factsIn('/w/plain.py'), { calls: [], clients: [], clientLineEnds: [], legacy: [] });
  assert.deepEqual(reads.sort(), ['/w/app.py', '/w/plain.py']);
});

test('nothing changed: nothing read; one file changed: that file alone; a file gone: removed; a large or unreadable one: skipped', async () => {
  const files: Record<string, string> = { '/w/a.py': APP, '/w/b.py': APP };
  const { read, reads } = workspace(files);
  const index = new CredentialIndex();
  const a = { path: '/w/a.py', mtimeMs: 1, size: APP.length };
  const b = { path: '/w/b.py', mtimeMs: 1, size: APP.length };
  await index.update([a, b], read);
  reads.length = 0;
  const again = await index.update([a, b], read);
  assert.deepEqual([again.read, again.parsed, again.changed, again.removed, reads], [0, 0, [], [], []]);

  files['/w/a.py'] = 'from azure.identity import AzureCliCredential\nc = AzureCliCredential()\n';
  const changed = await index.update([{ ...a, mtimeMs: 2, size: files['/w/a.py'].length }, b], read);
  assert.deepEqual([changed.read, changed.parsed, changed.changed, reads], [1, 1, ['/w/a.py'], ['/w/a.py']]);
  assert.deepEqual(index.factsIn('/w/a.py')!.calls.map((c) => c.credential), ['AzureCliCredential']);
  assert.deepEqual(index.factsIn('/w/a.py')!.legacy, []);

  const gone = await index.update([b], read);
  assert.deepEqual(gone.removed, ['/w/a.py']);
  assert.equal(index.factsIn('/w/a.py'), undefined);
  assert.deepEqual(index.paths(), ['/w/b.py']);

  reads.length = 0;
  const bounded = await index.update([b, { path: '/w/big.py', mtimeMs: 1, size: MAX_SOURCE_BYTES + 1 }, { path: '/w/missing.py', mtimeMs: 1, size: 10 }], read);
  assert.deepEqual(reads, ['/w/missing.py'], 'the large file is never read');
  assert.deepEqual(bounded.skipped.map((s) => s.path), ['/w/big.py', '/w/missing.py']);
  assert.deepEqual(index.factsIn('/w/big.py'), { calls: [], clients: [], clientLineEnds: [], legacy: [] });
  assert.equal(index.factsIn('/w/missing.py'), undefined);
});
