// A token names a service principal or managed identity only by its app id; Microsoft Graph knows its display name.
// Once the Access view has described an app id, the chain's rows, status bar and lenses show that name instead of a
// bare GUID. Names are a tenant's text: control and format characters are dropped and the length is bounded here,
// and every renderer still escapes for its own medium (Markdown, a tree label).
import type { SourceResult, TokenIdentity } from '../chain/types';
import type { AccessIdentity } from '../access/types';
import type { ChainSnapshot, CompletedCheck } from './snapshot';

/** App id → display name. */
export type PrincipalNames = ReadonlyMap<string, string>;

/** Longer than Entra allows for a display name (256): anything longer is cut. */
const MAX_NAME = 120;
/** Names kept at once; the oldest is forgotten first. */
export const MAX_NAMED_PRINCIPALS = 64;

/** A display name as it may be shown, or undefined when nothing printable is left. */
export function printableName(name: string): string | undefined {
  const cleaned = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!cleaned) return undefined;
  return cleaned.length > MAX_NAME ? `${cleaned.slice(0, MAX_NAME - 1)}…` : cleaned;
}

/** The app id and name an Access report gives an application identity, if it names one. */
export function namedApplication(identity: AccessIdentity): { appId: string; displayName: string } | undefined {
  if (identity.kind !== 'servicePrincipal' && identity.kind !== 'managedIdentity') return undefined;
  if (!identity.appId || !identity.displayName) return undefined;
  const displayName = printableName(identity.displayName);
  return displayName ? { appId: identity.appId.toLowerCase(), displayName } : undefined;
}

/** The names with one more (or a renamed) app id, most recent last, bounded. */
export function withName(names: PrincipalNames, appId: string, displayName: string): PrincipalNames {
  const next = new Map(names);
  next.delete(appId);
  next.set(appId, displayName);
  while (next.size > MAX_NAMED_PRINCIPALS) next.delete(next.keys().next().value!);
  return next;
}

function namedIdentity(identity: TokenIdentity | null, names: PrincipalNames): TokenIdentity | null {
  if (!identity?.appId || identity.upn) return identity;
  const name = names.get(identity.appId.toLowerCase());
  return name && name !== identity.displayName ? { ...identity, displayName: name } : identity;
}

function namedCheck(check: CompletedCheck, names: PrincipalNames): CompletedCheck {
  let changed = false;
  const sources = check.report.sources.map((source): SourceResult => {
    const identity = namedIdentity(source.identity, names);
    if (identity === source.identity) return source;
    changed = true;
    return { ...source, identity };
  });
  return changed ? { ...check, report: { ...check.report, sources } } : check;
}

/** The snapshot with every application identity it shows named, or the same object when nothing changes. */
export function namedSnapshot(snapshot: ChainSnapshot, names: PrincipalNames): ChainSnapshot {
  if (names.size === 0) return snapshot;
  switch (snapshot.phase) {
    case 'idle': return snapshot;
    case 'probing': {
      const previous = snapshot.previous && namedCheck(snapshot.previous, names);
      return previous === snapshot.previous ? snapshot : { ...snapshot, previous };
    }
    case 'ready': {
      const check = namedCheck(snapshot.check, names);
      return check === snapshot.check ? snapshot : { ...snapshot, check };
    }
    case 'failed': {
      const stale = snapshot.stale && namedCheck(snapshot.stale, names);
      return stale === snapshot.stale ? snapshot : { ...snapshot, stale };
    }
  }
}
