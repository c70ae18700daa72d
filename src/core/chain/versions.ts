// How DefaultAzureCredential behaves in each azure-identity version family, as data. Everything the engine does
// differently per version is read from here; the probes and the verdict never test a version number themselves.
// Sources: the real library (1.13.0b2, 1.23.1 and 1.26.0b3 observed by running them, and cross-checked by the agreement
// tests); what lies between from the upstream source and the release notes (the "Release History" that ships in
// azure-identity's own package metadata), each change placed at the version whose notes name it. The releases after
// 1.26.0b3 (1.26.0, 1.27.0) are known only from PyPI's listing: their notes and sources could not be read here, so
// they get 1.26.0b3's rules and every report about them says so (RELEASES, rulesProvenance).
import * as l10n from '@vscode/l10n';
import { EXCLUDE_KEYWORDS, type CredentialName, type RulesEvidence, type RulesProvenance } from './types';

export type FamilyId = 'legacy' | '1.13' | '1.23' | '1.24' | '1.25' | '1.25.1' | '1.26';

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** PEP 440 pre-release ('a' | 'b' | 'rc') or dev release; undefined for a final release. */
  readonly pre: { readonly kind: 'a' | 'b' | 'rc' | 'dev'; readonly number: number } | undefined;
  readonly text: string;
}

/**
 * PEP 440 enough for azure-identity: "1.23.1", "1.13.0b2", "1.26.0b1", "1.25.0rc1", "1.24.0.dev0", "1.12" and a
 * local part ("1.23.1+debian") are accepted; anything else is undefined.
 */
export function parseVersion(text: string): ParsedVersion | undefined {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?(?:[._-]?(a|alpha|b|beta|rc|c)[._-]?(\d*))?(?:[._-]?(?:dev)[._-]?(\d*))?(?:\+[\w.]+)?\s*$/i.exec(text);
  if (!match) return undefined;
  const preKind = match[4]?.toLowerCase();
  const normalizedKind = preKind === undefined ? undefined
    : preKind.startsWith('a') ? 'a' as const : preKind.startsWith('b') ? 'b' as const : 'rc' as const;
  const pre = normalizedKind ? { kind: normalizedKind, number: Number(match[5] || 0) }
    : match[6] !== undefined ? { kind: 'dev' as const, number: Number(match[6] || 0) } : undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), pre, text: text.trim() };
}

/**
 * The newest azure-identity release (PyPI lists 1.27.0, 2026-10; 1.26.0 before it). A version that cannot be read is
 * taken to be this one: it is what `pip install azure-identity` installs. Its rules are not read (see RELEASES).
 */
export const NEWEST_KNOWN_VERSION = '1.27.0';

/**
 * The versions whose predictions are checked against the real library here: the agreement tests run every scenario
 * through the engine and through the real DefaultAzureCredential of each (Debian 12, Debian 13, Debian sid).
 */
export const CHECKED_VERSIONS: readonly string[] = ['1.13.0b2', '1.23.1', '1.26.0b3'];

/**
 * How much is known of a release's rules, for the releases after the last one whose text was read.
 *   read:     its CHANGELOG entry or sources were read; the rules of its family come from there.
 *   not-read: it is known to exist (PyPI's listing) but neither its CHANGELOG entry nor its sources could be read
 *             here (the repository snapshot is larger than the source tool brings over, PyPI is not reachable from
 *             this machine, and Debian carries only the 1.26.0b3 snapshot), so it gets the rules of the newest
 *             version that was read (NEWEST_READ_VERSION) — an assumption the product says out loud.
 * Versions up to NEWEST_READ_VERSION are 'read' (each family above names its evidence), or checked (CHECKED_VERSIONS).
 */
export const RELEASES: readonly { readonly version: string; readonly released: string; readonly rules: 'read' | 'not-read' }[] = [
  // PyPI listing (2026-10 for 1.27.0); no 1.26.0/1.27.0 CHANGELOG text or source was reachable.
  { version: '1.26.0', released: 'before 2026-10', rules: 'not-read' },
  { version: '1.27.0', released: '2026-10', rules: 'not-read' },
];

