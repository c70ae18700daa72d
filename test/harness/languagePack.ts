// What a real VS Code needs to run in another display language, generated offline for tests.
//
// VS Code hands an extension `vscode.l10n.bundle` (its l10n/bundle.l10n.<language>.json) and reads its
// package.nls.<language>.json only when the display language *resolves*: the server looks the requested locale up in
// <user-data>/languagepacks.json, which its extension management writes when an extension contributing
// `localizations` is installed; without an entry the language falls back to English ("en") and the extension host is
// given no bundle at all. So a test installs a language pack of its own: a tiny extension whose only translation
// (VS Code's own, id "vscode") is empty, so VS Code's texts stay English while the language is the pack's. The
// product's translations are test-time pseudo-translations written into the installed extension (the product does not
// ship them): every message wrapped in ⟦ ⟧, its {0} placeholders kept, so any English of the product's own stands out.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { REPO_ROOT, type VSCodeSession } from './vscode';

/** A locale no real language pack uses, so nothing in a test can be mistaken for a real translation. */
export const PSEUDO_LOCALE = 'qps-ploc';

/** Marks a pseudo-translated text; a text without them is English (or a name) that nobody translated. */
export const pseudo = (message: string): string => `⟦${message}⟧`;

/** Packs the language pack for `locale` into a .vsix (with @vscode/vsce, as any extension is packed); returns its path. */
export async function packLanguagePack(locale: string, outDir: string): Promise<string> {
  const source = mkdtempSync(join(tmpdir(), 'ada-langpack-'));
  try {
    writeFileSync(join(source, 'package.json'), JSON.stringify({
      name: `test-language-pack-${locale}`,
      displayName: `Test language pack (${locale})`,
      description: 'A display language for tests: VS Code\'s own texts untranslated.',
      publisher: 'azure-dev-auth-test',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.80.0' },
      categories: ['Language Packs'],
      contributes: {
        localizations: [{
          languageId: locale,
          languageName: 'Pseudo',
          localizedLanguageName: pseudo('Pseudo'),
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        }],
      },
    }, null, 2));
    writeFileSync(join(source, 'README.md'), 'A display language for tests.\n');
    writeFileSync(join(source, 'LICENSE'), 'MIT\n');
    mkdirSync(join(source, 'translations'));
    writeFileSync(join(source, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
    mkdirSync(outDir, { recursive: true });
    const packagePath = join(outDir, `test-language-pack-${locale}.vsix`);
    const { createVSIX } = createRequire(__filename)('@vscode/vsce') as {
      createVSIX(options: { cwd: string; packagePath: string; dependencies: boolean; allowMissingRepository: boolean }): Promise<unknown>;
    };
    await createVSIX({ cwd: source, packagePath, dependencies: false, allowMissingRepository: true });
    return packagePath;
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

/**
 * Installs a language pack as a user does (Extensions: Install from VSIX…, through the server's extension management,
 * which writes <user-data>/languagepacks.json), then reloads the window so the display language resolves. Installing
 * with `code-server --install-extension` does not do: its command-line path registers the language-pack service
 * lazily and never constructs it, so nothing records the pack. Returns what VS Code wrote to languagepacks.json.
 */
export async function installLanguagePackFromWorkbench(vscode: VSCodeSession, vsix: string): Promise<string> {
  const record = join(dirname(vscode.workspace), 'user-data', 'languagepacks.json');
  const { page } = vscode;
  const widget = page.locator('.quick-input-widget');
  // The command is registered once the workbench has restored the extensions' part, a few seconds after the window
  // shows; until then the palette does not list it, so ask again.
  await page.locator('.activitybar a.action-label[aria-label*="Azure Dev Auth"]').waitFor({ state: 'visible', timeout: 30_000 });
  for (let attempt = 1; ; attempt++) {
    try {
      await vscode.runCommand('Extensions: Install from VSIX...');
      break;
    } catch (error) {
      if (attempt === 4) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2_000);
    }
  }
  await widget.locator('.quick-input-title', { hasText: 'Install from VSIX' }).waitFor({ state: 'visible' });
  // The simple file dialog completes what is typed; typing the folder and picking the file is what sticks. It puts its
  // starting folder in the box a moment after it shows, and a path typed before that is joined to it: wait for that
  // value, and type again (as a person would) if the box does not read the folder typed.
  const input = widget.locator('input.input');
  const folder = `${dirname(vsix)}/`;
  for (const end = Date.now() + 10_000; !(await input.inputValue()) && Date.now() < end;) await page.waitForTimeout(100);
  for (let attempt = 1; attempt <= 3; attempt++) {
    await input.fill(folder);
    await page.waitForTimeout(300);
    if ((await input.inputValue()) === folder) break;
  }
  await widget.locator('.monaco-list-row', { hasText: basename(vsix) }).click();
  await widget.waitFor({ state: 'hidden' });
  await vscode.waitForNotification(/Completed installing extension/, 30_000);
  const deadline = Date.now() + 20_000;
  while (!existsSync(record) && Date.now() < deadline) await page.waitForTimeout(100);
  const written = readFileSync(record, 'utf8');
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return written;
}

/** The product's English messages: the catalog (l10n/bundle.l10n.json) and the manifest's (package.nls.json). */
export function englishMessages(): { bundle: Record<string, string>; manifest: Record<string, string> } {
  const read = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as Record<string, string | { message: string }>;
  const text = (value: string | { message: string }) => (typeof value === 'string' ? value : value.message);
  const flatten = (o: Record<string, string | { message: string }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, text(v)]));
  return { bundle: flatten(read('l10n/bundle.l10n.json')), manifest: flatten(read('package.nls.json')) };
}

/**
 * Writes the pseudo-translations of the product into its installed folder: l10n/bundle.l10n.<locale>.json (read by
 * the extension host into vscode.l10n.bundle) and package.nls.<locale>.json (the manifest: titles, view names...).
 */
export function writePseudoTranslations(extensionFolder: string, locale: string): void {
  const { bundle, manifest } = englishMessages();
  const wrap = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, pseudo(v)]));
  writeFileSync(join(extensionFolder, 'l10n', `bundle.l10n.${locale}.json`), JSON.stringify(wrap(bundle)));
  writeFileSync(join(extensionFolder, `package.nls.${locale}.json`), JSON.stringify(wrap(manifest)));
}

