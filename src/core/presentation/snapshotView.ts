// A ChainSnapshot as a person sees it: the rows of the Credential Chain view and the status-bar entry. Every
// renderer switches over the snapshot's phase exhaustively, so a failed check is always shown as failed, and an
// older report appears only marked as stale ("(stale: from 14:02)"). Pure: the extension turns these models into
// TreeItems and a StatusBarItem, and maps the actions to its commands.
import type { ChainReport, CredentialName, RulesProvenance, SourceStatus } from '../chain/types';
import type { ToolDisagreement } from '../chain/disagreement';
import type { Track1Package } from '../python/detect';
import { remoteSourceExplanation, type RemoteContext } from '../remote';
import { disagreementDescription, disagreementLabel, disagreementTooltip } from './disagreementRow';
import {
  describeSource, displayName, firstLine, formatExpiry, fullIdentity, markdownText, shortIdentity, verdictHeadline,
} from './chainRows';
import {
  activeSource, assertNever, failureReason, formatClock,
  type ChainSnapshot, type CompletedCheck, type FailedSnapshot, type InterpreterChoice, type PythonFacts, type SnapshotScope,
} from './snapshot';

/** Something a row or tooltip offers; the extension maps each to a command. */
export type RowAction =
  | { readonly kind: 'checkWithHost'; readonly credential: CredentialName; readonly host: string }
  | { readonly kind: 'runWorkspaceProgram'; readonly credential: CredentialName; readonly program: string }
  | { readonly kind: 'switchInterpreter' }
  | { readonly kind: 'installAzureIdentity' }
  | { readonly kind: 'manageTrust' }
  | { readonly kind: 'refresh' }
  | { readonly kind: 'showLog' }
  | { readonly kind: 'moveAuthFile' }
  | { readonly kind: 'verify' }
  | { readonly kind: 'resolveDisagreement' };

export interface RowLink {
  readonly title: string;
  readonly action: RowAction;
}

export interface RowModel {
  readonly label: string;
  readonly description: string;
  /** Codicon id, and a theme colour id when the state deserves one. */
  readonly icon: string;
  readonly color: string | undefined;
  /** Markdown; every value from outside is escaped. Links come separately (`links`). */
  readonly tooltip: string;
  /** Offered at the end of the tooltip as command links. */
  readonly links: readonly RowLink[];
  /** `;`-separated flags for menus (`viewItem =~ /;canSignIn/`). */
  readonly contextValue: string;
  /** What a click on the row does, if anything. */
  readonly click: RowAction | undefined;
}

export type ViewRow =
  | { readonly kind: 'restricted'; readonly model: RowModel }
  | { readonly kind: 'python'; readonly model: RowModel }
  | { readonly kind: 'headline'; readonly model: RowModel }
  | { readonly kind: 'note'; readonly model: RowModel }
  | { readonly kind: 'verification'; readonly model: RowModel }
  | { readonly kind: 'disagreement'; readonly model: RowModel }
  | { readonly kind: 'source'; readonly credential: CredentialName; readonly model: RowModel };

export interface ViewOptions {
  /** Sources the extension can sign in with from a row (a terminal sign-in). */
  readonly signInSources: ReadonlySet<string>;
  readonly now?: number;
  /** Where the code runs when not on the developer's machine: the VS Code and broker rows say what that means. */
  readonly remote?: RemoteContext;
}

const SOURCE_LABEL: Record<PythonFacts['interpreter']['source'], string> = {
  setting: 'the azureDevAuth.pythonPath setting',
  'python-extension': 'the Python extension',
  path: '`python3` on PATH',
};

/** The rows of the Credential Chain view; empty (the welcome content) before the first check. */
export function chainViewRows(snapshot: ChainSnapshot, options: ViewOptions): ViewRow[] {
  if (snapshot.phase === 'idle') return [];
  const rows: ViewRow[] = [];
  if (!snapshot.scope.trusted) rows.push({ kind: 'restricted', model: restrictedRow(snapshot) });
  rows.push({ kind: 'python', model: pythonRow(snapshot) });
  if (snapshot.phase === 'ready' && snapshot.check.verified) rows.push({ kind: 'verification', model: verificationRow(snapshot.check.verified) });
  const headline = headlineRow(snapshot, options.now ?? Date.now());
  if (headline) rows.push({ kind: 'headline', model: headline });
  if (snapshot.phase === 'ready' && snapshot.check.report.disagreement) {
    rows.push({ kind: 'disagreement', model: disagreementRow(snapshot.check.report.disagreement, snapshot.check.report.azureIdentityVersion) });
  }
  rows.push(...noteRows(snapshot));
  rows.push(...sourceRows(snapshot, options));
  return rows;
}

