import * as vscode from 'vscode';
import { fixChoice } from '../core/presentation/disagreementRow';
import type { DisagreementFix } from '../core/chain/disagreement';
import type { CommandContext } from './commands/context';
import { reportOf } from './commands/context';
import { CommandError } from './commands/registerCommand';
import { announceEnvWrite, writeToWorkspaceEnv } from './envWriter';
import { Commands } from './ids';

/**
 * The quick fix of the chain view's "Tools disagree" row: pin the winner or its tenant in the workspace `.env`
 * (through the locked `.env` writer), or sign another tool in again with that source's own sign-in.
 */
export async function resolveToolDisagreement(ctx: CommandContext): Promise<void> {
  const known = reportOf(ctx.controller.current);
  const disagreement = known?.report.disagreement;
  if (!known || !disagreement) {
    throw new CommandError(vscode.l10n.t('Your signed-in tools agree (or the chain has not been checked yet): there is nothing to resolve.'),
      [{ title: vscode.l10n.t('Refresh'), run: () => vscode.commands.executeCommand(Commands.refresh) }]);
  }
  type Choice = vscode.QuickPickItem & { fix: DisagreementFix };
  const choices: Choice[] = disagreement.fixes.map((fix) => ({ ...fixChoice(fix, disagreement, known.report.azureIdentityVersion), fix }));
  const picked = await vscode.window.showQuickPick(choices, {
    title: vscode.l10n.t('Your tools are signed in as different users or tenants'),
    placeHolder: vscode.l10n.t('Make the choice explicit, or sign the others in again'),
  });
  if (!picked) return;
  const fix = picked.fix;
  if (fix.kind === 'signInAgain') {
    await vscode.commands.executeCommand(Commands.signInWithSource, { credential: fix.credential });
    return;
  }
  const folder = ctx.folders.current().folder;
  if (!folder) throw new CommandError(vscode.l10n.t('Open a folder first: the setting goes into its .env file.'));
  if (!vscode.workspace.isTrusted) throw new CommandError(vscode.l10n.t('This workspace is not trusted: Azure Dev Auth does not write its .env file.'));
  const written = await writeToWorkspaceEnv(folder, { [fix.variable]: fix.value }, fix.kind === 'pin' ? vscode.l10n.t('pinning the source your code uses') : vscode.l10n.t('pinning your code\'s tenant'));
  if (!written) return;
  ctx.log.info(`Wrote ${fix.variable} to ${written.path} to resolve tools that disagree`);
  announceEnvWrite(written);
  ctx.controller.request(`${fix.variable} was written to .env`);
}
