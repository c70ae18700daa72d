import type * as vscode from 'vscode';
import { Commands } from '../ids';
import { pickSignIn, signInInTerminal } from '../signIn';
import { sourceArgument, type CommandContext } from './context';
import { registerCommand } from './registerCommand';

/** Signing in: a quick pick of the tools, or the tool of a source row, in a terminal. */
export function registerSignInCommands(ctx: CommandContext): vscode.Disposable[] {
  const refreshSoon = () => ctx.controller.request('a sign-in terminal closed');
  return [
    registerCommand(ctx, Commands.signIn, async () => ctx.keep(await pickSignIn(refreshSoon))),
    registerCommand(ctx, Commands.signInWithSource, (arg) => {
      const credential = sourceArgument(arg)?.credential;
      if (credential) ctx.keep(signInInTerminal(credential, refreshSoon));
    }),
  ];
}
