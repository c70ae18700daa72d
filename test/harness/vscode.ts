// A real VS Code for end-to-end tests: code-server (from the npm registry, run on Node 24) with the freshly
// packaged extension installed into a private profile, driven by Debian's Chromium through playwright-core.
// Every launch gets its own folders, port, HOME and environment, and `close()` stops every process it started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
// @ts-expect-error plain ESM helper without type declarations
import { CHROMIUM_PATH, ensureCodeServer } from './toolchain.mjs';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const TEST_OUTPUT = join(REPO_ROOT, '.test-output');
export const EXTENSION_ID = 'azure-dev-auth.azure-dev-auth';
export const CONTAINER_TITLE = 'Azure Dev Auth';

/** Chromium flags that keep it quiet and inside loopback (background services would dial out). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions',
];

const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.reduceMotion': 'on',
  'workbench.colorTheme': 'Default Dark Modern',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.commandCenter': false,
};

export interface LaunchOptions {
  /** Files of the fixture workspace, relative path → content. */
  readonly workspaceFiles?: Readonly<Record<string, string>>;
  /** Extra environment of code-server and so of the extension host (sandbox variables, fake tools...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Folders put first on the extension host's PATH (fake az/azd/pwsh). */
  readonly pathPrepend?: readonly string[];
  /** The HOME the extension host sees; a fresh empty folder when omitted. */
  readonly home?: string;
  /** User settings added to the quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** false opens the workspace in Restricted Mode. */
  readonly trusted?: boolean;
  /**
   * Subfolders of the workspace folder to open as a multi-root workspace (a .code-workspace file), in this order;
   * their files come from `workspaceFiles` ("api/app.py").
   */
  readonly folders?: readonly string[];
  readonly viewport?: { width: number; height: number };
  /** VS Code's display language (code-server's --locale); it resolves only once a language pack for it is installed. */
  readonly locale?: string;
  /** Runs once everything is installed, before code-server starts, with the installed product's folder. */
  readonly beforeStart?: (extensionFolder: string) => void;
}

export interface TreeRow {
  readonly label: string;
  readonly description: string;
  /** Codicon names on the row, e.g. ['pass-filled']. */
  readonly icons: readonly string[];
  /** The accessible label, which VS Code fills with the tooltip when one is set. */
  readonly ariaLabel: string;
  readonly level: number;
}

export interface StatusBarEntry {
  readonly text: string;
  readonly ariaLabel: string;
  readonly icons: readonly string[];
  readonly warning: boolean;
  readonly error: boolean;
}

let packagedVsix: string | undefined;

/** The .vsix under test: the one the test runner packaged, or a fresh `npm run package`. */
export function extensionVsix(): string {
  const given = process.env.AZURE_DEV_AUTH_VSIX;
  if (given && existsSync(given)) return given;
  if (!packagedVsix) {
    const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) throw new Error('npm run package failed');
    packagedVsix = join(REPO_ROOT, 'dist-vsix', 'azure-dev-auth.vsix');
  }
  return packagedVsix;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

export interface CodeServerOptions extends LaunchOptions {
  /** Folder that holds the profile, workspace, HOME and XDG folders of this instance. */
  readonly root: string;
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
}

export interface RunningCodeServer {
  readonly url: string;
  /** The page to open: the folder, or the multi-root workspace file. */
  readonly openUrl: string;
  readonly child: ChildProcess;
  readonly log: string[];
  readonly dirs: { userData: string; extensions: string; xdg: string; workspace: string; home: string };
}