/** Tools signed in as different users or tenants: who wins, who the others are; a click offers the fixes. */
function disagreementRow(disagreement: ToolDisagreement, version: string): RowModel {
  return {
    label: disagreementLabel(disagreement),
    description: disagreementDescription(disagreement),
    icon: 'warning',
    color: 'problemsWarningIcon.foreground',
    tooltip: disagreementTooltip(disagreement, version),
    links: [{ title: 'Resolve…', action: { kind: 'resolveDisagreement' } }],
    contextValue: 'disagreement',
    click: { kind: 'resolveDisagreement' },
  };
}

/** What the real library said when the developer ran Verify with Python on this check. */
function verificationRow(verified: NonNullable<CompletedCheck['verified']>): RowModel {
  const v = verified.verification;
  const what = v.verdict.outcome === 'token' && v.verdict.credential ? `gets its token from ${displayName(v.verdict.credential)}` : 'fails';
  const lines = [
    `**Verify with Python** at ${formatClock(verified.at)}: the real DefaultAzureCredential in ${markdownText(v.python)} (azure-identity ${markdownText(v.azureIdentityVersion)}) ${what}.`,
    v.agrees ? 'That is what this view predicts.' : 'That is not what this view predicts:',
    ...v.differences.map((d) => `- ${markdownText(d)}`),
  ];
  return {
    label: v.agrees ? 'Python agrees' : 'Python disagrees',
    description: `verified at ${formatClock(verified.at)}`,
    icon: v.agrees ? 'beaker' : 'warning',
    color: v.agrees ? undefined : 'problemsWarningIcon.foreground',
    tooltip: lines.join('\n\n'),
    links: [{ title: 'Show Log', action: { kind: 'showLog' } }],
    contextValue: `verification;${v.agrees ? 'agrees' : 'disagrees'}`,
    click: undefined,
  };
}

/** The report's remarks (keywords a version ignores, AZURE_AUTH_LOCATION), one row each, below the headline. */
function noteRows(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): ViewRow[] {
  const report = snapshot.phase === 'ready' ? snapshot.check.report : snapshot.phase === 'failed' ? snapshot.stale?.report : undefined;
  return (report?.notes ?? []).map((note): ViewRow => {
    const authFile = note.startsWith('AZURE_AUTH_LOCATION');
    return {
      kind: 'note',
      model: {
        label: authFile ? 'AZURE_AUTH_LOCATION is set' : firstLine(note),
        description: authFile ? 'DefaultAzureCredential ignores it' : '',
        icon: 'info',
        color: undefined,
        tooltip: markdownText(note),
        links: authFile ? [{ title: 'Move Its Values into .env…', action: { kind: 'moveAuthFile' } }] : [],
        contextValue: authFile ? 'note;authFile' : 'note',
        click: undefined,
      },
    };
  });
}

/** The view's description: the folder it describes, when there is more than one to choose from. */
export function viewDescription(scope: SnapshotScope): string | undefined {
  if (!scope.multiRoot || !scope.folder) return undefined;
  return scope.folder.choice === 'chosen' ? `${scope.folder.name} (chosen)` : scope.folder.name;
}

function restrictedRow(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): RowModel {
  const version = snapshot.phase === 'ready' ? snapshot.check.report.azureIdentityVersion : 'newest';
  return {
    label: 'Restricted Mode: limited check',
    description: '.env not read, interpreter not run',
    icon: 'shield',
    color: 'problemsWarningIcon.foreground',
    tooltip: 'This workspace is not trusted, so Azure Dev Auth neither reads its `.env` file nor runs its Python interpreter. '
      + `The chain below uses the process environment and assumes azure-identity ${markdownText(version)}.\n\n`
      + 'Trust the workspace to see exactly what your code will do.',
    links: [],
    contextValue: 'restricted',
    click: { kind: 'manageTrust' },
  };
}

