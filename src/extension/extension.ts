import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ChainEngineAdapter } from '../core/engineFacade';
import { AccessTreeProvider } from './accessView';
import { registerChainCommands } from './chainCommands';
import { ChainController } from './chainController';
import { ChainTreeProvider } from './chainView';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID } from './ids';
import { createLog } from './log';
import { PythonEnvironment } from './pythonEnvironment';
import { StatusBarIndicator } from './statusBar';

/**
 * Wires the pieces together and nothing else. Activation stays cheap: the engine (with the Azure SDKs) is a
 * separate bundle loaded on first use, and the first probe starts after activation has returned.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  let engine: Promise<ChainEngineAdapter> | undefined;
  const loadEngine = () => (engine ??= Promise.resolve().then(() => {
    // A runtime path keeps the bundler from inlining the engine into this file.
    const module = require(join(__dirname, 'engine.js')) as { createEngineFacade(): ChainEngineAdapter };
    return module.createEngineFacade();
  }));

  const python = new PythonEnvironment();
  const controller = new ChainController(loadEngine, python, log);
  const chain = new ChainTreeProvider();
  const access = new AccessTreeProvider();
  const status = new StatusBarIndicator();
  const chainView = vscode.window.createTreeView(CHAIN_VIEW_ID, { treeDataProvider: chain });
  const accessView = vscode.window.createTreeView(ACCESS_VIEW_ID, { treeDataProvider: access });

  context.subscriptions.push(
    log, python, controller, chain, access, status, chainView, accessView,
    controller.onDidChange((snapshot) => {
      chain.update(snapshot);
      status.update(snapshot);
    }),
    ...registerChainCommands({ controller, engine: loadEngine, log }),
  );
  log.info(`Azure Dev Auth ${context.extension.packageJSON.version} activated.`);
  if (vscode.workspace.getConfiguration('azureDevAuth').get<boolean>('checkOnStartup', true)) {
    setTimeout(() => controller.start(), 0);
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
