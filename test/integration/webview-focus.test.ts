// A wizard page redraws while a keyboard user is on one of its buttons (the equivalent commands arrive, a member is
// found): focus stays on that button, so Enter still presses it. The page's own redraw (src/webview/dom.ts) and the
// real vscode-elements button run in real Chromium; a vscode-button becomes focusable only in its first render, a
// microtask after it is added, which is what a redraw must wait for.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const QUIET_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'];
const repo = join(__dirname, '..', '..');
const ORIGIN = 'https://focus.test';

/** A page with the product's redraw and buttons: `redraw()` rebuilds the step as the wizards do, `pressed` counts presses. */
const ENTRY = `
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { replaceChildren } from './src/webview/dom';
import { button } from './src/webview/common';
const app = document.getElementById('app');
const w = window;
w.pressed = 0;
w.redraw = () => replaceChildren(app, button('Back', () => {}, { key: 'back', secondary: true }), button('Create', () => { w.pressed++; }, { key: 'create', id: 'create' }));
w.redraw();
`;

/** VS Code's webview API, as much of it as the page's bridge asks for at load; nothing is posted in this test. */
const PAGE = '<!DOCTYPE html><html lang="en"><body><main id="app"></main><input id="elsewhere">'
  + '<script>window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });</script></body></html>';

let browser: Browser;
let script: string;

before(async () => {
  const built = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: repo, sourcefile: 'focus-entry.ts', loader: 'ts' },
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent',
  });
  script = built.outputFiles[0]!.text;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
});

test('a redraw keeps the keyboard on the button it was on: Enter presses it; a user who moved on is not pulled back', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route('**/*', async (route) => {
    if (route.request().url() === `${ORIGIN}/`) await route.fulfill({ contentType: 'text/html', body: PAGE });
    else if (route.request().url() === `${ORIGIN}/page.js`) await route.fulfill({ contentType: 'text/javascript', body: script });
    else await route.abort();
  });
  await page.goto(`${ORIGIN}/`);
  await page.addScriptTag({ url: `${ORIGIN}/page.js` });
  const create = page.locator('#create');
  await create.waitFor({ timeout: 10_000 }).catch(() => assert.fail(`the page drew no Create button: ${errors.join('; ')}`));
  await create.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'create');

  // The step is rebuilt while the user is on Create, then Enter.
  await page.evaluate(() => (window as unknown as { redraw(): void }).redraw());
  await page.waitForFunction(() => document.activeElement?.id === 'create', undefined, { timeout: 5_000 });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => (window as unknown as { pressed: number }).pressed), 1, 'Enter pressed Create');

  // Focus elsewhere (not on the page's step) is left where it is by a redraw.
  await page.locator('#elsewhere').focus();
  await page.evaluate(() => (window as unknown as { redraw(): void }).redraw());
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'elsewhere');
  await page.close();
});
