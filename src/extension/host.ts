import * as vscode from 'vscode';
import { join } from 'node:path';
import { useCatalog } from '../core/catalog';
import type { EngineFacade } from '../core/engineFacade';
import { shownAccess } from '../core/presentation/accessSnapshot';
import { namedApplication } from '../core/presentation/principalNames';
import { pythonFactsOf } from '../core/presentation/snapshot';
import { viewDescription } from '../core/presentation/snapshotView';
import { AccessController } from './accessController';
import { AccessTreeProvider, ViewProgress, type AccessRow } from './accessView';
import { AllowedHosts } from './allowedHosts';
import { ChainController } from './chainController';
import { ChainTreeProvider, type ChainRow } from './chainView';
import { registerAccessCommands } from './commands/accessCommands';
import { registerChainCommands } from './commands/chainCommands';
import { registerCodeCommands } from './commands/codeCommands';
import { explanationViews, registerAzureErrorExplainer } from './code/azureErrors';
import { CodeCredentials } from './code/codeCredentials';
import { TracedRuns } from './code/tracedRuns';
import { registerCodeDiagnostics } from './code/codeDiagnostics';
import { ClientDiagnostics } from './code/clientDiagnostics';
import { CodeClients, registerClientHover } from './code/clientHover';
import { WorkspaceProblems } from './code/workspaceProblems';
import { registerEnvCommands } from './commands/envCommands';
import type { CommandContext } from './commands/context';
import { registerCommand, runCommand, restorePanel } from './commands/registerCommand';
import { registerHostCommands } from './commands/hostCommands';
import { registerPythonCommands } from './commands/pythonCommands';
import { registerSignInCommands } from './commands/signInCommands';
import { registerStatusCommands } from './commands/statusCommands';
import { FolderScopeTracker } from './folderScope';
import { ACCESS_VIEW_ID, ContextKeys } from './ids';
import { createLog } from './log';
import { PythonEnvironment } from './pythonEnvironment';
import { readSettings } from './settings';
import { StatusBarIndicator } from './statusBar';
import type { LazyTree } from './lazyTree';
import { offerVerification } from './verifyOffer';
import { registerWizards } from './wizards/register';

/** What extension.ts made at activation and hands over: the two views, their providers' stand-ins. */
export interface ActivatedViews {
  readonly chainView: vscode.TreeView<ChainRow>;
  readonly accessView: vscode.TreeView<AccessRow>;
  readonly chainTree: LazyTree<ChainRow>;
  readonly accessTree: LazyTree<AccessRow>;
}

/** What extension.ts's forwarders call once this bundle is loaded. */
export interface Host {
  run(command: string, args: readonly unknown[]): unknown;
  restore(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

/**
 * Wires the pieces together and nothing else. Loaded (dist/host.js) right after activation or on the first command,
 * view or restored page before that; the engine (with the Azure SDKs) and the wizards (with their message schemas)
 * are separate bundles loaded on first use.
 */
export function startHost(context: vscode.ExtensionContext, views: ActivatedViews): Host {
  const { chainView, accessView } = views;
  // Before any text of core's is made: core's rows, reasons and answers in VS Code's display language.
  useCatalog(vscode.l10n.bundle);
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
  const accessProgress = new ViewProgress(ACCESS_VIEW_ID);
  const lasting: vscode.Disposable[] = [];
  let accessHasReport = false;
  let accessBusy = false;
  let azureIdentityMissing = false;
  const commands: CommandContext = {
    controller, access: accessController, engine: loadEngine, folders, allowedHosts, log,
    knownSecrets: () => controller.knownSecrets(),
    keep: (d) => { if (d) lasting.push(d); },
  };

  const clients = new CodeClients(commands);
  const workspaceProblems = new WorkspaceProblems(commands, clients);
  context.subscriptions.push(
    clients, log, python, folders, allowedHosts, code, controller, accessController, chain, access, status, accessProgress,
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
        accessBusy = model.busy;
        // Loads run only while the view is visible (a hidden view's due load waits for it): a progress bar for a
        // hidden view would spin on the activity bar until the view is shown.
        accessProgress.show(accessBusy && accessView.visible);
        accessView.message = model.message;
        accessView.description = model.description;
      }).catch((error: unknown) => log.error(`The Access view could not be drawn: ${error instanceof Error ? error.message : String(error)}`));
      const shown = shownAccess(snapshot);
      const named = shown && namedApplication(shown.report.identity);
      if (named) controller.namePrincipal(named.appId, named.displayName);
      const hasReport = shown !== undefined;
      if (hasReport !== accessHasReport) void vscode.commands.executeCommand('setContext', ContextKeys.hasAccessReport, (accessHasReport = hasReport));
    }),
    accessView.onDidChangeVisibility((e) => {
      accessController.setVisible(e.visible);
      accessProgress.show(accessBusy && e.visible);
    }),
    ...registerChainCommands(commands),
    ...registerCodeCommands(commands, code),
    ...registerCodeDiagnostics(controller, code, python, loadEngine, log, (id, handler) => registerCommand(commands, id, handler), workspaceProblems.checked),
    ...registerAzureErrorExplainer(commands, explanationViews(
      chainView, (credential) => chain.sourceRow(credential),
      accessView, (kind, scope) => access.findRow((row) => row.kind === 'insight' && row.id.startsWith(`insight|${kind}|${scope ?? ''}|`)),
    )),
    ...registerClientHover(commands, clients),
    new ClientDiagnostics(commands, clients, workspaceProblems.checked),
    workspaceProblems,
    ...new TracedRuns(commands, python, context.globalStorageUri, chain, chainView).register(),
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
  views.chainTree.attach(chain);
  views.accessTree.attach(access);
  log.info(`Azure Dev Auth ${context.extension.packageJSON.version} activated.`);
  if (readSettings(folders.current().folder).checkOnStartup) {
    setTimeout(() => controller.start(), 0);
  }
  return { run: runCommand, restore: restorePanel };
}

