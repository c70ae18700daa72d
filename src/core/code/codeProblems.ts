// The problems the editor shows where they are written, each only when the code (or .env) and the chain's answer
// show it together: an `exclude_*` keyword that leaves out the one source that is signed in; an
// AZURE_TOKEN_CREDENTIALS value the installed azure-identity does not understand; a .env holding
// AZURE_CLIENT_SECRET that git tracks. Pure: the chain's reports, the version and git's answer come in as arguments;
// each problem carries its fixes as data (an edit, a line for .gitignore, a command to copy, a command to run).
import { EXCLUDE_KEYWORDS, type ChainReport, type CredentialName, type TokenIdentity } from '../chain/types';
import { familyFor, parseVersion, TENANT_ID_KEYWORD_MESSAGE } from '../chain/versions';
import { displayName } from '../presentation/chainRows';
import { quoteBash, quotePowerShell } from '../team/commands';
import type { CredentialCall, SourceRange } from './credentialCalls';
import type { DotEnvEntry } from './dotEnvLines';
import type { TrackedAnswer } from './gitIndex';
import * as l10n from '@vscode/l10n';

export type ProblemRule =
  | 'exclude-only-signed-in'
  | 'tenant-id-keyword'
  | 'token-credentials-value'
  | 'tracked-client-secret'
  | 'retired-client-factory'
  | 'track1-credentials';

export type ProblemFix =
  /** Replace `range` of the document the problem is in with `text` (empty: delete). */
  | {
    readonly kind: 'edit'; readonly title: string; readonly range: SourceRange; readonly text: string; readonly preferred?: boolean;
    /** Text inserted at the start of a line too (an import the new code needs). */
    readonly insert?: { readonly line: number; readonly text: string };
  }
  /** Add `line` at the end of `file` (an absolute path; created when missing), unless the file already has that line. */
  | { readonly kind: 'append-line'; readonly title: string; readonly file: string; readonly line: string }
  /** Put `text` (a command to paste into a shell) on the clipboard. */
  | { readonly kind: 'copy'; readonly title: string; readonly text: string }
  /** One of the product's commands. */
  | { readonly kind: 'sign-in'; readonly title: string };

export interface CodeProblem {
  readonly rule: ProblemRule;
  readonly severity: 'error' | 'warning';
  readonly range: SourceRange;
  readonly message: string;
  readonly fixes: readonly ProblemFix[];
}

const EXCLUDED_BY_KEYWORD = new Map(Object.entries(EXCLUDE_KEYWORDS).map(([credential, keyword]) => [keyword, credential as CredentialName]));

/** Who a token is for, in a few words: the user, else the app. */
function who(identity: TokenIdentity | null): string | undefined {
  return identity?.upn ?? (identity?.appId ? l10n.t('app {0}', identity.appId) : undefined);
}

/**
 * The sources a `DefaultAzureCredential(...)` call excludes with a literal `exclude_…=True` while the chain finds
 * no token: the ones worth a second look without the keyword. Empty when the chain has a token (nothing to explain).
 */
export function keywordExclusionsToRecheck(call: CredentialCall, report: ChainReport): CredentialName[] {
  if (call.credential !== 'DefaultAzureCredential' || report.verdict.outcome === 'token') return [];
  const excluded: CredentialName[] = [];
  for (const [keyword, value] of call.keywords) {
    const credential = EXCLUDED_BY_KEYWORD.get(keyword);
    if (!credential || value.kind !== 'bool' || !value.value) continue;
    if (report.sources.some((s) => s.credential === credential && s.status === 'excluded')) excluded.push(credential);
  }
  return excluded;
}

/**
 * (a) The call's `exclude_…=True` that leaves out the only signed-in source: with the call's keywords the chain
 * finds no token (`report`), and without its exclusions (`without`: the same check with the keywords of
 * keywordExclusionsToRecheck dropped) exactly one source has a token, the one the keyword excludes, and the chain
 * ends there.
 */
