// The chain engine: decide the version's rules, run every source's probe in parallel (each at most once at a
// time, also across overlapping evaluations), then apply the chain's semantics in order. Reads only its inputs.
import * as l10n from '@vscode/l10n';
import { release } from 'node:os';
import { toolDisagreement } from './disagreement';
import { defaultAuthority, InvalidAuthorityError, normalizeAuthority, PUBLIC_AUTHORITY } from './entra';
import { azureCliProbe } from './sources/azureCli';
import { azureDeveloperCliProbe } from './sources/azureDeveloperCli';
import { azurePowerShellProbe } from './sources/azurePowerShell';
import { brokerProbe } from './sources/broker';
import type { Probe, ProbeContext } from './sources/common';
import { environmentProbe } from './sources/environment';
import { interactiveBrowserProbe } from './sources/interactiveBrowser';
import { managedIdentityProbe } from './sources/managedIdentity';
import { sharedTokenCacheProbe } from './sources/sharedTokenCache';
import { visualStudioCodeProbe } from './sources/visualStudioCode';
import { workloadIdentityConfigured, workloadIdentityProbe } from './sources/workloadIdentity';
import { readBoundedText } from '../files/boundedRead';
import { redactSecrets, secretsOf } from '../redact';
import {
  ignoredKeywordNotes, memberClientIds, memberConstructorError, memberProcessTimeouts, memberTenants, modelledPrefix, standaloneBehaviour, unknownMemberNote, unknownMemberVerdict,
} from './chained';
import { STRING_KEYWORDS, type ChainInputs, type ChainReport, type CredentialName, type KeywordArguments, type Verdict } from './types';
import { applyVerdict, type SourceOutcome, type SourceRecord } from './verdict';
import { WorkspaceProgramError } from './workspacePrograms';
import {
  chainOrderFor, compareVersions, TENANT_ID_KEYWORD_MESSAGE, familyFor, familyLabel, NEWEST_KNOWN_VERSION, parseVersion, planExclusions, processTimeoutSeconds, rulesProvenance,
  type ChainBehaviour, type ConstructorError,
} from './versions';

export const PROBES: Readonly<Record<CredentialName, Probe>> = {
  EnvironmentCredential: environmentProbe,
  WorkloadIdentityCredential: workloadIdentityProbe,
  ManagedIdentityCredential: managedIdentityProbe,
  SharedTokenCacheCredential: sharedTokenCacheProbe,
  VisualStudioCodeCredential: visualStudioCodeProbe,
  AzureCliCredential: azureCliProbe,
  AzurePowerShellCredential: azurePowerShellProbe,
  AzureDeveloperCliCredential: azureDeveloperCliProbe,
  InteractiveBrowserCredential: interactiveBrowserProbe,
  BrokerCredential: brokerProbe,
};

/** The credentials of the version's DefaultAzureCredential, in chain order (newest rules when unknown). */
export function chainOrder(version: string | undefined): CredentialName[] {
  return chainOrderFor(version);
}

/** The sources that run a developer tool as a separate process. */
const TOOL_PROBES: ReadonlySet<CredentialName> = new Set(['AzureCliCredential', 'AzurePowerShellCredential', 'AzureDeveloperCliCredential']);

// One queue per source: a second evaluation waits for the first one's `az` instead of starting another.
const running = new Map<CredentialName, Promise<unknown>>();