/** The newest version whose rules were read (or observed): everything newer is modelled on it. */
export const NEWEST_READ_VERSION = '1.26.0b3';

/** Orders two parsed versions as PEP 440 does for the forms parseVersion accepts (dev < a < b < rc < final). */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  const rank = (v: ParsedVersion): number => (v.pre === undefined ? 4 : { dev: 0, a: 1, b: 2, rc: 3 }[v.pre.kind]);
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || rank(a) - rank(b) || (a.pre?.number ?? 0) - (b.pre?.number ?? 0);
}

export function rulesEvidenceFor(version: string): RulesEvidence {
  const parsed = parseVersion(version);
  if (!parsed) return 'assumed';
  const same = (other: string): boolean => compareVersions(parsed, parseVersion(other)!) === 0;
  if (CHECKED_VERSIONS.some(same)) return 'checked';
  if (RELEASES.some((r) => r.rules === 'not-read' && same(r.version))) return 'assumed';
  return compareVersions(parsed, parseVersion(NEWEST_READ_VERSION)!) <= 0 ? 'read' : 'assumed';
}

export function rulesProvenance(version: string): RulesProvenance {
  const evidence = rulesEvidenceFor(version);
  const checkedVersions = [...CHECKED_VERSIONS];
  switch (evidence) {
    case 'checked':
      return {
        evidence, checkedVersions, verifyAdvised: false,
        summary: l10n.t('azure-identity {0}: rules checked against this version of the real library here', version),
      };
    case 'read':
      return {
        evidence, checkedVersions, verifyAdvised: true,
        summary: l10n.t('azure-identity {0}: rules read from its release, not yet checked against it here', version),
      };
    case 'assumed':
      return {
        evidence, checkedVersions, verifyAdvised: true, modelledOn: NEWEST_READ_VERSION,
        summary: l10n.t('azure-identity {0}: rules not read from its release; those of {1} are assumed, not yet checked against it here',
          version, NEWEST_READ_VERSION),
      };
    default: {
      const never: never = evidence;
      return never;
    }
  }
}

/** Which family a version belongs to; undefined or unparsable versions get NEWEST_KNOWN_VERSION's. */
export function familyIdFor(version: string | undefined): FamilyId {
  const parsed = parseVersion(version ?? NEWEST_KNOWN_VERSION) ?? parseVersion(NEWEST_KNOWN_VERSION)!;
  if (parsed.major < 1) return 'legacy';
  // A major version nobody has seen yet: the newest rules known.
  if (parsed.major > 1) return '1.26';
  const { minor } = parsed;
  // 1.13.0 betas (Debian 12 carries a main-branch snapshot labelled 1.13.0b2) still behave like 1.12.
  if (minor < 13 || (minor === 13 && parsed.patch === 0 && parsed.pre !== undefined)) return 'legacy';
  if (minor <= 22) return '1.13';
  if (minor === 23) return '1.23';
  if (minor === 24) return '1.24';
  if (minor === 25) return parsed.patch === 0 ? '1.25' : '1.25.1';
  return '1.26';
}

/** How the chain treats AZURE_TOKEN_CREDENTIALS. */
export type TokenCredentialsMode =
  /** The variable does not exist for this version. */
  | { readonly kind: 'ignored' }
  /** dev|prod only; the variable is applied after the keywords and can only add exclusions. */
  | { readonly kind: 'groups'; readonly devExcludes: readonly CredentialName[]; readonly prodExcludes: readonly CredentialName[] }
  /** dev|prod or one credential's class name (case-insensitive); explicit exclude_* keywords override it. */
  | {
    readonly kind: 'groups-or-name';
    readonly devKeeps: readonly CredentialName[];
    readonly prodKeeps: readonly CredentialName[];
    readonly names: readonly CredentialName[];
  };

/** How `az`/`azd`/`pwsh` are started: through `/bin/sh -c "<command string>"` or with an argument vector. */
export type ToolInvocation = 'shell' | 'exec';

