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
    items.push({ label: vscode.l10n.t('$(refresh) Retry the Check'), command: Commands.refresh }, { label: vscode.l10n.t('$(output) Show Log'), command: Commands.showLog });
  }
  items.push(
    { label: vscode.l10n.t('$(list-tree) Show Chain'), command: Commands.showChain },
    { label: vscode.l10n.t('$(sign-in) Sign In…'), command: Commands.signIn },
    { label: vscode.l10n.t('$(beaker) Verify with Python'), command: Commands.verify },
    { label: vscode.l10n.t('$(copy) Copy Python Snippet'), command: Commands.copySnippet },
    { label: vscode.l10n.t('$(symbol-namespace) Switch Interpreter'), command: Commands.switchInterpreter },
    { label: vscode.l10n.t('$(organization) Create Local Development Group…'), command: Commands.createLocalDevGroup },
    { label: vscode.l10n.t('$(key) Assign Role…'), command: Commands.assignRole },
  );
  if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) {
    items.push({ label: vscode.l10n.t('$(folder) Choose Workspace Folder…'), command: Commands.chooseFolder });
  }
  items.push({ label: vscode.l10n.t('$(settings-gear) Settings'), command: Commands.openSettings });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Azure Dev Auth') });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
