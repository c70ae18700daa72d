// A ChainSnapshot as a person sees it: the rows of the Credential Chain view and the status-bar entry. Every
// renderer switches over the snapshot's phase exhaustively, so a failed check is always shown as failed, and an
// older report appears only marked as stale ("(stale: from 14:02)"). Pure: the extension turns these models into
// TreeItems and a StatusBarItem, and maps the actions to its commands.
import * as l10n from '@vscode/l10n';
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
  type ChainedCallScope, type ChainSnapshot, type CompletedCheck, type FailedSnapshot, type InterpreterChoice, type PythonFacts, type SnapshotScope,
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
  /** The code's ChainedTokenCredential(...) call the rows below model. */
  | { readonly kind: 'call'; readonly model: RowModel }
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

function sourceLabel(source: PythonFacts['interpreter']['source']): string {
  switch (source) {
    case 'setting': return l10n.t('the azureDevAuth.pythonPath setting');
    case 'python-extension': return l10n.t('the Python extension');
    case 'path': return l10n.t('`python3` on PATH');
  }
}

/** The rows of the Credential Chain view; empty (the welcome content) before the first check. */
export function chainViewRows(snapshot: ChainSnapshot, options: ViewOptions): ViewRow[] {
  if (snapshot.phase === 'idle') return [];
  const rows: ViewRow[] = [];
  if (!snapshot.scope.trusted) rows.push({ kind: 'restricted', model: restrictedRow(snapshot) });
  rows.push({ kind: 'python', model: pythonRow(snapshot) });
  const chained = chainedScopeOf(snapshot);
  if (chained) rows.push({ kind: 'call', model: chainedCallRow(chained) });
  if (snapshot.phase === 'ready' && snapshot.check.verified) rows.push({ kind: 'verification', model: verificationRow(snapshot.check.verified, snapshot.check.chained) });
  const headline = headlineRow(snapshot, options.now ?? Date.now());
  if (headline) rows.push({ kind: 'headline', model: headline });
  if (snapshot.phase === 'ready' && snapshot.check.report.disagreement) {
    rows.push({ kind: 'disagreement', model: disagreementRow(snapshot.check.report.disagreement, snapshot.check.report.azureIdentityVersion) });
  }
  rows.push(...noteRows(snapshot));
  if (chained?.ignoredSettings.length) rows.push({ kind: 'note', model: ignoredSettingsRow(chained) });
  rows.push(...sourceRows(snapshot, options));
  return rows;
}

/** The ChainedTokenCredential(...) call a snapshot models (the stale check's, after a failure); undefined for DefaultAzureCredential. */
export function chainedScopeOf(snapshot: ChainSnapshot): ChainedCallScope | undefined {
  switch (snapshot.phase) {
    case 'idle': return undefined;
    case 'probing': return snapshot.chained;
    case 'ready': return snapshot.check.chained;
    case 'failed': return snapshot.stale?.chained;
    default: return assertNever(snapshot);
  }
}

/** "ChainedTokenCredential at app.py:12": which call the rows model, its members in the order written. */
function chainedCallRow(chained: ChainedCallScope): RowModel {
  if (chained.lone) return loneCallRow(chained);
  const members = chained.members.map((member, index) => `${index + 1}. ${markdownText(member)}`);
  return {
    label: l10n.t('ChainedTokenCredential at {0}', chained.where),
    description: chained.members.length === 1 ? l10n.t('1 member, in the order written') : l10n.t('{0} members, in the order written', chained.members.length),
    icon: 'list-ordered',
    color: undefined,
    tooltip: [
      l10n.t('The rows below model the code\'s **ChainedTokenCredential** at {0}: its members run in the order written, each with the rules of that credential on its own (outside DefaultAzureCredential).', markdownText(chained.where)),
      '',
      ...members,
      '',
      l10n.t('The `azureDevAuth.defaultAzureCredential.*` settings (exclude…, processTimeout, requireEnvvar) do not apply: they are DefaultAzureCredential\'s keyword arguments, which a ChainedTokenCredential does not have. `AZURE_TOKEN_CREDENTIALS` is ignored too.'),
    ].join('\n'),
    links: [],
    contextValue: 'call;chained',
    click: undefined,
  };
}

