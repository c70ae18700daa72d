// The one message catalog of the texts src/core writes for people (row labels, tooltips, reasons, fixes, insights,
// answers, headlines, problems). Core looks every such text up with @vscode/l10n's `l10n.t`, so `npm run l10n`
// extracts it into l10n/bundle.l10n.json beside the extension's own; a translation is
// l10n/bundle.l10n.<locale>.json with the same keys. The extension host hands this module VS Code's bundle for its
// display language, the CLI the bundle for the user's locale. Nothing else chooses a language.
//
// build.mjs gives every Node bundle of a process one shared copy of @vscode/l10n, so the catalog set here is the
// one the engine (loaded later, in its own bundle) looks texts up in.
import * as l10n from '@vscode/l10n';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Catalog = l10n.l10nJsonFormat;

/** From now on core's texts come from `catalog`; `undefined` (VS Code in English, or no translation) means English. */
export function useCatalog(catalog: Catalog | undefined): void {
  l10n.config({ contents: catalog ?? {} });
}

/**
 * The locales whose translation the environment asks for, most specific first: the first set of LC_ALL,
 * LC_MESSAGES and LANG (the POSIX order), "de_DE.UTF-8@euro" → ["de-de", "de"]. None for C, POSIX or nothing set.
 */
export function requestedLocales(env: Readonly<Record<string, string | undefined>>): string[] {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  if (!value) return [];
  const name = value.replace(/[.@].*$/s, '').replace(/_/g, '-').toLowerCase();
  // Only a well-formed tag names a file: the value never becomes a path of its own choosing.
  if (name === 'c' || name === 'posix' || !/^[a-z]{2,8}(-[a-z0-9]{1,8})*$/.test(name)) return [];
  const language = name.split('-')[0]!;
  return language === name ? [name] : [name, language];
}

/**
 * The CLI's catalog: the translation in `directory` (l10n/) for the user's locale when the product ships one, else
 * English. Returns the locale used, or undefined for English.
 */
export function useLocaleCatalog(env: Readonly<Record<string, string | undefined>>, directory: string): string | undefined {
  for (const locale of requestedLocales(env)) {
    const file = join(directory, `bundle.l10n.${locale}.json`);
    if (!existsSync(file)) continue;
    try {
      useCatalog(JSON.parse(readFileSync(file, 'utf8')) as Catalog);
      return locale;
    } catch {
      // A broken translation must not keep the CLI from answering: English it is.
      break;
    }
  }
  useCatalog(undefined);
  return undefined;
}
