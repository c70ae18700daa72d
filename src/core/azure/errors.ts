// What can go wrong between this product and Azure, in one error type and one classifier for ARM, Graph and Entra
// (and the developer tools that hand out tokens): every feature shows the same words and fix for the same failure.
import type { AccessProblem, AccessProblemKind } from '../access/types';
import type { CredentialName } from '../chain/types';
import * as l10n from '@vscode/l10n';

export type AzureErrorKind =
  /** Answered with an HTTP error status (see status and code). */
  | 'http'
  /** Azure asked for a wait longer than the cap, or the retries ran out. */
  | 'throttled'
  /** The operation's deadline passed. */
  | 'deadline'
  /** A single request got no answer in time. */
  | 'timeout'
  | 'cancelled'
  | 'network'
  /** A next link on another origin, or one already followed. */
  | 'paging'
  /** The request would have carried a token to an origin it does not belong to. */
  | 'off-origin'
  /** 401 with WWW-Authenticate error="insufficient_claims": sign in again with the claims. */
  | 'claims-challenge'
  /** The credential gave no token. */
  | 'token';

export interface ClaimsChallenge {
  /** As Azure sent it (base64), what the tools' re-authentication flags take. */
  readonly encoded: string;
  /** The decoded JSON, for the message. */
  readonly decoded: string;
}

export class AzureRequestError extends Error {
  readonly kind: AzureErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly claims: ClaimsChallenge | undefined;
  /** Seconds Azure asked to wait (throttled). */
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: AzureErrorKind, message: string, details: { status?: number; code?: string; claims?: ClaimsChallenge; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AzureRequestError';
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
    this.claims = details.claims;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Compatible with the shape the older SDK errors had, for code that still reads statusCode. */
  get statusCode(): number | undefined {
    return this.status;
  }
}

/** Parses `WWW-Authenticate: Bearer realm="", error="insufficient_claims", claims="<base64>"`. */
export function parseClaimsChallenge(header: string | undefined | null): ClaimsChallenge | undefined {
  if (!header) return undefined;
  const params = new Map<string, string>();
  for (const match of header.matchAll(/([A-Za-z_]+)\s*=\s*"([^"]*)"/g)) params.set(match[1]!.toLowerCase(), match[2]!);
  const encoded = params.get('claims');
  if (params.get('error') !== 'insufficient_claims' || !encoded || encoded.length > 8192 || !/^[A-Za-z0-9+/_=-]+$/.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    JSON.parse(decoded);
  } catch {
    return undefined;
  }
  return { encoded, decoded };
}

/** The developer tool whose sign-in a re-authentication renews. */
export type ReauthTool = 'az' | 'pwsh' | 'azd' | 'other';

/**
 * The command that signs in again with the claims Azure asked for (az login --claims-challenge, available since
 * azure-cli 2.76; Connect-AzAccount -ClaimsChallenge, Az.Accounts 5.2 / Az 14.3; azd keeps the claims of the
 * failed token request and asks for them on the next `azd auth login`). Every value in it is checked to be a GUID,
 * a URL or base64 text, so the line is safe to paste into a shell.
 */
export function reauthCommand(tool: ReauthTool, claims: ClaimsChallenge, tenantId: string | null, scope: string): string | null {
  const tenant = tenantId && /^[0-9a-f-]{36}$/i.test(tenantId) ? tenantId : null;
  const safeScope = /^https:\/\/[A-Za-z0-9.:/-]+$/.test(scope) ? scope : null;
  switch (tool) {
    case 'az':
      return `az login${tenant ? ` --tenant ${tenant}` : ''}${safeScope ? ` --scope ${safeScope}` : ''} --claims-challenge ${claims.encoded}`;
    case 'pwsh':
      return `Connect-AzAccount${tenant ? ` -Tenant ${tenant}` : ''} -ClaimsChallenge ${claims.encoded}`;
    case 'azd':
      return `azd auth login${tenant ? ` --tenant-id ${tenant}` : ''}`;
    default:
      return null;
  }
}

export function reauthToolOf(source: string): ReauthTool {
  if (source === 'AzureCliCredential') return 'az';
  if (source === 'AzurePowerShellCredential') return 'pwsh';
  if (source === 'AzureDeveloperCliCredential') return 'azd';
  return 'other';
}

interface ErrorLike { statusCode?: number; status?: number; code?: string; message?: string; name?: string }

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 400);
}

