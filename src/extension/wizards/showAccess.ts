import * as vscode from 'vscode';
import type { WizardPrincipal } from '../../webview/protocol';
import type { CommandContext } from '../commands/context';
import { ACCESS_VIEW_ID } from '../ids';

/** A wizard's result offers Check Access: the Access view comes forward and shows this principal's access (Back to My Access returns). */
export async function showAccessOf(ctx: CommandContext, principal: WizardPrincipal): Promise<void> {
  await vscode.commands.executeCommand(`${ACCESS_VIEW_ID}.focus`);
  await ctx.access.checkAccessFor({ objectId: principal.id, label: principal.displayName });
}
