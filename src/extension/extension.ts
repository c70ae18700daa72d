import * as vscode from 'vscode';
import { AccessTreeProvider } from './accessView';
import { ChainTreeProvider } from './chainView';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, Commands } from './ids';
import { createLog } from './log';
import { StatusBarIndicator } from './statusBar';

/**
 * Wires the pieces together and nothing else. Activation must stay cheap: no Azure SDK, no subprocess and no
 * file read happens here; those start when a view or command first needs them.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  const chain = new ChainTreeProvider();
  const access = new AccessTreeProvider();
  const status = new StatusBarIndicator();

  const chainView = vscode.window.createTreeView(CHAIN_VIEW_ID, { treeDataProvider: chain, showCollapseAll: false });
  const accessView = vscode.window.createTreeView(ACCESS_VIEW_ID, { treeDataProvider: access });

  context.subscriptions.push(
    log, chain, access, status, chainView, accessView,
    vscode.commands.registerCommand(Commands.showLog, () => log.show(true)),
    vscode.commands.registerCommand(Commands.showChain, () =>
      vscode.commands.executeCommand(`${CHAIN_VIEW_ID}.focus`)),
    vscode.commands.registerCommand(Commands.openSettings, () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:azure-dev-auth.azure-dev-auth')),
    vscode.commands.registerCommand(Commands.refresh, () => {
      log.info('Refresh requested: the credential chain engine is not available in this build.');
    }),
    vscode.commands.registerCommand(Commands.signIn, () => {
      log.info('Sign-in requested.');
    }),
  );
  log.info(`Azure Dev Auth ${context.extension.packageJSON.version} activated.`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
