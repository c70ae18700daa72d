// Debian's Chromium and the sandbox's pages: the flags the sandbox hands out (`sb.chromiumFlags`) are all Chromium
// needs to trust the throw-away certificate, and a person in the browser completes the fake az's device-code and
// browser sign-ins.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt } from './helpers/sandbox';

const CHROMIUM = '/usr/bin/chromium';
/** Quiet and inside loopback: no background services that would dial out. */
const QUIET_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'];

let sb: Sandbox;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function launch(extraFlags: string[]): Promise<Browser> {
  const home = tempDir('sandbox-browser-home-');
  return chromium.launch({ executablePath: CHROMIUM, args: [...QUIET_FLAGS, ...extraFlags], env: { ...process.env, HOME: home }, timeout: 60_000 });
}

interface AzRun { stderrSoFar(): string; done: Promise<{ code: number | null; stdout: string; stderr: string }> }

/** The fake az, with its stderr readable while it runs (a person reads the code or URL from it). */
function startAz(home: string, args: string[]): AzRun {
  const child = spawn(join(sb.toolsBinDir, 'az'), args, { env: sb.toolEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
  return { stderrSoFar: () => stderr, done };
}

async function waitForMatch(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`never saw ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Chromium and the sandbox sign-in pages', { skip: !existsSync(CHROMIUM) && 'chromium is not installed' }, () => {
  before(async () => {
    await ensureToolsBuilt();
    sb = await startSandbox();
  });
  after(async () => {
    await sb?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(() => sb.control.reset());

  test('without the flags Chromium refuses the throw-away certificate; with them it opens the device-login page', async () => {
    const plain = await launch([]);
    try {
      const page = await plain.newPage();
      await assert.rejects(page.goto(`${sb.url}/devicelogin`), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await plain.close();
    }
    const trusting = await launch(sb.chromiumFlags);
    try {
      const page = await trusting.newPage();
      const response = await page.goto(`${sb.url}/devicelogin`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.title(), 'Enter code');
    } finally {
      await trusting.close();
    }
  });

  test('a person completes `az login --use-device-code` and the browser sign-in of `az login` in Chromium', async () => {
    const browser = await launch(sb.chromiumFlags);
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(20_000);

      const device = startAz(tempDir('sandbox-browser-az-'), ['login', '--use-device-code']);
      const [, pageUrl, userCode] = await waitForMatch(device.stderrSoFar, /open the page (\S+) and enter the code (\S+) to authenticate/);
      await page.goto(pageUrl!);
      await page.locator('#code').fill(userCode!);
      await page.locator('button[data-user="bob"]').click();
      assert.match(await page.locator('#result').innerText(), /You have signed in/);
      const deviceDone = await device.done;
      assert.equal(deviceDone.code, 0, deviceDone.stderr);
      assert.equal((JSON.parse(deviceDone.stdout) as { user: { name: string } }[])[0]!.user.name, sb.users.bob!.upn);

      const interactive = startAz(tempDir('sandbox-browser-az-'), ['login']);
      const [, signInUrl] = await waitForMatch(interactive.stderrSoFar, /Sign-in URL: (\S+)/);
      await page.goto(signInUrl!);
      assert.equal(await page.title(), 'Pick an account');
      // Picking alice posts the form; Entra's redirect lands on az's loopback listener with the code.
      await page.locator('button[data-user="alice"]').click();
      const browserDone = await interactive.done;
      assert.equal(browserDone.code, 0, browserDone.stderr);
      assert.equal((JSON.parse(browserDone.stdout) as { user: { name: string } }[])[0]!.user.name, sb.users.alice!.upn);
      assert.ok(sb.control.requestLog().some((e) => e.route === 'entra.token' && e.details?.grant_type === 'authorization_code' && e.status === 200));
    } finally {
      await browser.close();
    }
  });
});
