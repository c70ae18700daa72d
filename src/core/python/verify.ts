// Verification: run DefaultAzureCredential of the real azure-identity in the user's interpreter, with the same
// environment and keyword arguments, read what it did from its own DEBUG log, and compare with the engine's report.
//
// What the library logs (azure.identity.*), and what we read from it:
//   "<Name>.get_token succeeded" / "<Name>.get_token failed: <message>"     one per chain member it called
//        (VisualStudioCodeCredential logs as "VSCodeCredential" in older versions)
//   'DefaultAzureCredential.get_token failed: <Name> raised unexpected error "<message>"'   the member that stopped it
//   "DefaultAzureCredential acquired a token from <Name>"                    the member whose token it returned
// A member that logged "failed" without stopping the chain raised CredentialUnavailableError: unavailable.
// Exceptions out of the constructor and out of get_token come as their own records (see VERIFY_SCRIPT).
import { tmpdir } from 'node:os';
import { isCredentialName, type ChainReport, type CredentialName, type KeywordArguments, type SourceResult, type TokenIdentity, type Verdict, type Verification } from '../chain/types';
import { runProcess } from '../process/run';
import { redactSecrets, secretsOf } from '../redact';
import { describeRunProblem, scriptRecords } from './detect';
import { booleanKeywords, stringKeywords } from './keywords';
import { VERIFY_SCRIPT } from './scripts';
import * as l10n from '@vscode/l10n';

export const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';

export type PythonAttemptStatus = 'succeeded' | 'unavailable' | 'failed';

export interface PythonAttempt {
  readonly credential: CredentialName;
  readonly status: PythonAttemptStatus;
  readonly message: string;
}

export interface PythonLogRecord {
  readonly logger: string;
  readonly level: string;
  readonly message: string;
  readonly exception: string | null;
  /** ms since the script started. */
  readonly t: number;
}

/** What one run of the verify script printed, record by record. */
export interface PythonRun {
  readonly meta: {
    readonly version: string | null;
    readonly pythonVersion: string | null;
    readonly executable: string | null;
    readonly keywords: Record<string, unknown>;
    readonly ignoredKeywords: readonly string[];
  } | null;
  readonly logs: readonly PythonLogRecord[];
  readonly importError: { readonly exception: string; readonly message: string; readonly version: string | null } | null;
  readonly constructorError: { readonly exception: string; readonly message: string; readonly credential: string | null; readonly elapsedMs: number } | null;
  /** Class names of the members DefaultAzureCredential() built, in order (a stand-in under the name it reports). */
  readonly chain: readonly string[] | null;
  /** Members that stand in for a credential whose constructor raised, with the error they raise (1.24+). */
  readonly standIns?: readonly { readonly credential: string; readonly message: string }[];
  readonly token: { readonly credential: string | null; readonly identity: TokenIdentity | null; readonly expiresOn: number | null; readonly elapsedMs: number } | null;
  readonly failure: { readonly exception: string; readonly message: string; readonly elapsedMs: number } | null;
}

/** What the real library did, in the engine's terms. */
export interface PythonOutcome {
  readonly python: string;
  readonly azureIdentityVersion: string | null;
  readonly pythonVersion: string | null;
  readonly executable: string | null;
  /** The members DefaultAzureCredential() built (excluded ones are absent), in chain order; null if it raised. */
  readonly chain: readonly CredentialName[] | null;
  /** The members whose get_token it called, in order, with what each did. */
  readonly attempts: readonly PythonAttempt[];
  /** null only when the library could not be run at all (see `problem`). */
  readonly verdict: Verdict | null;
  readonly identity: TokenIdentity | null;
  /** ISO 8601. */
  readonly expiresOn: string | null;
  /** Construction plus get_token, measured inside the interpreter. */
  readonly elapsedMs: number | null;
  /** Keyword arguments this azure-identity does not accept, so they were not passed. */
  readonly ignoredKeywords: readonly string[];
  readonly problem?: string;
}

