// The workspace texts the Access view and the role wizard read for resource names: asynchronous, bounded, and safe
// against what a cloned repository can hold (a FIFO named .env, a link out of the folder, a huge file).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readWorkspaceTexts } from '../../src/core/access/workspaceFiles';

test('reads .env and code; skips a FIFO .env (without blocking), links out of the folder and files above the limit', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ada-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'ada-outside-'));
  try {
    writeFileSync(join(root, 'app.py'), 'URL = "https://stapp.blob.core.windows.net"\n');
    mkdirSync(join(root, 'api'));
    execFileSync('mkfifo', [join(root, 'api', '.env')]);
    writeFileSync(join(outside, 'secrets.py'), 'TOKEN = "outside"\n');
    symlinkSync(join(outside, 'secrets.py'), join(root, 'linked.py'));
    writeFileSync(join(root, 'huge.py'), 'x'.repeat(300 * 1024));
    const texts = await readWorkspaceTexts(root);
    assert.deepEqual(texts, ['URL = "https://stapp.blob.core.windows.net"\n']);
    const aborted = AbortSignal.abort();
    await assert.rejects(readWorkspaceTexts(root, undefined, aborted), { name: 'AbortError' });
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