/** The Entra sign-in errors that mean "sign in again" (expired, revoked, MFA or consent needed). */
const SIGN_IN_AGAIN = /AADSTS(700082|50173|50078|50076|70043|500133|50079|53003)|refresh token has expired|az login|azd auth login|Connect-AzAccount|please run|not logged in|sign in/i;

/** Which API refused: ARM is governed by Azure roles, Microsoft Graph by Graph permissions and directory roles. */
export type AzureApi = 'arm' | 'graph';

/** What the refused request needed, named in the fix. */
export interface RequestNeed {
  /** ARM: what the role must allow, e.g. "read role assignments". */
  readonly armAction?: string;
  /** ARM: the built-in roles that allow it, the least privileged first. */
  readonly armRoles?: readonly string[];
  /** Graph: the application permission an app identity needs, e.g. "Application.Read.All". */
  readonly graphPermission?: string;
  /** Graph: the Microsoft Entra directory role that allows it, e.g. "Directory Readers". */
  readonly directoryRole?: string;
}

export interface ClassifyOptions {
  readonly scope?: string;
  /** The re-authentication a claims challenge names (default: the source's tool). */
  readonly tool?: ReauthTool;
  readonly tenantId?: string | null;
  readonly audience?: string;
  /** Default 'arm'. */
  readonly api?: AzureApi;
  /** The active source whose token was used: the fix is the one that source can act on. */
  readonly source?: CredentialName;
  readonly need?: RequestNeed;
}

/** Sources that sign in as an application (a service principal or a managed identity), never as a user. */
const APP_SOURCES: ReadonlySet<CredentialName> = new Set<CredentialName>(['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential']);

/** Who the token stands for, in a fix's words. */
function whoFor(source: CredentialName | undefined): string {
  if (source === 'ManagedIdentityCredential') return l10n.t('the managed identity');
  if (source === 'EnvironmentCredential' || source === 'WorkloadIdentityCredential') return l10n.t('the service principal');
  if (source) return l10n.t('your user');
  return l10n.t('the identity');
}

/** The fix for a 403: an Azure role for ARM; for Graph, an application permission (apps) or a directory role (users). */
function forbiddenFix(api: AzureApi, source: CredentialName | undefined, need: RequestNeed | undefined): string {
  if (api === 'arm') {
    const action = need?.armAction ?? l10n.t('read role assignments');
    const roles = need?.armRoles ?? ['Reader'];
    const which = roles.length === 1 && !need?.armRoles ? l10n.t('{0} is enough', roles[0]!) : roles.join(', ');
    return l10n.t('Ask an owner of the scope for an Azure role for {0} that can {1} here ({2}).', whoFor(source), action, which);
  }
  const permission = need?.graphPermission ?? 'Directory.Read.All';
  const directoryRole = need?.directoryRole ?? 'Directory Readers';
  if (source === 'ManagedIdentityCredential') {
    return l10n.t('Ask an administrator to give the managed identity the Microsoft Graph application permission {0} (an app role assignment: managed identities have no consent page) or the {1} directory role.', permission, directoryRole);
  }
  if (source && APP_SOURCES.has(source)) {
    return l10n.t('Ask an administrator to grant the app registration the Microsoft Graph application permission {0} with admin consent, or its service principal the {1} directory role.', permission, directoryRole);
  }
  if (source) return l10n.t('Ask an administrator for the {0} directory role in Microsoft Entra ID: your user\'s Microsoft Graph rights do not cover it (guests and restricted users read little of the directory).', directoryRole);
  return l10n.t('Ask an administrator for Microsoft Graph rights: the {0} directory role, or for an app identity the application permission {1}.', directoryRole, permission);
}

