import type * as vscode from 'vscode';
import { Commands } from '../ids';
import { loadWizards } from '../wizards/load';
import type { CommandContext } from './context';
import { registerCommand } from './registerCommand';

/** Commands that write the workspace `.env` (their code loads with the wizards, on first use). */
export function registerEnvCommands(ctx: CommandContext, context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.moveAuthFileToEnv, () => loadWizards(context).moveAuthFileToEnv(ctx)),
    registerCommand(ctx, Commands.resolveToolDisagreement, () => loadWizards(context).resolveToolDisagreement(ctx)),
  ];
}
