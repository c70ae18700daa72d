// Token minting and checking. Access tokens are RS256 JWTs in the v1 shape that ARM and Graph really receive
// (iss https://sts.windows.net/{tid}/, appid, idtyp, scp or roles, ver 1.0); ID tokens are v2. The signing key is
// made at start and published as JWKS at every tenant's jwks_uri.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, decodeJwt, errors as joseErrors, type JWK, type CryptoKey } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  // Entra's kid is the base64url SHA-1 thumbprint of the key's certificate; a thumbprint of the JWK is close enough.
  const kid = createHash('sha1').update(`${jwk.n}.${jwk.e}`).digest('base64url');
  return { kid, privateKey, publicKey, publicJwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e } };
}

export function jwks(key: SigningKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}

/** Who the token is for. Users carry `upn`; applications (service principals, managed identities) do not. */
export type TokenSubject =
  | { kind: 'user'; objectId: string; upn: string; name: string; givenName: string | null; surname: string | null; mfa: boolean; acrs?: string[] }
  | { kind: 'app'; objectId: string; appId: string; displayName: string; credential: 'secret' | 'certificate' | 'federated' | 'managedIdentity'; managedIdentityResourceId?: string };

export interface AccessTokenRequest {
  tenantId: string;
  /** Audience as the client asked for it (scope without `/.default`), e.g. `https://management.azure.com/`. */
  audience: string;
  /** The client application: az's public client id for users, the app's own id for applications. */
  clientAppId: string;
  subject: TokenSubject;
  /** Delegated permissions (space separated) for users, application roles for apps. */
  scp?: string;
  roles?: string[];
  lifetimeSeconds: number;
}

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export async function mintAccessToken(key: SigningKey, request: AccessTokenRequest): Promise<{ token: string; expiresOn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const expiresOn = now + request.lifetimeSeconds;
  const common = {
    aud: request.audience,
    iss: v1Issuer(request.tenantId),
    iat: now,
    nbf: now,
    exp: expiresOn,
    aio: opaque(24),
    appid: request.clientAppId,
    oid: request.subject.objectId,
    rh: `0.${opaque(24)}.`,
    tid: request.tenantId,
    uti: opaque(16),
    ver: '1.0',
    xms_tcdt: 1600000000,
  };
  const subject = request.subject;
  const claims = subject.kind === 'user'
    ? {
        ...common,
        acr: '1',
        ...(subject.acrs?.length ? { acrs: subject.acrs } : {}),
        amr: subject.mfa ? ['pwd', 'mfa'] : ['pwd'],
        appidacr: '0',
        family_name: subject.surname ?? undefined,
        given_name: subject.givenName ?? undefined,
        idtyp: 'user',
        ipaddr: '127.0.0.1',
        name: subject.name,
        puid: createHash('sha1').update(subject.objectId).digest('hex').slice(0, 16).toUpperCase(),
        scp: request.scp ?? 'user_impersonation',
        // Pairwise subject per (user, app), as Entra does.
        sub: createHash('sha256').update(`${subject.objectId}|${request.clientAppId}`).digest('base64url').slice(0, 43),
        unique_name: subject.upn,
        upn: subject.upn,
      }
    : {
        ...common,
        appidacr: subject.credential === 'certificate' ? '2' : subject.credential === 'secret' ? '1' : '2',
        idp: v1Issuer(request.tenantId),
        idtyp: 'app',
        ...(request.roles && request.roles.length > 0 ? { roles: request.roles } : {}),
        sub: subject.objectId,
        ...(subject.managedIdentityResourceId ? { xms_mirid: subject.managedIdentityResourceId } : {}),
      };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })
    .sign(key.privateKey);
  return { token, expiresOn };
}

export interface IdTokenRequest {
  issuer: string;
  tenantId: string;
  clientAppId: string;
  user: { objectId: string; upn: string; name: string };
  nonce?: string;
  lifetimeSeconds: number;
}

export async function mintIdToken(key: SigningKey, request: IdTokenRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: request.clientAppId,
    iss: request.issuer,
    iat: now,
    nbf: now,
    exp: now + request.lifetimeSeconds,
    name: request.user.name,
    ...(request.nonce ? { nonce: request.nonce } : {}),
    oid: request.user.objectId,
    preferred_username: request.user.upn,
    rh: `0.${opaque(24)}.`,
    sub: createHash('sha256').update(`${request.user.objectId}|${request.clientAppId}|id`).digest('base64url').slice(0, 43),
    tid: request.tenantId,
    uti: opaque(16),
    ver: '2.0',
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid })
    .sign(key.privateKey);
}

/** base64url JSON {uid, utid} that MSAL turns into home_account_id `uid.utid`. */
export function clientInfo(objectId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: objectId, utid: tenantId })).toString('base64url');
}

export type BearerCheck =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'audience'; detail: string };

/** Checks an `Authorization: Bearer` header value: signature with our key, expiry, and audience. */
export async function checkBearer(key: SigningKey, authorization: string | undefined, audiences: readonly string[]): Promise<BearerCheck> {
  if (!authorization) return { ok: false, reason: 'missing', detail: 'no Authorization header' };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) return { ok: false, reason: 'malformed', detail: 'not a Bearer token' };
  const token = match[1]!;
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'not a JWT' };
  }
  try {
    const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'], clockTolerance: 0 });
    const aud = payload.aud;
    const audList = Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : [];
    if (!audList.some((a) => audiences.includes(a))) {
      return { ok: false, reason: 'audience', detail: String(audList[0] ?? '') };
    }
    return { ok: true, claims: payload as Record<string, unknown> };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      return { ok: false, reason: 'expired', detail: String(unverified.exp ?? '') };
    }
    return { ok: false, reason: 'signature', detail: error instanceof Error ? error.name : 'invalid' };
  }
}

export function newOpaqueToken(prefix: string): string {
  return `${prefix}.${randomUUID().replace(/-/g, '')}${opaque(48)}`;
}
