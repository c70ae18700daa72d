// The wizard pages in another language: the browser bundle of the pages (built from src/webview as build.mjs builds
// it) runs in real Chromium behind a stand-in for VS Code's webview API that answers `ready` with the panel's init
// message, as the extension host does. With a pseudo-translation of l10n/bundle.l10n.json (every message wrapped in
// ⟦ ⟧) in that message, every text the page draws is the translation; without one the page is English. Nothing
// leaves the page: its requests are answered from here.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const QUIET_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'];
const repo = join(__dirname, '..', '..');
const ORIGIN = 'https://wizard.test';

const english = JSON.parse(readFileSync(join(repo, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
/** What a translator would deliver, made visible: ⟦message⟧, placeholders kept. */
const pseudo = Object.fromEntries(Object.keys(english).map((message) => [message, `⟦${message}⟧`]));

/** Texts a page shows as they are in every language: tool names over the command blocks, and data from Azure. */
const NOT_TRANSLATED = new Set(['bash', 'PowerShell']);

const ALICE = { id: 'cb2be4d1-2705-475d-83e6-02d82fdd105f', type: 'User', displayName: 'Alice Example', detail: 'alice@contoso.com' };
const TENANT = '48337339-9daf-40bb-b2c4-6fdbad938cad';
/** The chain as the sign-in page gets it: the Azure CLI active as Alice, the environment tried before it, PowerShell not installed. */
const SIGN_IN_PAGE = {
  phase: 'ready', stale: false, checkedAt: 1_700_000_000_000, headline: 'Python signs in as alice@contoso.com through the Azure CLI.',
  azureIdentity: { version: '1.25.0', rules: 'azure-identity 1.24 and later' }, interpreter: '/usr/bin/python3', trusted: true,
  active: { credential: 'AzureCliCredential', label: 'Azure CLI', who: ALICE.detail, tenantId: TENANT, objectId: ALICE.id },
  roles: 'some',
  rows: [
    { credential: 'EnvironmentCredential', label: 'Environment variables', kind: 'environment', position: 1, tool: null, installed: null, signIn: { kind: 'unknown' }, reach: { kind: 'tried' } },
    { credential: 'AzureCliCredential', label: 'Azure CLI', kind: 'tool', position: 5, tool: 'az', installed: true, signIn: { kind: 'signed-in', who: ALICE.detail, tenantId: TENANT }, reach: { kind: 'active' } },
    { credential: 'AzurePowerShellCredential', label: 'Azure PowerShell', kind: 'tool', position: 6, tool: 'pwsh', installed: false, signIn: { kind: 'not-installed', message: 'pwsh was not found on PATH.' }, reach: { kind: 'stops' } },
  ],
  vscode: { implementation: 'azure-resources', azureResourcesSince: '1.23.0', azureResourcesInstalled: false, brokerInstalled: null },
  clouds: [{ name: 'AzureCloud', label: 'Azure (public cloud)', authorityHost: 'https://login.microsoftonline.com' }],
  azCloud: 'AzureCloud', customCloud: null, knownTenants: [],
};
/** Answers to the page's requests, by method: enough for the first step of each wizard to draw. */
const ANSWERS: Record<string, unknown> = {
  whoAmI: { actor: { tool: 'az', user: ALICE }, problem: null },
  findGroups: { groups: [] },
  signInPage: { page: SIGN_IN_PAGE, run: null },
};

let browser: Browser;
let dir: string;
let webviewJs: string;

const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"></head><body><main id="app"></main>
<script type="module" src="${ORIGIN}/webview.js"></script></body></html>`;

/** VS Code's side of the page: `ready` gets the init message (with `l10n` when given); requests get ANSWERS. */
function hostStub(init: unknown, l10n: unknown): string {
  return `(() => {
    const init = ${JSON.stringify(init)};
    const l10n = ${JSON.stringify(l10n ?? null)};
    const answers = ${JSON.stringify(ANSWERS)};
    window.acquireVsCodeApi = () => ({
      postMessage(message) {
        if (message.type === 'ready') window.postMessage({ type: 'init', init, ...(l10n ? { l10n } : {}) }, '*');
        if (message.type === 'request' && message.request.method in answers) {
          window.postMessage({ type: 'response', id: message.id, method: message.request.method, ok: true, result: answers[message.request.method] }, '*');
        }
      },
      getState() { return undefined; },
      setState() {},
    });
  })();`;
}

async function openPage(init: unknown, l10n: unknown): Promise<Page> {
  const page = await browser.newPage();
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/`) await route.fulfill({ contentType: 'text/html', body: html });
    else if (url === `${ORIGIN}/webview.js`) await route.fulfill({ contentType: 'text/javascript', body: webviewJs });
    else await route.abort();
  });
  await page.addInitScript({ content: hostStub(init, l10n) });
  await page.goto(`${ORIGIN}/`);
  return page;
}