/** How the active source signs in again when its sign-in is expired, revoked or missing. */
export function signInAgainFix(source: CredentialName | undefined): string {
  switch (source) {
    case 'AzureCliCredential': return l10n.t('Sign in again: {0}.', 'az login');
    case 'AzureDeveloperCliCredential': return l10n.t('Sign in again: {0}.', 'azd auth login');
    case 'AzurePowerShellCredential': return l10n.t('Sign in again: {0}.', 'Connect-AzAccount');
    case 'VisualStudioCodeCredential': return l10n.t('Sign in again to Azure in VS Code (Azure Resources: Sign In).');
    case 'EnvironmentCredential':
      return l10n.t('Check the service principal in the environment (.env): AZURE_CLIENT_ID, AZURE_TENANT_ID and a client secret or certificate that has not expired; create a new secret on the app registration if it has.');
    case 'WorkloadIdentityCredential':
      return l10n.t('Check the workload identity: the file AZURE_FEDERATED_TOKEN_FILE names must hold a current token, and the app registration a federated credential for its issuer and subject.');
    case 'ManagedIdentityCredential':
      return l10n.t('Check the managed identity: it must be assigned to this host, and AZURE_CLIENT_ID must name it when it is user-assigned.');
    case undefined: return l10n.t('Sign in again with your developer tool ({0}, {1} or {2}).', 'az login', 'azd auth login', 'Connect-AzAccount');
    default: return l10n.t('Sign in again.');
  }
}

/** How the active source gets a token for the subscription's tenant. */
function wrongTenantFix(source: CredentialName | undefined): string {
  switch (source) {
    case 'AzureCliCredential': return l10n.t('Sign in to the subscription\'s tenant: {0}, or set AZURE_TENANT_ID.', 'az login --tenant <tenant-id>');
    case 'AzureDeveloperCliCredential': return l10n.t('Sign in to the subscription\'s tenant: {0}, or set AZURE_TENANT_ID.', 'azd auth login --tenant-id <tenant-id>');
    case 'AzurePowerShellCredential': return l10n.t('Sign in to the subscription\'s tenant: {0}, or set AZURE_TENANT_ID.', 'Connect-AzAccount -Tenant <tenant-id>');
    case 'EnvironmentCredential':
    case 'WorkloadIdentityCredential':
      return l10n.t('Set AZURE_TENANT_ID to the subscription\'s tenant, with an app registered in that tenant.');
    case 'ManagedIdentityCredential': return l10n.t('A managed identity gets tokens only for its own tenant: use a subscription of that tenant.');
    case undefined: return l10n.t('Sign in to the subscription\'s tenant: {0}, or set AZURE_TENANT_ID.', 'az login --tenant <tenant-id>');
    default: return l10n.t('Sign in to the subscription\'s tenant, or set AZURE_TENANT_ID.');
  }
}

const networkFix = (): string => l10n.t('Check the network or proxy settings (HTTPS_PROXY, NO_PROXY, http.proxy), then try again.');

/**
 * One problem, with its fix, for anything an ARM, Graph or Entra request (or a tool asked for a token) threw. The fix
 * fits the API (`api`: an Azure role for ARM, a Graph permission or directory role for Graph) and the active source
 * (`source`: a service principal is never told to run az); it names no front end's command, since the views and the
 * CLI show the same words. `tool` decides the re-authentication a claims challenge names.
 */
