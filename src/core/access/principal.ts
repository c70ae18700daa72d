// Whose access to show when it is not the signed-in identity's: a principal named the way people name them (an
// object id, a user principal name, an application id or a display name) found in Microsoft Graph through the one
// Azure layer. Users, groups, service principals and managed identities (service principals of type ManagedIdentity).
import { odataLiteral, type AzureClient, type AzureOperation } from '../azure/client';
import type { PrincipalKind } from './types';

export interface ResolvedPrincipal {
  readonly kind: PrincipalKind;
  readonly objectId: string;
  readonly displayName: string | null;
  /** Users only. */
  readonly upn: string | null;
  /** Service principals and managed identities only. */
  readonly appId: string | null;
}

/** No principal, or more than one, answers to what was given: `candidates` are the ones found (at most a few). */
export class PrincipalLookupError extends Error {
  constructor(message: string, readonly candidates: readonly ResolvedPrincipal[] = []) {
    super(message);
    this.name = 'PrincipalLookupError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longer than any display name or UPN Entra accepts: a longer text is not a principal's name. */
const MAX_QUERY = 256;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The kind of directory object, from its `@odata.type` or the collection it came from. */
function principalOf(o: Record<string, unknown>, collection?: 'users' | 'groups' | 'servicePrincipals'): ResolvedPrincipal | undefined {
  const type = (str(o['@odata.type']) ?? '').toLowerCase();
  const id = str(o.id);
  if (!id) return undefined;
  const name = str(o.displayName);
  if (collection === 'users' || type === '#microsoft.graph.user') return { kind: 'user', objectId: id, displayName: name, upn: str(o.userPrincipalName), appId: null };
  if (collection === 'groups' || type === '#microsoft.graph.group') return { kind: 'group', objectId: id, displayName: name, upn: null, appId: null };
  if (collection === 'servicePrincipals' || type === '#microsoft.graph.serviceprincipal') {
    const managed = (str(o.servicePrincipalType) ?? '').toLowerCase() === 'managedidentity';
    return { kind: managed ? 'managedIdentity' : 'servicePrincipal', objectId: id, displayName: name, upn: null, appId: str(o.appId) };
  }
  return undefined;
}

const SELECT: Record<'users' | 'groups' | 'servicePrincipals', string> = {
  users: 'id,displayName,userPrincipalName',
  groups: 'id,displayName,securityEnabled',
  servicePrincipals: 'id,displayName,appId,servicePrincipalType',
};

/** Describes a principal in a line: "Bob Platform (user bob@contoso.com)". */
export function describePrincipal(p: Pick<ResolvedPrincipal, 'kind' | 'displayName' | 'upn' | 'appId' | 'objectId'>): string {
  const kind = p.kind === 'user' ? 'user' : p.kind === 'group' ? 'group' : p.kind === 'managedIdentity' ? 'managed identity' : 'service principal';
  const id = p.upn ?? (p.appId ? `app id ${p.appId}` : p.objectId);
  return `${p.displayName ?? p.objectId} (${kind} ${id})`;
}

function isNotFound(error: unknown): boolean {
  return (error as { status?: number }).status === 404;
}

/**
 * Finds the one principal `query` names: an object id (of a user, group or service principal), else an application
 * id; a user principal name; else an exact display name among users, groups and service principals.
 */
export async function resolvePrincipal(graph: AzureClient, operation: AzureOperation, query: string): Promise<ResolvedPrincipal> {
  const given = query.trim();
  if (!given || given.length > MAX_QUERY || [...given].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new PrincipalLookupError('Expected an object id, a user principal name, an application id or a display name.');
  }
  const find = async (collection: 'users' | 'groups' | 'servicePrincipals', filter: string): Promise<ResolvedPrincipal[]> =>
    (await graph.list(operation, collection, { $filter: filter, $select: SELECT[collection], $top: '5' }, { maxItems: 5 }))
      .map((o) => principalOf(o, collection)).filter((p): p is ResolvedPrincipal => p !== undefined);
  if (GUID.test(given)) {
    try {
      const found = principalOf(await graph.get(operation, `directoryObjects/${encodeURIComponent(given)}`));
      if (found) return found;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const byApp = await find('servicePrincipals', `appId eq ${odataLiteral(given)}`);
    if (byApp[0]) return byApp[0];
    throw new PrincipalLookupError(`No user, group, service principal or managed identity has the object or application id ${given} in this tenant.`);
  }
  if (given.includes('@')) {
    const users = await find('users', `userPrincipalName eq ${odataLiteral(given)}`);
    if (users[0]) return users[0];
  }
  const named = (await Promise.all([
    find('users', `displayName eq ${odataLiteral(given)}`),
    find('groups', `displayName eq ${odataLiteral(given)}`),
    find('servicePrincipals', `displayName eq ${odataLiteral(given)}`),
  ])).flat();
  if (named.length === 1) return named[0]!;
  if (named.length === 0) throw new PrincipalLookupError(`No user, group, service principal or managed identity is named ${given} in this tenant.`);
  throw new PrincipalLookupError(`${named.length > 5 ? 'More than 5' : named.length} principals are named ${given}: give an object id instead (${named.slice(0, 5).map((p) => `${describePrincipal(p)}: ${p.objectId}`).join('; ')}).`, named);
}

/** The Graph collection a principal lives in (its groups are listed from there). */
export function graphPathOf(p: Pick<ResolvedPrincipal, 'kind' | 'objectId'>): string {
  const collection = p.kind === 'user' ? 'users' : p.kind === 'group' ? 'groups' : 'servicePrincipals';
  return `${collection}/${encodeURIComponent(p.objectId)}`;
}
