import * as vscode from 'vscode';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import type { WizardPrincipal } from '../../webview/protocol';
import type { CommandContext } from '../commands/context';
import { ACCESS_VIEW_ID } from '../ids';

/** A wizard's result offers Check Access: the Access view comes forward and shows this principal's access (Back to My Access returns). */
export async function showAccessOf(ctx: CommandContext, principal: WizardPrincipal): Promise<void> {
  await vscode.commands.executeCommand(`${ACCESS_VIEW_ID}.focus`);
  // The principal is the identity the code signs in as (a new service principal in .env): its own access, read with
  // its own token, needs no directory lookup it may not be allowed.
  const mine = shownAccess(ctx.access.current)?.report;
  if (mine && !mine.viewer && mine.identity.objectId.toLowerCase() === principal.id.toLowerCase()) return;
  await ctx.access.checkAccessFor({ objectId: principal.id, label: principal.displayName });
}
