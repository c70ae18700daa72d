import * as vscode from 'vscode';
import { displayName } from '../../core/presentation/chainRows';
import { PYTHON_CLIENTS, pythonSnippet } from '../../core/presentation/snippets';
import { definedEnvironment } from '../../core/presentation/settings';
import { failureReason, pythonFactsOf, type ChainSnapshot, type ReadySnapshot } from '../../core/presentation/snapshot';
import { Commands } from '../ids';
import { readAccessSettings, readSettings, writePythonPath } from '../settings';
import type { CommandContext } from './context';
import { confirmHost, unverifiedSources } from './hostCommands';
import { CommandError, registerCommand, type NextStep } from './registerCommand';

/** Commands about the Python side: verification in the real interpreter, its azure-identity, which interpreter. */
export function registerPythonCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.verify, () => verify(ctx)),
    registerCommand(ctx, Commands.installAzureIdentity, () => installAzureIdentity(ctx)),
    registerCommand(ctx, Commands.switchInterpreter, () => switchInterpreter(ctx)),
    registerCommand(ctx, Commands.copySnippet, () => copySnippet(ctx)),
  ];
}

const step = (title: string, command: string, ...args: unknown[]): NextStep =>
  ({ title, run: () => vscode.commands.executeCommand(command, ...args) });

/** Why Verify cannot run on this snapshot, with what to do about it. */
function notVerifiable(snapshot: ChainSnapshot): CommandError {
  if (snapshot.phase === 'failed') {
    const failure = snapshot.failure;
    const steps = failure.kind === 'interpreter' || (failure.kind === 'timeout' && failure.during === 'interpreter')
      ? [step(vscode.l10n.t('Switch Interpreter'), Commands.switchInterpreter)]
      : failure.kind === 'timeout'
        ? [step(vscode.l10n.t('Retry'), Commands.verify), step(vscode.l10n.t('Open Settings'), 'workbench.action.openSettings', 'azureDevAuth.checkTimeout')]
        : [step(vscode.l10n.t('Retry'), Commands.verify)];
    return new CommandError(vscode.l10n.t('Verify with Python cannot run: {0}.', failureReason(failure)), steps);
  }
  return new CommandError(vscode.l10n.t('Verify with Python cannot run: the chain has not been checked.'), [step(vscode.l10n.t('Retry'), Commands.verify)]);
}

async function verify(ctx: CommandContext): Promise<void> {
  const { controller, log } = ctx;
  if (!vscode.workspace.isTrusted) {
    throw new CommandError(vscode.l10n.t('Verify with Python runs the workspace interpreter, which Restricted Mode does not allow. Trust the workspace first.'),
      [step(vscode.l10n.t('Manage Workspace Trust'), 'workbench.trust.manage')]);
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Azure Dev Auth: running DefaultAzureCredential in Python…'), cancellable: true }, async (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let snapshot = await controller.refreshNow('verify with Python');
    if (snapshot.phase !== 'ready') throw notVerifiable(snapshot);
    // The real azure-identity sends whatever the environment names to whatever host it names: ask first, as a check does.
    const waiting = unverifiedSources(snapshot.check.report);
    for (const source of waiting) {
      if (!(await confirmHost(ctx, source, vscode.l10n.t('verify with Python')))) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Verify with Python did not run: it would send {0} to {1}.', source.payload, source.host));
        return;
      }
    }
    if (waiting.length) {
      snapshot = await controller.refreshNow('hosts allowed for Verify with Python');
      if (snapshot.phase !== 'ready') throw notVerifiable(snapshot);
    }
    const ready: ReadySnapshot = snapshot;
    const python = ready.check.python;
    if (python.kind === 'answered' && !python.azureIdentityVersion) {
      throw new CommandError(vscode.l10n.t('Verify with Python needs azure-identity, which {0} does not have.', python.interpreter.path),
        [step(vscode.l10n.t('Install azure-identity'), Commands.installAzureIdentity), step(vscode.l10n.t('Switch Interpreter'), Commands.switchInterpreter)]);
    }
    const result = await controller.verifyWithPython(ready, abort.signal);
    if (abort.signal.aborted) return;
    log.info(`Verify with Python (${result.python}, azure-identity ${result.azureIdentityVersion}): ${result.agrees ? 'agrees' : 'DISAGREES'}`);
    log.info(`  Python: ${result.verdict.outcome}${result.verdict.credential ? ` from ${result.verdict.credential}` : ''}`);
    for (const d of result.differences) log.warn(`  difference: ${d}`);
    const chained = ready.check.chained;
    let agrees: string;
    if (chained?.lone) {
      const built = (chained.members[0] ?? '').replace(/\(.*$/s, '');
      agrees = result.verdict.outcome === 'token'
        ? vscode.l10n.t('Python agrees: the {0} at {1} gets its token (azure-identity {2}).', built, chained.where, result.azureIdentityVersion)
        : vscode.l10n.t('Python agrees: the {0} at {1} raises {2} (azure-identity {3}).', built, chained.where, result.verdict.exceptionType ?? vscode.l10n.t('an error'), result.azureIdentityVersion);
    } else if (chained) {
      agrees = result.verdict.outcome === 'token' && result.verdict.credential
        ? vscode.l10n.t('Python agrees: the ChainedTokenCredential at {0} gets its token from {1} (azure-identity {2}).', chained.where, displayName(result.verdict.credential), result.azureIdentityVersion)
        : vscode.l10n.t('Python agrees: the ChainedTokenCredential at {0} fails (azure-identity {1}).', chained.where, result.azureIdentityVersion);
    } else {
      agrees = result.verdict.outcome === 'token' && result.verdict.credential
        ? vscode.l10n.t('Python agrees: DefaultAzureCredential gets its token from {0} (azure-identity {1}).', displayName(result.verdict.credential), result.azureIdentityVersion)
        : vscode.l10n.t('Python agrees: DefaultAzureCredential fails (azure-identity {0}).', result.azureIdentityVersion);
    }
    const details = vscode.l10n.t('Show Details');
    // Not awaited: the progress must end when Python has answered, not when the toast is dismissed.
    const choice = result.agrees
      ? vscode.window.showInformationMessage(agrees, details)
      : vscode.window.showWarningMessage(vscode.l10n.t('Python disagrees with the prediction: {0}.', result.differences[0] ?? vscode.l10n.t('see the details')), details);
    void choice.then((picked) => { if (picked === details) log.show(true); });
  });
}

