import * as vscode from 'vscode';
import { isCredentialName, type CredentialName } from '../../core/chain/types';
import { describeSource, displayName, formatExpiry, fullIdentity } from '../../core/presentation/chainRows';
import { formatClock } from '../../core/presentation/snapshot';
import { writeExclusions } from '../settings';
import { CHAIN_VIEW_ID, Commands } from '../ids';
import { reportOf, sourceArgument, type CommandContext } from './context';
import { CommandError, registerCommand } from './registerCommand';

/** The Credential Chain view's own commands: refresh, the folder it describes, and what a source row offers. */
export function registerChainCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.refresh, () => refresh(ctx)),
    registerCommand(ctx, Commands.showChain, () => vscode.commands.executeCommand(`${CHAIN_VIEW_ID}.focus`)),
    registerCommand(ctx, Commands.copyDetails, (arg) => copyDetails(ctx, sourceArgument(arg)?.credential)),
    registerCommand(ctx, Commands.excludeSource, (arg) => adviseExclusion(ctx, sourceArgument(arg)?.credential, 'exclude')),
    registerCommand(ctx, Commands.pinSource, (arg) => adviseExclusion(ctx, sourceArgument(arg)?.credential, 'pin')),
    registerCommand(ctx, Commands.chooseFolder, () => chooseFolder(ctx)),
  ];
}

async function refresh(ctx: CommandContext): Promise<void> {
  // A failed check is shown in the view and the status bar (with its own Retry); it is not this command's failure.
  await vscode.window.withProgress({ location: { viewId: CHAIN_VIEW_ID } }, () => ctx.controller.refreshNow('manual refresh'));
}

async function copyDetails(ctx: CommandContext, credential: CredentialName | undefined): Promise<void> {
  const known = reportOf(ctx.controller.current);
  const source = known?.report.sources.find((s) => s.credential === credential);
  if (!known || !source) {
    throw new CommandError(vscode.l10n.t('There are no details to copy: that source has not been checked yet.'),
      [{ title: vscode.l10n.t('Refresh'), run: () => vscode.commands.executeCommand(Commands.refresh) }]);
  }
  const { report, staleSince } = known;
  const model = describeSource(source);
  // Claims and messages only: the engine never hands the extension a token, and its messages are redacted.
  const lines = [
    `${displayName(source.credential)} (${source.credential}) — ${model.state}${staleSince ? ` (stale: from the check at ${formatClock(staleSince)})` : ''}`,
    `azure-identity ${report.azureIdentityVersion}; status ${source.status}; reached ${source.reached}; decisive ${source.decisive}`,
    source.unverifiedHost ? `unverified host: ${source.unverifiedHost}` : undefined,
    source.message ? `message: ${source.message}` : undefined,
    source.identity ? `identity: ${fullIdentity(source.identity)}; object ${source.identity.objectId ?? '-'}; tenant ${source.identity.tenantId ?? '-'}` : undefined,
    source.expiresOn ? `expires: ${formatExpiry(source.expiresOn)}` : undefined,
  ].filter(Boolean);
  await vscode.env.clipboard.writeText(lines.join('\n'));
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the details of {0}.', displayName(source.credential)));
}

async function adviseExclusion(ctx: CommandContext, credential: CredentialName | undefined, mode: 'exclude' | 'pin'): Promise<void> {
  if (!credential || !isCredentialName(credential)) return;
  const engine = await ctx.engine();
  const version = reportOf(ctx.controller.current)?.report.azureIdentityVersion;
  const advice = engine.exclusionAdvice(credential, version, mode);
  type Choice = vscode.QuickPickItem & { run: () => Promise<void> };
  const choices: Choice[] = [];
  if (advice.tokenCredentialsValue) {
    const value = advice.tokenCredentialsValue;
    choices.push({
      label: vscode.l10n.t('$(copy) Copy AZURE_TOKEN_CREDENTIALS={0}', value),
      detail: vscode.l10n.t('Set it in your .env or shell; azure-identity reads it when DefaultAzureCredential is created.'),
      run: async () => { await vscode.env.clipboard.writeText(`AZURE_TOKEN_CREDENTIALS=${value}`); },
    });
  }
  if (advice.keywordSnippet) {
    const snippet = advice.keywordSnippet;
    choices.push({
      label: vscode.l10n.t('$(copy) Copy the keyword arguments'),
      detail: snippet.split('\n').join(' '),
      run: async () => { await vscode.env.clipboard.writeText(snippet); },
    });
  }
  if (Object.keys(advice.settings).length) {
    const folder = ctx.controller.folder;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    choices.push({
      label: vscode.l10n.t('$(settings-gear) Show the effect here'),
      detail: multiRoot && folder
        ? vscode.l10n.t('Sets the matching azureDevAuth.defaultAzureCredential settings for the folder {0}, so the view models the keywords your code passes.', folder.name)
        : vscode.l10n.t('Sets the matching azureDevAuth.defaultAzureCredential settings for this workspace, so the view models the keywords your code passes.'),
      run: () => writeExclusions(folder, advice.settings),
    });
  }
  const picked = await vscode.window.showQuickPick(choices, {
    title: mode === 'pin'
      ? vscode.l10n.t('Use only {0} (azure-identity {1})', displayName(credential), version ?? vscode.l10n.t('newest'))
      : vscode.l10n.t('Exclude {0} (azure-identity {1})', displayName(credential), version ?? vscode.l10n.t('newest')),
    placeHolder: advice.explanation,
  });
  await picked?.run();
}

async function chooseFolder(ctx: CommandContext): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length < 2) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This workspace has one folder: the view always describes it.'));
    return;
  }
  const chosen = ctx.folders.chosenUri();
  const current = ctx.folders.current().folder;
  type Choice = vscode.QuickPickItem & { folder: vscode.WorkspaceFolder | undefined };
  const items: Choice[] = [
    {
      label: vscode.l10n.t('$(arrow-swap) Follow the active editor'),
      description: chosen ? undefined : vscode.l10n.t('now: {0}', current?.name ?? '-'),
      detail: vscode.l10n.t('Describe the folder of the file you are editing (each folder has its own .env and interpreter).'),
      folder: undefined,
    },
    ...folders.map((folder) => ({
      label: `$(folder) ${folder.name}`,
      description: folder.uri.toString() === chosen ? vscode.l10n.t('chosen') : undefined,
      detail: folder.uri.fsPath,
      folder,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Which folder should Azure Dev Auth describe?') });
  if (picked) await ctx.folders.choose(picked.folder);
}
