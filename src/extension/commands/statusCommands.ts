import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { CommandContext } from './context';
import { registerCommand } from './registerCommand';

/** The status bar's quick actions, the log and the settings. */
export function registerStatusCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.statusActions, () => statusActions(ctx)),
    registerCommand(ctx, Commands.showLog, () => ctx.log.show(true)),
    registerCommand(ctx, Commands.openSettings, () =>
      vscode.commands.executeCommand('workbench.action.openSettings', '@ext:azure-dev-auth.azure-dev-auth')),
  ];
}

async function statusActions(ctx: CommandContext): Promise<void> {
  const snapshot = ctx.controller.current;
  const items: Array<vscode.QuickPickItem & { command: string }> = [];
  // A failed check leads with what fixes or explains it.
  if (snapshot.phase === 'failed') {
    items.push({ label: '$(refresh) Retry the Check', command: Commands.refresh }, { label: '$(output) Show Log', command: Commands.showLog });
  }
  items.push(
    { label: '$(list-tree) Show Chain', command: Commands.showChain },
    { label: '$(sign-in) Sign In…', command: Commands.signIn },
    { label: '$(beaker) Verify with Python', command: Commands.verify },
    { label: '$(copy) Copy Python Snippet', command: Commands.copySnippet },
    { label: '$(symbol-namespace) Switch Interpreter', command: Commands.switchInterpreter },
    { label: '$(organization) Create Local Development Group…', command: Commands.createLocalDevGroup },
    { label: '$(key) Assign Role…', command: Commands.assignRole },
  );
  if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) {
    items.push({ label: '$(folder) Choose Workspace Folder…', command: Commands.chooseFolder });
  }
  items.push({ label: '$(settings-gear) Settings', command: Commands.openSettings });
  const picked = await vscode.window.showQuickPick(items, { title: 'Azure Dev Auth' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
