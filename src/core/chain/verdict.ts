// The chain's semantics applied to what each source would do: DefaultAzureCredential() raises if a constructor
// does; otherwise get_token tries the sources in order, moves on after "unavailable", and ends at the first token
// or the first other error. Pure: no I/O, so every version family's rules are unit-tested as tables.
import type { ChainBehaviour, ConstructorError } from './versions';
import { notCheckedMessage, notCheckedVerdict } from './notChecked';
import type { ProbeResult } from './sources/common';
import type { CredentialName, SourceResult, Verdict } from './types';

const TROUBLESHOOT = 'To mitigate this issue, please refer to the troubleshooting guidelines here at '
  + 'https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.';

/** Removes secrets from a text meant for people (see core/redact.ts). */
export type Redactor = (text: string) => string;

const keepText: Redactor = (text) => text;

/** What one source did, before chain semantics. */
export type SourceOutcome = ProbeResult | { readonly kind: 'excluded'; readonly message: string };

export interface SourceRecord {
  readonly credential: CredentialName;
  readonly outcome: SourceOutcome;
  readonly elapsedMs: number;
}

export interface ChainVerdict {
  readonly sources: SourceResult[];
  readonly verdict: Verdict;
}

/** ChainedTokenCredential's message when no source gave a token (Python's exact layout). */
export function aggregateFailureMessage(attempts: readonly { credential: string; message: string }[], chainClass = 'DefaultAzureCredential'): string {
  const lines = attempts.map((a) => (a.message ? `${a.credential}: ${a.message}` : a.credential));
  return `${chainClass} failed to retrieve a token from the included credentials.\nAttempted credentials:\n\t${lines.join('\n\t')}\n${TROUBLESHOOT}`;
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The JSON shape's key order: credential, status, reached, decisive, message, identity, expiresOn, elapsedMs. */
function sourceResult(record: SourceRecord, reached: boolean, decisive: boolean, redact: Redactor): SourceResult {
  const { credential, outcome, elapsedMs } = record;
  const row = (status: SourceResult['status'], message: string, identity: SourceResult['identity'] = null, expiresOn: string | null = null): SourceResult =>
    ({ credential, status, reached, decisive, message: redact(message), identity, expiresOn, elapsedMs });
  switch (outcome.kind) {
    case 'excluded':
    case 'not-in-chain':
      return row('excluded', outcome.message);
    case 'token':
      return row('succeeded', `${credential}.get_token succeeded`, outcome.facts.identity, isoSeconds(outcome.facts.expiresOn));
    case 'unavailable':
      return row('unavailable', outcome.message);
    case 'failed':
      return row('failed', outcome.message);
    case 'not-checked': {
      const { reason } = outcome;
      const shown: SourceResult = { ...row('not-checked', notCheckedMessage(reason)), notCheckedReason: reason.kind };
      if (reason.kind === 'program') return { ...shown, unverifiedProgram: reason.file };
      if (reason.kind === 'secret') return { ...shown, unverifiedHost: reason.host, unverifiedSecret: reason.secret };
      return shown;
    }
    case 'constructor-error':
      return row('failed', `${outcome.error.exceptionType}: ${outcome.error.message}`);
  }
}

/** The call whose construction raises, when it is not DefaultAzureCredential(): the chain, or the lone credential. */
function raisingCallOf(chainClass: ChainClass, ordered: readonly SourceRecord[]): Pick<Verdict, 'raisingCall'> {
  if (chainClass === 'ChainedTokenCredential') return { raisingCall: 'ChainedTokenCredential' };
  const lone = chainClass === 'lone' ? ordered[0]?.credential : undefined;
  return lone ? { raisingCall: lone } : {};
}

function inChain(outcome: SourceOutcome): boolean {
  return outcome.kind !== 'excluded' && outcome.kind !== 'not-in-chain';
}

/**
 * What the code builds: DefaultAzureCredential, a ChainedTokenCredential of the records, or `lone`: the one record's
 * credential built on its own, whose get_token raises its own error (CredentialUnavailableError or
 * ClientAuthenticationError, with its own message) instead of a chain's list of attempts.
 */
export type ChainClass = 'DefaultAzureCredential' | 'ChainedTokenCredential' | 'lone';

/**
 * @param records every credential of the version, in chain order
 * @param chainError an error DefaultAzureCredential raises before constructing any source (invalid
 *   AZURE_TOKEN_CREDENTIALS, a non-https authority)
 */
export function applyVerdict(
  behaviour: ChainBehaviour, records: readonly SourceRecord[], chainError?: ConstructorError, redact: Redactor = keepText,
  chainClass: ChainClass = 'DefaultAzureCredential',
): ChainVerdict {
  const ordered = behaviour.order.map((name) => records.find((r) => r.credential === name)).filter((r): r is SourceRecord => r !== undefined);
  const notReached = (record: SourceRecord): SourceResult => sourceResult(record, false, false, redact);

  if (chainError) {
    return {
      sources: ordered.map(notReached),
      verdict: {
        outcome: 'constructor-error', credential: chainError.credential, message: redact(`${chainError.exceptionType}: ${chainError.message}`), exceptionType: chainError.exceptionType,
        ...raisingCallOf(chainClass, ordered),
      },
    };
  }

  // Constructors run in chain order; the first that raises makes DefaultAzureCredential() raise.
  const raising = ordered.find((r) => r.outcome.kind === 'constructor-error');
  if (raising && raising.outcome.kind === 'constructor-error') {
    const error = raising.outcome.error;
    return {
      // Python never calls get_token: nothing is reached, but this source's constructor is where it ends.
      sources: ordered.map((r) => (r === raising ? sourceResult(r, false, true, redact) : notReached(r))),
      verdict: {
        outcome: 'constructor-error', credential: raising.credential, message: redact(`${error.exceptionType}: ${error.message}`), exceptionType: error.exceptionType,
        ...raisingCallOf(chainClass, ordered),
      },
    };
  }

  const included = ordered.filter((r) => inChain(r.outcome));
  if (included.length === 0) {
    return {
      sources: ordered.map(notReached),
      verdict: { outcome: 'constructor-error', credential: null, message: 'ValueError: at least one credential is required', exceptionType: 'ValueError' },
    };
  }

  const sources: SourceResult[] = [];
  const attempts: { credential: string; message: string }[] = [];
  let verdict: Verdict | undefined;
  for (const record of ordered) {
    if (verdict || !inChain(record.outcome)) {
      sources.push(notReached(record));
      continue;
    }
    const outcome = record.outcome;
    if (chainClass === 'lone' && (outcome.kind === 'token' || outcome.kind === 'failed' || outcome.kind === 'unavailable')) {
      // On its own, the credential's get_token returns or raises by itself: azure-identity logs "<name>.get_token
      // succeeded", and raises the member's own error, "unavailable" included (nothing goes on after it).
      sources.push(sourceResult(record, true, true, redact));
      verdict = outcome.kind === 'token'
        ? { outcome: 'token', credential: record.credential, message: `${record.credential}.get_token succeeded` }
        : { outcome: 'failure', credential: record.credential, message: redact(outcome.message), exceptionType: outcome.kind === 'unavailable' ? 'CredentialUnavailableError' : 'ClientAuthenticationError' };
    } else if (outcome.kind === 'token') {
      sources.push(sourceResult(record, true, true, redact));
      verdict = { outcome: 'token', credential: record.credential, message: `${chainClass} acquired a token from ${record.credential}` };
    } else if (outcome.kind === 'failed') {
      attempts.push({ credential: record.credential, message: outcome.message });
      sources.push(sourceResult(record, true, true, redact));
      verdict = { outcome: 'failure', credential: record.credential, message: redact(aggregateFailureMessage(attempts, chainClass)) };
    } else if (outcome.kind === 'not-checked') {
      // Python would get a token or stop here (these requests never report "unavailable"); which one is unknown.
      sources.push(sourceResult(record, true, true, redact));
      verdict = { outcome: 'not-checked', credential: record.credential, message: redact(notCheckedVerdict(record.credential, outcome.reason)) };
    } else {
      attempts.push({ credential: record.credential, message: outcome.kind === 'unavailable' ? outcome.message : '' });
      sources.push(sourceResult(record, true, false, redact));
    }
  }
  return { sources, verdict: verdict ?? { outcome: 'failure', credential: null, message: redact(aggregateFailureMessage(attempts, chainClass)) } };
}
