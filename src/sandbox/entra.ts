// Entra ID stand-in: OpenID configuration, instance discovery, JWKS, the v2.0 token endpoint (client credentials
// with a secret, a certificate assertion or a federated assertion; password; refresh token; device code;
// authorization code with PKCE), the device-code endpoint, the device-login and authorize pages, and user realm
// discovery. Errors are the real AADSTS JSON bodies (see test/fixtures/realdata/entra-token/errors).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import {
  HttpError, escapeHtml, header, isGuid, parseForm, redirect, sendHtml, sendJson,
  type RequestContext, type Route,
} from './http';
import { redactParameters } from './control';
import type { SandboxRuntime } from './runtime';
import type { ServicePrincipalObject, UserObject } from './state';
import { clientInfo, mintAccessToken, mintIdToken, newOpaqueToken, jwks, type TokenSubject } from './tokens';

// ---------------------------------------------------------------------------------------------------------------
// Resources the tenant can issue tokens for.

export interface KnownResource { appId: string; displayName: string; identifiers: string[]; delegated: string }

const GRAPH_DELEGATED = 'Application.ReadWrite.All AuditLog.Read.All Directory.AccessAsUser.All email Group.ReadWrite.All openid profile User.Read User.Read.All User.ReadWrite.All';

export const KNOWN_RESOURCES: KnownResource[] = [
  { appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', displayName: 'Windows Azure Service Management API', identifiers: ['https://management.azure.com', 'https://management.core.windows.net'], delegated: 'user_impersonation' },
  { appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', identifiers: ['https://graph.microsoft.com'], delegated: GRAPH_DELEGATED },
  { appId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093', displayName: 'Azure Key Vault', identifiers: ['https://vault.azure.net'], delegated: 'user_impersonation' },
  { appId: 'e406a681-f3d4-42a8-90b6-c2b029497af1', displayName: 'Azure Storage', identifiers: ['https://storage.azure.com'], delegated: 'user_impersonation' },
  { appId: '7d312290-28c8-473c-a0ed-8e53749b6d6d', displayName: 'Azure Cognitive Services', identifiers: ['https://cognitiveservices.azure.com'], delegated: 'user_impersonation' },
  { appId: '022907d3-0f1b-48f7-badc-1ba6abab6d66', displayName: 'Azure SQL Database', identifiers: ['https://database.windows.net'], delegated: 'user_impersonation' },
  { appId: '123cd850-d9df-40bd-94d5-c9f07b7fa203', displayName: 'Azure OSSRDBMS Database', identifiers: ['https://ossrdbms-aad.database.windows.net'], delegated: 'user_impersonation' },
  { appId: '80a10ef9-8168-493d-abf9-3297c4ef6e3c', displayName: 'Azure Service Bus', identifiers: ['https://servicebus.azure.net'], delegated: 'user_impersonation' },
  { appId: '80369ed6-5f11-4dd9-bef3-692475845e77', displayName: 'Microsoft.EventHubs', identifiers: ['https://eventhubs.azure.net'], delegated: 'user_impersonation' },
  { appId: 'a232010e-820c-4083-83bb-3ace5fc29d0b', displayName: 'Azure Cosmos DB', identifiers: ['https://cosmos.azure.com'], delegated: 'user_impersonation' },
  { appId: '35ffadb3-7fc1-497e-b61b-381d28e744cc', displayName: 'Azure App Configuration', identifiers: ['https://azconfig.io'], delegated: 'user_impersonation' },
  { appId: '880da380-985e-4198-81b9-e05b1cc53158', displayName: 'Azure Cognitive Search', identifiers: ['https://search.azure.com'], delegated: 'user_impersonation' },
];

function withSlashes(identifiers: string[]): string[] {
  return identifiers.flatMap((i) => [i, `${i}/`]);
}
export const ARM_AUDIENCES = withSlashes(KNOWN_RESOURCES[0]!.identifiers);
export const GRAPH_AUDIENCES = [...withSlashes(KNOWN_RESOURCES[1]!.identifiers), KNOWN_RESOURCES[1]!.appId];

export function findResource(resource: string): KnownResource | undefined {
  const needle = resource.replace(/\/+$/, '').toLowerCase();
  return KNOWN_RESOURCES.find((r) => r.appId === needle || r.identifiers.some((i) => i.toLowerCase() === needle));
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

interface ParsedScope {
  resource: KnownResource;
  /** The resource as the client named it; becomes the token's `aud`. */
  requested: string;
  permissions: string[];
  oidc: Set<string>;
}

/** Splits a v2 `scope` into its single resource and the OIDC scopes; AADSTS errors for anything else. */
function parseScope(ctx: RequestContext, rt: SandboxRuntime, scope: string): ParsedScope {
  const oidc = new Set<string>();
  const byResource = new Map<string, { requested: string; permissions: string[] }>();
  for (const item of scope.split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(item)) { oidc.add(item); continue; }
    let requested: string;
    let permission: string;
    const slash = item.lastIndexOf('/');
    if (item.includes('://') || (slash > 0 && isGuid(item.slice(0, slash)))) {
      requested = item.slice(0, slash);
      permission = item.slice(slash + 1);
    } else {
      requested = KNOWN_RESOURCES[1]!.appId; // a bare permission such as User.Read is a Graph permission
      permission = item;
    }
    const key = requested.replace(/\/+$/, '').toLowerCase();
    const entry = byResource.get(key) ?? { requested, permissions: [] };
    entry.permissions.push(permission);
    byResource.set(key, entry);
  }
  if (byResource.size > 1) {
    throw aadError(ctx, 400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ' + scope + ' is not valid.');
  }
  const only = [...byResource.values()][0] ?? { requested: KNOWN_RESOURCES[1]!.appId, permissions: ['User.Read'] };
  const resource = findResource(only.requested);
  if (!resource) {
    throw aadError(ctx, 400, 'invalid_resource', 500011, `The resource principal named ${only.requested} was not found in the tenant named ${rt.state.tenantDisplayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
  }
  return { resource, requested: only.requested, permissions: only.permissions, oidc };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

function entraTimestamp(date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The real AADSTS error body: error, error_description with trace lines, error_codes, ids, error_uri. */
export function aadError(ctx: RequestContext | { origin: string }, status: number, error: string, code: number, message: string, extra: Record<string, unknown> = {}): HttpError {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = entraTimestamp();
  return new HttpError(status, {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.origin}/error?code=${code}`,
    ...extra,
  });
}

function unknownTenant(ctx: RequestContext, segment: string): HttpError {
  if (!isGuid(segment) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(segment)) {
    return aadError(ctx, 400, 'invalid_request', 900023, `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`);
  }
  return aadError(ctx, 400, 'invalid_tenant', 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
}

const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

/** Resolves the tenant segment of an Entra URL; throws AADSTS90002/900023 for tenants the sandbox does not hold. */
function requireTenant(ctx: RequestContext, rt: SandboxRuntime, segment: string): void {
  if (MULTI_TENANT_SEGMENTS.has(segment.toLowerCase()) || rt.state.matchesTenant(segment)) return;
  throw unknownTenant(ctx, segment);
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

function openIdConfiguration(ctx: RequestContext, rt: SandboxRuntime, segment: string): Record<string, unknown> {
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const pathTenant = multi ? segment.toLowerCase() : rt.state.tenantId;
  const base = `${ctx.origin}/${pathTenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: multi ? `${ctx.origin}/{tenantid}/v2.0` : `${ctx.origin}/${rt.state.tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: multi ? null : 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

const PUBLIC_CLOUD_ALIASES = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'];

/**
 * GET /common/discovery/instance. MSAL calls it at login.microsoftonline.com for any authority host it does not know
 * (so it reaches us through the egress proxy). The sandbox vouches for its own loopback host and the public cloud.
 */
function instanceDiscovery(ctx: RequestContext, rt: SandboxRuntime): void {
  const endpoint = ctx.query.get('authorization_endpoint') ?? '';
  let url: URL | undefined;
  try { url = new URL(endpoint); } catch { url = undefined; }
  const loopback = new URL(rt.loopbackUrl);
  const tenant = url?.pathname.split('/')[1] || 'common';
  if (url && (url.hostname === loopback.hostname || url.hostname === 'localhost')) {
    sendJson(ctx, 200, {
      tenant_discovery_endpoint: `${rt.loopbackUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: loopback.host, preferred_cache: loopback.host, aliases: [loopback.host, loopback.hostname] }],
    });
    return;
  }
  if (url && PUBLIC_CLOUD_ALIASES.includes(url.hostname)) {
    sendJson(ctx, 200, {
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: PUBLIC_CLOUD_ALIASES }],
    });
    return;
  }
  throw aadError(ctx, 400, 'invalid_instance', 50049, 'Unknown or invalid instance.');
}

// ---------------------------------------------------------------------------------------------------------------
// Token issuance

function lifetime(rt: SandboxRuntime): number {
  return rt.control.settings.accessTokenLifetimeSeconds;
}

function userSubject(user: UserObject, mfa: boolean, acrs: string[] = []): TokenSubject {
  return { kind: 'user', objectId: user.objectId, upn: user.userPrincipalName, name: user.displayName, givenName: user.givenName, surname: user.surname, mfa, ...(acrs.length ? { acrs } : {}) };
}

/** The authentication contexts a `claims` request parameter asks for: {"access_token":{"acrs":{"values":[…]}}}. */
function requestedAcrs(claims: string | null): string[] {
  if (!claims) return [];
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { values?: unknown; value?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    const values = Array.isArray(acrs?.values) ? acrs.values : typeof acrs?.value === 'string' ? [acrs.value] : [];
    return values.filter((v): v is string => typeof v === 'string' && /^[\w-]{1,32}$/.test(v)).slice(0, 10);
  } catch {
    return [];
  }
}

function isPublicClient(rt: SandboxRuntime, appId: string): boolean {
  return rt.state.seed.publicClients.some((c) => c.appId.toLowerCase() === appId.toLowerCase());
}

function requireParam(ctx: RequestContext, form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw aadError(ctx, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
  return value;
}

function applicationNotFound(ctx: RequestContext, rt: SandboxRuntime, appId: string): HttpError {
  return aadError(ctx, 400, 'unauthorized_client', 700016, `Application with identifier '${appId}' was not found in the directory '${rt.state.tenantDisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
}

function mfaRequired(ctx: RequestContext, resource: KnownResource): HttpError {
  return aadError(ctx, 400, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource.appId}'.`, {
    suberror: 'basic_action',
    claims: JSON.stringify({ access_token: { capolids: { essential: true, values: [randomUUID()] } } }),
  });
}

function conditionalAccessBlocked(ctx: RequestContext): HttpError {
  // entra-token/errors/AADSTS53003_conditional_access_blocked_400.json: message_only, with the blocking policy ids.
  return aadError(ctx, 400, 'invalid_grant', 53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', {
    suberror: 'message_only',
    claims: JSON.stringify({ access_token: { capolids: { essential: true, values: [randomUUID()] } } }),
  });
}

function consentRequired(ctx: RequestContext, appId: string, displayName: string): HttpError {
  // entra-token/errors/AADSTS65001_consent_required_400.json (suberror consent_required).
  return aadError(ctx, 400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${appId}' named '${displayName}'. Send an interactive authorization request for this user and resource.`, { suberror: 'consent_required' });
}

/**
 * The delegated permissions Entra writes into a user's token: per resource, and for Microsoft Graph per client
 * app. The first-party command-line tools (az, azd, Azure PowerShell) are pre-authorized for broad Graph access
 * (Directory.AccessAsUser.All ...); a client whose seed entry names `graphPermissions` gets only those.
 */
function delegatedPermissions(rt: SandboxRuntime, clientAppId: string, resource: KnownResource): string {
  if (resource.appId !== KNOWN_RESOURCES[1]!.appId) return resource.delegated;
  return publicClient(rt, clientAppId)?.graphPermissions ?? resource.delegated;
}

function publicClient(rt: SandboxRuntime, appId: string): SandboxRuntime['state']['seed']['publicClients'][number] | undefined {
  return rt.state.seed.publicClients.find((c) => c.appId.toLowerCase() === appId.toLowerCase());
}

interface UserGrant { user: UserObject; clientAppId: string; scope: string; mfa: boolean; nonce?: string; interactive?: boolean; acrs?: string[] }

async function issueUserTokens(ctx: RequestContext, rt: SandboxRuntime, form: URLSearchParams, grant: UserGrant): Promise<void> {
  const parsed = parseScope(ctx, rt, grant.scope);
  const client = publicClient(rt, grant.clientAppId);
  if (client?.consentedResources) {
    const consentKey = `${grant.user.objectId}|${client.appId}|${parsed.resource.appId}`.toLowerCase();
    const consented = client.consentedResources.some((r) => findResource(r)?.appId === parsed.resource.appId) || rt.sessions.consents.has(consentKey);
    // An interactive sign-in is where a user consents; a silent grant (password, refresh token) cannot ask.
    if (!consented && !grant.interactive) throw consentRequired(ctx, client.appId, client.displayName);
    rt.sessions.consents.add(consentKey);
  }
  if (grant.user.conditionalAccessBlocked) throw conditionalAccessBlocked(ctx);
  if (grant.user.mfaRequired && !grant.mfa) throw mfaRequired(ctx, parsed.resource);
  // A claims challenge asking for authentication contexts: an interactive sign-in (which did MFA) satisfies it and
  // the session keeps them; a silent grant cannot.
  const asked = requestedAcrs(form.get('claims'));
  if (asked.length && !grant.interactive) throw mfaRequired(ctx, parsed.resource);
  const acrs = [...new Set([...(grant.acrs ?? []), ...asked])];
  const delegated = delegatedPermissions(rt, grant.clientAppId, parsed.resource);
  const { token, expiresOn } = await mintAccessToken(rt.signingKey, {
    tenantId: rt.state.tenantId, audience: parsed.requested, clientAppId: grant.clientAppId,
    subject: userSubject(grant.user, grant.mfa, acrs), scp: delegated, lifetimeSeconds: lifetime(rt),
  });
  rt.control.count('token.issued');
  const grantedScopes = parsed.resource.appId === KNOWN_RESOURCES[1]!.appId && !parsed.requested.includes('://')
    ? delegated.split(' ')
    : [...delegated.split(' ').map((p) => `${parsed.requested}/${p}`), ...(parsed.permissions.includes('.default') ? [`${parsed.requested}/.default`] : [])];
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: grantedScopes.join(' '),
    expires_in: expiresOn - Math.floor(Date.now() / 1000),
    ext_expires_in: expiresOn - Math.floor(Date.now() / 1000),
    access_token: token,
  };
  const refreshToken = newOpaqueToken('1');
  rt.sessions.refreshTokens.set(refreshToken, { userObjectId: grant.user.objectId, clientAppId: grant.clientAppId, issuedAt: Date.now(), mfa: grant.mfa, expired: false, ...(acrs.length ? { acrs } : {}) });
  body.refresh_token = refreshToken;
  if (parsed.oidc.has('openid')) {
    body.id_token = await mintIdToken(rt.signingKey, {
      issuer: `${ctx.origin}/${rt.state.tenantId}/v2.0`, tenantId: rt.state.tenantId, clientAppId: grant.clientAppId,
      user: { objectId: grant.user.objectId, upn: grant.user.userPrincipalName, name: grant.user.displayName },
      ...(grant.nonce ? { nonce: grant.nonce } : {}), lifetimeSeconds: lifetime(rt),
    });
  }
  if (form.get('client_info') === '1') body.client_info = clientInfo(grant.user.objectId, rt.state.tenantId);
  // Azure CLI, PowerShell and VS Code belong to Microsoft's "family of client IDs" (shared refresh tokens).
  if (isPublicClient(rt, grant.clientAppId)) body.foci = '1';
  sendJson(ctx, 200, body);
}

async function issueAppToken(ctx: RequestContext, rt: SandboxRuntime, sp: ServicePrincipalObject, scope: string, credential: 'secret' | 'certificate' | 'federated'): Promise<void> {
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    throw aadError(ctx, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const parsed = parseScope(ctx, rt, scope);
  const isGraph = parsed.resource.appId === KNOWN_RESOURCES[1]!.appId;
  const { token, expiresOn } = await mintAccessToken(rt.signingKey, {
    tenantId: rt.state.tenantId, audience: parsed.requested, clientAppId: sp.appId,
    subject: { kind: 'app', objectId: sp.objectId, appId: sp.appId, displayName: sp.displayName, credential },
    ...(isGraph ? { roles: sp.graphAppRoles } : {}), lifetimeSeconds: lifetime(rt),
  });
  rt.control.count('token.issued');
  const expiresIn = expiresOn - Math.floor(Date.now() / 1000);
  sendJson(ctx, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
}

// ---------------------------------------------------------------------------------------------------------------
// Client authentication for confidential clients

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function basicAuth(ctx: RequestContext): { id: string; secret: string } | undefined {
  const value = header(ctx, 'authorization');
  const match = value ? /^Basic\s+(\S+)$/i.exec(value) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

async function authenticateServicePrincipal(
  ctx: RequestContext, rt: SandboxRuntime, form: URLSearchParams, segment: string,
): Promise<{ sp: ServicePrincipalObject; credential: 'secret' | 'certificate' | 'federated' }> {
  const basic = basicAuth(ctx);
  const clientId = form.get('client_id') ?? basic?.id;
  if (!clientId) throw aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const sp = rt.state.servicePrincipalByAppId(clientId);
  if (!sp || sp.servicePrincipalType !== 'Application') throw applicationNotFound(ctx, rt, clientId);
  const secret = form.get('client_secret') ?? basic?.secret;
  if (secret !== undefined && secret !== null) {
    if (!sp.secrets.includes(secret)) {
      throw aadError(ctx, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${sp.appId}'.`);
    }
    return { sp, credential: 'secret' };
  }
  const assertion = form.get('client_assertion');
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION) {
      throw aadError(ctx, 400, 'invalid_request', 50027, 'Invalid JWT token. The client_assertion_type is not supported.');
    }
    return { sp, credential: await verifyClientAssertion(ctx, rt, sp, assertion, segment) };
  }
  throw aadError(ctx, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
}

async function verifyClientAssertion(ctx: RequestContext, rt: SandboxRuntime, sp: ServicePrincipalObject, assertion: string, segment: string): Promise<'certificate' | 'federated'> {
  let protectedHeader: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    protectedHeader = decodeProtectedHeader(assertion) as Record<string, unknown>;
    claims = decodeJwt(assertion) as Record<string, unknown>;
  } catch {
    throw aadError(ctx, 400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp < now - 300) {
    throw aadError(ctx, 401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  const x5t = protectedHeader.x5t ?? protectedHeader['x5t#S256'];
  if (typeof x5t === 'string') {
    // Certificate credential: the thumbprint must be the one registered for the app (the generated client cert).
    const cert = rt.tls.clientCert;
    const known = [
      Buffer.from(cert.thumbprintSha1Hex, 'hex').toString('base64url'),
      Buffer.from(cert.thumbprintSha256Hex, 'hex').toString('base64url'),
    ];
    const normalized = x5t.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    if (!sp.useGeneratedCertificate || !known.includes(normalized)) {
      throw aadError(ctx, 401, 'invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(normalized, 'base64url').toString('hex').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${sp.appId}'.]`);
    }
    try {
      const alg = typeof protectedHeader.alg === 'string' ? protectedHeader.alg : 'RS256';
      await jwtVerify(assertion, await importX509(cert.certPem, alg), { clockTolerance: 300 });
    } catch {
      throw aadError(ctx, 401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const tokenEndpointSuffix = '/oauth2/v2.0/token';
    if (!audience.some((a) => typeof a === 'string' && (a.endsWith(tokenEndpointSuffix) || a.endsWith('/oauth2/token') || a.endsWith(`/${segment}/v2.0`)))) {
      throw aadError(ctx, 401, 'invalid_client', 700212, 'No matching federated identity record found for presented assertion audience.');
    }
    if (claims.iss !== sp.appId || claims.sub !== sp.appId) {
      throw aadError(ctx, 401, 'invalid_client', 700023, 'Client assertion audience claim does not match Realm issuer.');
    }
    return 'certificate';
  }
  // Federated credential (workload identity): issuer, subject and audience must match a registered record; the
  // sandbox can only verify assertions it minted itself (POST /_sandbox/federated-token).
  const issuer = String(claims.iss ?? '');
  const subject = String(claims.sub ?? '');
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  const record = sp.federatedCredentials.find((f) => {
    const fIssuer = f.issuerPath.startsWith('/') ? `${rt.loopbackUrl}${f.issuerPath}` : f.issuerPath;
    return fIssuer === issuer && f.subject === subject && f.audiences.some((a) => audiences.includes(a));
  });
  if (!record) {
    throw aadError(ctx, 400, 'invalid_request', 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audiences.join(',')}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`);
  }
  try {
    await jwtVerify(assertion, rt.signingKey.publicKey, { algorithms: ['RS256'] });
  } catch {
    throw aadError(ctx, 400, 'invalid_request', 700211, `No matching federated identity record found for presented assertion issuer '${issuer}'.`);
  }
  return 'federated';
}

// ---------------------------------------------------------------------------------------------------------------
// Grants

async function tokenEndpoint(ctx: RequestContext, params: string[], rt: SandboxRuntime): Promise<void> {
  const segment = params[0]!;
  requireTenant(ctx, rt, segment);
  const form = parseForm(await ctx.body());
  ctx.details = redactParameters(form);
  const grantType = requireParam(ctx, form, 'grant_type');
  switch (grantType) {
    case 'client_credentials': {
      const { sp, credential } = await authenticateServicePrincipal(ctx, rt, form, segment);
      await issueAppToken(ctx, rt, sp, requireParam(ctx, form, 'scope'), credential);
      return;
    }
    case 'password': {
      const clientAppId = requirePublicOrKnownClient(ctx, rt, form);
      const username = requireParam(ctx, form, 'username');
      const password = requireParam(ctx, form, 'password');
      const user = rt.state.user(username);
      if (!user) {
        throw aadError(ctx, 400, 'invalid_grant', 50034, `The user account {EUII Hidden} does not exist in the ${rt.state.tenantId} directory. To sign into this application, the account must be added to the directory.`);
      }
      if (user.password !== password) {
        throw aadError(ctx, 400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
      }
      await issueUserTokens(ctx, rt, form, { user, clientAppId, scope: form.get('scope') ?? 'openid profile offline_access', mfa: false });
      return;
    }
    case 'refresh_token': {
      const clientAppId = requirePublicOrKnownClient(ctx, rt, form);
      const refreshToken = requireParam(ctx, form, 'refresh_token');
      const record = rt.sessions.refreshTokens.get(refreshToken);
      if (!record) {
        throw aadError(ctx, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', { suberror: 'bad_token' });
      }
      if (record.expired) {
        throw aadError(ctx, 400, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(record.issuedAt).toISOString().replace('Z', '0000Z')} and was inactive for 90.00:00:00.`);
      }
      const user = rt.state.object(record.userObjectId);
      if (!user || user.kind !== 'user') {
        throw aadError(ctx, 400, 'invalid_grant', 50034, `The user account {EUII Hidden} does not exist in the ${rt.state.tenantId} directory. To sign into this application, the account must be added to the directory.`);
      }
      await issueUserTokens(ctx, rt, form, { user, clientAppId, scope: form.get('scope') ?? 'openid profile offline_access', mfa: record.mfa, ...(record.acrs ? { acrs: record.acrs } : {}) });
      return;
    }
    case 'urn:ietf:params:oauth:grant-type:device_code':
    case 'device_code': {
      const clientAppId = requirePublicOrKnownClient(ctx, rt, form);
      const code = form.get('device_code') ?? form.get('code');
      if (!code) throw aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'device_code'.");
      await redeemDeviceCode(ctx, rt, form, code, clientAppId);
      return;
    }
    case 'authorization_code': {
      const clientAppId = requirePublicOrKnownClient(ctx, rt, form);
      await redeemAuthorizationCode(ctx, rt, form, clientAppId);
      return;
    }
    default:
      throw aadError(ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
}

function requirePublicOrKnownClient(ctx: RequestContext, rt: SandboxRuntime, form: URLSearchParams): string {
  const clientId = requireParam(ctx, form, 'client_id');
  if (isPublicClient(rt, clientId) || rt.state.servicePrincipalByAppId(clientId)) return clientId;
  throw applicationNotFound(ctx, rt, clientId);
}

async function redeemDeviceCode(ctx: RequestContext, rt: SandboxRuntime, form: URLSearchParams, code: string, clientAppId: string): Promise<void> {
  const record = rt.sessions.deviceCodes.get(code);
  if (!record || record.clientAppId !== clientAppId) {
    throw aadError(ctx, 400, 'invalid_grant', 70000, 'The provided value for the input parameter \'device_code\' is not valid.');
  }
  if (record.redeemed) {
    throw aadError(ctx, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
  }
  if (Date.now() > record.expiresAt) {
    throw aadError(ctx, 400, 'expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
  }
  if (record.declined) {
    throw aadError(ctx, 400, 'authorization_declined', 70019, 'Verification code expired.');
  }
  const auto = rt.control.settings.autoApproveDeviceCodesAs;
  if (!record.approvedUserObjectId && auto) {
    const user = rt.state.user(auto);
    if (user) record.approvedUserObjectId = user.objectId;
  }
  if (!record.approvedUserObjectId) {
    throw aadError(ctx, 400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
  }
  const user = rt.state.object(record.approvedUserObjectId);
  if (!user || user.kind !== 'user') throw aadError(ctx, 400, 'invalid_grant', 70000, 'The user could not be found.');
  record.redeemed = true;
  // Interactive sign-in: the person completed MFA on the device-login page.
  await issueUserTokens(ctx, rt, form, { user, clientAppId, scope: record.scope, mfa: true, interactive: true });
}

async function redeemAuthorizationCode(ctx: RequestContext, rt: SandboxRuntime, form: URLSearchParams, clientAppId: string): Promise<void> {
  const code = requireParam(ctx, form, 'code');
  const record = rt.sessions.authorizationCodes.get(code);
  rt.sessions.authorizationCodes.delete(code); // single use
  if (!record || record.clientAppId !== clientAppId || Date.now() > record.expiresAt) {
    throw aadError(ctx, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
  }
  if (form.get('redirect_uri') !== record.redirectUri) {
    throw aadError(ctx, 400, 'invalid_grant', 50148, 'The redirect_uri specified in the token request does not match the redirect_uri used when acquiring the authorization code.');
  }
  if (record.codeChallenge) {
    const verifier = form.get('code_verifier') ?? '';
    const computed = record.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (computed !== record.codeChallenge) {
      throw aadError(ctx, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
  }
  const user = rt.state.object(record.userObjectId);
  if (!user || user.kind !== 'user') throw aadError(ctx, 400, 'invalid_grant', 70008, 'The user could not be found.');
  const scope = form.get('scope') ?? record.scope;
  await issueUserTokens(ctx, rt, form, { user, clientAppId, scope, mfa: true, interactive: true, ...(record.nonce ? { nonce: record.nonce } : {}) });
}

// ---------------------------------------------------------------------------------------------------------------
// Device code and the pages a person (or a test) uses

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(): string {
  const bytes = randomBytes(9);
  return [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
}

async function deviceCodeEndpoint(ctx: RequestContext, params: string[], rt: SandboxRuntime): Promise<void> {
  const segment = params[0]!;
  requireTenant(ctx, rt, segment);
  const form = parseForm(await ctx.body());
  ctx.details = redactParameters(form);
  const clientAppId = requirePublicOrKnownClient(ctx, rt, form);
  const scope = form.get('scope') ?? 'openid profile offline_access';
  parseScope(ctx, rt, scope); // reject unknown resources now, as Entra does
  const settings = rt.control.settings;
  const record = {
    deviceCode: newOpaqueToken('DAQABAAEAAA'), userCode: newUserCode(), clientAppId, scope, tenantSegment: segment,
    createdAt: Date.now(), expiresAt: Date.now() + settings.deviceCodeLifetimeSeconds * 1000, declined: false, redeemed: false,
  };
  rt.sessions.deviceCodes.set(record.deviceCode, record);
  const verificationUri = `${rt.loopbackUrl}/devicelogin`;
  sendJson(ctx, 200, {
    user_code: record.userCode,
    device_code: record.deviceCode,
    verification_uri: verificationUri,
    expires_in: settings.deviceCodeLifetimeSeconds,
    interval: settings.deviceCodeIntervalSeconds,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${record.userCode} to authenticate.`,
  });
}

/** Approves (or declines) a pending device code; used by the device-login page and the control API. */
export function settleDeviceCode(rt: SandboxRuntime, userCode: string | undefined, userKey: string | undefined, approve: boolean): { ok: true; userCode: string } | { ok: false; message: string } {
  const pending = [...rt.sessions.deviceCodes.values()]
    .filter((d) => !d.redeemed && !d.approvedUserObjectId && !d.declined && Date.now() <= d.expiresAt)
    .sort((a, b) => b.createdAt - a.createdAt);
  const record = userCode ? pending.find((d) => d.userCode === userCode.trim().toUpperCase()) : pending[0];
  if (!record) return { ok: false, message: userCode ? `no pending device code '${userCode}'` : 'no pending device code' };
  if (!approve) { record.declined = true; return { ok: true, userCode: record.userCode }; }
  const user = userKey ? rt.state.user(userKey) : undefined;
  if (!user) return { ok: false, message: `unknown user '${userKey ?? ''}'` };
  record.approvedUserObjectId = user.objectId;
  return { ok: true, userCode: record.userCode };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{display:block;width:100%;margin:.4rem 0;padding:.6rem;font-size:1rem}input{font-size:1.2rem;padding:.4rem;width:100%;box-sizing:border-box}small{color:#666}</style>
</head><body><h1>${escapeHtml(title)}</h1><p><small>Azure Dev Auth sandbox tenant — not Microsoft.</small></p>${body}</body></html>`;
}

function userButtons(rt: SandboxRuntime): string {
  return rt.state.users().map((u) => `<button type="submit" name="user" value="${escapeHtml(u.key)}" data-user="${escapeHtml(u.key)}">${escapeHtml(u.displayName)} &lt;${escapeHtml(u.userPrincipalName)}&gt;</button>`).join('');
}

function deviceLoginPage(ctx: RequestContext, _params: string[], rt: SandboxRuntime): void {
  const code = ctx.query.get('code') ?? '';
  sendHtml(ctx, 200, page('Enter code', `<form method="post" action="/devicelogin"><label>Code <input name="code" id="code" value="${escapeHtml(code)}" autocomplete="off"></label><p>Sign in as:</p>${userButtons(rt)}</form>`));
}

async function deviceLoginSubmit(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  const form = parseForm(await ctx.body());
  const result = settleDeviceCode(rt, form.get('code') ?? undefined, form.get('user') ?? undefined, true);
  if (!result.ok) {
    sendHtml(ctx, 400, page('Sign-in failed', `<p id="result">${escapeHtml(result.message)}</p>`));
    return;
  }
  sendHtml(ctx, 200, page('Signed in', `<p id="result">You have signed in to the application on your device. You may now close this window.</p>`));
}

async function authorize(ctx: RequestContext, params: string[], rt: SandboxRuntime): Promise<void> {
  const segment = params[0]!;
  const input = ctx.method === 'POST' ? parseForm(await ctx.body()) : ctx.query;
  const clientId = input.get('client_id') ?? '';
  const redirectUri = input.get('redirect_uri') ?? '';
  let redirectTarget: URL | undefined;
  try { redirectTarget = new URL(redirectUri); } catch { redirectTarget = undefined; }
  if (!redirectTarget) {
    sendHtml(ctx, 400, page('Sign-in error', '<p id="error">AADSTS900971: No reply address provided.</p>'));
    return;
  }
  if (!(MULTI_TENANT_SEGMENTS.has(segment.toLowerCase()) || rt.state.matchesTenant(segment))) {
    sendHtml(ctx, 400, page('Sign-in error', `<p id="error">AADSTS90002: Tenant '${escapeHtml(segment)}' not found.</p>`));
    return;
  }
  if (!isPublicClient(rt, clientId) && !rt.state.servicePrincipalByAppId(clientId)) {
    sendHtml(ctx, 400, page('Sign-in error', `<p id="error">AADSTS700016: Application with identifier '${escapeHtml(clientId)}' was not found in the directory '${escapeHtml(rt.state.tenantDisplayName)}'.</p>`));
    return;
  }
  const state = input.get('state');
  const responseMode = input.get('response_mode') ?? 'query';
  const respond = (values: Record<string, string>): void => {
    const all = { ...values, ...(state !== null ? { state } : {}) };
    if (responseMode === 'form_post') {
      const fields = Object.entries(all).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
      sendHtml(ctx, 200, `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${fields}</form></body></html>`);
      return;
    }
    const target = new URL(redirectUri);
    const search = new URLSearchParams(all);
    if (responseMode === 'fragment') target.hash = search.toString();
    else for (const [k, v] of search) target.searchParams.set(k, v);
    redirect(ctx, target.toString());
  };
  if ((input.get('response_type') ?? '') !== 'code') {
    respond({ error: 'unsupported_response_type', error_description: 'AADSTS700054: response_type \'id_token\' is not enabled for the application.' });
    return;
  }
  // Who signs in: the account the person picked on the page (POST), or, in tests, the auto sign-in user (the
  // login_hint wins when it names a seeded user).
  let user: UserObject | undefined;
  const picked = ctx.method === 'POST' ? input.get('user') : null;
  if (picked) user = rt.state.user(picked);
  const auto = rt.control.settings.autoSignInAs;
  if (!user && auto) user = rt.state.user(input.get('login_hint') ?? '') ?? rt.state.user(auto);
  if (!user) {
    const hidden = [...input].filter(([k]) => k !== 'user').map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
    sendHtml(ctx, 200, page('Pick an account', `<form method="post">${hidden}${userButtons(rt)}</form>`));
    return;
  }
  const code = newOpaqueToken('0.AAAA');
  const codeChallenge = input.get('code_challenge');
  const codeChallengeMethod = input.get('code_challenge_method');
  const nonce = input.get('nonce');
  rt.sessions.authorizationCodes.set(code, {
    clientAppId: clientId, redirectUri, scope: input.get('scope') ?? 'openid profile offline_access',
    ...(codeChallenge ? { codeChallenge, codeChallengeMethod: codeChallengeMethod ?? 'plain' } : {}),
    ...(nonce ? { nonce } : {}),
    userObjectId: user.objectId, tenantSegment: segment, expiresAt: Date.now() + 10 * 60 * 1000,
  });
  respond({ code, client_info: clientInfo(user.objectId, rt.state.tenantId), session_state: randomUUID() });
}

function logout(ctx: RequestContext): void {
  const target = ctx.query.get('post_logout_redirect_uri');
  if (target && /^https?:\/\//.test(target)) { redirect(ctx, target); return; }
  sendHtml(ctx, 200, page('Signed out', '<p>You signed out of your account.</p>'));
}

function userRealm(ctx: RequestContext, params: string[], rt: SandboxRuntime): void {
  const username = decodeURIComponent(params[0] ?? '');
  const domain = username.split('@')[1] ?? '';
  const known = domain.toLowerCase() === rt.state.defaultDomain.toLowerCase();
  sendJson(ctx, 200, known
    ? { ver: '1.0', account_type: 'Managed', domain_name: rt.state.defaultDomain, cloud_instance_name: 'microsoftonline.com', cloud_audience_urn: 'urn:federation:MicrosoftOnline' }
    : { ver: '1.0', account_type: 'Unknown', cloud_instance_name: 'microsoftonline.com' });
}

// ---------------------------------------------------------------------------------------------------------------

const TENANT = '([^/]+)';

export const entraRoutes: Route<SandboxRuntime>[] = [
  { name: 'entra.instanceDiscovery', method: 'GET', pattern: /^\/common\/discovery\/instance$/i, handle: (ctx, _p, rt) => instanceDiscovery(ctx, rt) },
  { name: 'entra.userRealm', method: 'GET', pattern: /^\/common\/userrealm\/([^/]+)$/i, handle: userRealm },
  {
    name: 'entra.openidConfiguration', method: 'GET', pattern: new RegExp(`^/${TENANT}(?:/v2\\.0)?/\\.well-known/openid-configuration$`, 'i'),
    handle: (ctx, p, rt) => { requireTenant(ctx, rt, p[0]!); sendJson(ctx, 200, openIdConfiguration(ctx, rt, p[0]!)); },
  },
  {
    name: 'entra.keys', method: 'GET', pattern: new RegExp(`^/${TENANT}/discovery(?:/v2\\.0)?/keys$`, 'i'),
    handle: (ctx, p, rt) => { requireTenant(ctx, rt, p[0]!); sendJson(ctx, 200, jwks(rt.signingKey)); },
  },
  { name: 'entra.token', method: 'POST', pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/token$`, 'i'), handle: tokenEndpoint },
  { name: 'entra.devicecode', method: 'POST', pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/devicecode$`, 'i'), handle: deviceCodeEndpoint },
  { name: 'entra.authorize', method: 'GET', pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/authorize$`, 'i'), handle: authorize },
  { name: 'entra.authorize', method: 'POST', pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/authorize$`, 'i'), handle: authorize },
  { name: 'entra.logout', method: 'GET', pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/logout$`, 'i'), handle: (ctx) => logout(ctx) },
  { name: 'entra.deviceLogin', method: 'GET', pattern: /^\/devicelogin$/i, handle: deviceLoginPage },
  { name: 'entra.deviceLogin', method: 'POST', pattern: /^\/devicelogin$/i, handle: deviceLoginSubmit },
];
