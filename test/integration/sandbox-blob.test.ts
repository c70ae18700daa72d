// The sandbox's blob data plane refuses as storage does: no token, a token for another audience, a token whose
// identity holds no data role (alice holds Storage Blob Data Reader on stsandboxapp: reads pass, writes get 403
// AuthorizationPermissionMismatch), and lets the write through once a data role is assigned through ARM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { sandboxFetch, userToken } from './helpers/sandbox';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
const BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
let sb: Sandbox;

before(async () => { sb = await startSandbox(); });
after(async () => { await sb?.stop(); });

/** A request to https://stsandboxapp.blob.core.windows.net, sent to the sandbox's loopback address under that host name. */
function blob(method: string, path: string, token: string | undefined, body?: string) {
  return sandboxFetch(sb, method, `${sb.url}${path}`, {
    headers: { Host: 'stsandboxapp.blob.core.windows.net', 'x-ms-version': '2025-01-05', 'x-ms-blob-type': 'BlockBlob', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
}

test('storage refusals: no token, another audience, no data role for a write; a read role reads', async () => {
  const none = await blob('PUT', '/uploads/a.txt', undefined, 'x');
  assert.equal(none.status, 401);
  assert.equal(none.headers['x-ms-error-code'], 'NoAuthenticationInformation');

  const armToken = await userToken(sb, 'alice');
  const wrongAudience = await blob('PUT', '/uploads/a.txt', armToken, 'x');
  assert.equal(wrongAudience.status, 401);
  assert.equal(wrongAudience.headers['x-ms-error-code'], 'InvalidAuthenticationInfo');

  const storageToken = await userToken(sb, 'alice', 'https://storage.azure.com/.default');
  const write = await blob('PUT', '/uploads/a.txt', storageToken, 'day,total\n');
  assert.equal(write.status, 403);
  assert.equal(write.headers['x-ms-error-code'], 'AuthorizationPermissionMismatch');
  assert.match(write.text, /<Code>AuthorizationPermissionMismatch<\/Code><Message>This request is not authorized to perform this operation using this permission\.\nRequestId:/);

  const read = await blob('GET', '/uploads/a.txt', storageToken);
  assert.equal(read.status, 404, 'the reader may read: the blob is just not there');
  assert.equal(read.headers['x-ms-error-code'], 'BlobNotFound');
});

test('once Storage Blob Data Contributor is assigned through ARM, the write and the read pass', async () => {
  const armToken = await userToken(sb, 'alice');
  const oid = String(decodeJwt(armToken).oid);
  const assignment = await sandboxFetch(sb, 'PUT', `${sb.url}/arm${ACCOUNT_ID}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
    headers: { Authorization: `Bearer ${armToken}` },
    json: { properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_CONTRIBUTOR}`, principalId: oid, principalType: 'User' } },
  });
  assert.equal(assignment.status, 201, assignment.text);
  const storageToken = await userToken(sb, 'alice', 'https://storage.azure.com/.default');
  assert.equal((await blob('PUT', '/uploads/b.txt', storageToken, 'day,total\n')).status, 201);
  const read = await blob('GET', '/uploads/b.txt', storageToken);
  assert.equal(read.status, 200);
  assert.equal(read.text, 'day,total\n');
});