async function installAzureIdentity(ctx: CommandContext): Promise<void> {
  const facts = pythonFactsOf(ctx.controller.current);
  if (facts?.kind === 'unusable') {
    throw new CommandError(vscode.l10n.t('azure-identity cannot be installed: {0}.', facts.message), [step(vscode.l10n.t('Switch Interpreter'), Commands.switchInterpreter)]);
  }
  const python = facts?.interpreter.path ?? 'python3';
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('Azure Dev Auth: install azure-identity'),
    shellPath: python,
    shellArgs: ['-m', 'pip', 'install', 'azure-identity'],
    iconPath: new vscode.ThemeIcon('package'),
  });
  terminal.show();
  const done = vscode.window.onDidCloseTerminal((closed) => {
    if (closed !== terminal) return;
    done.dispose();
    ctx.controller.request('azure-identity install finished');
  });
  ctx.keep(done);
}

async function switchInterpreter(ctx: CommandContext): Promise<void> {
  if (vscode.extensions.getExtension('ms-python.python')) {
    await vscode.commands.executeCommand('python.setInterpreter');
    return;
  }
  const folder = ctx.controller.folder;
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const path = await vscode.window.showInputBox({
    title: multiRoot && folder ? vscode.l10n.t('Python interpreter for Azure Dev Auth ({0})', folder.name) : vscode.l10n.t('Python interpreter for Azure Dev Auth'),
    prompt: vscode.l10n.t('Path of the interpreter your code runs with (the Python extension is not installed)'),
    value: readSettings(folder).pythonPath || 'python3',
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a path or a command name such as python3')),
  });
  if (path !== undefined) await writePythonPath(folder, path.trim());
}

async function copySnippet(ctx: CommandContext): Promise<void> {
  // The cloud of azureDevAuth.cloud, as the Access view uses it: outside the public cloud the snippet names its
  // authority and endpoints.
  const folder = ctx.controller.folder;
  const env = ctx.controller.sourceInputs(folder?.uri.toString() ?? '')?.env ?? definedEnvironment(process.env);
  const resolved = await (await ctx.engine()).resolveCloud(readAccessSettings(folder).cloud, env);
  if (!resolved.ok) {
    throw new CommandError(vscode.l10n.t('The setting azureDevAuth.cloud is not usable: {0}', resolved.message), [step(vscode.l10n.t('Open Settings'), Commands.openSettings)]);
  }
  const picked = await vscode.window.showQuickPick(
    PYTHON_CLIENTS.map((c) => ({ label: c.label, description: c.packages.join(' '), client: c })),
    { title: vscode.l10n.t('Copy Python Snippet'), placeHolder: vscode.l10n.t('Which Azure client will your code use?') },
  );
  if (!picked) return;
  await vscode.env.clipboard.writeText(pythonSnippet(picked.client, resolved.cloud));
  void vscode.window.showInformationMessage(resolved.cloud.name === 'AzureCloud'
    ? vscode.l10n.t('Copied the DefaultAzureCredential snippet for {0}.', picked.client.label)
    : vscode.l10n.t('Copied the DefaultAzureCredential snippet for {0} ({1}).', picked.client.label, resolved.cloud.name));
}
