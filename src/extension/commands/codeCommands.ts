import * as vscode from 'vscode';
import type { CodeCredentials } from '../code/codeCredentials';
import { CredentialLensProvider } from '../code/credentialLens';
import { Commands } from '../ids';
import type { CommandContext } from './context';
import { registerCommand } from './registerCommand';

/** The credentials in the user's Python code: the lens above each DefaultAzureCredential(...) and its command. */
export function registerCodeCommands(ctx: CommandContext, code: CodeCredentials): vscode.Disposable[] {
  const lenses = new CredentialLensProvider(code, ctx.controller, ctx.engine);
  return [
    lenses,
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, lenses),
    registerCommand(ctx, Commands.modelCredentialCall, async (uri, line) => {
      if (!(uri instanceof vscode.Uri) || typeof line !== 'number') return;
      await code.choose(uri, line);
      await vscode.commands.executeCommand(Commands.showChain);
    }),
  ];
}
