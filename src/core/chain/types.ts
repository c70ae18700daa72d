// The shapes the chain engine produces and consumes. `ChainReport` is exactly what `azure-dev-auth chain --json`
// prints; the views, the status bar and the verification all read it. Pure data: no functions, no `vscode`.
import type { ChainedMember } from './chained';
import type { CodeCallModel } from '../code/codeModel';
import type { ToolDisagreement } from './disagreement';
import type { NotCheckedReason } from './notChecked';
import type { SecretKind } from './secretHosts';

/** Python class names of DefaultAzureCredential's sources, as the library spells them. */
export type CredentialName =
  | 'EnvironmentCredential'
  | 'WorkloadIdentityCredential'
  | 'ManagedIdentityCredential'
  | 'SharedTokenCacheCredential'
  | 'VisualStudioCodeCredential'
  | 'AzureCliCredential'
  | 'AzurePowerShellCredential'
  | 'AzureDeveloperCliCredential'
  | 'InteractiveBrowserCredential'
  | 'BrokerCredential';

export const ALL_CREDENTIALS: readonly CredentialName[] = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'SharedTokenCacheCredential',
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
  'InteractiveBrowserCredential',
  'BrokerCredential',
];

export function isCredentialName(value: string): value is CredentialName {
  return (ALL_CREDENTIALS as readonly string[]).includes(value);
}

/** What the source's own `get_token` did (before chain semantics decide whether Python got that far). */
/**
 * 'not-checked': the source would send a secret to a host that is neither a Microsoft Entra authority nor loopback
 * and the developer has not allowed it; nothing was sent, so what Python would get is not known.
 */
export type SourceStatus = 'succeeded' | 'unavailable' | 'failed' | 'excluded' | 'not-checked';

/** Who a token is for, read from its claims. Never the token itself. */
export interface TokenIdentity {
  readonly upn?: string;
  readonly appId?: string;
  readonly objectId?: string;
  readonly tenantId?: string;
  /**
   * A service principal's or managed identity's name, which no token carries: Microsoft Graph's displayName for the
   * same app id, once the Access view has described it (presentation/principalNames.ts).
   */
  readonly displayName?: string;
}

export interface SourceResult {
  readonly credential: CredentialName;
  readonly status: SourceStatus;
  /** Would Python call this source's get_token before the chain ends? */
  readonly reached: boolean;
  /** The source where the chain ends: its token, or its hard failure. */
  readonly decisive: boolean;
  /** The message Python would record for it (exact text where the library has one). */
  readonly message: string;
  readonly identity: TokenIdentity | null;
  /** ISO 8601. */
  readonly expiresOn: string | null;
  readonly elapsedMs: number;
  /** For 'not-checked': the host the secret would go to (what "Check with <host>" allows). */
  readonly unverifiedHost?: string;
  /** For 'not-checked' with a host: what would be sent there. */
  readonly unverifiedSecret?: SecretKind;
  /** For 'not-checked': what was held back (a secret, a workspace's program, an interactive sign-in, an Arc key file). */
  readonly notCheckedReason?: NotCheckedReason['kind'];
  /** For 'not-checked': the program a workspace's PATH entry finds, which the check did not run (what "Run <program>" allows). */
  readonly unverifiedProgram?: string;
}

/** 'not-checked': the decisive source would send a secret to a host nobody allowed, so the outcome is unknown. */
export type VerdictOutcome = 'token' | 'failure' | 'constructor-error' | 'not-checked';

export interface Verdict {
  readonly outcome: VerdictOutcome;
  /** The credential that yields the token, or whose error ends the chain / the constructor; null when all were unavailable. */
  readonly credential: CredentialName | null;
  readonly message: string;
  /**
   * For 'constructor-error': the Python exception class DefaultAzureCredential() raises ("ValueError", …). For a
   * 'failure' of a credential built on its own: what its get_token raises (CredentialUnavailableError or
   * ClientAuthenticationError).
   */
  readonly exceptionType?: string;
  /**
   * For 'constructor-error' of a ChainedTokenCredential(...) call (a member's constructor raised): that call raises;
   * of a credential built on its own: that credential (its class name).
   */
  readonly raisingCall?: 'ChainedTokenCredential' | CredentialName;
}

export interface Verification {
  readonly agrees: boolean;
  readonly python: string;
  readonly azureIdentityVersion: string;
  readonly verdict: Verdict;
  /** Per source, what the real library did (from its DEBUG log): succeeded/unavailable/failed, or absent if not tried. */
  readonly sources?: readonly { readonly credential: string; readonly status: 'succeeded' | 'unavailable' | 'failed'; readonly message: string }[];
  /** One readable sentence per disagreement; empty when `agrees`. */
  readonly differences: readonly string[];
}

