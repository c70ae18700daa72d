// The sign-in page as data: every way DefaultAzureCredential can get a developer's token, in the chain order of the
// installed azure-identity, each with whether its tool is installed, whether it is signed in and as whom, and whether
// the chain reaches it (or an earlier source wins, or it is excluded, and why). Built from the chain report the views
// already show, never by probing anything itself. Pure and browser-safe; the extension sends it to the page.
import type { KnownTenant } from './knownTenants';
import { familyFor, familyLabel, VERSION_FAMILIES, type FamilyId } from '../chain/versions';
import type { ChainReport, CredentialName, SourceResult } from '../chain/types';
import { displayName, firstLine, fullIdentity, verdictHeadline } from '../presentation/chainRows';
import { TOOL_CREDENTIALS, type CloudChoice, type CloudName, type SignInTool } from './signInPageCommands';
import * as l10n from '@vscode/l10n';

/** What a row is about: a tool the page can run, a source with its own fix, or one the page only explains. */
export type SignInRowKind = 'environment' | 'sharedCache' | 'vscode' | 'tool' | 'browser' | 'broker';

/** Sources a developer signs in to (or configures) on this page, by the kind of row they get. */
const DEVELOPER_SOURCES: Readonly<Partial<Record<CredentialName, SignInRowKind>>> = {
  EnvironmentCredential: 'environment',
  SharedTokenCacheCredential: 'sharedCache',
  VisualStudioCodeCredential: 'vscode',
  AzureCliCredential: 'tool',
  AzurePowerShellCredential: 'tool',
  AzureDeveloperCliCredential: 'tool',
  InteractiveBrowserCredential: 'browser',
  BrokerCredential: 'broker',
};

const TOOL_OF: Readonly<Partial<Record<CredentialName, SignInTool>>> = Object.fromEntries(
  Object.entries(TOOL_CREDENTIALS).map(([tool, credential]) => [credential, tool as SignInTool]),
);

/** Whether the chain gets to this source, and if not, why. */
export type Reach =
  /** Python gets its token here. */
  | { readonly kind: 'active' }
  /** Python tries it, finds no token, and goes on (signing in here makes it the active source, if nothing earlier wins). */
  | { readonly kind: 'tried' }
  /** Python raises here: the chain ends with this source's error. */
  | { readonly kind: 'stops' }
  /** An earlier source decides (with its token or its error) before Python gets here. */
  | { readonly kind: 'earlier-wins'; readonly winner: CredentialName; readonly winnerLabel: string; readonly winnerHasToken: boolean }
  /** Not part of the chain: `reason` says by what (a default, a keyword, AZURE_TOKEN_CREDENTIALS). */
  | { readonly kind: 'excluded'; readonly reason: string }
  /** This azure-identity version's DefaultAzureCredential has no such source. */
  | { readonly kind: 'not-in-version'; readonly since: string | null }
  /** No check has finished yet. */
  | { readonly kind: 'unknown' };

export type SignInState =
  | { readonly kind: 'signed-in'; readonly who: string | null; readonly tenantId: string | null }
  | { readonly kind: 'signed-out'; readonly message: string }
  | { readonly kind: 'not-installed'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'unknown' };

export interface SignInRow {
  readonly credential: CredentialName;
  readonly label: string;
  readonly kind: SignInRowKind;
  /** 1-based position in the version's chain; null for a source this version does not have. */
  readonly position: number | null;
  /** The tool the row runs (rows of kind 'tool'). */
  readonly tool: SignInTool | null;
  /** Whether the row's tool is installed (on PATH); null when the row has no tool. */
  readonly installed: boolean | null;
  readonly signIn: SignInState;
  readonly reach: Reach;
}

export interface ActiveIdentity {
  readonly credential: CredentialName;
  readonly label: string;
  /** "alice@contoso.com" or "service principal <app id>"; null when the token named nobody. */
  readonly who: string | null;
  readonly tenantId: string | null;
  readonly objectId: string | null;
}

/** How VS Code's account reaches Python in the installed version, and what it needs. */
export interface VsCodeAccount {
  /** 'azure-resources': the Azure Resources extension's auth record through azure-identity-broker; 'azure-account': the retired Azure Account extension. */
  readonly implementation: 'azure-resources' | 'azure-account';
  /** "1.24": the first version that reads the Azure Resources extension's sign-in. */
  readonly azureResourcesSince: string;
  readonly azureResourcesInstalled: boolean;
  /** null when the interpreter could not be asked. */
  readonly brokerInstalled: boolean | null;
}

export type CheckPhase = 'idle' | 'probing' | 'ready' | 'failed';

