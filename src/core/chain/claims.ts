// Who a token is for, from its claims. The token is decoded (never verified: only Entra can, and we only need to
// show who it names) and then dropped; nothing here keeps, logs or returns it.
import { decodeJwt } from 'jose';
import type { TokenIdentity } from './types';

function claim(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** upn (users) or appId (service principals and managed identities), objectId and tenantId; null for opaque tokens. */
export function identityFromToken(token: string): TokenIdentity | null {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return null;
  }
  const upn = claim(payload, 'upn') ?? claim(payload, 'unique_name') ?? claim(payload, 'preferred_username');
  const isApp = claim(payload, 'idtyp') === 'app' || (!upn && claim(payload, 'scp') === undefined);
  const identity: { upn?: string; appId?: string; objectId?: string; tenantId?: string } = {};
  if (upn && !isApp) identity.upn = upn;
  else {
    const appId = claim(payload, 'appid') ?? claim(payload, 'azp');
    if (appId) identity.appId = appId;
  }
  const oid = claim(payload, 'oid');
  if (oid) identity.objectId = oid;
  const tid = claim(payload, 'tid');
  if (tid) identity.tenantId = tid;
  return Object.keys(identity).length ? identity : null;
}

/** What a probe keeps of a token: who it is for and until when. */
export interface TokenFacts {
  readonly identity: TokenIdentity | null;
  /** Epoch seconds. */
  readonly expiresOn: number;
}

export function tokenFacts(token: string, expiresOn: number): TokenFacts {
  return { identity: identityFromToken(token), expiresOn };
}