/** Product, tool and source names, shown as they are in every language. */
const NAMES = new Set([
  'Azure Dev Auth', 'Azure', 'DefaultAzureCredential', 'Python', 'azure-identity', 'Azure CLI', 'Azure Developer CLI', 'Azure PowerShell', 'Visual Studio Code',
  'Environment', 'Workload Identity', 'Managed Identity', 'Shared Token Cache', 'Interactive Browser', 'Microsoft Graph',
]);

/** Removes every pseudo-translated span (innermost first, so a translated text inside another goes too). */
export function withoutTranslated(text: string): string {
  let rest = text;
  for (let previous = ''; previous !== rest;) {
    previous = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  return rest;
}

/**
 * The product's English texts that are still in `text` outside its pseudo-translated spans: the fixed parts of every
 * catalog and manifest message (split at their {0} placeholders) with at least `minWords` words, matched as whole
 * words. Names (sources, tools, users, tenants) and the library's own words are not in the catalog, so they pass; the
 * few names that are also messages of their own (the product's, a tool's) are not counted as English.
 */
export function englishLeft(text: string, minWords = 1): string[] {
  const { bundle, manifest } = englishMessages();
  // Names go first, so that the "Azure" of "Azure CLI" is not taken for a message.
  const rest = [...NAMES].sort((a, b) => b.length - a.length).reduce((t, name) => t.split(name).join(' '), withoutTranslated(text));
  const fragments = new Set<string>();
  for (const message of [...Object.values(bundle), ...Object.values(manifest)]) {
    for (const part of message.split(/\{\d+\}/)) {
      const fragment = part.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
      if (/\p{L}{3}/u.test(fragment) && fragment.split(/\s+/).length >= minWords && !NAMES.has(fragment)) fragments.add(fragment);
    }
  }
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A capitalized single word ("Access", "Groups") is also part of names the product does not write (the role "User
  // Access Administrator"): it counts only when it is all that is left. Whole words, where a name such as rg-app,
  // alice@contoso or a/b.py is one word.
  const alone = rest.replace(/^[\s\p{P}\p{S}\p{N}]+|[\s\p{P}\p{S}\p{N}]+$/gu, '');
  return [...fragments].filter((f) => (/^\p{Lu}\S*$/u.test(f) ? alone === f : new RegExp(`(?<![\\p{L}\\p{N}_\\-./@])${escape(f)}(?![\\p{L}\\p{N}_\\-/@]|\\.[\\p{L}\\p{N}])`, 'u').test(rest)));
}
