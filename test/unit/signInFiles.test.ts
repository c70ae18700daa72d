import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SignInFileWatcher, type SignInChange } from '../../src/core/watch/signInFiles';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `condition` holds (file events arrive later on a busy machine), at most `ms`. */
async function eventually(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await settle(25);
  return condition();
}

function watchedHome() {
  const home = mkdtempSync(join(tmpdir(), 'ada-watch-'));
  const batches: SignInChange[][] = [];
  const watcher = new SignInFileWatcher(home, (c) => batches.push([...c]), 50);
  watcher.start();
  return { home, batches, watcher, done: () => { watcher.dispose(); rmSync(home, { recursive: true, force: true }); } };
}

test('a first az login (creating ~/.azure and azureProfile.json) is seen, as one debounced batch', async () => {
  const w = watchedHome();
  try {
    mkdirSync(join(w.home, '.azure'));
    await settle(20);
    writeFileSync(join(w.home, '.azure', 'azureProfile.json'), '{"subscriptions":[{"id":"1"}]}');
    writeFileSync(join(w.home, '.azure', 'msal_token_cache.json'), '{}');
    // Seen either as the new folder (its files may be written before the folder's own watch starts; the re-check that
    // follows the batch reads them) or as azureProfile.json itself.
    const azure = join(w.home, '.azure');
    assert.ok(await eventually(() => w.batches.flat().some((c) => c.path === azure || c.path.endsWith('azureProfile.json'))), JSON.stringify(w.batches));
  } finally { w.done(); }
});

test('az logout (rewriting azureProfile.json) is seen; files that probes write are not', async () => {
  const w = watchedHome();
  try {
    mkdirSync(join(w.home, '.azure', 'commands'), { recursive: true });
    writeFileSync(join(w.home, '.azure', 'azureProfile.json'), '{"subscriptions":[{"id":"1"}]}');
    await settle(200);
    w.batches.length = 0;
    writeFileSync(join(w.home, '.azure', 'commands', 'x.log'), 'get-access-token');
    writeFileSync(join(w.home, '.azure', 'msal_token_cache.json'), '{"AccessToken":{}}');
    await settle(200);
    assert.equal(w.batches.length, 0, 'probe side effects must not trigger a re-probe');
    writeFileSync(join(w.home, '.azure', 'azureProfile.json'), '{"subscriptions":[]}');
    await settle(200);
    assert.equal(w.batches.length, 1);
  } finally { w.done(); }
});

test('rewriting a sign-in file with the same content does not trigger', async () => {
  const w = watchedHome();
  try {
    mkdirSync(join(w.home, '.azd'));
    writeFileSync(join(w.home, '.azd', 'config.json'), '{"auth":{}}');
    await settle(200);
    w.batches.length = 0;
    writeFileSync(join(w.home, '.azd', 'config.json'), '{"auth":{}}');
    await settle(200);
    assert.equal(w.batches.length, 0);
  } finally { w.done(); }
});

test('azd auth login (azd 1.x keeps the current user in ~/.azd/auth.json) and azd auth logout are seen', async () => {
  const w = watchedHome();
  try {
    mkdirSync(join(w.home, '.azd'));
    await settle(20);
    writeFileSync(join(w.home, '.azd', 'auth.json'), '{"auth":{"account":{"currentUser":{"homeAccountId":"a.b"}}}}');
    await settle(200);
    assert.ok(w.batches.flat().some((c) => c.path.endsWith('auth.json')), 'sign-in seen');
    w.batches.length = 0;
    rmSync(join(w.home, '.azd', 'auth.json'));
    await settle(200);
    assert.equal(w.batches.length, 1, 'sign-out seen');
  } finally { w.done(); }
});

test('a sign-in file replaced by a FIFO is seen as gone, at once, without a blocked event loop', async () => {
  const w = watchedHome();
  try {
    mkdirSync(join(w.home, '.azure'));
    writeFileSync(join(w.home, '.azure', 'azureProfile.json'), '{"subscriptions":[{"id":"1"}]}');
    await settle(200);
    w.batches.length = 0;
    rmSync(join(w.home, '.azure', 'azureProfile.json'));
    execFileSync('mkfifo', [join(w.home, '.azure', 'azureProfile.json')]);
    // A timer keeps ticking while the watcher looks at the FIFO: nothing waits for a writer that never comes.
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 10);
    try {
      assert.ok(await eventually(() => w.batches.flat().some((c) => c.path.endsWith('azureProfile.json'))), JSON.stringify(w.batches));
      await w.watcher.settled();
    } finally { clearInterval(ticker); }
    assert.ok(ticks > 0, 'the event loop kept running');
  } finally { w.done(); }
});
