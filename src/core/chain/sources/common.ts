// What every probe gets and returns. A probe answers one question: what would this credential's constructor and
// get_token do, in this environment, for this azure-identity version? Chain semantics (reached, decisive) are the
// verdict's business, not the probe's.
import type { TokenFacts } from '../claims';
import type { ChainBehaviour, ConstructorError } from '../versions';
import type { CredentialName } from '../types';
import type { EntraRequestContext } from '../entra';
import type { NotCheckedReason } from '../notChecked';
import type { UncheckedHostError } from '../secretHosts';
import type { ProgramPolicy } from '../workspacePrograms';

/** The scope the model asks for, as an ARM client would. */
export const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';
export const MANAGEMENT_RESOURCE = 'https://management.azure.com';

/** Per HTTP request; Python's own timeouts are longer (minutes), ours must end. */
export const HTTP_TIMEOUT_MS = 20_000;

export interface ProbeContext {
  readonly env: Readonly<Record<string, string>>;
  readonly behaviour: ChainBehaviour;
  /** Is this credential excluded from the chain (after keywords and AZURE_TOKEN_CREDENTIALS)? */
  readonly isExcluded: (credential: CredentialName) => boolean;
  readonly processTimeoutSeconds: number;
  readonly brokerInstalled: boolean;
  /** pymsalruntime importable (undefined: not known). */
  readonly brokerRuntimeInstalled?: boolean;
  /** The interpreter's msal version (undefined: not known). */
  readonly msalVersion?: string;
  /** Hosts the developer allowed to receive secrets (besides Microsoft's authorities and loopback). */
  readonly allowedHosts: readonly string[];
  /** Records a secret a probe sends (or reads to send), so every message of this evaluation redacts it. */
  readonly rememberSecret: (value: string) => void;
  readonly signal: AbortSignal | undefined;
  /**
   * The normalized authority DefaultAzureCredential gives EnvironmentCredential and SharedTokenCacheCredential: its
   * `authority=` keyword, else defaultAuthority.
   */
  readonly authority: string;
  /** Normalized AZURE_AUTHORITY_HOST or the public cloud: what every other Entra-based credential uses. */
  readonly defaultAuthority: string;
  /** The client id ManagedIdentityCredential gets: `managed_identity_client_id=`, else AZURE_CLIENT_ID ("" = none). */
  readonly managedIdentityClientId: string;
  /** WorkloadIdentityCredential's client id: `workload_identity_client_id=`, else managedIdentityClientId. */
  readonly workloadIdentityClientId: string;
  /** WorkloadIdentityCredential's tenant: `workload_identity_tenant_id=`, else AZURE_TENANT_ID. */
  readonly workloadIdentityTenantId: string;
  /** The shared token cache's account filter: `shared_cache_username=` / `shared_cache_tenant_id=`, else the variables. */
  readonly sharedCacheUsername: string;
  readonly sharedCacheTenantId: string;
  /** The interactive sign-in's tenant: `interactive_browser_tenant_id=`, else AZURE_TENANT_ID ("" = organizations). */
  readonly interactiveBrowserTenantId: string;
  readonly platform: NodeJS.Platform;
  /** Linux under WSL (MSAL's test: "microsoft" in the kernel release). */
  readonly wsl: boolean;
  /** A ChainedTokenCredential member's own `tenant_id=`, by credential (DefaultAzureCredential passes none). */
  readonly memberTenants?: Readonly<Partial<Record<CredentialName, string>>>;
  /** A ChainedTokenCredential's members' own `process_timeout=`, by credential: that tool's timeout instead of the default. */
  readonly memberProcessTimeouts?: Readonly<Partial<Record<CredentialName, number>>>;
  /**
   * Set only for a ChainedTokenCredential: each member's own `client_id=` (ManagedIdentityCredential). A standalone
   * ManagedIdentityCredential asks for the identity its client_id names, else for none: it reads AZURE_CLIENT_ID
   * only in its token-exchange mode, where DefaultAzureCredential's reads it always (managedIdentityClientId).
   */
  /**
   * VisualStudioCodeCredential's tenant up to 1.23 (the Azure Account sign-in): `visual_studio_code_tenant_id=`, else
   * AZURE_TENANT_ID ("" = the "Azure: Tenant" setting, then organizations).
   */
  readonly visualStudioCodeTenantId?: string;
  readonly memberClientIds?: Readonly<Partial<Record<CredentialName, string>>>;
  /** Which programs found on PATH a check may run (undefined: all, for callers that know no other PATH). */
  readonly programPolicy?: ProgramPolicy;
}

export type ProbeResult =
  /** get_token returned a token; only its claims and expiry are kept. */
  | { readonly kind: 'token'; readonly facts: TokenFacts }
  /** CredentialUnavailableError: the chain moves on. */
  | { readonly kind: 'unavailable'; readonly message: string }
  /** Any other exception: the chain stops here. */
  | { readonly kind: 'failed'; readonly message: string }
  /** The credential's constructor raises, so DefaultAzureCredential() itself raises. */
  | { readonly kind: 'constructor-error'; readonly error: ConstructorError }
  /**
   * The source would send a secret where Azure Dev Auth will not: nothing was sent, so the outcome is unknown.
   * `host`: the developer may allow it ("Check with <host>"); absent when no answer would make it safe.
   */
  | { readonly kind: 'not-checked'; readonly reason: NotCheckedReason }
  /** DefaultAzureCredential does not add this credential to the chain in this environment. */
  | { readonly kind: 'not-in-chain'; readonly message: string };

export interface Probe {
  readonly credential: CredentialName;
  run(ctx: ProbeContext): Promise<ProbeResult>;
}

/** A probe's answer for a request the host gate stopped. */
export function notChecked(error: UncheckedHostError): ProbeResult {
  return { kind: 'not-checked', reason: { kind: 'secret', secret: error.what, host: error.host } };
}

/** The Entra request settings of a probe: its environment, cancellation, timeout and allowed hosts. */
export function entraContext(ctx: ProbeContext): EntraRequestContext {
  return { env: ctx.env, signal: ctx.signal, timeoutMs: HTTP_TIMEOUT_MS, allowedHosts: ctx.allowedHosts, rememberSecret: ctx.rememberSecret };
}

export function homeDir(env: Readonly<Record<string, string>>): string | undefined {
  return env.HOME || undefined;
}

/** os.environ.get(name) is not None: an empty value counts as set. */
export function isSet(env: Readonly<Record<string, string>>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(env, name) && env[name] !== undefined;
}

/** os.environ.get(name) truthy: set and non-empty. */
export function hasValue(env: Readonly<Record<string, string>>, name: string): boolean {
  return Boolean(env[name]);
}

export function constructorError(credential: CredentialName, exceptionType: string, message: string): ProbeResult {
  return { kind: 'constructor-error', error: { credential, exceptionType, message } };
}

/** Python's str() of FileNotFoundError from open(path). */
export function fileNotFoundMessage(path: string): string {
  return `[Errno 2] No such file or directory: '${path}'`;
}