export interface ChainBehaviour {
  readonly family: FamilyId;
  /** For people: "azure-identity 1.23". */
  readonly label: string;
  /** Every credential this version's DefaultAzureCredential knows, in chain order. */
  readonly order: readonly CredentialName[];
  readonly defaultExcluded: readonly CredentialName[];
  /** The exclude_* keyword of each credential that has one in this version. */
  readonly excludeKeywords: Readonly<Partial<Record<CredentialName, string>>>;
  readonly tokenCredentials: TokenCredentialsMode;
  /** `require_envvar` keyword (1.25.0): DefaultAzureCredential() raises unless AZURE_TOKEN_CREDENTIALS is set. */
  readonly requireEnvvarKeyword: boolean;
  /** `process_timeout` keyword name (null: not supported) and its default, used for az, azd and pwsh. */
  readonly processTimeout: { readonly keyword: string | null; readonly defaultSeconds: number };
  /**
   * Inside DefaultAzureCredential, az/azd/pwsh errors other than "not installed"/"not logged in" are reported as
   * CredentialUnavailableError (the chain goes on) instead of ClientAuthenticationError (the chain stops).
   */
  readonly devToolErrorsContinue: boolean;
  /** An "AADSTS" in az/azd stderr suppresses the canned "please log in" message (the stderr is the message). */
  readonly aadstsSuppressesLoginMessage: boolean;
  /** Shared token cache file under ~/.IdentityService. */
  readonly sharedCacheFile: 'msal.cache' | 'msal.cache.nocae';
  /** Refresh-token redemption errors of SharedTokenCacheCredential continue the chain (1.25.0). */
  readonly sharedCacheRefreshErrorsContinue: boolean;
  /**
   * none: no WorkloadIdentityCredential (workload identity is a ManagedIdentityCredential mode);
   * when-configured: constructed only when AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE are
   * all set, and its constructor errors make DefaultAzureCredential() raise;
   * always: always constructed, constructor errors reported as "unavailable" (FailedDACCredential).
   */
  readonly workloadIdentity: 'none' | 'when-configured' | 'always';
  /**
   * How WorkloadIdentityCredential's constructor says what is missing: the first missing argument alone
   * ('per-argument'), or "The workload options are not fully configured" with every missing one (1.24.0).
   */
  readonly workloadIdentityConfigMessage: 'per-argument' | 'missing-list';
  readonly managedIdentity: {
    /** 'first-request': probe IMDS before the first request, always; 'in-chain': only inside a chain (DAC). */
    readonly imdsProbe: 'first-request' | 'in-chain';
    readonly imdsProbeTimeoutMs: number;
    /** 'legacy': azure-core pipeline; 'msal': MSAL's ManagedIdentityClient (different IMDS error messages). */
    readonly imdsClient: 'legacy' | 'msal';
    /** MI's own token-exchange mode is skipped when WorkloadIdentityCredential is excluded. */
    readonly tokenExchangeHonoursWorkloadExclusion: boolean;
    readonly tokenExchangeMissingClientIdMessage: string;
    /** MSAL-based endpoints' error text: the error code alone, or "Token request error: (code) description" (1.25.1). */
    readonly msalErrorDetail: 'code' | 'code-and-description';
    /** AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential turns the IMDS probe off (1.25.1): full retries instead. */
    readonly probeSkippedWhenSelectedByName: boolean;
    /**
     * Azure Arc: the key file the endpoint's challenge names is checked (Arc agent folder, `.key`, at most 4096
     * bytes) before it is read and sent. Versions without the check would send any file.
     */
    readonly arcValidatesKeyFile: boolean;
  };
  /** 'azure-account': the retired settings+libsecret credential; 'azure-resources': auth record + broker. */
  readonly visualStudioCode: 'azure-account' | 'azure-resources';
  readonly az: { readonly invocation: ToolInvocation; readonly usesExpiresOnField: boolean };
  readonly azd: {
    readonly invocation: ToolInvocation;
    readonly noPrompt: boolean;
    readonly unexpectedOutputTool: string;
    /** azd 1.23.7+ prints its errors as JSON lines; the message is their "error" (or legacy consoleMessage) text (1.26.0b3). */
    readonly readsJsonErrors: boolean;
  } | null;
  readonly pwsh: {
    readonly invocation: ToolInvocation;
    readonly flags: readonly string[];
    /** 'legacy': Get-AzAccessToken -ResourceUrl; 'secure-string': the parameter-table script with -AsSecureString. */
    readonly script: 'legacy' | 'secure-string';
    /** The message for a non-zero exit that matched no known text. */
    readonly otherErrorMessage: string;
  };
  /** The Azure Account era VisualStudioCodeCredential: its "no token" text, and whether DAC turns its errors into "unavailable". */
  readonly azureAccountVsCode: { readonly noTokenMessage: string; readonly errorsContinue: boolean };
  /**
   * InteractiveBrowserCredential where no browser can be started: MSAL prints the sign-in address and waits with no
   * time limit ('waits', up to 1.14), or azure-identity raises "Failed to open a browser" and the chain goes on
   * ('unavailable', 1.15.0's fix "does not hand over to next credential in chain if no browser is supported").
   */
  readonly browserWithoutBrowser: 'waits' | 'unavailable';
  readonly messages: {
    readonly environmentUnavailable: string;
    readonly aadErrorPrefix: string;
    readonly secretClientId: string;
    readonly secretEmpty: string;
    readonly secretTenant: string;
    readonly invalidTenant: string;
  };
}