/** The interpreter a snapshot is about (the one being asked, the one that failed, or the one of the report). */
function interpreterOf(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): InterpreterChoice | undefined {
  switch (snapshot.phase) {
    case 'probing': return snapshot.python?.interpreter ?? snapshot.interpreter;
    case 'ready': return snapshot.check.python.interpreter;
    case 'failed': return snapshot.python?.interpreter ?? snapshot.interpreter ?? snapshot.stale?.python.interpreter;
    default: return assertNever(snapshot);
  }
}

/** The Python row's state: the interpreter's answer, or why there is none. */
export type PythonRowState =
  | 'untrusted' | 'checking' | 'missing' | 'cannotRun' | 'timedOut' | 'notInstalled' | 'installed' | 'notChecked';

export function pythonRowState(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): PythonRowState {
  if (!snapshot.scope.trusted) return 'untrusted';
  const facts = snapshot.phase === 'ready' ? snapshot.check.python : snapshot.python;
  if (facts) {
    switch (facts.kind) {
      case 'untrusted': return 'untrusted';
      case 'unusable': return facts.reason;
      case 'answered': return facts.azureIdentityVersion ? 'installed' : 'notInstalled';
      default: return assertNever(facts);
    }
  }
  if (snapshot.phase === 'probing') return 'checking';
  if (snapshot.phase === 'failed' && snapshot.failure.kind === 'timeout' && snapshot.failure.during === 'interpreter') return 'timedOut';
  return 'notChecked';
}

function pythonRow(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): RowModel {
  const interpreter = interpreterOf(snapshot);
  const path = interpreter?.path ?? 'python3';
  const state = pythonRowState(snapshot);
  const facts = snapshot.phase === 'ready' ? snapshot.check.python : snapshot.python;
  const lines: string[] = [
    `**Interpreter:** ${markdownText(path)}${interpreter ? ` (from ${SOURCE_LABEL[interpreter.source]})` : ''}`,
  ];
  if (snapshot.scope.multiRoot && snapshot.scope.folder) lines.push(`**Workspace folder:** ${markdownText(snapshot.scope.folder.name)}`);
  const links: RowLink[] = [];
  let description: string;
  let icon: string;
  let color: string | undefined;
  switch (state) {
    case 'untrusted':
      description = 'not run (untrusted workspace)';
      icon = 'circle-slash';
      color = undefined;
      break;
    case 'checking':
      description = 'checking…';
      icon = 'loading~spin';
      color = undefined;
      break;
    case 'missing':
    case 'cannotRun': {
      description = state === 'missing' ? 'not found' : 'cannot be run';
      icon = 'error';
      color = 'errorForeground';
      const message = facts?.kind === 'unusable' ? facts.message : '';
      lines.push(`${state === 'missing' ? 'This interpreter does not exist (any more)' : 'This interpreter cannot be run'}: ${markdownText(message)}`,
        'Your code cannot run with it either. Choose another interpreter, or recreate this one.');
      links.push({ title: 'Switch Interpreter', action: { kind: 'switchInterpreter' } });
      break;
    }
    case 'timedOut':
      description = snapshot.phase === 'failed' && snapshot.failure.kind === 'timeout'
        ? `did not answer within ${snapshot.failure.seconds} s` : 'did not answer';
      icon = 'warning';
      color = 'problemsWarningIcon.foreground';
      lines.push('The interpreter did not say which azure-identity it has before the check ran out of time.');
      links.push({ title: 'Switch Interpreter', action: { kind: 'switchInterpreter' } });
      break;
    case 'notInstalled':
      description = 'azure-identity is not installed';
      icon = 'warning';
      color = 'problemsWarningIcon.foreground';
      lines.push('`import azure.identity` fails in this interpreter. Install it to use `DefaultAzureCredential`.');
      links.push({ title: 'Install azure-identity', action: { kind: 'installAzureIdentity' } });
      break;
    case 'installed': {
      const answered = facts?.kind === 'answered' ? facts : undefined;
      description = `azure-identity ${answered?.azureIdentityVersion ?? ''}${answered?.brokerInstalled ? ' + broker' : ''}`;
      icon = 'symbol-namespace';
      color = undefined;
      const track1 = answered?.track1Packages ?? [];
      if (track1.length) {
        description += ` · ${track1.length === 1 ? 'a track-1 library' : `${track1.length} track-1 libraries`}`;
        icon = 'warning';
        color = 'problemsWarningIcon.foreground';
        lines.push(...track1Lines(path, track1));
      }
      break;
    }
    case 'notChecked':
      description = 'not checked';
      icon = 'circle-slash';
      color = undefined;
      lines.push('The last check failed before the interpreter was asked.');
      break;
    default:
      return assertNever(state);
  }
  if (snapshot.phase === 'ready') {
    const report = snapshot.check.report;
    lines.push(`The chain below follows azure-identity **${markdownText(report.azureIdentityVersion)}**${report.versionSource === 'default' ? ' (the newest known, because the installed version is unknown)' : ''}.`);
    if (report.rules) {
      lines.push(rulesSentence(report.rules));
      // Verification runs the workspace interpreter: offered only where the interpreter answered.
      if (report.rules.verifyAdvised && state === 'installed') {
        description += ' · rules not checked';
        links.push({ title: 'Verify with Python', action: { kind: 'verify' } });
      }
    }
  }
  const problem = state === 'missing' || state === 'cannotRun' || state === 'timedOut';
  return {
    label: pythonRowLabel(path),
    description,
    icon,
    color,
    tooltip: lines.join('\n\n'),
    links,
    contextValue: `python;${problem ? 'problem' : state}`,
    click: undefined,
  };
}