function serialized<T>(credential: CredentialName, task: () => Promise<T>): Promise<T> {
  const previous = running.get(credential) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  running.set(credential, settled);
  void settled.then(() => { if (running.get(credential) === settled) running.delete(credential); });
  return next;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function abortError(): Error {
  return new DOMException('The chain evaluation was cancelled.', 'AbortError');
}

/** The federated token file's content, when it is small enough to be one: an endpoint may echo it back. */
async function federatedTokenOf(env: Readonly<Record<string, string>>, signal: AbortSignal | undefined): Promise<string[]> {
  // Read only where the library reads it too: when workload identity is configured.
  const file = env.AZURE_FEDERATED_TOKEN_FILE;
  if (!file || !workloadIdentityConfigured(env)) return [];
  try {
    return [(await readBoundedText(file, 'federatedToken', { signal })).trim()];
  } catch {
    return [];
  }
}

/**
 * AZURE_AUTH_LOCATION names the JSON auth file of the retired `get_client_from_auth_file`; no credential of
 * azure-identity reads it, so an app that relied on it silently uses another source (or none).
 */
export function authLocationNote(): string {
  return l10n.t('AZURE_AUTH_LOCATION is set, but DefaultAzureCredential ignores it: only the retired get_client_from_auth_file read that JSON file. EnvironmentCredential reads the same service principal from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET.');
}

/** The first release whose DefaultAzureCredential refuses `tenant_id=` (Azure/azure-sdk-for-python#23322). */
const TENANT_ID_REFUSED_SINCE = '1.9.0b1';

/**
 * The code's keywords for sign-ins the check does not perform (an interactive sign-in, the authentication broker):
 * each is said to make no difference to this answer, or to be no keyword of the installed version (which passes it on
 * to credentials that ignore it, as the agreement runs against the real builds show).
 */
function signInKeywordNotes(keywords: KeywordArguments, behaviour: ChainBehaviour): string[] {
  const notes: string[] = [];
  const brokered = behaviour.order.includes('BrokerCredential');
  for (const field of ['brokerTenantId', 'brokerClientId'] as const) {
    if (keywords[field] === undefined) continue;
    notes.push(brokered
      ? l10n.t('{0} goes to the authentication broker, which Azure Dev Auth cannot ask; the answer here does not depend on it.', STRING_KEYWORDS[field])
      : l10n.t('{0} is not a keyword of {1}; it was ignored.', STRING_KEYWORDS[field], familyLabel(behaviour)));
  }
  if (keywords.interactiveBrowserClientId !== undefined) {
    notes.push(l10n.t('{0} names the app an interactive sign-in would use; the check does not sign in interactively, so the answer here does not depend on it.', STRING_KEYWORDS.interactiveBrowserClientId));
  }
  if (keywords.visualStudioCodeTenantId !== undefined && behaviour.visualStudioCode === 'azure-resources') {
    notes.push(l10n.t('{0} goes to the authentication broker with the VS Code sign-in, which Azure Dev Auth cannot ask; the answer here does not depend on it.', STRING_KEYWORDS.visualStudioCodeTenantId));
  }
  return notes;
}

/**
 * `DefaultAzureCredential(tenant_id=…)` raises TypeError before anything else in 1.9.0 and later (the per-source
 * keywords such as workload_identity_tenant_id are the supported way). Older releases passed it on unchecked: that is
 * not modelled, and a note says so.
 */
function tenantIdError(keywords: KeywordArguments, version: string | undefined, notes: string[]): ConstructorError | undefined {
  if (!keywords.tenantIdWritten) return undefined;
  const parsed = version === undefined ? undefined : parseVersion(version);
  if (parsed && compareVersions(parsed, parseVersion(TENANT_ID_REFUSED_SINCE)!) < 0) {
    notes.push(l10n.t('azure-identity {0} passes tenant_id on to the credentials it builds; that is not modelled, so the chain is checked as if it were not written.', version!));
    return undefined;
  }
  return { exceptionType: 'TypeError', message: TENANT_ID_KEYWORD_MESSAGE, credential: null };
}

export async function evaluateChain(inputs: ChainInputs): Promise<ChainReport> {
  const { env, signal } = inputs;
  if (signal?.aborted) throw abortError();
  const chained = inputs.chained ? modelledPrefix(inputs.chained) : undefined;
  const behaviour = chained ? standaloneBehaviour(familyFor(inputs.azureIdentityVersion), chained.order) : familyFor(inputs.azureIdentityVersion);
  const lone = inputs.lone === true && inputs.chained?.length === 1;
  const notes: string[] = inputs.chained ? ignoredKeywordNotes(inputs.chained, lone) : [];

  const keywords = chained ? {} : inputs.keywordArguments;
  let chainError: ConstructorError | undefined = chained ? undefined : tenantIdError(keywords, inputs.azureIdentityVersion, notes);
  // DefaultAzureCredential's authority= (normalized; "" and None mean none) goes to EnvironmentCredential and
  // SharedTokenCacheCredential; the others build their own from AZURE_AUTHORITY_HOST.
  let dacAuthority: string | undefined;
  if (keywords.authority) {
    try {
      dacAuthority = normalizeAuthority(keywords.authority);
    } catch (error) {
      if (!(error instanceof InvalidAuthorityError)) throw error;
      chainError ??= { exceptionType: 'ValueError', message: error.message, credential: null };
    }
  }
  let authority = PUBLIC_AUTHORITY;
  try {
    authority = defaultAuthority(env);
  } catch (error) {
    if (!(error instanceof InvalidAuthorityError)) throw error;
    // DefaultAzureCredential reads AZURE_AUTHORITY_HOST itself only when it has no authority= of its own.
    if (!keywords.authority) chainError ??= { exceptionType: 'ValueError', message: error.message, credential: null };
  }
  // managed_identity_client_id= / workload_identity_* = replace the variables only when written (None counts).
  const managedIdentityClientId = keywords.managedIdentityClientId ?? env.AZURE_CLIENT_ID ?? '';
  const knowsWorkloadKeywords = behaviour.workloadIdentity !== 'none';
  const workloadIdentityClientId = (knowsWorkloadKeywords ? keywords.workloadIdentityClientId : undefined) ?? managedIdentityClientId;
  const workloadIdentityTenantId = (knowsWorkloadKeywords ? keywords.workloadIdentityTenantId : undefined) ?? env.AZURE_TENANT_ID ?? '';
  if (!knowsWorkloadKeywords) {
    for (const field of ['workloadIdentityClientId', 'workloadIdentityTenantId'] as const) {
      if (keywords[field] !== undefined) notes.push(l10n.t('{0} is not a keyword of {1}; it was ignored.', STRING_KEYWORDS[field], familyLabel(behaviour)));
    }
  }
  notes.push(...signInKeywordNotes(keywords, behaviour));
  // ChainedTokenCredential has no exclude_* keywords and ignores AZURE_TOKEN_CREDENTIALS: every member runs.
  const plan = chained
    ? { excluded: {}, reasons: {}, unknownKeywords: [], error: undefined }
    : planExclusions(behaviour, inputs.keywordArguments.exclude ?? {}, env, inputs.keywordArguments.requireEnvvar);
  chainError ??= plan.error;
  // A member's process_timeout in a version whose tools take none: building it raises TypeError.
  if (inputs.chained) chainError ??= memberConstructorError(inputs.chained, behaviour.processTimeout.keyword !== null);
  for (const keyword of plan.unknownKeywords) notes.push(l10n.t('{0} is not a keyword of {1}; it was ignored.', keyword, familyLabel(behaviour)));
  if (!chained && inputs.keywordArguments.processTimeoutSeconds !== undefined && behaviour.processTimeout.keyword === null) {
    notes.push(l10n.t('{0} has no process_timeout keyword: az and pwsh get its fixed {1} s.', familyLabel(behaviour), behaviour.processTimeout.defaultSeconds));
  }

  if (env.AZURE_AUTH_LOCATION) notes.push(authLocationNote());
  // Outside a chain (within_credential_chain unset) IMDS gets no one-second probe: the token request itself, with
  // its retries, is what waits. The endpoint checked is the same; how long Python waits for it is not modelled.
  if (lone && chained?.order[0] === 'ManagedIdentityCredential' && !Object.prototype.hasOwnProperty.call(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST')) {
    notes.push(l10n.t('Built on its own, ManagedIdentityCredential sends IMDS no short probe first: where no IMDS answers, get_token waits through its retries before it raises.'));
  }

  const platform = process.platform;
  const sentSecrets = new Set<string>();
  const ctx: ProbeContext = {
    env,
    behaviour,
    isExcluded: (credential) => plan.excluded[credential] === true,
    processTimeoutSeconds: processTimeoutSeconds(behaviour, inputs.keywordArguments.processTimeoutSeconds),
    brokerInstalled: inputs.brokerInstalled,
    ...(inputs.brokerRuntimeInstalled !== undefined ? { brokerRuntimeInstalled: inputs.brokerRuntimeInstalled } : {}),
    ...(inputs.msalVersion !== undefined ? { msalVersion: inputs.msalVersion } : {}),
    allowedHosts: inputs.allowedHosts ?? [],
    rememberSecret: (value) => { if (value.trim()) sentSecrets.add(value.trim()); },
    signal,
    authority: dacAuthority ?? authority,
    defaultAuthority: authority,
    managedIdentityClientId,
    workloadIdentityClientId,
    workloadIdentityTenantId,
    sharedCacheUsername: keywords.sharedCacheUsername ?? env.AZURE_USERNAME ?? '',
    sharedCacheTenantId: keywords.sharedCacheTenantId ?? env.AZURE_TENANT_ID ?? '',
    interactiveBrowserTenantId: keywords.interactiveBrowserTenantId ?? env.AZURE_TENANT_ID ?? '',
    visualStudioCodeTenantId: keywords.visualStudioCodeTenantId ?? env.AZURE_TENANT_ID ?? '',
    platform,
    wsl: platform === 'linux' && release().toLowerCase().includes('microsoft'),
    programPolicy: { trustedPath: inputs.trustedPath, allowedPrograms: inputs.allowedPrograms ?? [], workingDirectory: inputs.workingDirectory },
    ...(inputs.chained ? {
      memberTenants: memberTenants(inputs.chained), memberProcessTimeouts: memberProcessTimeouts(inputs.chained), memberClientIds: memberClientIds(inputs.chained),
    } : {}),
  };

  // The developer tools are the slow probes (a process each, seconds when a tool is slow): their processes start
  // first, before any CPU goes to the others (TLS handshakes, file reads), so the verdict waits for the slowest tool
  // plus a little. Records stay in chain order.
  const launchOrder = [...behaviour.order].sort((a, b) => Number(TOOL_PROBES.has(b)) - Number(TOOL_PROBES.has(a)));
  const launched = new Map(launchOrder.map((credential) => [credential, runProbe(credential)] as const));
  const records = await Promise.all(behaviour.order.map((credential) => launched.get(credential)!));
  async function runProbe(credential: CredentialName): Promise<SourceRecord> {
    if (plan.excluded[credential]) {
      return { credential, outcome: { kind: 'excluded', message: plan.reasons[credential] ?? l10n.t('Excluded.') }, elapsedMs: 0 };
    }
    return serialized(credential, async () => {
      if (signal?.aborted) throw abortError();
      inputs.onProbe?.({ credential, phase: 'start' });
      const started = performance.now();
      let outcome: SourceOutcome;
      try {
        outcome = await PROBES[credential].run(ctx);
      } catch (error) {
        if (isAbort(error) || signal?.aborted) throw abortError();
        if (error instanceof WorkspaceProgramError) outcome = { kind: 'not-checked', reason: { kind: 'program', program: error.program, file: error.file, entry: error.entry } };
        else outcome = { kind: 'failed', message: l10n.t('Azure Dev Auth could not check this source: {0}', error instanceof Error ? error.message : String(error)) };
      }
      const elapsedMs = Math.round(performance.now() - started);
      const status = outcome.kind === 'token' ? 'succeeded' : outcome.kind === 'unavailable' ? 'unavailable'
        : outcome.kind === 'not-in-chain' ? 'excluded' : outcome.kind === 'not-checked' ? 'not-checked' : 'failed';
      inputs.onProbe?.({ credential, phase: 'done', status, elapsedMs });
      return { credential, outcome, elapsedMs };
    });
  }
  if (signal?.aborted) throw abortError();

  const secrets = secretsOf(env, [...await federatedTokenOf(env, signal), ...sentSecrets]);
  if (signal?.aborted) throw abortError();
  const redact = (text: string): string => redactSecrets(text, secrets);
  const decided = applyVerdict(behaviour, records, chainError, redact, lone ? 'lone' : chained ? 'ChainedTokenCredential' : 'DefaultAzureCredential');
  const { sources } = decided;
  let verdict: Verdict = decided.verdict;
  if (chained?.firstUnknown) {
    const unknown = chained.firstUnknown;
    notes.push(unknownMemberNote(unknown, chained.firstUnknownIndex));
    // Only when the known members before it all report "unavailable" does Python get to it.
    const reachesUnknown = chainError === undefined && sources.every((row) => row.status === 'unavailable');
    if (reachesUnknown) verdict = { outcome: 'not-checked', credential: null, message: redact(unknownMemberVerdict(unknown, chained.firstUnknownIndex)) };
  }
  const version = inputs.azureIdentityVersion ?? NEWEST_KNOWN_VERSION;
  const disagreement = toolDisagreement(behaviour, sources, verdict, env.AZURE_TENANT_ID);
  return {
    azureIdentityVersion: version,
    versionSource: inputs.azureIdentityVersion === undefined ? 'default' : inputs.versionSource,
    sources,
    verdict,
    verification: null,
    behaviour: familyLabel(behaviour),
    rules: rulesProvenance(version),
    ...(notes.length ? { notes } : {}),
    ...(disagreement ? { disagreement } : {}),
  };
}
