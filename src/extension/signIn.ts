import * as vscode from 'vscode';
import type { CredentialName } from '../core/chain/types';
import { definedEnvironment } from '../core/presentation/settings';
import { azConfiguredCloud } from '../core/access/clouds';
import { defaultCloud } from '../core/signin/signInPage';
import { signInSteps } from '../core/signin/signInPageCommands';
import type { CommandContext } from './commands/context';
import { defaultSignInMethod } from '../core/remote';
import { currentRemote } from './remote';
import { TERMINAL_SIGN_INS } from './signInSources';
import { runSignInTerminal } from './signInTerminal';
import { openSignInWizard } from './wizards/signInWizard';

/**
 * "Sign In with This Source" on a chain row. A developer tool signs in at once, with its default method, in the same
 * terminal the sign-in page uses; a failure is explained with the page one click away. Sources without a tool of their
 * own (VS Code, the browser, the environment) open the page at their row, which says what they need.
 *
 * Restricted Mode needs no other path: signing in runs the tools on PATH, never the workspace's interpreter or files,
 * and the page itself leaves out only what would run the interpreter (installing azure-identity-broker).
 */
export async function signInWithSource(ctx: CommandContext, extensionUri: vscode.Uri, credential: CredentialName): Promise<void> {
  const tool = TERMINAL_SIGN_INS.find((s) => s.credential === credential)?.tool;
  if (!tool) {
    openSignInWizard(ctx, extensionUri, credential);
    return;
  }
  const env = definedEnvironment(process.env);
  const azCloud = (await azConfiguredCloud(env)) ?? 'AzureCloud';
  const steps = signInSteps({ tool, method: defaultSignInMethod(currentRemote()), tenant: null, cloud: defaultCloud(azCloud), username: null }, azCloud);
  const run = runSignInTerminal({
    title: tool === 'pwsh' ? 'Connect-AzAccount' : [tool, ...steps.at(-1)!.args].join(' '), steps, env, username: null, secrets: ctx.knownSecrets(),
    log: ctx.log, focus: true, onDeviceCode: () => undefined, onWaitingForInput: () => undefined,
  });
  void run.done.then(async (outcome) => {
    if (outcome.state === 'succeeded') {
      ctx.controller.request(`${tool} sign-in finished`);
      return;
    }
    if (outcome.state === 'cancelled' || !outcome.failure) return;
    const { failure } = outcome;
    const picked = await vscode.window.showWarningMessage(failure.code
      ? vscode.l10n.t('Azure Dev Auth: {0} ({1}). {2} {3}', failure.title, failure.code, failure.meaning, failure.fix)
      : vscode.l10n.t('Azure Dev Auth: {0}. {1} {2}', failure.title, failure.meaning, failure.fix), vscode.l10n.t('Open Sign In…'));
    if (picked) openSignInWizard(ctx, extensionUri, credential);
  });
}