/** The longest interpreter text in the Python row's label: with "Python: " it fits a 300-pixel sidebar. */
const LABEL_PATH_MAX = 22;

/**
 * "Python: /usr/bin/python3", or for a longer path its last folders ("Python: …/.venv/bin/python"), so the label fits
 * the default sidebar; the whole path is in the tooltip and the azure-identity version leads the description.
 */
export function pythonRowLabel(path: string): string {
  if ([...path].length <= LABEL_PATH_MAX) return `Python: ${path}`;
  const separator = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  const parts = path.split(separator).filter((p) => p !== '');
  let tail = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const next = tail ? `${parts[i]}${separator}${tail}` : parts[i]!;
    if ([...next].length + 2 > LABEL_PATH_MAX) break;
    tail = next;
  }
  // Even the file name alone is too long: its end, which says which python it is.
  if (!tail) tail = [...(parts.at(-1) ?? path)].slice(-(LABEL_PATH_MAX - 2)).join('');
  return `Python: …${separator}${tail}`;
}

/** "azure-identity 1.27.0: rules … — Verify with Python", and the versions the engine is checked against. */
export function rulesSentence(rules: RulesProvenance): string {
  const checked = rules.checkedVersions.map((v) => markdownText(v));
  const list = checked.length > 1 ? `${checked.slice(0, -1).join(', ')} and ${checked[checked.length - 1]}` : checked.join('');
  const summary = markdownText(rules.summary);
  return `${rules.verifyAdvised ? `**${summary} — Verify with Python**` : `${summary}.`} `
    + `Predictions are checked against the real azure-identity ${list}.`;
}

/**
 * Track-1 azure-mgmt-* libraries: their clients sign requests with credentials.signed_session(), which no
 * azure-identity credential has, so they fail with DefaultAzureCredential whatever the chain finds.
 */
export function track1Lines(python: string, packages: readonly Track1Package[]): string[] {
  const names = packages.map((p) => `${markdownText(p.name)} ${markdownText(p.version)}`).join(', ');
  return [
    `**Track-1 Azure libraries:** ${names}. These are built on msrest, without azure-core: their clients fail with `
      + "`DefaultAzureCredential` (`AttributeError: 'DefaultAzureCredential' object has no attribute 'signed_session'`), "
      + 'whatever source the chain below finds. Upgrade them to a current release:',
    codeBlock(track1UpgradeCommand(python, packages)),
  ];
}

/** A POSIX shell word: as is when it is plainly safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The pip command that upgrades the track-1 libraries, one line for a POSIX shell (each word quoted as needed). */
export function track1UpgradeCommand(python: string, packages: readonly Track1Package[]): string {
  return [python, '-m', 'pip', 'install', '--upgrade', ...packages.map((p) => p.name)].map(shellWord).join(' ');
}

/** A fenced code block that no backtick run in the text can close early (an interpreter path is anyone's text). */
function codeBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fenceMark = '`'.repeat(Math.max(3, longest + 1));
  return [`${fenceMark}sh`, text, fenceMark].join('\n');
}

