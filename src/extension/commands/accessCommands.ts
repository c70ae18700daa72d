import * as vscode from 'vscode';
import type { AccessRowKind, AccessRowModel } from '../../core/presentation/accessRows';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import { ACCESS_VIEW_ID, Commands } from '../ids';
import { readProxySettings } from '../settings';
import type { CommandContext } from './context';
import { CommandError, registerCommand } from './registerCommand';

/** The Access view's commands: refresh, copy the equivalent az commands, and what a row offers. */
export function registerAccessCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, Commands.refreshAccess, () =>
      vscode.window.withProgress({ location: { viewId: ACCESS_VIEW_ID } }, () => ctx.access.refresh('manual refresh'))),
    registerCommand(ctx, Commands.copyAccessCommands, () => copyCommands(ctx)),
    registerCommand(ctx, Commands.openInPortal, (arg) => openInPortal(rowArgument(arg))),
    registerCommand(ctx, Commands.activateInPim, (arg) => activateInPim(rowArgument(arg))),
    registerCommand(ctx, Commands.removeRoleAssignment, (arg) => removeAssignment(ctx, rowArgument(arg))),
    registerCommand(ctx, Commands.copyAdministratorRequest, (arg) => copyAdministratorRequest(rowArgument(arg))),
    registerCommand(ctx, Commands.backToMyAccess, () => ctx.access.backToMine()),
  ];
}

const REFRESH_STEP = { title: vscode.l10n.t('Refresh Access'), run: () => vscode.commands.executeCommand(Commands.refreshAccess) };

/** The row a menu passed (VS Code hands over the tree element); anything else is not a row. */
function rowArgument(arg: unknown): AccessRowModel | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const id: unknown = Reflect.get(arg, 'id');
  const kind: unknown = Reflect.get(arg, 'kind');
  const label: unknown = Reflect.get(arg, 'label');
  const flags: unknown = Reflect.get(arg, 'flags');
  if (typeof id !== 'string' || typeof kind !== 'string' || typeof label !== 'string' || !Array.isArray(flags)) return undefined;
  return arg as AccessRowModel;
}

function requireRow(row: AccessRowModel | undefined, what: string, kinds?: readonly AccessRowKind[]): AccessRowModel {
  if (!row || (kinds && !kinds.includes(row.kind))) throw new CommandError(vscode.l10n.t('{0} works on a row of the Access view: right-click one.', what));
  return row;
}

/** Only https links leave VS Code: a scope or URL from Azure cannot open anything else. */
async function openHttps(url: string | undefined, what: string): Promise<void> {
  let uri: vscode.Uri | undefined;
  try { uri = url ? vscode.Uri.parse(url, true) : undefined; } catch { uri = undefined; }
  if (!uri || uri.scheme !== 'https') throw new CommandError(vscode.l10n.t('{0}: this row has no portal address.', what));
  await vscode.env.openExternal(uri);
}

async function copyCommands(ctx: CommandContext): Promise<void> {
  const shown = shownAccess(ctx.access.current);
  if (!shown) {
    throw new CommandError(vscode.l10n.t('There is nothing to copy yet: the Access view has not loaded the access of an identity.'), [REFRESH_STEP]);
  }
  const engine = await ctx.engine();
  await vscode.env.clipboard.writeText(engine.equivalentCommands(shown.report, shown.cloud));
  const who = shown.report.identity.upn ?? shown.report.identity.appId ?? shown.report.identity.objectId;
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied the az commands that list the role assignments and groups of {0}.', who));
}

async function openInPortal(arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, vscode.l10n.t('Open in Portal'));
  await openHttps(row.portalUrl, vscode.l10n.t('Open in Portal'));
}

async function activateInPim(arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, vscode.l10n.t('Activate in PIM'), ['eligible']);
  await openHttps(row.url, vscode.l10n.t('Activate in PIM'));
}

