import * as vscode from 'vscode';
import { join } from 'node:path';
import type { EngineFacade } from '../core/engineFacade';
import { shownAccess } from '../core/presentation/accessSnapshot';
import { pythonFactsOf } from '../core/presentation/snapshot';
import { viewDescription } from '../core/presentation/snapshotView';
import { AccessController } from './accessController';
import { AccessTreeProvider } from './accessView';
import { AllowedHosts } from './allowedHosts';
import { ChainController } from './chainController';
import { ChainTreeProvider } from './chainView';
import { registerAccessCommands } from './commands/accessCommands';
import { registerChainCommands } from './commands/chainCommands';
import { registerCodeCommands } from './commands/codeCommands';
import { explanationViews, registerAzureErrorExplainer } from './code/azureErrors';
import { CodeCredentials } from './code/codeCredentials';
import { registerCodeDiagnostics } from './code/codeDiagnostics';
import { registerEnvCommands } from './commands/envCommands';
import type { CommandContext } from './commands/context';
import { registerHostCommands } from './commands/hostCommands';
import { registerPythonCommands } from './commands/pythonCommands';
import { registerCommand } from './commands/registerCommand';
import { registerSignInCommands } from './commands/signInCommands';
import { registerStatusCommands } from './commands/statusCommands';
import { FolderScopeTracker } from './folderScope';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, ContextKeys } from './ids';
import { createLog } from './log';
import { PythonEnvironment } from './pythonEnvironment';
import { readSettings } from './settings';
import { StatusBarIndicator } from './statusBar';
import { offerVerification } from './verifyOffer';
import { registerWizards } from './wizards/register';

/**
 * Wires the pieces together and nothing else. Activation stays cheap: the engine (with the Azure SDKs) and the
 * wizards (with their message schemas) are separate bundles loaded on first use, and the first probe starts after
 * activation has returned.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  let engine: Promise<EngineFacade> | undefined;
  const loadEngine = () => (engine ??= Promise.resolve().then(() => {
    // A runtime path keeps the bundler from inlining the engine into this file; `require` (not `import()`) loads
    // the CommonJS bundle synchronously with its exports as they are.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(__dirname, 'engine.js')) as { createEngineFacade(): EngineFacade };
    return module.createEngineFacade();
  }));

  const python = new PythonEnvironment(log);
  const folders = new FolderScopeTracker(context.workspaceState);
  const allowedHosts = new AllowedHosts(context.workspaceState);
  const code = new CodeCredentials(loadEngine, log);
  const controller = new ChainController(loadEngine, python, folders, allowedHosts, log, code);
  const accessController = new AccessController(loadEngine, controller, allowedHosts, log);
  const chain = new ChainTreeProvider();
  const access = new AccessTreeProvider();
  const status = new StatusBarIndicator();
  const chainView = vscode.window.createTreeView(CHAIN_VIEW_ID, { treeDataProvider: chain });
  const accessView = vscode.window.createTreeView(ACCESS_VIEW_ID, { treeDataProvider: access });
  const lasting: vscode.Disposable[] = [];
  let accessHasReport = false;
  let azureIdentityMissing = false;
  const commands: CommandContext = {
    controller, access: accessController, engine: loadEngine, folders, allowedHosts, log,
    knownSecrets: () => controller.knownSecrets(),
    keep: (d) => { if (d) lasting.push(d); },
  };

  context.subscriptions.push(
    log, python, folders, allowedHosts, code, controller, accessController, chain, access, status, chainView, accessView,
    controller.onDidChange((snapshot) => {
      chain.update(snapshot);
      status.update(snapshot);
      chainView.description = viewDescription(snapshot.scope);
      offerVerification(snapshot, context.globalState);
      const python = pythonFactsOf(snapshot);
      const missing = python?.kind === 'answered' && python.azureIdentityVersion === null;
      if (missing !== azureIdentityMissing) void vscode.commands.executeCommand('setContext', ContextKeys.azureIdentityMissing, (azureIdentityMissing = missing));
    }),
    accessController.onDidChange((snapshot) => {
      // Only a snapshot past 'idle' exists, and it exists only after the chain's first check loaded the engine; the
      // promise chain keeps the snapshots in order.
      void loadEngine().then((loaded) => {
        if (accessController.current !== snapshot) return;
        const model = loaded.accessView(snapshot);
        access.update(model);
        accessView.message = model.message;
        accessView.description = model.description;
      }).catch((error: unknown) => log.error(`The Access view could not be drawn: ${error instanceof Error ? error.message : String(error)}`));
      const hasReport = shownAccess(snapshot) !== undefined;
      if (hasReport !== accessHasReport) void vscode.commands.executeCommand('setContext', ContextKeys.hasAccessReport, (accessHasReport = hasReport));
    }),
    accessView.onDidChangeVisibility((e) => accessController.setVisible(e.visible)),
    ...registerChainCommands(commands),
    ...registerCodeCommands(commands, code),
    ...registerCodeDiagnostics(controller, code, python, loadEngine, log, (id, handler) => registerCommand(commands, id, handler)),
    ...registerAzureErrorExplainer(commands, explanationViews(
      chainView, (credential) => chain.sourceRow(credential),
      accessView, (kind, scope) => access.findRow((row) => row.kind === 'insight' && row.id.startsWith(`insight|${kind}|${scope ?? ''}|`)),
    )),
    ...registerEnvCommands(commands, context),
    ...registerAccessCommands(commands),
    ...registerHostCommands(commands),
    ...registerPythonCommands(commands),
    ...registerSignInCommands(commands, context),
    ...registerStatusCommands(commands),
    ...registerWizards(commands, context),
    { dispose: () => lasting.forEach((d) => d.dispose()) },
  );
  chainView.description = viewDescription(controller.current.scope);
  accessView.description = viewDescription(accessController.current.scope);
  accessController.setVisible(accessView.visible);
  log.info(`Azure Dev Auth ${context.extension.packageJSON.version} activated.`);
  if (readSettings(folders.current().folder).checkOnStartup) {
    setTimeout(() => controller.start(), 0);
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