export interface SignInPage {
  readonly phase: CheckPhase;
  /** The rows come from an earlier check than the one that is running or failed. */
  readonly stale: boolean;
  /** When the check this page shows finished or failed (the extension host's clock); null while one runs. */
  readonly checkedAt: number | null;
  /** One sentence: who Python signs in as, why the chain fails, or why there is no answer. */
  readonly headline: string;
  readonly azureIdentity: {
    /** The installed version, or null when unknown (not installed, untrusted, not asked yet): the newest rules apply. */
    readonly version: string | null;
    /** "azure-identity 1.23": the family whose rules were applied. */
    readonly rules: string;
  };
  readonly interpreter: string | null;
  readonly trusted: boolean;
  readonly active: ActiveIdentity | null;
  /** Whether the active identity holds a role in a visible subscription (from the Access view's last load of it). */
  readonly roles: 'some' | 'none' | 'unknown';
  readonly rows: readonly SignInRow[];
  readonly vscode: VsCodeAccount;
  readonly clouds: readonly CloudChoice[];
  /** The cloud `az cloud set` chose (AzureCloud when never set). */
  readonly azCloud: string;
  /** The custom cloud the setting azureDevAuth.cloud names (its endpoints), which the page names as the cloud in use. */
  readonly customCloud: CustomCloud | null;
  /** Tenants the az account reaches (az's profile), offered in the Tenant field. */
  readonly knownTenants: readonly KnownTenant[];
}

/** A cloud of custom endpoints (azureDevAuth.cloud): its name and the authority host Python needs for it. */
export interface CustomCloud {
  readonly label: string;
  readonly authorityHost: string;
}

/** What the page is built from. */
export interface SignInPageInputs {
  readonly phase: CheckPhase;
  /** The report to show: the current one, or the last good one while a check runs or after it failed. */
  readonly report: ChainReport | undefined;
  readonly stale: boolean;
  /** When the current check finished (ready) or failed; null while probing or before the first check. */
  readonly checkedAt: number | null;
  /** Why the latest check failed (phase 'failed'), one sentence fragment. */
  readonly failure: string | null;
  readonly trusted: boolean;
  /** The interpreter's azure-identity version when it answered; null: not installed or not known. */
  readonly azureIdentityVersion: string | null;
  readonly brokerInstalled: boolean | null;
  readonly interpreter: string | null;
  /** Which tools are on PATH. */
  readonly tools: Readonly<Record<SignInTool, boolean>>;
  readonly azureResourcesInstalled: boolean;
  readonly roles: 'some' | 'none' | 'unknown';
  readonly clouds: readonly CloudChoice[];
  readonly azCloud: string;
  readonly customCloud?: CustomCloud | null;
  /** Tenants the az account reaches (knownTenants.ts); none when not known. */
  readonly knownTenants?: readonly KnownTenant[];
}

/** "1.24" for the family that introduced a behaviour. */
function familyVersion(id: FamilyId): string {
  return id === 'legacy' ? '1.12' : id;
}

/** The first version family whose chain has the credential, for "not in this version: since 1.13". */
function firstVersionWith(credential: CredentialName): string | null {
  const family = VERSION_FAMILIES.find((f) => f.order.includes(credential));
  return family ? familyVersion(family.family) : null;
}

function azureResourcesSince(): string {
  const family = VERSION_FAMILIES.find((f) => f.visualStudioCode === 'azure-resources');
  return family ? familyVersion(family.family) : '1.24';
}