/** "AzureCliCredential(tenant_id=…) at app.py:12": the one credential the code builds on its own, which the rows model. */
function loneCallRow(chained: ChainedCallScope): RowModel {
  const written = chained.members[0] ?? '';
  return {
    label: l10n.t('{0} at {1}', written, chained.where),
    description: l10n.t('built on its own'),
    icon: 'symbol-class',
    color: undefined,
    tooltip: [
      l10n.t('The row below models the code\'s **{0}** at {1}, built on its own: it is the only source, with its own rules (outside DefaultAzureCredential), and what its get_token raises is its own error, not a chain\'s list of attempts.', markdownText(written), markdownText(chained.where)),
      '',
      l10n.t('The `azureDevAuth.defaultAzureCredential.*` settings (exclude…, processTimeout, requireEnvvar) do not apply: they are DefaultAzureCredential\'s keyword arguments. `AZURE_TOKEN_CREDENTIALS` is ignored too.'),
    ].join('\n'),
    links: [],
    contextValue: 'call;lone',
    click: undefined,
  };
}

/** Settings for DefaultAzureCredential that are set while the chain models a ChainedTokenCredential: said, not applied. */
function ignoredSettingsRow(chained: ChainedCallScope): RowModel {
  const names = chained.ignoredSettings.join(', ');
  const keys = chained.ignoredSettings.map((key) => `azureDevAuth.defaultAzureCredential.${key}`).join(', ');
  return {
    label: l10n.t('Settings not applied: {0}', names),
    description: chained.lone ? l10n.t('{0} has no such keywords', credentialClassOf(chained)) : l10n.t('ChainedTokenCredential has no such keywords'),
    icon: 'info',
    color: undefined,
    tooltip: chained.lone
      ? l10n.t('{0} model keyword arguments of DefaultAzureCredential. The code builds {1} on its own at {2}, which has no such keywords: it runs whatever these settings say.', markdownText(keys), markdownText(credentialClassOf(chained)), markdownText(chained.where))
      : l10n.t('{0} model keyword arguments of DefaultAzureCredential. The code builds a ChainedTokenCredential at {1}, which has no such keywords: its members run whatever these settings say.', markdownText(keys), markdownText(chained.where)),
    links: [],
    contextValue: 'note;settingsIgnored',
    click: undefined,
  };
}

/** Tools signed in as different users or tenants: who wins, who the others are; a click offers the fixes. */
function disagreementRow(disagreement: ToolDisagreement, version: string): RowModel {
  return {
    label: disagreementLabel(disagreement),
    description: disagreementDescription(disagreement),
    icon: 'warning',
    color: 'problemsWarningIcon.foreground',
    tooltip: disagreementTooltip(disagreement, version),
    links: [{ title: l10n.t('Resolve…'), action: { kind: 'resolveDisagreement' } }],
    contextValue: 'disagreement',
    click: { kind: 'resolveDisagreement' },
  };
}