const ALL_EXCLUDE_KEYWORDS = EXCLUDE_KEYWORDS;

function keywordsFor(order: readonly CredentialName[]): Partial<Record<CredentialName, string>> {
  return Object.fromEntries(order.map((name) => [name, ALL_EXCLUDE_KEYWORDS[name]]));
}

const LEGACY_ORDER: readonly CredentialName[] = [
  'EnvironmentCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential',
  'AzureCliCredential', 'AzurePowerShellCredential', 'InteractiveBrowserCredential',
];
const ORDER_1_13: readonly CredentialName[] = [
  'EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential',
  'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential',
  'InteractiveBrowserCredential',
];
const ORDER_1_24: readonly CredentialName[] = [...ORDER_1_13, 'BrokerCredential'];

const ENV_MESSAGE_PREFIX = 'EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n'
  + 'Visit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot';

const AAD_MESSAGES = {
  secretClientId: 'client_id should be the id of an Azure Active Directory application',
  secretEmpty: "secret should be an Azure Active Directory application's client secret",
  secretTenant: "tenant_id should be an Azure Active Directory tenant's id (also called its 'directory id')",
  invalidTenant: 'Invalid tenant id provided. You can locate your tenant id by following the instructions here: '
    + 'https://docs.microsoft.com/partner-center/find-ids-and-domain-names',
};
// The "Microsoft Entra" wording replaced "Azure Active Directory" in 1.15 (2023-10); the 1.13 family is modelled
// on its newest members.
const ENTRA_MESSAGES = {
  secretClientId: 'client_id should be the id of a Microsoft Entra application',
  secretEmpty: "secret should be a Microsoft Entra application's client secret",
  secretTenant: "tenant_id should be a Microsoft Entra tenant's id (also called its 'directory id')",
  invalidTenant: 'Invalid tenant ID provided. You can locate your tenant ID by following the instructions here: '
    + 'https://learn.microsoft.com/partner-center/find-ids-and-domain-names',
};

const DEV_EXCLUDES_1_23: readonly CredentialName[] = ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'];
const PROD_EXCLUDES_1_23: readonly CredentialName[] = [
  'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential',
  'AzureDeveloperCliCredential', 'InteractiveBrowserCredential',
];