/** Verification with what the CLI and the views can show beyond the shared contract. */
export interface PythonVerification extends Verification {
  readonly problem?: string;
  readonly pythonVersion?: string | null;
  readonly elapsedMs?: number | null;
  readonly chain?: readonly CredentialName[] | null;
  readonly ignoredKeywords?: readonly string[];
  readonly identity?: TokenIdentity | null;
  /** Informational: message texts that differ where statuses agree. Not disagreements. */
  readonly notes?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Reads the script's records. Every string passes through redactSecrets: the script already scrubs tokens and the
 * secrets it knows, and this second pass keeps that promise even if an interpreter's output were not our script's
 * (a sitecustomize printing our marker, say), and redacts Python's messages exactly as the engine's are redacted.
 */
export function parseVerifyOutput(stdout: string, knownSecrets: readonly string[] = []): PythonRun {
  const str = (value: unknown): string | null => (typeof value === 'string' ? redactSecrets(value, knownSecrets) : null);
  let meta: PythonRun['meta'] = null;
  const logs: PythonLogRecord[] = [];
  let importError: PythonRun['importError'] = null;
  let constructorError: PythonRun['constructorError'] = null;
  let chain: PythonRun['chain'] = null;
  let standIns: NonNullable<PythonRun['standIns']> = [];
  let token: PythonRun['token'] = null;
  let failure: PythonRun['failure'] = null;
  for (const r of scriptRecords(stdout)) {
    switch (r.kind) {
      case 'meta':
        meta = {
          version: str(r.version), pythonVersion: str(r.pythonVersion), executable: str(r.executable),
          keywords: r.keywords && typeof r.keywords === 'object' ? r.keywords as Record<string, unknown> : {},
          ignoredKeywords: Array.isArray(r.ignoredKeywords) ? r.ignoredKeywords.filter((k): k is string => typeof k === 'string') : [],
        };
        break;
      case 'log':
        logs.push({ logger: str(r.logger) ?? '', level: str(r.level) ?? '', message: str(r.message) ?? '', exception: str(r.exception), t: num(r.t) });
        break;
      case 'import-error':
        importError = { exception: str(r.exception) ?? 'ImportError', message: str(r.message) ?? '', version: str(r.version) };
        break;
      case 'constructor-error':
        constructorError = { exception: str(r.exception) ?? 'Exception', message: str(r.message) ?? '', credential: str(r.credential), elapsedMs: num(r.elapsedMs) };
        break;
      case 'chain':
        chain = Array.isArray(r.credentials) ? r.credentials.filter((c): c is string => typeof c === 'string') : [];
        standIns = Array.isArray(r.standIns)
          ? r.standIns.flatMap((s: unknown) => {
            const item = s && typeof s === 'object' ? s as Record<string, unknown> : {};
            const credential = str(item.credential);
            return credential ? [{ credential, message: str(item.message) ?? '' }] : [];
          })
          : [];
        break;
      case 'token': {
        const identity = r.identity && typeof r.identity === 'object' ? r.identity as Record<string, unknown> : null;
        token = {
          credential: str(r.credential),
          identity: identity ? compactIdentity({
            upn: str(identity.upn) ?? undefined, appId: str(identity.appId) ?? undefined,
            objectId: str(identity.objectId) ?? undefined, tenantId: str(identity.tenantId) ?? undefined,
          }) : null,
          expiresOn: typeof r.expiresOn === 'number' ? r.expiresOn : null,
          elapsedMs: num(r.elapsedMs),
        };
        break;
      }
      case 'failure':
        failure = { exception: str(r.exception) ?? 'Exception', message: str(r.message) ?? '', elapsedMs: num(r.elapsedMs) };
        break;
      default:
        break;
    }
  }
  return { meta, logs, importError, constructorError, chain, standIns, token, failure };
}

function compactIdentity(identity: TokenIdentity): TokenIdentity | null {
  const entries = Object.entries(identity).filter(([, v]) => typeof v === 'string' && v !== '');
  return entries.length ? Object.fromEntries(entries) as TokenIdentity : null;
}

/** Log names to class names: VisualStudioCodeCredential has logged as "VSCodeCredential". */
export function credentialFromLogName(name: string): CredentialName | null {
  if (name === 'VSCodeCredential') return 'VisualStudioCodeCredential';
  return isCredentialName(name) ? name : null;
}

const MEMBER_LOG = /^(\w+)\.get_token(?:_info)? (?:(succeeded)|failed: ([\s\S]*))$/;
const CHAIN_STOPPED = /^(?:DefaultAzureCredential|ChainedTokenCredential)\.get_token(?:_info)? failed: (\w+) raised unexpected error "([\s\S]*)"$/;
const CHAIN_ACQUIRED = /^(?:DefaultAzureCredential|ChainedTokenCredential) acquired a token from (\w+)$/;
const ATTEMPTED = '\nAttempted credentials:\n';

/**
 * The members a failed chain lists in its error ("Attempted credentials:" then one tab-indented
 * "<Name>: <message>" per member it called; a message may span lines), by credential, with their messages.
 */
export function attemptedCredentials(message: string): Map<CredentialName, string> {
  const listed = new Map<CredentialName, string>();
  const start = message.indexOf(ATTEMPTED);
  if (start < 0) return listed;
  let body = message.slice(start + ATTEMPTED.length);
  const end = body.lastIndexOf('\nTo mitigate this issue');
  if (end >= 0) body = body.slice(0, end);
  let current: CredentialName | undefined;
  let lines: string[] = [];
  const flush = (): void => { if (current) listed.set(current, lines.join('\n')); };
  for (const line of body.split('\n')) {
    const entry = /^\t(\w+)(?:: ([\s\S]*))?$/.exec(line);
    const name = entry ? credentialFromLogName(entry[1]!) : null;
    if (entry && name) {
      flush();
      current = name;
      lines = [entry[2] ?? ''];
    } else if (current) {
      lines.push(line);
    }
  }
  flush();
  return listed;
}

/** Reads a run into the engine's terms. */
export function interpretPythonRun(python: string, run: PythonRun, chainName: 'DefaultAzureCredential' | 'ChainedTokenCredential' | 'lone' = 'DefaultAzureCredential'): PythonOutcome {
  const base = {
    python,
    azureIdentityVersion: run.meta?.version ?? run.importError?.version ?? null,
    pythonVersion: run.meta?.pythonVersion ?? null,
    executable: run.meta?.executable ?? null,
    ignoredKeywords: run.meta?.ignoredKeywords ?? [],
  };
  const chain = run.chain ? run.chain.map(credentialFromLogName).filter((c): c is CredentialName => c !== null) : null;

  const member = new Map<CredentialName, { ok: boolean; message: string }>();
  const firstSeen: CredentialName[] = [];
  let stopped: { credential: CredentialName; message: string } | undefined;
  // A credential built on its own: the error it raises is its own, and says whether it was unavailable or failed.
  const lone = chainName === 'lone' ? chain?.[0] : undefined;
  if (lone && run.failure && run.failure.exception !== 'CredentialUnavailableError') stopped = { credential: lone, message: run.failure.message };
  let acquiredFrom: CredentialName | undefined;
  for (const log of run.logs) {
    if (!log.logger.startsWith('azure.identity')) continue;
    const stop = lone ? null : CHAIN_STOPPED.exec(log.message);
    if (stop) {
      const credential = credentialFromLogName(stop[1]!);
      if (credential) stopped = { credential, message: stop[2]! };
      continue;
    }
    const acquired = CHAIN_ACQUIRED.exec(log.message);
    if (acquired) {
      acquiredFrom = credentialFromLogName(acquired[1]!) ?? acquiredFrom;
      continue;
    }
    const m = MEMBER_LOG.exec(log.message);
    if (!m) continue;
    const credential = credentialFromLogName(m[1]!);
    // Inner credentials (ClientSecretCredential inside EnvironmentCredential, ImdsCredential inside
    // ManagedIdentityCredential…) log too; only chain members count. The last line per member is its outcome.
    if (!credential || (chain && !chain.includes(credential))) continue;
    if (!member.has(credential)) firstSeen.push(credential);
    member.set(credential, m[2] ? { ok: true, message: '' } : { ok: false, message: m[3] ?? '' });
  }

  const order = [...(chain ?? []), ...firstSeen.filter((c) => !chain?.includes(c))];
  const winner = (run.token?.credential ? credentialFromLogName(run.token.credential) : null) ?? acquiredFrom ?? (run.token ? lone : undefined) ?? null;
  // Some members log nothing of their own (BrokerCredential, a stand-in): what they did follows from the chain.
  // A failed chain lists every member it called; before a winner every member was unavailable.
  const listed = run.failure ? attemptedCredentials(run.failure.message) : new Map<CredentialName, string>();
  const standIn = new Map((run.standIns ?? []).map((s) => [credentialFromLogName(s.credential), s.message] as const));
  const winnerAt = winner && chain ? chain.indexOf(winner) : -1;
  const attempts: PythonAttempt[] = [];
  for (const credential of order) {
    const seen = member.get(credential);
    if (lone && run.failure) attempts.push({ credential, status: stopped ? 'failed' : 'unavailable', message: run.failure.message });
    else if (seen?.ok || (!seen && credential === winner)) attempts.push({ credential, status: 'succeeded', message: '' });
    else if (stopped?.credential === credential) attempts.push({ credential, status: 'failed', message: seen?.message || stopped.message });
    else if (seen) attempts.push({ credential, status: 'unavailable', message: seen.message });
    else if (listed.has(credential)) attempts.push({ credential, status: 'unavailable', message: listed.get(credential) ?? '' });
    else if (chain && winnerAt > chain.indexOf(credential)) {
      attempts.push({ credential, status: 'unavailable', message: standIn.get(credential) ?? '' });
    }
  }

  if (run.importError) {
    return { ...base, chain: null, attempts: [], verdict: null, identity: null, expiresOn: null, elapsedMs: null,
      problem: l10n.t('azure-identity could not be imported in {0}: {1}: {2}', python, run.importError.exception, run.importError.message) };
  }
  if (run.constructorError) {
    const e = run.constructorError;
    const credential = e.credential ? credentialFromLogName(e.credential) : null;
    return { ...base, chain: null, attempts: [], identity: null, expiresOn: null, elapsedMs: e.elapsedMs,
      verdict: { outcome: 'constructor-error', credential, message: e.message, exceptionType: e.exception } };
  }
  if (run.token) {
    return { ...base, chain, attempts, identity: run.token.identity, elapsedMs: run.token.elapsedMs,
      expiresOn: run.token.expiresOn === null ? null : new Date(run.token.expiresOn * 1000).toISOString(),
      verdict: { outcome: 'token', credential: winner, message: lone ? `${lone}.get_token succeeded` : `${chainName} acquired a token from ${winner ?? l10n.t('an unknown credential')}` } };
  }
  if (run.failure) {
    return { ...base, chain, attempts, identity: null, expiresOn: null, elapsedMs: run.failure.elapsedMs,
      verdict: lone
        ? { outcome: 'failure', credential: lone, message: run.failure.message, exceptionType: run.failure.exception }
        : { outcome: 'failure', credential: stopped?.credential ?? null, message: run.failure.message } };
  }
  return { ...base, chain, attempts, verdict: null, identity: null, expiresOn: null, elapsedMs: null,
    problem: run.meta ? l10n.t('the verification script stopped before DefaultAzureCredential answered') : l10n.t('the verification script printed nothing') };
}

// ---------------------------------------------------------------------------------------------------------------
// Running

export interface RunDefaultAzureCredentialOptions {
  readonly python: string;
  /** The environment the user's Python process gets (already merged with .env), PATH and HOME included. */
  readonly env: Readonly<Record<string, string>>;
  readonly keywordArguments: KeywordArguments;
  readonly signal?: AbortSignal;
  /** Default 120 s: three developer tools may each use their whole 10 s timeout, and MI endpoints retry. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly scope?: string;
  /**
   * The code's ChainedTokenCredential members, in order: the run builds `ChainedTokenCredential(<each>())` instead of
   * DefaultAzureCredential (keywordArguments then do not apply).
   */
  readonly chained?: readonly CredentialName[];
  /** The `tenant_id=` a member of `chained` is built with, by credential. */
  readonly chainedTenants?: Readonly<Partial<Record<CredentialName, string>>>;
  /** The `process_timeout=` a member of `chained` is built with, by credential. */
  readonly chainedProcessTimeouts?: Readonly<Partial<Record<CredentialName, number>>>;
  /** The `client_id=` a member of `chained` is built with (ManagedIdentityCredential). */
  readonly chainedClientIds?: Readonly<Partial<Record<CredentialName, string>>>;
  /** Members that write `process_timeout` (a version without the keyword raises TypeError building them). */
  readonly chainedWritesProcessTimeout?: readonly CredentialName[];
  /** The one `chained` member is built on its own: the run calls its get_token, with no ChainedTokenCredential around it. */
  readonly lone?: boolean;
}

/** Runs DefaultAzureCredential in the interpreter and reads what it did. Never throws for the library's own errors. */
export async function runPythonDefaultAzureCredential(options: RunDefaultAzureCredentialOptions): Promise<PythonOutcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const config = {
    scope: options.scope ?? MANAGEMENT_SCOPE,
    keywords: booleanKeywords(options.keywordArguments),
    stringKeywords: stringKeywords(options.keywordArguments),
    tenantId: options.keywordArguments.tenantIdWritten === true,
    processTimeout: options.keywordArguments.processTimeoutSeconds ?? null,
    ...(options.chained ? { chained: options.chained, chainedTenants: options.chainedTenants ?? {} } : {}),
    ...(options.chainedProcessTimeouts ? { chainedProcessTimeouts: options.chainedProcessTimeouts } : {}),
    ...(options.chainedClientIds ? { chainedClientIds: options.chainedClientIds } : {}),
    ...(options.chainedWritesProcessTimeout ? { chainedWritesProcessTimeout: options.chainedWritesProcessTimeout } : {}),
    ...(options.chained?.length === 1 && options.lone ? { lone: true } : {}),
  };
  const result = await runProcess(options.python, ['-c', VERIFY_SCRIPT, JSON.stringify(config)], {
    env: options.env, cwd: options.cwd ?? tmpdir(), timeoutMs, signal: options.signal,
  });
  const run = parseVerifyOutput(result.stdout, secretsOf(options.env));
  const outcome = interpretPythonRun(options.python, run, options.chained?.length === 1 && options.lone ? 'lone' : options.chained ? 'ChainedTokenCredential' : 'DefaultAzureCredential');
  // The import error is the answer (its problem text is in the user's language: the run's record decides, not the words).
  if (outcome.verdict || run.importError) return outcome;
  // No answer: say why the process ended (not found, timeout, crash) unless it exited normally after all.
  const endedNormally = result.exitCode === 0 && !result.timedOut && !result.cancelled && !result.spawnError;
  return endedNormally ? outcome : { ...outcome, problem: describeRunProblem(options.python, result, timeoutMs) };
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing

// Object addresses in Python reprs ("<… object at 0x7f…>") differ from run to run; they are not part of the message.
const normalize = (text: string): string => text.replace(/ at 0x(?:[0-9a-f]+|…)/gi, ' at 0x…').replace(/\s+/g, ' ').trim();

function firstLine(text: string, max = 240): string {
  const line = normalize(text.split('\n')[0] ?? '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function engineVerdictText(v: Verdict): string {
  switch (v.outcome) {
    case 'token': return l10n.t('a token from {0}', v.credential ?? l10n.t('an unnamed source'));
    case 'failure': return v.credential ? l10n.t('a failure: {0} stops the chain', v.credential) : l10n.t('a failure: every source is unavailable');
    case 'constructor-error': return v.credential ? l10n.t('DefaultAzureCredential() raising in {0}', v.credential) : l10n.t('DefaultAzureCredential() raising');
    case 'not-checked': return l10n.t('an outcome it did not check ({0} was held back)', v.credential ?? l10n.t('a source'));
  }
}

function pythonVerdictText(v: Verdict): string {
  switch (v.outcome) {
    case 'token': return l10n.t('got a token from {0}', v.credential ?? l10n.t('an unknown source'));
    case 'failure': return v.credential ? l10n.t('failed: {0} stopped the chain', v.credential) : l10n.t('failed: every source it tried was unavailable');
    case 'constructor-error': {
      const raised = `${v.exceptionType ? `${v.exceptionType}: ` : ''}${firstLine(v.message)}`;
      return v.credential ? l10n.t('raised in DefaultAzureCredential() (from {0}): {1}', v.credential, raised) : l10n.t('raised in DefaultAzureCredential(): {0}', raised);
    }
    case 'not-checked': return l10n.t('left {0} unchecked', v.credential ?? l10n.t('a source'));
  }
}

/** What the engine says of a source, in the user's language (looked up when a comparison is made). */
function engineStatus(status: string): string {
  switch (status) {
    case 'succeeded': return l10n.t('it yields a token');
    case 'unavailable': return l10n.t('it is unavailable (the chain goes on)');
    case 'failed': return l10n.t('it fails and stops the chain');
    case 'excluded': return l10n.t('it is excluded');
    case 'not-checked': return l10n.t('it was held back, so its outcome is not known (not checked)');
    default: return status;
  }
}

function pythonStatus(status: PythonAttemptStatus): string {
  switch (status) {
    case 'succeeded': return l10n.t('it returned a token');
    case 'unavailable': return l10n.t('it was unavailable');
    case 'failed': return l10n.t('it failed and stopped the chain');
  }
}

function identityText(identity: TokenIdentity | null | undefined): string {
  if (!identity) return l10n.t('no identity');
  const who = identity.upn ?? identity.appId ?? identity.objectId ?? l10n.t('unknown');
  return identity.tenantId ? l10n.t('{0} in tenant {1}', who, identity.tenantId) : who;
}

function sameIdentity(a: TokenIdentity | null, b: TokenIdentity | null): boolean {
  if (!a || !b) return true; // nothing to compare: claims are optional on either side
  for (const key of ['objectId', 'tenantId', 'upn'] as const) {
    const x = a[key];
    const y = b[key];
    if (x && y && x.toLowerCase() !== y.toLowerCase()) return false;
  }
  return true;
}

/**
 * Every way the engine's report differs from what the library did, one readable sentence each, plus informational
 * notes (message texts that differ where the statuses agree).
 */
export function compareWithReport(report: ChainReport, python: PythonOutcome): { differences: string[]; notes: string[] } {
  const differences: string[] = [];
  const notes: string[] = [];
  const lib = l10n.t('the real library (azure-identity {0})', python.azureIdentityVersion ?? l10n.t('unknown'));
  if (!python.verdict) {
    return { differences: [l10n.t('The real library could not be run: {0}', python.problem ?? l10n.t('no answer'))], notes };
  }
  const e = report.verdict;
  const p = python.verdict;
  if (e.outcome !== p.outcome || e.credential !== p.credential) {
    differences.push(l10n.t('Verdict: the engine predicts {0}, but {1} {2}.', engineVerdictText(e), lib, pythonVerdictText(p)));
  }
  if (e.outcome === 'failure' && p.outcome === 'failure' && e.exceptionType && p.exceptionType && e.exceptionType !== p.exceptionType) {
    // A credential built on its own: what it raises tells whether the code can tell "not signed in" from an error.
    differences.push(l10n.t('Error: the engine predicts {0}, but {1} raised {2}.', e.exceptionType, lib, p.exceptionType));
  }
  if (e.outcome === 'constructor-error' && p.outcome === 'constructor-error') {
    if (e.exceptionType && p.exceptionType && e.exceptionType !== p.exceptionType) {
      notes.push(l10n.t('DefaultAzureCredential() raises {0} in the real library; the engine says {1}.', p.exceptionType, e.exceptionType));
    }
    // "ValueError: x" and "x" with exceptionType "ValueError" say the same thing.
    const bare = (v: Verdict): string => normalize(v.exceptionType && v.message.startsWith(`${v.exceptionType}: `) ? v.message.slice(v.exceptionType.length + 2) : v.message);
    if (bare(e) !== bare(p)) {
      notes.push(l10n.t('Constructor error message differs. Engine: "{0}". Python: "{1}".', firstLine(e.message, 400), firstLine(p.message, 400)));
    }
  }
  if (report.azureIdentityVersion && python.azureIdentityVersion && report.azureIdentityVersion !== python.azureIdentityVersion) {
    notes.push(l10n.t('The engine modelled azure-identity {0}; the interpreter has {1}.', report.azureIdentityVersion, python.azureIdentityVersion));
  }

  const attempts = new Map(python.attempts.map((a) => [a.credential, a]));
  const engine = new Map<CredentialName, SourceResult>(report.sources.map((s) => [s.credential, s]));
  for (const source of report.sources) {
    if (!source.reached || source.status === 'excluded') continue;
    const tried = attempts.get(source.credential);
    if (!tried) {
      const why = python.chain && !python.chain.includes(source.credential)
        ? l10n.t('did not put it in the chain it built')
        : p.outcome === 'constructor-error' ? l10n.t('raised before trying any source') : l10n.t('never called it (the chain ended before it)');
      differences.push(l10n.t('{0}: the engine says Python reaches it and {1}, but {2} {3}.', source.credential, engineStatus(source.status), lib, why));
      continue;
    }
    if (tried.status !== source.status) {
      differences.push(l10n.t('{0}: the engine says {1}{2}, but {3} says {4}{5}.', source.credential, engineStatus(source.status),
        source.message ? ` ("${firstLine(source.message)}")` : '', lib, pythonStatus(tried.status), tried.message ? `: "${firstLine(tried.message)}"` : ''));
    } else if (tried.status !== 'succeeded' && normalize(tried.message) !== normalize(source.message)) {
      notes.push(l10n.t('{0}: same status ({1}), different message. Engine: "{2}". Python: "{3}".', source.credential, tried.status, firstLine(source.message, 400), firstLine(tried.message, 400)));
    }
  }
  for (const tried of python.attempts) {
    const source = engine.get(tried.credential);
    if (source?.reached && source.status !== 'excluded') continue; // compared above
    const state = !source ? l10n.t('not in the chain') : source.status === 'excluded' ? l10n.t('excluded') : l10n.t('not reached');
    differences.push(l10n.t('{0}: {1} tried it ({2}{3}), but the engine says it is {4}.', tried.credential, lib, pythonStatus(tried.status), tried.message ? `: "${firstLine(tried.message)}"` : '', state));
  }

  if (e.outcome === 'token' && p.outcome === 'token' && e.credential === p.credential) {
    const decisive = report.sources.find((s) => s.decisive) ?? (e.credential ? engine.get(e.credential) : undefined);
    if (!sameIdentity(decisive?.identity ?? null, python.identity)) {
      differences.push(l10n.t('Identity: the engine\'s token from {0} is for {1}, but {2}\'s is for {3}.', String(e.credential), identityText(decisive?.identity), lib, identityText(python.identity)));
    }
  }
  return { differences, notes };
}

export interface VerifyWithPythonOptions extends RunDefaultAzureCredentialOptions {
  /** The engine's answer for the same inputs. */
  readonly report: ChainReport;
}

/** Runs the real library and compares. Never throws for problems of the interpreter; they come back as a difference. */
export async function verifyWithPython(options: VerifyWithPythonOptions): Promise<PythonVerification> {
  // The real library would send what the engine held back (a secret to an unchecked host, a file an Azure Arc
  // challenge names): running it is the developer's call, made by allowing the host first, never a side effect.
  const unchecked = options.report.sources.find((s) => s.reached && s.status === 'not-checked');
  if (unchecked) {
    const problem = unchecked.unverifiedProgram
      // The workspace's own program (a repository's bin/az on the .env's PATH): running Python would run it.
      ? l10n.t('Python would run {0}, which the workspace\'s .env puts on PATH ({1}); allow it first ("Run This Workspace Program" or --allow-workspace-programs), then verify.', unchecked.unverifiedProgram, unchecked.credential)
      : unchecked.unverifiedHost
      ? l10n.t('Python would send a secret to {0} ({1}); allow that host first ("Check with {0}" or --allow-host {0}), then verify.', unchecked.unverifiedHost, unchecked.credential)
      : unchecked.notCheckedReason === 'interactive'
        // Running it would start the interactive sign-in the engine holds back (a browser, or a wait without end).
        ? l10n.t('Python would start an interactive sign-in ({0}): {1}', unchecked.credential, unchecked.message)
        : l10n.t('Python would send a local file to the endpoint {0} names: {1}', unchecked.credential, unchecked.message);
    return verificationFrom(options.report, {
      python: options.python, azureIdentityVersion: null, pythonVersion: null, executable: null, chain: null, attempts: [],
      verdict: null, identity: null, expiresOn: null, elapsedMs: null, ignoredKeywords: [], problem,
    });
  }
  const python = await runPythonDefaultAzureCredential(options);
  return verificationFrom(options.report, python);
}

export function verificationFrom(report: ChainReport, python: PythonOutcome): PythonVerification {
  const { differences, notes } = compareWithReport(report, python);
  return {
    agrees: differences.length === 0,
    python: python.python,
    azureIdentityVersion: python.azureIdentityVersion ?? 'unknown',
    verdict: python.verdict ?? { outcome: 'failure', credential: null, message: python.problem ?? l10n.t('the real library could not be run') },
    sources: python.attempts.map((a) => ({ credential: a.credential, status: a.status, message: a.message })),
    differences,
    ...(python.problem ? { problem: python.problem } : {}),
    pythonVersion: python.pythonVersion,
    elapsedMs: python.elapsedMs,
    chain: python.chain,
    ignoredKeywords: python.ignoredKeywords,
    identity: python.identity,
    notes,
  };
}
