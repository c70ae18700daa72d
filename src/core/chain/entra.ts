// Requests to the Entra ID token endpoint, in the two styles azure-identity uses: through MSAL (service principal
// and username/password credentials: instance and tenant discovery first, errors "Authentication failed: …") and
// through its own AadClient (token exchange, shared cache refresh: a direct POST, errors "<prefix> '(code) text'").
// Tokens come back to the caller only as claims + expiry (claims.ts); the raw token never leaves this module's
// callers' stack frames.
import { httpRequest, jsonBody, NetworkError, type HttpResponse } from './http';
import { httpResponseErrorText, pythonRepr } from './pythonText';
import { assertSecretMayGoTo, type SecretKind } from './secretHosts';

/** Hosts MSAL trusts without asking login.microsoftonline.com about them. */
const WELL_KNOWN_HOSTS = new Set([
  'login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net',
  'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn', 'login.microsoftonline.de', 'login-us.microsoftonline.com',
  'login.microsoftonline.us', 'login.usgovcloudapi.net', 'login.sovcloud-identity.fr', 'login.sovcloud-identity.de', 'login.sovcloud-identity.sg',
]);

export const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

export class InvalidAuthorityError extends Error {}

/** azure-identity's normalize_authority: https only, no trailing slash or spaces. */
export function normalizeAuthority(authority: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(authority);
  if (!match) return `https://${authority.replace(/[ /]+$/, '')}`;
  if (match[1]!.toLowerCase() !== 'https') {
    throw new InvalidAuthorityError(`'${authority}' is an invalid authority. The value must be a TLS protected (https) URL.`);
  }
  return authority.replace(/[ /]+$/, '');
}

/** get_default_authority(): AZURE_AUTHORITY_HOST or the public cloud. */
export function defaultAuthority(env: Readonly<Record<string, string>>): string {
  return normalizeAuthority(env.AZURE_AUTHORITY_HOST ?? PUBLIC_AUTHORITY);
}

export interface TokenSuccess {
  readonly accessToken: string;
  /** Epoch seconds. */
  readonly expiresOn: number;
  readonly refreshToken: string | undefined;
}

/** Entra answered with an error body (or something that is not a token). */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    readonly description: string | undefined,
    readonly content: unknown,
    /** The response body as received (azure-core quotes it in its error text). */
    readonly body: string,
  ) {
    super(description ?? error ?? `HTTP ${status}`);
    this.name = 'EntraError';
  }
}

export interface EntraRequestContext {
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** Hosts besides Microsoft's authorities and loopback that may receive what postToken sends. */
  readonly allowedHosts: readonly string[];
  /** Told every secret a request carries, so no answer that echoes it back can show it. */
  readonly rememberSecret?: (value: string) => void;
}

/** Form fields whose values are secrets: whatever the engine sends, it never shows. */
const SENT_SECRET_FIELDS = ['client_secret', 'client_assertion', 'refresh_token', 'password', 'assertion'];

function tokenFrom(response: HttpResponse, requestTime: number): TokenSuccess {
  const content = jsonBody(response);
  const record = (content && typeof content === 'object' ? content : {}) as Record<string, unknown>;
  if (typeof record.error === 'string' || response.status >= 400 || typeof record.access_token !== 'string') {
    throw new EntraError(response.status, typeof record.error === 'string' ? record.error : undefined,
      typeof record.error_description === 'string' ? record.error_description : undefined, content, response.body);
  }
  const expiresOn = Number(record.expires_on ?? NaN);
  const expiresIn = Number(record.expires_in ?? NaN);
  return {
    accessToken: record.access_token,
    expiresOn: Number.isFinite(expiresOn) ? expiresOn : requestTime + (Number.isFinite(expiresIn) ? expiresIn : 3600),
    refreshToken: typeof record.refresh_token === 'string' ? record.refresh_token : undefined,
  };
}

export function tokenEndpoint(authority: string, tenant: string): string {
  return `${authority}/${tenant}/oauth2/v2.0/token`;
}

