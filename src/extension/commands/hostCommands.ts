import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import type { ChainReport, CredentialName } from '../../core/chain/types';
import { displayName, rowState, unverifiedPayload } from '../../core/presentation/chainRows';
import { CHAIN_VIEW_ID, Commands } from '../ids';
import { readSettings } from '../settings';
import { envFilePath } from '../../core/presentation/settings';
import { sourceArgument, type CommandContext } from './context';
import { CommandError, registerCommand } from './registerCommand';

/**
 * "Check with <host>": a source that would send a secret, federated token or assertion to a host that is neither
 * Microsoft Entra nor loopback is not checked until the developer allows that host, once per workspace.
 */
export function registerHostCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.checkWithHost, (arg) => checkWithHost(ctx, arg)),
    registerCommand(ctx, Commands.forgetAllowedHosts, () => forgetAllowedHosts(ctx)),
    registerCommand(ctx, Commands.runWorkspaceProgram, (arg) => runWorkspaceProgram(ctx, arg)),
  ];
}

/** A source Python reaches that waits for a host to be allowed. */
export interface UnverifiedSource {
  readonly credential: CredentialName;
  readonly host: string;
  /** "the federated token", as the engine worded it. */
  readonly payload: string;
}

/** Sources of a report that were not checked because their host is not allowed (and that Python would reach). */
export function unverifiedSources(report: ChainReport): UnverifiedSource[] {
  return report.sources
    .filter((s) => s.unverifiedHost && rowState(s) === 'notChecked')
    .map((s) => ({ credential: s.credential, host: s.unverifiedHost!, payload: unverifiedPayload(s) }));
}

/**
 * Asks once per host and workspace whether the check may send the source's secret to that host, and remembers a
 * yes. Returns whether the host is allowed now.
 */
export async function confirmHost(ctx: CommandContext, source: UnverifiedSource, purpose: string): Promise<boolean> {
  if (ctx.allowedHosts.has(source.host)) return true;
  const folder = ctx.controller.folder;
  const envFile = folder ? envFilePath(readSettings(folder).pythonEnvFile, folder.uri.fsPath) : undefined;
  const envFileExists = envFile ? await stat(envFile).then(() => true, () => false) : false;
  const allow = vscode.l10n.t('Check with {0}', source.host);
  const picked = await vscode.window.showWarningMessage(
    envFileExists
      ? vscode.l10n.t('Send {0} named in .env to {1} to {2}? Python would do so when your app runs.', source.payload, source.host, purpose)
      : vscode.l10n.t('Send {0} named in your environment to {1} to {2}? Python would do so when your app runs.', source.payload, source.host, purpose),
    {
      modal: true,
      detail: vscode.l10n.t('{0} is neither a Microsoft Entra authority nor this machine, so Azure Dev Auth did not send it when it checked {1}. Allow it only if you trust that host. Your answer is remembered for this workspace; "Forget Hosts Allowed for Checks" takes it back.', source.host, displayName(source.credential)),
    },
    allow,
  );
  if (picked !== allow) return false;
  await ctx.allowedHosts.allow(source.host);
  ctx.log.info(`Allowed ${source.host} to receive ${source.payload} during checks of this workspace.`);
  return true;
}

async function checkWithHost(ctx: CommandContext, arg: unknown): Promise<void> {
  const wanted = sourceArgument(arg);
  const snapshot = ctx.controller.current;
  const report = snapshot.phase === 'ready' ? snapshot.check.report : undefined;
  const waiting = report ? unverifiedSources(report) : [];
  // The row or link may be older than the view: act only on a source that still waits for this very host.
  const source = waiting.find((s) => s.credential === wanted?.credential && (!wanted.host || s.host.toLowerCase() === wanted.host.toLowerCase()))
    ?? (wanted ? undefined : waiting[0]);
  if (!source) {
    throw new CommandError(vscode.l10n.t('That source no longer waits for a check with its host: the chain has changed since. Refresh to see it.'),
      [{ title: vscode.l10n.t('Refresh'), run: () => vscode.commands.executeCommand(Commands.refresh) }]);
  }
  if (!(await confirmHost(ctx, source, vscode.l10n.t('check this source')))) return;
  await vscode.window.withProgress({ location: { viewId: CHAIN_VIEW_ID } }, () => ctx.controller.refreshNow(`checking with ${source.host}`));
}

/**
 * "Run <program>": a source whose tool only a PATH entry of the workspace's .env finds (a repository's bin/az) is
 * not checked until the developer allows that very program, once per workspace.
 */
async function runWorkspaceProgram(ctx: CommandContext, arg: unknown): Promise<void> {
  const wanted = sourceArgument(arg);
  const program: unknown = arg && typeof arg === 'object' ? Reflect.get(arg, 'program') : undefined;
  const snapshot = ctx.controller.current;
  const report = snapshot.phase === 'ready' ? snapshot.check.report : undefined;
  // The link may be older than the view: act only on a source that still waits for this very program.
  const source = report?.sources.find((s) => s.unverifiedProgram && rowState(s) === 'notChecked'
    && (!wanted || s.credential === wanted.credential) && (typeof program !== 'string' || s.unverifiedProgram === program));
  if (!source?.unverifiedProgram) {
    throw new CommandError(vscode.l10n.t('That source no longer waits for a workspace program: the chain has changed since. Refresh to see it.'),
      [{ title: vscode.l10n.t('Refresh'), run: () => vscode.commands.executeCommand(Commands.refresh) }]);
  }
  const path = source.unverifiedProgram;
  const run = vscode.l10n.t('Run It');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('Run {0} to check {1}?', path, displayName(source.credential)),
    {
      modal: true,
      detail: vscode.l10n.t('The workspace\'s .env puts its folder on PATH, so Python would run this program instead of your own when your app runs. Azure Dev Auth did not run it. Allow it only if you trust this repository: the program can do anything you can. Your answer is remembered for this workspace; "Forget Hosts Allowed for Checks" takes it back.'),
    },
    run,
  );
  if (picked !== run) return;
  await ctx.allowedHosts.allowProgram(path);
  ctx.log.info(`Allowed checks of this workspace to run ${path}.`);
  await vscode.window.withProgress({ location: { viewId: CHAIN_VIEW_ID } }, () => ctx.controller.refreshNow(`running ${path}`));
}

async function forgetAllowedHosts(ctx: CommandContext): Promise<void> {
  const forgotten = await ctx.allowedHosts.forget();
  if (forgotten.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No hosts are allowed for checks in this workspace.'));
    return;
  }
  ctx.log.info(`Forgot the hosts allowed for checks: ${forgotten.join(', ')}.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Checks will no longer send secrets to {0}; each asks again when needed.', forgotten.join(', ')));
}