export function classifyAzureError(error: unknown, what: string, options: ClassifyOptions = {}): AccessProblem {
  const at = options.scope ? { scope: options.scope } : {};
  const problem = (kind: AccessProblemKind, message: string, fix: string): AccessProblem => ({ kind, message, fix, ...at });
  const e = (error && typeof error === 'object' ? error : { message: String(error) }) as ErrorLike;
  const message = firstLine(e.message ?? String(error));
  const status = e.statusCode ?? e.status;
  const source = options.source;
  const tool = options.tool ?? (source ? reauthToolOf(source) : 'other');
  if (error instanceof AzureRequestError) {
    switch (error.kind) {
      case 'cancelled': return problem('timeout', l10n.t('{0}: cancelled.', what), l10n.t('Try again.'));
      case 'deadline': return problem('timeout', `${what}: ${message}`, l10n.t('Try again; if it persists, check the network or proxy settings, or narrow the subscriptions.'));
      case 'timeout': return problem('timeout', `${what}: ${message}`, l10n.t('Try again; if it persists, check the network or proxy settings.'));
      case 'throttled': return problem('throttled', `${what}: ${message}`, l10n.t('Wait as long as Azure asked, then try again.'));
      case 'network': return problem('network', `${what}: ${message}`, networkFix());
      case 'paging': return problem('failed', `${what}: ${message}`, l10n.t('The server\'s answer is not trustworthy; nothing more was requested. Report it if it persists.'));
      case 'off-origin': return problem('failed', `${what}: ${message}`, l10n.t('No token was sent. Check the cloud endpoints you configured.'));
      case 'claims-challenge': {
        const command = error.claims ? reauthCommand(tool, error.claims, options.tenantId ?? null, `${options.audience ?? 'https://management.azure.com'}/.default`) : null;
        return {
          ...problem('claims-challenge', error.claims
            ? l10n.t('{0}: Azure requires a fresh sign-in that satisfies its policy (multi-factor authentication or continuous access evaluation): {1}.', what, error.claims.decoded)
            : l10n.t('{0}: Azure requires a fresh sign-in that satisfies its policy (multi-factor authentication or continuous access evaluation).', what),
          command ? l10n.t('Sign in again with: {0} — then retry.', command) : l10n.t('Sign in again interactively (multi-factor authentication), then retry.')),
          ...(command ? { command } : {}),
        };
      }
      case 'token': break;
      case 'http': break;
    }
  }
  if (e.name === 'AbortError' || /cancel/i.test(message)) return problem('timeout', l10n.t('{0}: cancelled.', what), l10n.t('Try again.'));
  if (/no token within|timed? ?out|ETIMEDOUT/i.test(message)) {
    return problem('timeout', l10n.t('{0}: no answer in time ({1}).', what, message), l10n.t('Try again; if it persists, check the network or proxy settings.'));
  }
  if (e.code === 'InvalidAuthenticationTokenTenant' || /wrong issuer|InvalidAuthenticationTokenTenant/i.test(message)) {
    return problem('wrong-tenant', l10n.t('{0}: the token is for another tenant ({1}).', what, message), wrongTenantFix(source));
  }
  if (status === 403 || e.code === 'AuthorizationFailed' || e.code === 'Authorization_RequestDenied') {
    const api = options.api ?? (e.code === 'Authorization_RequestDenied' ? 'graph' : 'arm');
    return problem('forbidden', l10n.t('{0}: not allowed ({1}: {2}).', what, String(e.code ?? 403), message), forbiddenFix(api, source, options.need));
  }
  if (status === 429) return problem('throttled', l10n.t('{0}: Azure kept throttling the requests (429).', what), l10n.t('Wait a minute, then try again.'));
  if (status === 401 || SIGN_IN_AGAIN.test(message) || e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationRequiredError') {
    return problem('sign-in-expired', l10n.t('{0}: the sign-in is expired, revoked or missing ({1}).', what, message), signInAgainFix(source));
  }
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|network|certificate|self.signed/i.test(message) || e.code === 'REQUEST_SEND_ERROR') {
    return problem('network', `${what}: ${message}`, networkFix());
  }
  return problem('failed', `${what}: ${message}`, l10n.t('Try again; if it persists, report the message.'));
}
