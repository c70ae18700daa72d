import * as vscode from 'vscode';
import {
  describeSource, displayName, formatExpiry, fullIdentity,
} from '../core/presentation/chainRows';
import { PYTHON_CLIENTS, pythonSnippet } from '../core/presentation/snippets';
import type { ChainController } from './chainController';
import type { ChainRow } from './chainView';
import type { ChainEngineAdapter } from '../core/engineFacade';
import { isCredentialName } from '../core/chain/types';
import { CHAIN_VIEW_ID, Commands } from './ids';
import { pickSignIn, signInInTerminal } from './signIn';

export interface CommandContext {
  readonly controller: ChainController;
  readonly engine: () => Promise<ChainEngineAdapter>;
  readonly log: vscode.LogOutputChannel;
}

function credentialOf(row: ChainRow | undefined): string | undefined {
  return row?.kind === 'source' ? row.credential : undefined;
}

/** Registers the commands of the chain view, the status bar and the palette. */
export function registerChainCommands(ctx: CommandContext): vscode.Disposable[] {
  const { controller, log } = ctx;
  const refreshSoon = () => controller.request('a sign-in terminal closed');
  const disposables: vscode.Disposable[] = [];
  const keep = (d: vscode.Disposable | undefined) => { if (d) disposables.push(d); };

  return [
    vscode.commands.registerCommand(Commands.refresh, () =>
      vscode.window.withProgress({ location: { viewId: CHAIN_VIEW_ID } }, () => controller.refreshNow('manual refresh'))),
    vscode.commands.registerCommand(Commands.showChain, () => vscode.commands.executeCommand(`${CHAIN_VIEW_ID}.focus`)),
    vscode.commands.registerCommand(Commands.showLog, () => log.show(true)),
    vscode.commands.registerCommand(Commands.openSettings, () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:azure-dev-auth.azure-dev-auth')),
    vscode.commands.registerCommand(Commands.signIn, async () => keep(await pickSignIn(refreshSoon))),
    vscode.commands.registerCommand(Commands.signInWithSource, (row?: ChainRow) => {
      const credential = credentialOf(row);
      if (credential) keep(signInInTerminal(credential, refreshSoon));
    }),
    vscode.commands.registerCommand(Commands.verify, () => verify(ctx)),
    vscode.commands.registerCommand(Commands.copySnippet, copySnippet),
    vscode.commands.registerCommand(Commands.copyDetails, (row?: ChainRow) => copyDetails(ctx, credentialOf(row))),
    vscode.commands.registerCommand(Commands.excludeSource, (row?: ChainRow) => adviseExclusion(ctx, credentialOf(row), 'exclude')),
    vscode.commands.registerCommand(Commands.pinSource, (row?: ChainRow) => adviseExclusion(ctx, credentialOf(row), 'pin')),
    vscode.commands.registerCommand(Commands.installAzureIdentity, () => installAzureIdentity(ctx)),
    vscode.commands.registerCommand(Commands.switchInterpreter, switchInterpreter),
    vscode.commands.registerCommand(Commands.statusActions, statusActions),
    { dispose: () => disposables.forEach((d) => d.dispose()) },
  ];
}

async function verify(ctx: CommandContext): Promise<void> {
  const { controller, log } = ctx;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Verify with Python runs the workspace interpreter, which Restricted Mode does not allow. Trust the workspace first.');
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Azure Dev Auth: running DefaultAzureCredential in Python…', cancellable: true }, async (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    try {
      const result = await controller.verifyWithPython(abort.signal);
      log.info(`Verify with Python (${result.python}, azure-identity ${result.azureIdentityVersion}): ${result.agrees ? 'agrees' : 'DISAGREES'}`);
      log.info(`  Python: ${result.verdict.outcome}${result.verdict.credential ? ` from ${result.verdict.credential}` : ''}`);
      for (const d of result.differences) log.warn(`  difference: ${d}`);
      const what = result.verdict.outcome === 'token' && result.verdict.credential
        ? `gets its token from ${displayName(result.verdict.credential)}` : 'fails';
      // Not awaited: the progress must end when Python has answered, not when the toast is dismissed.
      const choice = result.agrees
        ? vscode.window.showInformationMessage(`Python agrees: DefaultAzureCredential ${what} (azure-identity ${result.azureIdentityVersion}).`, 'Show Details')
        : vscode.window.showWarningMessage(`Python disagrees with the prediction: ${result.differences[0] ?? 'see the details'}.`, 'Show Details');
      void choice.then((picked) => { if (picked === 'Show Details') log.show(true); });
    } catch (error) {
      if (abort.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      log.error(`Verify with Python failed: ${message}`);
      void vscode.window.showErrorMessage(`Azure Dev Auth: Verify with Python failed: ${message}`);
    }
  });
}

