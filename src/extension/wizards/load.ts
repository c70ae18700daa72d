import type * as vscode from 'vscode';
import { join } from 'node:path';

/** What dist/wizards.js exports (entry.ts); a type only, so this file does not pull the wizards into the bundle. */
export type WizardsModule = typeof import('./entry');

let loaded: WizardsModule | undefined;

/**
 * The wizards' bundle, loaded the first time a wizard, the sign-in page or a command that writes `.env` is used.
 * A runtime path keeps the bundler from inlining it (see extension.ts); `require` loads it synchronously.
 */
export function loadWizards(context: vscode.ExtensionContext): WizardsModule {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(__dirname, 'wizards.js')) as WizardsModule;
    module.initSignInWizard(context.workspaceState);
    module.initTeamWizards(context.extensionUri);
    loaded = module;
  }
  return loaded;
}

/** Closes the open wizards, if the bundle was ever loaded. */
export function disposeWizards(): void {
  loaded?.disposeTeamWizards();
  loaded?.disposeSignInWizard();
}