/** Every text the user reads on the page: text nodes (outside the command blocks) and the accessible labels. */
function shownTexts(page: Page): Promise<{ texts: string[]; labels: string[] }> {
  return page.evaluate(() => {
    const root = document.getElementById('app')!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      if (text && !node.parentElement?.closest('pre, code')) texts.push(text);
    }
    // Not what aria-hidden hides (the progress ring's own "Loading" beside the translated text it decorates).
    const labels = [...root.querySelectorAll('[aria-label], [label], [placeholder]')].filter((e) => !e.closest('[aria-hidden="true"]'))
      .flatMap((e) => ['aria-label', 'label', 'placeholder'].map((a) => e.getAttribute(a)).filter((v): v is string => !!v));
    return { texts, labels };
  });
}

/** What is neither translated nor data: the page's own English that bypassed l10n.t. */
function untranslated(shown: { texts: string[]; labels: string[] }, data: readonly string[]): string[] {
  const isData = (text: string) => data.some((d) => text === d || text.replace(d, '').trim() === '');
  return [...shown.texts, ...shown.labels].filter((text) => !/[⟦⟧]/.test(text) && !NOT_TRANSLATED.has(text) && !isData(text) && /\p{L}/u.test(text));
}

describe('the wizard pages in a translated VS Code', { skip: !existsSync(CHROMIUM) && 'chromium is not installed' }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webview-l10n-'));
    await esbuild.build({ entryPoints: { webview: join(repo, 'src', 'webview', 'main.ts') }, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outdir: dir, logLevel: 'silent' });
    webviewJs = readFileSync(join(dir, 'webview.js'), 'utf8');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS, env: { ...process.env, HOME: dir }, timeout: 60_000 });
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the group wizard draws every text of its first step from the translation', async () => {
    const page = await openPage({ wizard: 'group', folderName: 'contoso-app' }, pseudo);
    try {
      await page.locator('h1').filter({ hasText: '⟦Create Local Development Group⟧' }).waitFor({ timeout: 15_000 });
      await page.getByText('⟦Acting as {0} ({1}) through {2}.⟧'.replace('{0}', ALICE.displayName).replace('{1}', ALICE.detail).replace('{2}', 'az')).waitFor();
      assert.deepEqual(await page.locator('ol.steps li').allTextContents(), ['⟦Name⟧', '⟦Members⟧', '⟦Review⟧', '⟦Done⟧']);
      assert.equal(await page.locator('vscode-button[data-key="details-next"]').textContent(), '⟦Next⟧');
      assert.equal(await page.locator('ol.steps').getAttribute('aria-label'), '⟦Steps⟧');
      // The group name and description are the folder's, made by the code shared with the CLI.
      assert.deepEqual(untranslated(await shownTexts(page), ['contoso-app-local-dev']), []);
    } finally {
      await page.close();
    }
  });

  test('the role wizard draws every text of its first step from the translation', async () => {
    const page = await openPage({ wizard: 'role' }, pseudo);
    try {
      await page.locator('h1').filter({ hasText: '⟦Assign Role⟧' }).waitFor({ timeout: 15_000 });
      await page.getByText(`⟦Me: ${ALICE.displayName}⟧`).waitFor();
      assert.deepEqual(await page.locator('ol.steps li').allTextContents(), ['⟦Assignee⟧', '⟦Scope⟧', '⟦Role⟧', '⟦Review⟧', '⟦Done⟧']);
      assert.deepEqual(untranslated(await shownTexts(page), [ALICE.detail]), []);
    } finally {
      await page.close();
    }
  });

  test('the sign-in page draws its sources, their states and its sections from the translation', async () => {
    const page = await openPage({ wizard: 'signIn', folderName: 'contoso-app' }, pseudo);
    try {
      await page.locator('#row-AzureCliCredential').waitFor({ timeout: 15_000 });
      await page.getByText(`⟦Signed in as ${ALICE.detail} (tenant ${TENANT}).⟧`).first().waitFor();
      // Data from the chain (labels, who, the headline the engine wrote, paths) stays as it came; the rest is translated.
      const data = [SIGN_IN_PAGE.headline, ALICE.detail, TENANT, 'Azure CLI', 'Azure PowerShell', 'Environment variables', 'pwsh was not found on PATH.',
        '1. Environment variables', '2. Azure CLI', '3. Azure PowerShell', 'Azure (public cloud)', 'contoso-app-local-dev', 'pwsh', 'az', 'azd', 'Azure Developer CLI'];
      assert.deepEqual(untranslated(await shownTexts(page), data), []);
    } finally {
      await page.close();
    }
  });

  test('without a translation (VS Code in English) the page is the English of the sources', async () => {
    const page = await openPage({ wizard: 'group', folderName: 'contoso-app' }, undefined);
    try {
      await page.locator('h1').filter({ hasText: 'Create Local Development Group' }).waitFor({ timeout: 15_000 });
      assert.deepEqual(await page.locator('ol.steps li').allTextContents(), ['Name', 'Members', 'Review', 'Done']);
      const shown = await shownTexts(page);
      assert.deepEqual([...shown.texts, ...shown.labels].filter((t) => t.includes('⟦')), []);
    } finally {
      await page.close();
    }
  });

  test('an init message whose translations do not match the protocol is dropped: the page does not start', async () => {
    const page = await openPage({ wizard: 'group', folderName: 'contoso-app' }, { 'Create Local Development Group': 42 });
    try {
      await page.waitForTimeout(1_500);
      assert.equal(await page.locator('#app').innerHTML(), '');
    } finally {
      await page.close();
    }
  });
});
