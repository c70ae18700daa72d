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
  ];
}

const REFRESH_STEP = { title: 'Refresh Access', run: () => vscode.commands.executeCommand(Commands.refreshAccess) };

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
  if (!row || (kinds && !kinds.includes(row.kind))) throw new CommandError(`${what} works on a row of the Access view: right-click one.`);
  return row;
}

/** Only https links leave VS Code: a scope or URL from Azure cannot open anything else. */
async function openHttps(url: string | undefined, what: string): Promise<void> {
  let uri: vscode.Uri | undefined;
  try { uri = url ? vscode.Uri.parse(url, true) : undefined; } catch { uri = undefined; }
  if (!uri || uri.scheme !== 'https') throw new CommandError(`${what}: this row has no portal address.`);
  await vscode.env.openExternal(uri);
}

async function copyCommands(ctx: CommandContext): Promise<void> {
  const shown = shownAccess(ctx.access.current);
  if (!shown) {
    throw new CommandError('There is nothing to copy yet: the Access view has not loaded the access of an identity.', [REFRESH_STEP]);
  }
  const engine = await ctx.engine();
  await vscode.env.clipboard.writeText(engine.equivalentCommands(shown.report, shown.cloud));
  const who = shown.report.identity.upn ?? shown.report.identity.appId ?? shown.report.identity.objectId;
  void vscode.window.showInformationMessage(`Copied the az commands that list the role assignments and groups of ${who}.`);
}

async function openInPortal(arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, 'Open in Portal');
  await openHttps(row.portalUrl, 'Open in Portal');
}

async function activateInPim(arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, 'Activate in PIM', ['eligible']);
  await openHttps(row.url, 'Activate in PIM');
}

async function removeAssignment(ctx: CommandContext, arg: AccessRowModel | undefined): Promise<void> {
  const row = requireRow(arg, 'Remove Role Assignment', ['assignment']);
  const { assignmentId, scope, principal } = row;
  if (!row.flags.includes('canRemove') || !assignmentId || !scope || !principal) {
    throw new CommandError(`"${row.label}" cannot be removed from here: it is inherited from a scope above, or your roles do not allow removing it.`);
  }
  const snapshot = ctx.access.current;
  if (snapshot.phase !== 'ready') {
    throw new CommandError('The Access view is not showing current data (it is loading, or its last load failed): refresh it first.', [REFRESH_STEP]);
  }
  const group = principal.startsWith('group ');
  const answer = await vscode.window.showWarningMessage(
    `Remove the role "${row.label}" of ${principal}?`,
    {
      modal: true,
      detail: `Scope: ${scope}\n\n${group
        ? 'Everyone in the group loses this role at this scope and below.'
        : 'You lose this role at this scope and below; calls of your code that need it will get 403.'} Assigning it again needs someone allowed to assign roles here.`,
    },
    'Remove',
  );
  if (answer !== 'Remove') return;
  const { subject } = snapshot;
  const inputs = ctx.controller.sourceInputs(subject.folderUri);
  if (!inputs) throw new CommandError('The credential chain has not been checked for this folder yet: refresh the Access view first.', [REFRESH_STEP]);
  const engine = await ctx.engine();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Removing "${row.label}" of ${principal}…`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return engine.removeRoleAssignment({
        source: subject.source, env: inputs.env, processTimeoutSeconds: inputs.processTimeoutSeconds ?? 10,
        allowedHosts: ctx.allowedHosts.list(), cloud: snapshot.access.cloud, assignmentId, signal: abort.signal,
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
        ...(command ? [{ title: 'Copy Sign-In Command', run: () => vscode.env.clipboard.writeText(command) }] : []),
        // The same row, so the same assignment id: DELETE is idempotent (asked to confirm again, as any removal).
        { title: 'Retry Removal', run: () => vscode.commands.executeCommand(Commands.removeRoleAssignment, arg) },
      ]
      : problem.kind === 'sign-in-expired' || problem.kind === 'no-token' || problem.kind === 'wrong-tenant'
        ? [{ title: 'Sign In…', run: () => vscode.commands.executeCommand(Commands.signIn) }] : [REFRESH_STEP];
    throw new CommandError(`${problem.message} ${problem.fix}`, steps);
  }
  ctx.log.info(`Removed the role assignment ${assignmentId} (${row.label} of ${principal})${result.removed ? '' : ': Azure no longer had it'}`);
  void vscode.window.showInformationMessage(`Removed "${row.label}" of ${principal} at ${scope.split('/').pop() ?? scope}.`);
  await ctx.access.refresh('a role assignment was removed');
}
