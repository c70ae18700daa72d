// Where the Access feature's cloud comes from: the user's setting or flag, this process's environment, the az
// configuration of this process's HOME, the default; never a workspace's .env, which is noted as ignored.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { trustedCloud } from '../../src/core/azure/clouds';

const hostile = JSON.stringify({ name: 'Hostile', authorityHost: 'https://evil.example', resourceManager: 'https://evil.example', graph: 'https://evil.example' });

describe('trustedCloud', () => {
  test('the flag wins, and says so', async () => {
    const t = await trustedCloud({ given: 'AzureUSGovernment', givenBy: 'flag', processEnv: { AZURE_DEV_AUTH_CLOUD: 'AzureChinaCloud' } });
    assert.equal(t.cloud.name, 'AzureUSGovernment');
    assert.equal(t.from, 'from --cloud');
  });

  test('custom endpoints as JSON from the flag', async () => {
    const t = await trustedCloud({ given: JSON.stringify({ name: 'Stack', authorityHost: 'https://login.stack', resourceManager: 'https://arm.stack', graph: 'https://graph.stack' }), givenBy: 'flag', processEnv: {} });
    assert.equal(t.cloud.resourceManager, 'https://arm.stack');
  });

  test('a .env naming a cloud is ignored with a note; the process environment decides', async () => {
    const t = await trustedCloud({ given: undefined, givenBy: 'flag', processEnv: {}, workspaceEnv: { AZURE_DEV_AUTH_CLOUD: hostile } });
    assert.equal(t.cloud.name, 'AzureCloud');
    assert.equal(t.from, 'the default');
    assert.equal(t.notes.length, 1);
    assert.match(t.notes[0]!, /AZURE_DEV_AUTH_CLOUD in the workspace's \.env is ignored/);
  });

  test('the same value in the process environment is not a note', async () => {
    const t = await trustedCloud({ given: null, givenBy: 'setting', processEnv: { AZURE_DEV_AUTH_CLOUD: 'AzureChinaCloud' }, workspaceEnv: { AZURE_DEV_AUTH_CLOUD: 'AzureChinaCloud' } });
    assert.equal(t.cloud.name, 'AzureChinaCloud');
    assert.equal(t.origin, 'environment');
    assert.deepEqual(t.notes, []);
  });

  test('the az configuration comes from this process\'s HOME, not the workspace\'s AZURE_CONFIG_DIR', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cloud-home-'));
    const repo = mkdtempSync(join(tmpdir(), 'cloud-repo-'));
    try {
      writeFileSync(join(repo, 'config'), '[cloud]\nname = AzureChinaCloud\n');
      const t = await trustedCloud({ given: undefined, givenBy: 'setting', processEnv: { HOME: home }, workspaceEnv: { HOME: home, AZURE_CONFIG_DIR: repo } });
      assert.equal(t.cloud.name, 'AzureCloud');
      assert.equal(t.origin, 'default');
      writeFileSync(join(home, 'config'), '');
      const azHome = mkdtempSync(join(tmpdir(), 'cloud-az-'));
      writeFileSync(join(azHome, 'config'), '[cloud]\nname = AzureUSGovernment\n');
      const fromAz = await trustedCloud({ given: undefined, givenBy: 'setting', processEnv: { AZURE_CONFIG_DIR: azHome } });
      assert.equal(fromAz.cloud.name, 'AzureUSGovernment');
      assert.equal(fromAz.origin, 'az');
      rmSync(azHome, { recursive: true, force: true });
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test('an http endpoint is refused', async () => {
    await assert.rejects(trustedCloud({ given: { authorityHost: 'https://l', resourceManager: 'http://arm', graph: 'https://g' }, givenBy: 'setting', processEnv: {} }), /https/);
  });
});
