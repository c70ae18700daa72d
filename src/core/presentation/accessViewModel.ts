// An AccessSnapshot as a person sees it: the Access view's rows, the message above them and the view's description.
// Switches over the phase exhaustively; a report appears either current, or while it is being refreshed, or marked
// stale after a failed load, never silently in place of a failure.
import * as l10n from '@vscode/l10n';
import type { AccessProblem } from '../access/types';
import { accessRows, actionLink, problemAction, problemRow, type AccessAction, type AccessRowModel } from './accessRows';
import type { AccessSnapshot, FailedAccess, NoSourceAccess } from './accessSnapshot';
import { displayName, markdownText } from './chainRows';
import { assertNever, formatClock } from './snapshot';
import { viewDescription } from './snapshotView';

export interface AccessViewModel {
  /** Empty: the view's welcome content. */
  readonly rows: readonly AccessRowModel[];
  /** The TreeView message: Azure's throttling while a load waits. */
  readonly message: string | undefined;
  /** Next to the title: the workspace folder, when there is more than one, and "Refreshing…" while a refresh runs. */
  readonly description: string | undefined;
  /** A load runs: the view shows its progress bar. */
  readonly busy: boolean;
}

export function accessViewModel(snapshot: AccessSnapshot, now = Date.now()): AccessViewModel {
  const description = viewDescription(snapshot.scope);
  switch (snapshot.phase) {
    case 'idle':
      return { rows: [], message: undefined, description, busy: false };
    case 'no-source':
      return { rows: noSourceRows(snapshot), message: undefined, description, busy: false };
    case 'loading': {
      const { subject, previous } = snapshot;
      // A refresh keeps the rows exactly where they are: a row put above them would move every row under the
      // pointer, and a click or right-click meant for one row would land on its neighbour. The view's progress bar
      // and its title say that a refresh runs.
      if (previous) {
        const refreshing = l10n.t('Refreshing…');
        return {
          rows: accessRows(previous.report, previous.cloud, now), message: snapshot.throttled,
          description: description ? l10n.t('{0} · {1}', description, refreshing) : refreshing, busy: true,
        };
      }
      const status: AccessRowModel = {
        id: 'status|loading', kind: 'status', label: l10n.t('Loading the access of {0}…', subject.who), description: displayName(subject.source),
        icon: 'loading~spin', tooltip: l10n.t('Asking Azure Resource Manager and Microsoft Graph what {0} may do, with a token from {1}.', markdownText(subject.who), markdownText(displayName(subject.source))),
        flags: [], children: [],
      };
      return { rows: [status], message: snapshot.throttled, description, busy: true };
    }
    case 'ready':
      return { rows: accessRows(snapshot.access.report, snapshot.access.cloud, now), message: undefined, description, busy: false };
    case 'failed':
      return { rows: failedRows(snapshot, now), message: undefined, description, busy: false };
    default:
      return assertNever(snapshot);
  }
}

function signInTooltip(): string {
  return l10n.t('Sign in with a developer tool ({0}, {1}, {2}): the Credential Chain view picks the new sign-in up by itself, and this view follows.', '`az login`', '`azd auth login`', '`Connect-AzAccount`');
}

function noSourceRows(snapshot: NoSourceAccess): AccessRowModel[] {
  const why = snapshot.why;
  let label: string;
  let icon: string;
  let detail: string;
  let action: AccessAction;
  switch (why.kind) {
    case 'chainFails':
      label = l10n.t('No token: {0}', why.headline);
      icon = 'error';
      detail = l10n.t('DefaultAzureCredential gets no token here, so there is no identity whose roles could be shown.');
      action = 'signIn';
      break;
    case 'notChecked':
      label = why.headline;
      icon = 'shield';
      detail = l10n.t('The source that decides would send a secret to a host nobody allowed, so who your code signs in as is unknown. Check with that host in the Credential Chain view if you trust it, or sign in with a developer tool.');
      action = 'showChain';
      break;
    case 'checkFailed':
      label = l10n.t('The credential chain could not be checked: {0}', why.reason);
      icon = 'warning';
      detail = l10n.t('Without a check there is no identity whose roles could be shown. The Credential Chain view says what failed.');
      action = 'showChain';
      break;
    default:
      return assertNever(why);
  }
  const tooltip = `**${markdownText(label)}**\n\n${detail}`;
  return [
    { id: 'status|no-source', kind: 'status', label, description: '', icon, color: icon === 'error' ? 'errorForeground' : 'problemsWarningIcon.foreground', tooltip, flags: [action], links: [actionLink(action)], children: [] },
    { id: 'status|sign-in', kind: 'status', label: l10n.t('Sign In…'), description: l10n.t('{0}, {1} or {2}', 'az login', 'azd auth login', 'Connect-AzAccount'), icon: 'sign-in', tooltip: signInTooltip(), flags: ['signIn'], children: [], click: 'signIn' },
  ];
}

/** The failure as a problem with its fix. */
export function failureProblem(snapshot: FailedAccess): { problem: AccessProblem; action: AccessAction } {
  const failure = snapshot.failure;
  switch (failure.kind) {
    case 'problem': return { problem: failure.problem, action: problemAction(failure.problem) };
    case 'cloudSetting':
      return {
        problem: {
          kind: 'failed', message: l10n.t('The setting azureDevAuth.cloud is not usable: {0}', failure.message),
          fix: l10n.t('Set azureDevAuth.cloud to AzureCloud, AzureChinaCloud, AzureUSGovernment or custom endpoints (or clear it).'),
        },
        action: 'openSettings',
      };
    default: return assertNever(failure);
  }
}

function failedRows(snapshot: FailedAccess, now: number): AccessRowModel[] {
  const { problem, action } = failureProblem(snapshot);
  const stale = snapshot.stale;
  const base = problemRow('status|failed', problem);
  const clock = stale ? formatClock(stale.loadedAt) : '';
  const headline: AccessRowModel = {
    ...base,
    label: stale ? l10n.t('Loading access failed: {0} — showing the result from {1}', base.label, clock) : base.label,
    icon: 'warning',
    tooltip: `**${l10n.t('Loading the access of {0} failed at {1}.', markdownText(snapshot.subject.who), formatClock(snapshot.failedAt))}**\n\n${base.tooltip}`
      + (stale ? `\n\n${l10n.t('The rows below are **stale**: they show the result from {0}, which may no longer be true.', clock)}` : ''),
    flags: [action],
    links: [actionLink(action), ...(action === 'refresh' ? [] : [actionLink('refresh')]), actionLink('showLog')],
    children: base.children.map((fix) => ({ ...fix, flags: [action], links: [actionLink(action)], ...(action === 'refresh' ? {} : { click: action }) })),
  };
  return stale ? [headline, ...markStale(accessRows(stale.report, stale.cloud, now), clock, true)] : [headline];
}

/** Stale rows say so at the top level, and offer nothing that would act on what may no longer exist. */
function markStale(rows: readonly AccessRowModel[], clock: string, top: boolean): AccessRowModel[] {
  return rows.map((row) => ({
    ...row,
    description: top ? `${row.description ? `${row.description} ` : ''}(${l10n.t('stale: from {0}', clock)})` : row.description,
    flags: [...row.flags.filter((f) => f !== 'canRemove'), 'stale'],
    children: markStale(row.children, clock, false),
  }));
}