/** An insight's administrator request (az commands in bash, built from argument vectors) onto the clipboard. */
async function copyAdministratorRequest(arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, vscode.l10n.t('Copy Administrator Request'), ['insight']);
  const request: unknown = row.adminRequest;
  if (typeof request !== 'string' || !request) throw new CommandError(vscode.l10n.t('"{0}" has no administrator request.', row.label));
  await vscode.env.clipboard.writeText(request);
  void vscode.window.showInformationMessage(request.includes('MY_PUBLIC_IP')
    ? vscode.l10n.t('Copied the administrator request. Replace MY_PUBLIC_IP with this machine\'s public address before sending it.')
    : vscode.l10n.t('Copied the administrator request.'));
}

async function removeAssignment(ctx: CommandContext, arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, vscode.l10n.t('Remove Role Assignment'), ['assignment']);
  const { assignmentId, scope, principal } = row;
  if (!row.flags.includes('canRemove') || !assignmentId || !scope || !principal) {
    throw new CommandError(vscode.l10n.t('"{0}" cannot be removed from here: it is inherited from a scope above, or your roles do not allow removing it.', row.label));
  }
  const snapshot = ctx.access.current;
  if (snapshot.phase !== 'ready') {
    throw new CommandError(vscode.l10n.t('The Access view is not showing current data (it is loading, or its last load failed): refresh it first.'), [REFRESH_STEP]);
  }
  const group = principal.startsWith('group ');
  const remove = vscode.l10n.t('Remove');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove the role "{0}" of {1}?', row.label, principal),
    {
      modal: true,
      detail: group
        ? vscode.l10n.t('Scope: {0}\n\nEveryone in the group loses this role at this scope and below. Assigning it again needs someone allowed to assign roles here.', scope)
        : vscode.l10n.t('Scope: {0}\n\nYou lose this role at this scope and below; calls of your code that need it will get 403. Assigning it again needs someone allowed to assign roles here.', scope),
    },
    remove,
  );
  if (answer !== remove) return;
  const { subject } = snapshot;
  const inputs = ctx.controller.sourceInputs(subject.folderUri);
  if (!inputs) throw new CommandError(vscode.l10n.t('The credential chain has not been checked for this folder yet: refresh the Access view first.'), [REFRESH_STEP]);
  const engine = await ctx.engine();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Removing "{0}" of {1}…', row.label, principal), cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return engine.removeRoleAssignment({
        source: subject.source, env: inputs.env, processTimeoutSeconds: inputs.processTimeoutSeconds ?? 10,
        allowedHosts: ctx.allowedHosts.list(), ...ctx.access.vsCodeAccount(subject), cloud: snapshot.access.cloud, assignmentId, signal: abort.signal,
        // The removal leaves through VS Code's proxy, as the Access view's load does.
        proxy: readProxySettings(),
      });
    },
  );
  if (!result.ok) {
    const { problem } = result;
    const command = problem.command;
    // A claims challenge: sign in again with the claims (the command, copied), then the same DELETE is sent again.
    const steps = problem.kind === 'claims-challenge'
      ? [
        ...(command ? [{ title: vscode.l10n.t('Copy Sign-In Command'), run: () => vscode.env.clipboard.writeText(command) }] : []),
        // The same row, so the same assignment id: DELETE is idempotent (asked to confirm again, as any removal).
        { title: vscode.l10n.t('Retry Removal'), run: () => vscode.commands.executeCommand(Commands.removeRoleAssignment, arg) },
      ]
      : problem.kind === 'sign-in-expired' || problem.kind === 'no-token' || problem.kind === 'wrong-tenant'
        ? [{ title: vscode.l10n.t('Sign In…'), run: () => vscode.commands.executeCommand(Commands.signIn) }] : [REFRESH_STEP];
    throw new CommandError(`${problem.message} ${problem.fix}`, steps);
  }
  ctx.log.info(`Removed the role assignment ${assignmentId} (${row.label} of ${principal})${result.removed ? '' : ': Azure no longer had it'}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Removed "{0}" of {1} at {2}.', row.label, principal, scope.split('/').pop() ?? scope));
  await ctx.access.refresh('a role assignment was removed');
}