/**
 * Prepares a private profile with the quiet settings, installs the .vsix into it, and starts code-server on
 * 127.0.0.1 in its own process group. Resolves once the server answers HTTP.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const codeServer = ensureCodeServer() as { node: string; entry: string };
  const { root } = options;
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    xdg: join(root, 'xdg'),
    workspace: join(root, 'workspace'),
    home: options.home ?? join(root, 'home'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  for (const [rel, content] of Object.entries(options.workspaceFiles ?? {})) {
    const file = join(dirs.workspace, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  let workspaceFile: string | undefined;
  if (options.folders?.length) {
    workspaceFile = join(root, 'workspace.code-workspace');
    for (const folder of options.folders) mkdirSync(join(dirs.workspace, folder), { recursive: true });
    writeFileSync(workspaceFile, JSON.stringify({ folders: options.folders.map((f) => ({ path: join(dirs.workspace, f) })) }, null, 2));
  }
  const trusted = options.trusted ?? true;
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    ...QUIET_SETTINGS,
    'security.workspace.trust.enabled': !trusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    ...options.settings,
  }, null, 2));

  const env: NodeJS.ProcessEnv = {
    PATH: [...(options.pathPrepend ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: dirs.home,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    SHELL: '/bin/sh',
    TMPDIR: tmpdir(),
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    // The server would otherwise re-read the environment from a login shell, which resets PATH.
    VSCODE_CLI: '1',
    ...options.env,
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', '/dev/null'];
  const install = spawnSync(codeServer.node, [codeServer.entry, ...common, '--install-extension', extensionVsix(), '--force'],
    { env, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) throw new Error(`installing the .vsix failed: ${install.stderr || install.stdout}`);
  if (options.beforeStart) {
    const folder = readdirSync(dirs.extensions).find((name) => name.toLowerCase().startsWith(`${EXTENSION_ID}-`));
    if (!folder) throw new Error(`the product is not in ${dirs.extensions}`);
    options.beforeStart(join(dirs.extensions, folder));
  }

  const port = options.port ?? await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const log: string[] = [];
  const child = spawn(codeServer.node, [
    codeServer.entry, ...common,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    ...(options.locale ? ['--locale', options.locale] : []),
    workspaceFile ?? dirs.workspace,
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  try {
    await waitForHttp(url, child, 60_000);
  } catch (error) {
    killGroup(child);
    throw new Error(`${(error as Error).message}\n--- code-server output ---\n${log.join('')}`, { cause: error });
  }
  const openUrl = workspaceFile ? `${url}?workspace=${encodeURIComponent(workspaceFile)}` : `${url}?folder=${encodeURIComponent(dirs.workspace)}`;
  return { url, openUrl, child, log, dirs };
}

/** One running VS Code window with the extension installed. */
export class VSCodeSession {
  private constructor(
    readonly page: Page,
    readonly workspace: string,
    readonly home: string,
    readonly url: string,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    private readonly root: string,
    readonly serverLog: string[],
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<VSCodeSession> {
    const root = mkdtempSync(join(tmpdir(), 'ada-e2e-'));
    const server = await startCodeServer({ ...options, root });
    const { dirs, url, child } = server;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        env: { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.xdg, 'chromium-config'), XDG_CACHE_HOME: join(dirs.xdg, 'chromium-cache') },
        timeout: 60_000,
      });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(server.openUrl);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      return new VSCodeSession(page, dirs.workspace, dirs.home, url, browser, child, root, server.log);
    } catch (error) {
      await browser?.close().catch(() => undefined);
      killGroup(child);
      throw new Error(`${(error as Error).message}\n--- code-server output ---\n${server.log.join('')}`, { cause: error });
    }
  }

  // ---------- views and trees ----------

  private viewContainer() {
    return this.page.locator('[id="workbench.view.extension.azureDevAuth"]');
  }

  /** Opens the Azure Dev Auth container from the activity bar (idempotent). */
  async openContainer(): Promise<void> {
    const container = this.viewContainer();
    if (await container.isVisible().catch(() => false)) return;
    // Contains, not starts with: in another display language the title may be written around the name. The item, not
    // its icon: a progress or count badge drawn over the icon is part of the item, and a click there opens it too.
    await this.page.locator('.activitybar .action-item').filter({ has: this.page.locator(`a.action-label[aria-label*="${CONTAINER_TITLE}"]`) }).click();
    await container.waitFor({ state: 'visible' });
  }

  /** The pane of one view, expanded. */
  async openView(viewName: string) {
    await this.openContainer();
    const pane = this.viewContainer().locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${viewName}"]`) });
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane;
  }

  /** The welcome text of a view that has nothing to show yet. */
  async welcomeText(viewName: string): Promise<string> {
    const pane = await this.openView(viewName);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    return (await welcome.innerText()).trim();
  }

  /** The visible rows of a tree view, read as a user sees them. */
  async treeRows(viewName: string): Promise<TreeRow[]> {
    const pane = await this.openView(viewName);
    const rows = pane.locator(`[role=tree][aria-label="${viewName}"] [role=treeitem]`);
    return rows.evaluateAll((elements) => elements.map((el) => {
      // No named helper functions in here: tsx's keepNames would call an `__name` that the page does not have.
      const icons = Array.from(el.querySelectorAll('.codicon, .custom-view-tree-node-item-icon'))
        .flatMap((i) => Array.from(i.classList))
        .filter((c) => c.startsWith('codicon-') && c !== 'codicon-tree-item-expanded')
        .map((c) => c.slice('codicon-'.length));
      return {
        label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
        icons,
        ariaLabel: el.getAttribute('aria-label') ?? '',
        level: Number(el.getAttribute('aria-level') ?? '1'),
      };
    }));
  }

  /** Waits until a tree view shows rows that satisfy `predicate`; returns them. */
  async waitForRows(viewName: string, predicate: (rows: TreeRow[]) => boolean, timeoutMs = 20_000): Promise<TreeRow[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: TreeRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.treeRows(viewName).catch(() => []);
      if (predicate(rows)) return rows;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`rows of "${viewName}" never matched; last seen:\n${JSON.stringify(rows, null, 2)}`);
  }

  /**
   * Opens a collapsed row (by label) with a click, as a person does, until the tree shows it open. A click that lands
   * while the tree redraws (a report arriving) is lost; a person clicks again, and so does this.
   */
  async expandRow(viewName: string, label: string, timeoutMs = 20_000): Promise<void> {
    const pane = await this.openView(viewName);
    const row = pane.locator(`[role=tree][aria-label="${viewName}"] [role=treeitem]`)
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const expanded = await row.getAttribute('aria-expanded', { timeout: Math.max(1, deadline - Date.now()) });
      if (expanded !== 'false') return;
      if (Date.now() > deadline) throw new Error(`the row "${label}" of "${viewName}" never opened`);
      await row.click();
      await this.page.waitForFunction((el) => el?.getAttribute('aria-expanded') !== 'false', await row.elementHandle(), { timeout: 2_000 }).catch(() => undefined);
    }
  }

  /** Hovers a row (by label) and returns its tooltip as rendered text. */
  async rowTooltip(viewName: string, label: string): Promise<string> {
    const pane = await this.openView(viewName);
    const row = pane.locator(`[role=tree][aria-label="${viewName}"] [role=treeitem]`)
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
    return this.hoverText(row);
  }

  /** Right-clicks a row and picks a context-menu entry. */
  async rowContextMenu(viewName: string, label: string, entry: string): Promise<void> {
    const pane = await this.openView(viewName);
    const row = pane.locator(`[role=tree][aria-label="${viewName}"] [role=treeitem]`)
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
    // The menu belongs to the row under the pointer when the click lands, which VS Code focuses. A tree that redraws
    // between finding the row and the click (a refresh that changes a row) can put another row there: close that
    // menu and right-click again, as a person who saw the wrong row highlighted would.
    for (let attempt = 1; ; attempt++) {
      await row.click({ button: 'right' });
      const focused = pane.locator(`[role=tree][aria-label="${viewName}"] [role=treeitem].focused .label-name`).first();
      const name = (await focused.innerText({ timeout: 2_000 }).catch(() => '')).replace(/\u00a0/g, ' ').trim();
      if (name === label) break;
      if (attempt === 3) throw new Error(`The right-click on "${label}" in ${viewName} opened the menu of "${name}".`);
      await this.page.keyboard.press('Escape');
      await this.page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
    const item = this.page.locator('.monaco-menu .action-item .action-label', { hasText: entry }).first();
    // A menu ignores clicks in its first moments (so the opening right-click cannot pick an entry): hover, then click.
    await item.hover();
    await this.page.waitForTimeout(300);
    await item.click();
    await this.page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Hovers a target and returns the text of the hover it opens (never a stale one left by an earlier hover). */
  private async hoverText(target: Locator): Promise<string> {
    const hover = this.page.locator('.workbench-hover:visible, .monaco-hover:visible').filter({ hasText: /\S/ }).last();
    // A tree that re-renders under the pointer drops its hover; hovering again is what a person would do.
    for (let attempt = 1; ; attempt++) {
      await this.dismissHovers();
      await target.hover();
      try {
        await hover.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    const text = (await hover.innerText()).replace(/\u00a0/g, ' ').trim();
    await this.dismissHovers();
    return text;
  }

  private async dismissHovers(): Promise<void> {
    await this.page.mouse.move(5, 5);
    await this.page.keyboard.press('Escape');
    await this.page.waitForFunction(() => !Array.from(document.querySelectorAll('.workbench-hover, .monaco-hover'))
      .some((e) => (e as HTMLElement).offsetParent !== null && (e.textContent ?? '').trim() !== ''), undefined, { timeout: 3_000 })
      .catch(() => undefined);
  }

  // ---------- status bar ----------

  statusBarLocator(itemId: string) {
    return this.page.locator(`[id="${EXTENSION_ID}.${itemId}"]`);
  }

  async statusBarItem(itemId: string): Promise<StatusBarEntry> {
    const item = this.statusBarLocator(itemId);
    await item.waitFor({ state: 'visible' });
    return item.evaluate((el) => ({
      text: (el.textContent ?? '').trim(),
      ariaLabel: el.querySelector('a')?.getAttribute('aria-label') ?? el.getAttribute('aria-label') ?? '',
      icons: Array.from(el.querySelectorAll('.codicon')).flatMap((i) => Array.from(i.classList))
        .filter((c) => c.startsWith('codicon-')).map((c) => c.slice('codicon-'.length)),
      warning: el.classList.contains('warning-kind'),
      error: el.classList.contains('error-kind'),
    }));
  }

  /** Hovers the status-bar item and returns its tooltip text. */
  async statusBarTooltip(itemId: string): Promise<string> {
    return this.hoverText(this.statusBarLocator(itemId));
  }

  // ---------- commands and quick input ----------

  /** Runs a command from the palette by its full title, e.g. "Azure Dev Auth: Show Log". */
  async runCommand(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = widget.locator('input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const first = widget.locator('.monaco-list-row').first();
    await this.page.waitForFunction(
      (wanted) => {
        const row = document.querySelector('.quick-input-widget .monaco-list-row');
        return !!row && (row.getAttribute('aria-label') ?? '').startsWith(wanted);
      },
      title,
    );
    await first.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' }).catch(() => undefined);
  }

  /** Opens a workspace file in an editor through Quick Open, as a person would ("worker/app.py"). */
  async openFile(relativePath: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
    await this.page.keyboard.press('Control+P');
    const input = widget.locator('input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const name = relativePath.split('/').pop() ?? relativePath;
    await widget.locator('.monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' }).catch(() => undefined);
    await this.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ state: 'visible' });
  }

  /** The items of the open quick pick, by label. */
  async quickPickItems(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor({ state: 'visible' });
    return rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? '').trim()));
  }

  /** Picks the quick-pick item whose label starts with `label`. */
  async pickQuickItem(label: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible' });
    const row = widget.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
    await row.click();
  }

  /** Types into the open input box (or quick-pick filter) and accepts. */
  async fillInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  // ---------- webviews, notifications, output ----------

  /** The content frame of the visible webview. */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Messages of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message');
    return toasts.evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  async waitForNotification(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message').filter({ hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await toast.innerText()).trim();
  }

  /** The toast whose message matches `pattern`. */
  private toast(pattern: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: pattern }) }).first();
  }

  /** The buttons a toast offers (its next steps), by label. */
  async notificationButtons(pattern: RegExp): Promise<string[]> {
    const toast = this.toast(pattern);
    await toast.waitFor({ state: 'visible' });
    return toast.locator('.notification-list-item-buttons-container .monaco-button')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** Clicks a toast's button as a person would; the toast closes. */
  async clickNotificationButton(pattern: RegExp, label: string): Promise<void> {
    const toast = this.toast(pattern);
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: exactText(label) }).first().click();
    await toast.waitFor({ state: 'hidden' });
  }

  /** The open modal dialog: its message, detail and buttons as shown. */
  async dialog(): Promise<{ message: string; detail: string; buttons: string[] }> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible' });
    return box.evaluate((el) => ({
      message: (el.querySelector('.dialog-message-text')?.textContent ?? '').trim(),
      detail: (el.querySelector('.dialog-message-detail')?.textContent ?? '').trim(),
      buttons: Array.from(el.querySelectorAll('.dialog-buttons .monaco-button')).map((b) => (b.textContent ?? '').trim()),
    }));
  }

  /** Whether a modal dialog is open right now. */
  async dialogOpen(): Promise<boolean> {
    return this.page.locator('.monaco-dialog-box').isVisible();
  }

  /** Clicks a button of the open modal dialog; the dialog closes. */
  async clickDialogButton(label: string): Promise<void> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.locator('.dialog-buttons .monaco-button', { hasText: exactText(label) }).first().click();
    await box.waitFor({ state: 'hidden' });
  }

  /** The description next to a view's title (e.g. the workspace folder it describes). */
  async viewDescription(viewName: string): Promise<string> {
    const pane = await this.openView(viewName);
    return ((await pane.locator('.pane-header .description').first().textContent().catch(() => '')) ?? '').trim();
  }

  /** Text of the Output panel's visible channel. */
  async outputText(): Promise<string> {
    const editor = this.page.locator('.panel [id="workbench.panel.output"] .view-lines');
    await editor.waitFor({ state: 'visible' });
    return (await editor.innerText()).replace(/\u00a0/g, " ");
  }

  /** Name of the channel the Output panel shows. */
  async outputChannelName(): Promise<string> {
    const picker = this.page.locator('.panel .monaco-select-box, .panel select.monaco-select-box').first();
    await picker.waitFor({ state: 'visible' });
    return picker.evaluate((el) => {
      const select = el as HTMLSelectElement;
      return select.options?.[select.selectedIndex]?.text ?? el.getAttribute('title') ?? el.textContent ?? '';
    });
  }

  /**
   * The whole text of the Output panel's visible channel, as a person gets it with Select All and Copy in it
   * (`outputText` reads only the lines the editor has rendered, which a long log scrolls out of).
   */
  async copyOutputText(): Promise<string> {
    const editor = this.page.locator('.panel [id="workbench.panel.output"] .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });
    return this.clipboardAfter(async () => {
      // Near the editor's top-left corner: the rendered lines of a scrolled log extend above the visible area.
      await editor.click({ position: { x: 40, y: 6 } });
      await this.page.keyboard.press('Control+A');
      await this.page.keyboard.press('Control+C');
    });
  }

  // ---------- clipboard ----------

  /** Lets the page read and write the clipboard, as VS Code's own clipboard service does for a person. */
  private async allowClipboard(): Promise<void> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.url).origin });
  }

  /**
   * Runs `action` (a copy) and returns what it put on the clipboard. A marker is written first, so an action that
   * copies nothing times out instead of returning an earlier copy.
   */
  async clipboardAfter(action: () => Promise<void>, timeoutMs = 10_000): Promise<string> {
    await this.allowClipboard();
    const marker = `clipboard-marker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await this.page.evaluate((text) => navigator.clipboard.writeText(text), marker);
    await action();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.page.evaluate(() => navigator.clipboard.readText());
      if (text !== marker) return text;
      if (Date.now() > deadline) throw new Error(`nothing was copied within ${timeoutMs} ms`);
      await this.page.waitForTimeout(100);
    }
  }

  // ---------- screenshots ----------

  /** A named screenshot, kept in .test-output/screenshots (and copied to media/screenshots for the README when asked). */
  async screenshot(name: string, target?: 'page' | { selector: string }): Promise<string> {
    const dir = join(TEST_OUTPUT, 'screenshots');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.png`);
    if (target && target !== 'page') await this.page.locator(target.selector).screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    if (process.env.AZURE_DEV_AUTH_UPDATE_SCREENSHOTS === '1') {
      const readme = join(REPO_ROOT, 'media', 'screenshots');
      mkdirSync(readme, { recursive: true });
      const { copyFileSync } = await import('node:fs');
      copyFileSync(file, join(readme, `${name}.png`));
    }
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    killGroup(this.server);
    await new Promise((r) => setTimeout(r, 200));
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Stops code-server and its children (file watcher, extension host) by killing its process group. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  setTimeout(() => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, 2000).unref();
}

/** Matches an element whose whole text is `text` (a row "Environment", not the headline that mentions it). */
function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