function headlineRow(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>, now: number): RowModel | undefined {
  switch (snapshot.phase) {
    case 'probing': return undefined;
    case 'ready': {
      const report = snapshot.check.report;
      if (report.verdict.outcome === 'token') return undefined;
      const notChecked = report.verdict.outcome === 'not-checked';
      return {
        label: verdictHeadline(report.verdict, report.sources),
        description: '',
        icon: notChecked ? 'shield' : 'error',
        color: notChecked ? 'problemsWarningIcon.foreground' : 'errorForeground',
        tooltip: ['**What your Python code gets**', '', fence(report.verdict.message)].join('\n'),
        links: [],
        contextValue: notChecked ? 'headline;notChecked' : 'headline',
        click: undefined,
      };
    }
    case 'failed': return failedHeadline(snapshot, now);
    default: return assertNever(snapshot);
  }
}

/** "The last check failed: … — showing the result from 14:02", or without an older result to show. */
export function failedHeadlineText(snapshot: FailedSnapshot): string {
  const reason = failureReason(snapshot.failure);
  return snapshot.stale
    ? `The last check failed: ${reason} — showing the result from ${formatClock(snapshot.stale.checkedAt)}`
    : `The check failed: ${reason}`;
}

function failedHeadline(snapshot: FailedSnapshot, now: number): RowModel {
  const lines = [`**The check at ${formatClock(snapshot.failedAt)} failed:** ${markdownText(failureReason(snapshot.failure))}.`, ''];
  if (snapshot.failure.kind === 'timeout') {
    lines.push(`A check that takes longer than ${snapshot.failure.seconds} s is stopped (setting \`azureDevAuth.checkTimeout\`). `
      + 'A tool or the interpreter that hangs would hang your code as well.', '');
  }
  if (snapshot.stale) {
    lines.push(`The rows below are **stale**: they show the check from ${formatClock(snapshot.stale.checkedAt)}`
      + ` (${minutesAgo(snapshot.stale.checkedAt, now)}), which may no longer be what your code gets.`);
  } else {
    lines.push('There is no earlier result to show.');
  }
  const links: RowLink[] = [{ title: 'Retry', action: { kind: 'refresh' } }];
  if (snapshot.failure.kind === 'interpreter' || (snapshot.failure.kind === 'timeout' && snapshot.failure.during === 'interpreter')) {
    links.push({ title: 'Switch Interpreter', action: { kind: 'switchInterpreter' } });
  }
  links.push({ title: 'Show Log', action: { kind: 'showLog' } });
  return {
    label: failedHeadlineText(snapshot),
    description: '',
    icon: 'warning',
    color: 'problemsWarningIcon.foreground',
    tooltip: lines.join('\n'),
    links,
    contextValue: `headline;failed;${snapshot.failure.kind}`,
    click: undefined,
  };
}

/** What a source's own probe found, while the chain's verdict is still being worked out. */
const FINISHED_PROBE: Readonly<Record<SourceStatus, { description: string; icon: string }>> = {
  succeeded: { description: 'checked: token found', icon: 'pass' },
  unavailable: { description: 'checked: unavailable', icon: 'circle-slash' },
  failed: { description: 'checked: error', icon: 'error' },
  excluded: { description: 'excluded', icon: 'remove' },
  'not-checked': { description: 'not checked', icon: 'shield' },
};

function sourceRows(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>, options: ViewOptions): ViewRow[] {
  const now = options.now ?? Date.now();
  switch (snapshot.phase) {
    case 'probing':
      return snapshot.order.map((credential) => {
        const finished = snapshot.finished.get(credential);
        const look = finished ? FINISHED_PROBE[finished] : { description: 'checking…', icon: 'loading~spin' };
        return {
          kind: 'source' as const,
          credential,
          model: {
            label: displayName(credential),
            description: look.description,
            icon: look.icon,
            color: undefined,
            tooltip: `**${markdownText(displayName(credential))}** (\`${credential}\`) — ${finished ? 'checked; the chain\'s verdict follows when every source has answered' : 'being checked'}`,
            links: [],
            contextValue: `source;${credential};probing`,
            click: undefined,
          },
        };
      });
    case 'ready':
      return reportRows(snapshot.check, undefined, options, now);
    case 'failed':
      return snapshot.stale ? reportRows(snapshot.stale, snapshot, options, now) : [];
    default:
      return assertNever(snapshot);
  }
}