export type VersionSource = 'python' | 'flag' | 'default';

/** How the engine knows the rules it applies to a version. */
export type RulesEvidence =
  /** This very version runs in the agreement tests against the real library. */
  | 'checked'
  /** The rules come from its release notes and sources; it has not run here. */
  | 'read'
  /** Newer than every version whose rules were read (or not readable here): the newest read version's rules are assumed. */
  | 'assumed';

/** Where a report's rules come from: modelled from what was read, or observed with the real library. */
export interface RulesProvenance {
  readonly evidence: RulesEvidence;
  /** The versions the engine's predictions are checked against with the real library. */
  readonly checkedVersions: readonly string[];
  /** For 'assumed': the version whose rules stand in. */
  readonly modelledOn?: string;
  /** One sentence, e.g. "azure-identity 1.25.3: rules read from its release, not yet checked against it here". */
  readonly summary: string;
  /** Verify with Python is how to find out (everything but 'checked'). */
  readonly verifyAdvised: boolean;
}

export interface ChainReport {
  readonly azureIdentityVersion: string;
  readonly versionSource: VersionSource;
  readonly sources: readonly SourceResult[];
  readonly verdict: Verdict;
  readonly verification: Verification | null;
  /** Remarks a person should see next to the verdict (keywords this version ignores, modelling caveats). */
  readonly notes?: readonly string[];
  /** The version family whose rules were applied, e.g. "azure-identity 1.23". */
  readonly behaviour?: string;
  /** Whether these rules were checked against this version of the real library, only read, or assumed. */
  readonly rules?: RulesProvenance;
  /** The signed-in places (tools, VS Code, .env) name different users or tenants: who wins, who the others are. */
  readonly disagreement?: ToolDisagreement;
  /** The code's call this check modelled (`chain --code`), and the command-line flags that override it or do not apply. */
  readonly code?: CodeCallModel & { readonly overrides: CodeOverrides };
}

/** Command-line flags (`--exclude AzureCliCredential`) against the code's call: applied over it, or not applicable. */
export interface CodeOverrides { readonly applied: readonly string[]; readonly notApplied: readonly string[] }

/** `exclude_*` keywords (by credential class name; true = exclude_…=True, false = exclude_…=False) and `process_timeout`. */
export interface KeywordArguments {
  readonly exclude?: Readonly<Partial<Record<CredentialName, boolean>>>;
  readonly processTimeoutSeconds?: number;
  /** `require_envvar=` (azure-identity 1.25+): DefaultAzureCredential() raises unless AZURE_TOKEN_CREDENTIALS is set. */
  readonly requireEnvvar?: boolean;
  /**
   * `authority=`: the Entra host of EnvironmentCredential and SharedTokenCacheCredential instead of
   * AZURE_AUTHORITY_HOST (the other credentials keep AZURE_AUTHORITY_HOST: DefaultAzureCredential passes it to those two only).
   */
  readonly authority?: string;
  /** `managed_identity_client_id=`: a user-assigned identity's client id instead of AZURE_CLIENT_ID ("" = system-assigned). */
  readonly managedIdentityClientId?: string;
  /** `workload_identity_client_id=` (1.13+): instead of managed_identity_client_id / AZURE_CLIENT_ID. */
  readonly workloadIdentityClientId?: string;
  /** `workload_identity_tenant_id=` (1.13+): instead of AZURE_TENANT_ID. */
  readonly workloadIdentityTenantId?: string;
  /** `shared_cache_username=`: the shared token cache's account by user name, instead of AZURE_USERNAME. */
  readonly sharedCacheUsername?: string;
  /** `shared_cache_tenant_id=`: the shared token cache's account by tenant, instead of AZURE_TENANT_ID. */
  readonly sharedCacheTenantId?: string;
  /** `interactive_browser_tenant_id=`: the tenant of the interactive sign-in, instead of AZURE_TENANT_ID. */
  readonly interactiveBrowserTenantId?: string;
  /**
   * `visual_studio_code_tenant_id=`: the tenant VisualStudioCodeCredential asks, instead of AZURE_TENANT_ID (up to
   * 1.23, the Azure Account sign-in). From 1.24 it goes to the authentication broker, with no default.
   */
  readonly visualStudioCodeTenantId?: string;
  /** `interactive_browser_client_id=`: the app the interactive sign-in would use. */
  readonly interactiveBrowserClientId?: string;
  /** `broker_tenant_id=` (1.24+): the tenant of the brokered sign-in, instead of AZURE_TENANT_ID. */
  readonly brokerTenantId?: string;
  /** `broker_client_id=` (1.24+): the app of the brokered sign-in. */
  readonly brokerClientId?: string;
  /**
   * `tenant_id=` is written in the call (any value, a literal or not): DefaultAzureCredential raises TypeError
   * "'tenant_id' is not supported in DefaultAzureCredential." (azure-identity 1.9.0 and later).
   */
  readonly tenantIdWritten?: boolean;
}

