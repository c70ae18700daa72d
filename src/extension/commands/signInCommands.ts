import type * as vscode from 'vscode';
import { Commands, SIGN_IN_VIEW_TYPE } from '../ids';
import { loadWizards } from '../wizards/load';
import { sourceArgument, type CommandContext } from './context';
import { registerCommand, registerPanelRestorer } from './registerCommand';

/** Signing in: the sign-in page, or the tool of a source row in a terminal (both load with the wizards, on first use). */
export function registerSignInCommands(ctx: CommandContext, context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.signIn, () => loadWizards(context).openSignInWizard(ctx, context.extensionUri)),
    registerCommand(ctx, Commands.servicePrincipalForLocalDev, () => loadWizards(context).openSignInWizard(ctx, context.extensionUri, 'servicePrincipal')),
    registerCommand(ctx, Commands.signInWithSource, async (arg) => {
      const credential = sourceArgument(arg)?.credential;
      if (credential) await loadWizards(context).signInWithSource(ctx, context.extensionUri, credential);
    }),
    // After a window reload VS Code restores an open sign-in page; the page restores its own answers from getState().
    registerPanelRestorer(SIGN_IN_VIEW_TYPE, (panel, state) => loadWizards(context).restoreSignInWizard(ctx, context.extensionUri, panel, state)),
  ];
}