function reportRows(check: CompletedCheck, failed: FailedSnapshot | undefined, options: ViewOptions, now: number): ViewRow[] {
  return check.report.sources.map((source) => {
    const model = describeSource(source, false, now);
    const flags = ['source', source.credential, model.state];
    if (options.signInSources.has(source.credential)) flags.push('canSignIn');
    if (model.state !== 'excluded') flags.push('canExclude');
    flags.push('canPin');
    const links: RowLink[] = [];
    let description = model.description;
    let tooltip = model.tooltip;
    if (failed) {
      const at = formatClock(check.checkedAt);
      flags.push('stale');
      description = `${description} (stale: from ${at})`;
      tooltip = `**Stale:** from the check at ${at}; the check at ${formatClock(failed.failedAt)} failed `
        + `(${markdownText(failureReason(failed.failure))}).\n\n---\n\n${tooltip}`;
    } else if (source.status !== 'succeeded' && remoteSourceExplanation(options.remote, source.credential)) {
      flags.push('remote');
      description = `${description} (in ${options.remote!.label})`;
      tooltip = `**${markdownText(options.remote!.label)}:** ${markdownText(remoteSourceExplanation(options.remote, source.credential)!)}\n\n---\n\n${tooltip}`;
    } else if (model.state === 'notChecked' && source.unverifiedProgram) {
      flags.push('canRunProgram');
      links.push({ title: `Run ${source.unverifiedProgram}`, action: { kind: 'runWorkspaceProgram', credential: source.credential, program: source.unverifiedProgram } });
    } else if (model.state === 'notChecked' && source.unverifiedHost) {
      flags.push('canCheckHost');
      links.push({ title: `Check with ${source.unverifiedHost}`, action: { kind: 'checkWithHost', credential: source.credential, host: source.unverifiedHost } });
    }
    return {
      kind: 'source' as const,
      credential: source.credential,
      model: {
        label: model.label,
        description,
        icon: model.icon,
        color: failed ? 'disabledForeground' : model.color,
        tooltip,
        links,
        contextValue: flags.join(';'),
        click: undefined,
      },
    };
  });
}

// ---------- status bar ----------

export interface StatusBarModel {
  /** With `$(icon)` syntax. */
  readonly text: string;
  /** A degraded state: the status bar's warning background. */
  readonly warning: boolean;
  /** Markdown with theme icons; values escaped. */
  readonly tooltip: string;
}

function activeText(report: ChainReport): string | undefined {
  const active = activeSource(report);
  return active ? `${shortIdentity(active.identity) ?? 'signed in'} · ${displayName(active.credential)}` : undefined;
}

/** One sentence on what a report says, for tooltips that mention an older result. */
function reportSummary(report: ChainReport): string {
  const active = activeSource(report);
  if (active) return `Python signed in as ${markdownText(fullIdentity(active.identity) ?? 'unknown')} through ${displayName(active.credential)}`;
  return markdownText(verdictHeadline(report.verdict, report.sources));
}