export function exclusionProblems(call: CredentialCall, report: ChainReport, without: ChainReport): CodeProblem[] {
  const rechecked = keywordExclusionsToRecheck(call, report);
  if (rechecked.length === 0) return [];
  // Without the keyword the chain must end with that source's token (an earlier source failing hard would still
  // stop it), and no other source may have one.
  const signedIn = without.sources.filter((s) => s.status === 'succeeded');
  if (signedIn.length !== 1 || !rechecked.includes(signedIn[0]!.credential)) return [];
  if (without.verdict.outcome !== 'token' || without.verdict.credential !== signedIn[0]!.credential) return [];
  const source = signedIn[0]!;
  const keyword = EXCLUDE_KEYWORDS[source.credential];
  const ranges = call.keywordRanges.get(keyword);
  if (!ranges) return [];
  const as = who(source.identity);
  const name = displayName(source.credential);
  return [{
    rule: 'exclude-only-signed-in',
    severity: 'warning',
    range: ranges.written,
    message: as
      ? l10n.t('{0}=True leaves out {1}, the only source signed in (as {2}): DefaultAzureCredential finds no token. Remove the keyword, or sign in to another source.', keyword, name, as)
      : l10n.t('{0}=True leaves out {1}, the only source signed in: DefaultAzureCredential finds no token. Remove the keyword, or sign in to another source.', keyword, name),
    fixes: [
      { kind: 'edit', title: l10n.t('Remove {0}=True', keyword), range: ranges.removal, text: '', preferred: true },
      { kind: 'sign-in', title: l10n.t('Sign In to Another Source…') },
    ],
  }];
}

/**
 * (a') `DefaultAzureCredential(tenant_id=…)`, when the chain's answer is the TypeError the installed version raises for
 * it: the app never gets a credential. DefaultAzureCredential takes the tenant per source (AZURE_TENANT_ID, the
 * signed-in tool's own tenant, workload_identity_tenant_id=…), so the fix is to remove the keyword.
 */
export function tenantIdProblems(call: CredentialCall, report: ChainReport): CodeProblem[] {
  if (call.credential !== 'DefaultAzureCredential') return [];
  const ranges = call.keywordRanges.get('tenant_id');
  const verdict = report.verdict;
  if (!ranges || verdict.outcome !== 'constructor-error' || verdict.exceptionType !== 'TypeError' || !verdict.message.endsWith(TENANT_ID_KEYWORD_MESSAGE)) return [];
  return [{
    rule: 'tenant-id-keyword',
    severity: 'error',
    range: ranges.written,
    message: l10n.t('DefaultAzureCredential takes no tenant_id: azure-identity {0} raises TypeError when it is built, so the app never gets a token. Remove it; the tenant comes from the source (az login --tenant, AZURE_TENANT_ID, workload_identity_tenant_id=…).', report.azureIdentityVersion),
    fixes: [
      { kind: 'edit', title: l10n.t('Remove {0}', 'tenant_id=…'), range: ranges.removal, text: '', preferred: true },
      { kind: 'sign-in', title: l10n.t('Sign In to Another Source…') },
    ],
  }];
}

/** Levenshtein distance, for "did you mean" (inputs are bounded by the caller). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** What a value shows as in a message: bounded, one line, control characters made visible. */
function shown(value: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const oneLine = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
}

/**
 * (b) AZURE_TOKEN_CREDENTIALS in .env that the installed azure-identity does not understand. `version` is the one
 * the interpreter reported (no problem is claimed for a version nobody reported). Fixes: the values that version
 * accepts that are closest to what is written, and deleting the line.
 */