const LEGACY: ChainBehaviour = {
  family: 'legacy',
  label: 'azure-identity ≤ 1.12 and 1.13 betas',
  order: LEGACY_ORDER,
  defaultExcluded: ['VisualStudioCodeCredential', 'InteractiveBrowserCredential'],
  excludeKeywords: keywordsFor(LEGACY_ORDER),
  tokenCredentials: { kind: 'ignored' },
  requireEnvvarKeyword: false,
  processTimeout: { keyword: null, defaultSeconds: 10 },
  devToolErrorsContinue: false,
  aadstsSuppressesLoginMessage: false,
  sharedCacheFile: 'msal.cache',
  sharedCacheRefreshErrorsContinue: false,
  workloadIdentity: 'none',
  workloadIdentityConfigMessage: 'per-argument',
  managedIdentity: {
    imdsProbe: 'first-request',
    imdsProbeTimeoutMs: 300,
    imdsClient: 'legacy',
    tokenExchangeHonoursWorkloadExclusion: false,
    tokenExchangeMissingClientIdMessage: 'Configure the environment with a client ID or pass a value for "client_id" argument',
    arcValidatesKeyFile: false,
    msalErrorDetail: 'code',
    probeSkippedWhenSelectedByName: false,
  },
  visualStudioCode: 'azure-account',
  az: { invocation: 'shell', usesExpiresOnField: false },
  azd: null,
  pwsh: { invocation: 'shell', flags: ['-NonInteractive'], script: 'legacy', otherErrorMessage: 'Failed to invoke PowerShell' },
  azureAccountVsCode: { noTokenMessage: 'Failed to get Azure user details from Visual Studio Code.', errorsContinue: false },
  browserWithoutBrowser: 'waits',
  messages: { environmentUnavailable: `${ENV_MESSAGE_PREFIX}.this issue.`, aadErrorPrefix: 'Azure Active Directory error', ...AAD_MESSAGES },
};

const FAMILY_1_13: ChainBehaviour = {
  family: '1.13',
  label: 'azure-identity 1.13 – 1.22',
  order: ORDER_1_13,
  defaultExcluded: ['VisualStudioCodeCredential', 'InteractiveBrowserCredential'],
  excludeKeywords: keywordsFor(ORDER_1_13),
  tokenCredentials: { kind: 'ignored' },
  requireEnvvarKeyword: false,
  processTimeout: { keyword: 'process_timeout', defaultSeconds: 10 },
  devToolErrorsContinue: true,
  aadstsSuppressesLoginMessage: true,
  sharedCacheFile: 'msal.cache.nocae',
  sharedCacheRefreshErrorsContinue: false,
  workloadIdentity: 'when-configured',
  workloadIdentityConfigMessage: 'per-argument',
  managedIdentity: {
    imdsProbe: 'in-chain',
    imdsProbeTimeoutMs: 1000,
    imdsClient: 'legacy',
    tokenExchangeHonoursWorkloadExclusion: true,
    tokenExchangeMissingClientIdMessage: 'Configure the environment with a client ID or pass a value for "client_id" argument',
    arcValidatesKeyFile: true,
    msalErrorDetail: 'code',
    probeSkippedWhenSelectedByName: false,
  },
  visualStudioCode: 'azure-account',
  az: { invocation: 'shell', usesExpiresOnField: true },
  azd: { invocation: 'shell', noPrompt: false, unexpectedOutputTool: 'Azure CLI', readsJsonErrors: false },
  pwsh: {
    invocation: 'shell', flags: ['-NoProfile', '-NonInteractive'], script: 'secure-string',
    otherErrorMessage: 'Failed to invoke PowerShell. Enable debug logging for additional information.',
  },
  azureAccountVsCode: {
    noTokenMessage: 'Failed to get Azure user details from Visual Studio Code. Currently, the VisualStudioCodeCredential only works '
      + 'with the Azure Account extension version 0.9.11 and earlier. A long-term fix is in progress, see '
      + 'https://github.com/Azure/azure-sdk-for-python/issues/25713',
    errorsContinue: true,
  },
  // 1.13.0 and 1.14 still waited like 1.12; the family follows its newer members.
  browserWithoutBrowser: 'unavailable',
  messages: { environmentUnavailable: `${ENV_MESSAGE_PREFIX} this issue.`, aadErrorPrefix: 'Microsoft Entra ID error', ...ENTRA_MESSAGES },
};

