// Track-1 libraries, read the way the product reads an interpreter: a made-up interpreter (test/harness/fakePython.ts)
// with azure-identity and azure-mgmt-* distributions of both generations; detection must name exactly the track-1
// ones (msrestazure-based, no azure-core / azure-mgmt-core among their requirements).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectAzureIdentity } from '../../src/core/python';
import { fakeInterpreter } from '../harness/fakePython';

test('azure-mgmt-resource 10.2.0 (msrest) is a track-1 library; 23.1.0 (azure-mgmt-core) and azure-mgmt-core itself are not', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'fake-python-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const python = fakeInterpreter(root, [
    { name: 'azure-identity', version: '1.27.0', requires: ['azure-core>=1.31.0', 'msal>=1.30.0'] },
    { name: 'azure-mgmt-resource', version: '10.2.0', requires: ['msrest>=0.5.0', 'msrestazure (<2.0.0,>=0.4.32)', 'azure-common (~=1.1)'] },
    { name: 'azure_mgmt_storage', version: '11.2.0', requires: ['msrestazure>=0.4.32', 'azure-common~=1.1'] },
    { name: 'azure-mgmt-compute', version: '33.0.0', requires: ['isodate>=0.6.1', 'azure-mgmt-core>=1.3.2', 'typing-extensions>=4.6.0'] },
    { name: 'azure-mgmt-core', version: '1.5.0', requires: ['azure-core>=1.31.0'] },
    { name: 'azure-mgmt-keyvault', version: '10.3.1', requires: ['azure-common>=1.1', 'azure-mgmt-core<2.0.0,>=1.3.2', 'isodate>=0.6.1'] },
  ]);
  const found = await detectAzureIdentity(python, { PATH: '/usr/bin:/bin' });
  assert.equal(found.problem, undefined);
  assert.equal(found.version, '1.27.0');
  assert.deepEqual(found.track1Packages, [
    { name: 'azure-mgmt-resource', version: '10.2.0' },
    { name: 'azure-mgmt-storage', version: '11.2.0' },
  ]);
});

test('an interpreter with only current libraries, or libraries that declare no requirements (Debian\'s), has no track-1 ones', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'fake-python-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const python = fakeInterpreter(root, [
    { name: 'azure-identity', version: '1.25.3', requires: ['azure-core>=1.31.0'] },
    { name: 'azure-mgmt-resource', version: '23.1.0', requires: ['azure-common>=1.1', 'azure-mgmt-core>=1.3.2'] },
    { name: 'azure-mgmt-network', version: '21.0.1' },
  ]);
  const found = await detectAzureIdentity(python, { PATH: '/usr/bin:/bin' });
  assert.equal(found.version, '1.25.3');
  assert.deepEqual(found.track1Packages, []);
});