/** The class a lone call builds ("AzureCliCredential" of "AzureCliCredential(tenant_id=…)"). */
function credentialClassOf(chained: ChainedCallScope): string {
  return (chained.members[0] ?? '').replace(/\(.*$/s, '');
}

/** What the real library said when the developer ran Verify with Python on this check. */
function verificationRow(verified: NonNullable<CompletedCheck['verified']>, chained: ChainedCallScope | undefined): RowModel {
  const v = verified.verification;
  const what = v.verdict.outcome === 'token' && v.verdict.credential ? l10n.t('gets its token from {0}', displayName(v.verdict.credential)) : l10n.t('fails');
  const lines = [
    chained?.lone
      ? l10n.t('**Verify with Python** at {0}: the real {1}, built on its own in {2} (azure-identity {3}), {4}.', formatClock(verified.at), markdownText(credentialClassOf(chained)), markdownText(v.python), markdownText(v.azureIdentityVersion), what)
      : chained
      ? l10n.t('**Verify with Python** at {0}: the real ChainedTokenCredential, built with these members in {1} (azure-identity {2}), {3}.', formatClock(verified.at), markdownText(v.python), markdownText(v.azureIdentityVersion), what)
      : l10n.t('**Verify with Python** at {0}: the real DefaultAzureCredential in {1} (azure-identity {2}) {3}.', formatClock(verified.at), markdownText(v.python), markdownText(v.azureIdentityVersion), what),
    v.agrees ? l10n.t('That is what this view predicts.') : l10n.t('That is not what this view predicts:'),
    ...v.differences.map((d) => `- ${markdownText(d)}`),
  ];
  return {
    label: v.agrees ? l10n.t('Python agrees') : l10n.t('Python disagrees'),
    description: l10n.t('verified at {0}', formatClock(verified.at)),
    icon: v.agrees ? 'beaker' : 'warning',
    color: v.agrees ? undefined : 'problemsWarningIcon.foreground',
    tooltip: lines.join('\n\n'),
    links: [{ title: l10n.t('Show Log'), action: { kind: 'showLog' } }],
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
        label: authFile ? l10n.t('AZURE_AUTH_LOCATION is set') : firstLine(note),
        description: authFile ? l10n.t('DefaultAzureCredential ignores it') : '',
        icon: 'info',
        color: undefined,
        tooltip: markdownText(note),
        links: authFile ? [{ title: l10n.t('Move Its Values into .env…'), action: { kind: 'moveAuthFile' } }] : [],
        contextValue: authFile ? 'note;authFile' : 'note',
        click: undefined,
      },
    };
  });
}

/** The view's description: the folder it describes, when there is more than one to choose from. */
export function viewDescription(scope: SnapshotScope): string | undefined {
  if (!scope.multiRoot || !scope.folder) return undefined;
  return scope.folder.choice === 'chosen' ? l10n.t('{0} (chosen)', scope.folder.name) : scope.folder.name;
}