const FAMILY_1_23: ChainBehaviour = {
  ...FAMILY_1_13,
  family: '1.23',
  label: 'azure-identity 1.23',
  tokenCredentials: { kind: 'groups', devExcludes: DEV_EXCLUDES_1_23, prodExcludes: PROD_EXCLUDES_1_23 },
  managedIdentity: { ...FAMILY_1_13.managedIdentity, imdsClient: 'msal' },
  az: { invocation: 'exec', usesExpiresOnField: true },
  // 1.23 still starts PowerShell through /bin/sh -c.
  azd: { invocation: 'exec', noPrompt: false, unexpectedOutputTool: 'Azure Developer CLI', readsJsonErrors: false },
};

const NAMES_1_24: readonly CredentialName[] = [
  'EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential', 'VisualStudioCodeCredential',
  'AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential', 'InteractiveBrowserCredential',
];

const FAMILY_1_24: ChainBehaviour = {
  ...FAMILY_1_23,
  family: '1.24',
  label: 'azure-identity 1.24',
  order: ORDER_1_24,
  defaultExcluded: ['InteractiveBrowserCredential'],
  excludeKeywords: keywordsFor(ORDER_1_24),
  tokenCredentials: {
    kind: 'groups-or-name',
    // A mode keeps only its own group. The broker belongs to dev since 1.24.0 ("brokered authentication was not
    // included in the chain when AZURE_TOKEN_CREDENTIALS was set to dev", fixed after 1.24.0b1); the browser to none.
    devKeeps: [
      'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential', 'AzurePowerShellCredential',
      'AzureDeveloperCliCredential', 'BrokerCredential',
    ],
    prodKeeps: ['EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential'],
    names: NAMES_1_24,
  },
  workloadIdentity: 'always',
  // Came with the FailedDACCredential stand-in (1.24.0: "the reason WorkloadIdentityCredential failed will be included").
  workloadIdentityConfigMessage: 'missing-list',
  managedIdentity: {
    ...FAMILY_1_23.managedIdentity,
    tokenExchangeMissingClientIdMessage: 'Workload identity was selected but no client ID was provided. '
      + 'Configure the environment with a client ID or pass a value for "client_id" argument',
  },
  visualStudioCode: 'azure-resources',
};

const FAMILY_1_25: ChainBehaviour = {
  ...FAMILY_1_24,
  family: '1.25',
  label: 'azure-identity 1.25.0',
  requireEnvvarKeyword: true,
  sharedCacheRefreshErrorsContinue: true,
  // 1.25.0 fixed azd prompting (AZD_DEBUG) by asking it never to prompt.
  azd: { invocation: 'exec', noPrompt: true, unexpectedOutputTool: 'Azure Developer CLI', readsJsonErrors: false },
};

const FAMILY_1_25_1: ChainBehaviour = {
  ...FAMILY_1_25,
  family: '1.25.1',
  label: 'azure-identity 1.25.1 – 1.25.x',
  // 1.25.1: "error messages from ManagedIdentityCredential include the full error response", and
  // AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential "skips the IMDS endpoint probe".
  managedIdentity: { ...FAMILY_1_25.managedIdentity, msalErrorDetail: 'code-and-description', probeSkippedWhenSelectedByName: true },
};

// 1.26.0b3 observed (Debian sid's python3-azure 20260602): require_envvar's message, process_credential_exclusions
// (the variable first, explicit exclude_* keywords last), the browser and the broker as in 1.24/1.25. 1.26.0 and
// 1.27.0 are assumed to be the same (see RELEASES).
const FAMILY_1_26: ChainBehaviour = {
  ...FAMILY_1_25_1,
  family: '1.26',
  label: 'azure-identity 1.26 and later',
  // 1.26.0b3: "correctly parse error messages from Azure Developer CLI v1.23.7 and later".
  azd: { invocation: 'exec', noPrompt: true, unexpectedOutputTool: 'Azure Developer CLI', readsJsonErrors: true },
};

/**
 * The name of a family of versions as a person reads it, in the display language (`label` is the same in English,
 * kept as data). Version numbers and the library's name are placeholders a translation cannot change.
 */