/** A direct POST to the token endpoint, as azure-identity's AadClient does it. */
export async function postToken(ctx: EntraRequestContext, url: string, form: Record<string, string>, carries: SecretKind): Promise<TokenSuccess> {
  // Every token request carries a secret, an assertion, a password or a refresh token: the gate comes first.
  assertSecretMayGoTo(url, carries, ctx.allowedHosts);
  for (const field of SENT_SECRET_FIELDS) if (form[field]) ctx.rememberSecret?.(form[field]);
  const requestTime = Math.floor(Date.now() / 1000);
  const response = await httpRequest({ method: 'POST', url, form, env: ctx.env, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  return tokenFrom(response, requestTime);
}

/** Thrown by MSAL-style discovery; its message is what MSAL raises (wrapped as "Authentication failed: …"). */
export class DiscoveryError extends Error {}

/**
 * What MSAL does before its first token request: ask login.microsoftonline.com about an authority host it does not
 * know, then read the tenant's OpenID configuration. Returns the token endpoint to use.
 */
export async function msalDiscover(ctx: EntraRequestContext, authority: string, tenant: string): Promise<string> {
  const host = new URL(authority).host.toLowerCase();
  const authorityUrl = `${authority}/${tenant}`;
  let tenantDiscovery = `${authorityUrl}/v2.0/.well-known/openid-configuration`;
  if (!WELL_KNOWN_HOSTS.has(host)) {
    const query = new URLSearchParams({ 'api-version': '1.1', authorization_endpoint: `${authorityUrl}/oauth2/v2.0/authorize` });
    const response = await httpRequest({
      method: 'GET', url: `${PUBLIC_AUTHORITY}/common/discovery/instance?${query}`, env: ctx.env, timeoutMs: ctx.timeoutMs, signal: ctx.signal,
    });
    const body = jsonBody(response) as Record<string, unknown> | undefined;
    if (body && typeof body.error === 'string') {
      throw new DiscoveryError(`${body.error}: ${typeof body.error_description === 'string' ? body.error_description : ''}`.trim());
    }
    if (body && typeof body.tenant_discovery_endpoint === 'string') tenantDiscovery = body.tenant_discovery_endpoint;
  }
  const response = await httpRequest({ method: 'GET', url: tenantDiscovery, env: ctx.env, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  const config = jsonBody(response) as Record<string, unknown> | undefined;
  if (response.status !== 200 || !config || typeof config.token_endpoint !== 'string') {
    throw new DiscoveryError(
      `Unable to get authority configuration for ${authorityUrl}. Authority would typically be in a format of `
      + 'https://login.microsoftonline.com/your_tenant or https://tenant_name.ciamlogin.com or '
      + 'https://tenant_name.b2clogin.com/tenant.onmicrosoft.com/policy. '
      + `Also please double check your tenant name or GUID is correct.`,
    );
  }
  return config.token_endpoint;
}

/**
 * MSAL's user realm lookup before a username/password grant (federated accounts take another path). MSAL builds
 * its URL from the authority's host name *without* the port, so an authority on a non-default port is asked on 443.
 * A 404 means "no realm information"; other errors fail the request.
 */
export async function msalUserRealm(ctx: EntraRequestContext, authority: string, username: string): Promise<void> {
  const host = new URL(authority).hostname;
  const response = await httpRequest({
    method: 'GET', url: `https://${host}/common/userrealm/${username}?api-version=1.0`,
    env: ctx.env, timeoutMs: ctx.timeoutMs, signal: ctx.signal,
  });
  if (response.status >= 400 && response.status !== 404) {
    throw new DiscoveryError(`${response.status} Client Error for url: https://${host}/common/userrealm/${username}?api-version=1.0`);
  }
}

/** "Authentication failed: …" — ClientCredentialBase / MSAL credentials' message for any failure. */
export function msalFailureMessage(error: unknown): string {
  if (error instanceof EntraError) return `Authentication failed: ${error.description ?? error.error ?? 'Unexpected response from Azure Active Directory'}`;
  if (error instanceof NetworkError) return `Authentication failed: ${error.pythonMessage}`;
  if (error instanceof DiscoveryError) return `Authentication failed: ${error.message}`;
  return `Authentication failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * AadClient's error: "<prefix> '(invalid_grant) AADSTS…'" raised as ClientAuthenticationError with the response,
 * whose str() azure-core extends with "\nContent: <body>"; the transport's text for requests without an answer.
 */
export function aadClientFailureMessage(error: unknown, prefix: string): string {
  if (error instanceof EntraError) {
    let message: string;
    if (error.error !== undefined && error.description !== undefined) message = `${prefix} '(${error.error}) ${error.description}'`;
    else if (error.error !== undefined) message = `${prefix} '${pythonRepr(error.content)}'`;
    else message = `Unexpected response from Azure Active Directory: ${pythonRepr(error.content)}`;
    return httpResponseErrorText(message, error.body);
  }
  if (error instanceof NetworkError) return error.pythonMessage;
  return error instanceof Error ? error.message : String(error);
}
