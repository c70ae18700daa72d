import type * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { registerCommand, registerPanelRestorer } from '../commands/registerCommand';
import { Commands, WIZARD_VIEW_TYPE } from '../ids';
import { disposeWizards, loadWizards } from './load';

/** The team wizards' commands and their panels' serializer; the wizards themselves load on first use. */
export function registerWizards(ctx: CommandContext, context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.createLocalDevGroup, () => loadWizards(context).openGroupWizard(ctx)),
    registerCommand(ctx, Commands.assignRole, (arg) => loadWizards(context).openRoleWizard(ctx, arg)),
    registerCommand(ctx, Commands.checkAccessFor, (arg) => loadWizards(context).checkAccessFor(ctx, arg)),
    registerCommand(ctx, Commands.canDo, () => loadWizards(context).canDo(ctx)),
    // After a window reload VS Code restores open wizards; the page restores its own state from getState().
    registerPanelRestorer(WIZARD_VIEW_TYPE, (panel, state) => loadWizards(context).restoreTeamWizard(ctx, panel, state)),
    { dispose: disposeWizards },
  ];
}