export function familyLabel(behaviour: Pick<ChainBehaviour, 'family'>): string {
  switch (behaviour.family) {
    case 'legacy': return l10n.t('{0} ≤ {1} and {2} betas', 'azure-identity', '1.12', '1.13');
    case '1.13': return l10n.t('{0} {1} – {2}', 'azure-identity', '1.13', '1.22');
    case '1.23': return `azure-identity 1.23`;
    case '1.24': return `azure-identity 1.24`;
    case '1.25': return `azure-identity 1.25.0`;
    case '1.25.1': return l10n.t('{0} {1} – {2}', 'azure-identity', '1.25.1', '1.25.x');
    case '1.26': return l10n.t('{0} {1} and later', 'azure-identity', '1.26');
  }
}

const FAMILIES: Readonly<Record<FamilyId, ChainBehaviour>> = {
  legacy: LEGACY, '1.13': FAMILY_1_13, '1.23': FAMILY_1_23, '1.24': FAMILY_1_24, '1.25': FAMILY_1_25, '1.25.1': FAMILY_1_25_1,
  '1.26': FAMILY_1_26,
};

export const VERSION_FAMILIES: readonly ChainBehaviour[] = [
  LEGACY, FAMILY_1_13, FAMILY_1_23, FAMILY_1_24, FAMILY_1_25, FAMILY_1_25_1, FAMILY_1_26,
];

export function familyFor(version: string | undefined): ChainBehaviour {
  return FAMILIES[familyIdFor(version)];
}

/** The credentials of the version's chain, in order (also those excluded by default). */
export function chainOrderFor(version: string | undefined): CredentialName[] {
  return [...familyFor(version).order];
}

// ---------------------------------------------------------------------------------------------------------------
// Exclusions: keywords, defaults and AZURE_TOKEN_CREDENTIALS, resolved the way the version's constructor does.

export interface ConstructorError {
  /** Python exception class, e.g. "ValueError". */
  readonly exceptionType: string;
  readonly message: string;
  /** The credential whose constructor raised, or null for DefaultAzureCredential's own checks. */
  readonly credential: CredentialName | null;
}

export interface ExclusionPlan {
  /** Per credential of the version: excluded from the chain? */
  readonly excluded: Readonly<Partial<Record<CredentialName, boolean>>>;
  /** Why each excluded credential is excluded (one sentence). */
  readonly reasons: Readonly<Partial<Record<CredentialName, string>>>;
  /** Keywords the version does not know (ignored, reported to the user). */
  readonly unknownKeywords: readonly string[];
  readonly error: ConstructorError | undefined;
}

/** DefaultAzureCredential(tenant_id=…): azure-identity's TypeError (1.9.0 and later, every family read since). */
export const TENANT_ID_KEYWORD_MESSAGE = "'tenant_id' is not supported in DefaultAzureCredential.";

/** DefaultAzureCredential(require_envvar=True) without AZURE_TOKEN_CREDENTIALS (1.25.0+). */
export const REQUIRE_ENVVAR_MESSAGE = 'AZURE_TOKEN_CREDENTIALS environment variable is required but is not set or is empty. '
  + "Set it to 'dev', 'prod', or a specific credential name.";

/**
 * Applies defaults, `exclude_*` keywords and AZURE_TOKEN_CREDENTIALS in the order of the version's constructor.
 * `exclude` holds the keywords the user's code passes (true/false), by credential; `requireEnvvar` is
 * `require_envvar=` as passed (undefined: not passed).
 */