async function copySnippet(): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    PYTHON_CLIENTS.map((c) => ({ label: c.label, description: c.packages.join(' '), client: c })),
    { title: 'Copy Python Snippet', placeHolder: 'Which Azure client will your code use?' },
  );
  if (!picked) return;
  await vscode.env.clipboard.writeText(pythonSnippet(picked.client));
  void vscode.window.showInformationMessage(`Copied the DefaultAzureCredential snippet for ${picked.client.label}.`);
}

async function copyDetails(ctx: CommandContext, credential: string | undefined): Promise<void> {
  const report = ctx.controller.current.report;
  const source = report?.sources.find((s) => s.credential === credential);
  if (!report || !source) return;
  const model = describeSource(source);
  // Claims and messages only: the engine never hands the extension a token.
  const lines = [
    `${displayName(source.credential)} (${source.credential}) — ${model.state}`,
    `azure-identity ${report.azureIdentityVersion}; status ${source.status}; reached ${source.reached}; decisive ${source.decisive}`,
    source.message ? `message: ${source.message}` : undefined,
    source.identity ? `identity: ${fullIdentity(source.identity)}; object ${source.identity.objectId ?? '-'}; tenant ${source.identity.tenantId ?? '-'}` : undefined,
    source.expiresOn ? `expires: ${formatExpiry(source.expiresOn)}` : undefined,
  ].filter(Boolean);
  await vscode.env.clipboard.writeText(lines.join('\n'));
  void vscode.window.showInformationMessage(`Copied the details of ${displayName(source.credential)}.`);
}

async function adviseExclusion(ctx: CommandContext, credential: string | undefined, mode: 'exclude' | 'pin'): Promise<void> {
  if (!credential || !isCredentialName(credential)) return;
  const engine = await ctx.engine();
  const version = ctx.controller.current.report?.azureIdentityVersion;
  const advice = engine.exclusionAdvice(credential, version, mode);
  type Choice = vscode.QuickPickItem & { run: () => Promise<void> };
  const choices: Choice[] = [];
  if (advice.tokenCredentialsValue) {
    const value = advice.tokenCredentialsValue;
    choices.push({
      label: `$(copy) Copy AZURE_TOKEN_CREDENTIALS=${value}`,
      detail: 'Set it in your .env or shell; azure-identity reads it when DefaultAzureCredential is created.',
      run: async () => { await vscode.env.clipboard.writeText(`AZURE_TOKEN_CREDENTIALS=${value}`); },
    });
  }
  if (advice.keywordSnippet) {
    const snippet = advice.keywordSnippet;
    choices.push({
      label: '$(copy) Copy the keyword arguments',
      detail: snippet.split('\n').join(' '),
      run: async () => { await vscode.env.clipboard.writeText(snippet); },
    });
  }
  if (Object.keys(advice.settings).length) {
    choices.push({
      label: '$(settings-gear) Show the effect here',
      detail: 'Sets the matching azureDevAuth.defaultAzureCredential settings for this workspace, so the view models the keywords your code passes.',
      run: async () => {
        const config = vscode.workspace.getConfiguration('azureDevAuth.defaultAzureCredential');
        for (const [credentialName, excluded] of Object.entries(advice.settings)) {
          await config.update(`exclude${credentialName}`, excluded, vscode.ConfigurationTarget.Workspace);
        }
      },
    });
  }
  const picked = await vscode.window.showQuickPick(choices, {
    title: `${mode === 'pin' ? 'Use only' : 'Exclude'} ${displayName(credential)} (azure-identity ${version ?? 'newest'})`,
    placeHolder: advice.explanation,
  });
  await picked?.run();
}

async function installAzureIdentity(ctx: CommandContext): Promise<void> {
  const python = ctx.controller.current.python?.interpreter.path ?? 'python3';
  const terminal = vscode.window.createTerminal({
    name: 'Azure Dev Auth: install azure-identity',
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
}

async function switchInterpreter(): Promise<void> {
  if (vscode.extensions.getExtension('ms-python.python')) {
    await vscode.commands.executeCommand('python.setInterpreter');
    return;
  }
  const config = vscode.workspace.getConfiguration('azureDevAuth');
  const path = await vscode.window.showInputBox({
    title: 'Python interpreter for Azure Dev Auth',
    prompt: 'Path of the interpreter your code runs with (the Python extension is not installed)',
    value: config.get<string>('pythonPath', '') || 'python3',
    validateInput: (v) => (v.trim() ? undefined : 'Enter a path or a command name such as python3'),
  });
  if (path !== undefined) await config.update('pythonPath', path.trim(), vscode.ConfigurationTarget.Workspace);
}

async function statusActions(): Promise<void> {
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    { label: '$(list-tree) Show Chain', command: Commands.showChain },
    { label: '$(sign-in) Sign In…', command: Commands.signIn },
    { label: '$(beaker) Verify with Python', command: Commands.verify },
    { label: '$(copy) Copy Python Snippet', command: Commands.copySnippet },
    { label: '$(symbol-namespace) Switch Interpreter', command: Commands.switchInterpreter },
    { label: '$(settings-gear) Settings', command: Commands.openSettings },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Azure Dev Auth' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
