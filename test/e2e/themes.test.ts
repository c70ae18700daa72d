// The views and a wizard in the light, dark and high-contrast themes: a screenshot of each (the Credential Chain and
// Access views beside the Assign Role page), and the page takes its colours from VS Code's theme variables — the
// computed colours of its text, background and buttons follow the theme and equal the variables VS Code sets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { describeInVSCode } from '../harness/e2e';
import { sandboxAccessSettings } from '../harness/sandboxCloud';
import type { TreeRow, VSCodeSession } from '../harness/vscode';
import { closeAllEditors, contentFrame, openWizard } from './wizardHelpers';

const CHAIN = 'Credential Chain';
const ACCESS = 'Access';
let sandbox: Sandbox;
let home: string;

/** The themes as the Preferences: Color Theme picker lists them. */
const THEMES = [
  { name: 'light', theme: 'Light Modern', bodyClass: 'vscode-light' },
  { name: 'dark', theme: 'Dark Modern', bodyClass: 'vscode-dark' },
  { name: 'high-contrast', theme: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
] as const;

const suite = describeInVSCode(async () => {
  sandbox = await startSandbox();
  home = mkdtempSync(join(tmpdir(), 'ada-home-'));
  const account = sandbox.users.alice!;
  const env = { ...sandbox.toolEnv(home), PATH: `${sandbox.toolsBinDir}:${process.env.PATH}` };
  await promisify(execFile)(join(sandbox.toolsBinDir, 'az'), ['login', '--username', account.upn, '--password', account.password], { env, timeout: 30_000 });
  const { PATH: _path, ...toolEnv } = sandbox.toolEnv(home);
  return {
    home, env: { ...toolEnv, ...sandbox.managedIdentityEnv('none') }, pathPrepend: [sandbox.toolsBinDir],
    settings: { 'azureDevAuth.pythonPath': '/usr/bin/python3', ...sandboxAccessSettings(sandbox) },
    workspaceFiles: { '.env': 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net\n' },
    viewport: { width: 1400, height: 1000 },
  };
});

after(async () => {
  await sandbox?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const row = (rows: TreeRow[], label: string): TreeRow | undefined => rows.find((r) => r.label === label);

/** Preferences: Color Theme from the palette (not "Browse Color Themes in Marketplace", listed first), then the theme. */
async function chooseTheme(vscode: VSCodeSession, label: string): Promise<void> {
  const widget = vscode.page.locator('.quick-input-widget');
  await vscode.page.keyboard.press('Escape');
  await vscode.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await vscode.page.keyboard.press('F1');
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Preferences: Color Theme');
  await widget.locator('.monaco-list-row[aria-label^="Preferences: Color Theme"]').first().click();
  await widget.locator('.monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible' });
  await input.fill(label);
  await vscode.pickQuickItem(label);
  await widget.waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** The page's colours as the browser computed them, and the theme variables VS Code set on it. */
interface PageColours {
  readonly bodyClass: string;
  readonly background: string;
  readonly foreground: string;
  readonly hint: string;
  readonly button: string;
  readonly variables: { readonly editorBackground: string; readonly foreground: string; readonly descriptionForeground: string; readonly buttonBackground: string };
}

suite.test('the views and the Assign Role page in light, dark and high contrast: screenshots, and the page follows the theme variables', async (t) => {
  const { vscode } = suite;
  await vscode.openContainer();
  await vscode.waitForRows(CHAIN, (rs) => row(rs, 'Azure CLI')?.description === 'alice · active', 90_000);
  await vscode.waitForRows(ACCESS, (rs) => rs.length > 1, 90_000);
  const frame = await openWizard(vscode, 'Assign Role…');
  await frame.getByText(/Acting as Alice Developer/).waitFor({ timeout: 30_000 });

  const colours = new Map<string, PageColours>();
  for (const { name, theme, bodyClass } of THEMES) {
    // As a person switches: Preferences: Color Theme, the theme's name, Enter; VS Code applies it to every view and webview.
    await chooseTheme(vscode, theme);
    const page = await contentFrame(vscode);
    await page.waitForFunction((cls) => document.body.classList.contains(cls), bodyClass, { timeout: 30_000 });
    // The theme's variables reach the page a frame after its class: wait until the computed background is the variable's.
    await page.waitForFunction(() => {
      const variable = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
      const probe = document.createElement('div');
      probe.style.color = variable;
      document.body.appendChild(probe);
      const expected = getComputedStyle(probe).color;
      probe.remove();
      return variable !== '' && getComputedStyle(document.body).backgroundColor === expected;
    }, undefined, { timeout: 30_000 });
    // No named functions inside: the test runner's transform would wrap them in a helper the page does not have.
    const measured = await page.evaluate((): PageColours => {
      const [editorBackground, foreground, descriptionForeground, buttonBackground] = ['--vscode-editor-background', '--vscode-foreground', '--vscode-descriptionForeground', '--vscode-button-background']
        .map((variable) => {
          const probe = document.createElement('div');
          probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
          document.body.appendChild(probe);
          const value = getComputedStyle(probe).color;
          probe.remove();
          return value;
        });
      const button = document.querySelector('vscode-button');
      const buttonInner = button?.shadowRoot?.querySelector('button, .wrapper, [part="base"]') ?? button;
      return {
        bodyClass: [...document.body.classList].filter((c) => c.startsWith('vscode-')).join(' '),
        background: getComputedStyle(document.body).backgroundColor,
        foreground: getComputedStyle(document.body).color,
        hint: getComputedStyle(document.querySelector('.hint') ?? document.body).color,
        button: buttonInner ? getComputedStyle(buttonInner).backgroundColor : '',
        variables: { editorBackground: editorBackground!, foreground: foreground!, descriptionForeground: descriptionForeground!, buttonBackground: buttonBackground! },
      };
    });
    colours.set(name, measured);
    // The page's colours are the theme's variables, not colours of its own.
    assert.equal(measured.background, measured.variables.editorBackground, `${name}: the page background`);
    assert.equal(measured.foreground, measured.variables.foreground, `${name}: the text colour`);
    assert.equal(measured.hint, measured.variables.descriptionForeground, `${name}: the hint colour`);
    assert.equal(measured.button, measured.variables.buttonBackground, `${name}: the primary button`);
    await vscode.screenshot(`theme-${name}`);
    t.diagnostic(`${name}: ${JSON.stringify(measured)}`);
  }
  const light = colours.get('light')!;
  const dark = colours.get('dark')!;
  const contrast = colours.get('high-contrast')!;
  assert.notEqual(light.background, dark.background, 'light and dark backgrounds differ');
  assert.notEqual(light.foreground, dark.foreground, 'light and dark text colours differ');
  assert.notDeepEqual(contrast, dark, 'high contrast differs from dark');
  assert.notEqual(contrast.background, light.background, 'high contrast differs from light');
  await closeAllEditors(vscode);
});
