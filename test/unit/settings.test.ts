import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkTimeoutMs, definedEnvironment, envFilePath, keywordArgumentsFromSettings,
} from '../../src/core/presentation/settings';

test('keyword arguments keep only exclusions set either way and a positive process timeout', () => {
  assert.deepEqual(keywordArgumentsFromSettings({ exclude: { AzureCliCredential: true, EnvironmentCredential: false, BrokerCredential: null }, processTimeout: 20 }),
    { exclude: { AzureCliCredential: true, EnvironmentCredential: false }, processTimeoutSeconds: 20 });
  assert.equal(keywordArgumentsFromSettings({ exclude: {}, processTimeout: 0 }).processTimeoutSeconds, undefined);
  assert.equal(keywordArgumentsFromSettings({ exclude: {}, processTimeout: null }).processTimeoutSeconds, undefined);
});

test('the environment drops undefined values; the overall timeout falls back to 60 s', () => {
  assert.deepEqual(definedEnvironment({ A: '1', B: undefined }), { A: '1' });
  assert.equal(checkTimeoutMs({ checkTimeoutSeconds: 5 }), 5_000);
  assert.equal(checkTimeoutMs({ checkTimeoutSeconds: 0 }), 60_000);
  assert.equal(checkTimeoutMs({ checkTimeoutSeconds: Number.NaN }), 60_000);
});

test('python.envFile resolves per folder', () => {
  assert.equal(envFilePath('${workspaceFolder}/.env', '/w/api'), '/w/api/.env');
  assert.equal(envFilePath('', '/w/api'), '/w/api/.env');
  assert.equal(envFilePath('config/dev.env', '/w/api'), '/w/api/config/dev.env');
  assert.equal(envFilePath('/etc/app.env', '/w/api'), '/etc/app.env');
});