/** The string keywords of DefaultAzureCredential the model reads, by their name in Python. */
export const STRING_KEYWORDS = {
  authority: 'authority',
  managedIdentityClientId: 'managed_identity_client_id',
  workloadIdentityClientId: 'workload_identity_client_id',
  workloadIdentityTenantId: 'workload_identity_tenant_id',
  sharedCacheUsername: 'shared_cache_username',
  sharedCacheTenantId: 'shared_cache_tenant_id',
  interactiveBrowserTenantId: 'interactive_browser_tenant_id',
  visualStudioCodeTenantId: 'visual_studio_code_tenant_id',
  interactiveBrowserClientId: 'interactive_browser_client_id',
  brokerTenantId: 'broker_tenant_id',
  brokerClientId: 'broker_client_id',
} as const satisfies Partial<Record<keyof KeywordArguments, string>>;
export type StringKeyword = keyof typeof STRING_KEYWORDS;

/** The `exclude_*` keyword names by credential (the same in every version that has the credential). */
export const EXCLUDE_KEYWORDS: Readonly<Record<CredentialName, string>> = {
  EnvironmentCredential: 'exclude_environment_credential',
  WorkloadIdentityCredential: 'exclude_workload_identity_credential',
  ManagedIdentityCredential: 'exclude_managed_identity_credential',
  SharedTokenCacheCredential: 'exclude_shared_token_cache_credential',
  VisualStudioCodeCredential: 'exclude_visual_studio_code_credential',
  AzureCliCredential: 'exclude_cli_credential',
  AzurePowerShellCredential: 'exclude_powershell_credential',
  AzureDeveloperCliCredential: 'exclude_developer_cli_credential',
  InteractiveBrowserCredential: 'exclude_interactive_browser_credential',
  BrokerCredential: 'exclude_broker_credential',
};

/** Everything that decides the verdict. The engine reads nothing else (no process.env, no os.homedir()). */
export interface ChainInputs {
  /** The environment the Python process gets (process env merged with .env already). Includes PATH and HOME. */
  readonly env: Readonly<Record<string, string>>;
  readonly keywordArguments: KeywordArguments;
  /**
   * A ChainedTokenCredential's members in its order: the chain is these standalone credentials instead of
   * DefaultAzureCredential (keywordArguments then do not apply).
   */
  readonly chained?: readonly ChainedMember[];
  /**
   * With one `chained` member: the code builds that credential on its own (`AzureCliCredential(tenant_id=…)`), not in
   * a ChainedTokenCredential, so get_token raises its own error.
   */
  readonly lone?: boolean;
  /** azure-identity version and where it came from; undefined version = newest behaviour, versionSource 'default'. */
  readonly azureIdentityVersion: string | undefined;
  readonly versionSource: VersionSource;
  /** Whether azure-identity-broker is importable in the interpreter (1.24+ VS Code and Broker sources need it). */
  readonly brokerInstalled: boolean;
  /**
   * Whether MSAL's native broker runtime (pymsalruntime) is importable; undefined when not known. Without it the
   * broker-based VS Code credential fails with MSAL's "install msal[broker]" error.
   */
  readonly brokerRuntimeInstalled?: boolean;
  /**
   * The msal package's version in the interpreter; undefined when not known (then the newest msal the modelled
   * azure-identity accepts is assumed, as pip would install it). msal 1.38 changed Service Fabric managed identity.
   */
  readonly msalVersion?: string;
  /** Hosts the developer allowed to receive a secret although they are neither Microsoft's nor loopback. */
  readonly allowedHosts?: readonly string[];
  /**
   * PATH as the user's own environment has it, before .env: a tool found through any other entry of env.PATH is
   * run only when it is in allowedPrograms. Undefined: every entry of env.PATH is the user's own.
   */
  readonly trustedPath?: string;
  /** Programs (absolute paths) the developer allowed to run although a workspace's PATH entry finds them. */
  readonly allowedPrograms?: readonly string[];
  /** Where the user's app runs (the workspace folder): relative PATH entries resolve against it. Default: our cwd. */
  readonly workingDirectory?: string;
  readonly signal?: AbortSignal;
  /** Called as each probe starts and finishes (views show progress per row). */
  readonly onProbe?: (event: { readonly credential: CredentialName; readonly phase: 'start' | 'done'; readonly status?: SourceStatus; readonly elapsedMs?: number }) => void;
}