/** Messages are quoted on the page by their first line, and cut: the page is not a log. */
const MESSAGE_LIMIT = 1_000;
function clip(text: string): string {
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 1)}…` : text;
}

/** The tool messages azure-identity uses when the tool itself is missing. */
const NOT_INSTALLED = /not found on path|could not be found|is not installed|not recognized/i;

function signInState(source: SourceResult | undefined): SignInState {
  if (!source) return { kind: 'unknown' };
  const message = clip(firstLine(source.message));
  switch (source.status) {
    case 'succeeded': return { kind: 'signed-in', who: fullIdentity(source.identity) ?? null, tenantId: source.identity?.tenantId ?? null };
    case 'unavailable': return NOT_INSTALLED.test(message) ? { kind: 'not-installed', message } : { kind: 'signed-out', message };
    case 'failed': return { kind: 'error', message };
    case 'excluded':
    case 'not-checked':
      return { kind: 'unknown' };
  }
}

/** The source where the chain ends (token or error), when it ends at one. */
function decidingSource(report: ChainReport): SourceResult | undefined {
  return report.sources.find((s) => s.decisive);
}

function reachOf(source: SourceResult | undefined, report: ChainReport | undefined): Reach {
  if (!report || !source) return { kind: 'unknown' };
  if (source.status === 'excluded') return { kind: 'excluded', reason: clip(firstLine(source.message)) || l10n.t('Excluded from the chain.') };
  if (source.decisive) return source.status === 'succeeded' ? { kind: 'active' } : { kind: 'stops' };
  if (source.reached) return { kind: 'tried' };
  const winner = decidingSource(report);
  if (winner) return { kind: 'earlier-wins', winner: winner.credential, winnerLabel: displayName(winner.credential), winnerHasToken: winner.status === 'succeeded' };
  return { kind: 'unknown' };
}

function headlineOf(inputs: SignInPageInputs): string {
  const { report } = inputs;
  if (inputs.phase === 'failed') {
    return clip(l10n.t('The last check failed{0}{1}.', inputs.failure ? `: ${inputs.failure}` : '', report ? l10n.t(' (showing the result of an earlier check)') : ''));
  }
  if (!report) return inputs.phase === 'probing' ? l10n.t('Checking which source your Python code signs in with…') : l10n.t('The chain has not been checked yet.');
  return clip(verdictHeadline(report.verdict, report.sources));
}

function activeIdentity(report: ChainReport | undefined): ActiveIdentity | null {
  if (!report || report.verdict.outcome !== 'token' || !report.verdict.credential) return null;
  const source = report.sources.find((s) => s.credential === report.verdict.credential);
  return {
    credential: report.verdict.credential,
    label: displayName(report.verdict.credential),
    who: fullIdentity(source?.identity ?? null) ?? null,
    tenantId: source?.identity?.tenantId ?? null,
    objectId: source?.identity?.objectId ?? null,
  };
}

/**
 * The page for a chain report. The rows follow the version's chain order (excluded sources keep their place, as in
 * the chain view), then the developer sources this version does not have, so the page always offers every way.
 */
export function signInPage(inputs: SignInPageInputs): SignInPage {
  const { report } = inputs;
  const version = report?.azureIdentityVersion ?? inputs.azureIdentityVersion ?? undefined;
  const family = familyFor(version);
  const order = report ? report.sources.map((s) => s.credential) : family.order;
  const inVersion = order.filter((c) => DEVELOPER_SOURCES[c] !== undefined);
  const missing = (Object.keys(DEVELOPER_SOURCES) as CredentialName[]).filter((c) => !order.includes(c));
  const row = (credential: CredentialName, position: number | null): SignInRow => {
    const source = report?.sources.find((s) => s.credential === credential);
    const tool = TOOL_OF[credential] ?? null;
    const installed = tool ? inputs.tools[tool] : null;
    let signIn = signInState(source);
    // PATH decides "installed" for the page; the chain's message is kept for what it says beyond that.
    if (tool && !installed && signIn.kind !== 'signed-in') {
      signIn = { kind: 'not-installed', message: 'message' in signIn && signIn.message ? signIn.message : l10n.t('{0} is not on PATH.', tool) };
    }
    return {
      credential,
      label: displayName(credential),
      kind: DEVELOPER_SOURCES[credential]!,
      position,
      tool,
      installed,
      signIn,
      reach: position === null ? { kind: 'not-in-version', since: firstVersionWith(credential) } : reachOf(source, report),
    };
  };
  return {
    phase: inputs.phase,
    stale: inputs.stale,
    checkedAt: inputs.checkedAt,
    headline: headlineOf(inputs),
    azureIdentity: { version: report?.azureIdentityVersion && report.versionSource === 'python' ? report.azureIdentityVersion : inputs.azureIdentityVersion, rules: report?.behaviour ?? familyLabel(family) },
    interpreter: inputs.interpreter,
    trusted: inputs.trusted,
    active: activeIdentity(report),
    roles: inputs.roles,
    rows: [...inVersion.map((c) => row(c, order.indexOf(c) + 1)), ...missing.map((c) => row(c, null))],
    vscode: {
      implementation: family.visualStudioCode,
      azureResourcesSince: azureResourcesSince(),
      azureResourcesInstalled: inputs.azureResourcesInstalled,
      brokerInstalled: inputs.brokerInstalled,
    },
    clouds: inputs.clouds,
    azCloud: inputs.azCloud,
    customCloud: inputs.customCloud ?? null,
    knownTenants: inputs.knownTenants ?? [],
  };
}

/** The cloud the page starts with: the one az is set to when it is one of the three, else the public cloud. */
export function defaultCloud(azCloud: string): CloudName {
  return azCloud === 'AzureChinaCloud' || azCloud === 'AzureUSGovernment' ? azCloud : 'AzureCloud';
}