export function statusBarModel(snapshot: ChainSnapshot, now = Date.now()): StatusBarModel {
  const lines: string[] = [];
  let text: string;
  let warning = false;
  switch (snapshot.phase) {
    case 'idle':
      return {
        text: '$(azure) Azure Dev Auth',
        warning: false,
        tooltip: 'Azure Dev Auth: the credential chain has not been checked yet.\n\nClick for actions.',
      };
    case 'probing': {
      const previous = snapshot.previous;
      const was = previous ? activeText(previous.report) : undefined;
      text = `$(loading~spin) ${was ?? 'Azure Dev Auth'}`;
      lines.push('$(loading~spin) Checking the credential chain…', '');
      if (previous) lines.push(`Last result (${formatClock(previous.checkedAt)}): ${reportSummary(previous.report)}.`, '');
      break;
    }
    case 'ready': {
      const report = snapshot.check.report;
      const active = activeSource(report);
      if (active) {
        text = `$(azure) ${activeText(report)}`;
        lines.push(`**DefaultAzureCredential** signs in as **${markdownText(fullIdentity(active.identity) ?? 'unknown')}** through **${displayName(active.credential)}**`, '');
        if (active.identity?.tenantId) lines.push(`- Tenant: ${markdownText(active.identity.tenantId)}`);
        if (active.expiresOn) lines.push(`- Token expires: ${markdownText(formatExpiry(active.expiresOn, now))}`);
      } else if (report.verdict.outcome === 'not-checked') {
        const where = report.verdict.credential ? displayName(report.verdict.credential) : 'a source';
        text = `$(shield) Azure: ${where} not checked`;
        lines.push(`**Not checked:** ${markdownText(verdictHeadline(report.verdict, report.sources))}.`, '',
          'Open the chain to check with that host, if you trust it.', '');
      } else {
        const where = report.verdict.credential ? `${displayName(report.verdict.credential)} fails` : 'no credential';
        text = `$(warning) Azure: ${where}`;
        warning = true;
        lines.push(`**DefaultAzureCredential fails**${report.verdict.credential ? ` at ${displayName(report.verdict.credential)}` : ''}:`, '');
        lines.push(markdownText(firstLine(report.verdict.message).slice(0, 300)), '');
      }
      lines.push(`- Checked at ${formatClock(snapshot.check.checkedAt)}`);
      break;
    }
    case 'failed': {
      warning = true;
      text = `$(warning) Azure: ${failedStatusText(snapshot)}`;
      lines.push(`**The last check failed:** ${markdownText(failureReason(snapshot.failure))}.`, '');
      if (snapshot.stale) {
        lines.push(`Stale result from ${formatClock(snapshot.stale.checkedAt)} (${minutesAgo(snapshot.stale.checkedAt, now)}): `
          + `${reportSummary(snapshot.stale.report)}. It may no longer be what your code gets.`, '');
      }
      break;
    }
    default:
      return assertNever(snapshot);
  }
  const scope = snapshot.scope;
  if (scope.multiRoot && scope.folder) lines.push(`- Workspace folder: ${markdownText(scope.folder.name)}`);
  const interpreter = interpreterOf(snapshot);
  if (interpreter) lines.push(`- Interpreter: ${markdownText(interpreter.path)}`);
  if (snapshot.phase === 'ready') {
    const report = snapshot.check.report;
    lines.push(`- azure-identity: ${markdownText(report.azureIdentityVersion)}${report.versionSource === 'default' ? ' (assumed: newest)' : ''}`
      + `${report.rules?.verifyAdvised ? ' — rules not checked against it here' : ''}`);
  }
  if (!scope.trusted) lines.push('- Restricted Mode: `.env` not read, interpreter not run');
  lines.push('', 'Click for actions.');
  return { text, warning, tooltip: lines.join('\n') };
}

/** "interpreter not found", "check timed out": short enough for the status bar. */
export function failedStatusText(snapshot: FailedSnapshot): string {
  const failure = snapshot.failure;
  switch (failure.kind) {
    case 'interpreter':
      return snapshot.python?.kind === 'unusable' && snapshot.python.reason === 'cannotRun' ? 'interpreter cannot run' : 'interpreter not found';
    case 'timeout': return failure.during === 'interpreter' ? 'interpreter timed out' : 'check timed out';
    case 'engine': return 'check failed';
    default: return assertNever(failure);
  }
}

function minutesAgo(epochMs: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - epochMs) / 60_000));
  return minutes === 0 ? 'less than a minute ago' : minutes === 1 ? '1 min ago' : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

function fence(text: string): string {
  return ['```text', text.replace(/```/g, "'''"), '```'].join('\n');
}

// ---------- verification offer ----------

/**
 * The notification the first check of an azure-identity version whose rules were not checked here deserves: the
 * same sentence as the Python row, with Verify with Python as its button. Only for a trusted workspace whose
 * interpreter answered (verification runs that interpreter), and once per version (`offered` lists those already
 * offered).
 */
export function verificationOffer(snapshot: ChainSnapshot, offered: readonly string[]): { readonly version: string; readonly message: string } | undefined {
  if (snapshot.phase !== 'ready' || !snapshot.scope.trusted) return undefined;
  const { report, python } = snapshot.check;
  if (python.kind !== 'answered' || !python.azureIdentityVersion || report.versionSource !== 'python') return undefined;
  if (!report.rules?.verifyAdvised || offered.includes(report.azureIdentityVersion)) return undefined;
  return { version: report.azureIdentityVersion, message: `${report.rules.summary} — Verify with Python` };
}