export function tokenCredentialsProblem(entry: DotEnvEntry, version: string): CodeProblem | undefined {
  if (!parseVersion(version)) return undefined;
  const value = entry.value.trim().toLowerCase();
  if (!value) return undefined;
  const behaviour = familyFor(version);
  const mode = behaviour.tokenCredentials;
  const remove: ProblemFix = { kind: 'edit', title: l10n.t('Remove AZURE_TOKEN_CREDENTIALS from .env'), range: entry.lineWithBreak, text: '' };
  const written = shown(entry.value);
  if (mode.kind === 'ignored') {
    return {
      rule: 'token-credentials-value', severity: 'warning', range: entry.line,
      message: l10n.t('azure-identity {0} does not read AZURE_TOKEN_CREDENTIALS (it came in 1.23): "{1}" narrows nothing, the whole chain runs. Remove it, or use the exclude_* keywords in the code.', version, written),
      fixes: [remove],
    };
  }
  const accepted: string[] = mode.kind === 'groups' ? ['dev', 'prod'] : ['dev', 'prod', ...mode.names];
  if (accepted.some((a) => a.toLowerCase() === value)) return undefined;
  // A source's class name in a version that takes only groups: the group that keeps that source.
  const named = behaviour.order.find((c) => c.toLowerCase() === value);
  let suggestions: string[];
  if (mode.kind === 'groups' && named) {
    suggestions = (['dev', 'prod'] as const).filter((group) => !(group === 'dev' ? mode.devExcludes : mode.prodExcludes).includes(named));
  } else {
    const bounded = value.slice(0, 80);
    suggestions = accepted
      .map((a) => ({ a, d: distance(bounded, a.toLowerCase()) }))
      .filter(({ a, d }) => d <= Math.max(2, Math.floor(a.length / 4)))
      .sort((x, y) => x.d - y.d)
      .slice(0, 2)
      .map(({ a }) => a);
  }
  const fixes: ProblemFix[] = entry.writtenValue
    ? suggestions.map((s, i) => ({ kind: 'edit' as const, title: l10n.t('Use AZURE_TOKEN_CREDENTIALS={0}', s), range: entry.writtenValue!, text: s, ...(i === 0 ? { preferred: true } : {}) }))
    : [];
  fixes.push(remove);
  const list = mode.kind === 'groups' ? l10n.t("'dev' or 'prod'") : l10n.t('\'dev\', \'prod\' or one of {0}', mode.names.join(', '));
  return {
    rule: 'token-credentials-value', severity: 'error', range: entry.writtenValue ?? entry.line,
    message: l10n.t('azure-identity {0} does not understand AZURE_TOKEN_CREDENTIALS="{1}": DefaultAzureCredential() raises ValueError. It accepts {2}.', version, written, list),
    fixes,
  };
}

/** A .gitignore pattern that matches exactly this path from the repository's root, or undefined when none can. */
export function gitignoreLine(relativePath: string): string | undefined {
  if (/[\n\r]/.test(relativePath)) return undefined;
  // Pattern characters and a leading "#"/"!" are escaped with a backslash; trailing spaces too.
  const escaped = relativePath.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return `/${escaped}`;
}

/**
 * (c) A .env that holds AZURE_CLIENT_SECRET (a non-empty value) and that git tracks. Fixes: the `git rm --cached`
 * command to copy (bash and PowerShell), and the .gitignore line.
 */
export function trackedSecretProblem(entry: DotEnvEntry, tracked: TrackedAnswer, pathJoin: (root: string, name: string) => string): CodeProblem | undefined {
  if (tracked.kind !== 'tracked' || !entry.value.trim()) return undefined;
  const { repositoryRoot, relativePath } = tracked;
  const bash = `git -C ${quoteBash(repositoryRoot)} rm --cached -- ${quoteBash(relativePath)}`;
  const powershell = `git -C ${quotePowerShell(repositoryRoot)} rm --cached -- ${quotePowerShell(relativePath)}`;
  const fixes: ProblemFix[] = [
    { kind: 'copy', title: l10n.t('Copy "git rm --cached" (bash): {0}', shown(bash)), text: bash },
    { kind: 'copy', title: l10n.t('Copy "git rm --cached" (PowerShell)'), text: powershell },
  ];
  const line = gitignoreLine(relativePath);
  if (line) fixes.push({ kind: 'append-line', title: l10n.t('Add {0} to .gitignore', shown(line)), file: pathJoin(repositoryRoot, '.gitignore'), line });
  return {
    rule: 'tracked-client-secret', severity: 'warning', range: entry.line,
    message: l10n.t('git tracks {0}, which holds AZURE_CLIENT_SECRET: whoever gets the repository gets the secret. Stop tracking the file, ignore it, and rotate the secret (it stays in the history).', shown(relativePath)),
    fixes,
  };
}
