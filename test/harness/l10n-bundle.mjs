// Writes l10n/bundle.l10n.json: every message of a vscode.l10n.t (extension host) or @vscode/l10n t (webview pages)
// call in src/, found by @vscode/l10n-dev's own extractor, so translators get exactly the keys the code looks up.
// Run it after adding or changing a translated string:
//
//   node test/harness/l10n-bundle.mjs           rewrite l10n/bundle.l10n.json   (also: npm run l10n)
//   node test/harness/l10n-bundle.mjs --check   exit 1 when the bundle differs from the sources
//
// A translation is l10n/bundle.l10n.<locale>.json with the same keys; VS Code picks it by the display language.
import { getL10nJson } from '@vscode/l10n-dev';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLE_FILE = join(repo, 'l10n', 'bundle.l10n.json');

/** Every TypeScript source under src/, as the extractor wants it. */
export function sourceFiles(dir = join(repo, 'src')) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (extname(entry.name) === '.ts') files.push({ path, extension: '.ts', contents: readFileSync(path, 'utf8') });
  }
  return files;
}

/** The bundle the sources call for. */
export async function expectedBundle() {
  return getL10nJson(sourceFiles().map(({ extension, contents }) => ({ extension, contents })));
}

async function main() {
  const expected = await expectedBundle();
  const text = `${JSON.stringify(expected, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(BUNDLE_FILE, 'utf8'); } catch { /* none yet */ }
    if (current !== text) { console.error('l10n/bundle.l10n.json is stale: run `npm run l10n`.'); process.exit(1); }
    return;
  }
  writeFileSync(BUNDLE_FILE, text);
  console.log(`${Object.keys(expected).length} messages in l10n/bundle.l10n.json`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
