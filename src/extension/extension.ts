import * as vscode from 'vscode';
import { join } from 'node:path';
import type { AccessRow } from './accessView';
import type { ChainRow } from './chainView';
import type { Host } from './host';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, Commands, SIGN_IN_VIEW_TYPE, WIZARD_VIEW_TYPE } from './ids';
import { LazyTree } from './lazyTree';

/**
 * Activation only tells VS Code what exists: the two views, every command and the restorable pages. Everything
 * behind them is dist/host.js (see host.ts), loaded right after activation returns, or by the first command, view
 * or restored page that needs it before then; it loads the engine and the wizards on their first use in turn.
 */
export function activate(context: vscode.ExtensionContext): void {
  let host: Host | undefined;
  const load = (): Host => {
    if (!host) {
      // A runtime path keeps the bundler from inlining the host into this file; `require` loads it synchronously.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(join(__dirname, 'host.js')) as typeof import('./host');
      host = module.startHost(context, { chainView, accessView, chainTree, accessTree });
    }
    return host;
  };
  const chainTree = new LazyTree<ChainRow>(load);
  const accessTree = new LazyTree<AccessRow>(load);
  const chainView = vscode.window.createTreeView(CHAIN_VIEW_ID, { treeDataProvider: chainTree });
  const accessView = vscode.window.createTreeView(ACCESS_VIEW_ID, { treeDataProvider: accessTree });
  context.subscriptions.push(chainTree, accessTree, chainView, accessView);
  for (const id of Object.values(Commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => load().run(id, args)));
  }
  for (const viewType of [WIZARD_VIEW_TYPE, SIGN_IN_VIEW_TYPE]) {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, {
      deserializeWebviewPanel: (panel, state: unknown) => load().restore(viewType, panel, state),
    }));
  }
  setTimeout(load, 0);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
