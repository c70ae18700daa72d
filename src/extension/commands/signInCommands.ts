import type * as vscode from 'vscode';
import { Commands } from '../ids';
import { signInWithSource } from '../signIn';
import { openSignInWizard, registerSignInWizard } from '../wizards/signInWizard';
import { sourceArgument, type CommandContext } from './context';
import { registerCommand } from './registerCommand';

/** Signing in: the sign-in page, or the tool of a source row in a terminal. */
export function registerSignInCommands(ctx: CommandContext, context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.signIn, () => openSignInWizard(ctx, context.extensionUri)),
    registerCommand(ctx, Commands.servicePrincipalForLocalDev, () => openSignInWizard(ctx, context.extensionUri, 'servicePrincipal')),
    registerCommand(ctx, Commands.signInWithSource, (arg) => {
      const credential = sourceArgument(arg)?.credential;
      if (credential) signInWithSource(ctx, context.extensionUri, credential);
    }),
    ...registerSignInWizard(ctx, context),
  ];
}
