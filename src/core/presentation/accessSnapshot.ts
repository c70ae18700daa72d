// What the Access view shows, as one immutable value per moment: a union by phase, like the chain's snapshot. A
// failed load carries the last report of the same identity only as `stale`; a load for another identity never shows
// the previous identity's report. Also here: which identity the view should describe, derived from the chain's
// snapshot, so the rule "follow the active source and its identity" is one pure function.
import type { CloudEndpoints } from '../access/clouds';
import type { AccessProblem, AccessReport } from '../access/types';
import type { ChainReport, CredentialName } from '../chain/types';
import { displayName, fullIdentity, verdictHeadline } from './chainRows';
import { activeSource, assertNever, failureReason, type ChainSnapshot, type SnapshotScope } from './snapshot';

/** The identity the view describes: the chain's active source as it signs in, for one workspace folder. */
export interface AccessSubject {
  readonly source: CredentialName;
  readonly objectId: string | null;
  readonly tenantId: string | null;
  /** "alice@contoso.com" or "Azure CLI" when the token named nobody: for rows that name whose access loads. */
  readonly who: string;
  /** The workspace folder whose `.env` and settings apply ('' in a window without one). */
  readonly folderUri: string;
  /** Check Access for…: the principal whose access the view shows instead, read with this source's token. */
  readonly principal?: { readonly objectId: string; readonly label: string };
}

/** Two subjects with the same key are the same identity through the same source for the same folder. */
export function subjectKey(subject: AccessSubject): string {
  return [subject.folderUri, subject.source, (subject.objectId ?? '').toLowerCase(), (subject.tenantId ?? '').toLowerCase(), (subject.principal?.objectId ?? '').toLowerCase()].join('|');
}

export interface CompletedAccess {
  readonly report: AccessReport;
  readonly cloud: CloudEndpoints;
  /** Epoch milliseconds. */
  readonly loadedAt: number;
}

/** Why a load produced no report. */
export type AccessFailure =
  /** Azure, the source or the network said no (AccessUnavailableError or a classified error), with its fix. */
  | { readonly kind: 'problem'; readonly problem: AccessProblem }
  /** `azureDevAuth.cloud` names no cloud the view can use. */
  | { readonly kind: 'cloudSetting'; readonly message: string };

/** Why there is no identity to describe. */
export type NoSourceReason =
  /** DefaultAzureCredential ends without a token: the chain view's headline says where and why. */
  | { readonly kind: 'chainFails'; readonly headline: string }
  /** The deciding source would send a secret to a host nobody allowed, so its identity is unknown. */
  | { readonly kind: 'notChecked'; readonly headline: string }
  /** The chain's check itself failed, with no earlier answer to fall back on. */
  | { readonly kind: 'checkFailed'; readonly reason: string };

export interface IdleAccess {
  readonly phase: 'idle';
  readonly scope: SnapshotScope;
}

export interface NoSourceAccess {
  readonly phase: 'no-source';
  readonly scope: SnapshotScope;
  readonly why: NoSourceReason;
}

export interface LoadingAccess {
  readonly phase: 'loading';
  readonly scope: SnapshotScope;
  readonly subject: AccessSubject;
  /** The last report of this same subject, shown while the new one loads; undefined for a new identity. */
  readonly previous: CompletedAccess | undefined;
  /** "Azure is throttling requests; waiting 10 s…" while the load waits for Azure. */
  readonly throttled: string | undefined;
}

export interface ReadyAccess {
  readonly phase: 'ready';
  readonly scope: SnapshotScope;
  readonly subject: AccessSubject;
  readonly access: CompletedAccess;
}

export interface FailedAccess {
  readonly phase: 'failed';
  readonly scope: SnapshotScope;
  readonly subject: AccessSubject;
  readonly failure: AccessFailure;
  /** Epoch milliseconds. */
  readonly failedAt: number;
  /** The last report of this same subject, shown only marked as stale. */
  readonly stale: CompletedAccess | undefined;
}

export type AccessSnapshot = IdleAccess | NoSourceAccess | LoadingAccess | ReadyAccess | FailedAccess;

/** What the Access view should describe, given the chain's snapshot. */
export type AccessTarget =
  /** The chain is being checked: keep showing what is shown until it has an answer. */
  | { readonly kind: 'wait' }
  /** The chain has not been checked yet. */
  | { readonly kind: 'idle' }
  | { readonly kind: 'none'; readonly why: NoSourceReason }
  | { readonly kind: 'subject'; readonly subject: AccessSubject };

function targetOfReport(report: ChainReport, folderUri: string): AccessTarget {
  const active = activeSource(report);
  if (active) {
    return {
      kind: 'subject',
      subject: {
        source: active.credential,
        objectId: active.identity?.objectId ?? null,
        tenantId: active.identity?.tenantId ?? null,
        who: fullIdentity(active.identity) ?? displayName(active.credential),
        folderUri,
      },
    };
  }
  const headline = verdictHeadline(report.verdict, report.sources);
  return { kind: 'none', why: report.verdict.outcome === 'not-checked' ? { kind: 'notChecked', headline } : { kind: 'chainFails', headline } };
}

export function accessTarget(chain: ChainSnapshot): AccessTarget {
  const folderUri = chain.scope.folder?.uri ?? '';
  switch (chain.phase) {
    case 'idle': return { kind: 'idle' };
    case 'probing': return { kind: 'wait' };
    case 'ready': return targetOfReport(chain.check.report, folderUri);
    case 'failed': {
      // The chain view still shows its last answer (stale); its identity is the best guess of who the code is.
      const stale = chain.stale ? targetOfReport(chain.stale.report, folderUri) : undefined;
      return stale?.kind === 'subject' ? stale : { kind: 'none', why: { kind: 'checkFailed', reason: failureReason(chain.failure) } };
    }
    default: return assertNever(chain);
  }
}

/** The report a command can act on: the current one, or the one still shown (while refreshing, or stale). */
export function shownAccess(snapshot: AccessSnapshot): CompletedAccess | undefined {
  switch (snapshot.phase) {
    case 'idle':
    case 'no-source': return undefined;
    case 'loading': return snapshot.previous;
    case 'ready': return snapshot.access;
    case 'failed': return snapshot.stale;
    default: return assertNever(snapshot);
  }
}