export function planExclusions(
  behaviour: ChainBehaviour,
  exclude: Readonly<Partial<Record<CredentialName, boolean>>>,
  env: Readonly<Record<string, string>>,
  requireEnvvar?: boolean,
): ExclusionPlan {
  const excluded: Partial<Record<CredentialName, boolean>> = {};
  const reasons: Partial<Record<CredentialName, string>> = {};
  const unknownKeywords: string[] = [];
  for (const [name, value] of Object.entries(exclude) as [CredentialName, boolean | undefined][]) {
    if (value !== undefined && !behaviour.order.includes(name)) unknownKeywords.push(ALL_EXCLUDE_KEYWORDS[name]);
  }
  if (requireEnvvar !== undefined && !behaviour.requireEnvvarKeyword) unknownKeywords.push('require_envvar');
  for (const name of behaviour.order) {
    const byDefault = behaviour.defaultExcluded.includes(name);
    excluded[name] = byDefault;
    if (byDefault) reasons[name] = l10n.t('Excluded by default in {0} ({1}).', familyLabel(behaviour), `${behaviour.excludeKeywords[name]}=True`);
  }
  const applyKeywords = (): void => {
    for (const name of behaviour.order) {
      const value = exclude[name];
      if (value === undefined) continue;
      excluded[name] = value;
      if (value) reasons[name] = l10n.t('Excluded by the keyword {0}.', `${behaviour.excludeKeywords[name]}=True`);
      else delete reasons[name];
    }
  };
  const mode = behaviour.tokenCredentials;
  const raw = env.AZURE_TOKEN_CREDENTIALS;
  const value = (raw ?? '').trim().toLowerCase();
  // Checked before the variable is read for exclusions, so it wins over an invalid value's error too.
  if (requireEnvvar === true && behaviour.requireEnvvarKeyword && !value) {
    return { excluded, reasons, unknownKeywords, error: { exceptionType: 'ValueError', credential: null, message: REQUIRE_ENVVAR_MESSAGE } };
  }
  if (mode.kind === 'ignored' || !value) {
    applyKeywords();
    return { excluded, reasons, unknownKeywords, error: undefined };
  }
  if (mode.kind === 'groups') {
    // 1.23: the keywords first, then the variable, which can only add exclusions.
    applyKeywords();
    if (value !== 'dev' && value !== 'prod') {
      return {
        excluded, reasons, unknownKeywords,
        error: { exceptionType: 'ValueError', credential: null, message: `Invalid value for AZURE_TOKEN_CREDENTIALS: ${value}. Valid values are 'dev' or 'prod'.` },
      };
    }
    const drop = value === 'dev' ? mode.devExcludes : mode.prodExcludes;
    for (const name of drop) {
      if (!behaviour.order.includes(name)) continue;
      if (!excluded[name]) reasons[name] = l10n.t('Excluded by {0} (it overrides {1} in this version).', `AZURE_TOKEN_CREDENTIALS=${raw}`, `${behaviour.excludeKeywords[name]}`);
      excluded[name] = true;
    }
    return { excluded, reasons, unknownKeywords, error: undefined };
  }
  // 1.24+: the variable decides first, explicit keywords override it.
  let keep: readonly CredentialName[];
  if (value === 'dev') keep = mode.devKeeps;
  else if (value === 'prod') keep = mode.prodKeeps;
  else {
    const selected = mode.names.find((name) => name.toLowerCase() === value);
    if (!selected) {
      const valid = ['dev', 'prod', ...mode.names.map((n) => n.toLowerCase()).sort()];
      return {
        excluded, reasons, unknownKeywords,
        error: { exceptionType: 'ValueError', credential: null, message: `Invalid value for AZURE_TOKEN_CREDENTIALS: ${value}. Valid values are: ${valid.join(', ')}.` },
      };
    }
    keep = [selected];
  }
  for (const name of behaviour.order) {
    const drop = !keep.includes(name);
    excluded[name] = drop;
    if (drop) reasons[name] = l10n.t('Excluded by {0}.', `AZURE_TOKEN_CREDENTIALS=${raw}`);
    else delete reasons[name];
  }
  applyKeywords();
  return { excluded, reasons, unknownKeywords, error: undefined };
}

/** The process_timeout the tools get, in seconds (the keyword is ignored by versions that lack it). */
export function processTimeoutSeconds(behaviour: ChainBehaviour, requested: number | undefined): number {
  if (behaviour.processTimeout.keyword === null || requested === undefined) return behaviour.processTimeout.defaultSeconds;
  return requested;
}