function restrictedRow(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>): RowModel {
  const version = snapshot.phase === 'ready' ? snapshot.check.report.azureIdentityVersion : l10n.t('newest');
  return {
    label: l10n.t('Restricted Mode: limited check'),
    description: l10n.t('.env not read, interpreter not run'),
    icon: 'shield',
    color: 'problemsWarningIcon.foreground',
    tooltip: l10n.t('This workspace is not trusted, so Azure Dev Auth neither reads its `.env` file nor runs its Python interpreter. The chain below uses the process environment and assumes azure-identity {0}.', markdownText(version)) + '\n\n'
      + l10n.t('Trust the workspace to see exactly what your code will do.'),
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
    interpreter ? l10n.t('**Interpreter:** {0} (from {1})', markdownText(path), sourceLabel(interpreter.source)) : l10n.t('**Interpreter:** {0}', markdownText(path)),
  ];
  if (snapshot.scope.multiRoot && snapshot.scope.folder) lines.push(l10n.t('**Workspace folder:** {0}', markdownText(snapshot.scope.folder.name)));
  const links: RowLink[] = [];
  let description: string;
  let icon: string;
  let color: string | undefined;
  switch (state) {
    case 'untrusted':
      description = l10n.t('not run (untrusted workspace)');
      icon = 'circle-slash';
      color = undefined;
      break;
    case 'checking':
      description = l10n.t('checking…');
      icon = 'loading~spin';
      color = undefined;
      break;
    case 'missing':
    case 'cannotRun': {
      description = state === 'missing' ? l10n.t('not found') : l10n.t('cannot be run');
      icon = 'error';
      color = 'errorForeground';
      const message = facts?.kind === 'unusable' ? facts.message : '';
      lines.push(state === 'missing' ? l10n.t('This interpreter does not exist (any more): {0}', markdownText(message)) : l10n.t('This interpreter cannot be run: {0}', markdownText(message)),
        l10n.t('Your code cannot run with it either. Choose another interpreter, or recreate this one.'));
      links.push({ title: l10n.t('Switch Interpreter'), action: { kind: 'switchInterpreter' } });
      break;
    }
    case 'timedOut':
      description = snapshot.phase === 'failed' && snapshot.failure.kind === 'timeout'
        ? l10n.t('did not answer within {0} s', snapshot.failure.seconds) : l10n.t('did not answer');
      icon = 'warning';
      color = 'problemsWarningIcon.foreground';
      lines.push(l10n.t('The interpreter did not say which azure-identity it has before the check ran out of time.'));
      links.push({ title: l10n.t('Switch Interpreter'), action: { kind: 'switchInterpreter' } });
      break;
    case 'notInstalled':
      description = l10n.t('azure-identity is not installed');
      icon = 'warning';
      color = 'problemsWarningIcon.foreground';
      lines.push(l10n.t('`import azure.identity` fails in this interpreter. Install it to use `DefaultAzureCredential`.'));
      links.push({ title: l10n.t('Install azure-identity'), action: { kind: 'installAzureIdentity' } });
      break;
    case 'installed': {
      const answered = facts?.kind === 'answered' ? facts : undefined;
      description = `azure-identity ${answered?.azureIdentityVersion ?? ''}${answered?.brokerInstalled ? ' + broker' : ''}`;
      icon = 'symbol-namespace';
      color = undefined;
      const track1 = answered?.track1Packages ?? [];
      if (track1.length) {
        description += ` · ${track1.length === 1 ? l10n.t('a track-1 library') : l10n.t('{0} track-1 libraries', track1.length)}`;
        icon = 'warning';
        color = 'problemsWarningIcon.foreground';
        lines.push(...track1Lines(path, track1));
      }
      break;
    }
    case 'notChecked':
      description = l10n.t('not checked');
      icon = 'circle-slash';
      color = undefined;
      lines.push(l10n.t('The last check failed before the interpreter was asked.'));
      break;
    default:
      return assertNever(state);
  }
  if (snapshot.phase === 'ready') {
    const report = snapshot.check.report;
    lines.push(report.versionSource === 'default'
      ? l10n.t('The chain below follows azure-identity **{0}** (the newest known, because the installed version is unknown).', markdownText(report.azureIdentityVersion))
      : l10n.t('The chain below follows azure-identity **{0}**.', markdownText(report.azureIdentityVersion)));
    if (report.rules) {
      lines.push(rulesSentence(report.rules));
      // Verification runs the workspace interpreter: offered only where the interpreter answered.
      if (report.rules.verifyAdvised && state === 'installed') {
        description += ` · ${l10n.t('rules not checked')}`;
        links.push({ title: l10n.t('Verify with Python'), action: { kind: 'verify' } });
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
  const list = checked.length > 1 ? l10n.t('{0} and {1}', checked.slice(0, -1).join(', '), checked[checked.length - 1]!) : checked.join('');
  const summary = markdownText(rules.summary);
  return `${rules.verifyAdvised ? `**${l10n.t('{0} — Verify with Python', summary)}**` : `${summary}.`} `
    + l10n.t('Predictions are checked against the real azure-identity {0}.', list);
}

/**
 * Track-1 azure-mgmt-* libraries: their clients sign requests with credentials.signed_session(), which no
 * azure-identity credential has, so they fail with DefaultAzureCredential whatever the chain finds.
 */
export function track1Lines(python: string, packages: readonly Track1Package[]): string[] {
  const names = packages.map((p) => `${markdownText(p.name)} ${markdownText(p.version)}`).join(', ');
  return [
    l10n.t('**Track-1 Azure libraries:** {0}. These are built on msrest, without azure-core: their clients fail with `DefaultAzureCredential` ({1}), whatever source the chain below finds. Upgrade them to a current release:', names, "`AttributeError: 'DefaultAzureCredential' object has no attribute 'signed_session'`"),
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
        tooltip: [`**${l10n.t('What your Python code gets')}**`, '', fence(report.verdict.message)].join('\n'),
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
    ? l10n.t('The last check failed: {0} — showing the result from {1}', reason, formatClock(snapshot.stale.checkedAt))
    : l10n.t('The check failed: {0}', reason);
}

function failedHeadline(snapshot: FailedSnapshot, now: number): RowModel {
  const lines = [l10n.t('**The check at {0} failed:** {1}.', formatClock(snapshot.failedAt), markdownText(failureReason(snapshot.failure))), ''];
  if (snapshot.failure.kind === 'timeout') {
    lines.push(l10n.t('A check that takes longer than {0} s is stopped (setting `azureDevAuth.checkTimeout`). A tool or the interpreter that hangs would hang your code as well.', snapshot.failure.seconds), '');
  }
  if (snapshot.stale) {
    lines.push(l10n.t('The rows below are **stale**: they show the check from {0} ({1}), which may no longer be what your code gets.', formatClock(snapshot.stale.checkedAt), minutesAgo(snapshot.stale.checkedAt, now)));
  } else {
    lines.push(l10n.t('There is no earlier result to show.'));
  }
  const links: RowLink[] = [{ title: l10n.t('Retry'), action: { kind: 'refresh' } }];
  if (snapshot.failure.kind === 'interpreter' || (snapshot.failure.kind === 'timeout' && snapshot.failure.during === 'interpreter')) {
    links.push({ title: l10n.t('Switch Interpreter'), action: { kind: 'switchInterpreter' } });
  }
  links.push({ title: l10n.t('Show Log'), action: { kind: 'showLog' } });
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
function finishedProbe(status: SourceStatus): { description: string; icon: string } {
  switch (status) {
    case 'succeeded': return { description: l10n.t('checked: token found'), icon: 'pass' };
    case 'unavailable': return { description: l10n.t('checked: unavailable'), icon: 'circle-slash' };
    case 'failed': return { description: l10n.t('checked: error'), icon: 'error' };
    case 'excluded': return { description: l10n.t('excluded'), icon: 'remove' };
    case 'not-checked': return { description: l10n.t('not checked'), icon: 'shield' };
  }
}

function sourceRows(snapshot: Exclude<ChainSnapshot, { phase: 'idle' }>, options: ViewOptions): ViewRow[] {
  const now = options.now ?? Date.now();
  switch (snapshot.phase) {
    case 'probing':
      return snapshot.order.map((credential) => {
        const finished = snapshot.finished.get(credential);
        const look = finished ? finishedProbe(finished) : { description: l10n.t('checking…'), icon: 'loading~spin' };
        return {
          kind: 'source' as const,
          credential,
          model: {
            label: displayName(credential),
            description: look.description,
            icon: look.icon,
            color: undefined,
            tooltip: `**${markdownText(displayName(credential))}** (\`${credential}\`) — ${finished ? l10n.t("checked; the chain's verdict follows when every source has answered") : l10n.t('being checked')}`,
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
  const lone = check.chained?.lone === true;
  return check.report.sources.map((source) => {
    const model = describeSource(source, false, now, lone);
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
      description = l10n.t('{0} (stale: from {1})', description, at);
      tooltip = l10n.t('**Stale:** from the check at {0}; the check at {1} failed ({2}).', at, formatClock(failed.failedAt), markdownText(failureReason(failed.failure)))
        + `\n\n---\n\n${tooltip}`;
    } else if (source.status !== 'succeeded' && remoteSourceExplanation(options.remote, source.credential)) {
      flags.push('remote');
      description = l10n.t('{0} (in {1})', description, options.remote!.label);
      tooltip = `**${markdownText(options.remote!.label)}:** ${markdownText(remoteSourceExplanation(options.remote, source.credential)!)}\n\n---\n\n${tooltip}`;
    } else if (model.state === 'notChecked' && source.unverifiedProgram) {
      flags.push('canRunProgram');
      links.push({ title: l10n.t('Run {0}', source.unverifiedProgram), action: { kind: 'runWorkspaceProgram', credential: source.credential, program: source.unverifiedProgram } });
    } else if (model.state === 'notChecked' && source.unverifiedHost) {
      flags.push('canCheckHost');
      links.push({ title: l10n.t('Check with {0}', source.unverifiedHost), action: { kind: 'checkWithHost', credential: source.credential, host: source.unverifiedHost } });
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
  return active ? `${shortIdentity(active.identity) ?? l10n.t('signed in')} · ${displayName(active.credential)}` : undefined;
}

/** One sentence on what a report says, for tooltips that mention an older result. */
function reportSummary(report: ChainReport): string {
  const active = activeSource(report);
  if (active) return l10n.t('Python signed in as {0} through {1}', markdownText(fullIdentity(active.identity) ?? l10n.t('unknown')), displayName(active.credential));
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
        tooltip: `${l10n.t('Azure Dev Auth: the credential chain has not been checked yet.')}\n\n${l10n.t('Click for actions.')}`,
      };
    case 'probing': {
      const previous = snapshot.previous;
      const was = previous ? activeText(previous.report) : undefined;
      text = `$(loading~spin) ${was ?? 'Azure Dev Auth'}`;
      lines.push(`$(loading~spin) ${l10n.t('Checking the credential chain…')}`, '');
      if (previous) lines.push(l10n.t('Last result ({0}): {1}.', formatClock(previous.checkedAt), reportSummary(previous.report)), '');
      break;
    }
    case 'ready': {
      const report = snapshot.check.report;
      const active = activeSource(report);
      const chained = snapshot.check.chained;
      const built = chained?.lone ? credentialClassOf(chained) : undefined;
      if (built) lines.push(l10n.t('The code\'s {0} at {1}, built on its own:', markdownText(built), markdownText(chained!.where)), '');
      else if (chained) lines.push(l10n.t('The code\'s ChainedTokenCredential at {0}:', markdownText(chained.where)), '');
      if (active) {
        text = `$(azure) ${activeText(report)}`;
        lines.push(built
          ? l10n.t('**{0}** signs in as **{1}**', markdownText(built), markdownText(fullIdentity(active.identity) ?? l10n.t('unknown')))
          : chained
          ? l10n.t('**ChainedTokenCredential** signs in as **{0}** through **{1}**', markdownText(fullIdentity(active.identity) ?? l10n.t('unknown')), displayName(active.credential))
          : l10n.t('**DefaultAzureCredential** signs in as **{0}** through **{1}**', markdownText(fullIdentity(active.identity) ?? l10n.t('unknown')), displayName(active.credential)), '');
        if (active.identity?.tenantId) lines.push(`- ${l10n.t('Tenant: {0}', markdownText(active.identity.tenantId))}`);
        if (active.expiresOn) lines.push(`- ${l10n.t('Token expires: {0}', markdownText(formatExpiry(active.expiresOn, now)))}`);
      } else if (report.verdict.outcome === 'not-checked') {
        const where = report.verdict.credential ? displayName(report.verdict.credential) : l10n.t('a source');
        text = `$(shield) ${l10n.t('Azure: {0} not checked', where)}`;
        lines.push(l10n.t('**Not checked:** {0}.', markdownText(verdictHeadline(report.verdict, report.sources))), '',
          l10n.t('Open the chain to check with that host, if you trust it.'), '');
      } else {
        const where = report.verdict.credential ? l10n.t('{0} fails', displayName(report.verdict.credential)) : l10n.t('no credential');
        text = `$(warning) ${l10n.t('Azure: {0}', where)}`;
        warning = true;
        if (built) lines.push(l10n.t('**{0} raises {1}**:', markdownText(built), markdownText(report.verdict.exceptionType ?? l10n.t('an error'))), '');
        else if (chained) lines.push(report.verdict.credential ? l10n.t('**ChainedTokenCredential fails** at {0}:', displayName(report.verdict.credential)) : l10n.t('**ChainedTokenCredential fails**:'), '');
        else lines.push(report.verdict.credential ? l10n.t('**DefaultAzureCredential fails** at {0}:', displayName(report.verdict.credential)) : l10n.t('**DefaultAzureCredential fails**:'), '');
        lines.push(markdownText(firstLine(report.verdict.message).slice(0, 300)), '');
      }
      lines.push(`- ${l10n.t('Checked at {0}', formatClock(snapshot.check.checkedAt))}`);
      break;
    }
    case 'failed': {
      warning = true;
      text = `$(warning) ${l10n.t('Azure: {0}', failedStatusText(snapshot))}`;
      lines.push(l10n.t('**The last check failed:** {0}.', markdownText(failureReason(snapshot.failure))), '');
      if (snapshot.stale) {
        lines.push(l10n.t('Stale result from {0} ({1}): {2}. It may no longer be what your code gets.',
          formatClock(snapshot.stale.checkedAt), minutesAgo(snapshot.stale.checkedAt, now), reportSummary(snapshot.stale.report)), '');
      }
      break;
    }
    default:
      return assertNever(snapshot);
  }
  const scope = snapshot.scope;
  if (scope.multiRoot && scope.folder) lines.push(`- ${l10n.t('Workspace folder: {0}', markdownText(scope.folder.name))}`);
  const interpreter = interpreterOf(snapshot);
  if (interpreter) lines.push(`- ${l10n.t('Interpreter: {0}', markdownText(interpreter.path))}`);
  if (snapshot.phase === 'ready') {
    const report = snapshot.check.report;
    lines.push(`- azure-identity: ${markdownText(report.azureIdentityVersion)}${report.versionSource === 'default' ? ` (${l10n.t('assumed: newest')})` : ''}`
      + `${report.rules?.verifyAdvised ? ` — ${l10n.t('rules not checked against it here')}` : ''}`);
  }
  if (!scope.trusted) lines.push(`- ${l10n.t('Restricted Mode: `.env` not read, interpreter not run')}`);
  lines.push('', l10n.t('Click for actions.'));
  return { text, warning, tooltip: lines.join('\n') };
}

/** "interpreter not found", "check timed out": short enough for the status bar. */
export function failedStatusText(snapshot: FailedSnapshot): string {
  const failure = snapshot.failure;
  switch (failure.kind) {
    case 'interpreter':
      return snapshot.python?.kind === 'unusable' && snapshot.python.reason === 'cannotRun' ? l10n.t('interpreter cannot run') : l10n.t('interpreter not found');
    case 'timeout': return failure.during === 'interpreter' ? l10n.t('interpreter timed out') : l10n.t('check timed out');
    case 'engine': return l10n.t('check failed');
    default: return assertNever(failure);
  }
}

function minutesAgo(epochMs: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - epochMs) / 60_000));
  return minutes === 0 ? l10n.t('less than a minute ago') : minutes === 1 ? l10n.t('1 min ago') : minutes < 120 ? l10n.t('{0} min ago', minutes) : l10n.t('{0} h ago', Math.round(minutes / 60));
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
  // The offer is about DefaultAzureCredential's rules for this version; a ChainedTokenCredential is verified on request.
  if (snapshot.check.chained) return undefined;
  if (python.kind !== 'answered' || !python.azureIdentityVersion || report.versionSource !== 'python') return undefined;
  if (!report.rules?.verifyAdvised || offered.includes(report.azureIdentityVersion)) return undefined;
  return { version: report.azureIdentityVersion, message: l10n.t('{0} — Verify with Python', report.rules.summary) };
}
