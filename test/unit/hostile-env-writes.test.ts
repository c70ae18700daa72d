// Writing secrets into a workspace .env: two writers at once keep both changes (or the second is refused with a
// reason, never silently lost); a file that receives a secret becomes readable by its owner only, and the write
// says when it was wider; generated hostile values are either written so that both .env readers read them back
// exactly, or refused.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'dotenv';
import fc from 'fast-check';
import { parseDotEnv } from '../../src/core/chain/env';
import { EnvFileError, planEnvUpdate, readWorkspaceTextFile, updateEnvFile, writeEnvFile } from '../../src/core/signin/envFile';
import { hostile, hostileSync } from '../harness/hostileTally';

const scratch = mkdtempSync(join(tmpdir(), 'hostile-env-writes-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('two writers at once: both changes are kept', async () => {
  const folder = mkdtempSync(join(scratch, 'both-'));
  writeFileSync(join(folder, '.env'), 'KEEP=1\n');
  await hostile('env-writes', async () => {
    await Promise.all([
      updateEnvFile(folder, { AZURE_CLIENT_ID: 'a' }),
      updateEnvFile(folder, { AZURE_TENANT_ID: 't' }),
      updateEnvFile(folder, { AZURE_CLIENT_SECRET: 's' }),
    ]);
    assert.deepEqual(parse(readFileSync(join(folder, '.env'))), { KEEP: '1', AZURE_CLIENT_ID: 'a', AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's' });
  });
});

test('two writes planned from the same text: the second is refused with a reason, not lost silently', async () => {
  const folder = mkdtempSync(join(scratch, 'refused-'));
  const existing = 'KEEP=1\n';
  writeFileSync(join(folder, '.env'), existing);
  await hostile('env-writes', async () => {
    const results = await Promise.allSettled([
      writeEnvFile(folder, planEnvUpdate(existing, { A: '1' }), { expected: existing }),
      writeEnvFile(folder, planEnvUpdate(existing, { B: '2' }), { expected: existing }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof EnvFileError && refused.reason.kind === 'changed', String(refused.reason));
    assert.match((refused.reason as Error).message, /changed since it was read; nothing was written/);
  });
  // A writer that holds the lock for long: the other one gives up with a reason.
  writeFileSync(join(folder, '.env.lock'), '1\n');
  await hostile('env-writes', () => assert.rejects(writeEnvFile(folder, planEnvUpdate(undefined, { C: '3' })),
    (error: unknown) => error instanceof EnvFileError && error.kind === 'locked' && /in progress/.test(error.message)));
});

test('a world-readable .env that receives a secret becomes 0600, and the write says it was wider', async () => {
  const folder = mkdtempSync(join(scratch, 'mode-'));
  writeFileSync(join(folder, '.env'), 'A=1\n');
  chmodSync(join(folder, '.env'), 0o644);
  await hostile('env-writes', async () => {
    const outcome = await updateEnvFile(folder, { AZURE_CLIENT_ID: 'id' });
    assert.equal(outcome.narrowedFrom, undefined, 'no secret: the mode is the owner\'s choice');
    assert.equal(statSync(join(folder, '.env')).mode & 0o777, 0o644);
    const secret = await updateEnvFile(folder, { AZURE_CLIENT_SECRET: 's3cret' });
    assert.equal(secret.narrowedFrom, 0o644);
    assert.equal(statSync(join(folder, '.env')).mode & 0o777, 0o600);
  });
});

test('.env values: generated hostile values are read back exactly by both readers, or refused', () => {
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.array(fc.constantFrom("'", '"', '\\', '$', '${A}', '\\$', '#', ' ', '\n', '=', '`', '’', 'x', '\u2028', 'export '), { maxLength: 8 }).map((p) => p.join('')),
  );
  fc.assert(fc.property(value, (secret) => hostileSync('env-parse', () => {
    let text: string;
    try {
      text = planEnvUpdate('KEEP=1\n', { AZURE_CLIENT_SECRET: secret }).text;
    } catch (error) {
      assert.ok(error instanceof EnvFileError, String(error));
      return;
    }
    assert.equal(parse(text).AZURE_CLIENT_SECRET, secret, 'the dotenv package reads it back');
    assert.equal(parseDotEnv(text, {}).AZURE_CLIENT_SECRET, secret, 'the chain reads it back');
    assert.equal(parse(text).KEEP, '1');
  })), { numRuns: 400 });
});

test('.env text: generated hostile files parse without throwing, and substitution stays within the file and environment', () => {
  const line = fc.tuple(fc.constantFrom('A', 'B', 'PATH', 'export C', '#', ''), fc.string({ unit: 'binary', maxLength: 20 }))
    .map(([k, v]) => `${k}=${v}`);
  fc.assert(fc.property(fc.array(line, { maxLength: 10 }), (lines) => hostileSync('env-parse', () => {
    const parsed = parseDotEnv(lines.join('\n'), { HOME: '/home/u' });
    for (const [key, value] of Object.entries(parsed)) {
      assert.equal(typeof value, 'string', key);
    }
  })), { numRuns: 300 });
  return readWorkspaceTextFile(scratch, 'missing.env').then((text) => assert.equal(text, undefined));
});
