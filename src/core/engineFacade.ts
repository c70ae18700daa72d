// The engine as the extension uses it: chain evaluation, Python detection and verification, `.env` merging,
// exclusion advice, and the Access view's loading, rendering and role-assignment removal behind one small interface. Bundled on its own (dist/engine.js) and loaded on first use, not at
// activation, so the Azure SDKs it carries cost nothing until a view or command needs them.
import type { TokenCredential } from '@azure/identity';
import { trustedCloud, type CloudEndpoints, type CloudSetting } from './azure/clouds';
import { networkSettings } from './azure/network';
import { accessOutcome, redactProblem } from './access/entry';
import { AccessCache } from './access/load';
import { removeRoleAssignment, type RemoveAssignmentResult } from './access/remove';
import type { AccessReport } from './access/types';
import { evaluateChain } from './chain/engine';
import { chainedMembersOf, isLoneCall, loneMemberOf, memberText, modellableCalls, modelledPrefix, verifyMembers, type ChainedMember } from './chain/chained';
import { mergeDotEnv } from './chain/env';
import { type ChainInputs, type ChainReport, type CredentialName, type KeywordArguments, type SourceStatus, type Verification } from './chain/types';
import { chainOrderFor, familyFor, NEWEST_KNOWN_VERSION } from './chain/versions';
import { equivalentCommands } from './presentation/accessRows';
import type { AccessFailure, AccessSnapshot } from './presentation/accessSnapshot';
import { accessViewModel, type AccessViewModel } from './presentation/accessViewModel';
import { exclusionAdvice, type ExclusionAdvice, type TokenCredentialsSupport, type VersionFacts } from './presentation/exclusionAdvice';
import { chainInputsFor, interpreterFactsOf, onSourceDoneProbe, type InterpreterFacts } from './engineInput';
import { detectAzureIdentity, verifyWithPython } from './python';
import { secretsOf } from './redact';
import { findCredentialCalls, readPythonFile, keywordArgumentsOf, type CredentialCall, type ModelledKeywords } from './code/credentialCalls';
import { modelledCallDetail, modelledCallLens } from './presentation/credentialLens';
import type { AzureErrorMatch } from './code/azureErrors';
import { explainAzureError, type ErrorExplanation, type ExplanationContext } from './code/errorExplanation';
import type { ChainSnapshot } from './presentation/snapshot';
import { findClientCalls, type ClientCall } from './code/clientCalls';
import { clientAccess, clientDiagnosticMessage, clientHoverMarkdown, clientUnreachable, type ClientAccess } from './code/clientAccess';
import { roleInfo, type RawRoleDefinition } from './access/model';
import type { RoleInfo } from './access/types';
import { exclusionProblems, keywordExclusionsToRecheck, tenantIdProblems, type CodeProblem } from './code/codeProblems';
import { envFileProblems, type EnvProblemsRequest } from './code/envProblems';
import { legacyAuthProblems, type LegacyUsage } from './code/legacyAuth';
import { CredentialIndex } from './code/credentialIndex';
import { sharedParsePool } from './code/parsePool';

export type { ExclusionAdvice } from './presentation/exclusionAdvice';

/** The interpreter's facts (the same the CLI reads), or why it could not be asked. */
export interface PythonDetection extends InterpreterFacts {
  /** Why the interpreter could not be asked (missing, timed out…); undefined when it answered. */
  readonly problem: string | undefined;
}

export interface EvaluateRequest {
  readonly env: Readonly<Record<string, string>>;
  readonly keywordArguments: KeywordArguments;
  /** The code's ChainedTokenCredential(...) members, in order: the chain checked instead of DefaultAzureCredential. */
  readonly chained?: readonly ChainedMember[];
  /** The one `chained` member is built on its own: get_token raises its own error, not a chain's. */
  readonly lone?: boolean;
  /** What the interpreter said (undefined when it was not asked): the same facts the CLI passes to the engine. */
  readonly interpreter: InterpreterFacts | undefined;
  /** Hosts the developer allowed ("Check with <host>") to receive a secret though neither Microsoft's nor loopback. */
  readonly allowedHosts?: readonly string[];
  /** PATH of the user's own environment: tools a PATH entry of .env finds run only when in allowedPrograms. */
  readonly trustedPath?: string;
  /** The workspace folder: where the user's app runs, so relative PATH entries of .env resolve there. */
  readonly workingDirectory?: string;
  /** Workspace programs the developer allowed ("Run This Workspace Program"). */
  readonly allowedPrograms?: readonly string[];
  readonly signal: AbortSignal;
  readonly onSourceDone?: (credential: CredentialName, elapsedMs: number, status: SourceStatus) => void;
}

export interface ChainEngineAdapter {
  detectPython(interpreter: string, env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<PythonDetection>;
  /** The sources a check runs, in order: DefaultAzureCredential's for the version, or a ChainedTokenCredential's members. */
  chainOrder(azureIdentityVersion: string | undefined, chained?: readonly ChainedMember[]): CredentialName[];
  /** A ChainedTokenCredential's members as written, for the view and the lens ("AzureCliCredential(tenant_id=…)"). */
  chainedMemberTexts(members: readonly ChainedMember[]): string[];
  evaluate(request: EvaluateRequest): Promise<ChainReport>;
  verify(request: EvaluateRequest & { readonly interpreterPath: string; readonly report: ChainReport }): Promise<Verification>;
  withDotEnv(base: Readonly<Record<string, string>>, envFile: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** How to exclude or pin a source in the user's code for this version (env var value and/or keyword snippet). */
  exclusionAdvice(credential: CredentialName, azureIdentityVersion: string | undefined, mode: 'exclude' | 'pin'): ExclusionAdvice;
}

/** The source's credential as the Access view needs it: the same inputs the chain check used. */
export interface AccessSourceInputs {
  readonly source: CredentialName;
  readonly env: Readonly<Record<string, string>>;
  /** process_timeout of the user's code for az, azd and Azure PowerShell (seconds). */
  readonly processTimeoutSeconds: number;
  readonly allowedHosts: readonly string[];
  /** The VS Code account's tokens through the editor's Microsoft authentication, for VisualStudioCodeCredential. */
  readonly vsCodeAccount?: TokenCredential;
}

export interface AccessLoadRequest extends AccessSourceInputs {
  /** `azureDevAuth.cloud` as set. */
  readonly cloudSetting: CloudSetting;
  /** `azureDevAuth.access.subscriptions`; empty: every subscription in the token's tenant. */
  readonly subscriptions: readonly string[];
  /** The folder whose `.env` and code name resources for the insights; undefined in an untrusted workspace. */
  readonly workspaceFolder: string | undefined;
  readonly signal: AbortSignal;
  /** Throttling and other waits, in a sentence. */
  readonly onProgress: (message: string) => void;
  /** VS Code's http.proxy and http.noProxy, which win over HTTPS_PROXY / NO_PROXY. */
  readonly proxy?: { readonly proxy?: string; readonly noProxy?: readonly string[] };
  /** Another principal's access (Check Access for…): its object id, read with the source's token. */
  readonly principal?: string;
  /** Keep the subscriptions' resources in the report (Can … Do …? picks from them). */
  readonly includeResources?: boolean;
  /** Also answer "can it do this action on this scope" (Can … Do …?). */
  readonly can?: { readonly action: string; readonly scope: string };
}

export type AccessLoadOutcome =
  | { readonly ok: true; readonly report: AccessReport; readonly cloud: CloudEndpoints }
  | { readonly ok: false; readonly failure: AccessFailure; readonly cloud: CloudEndpoints | undefined };

export type CloudResolution = { readonly ok: true; readonly cloud: CloudEndpoints } | { readonly ok: false; readonly message: string };

export interface AccessEngineAdapter {
  resolveCloud(setting: CloudSetting, env: Readonly<Record<string, string>>): Promise<CloudResolution>;
  /** Never rejects but with an AbortError, when `signal` aborts: every other failure is an outcome with its fix. */
  loadAccess(request: AccessLoadRequest): Promise<AccessLoadOutcome>;
  accessView(snapshot: AccessSnapshot, now?: number): AccessViewModel;
  equivalentCommands(report: AccessReport, cloud: CloudEndpoints): string;
  /** `proxy`: VS Code's http.proxy and http.noProxy, as for the load. */
  removeRoleAssignment(request: AccessSourceInputs & { readonly cloud: CloudEndpoints; readonly assignmentId: string; readonly signal: AbortSignal; readonly proxy?: { readonly proxy?: string; readonly noProxy?: readonly string[] } }): Promise<RemoveAssignmentResult>;
  /** Forgets the role definitions kept between loads (an hour otherwise). */
  clearAccessCache(): void;
}

/** The user's code, read with the Python grammar (loaded on first use, from beside the engine). */
export interface CodeEngineAdapter {
  /** The credentials `text` builds (a Python file's content), in source order. */
  credentialCalls(text: string): Promise<CredentialCall[]>;
  /** The keyword arguments a `DefaultAzureCredential(...)` call passes that the chain model reads. */
  modelledKeywords(call: CredentialCall): ModelledKeywords;
  /** The members of a `ChainedTokenCredential(...)` call, in order, as the chain engine models them. */
  chainedMembers(call: CredentialCall): ChainedMember[];
  /** The calls the chain can model, in source order (a ChainedTokenCredential's members are its own, not listed alone). */
  modellableCalls(calls: readonly CredentialCall[]): CredentialCall[];
  /** True for a modellable call that is a credential built on its own. */
  isLoneCall(call: CredentialCall): boolean;
  /** A credential built on its own, as the one member the chain engine checks. */
  loneMember(call: CredentialCall): ChainedMember;
  /** What the editor shows above the modelled call. */
  credentialLens(snapshot: ChainSnapshot): string;
  credentialLensDetail(modelled: ModelledKeywords): string;
  /** What an Azure error the user's program printed means here, and its fix. */
  explainAzureError(match: AzureErrorMatch, context: ExplanationContext): ErrorExplanation;
  /** The Azure SDK clients `text` builds against an endpoint, in source order. */
  clientCalls(text: string): Promise<ClientCall[]>;
  /**
   * What the Access view's identity may do with the resource of a client's endpoint, read through `env` (the run's
   * environment with .env); the role definitions are those the Access view's load kept for the tenant.
   */
  clientAccess(call: ClientCall, access: { readonly report: AccessReport; readonly cloud: CloudEndpoints } | undefined, env: Readonly<Record<string, string | undefined>>): ClientAccess;
  /** The hover's Markdown; its one link runs `command`. */
  clientHover(access: ClientAccess, command: string, copyCosmosCommand?: string): string;
  /** The Problems panel's message for a client the identity cannot fully use, and how bad it is; undefined when it can. */
  clientDiagnostic(access: ClientAccess): { readonly message: string; readonly unreachable: boolean } | undefined;
  /** The sources a call excludes with a literal keyword while the chain finds no token: what to check again without them. */
  keywordExclusionsToRecheck(call: CredentialCall, report: ChainReport): CredentialName[];
  /** The call's exclude_* keyword that leaves out the only signed-in source (`without`: the check without those keywords). */
  exclusionProblems(call: CredentialCall, report: ChainReport, without: ChainReport): CodeProblem[];
  /** The call's tenant_id= when the installed version refuses it (the chain's answer is that TypeError). */
  tenantIdProblems(call: CredentialCall, report: ChainReport): CodeProblem[];
  /** The .env file's problems: an AZURE_TOKEN_CREDENTIALS value the version does not understand, a tracked secret. */
  envFileProblems(request: EnvProblemsRequest): Promise<CodeProblem[]>;
  /** One parse of a Python file: its credential constructions and its track-1 authentication. */
  readPythonFile(text: string): Promise<{ calls: CredentialCall[]; legacy: LegacyUsage[] }>;
  /** Track-1 authentication as problems; `track1Packages` as the interpreter reported them (undefined: not asked). */
  legacyAuthProblems(usages: readonly LegacyUsage[], track1Packages: readonly { readonly name: string; readonly version: string }[] | undefined): CodeProblem[];
  /** A new index of a workspace's Python files (one parse per changed file for credentials, clients and track-1 use). */
  codeIndex(): CredentialIndex;
}

export type EngineFacade = ChainEngineAdapter & AccessEngineAdapter & CodeEngineAdapter;

/** The version table's facts in the shape the advice needs. */
export function versionFacts(azureIdentityVersion: string | undefined): VersionFacts {
  const behaviour = familyFor(azureIdentityVersion);
  const mode = behaviour.tokenCredentials;
  let tokenCredentials: TokenCredentialsSupport;
  if (mode.kind === 'ignored') tokenCredentials = { kind: 'ignored' };
  else if (mode.kind === 'groups') tokenCredentials = { kind: 'groups', excludedBy: { dev: mode.devExcludes, prod: mode.prodExcludes } };
  else {
    const dropped = (keeps: readonly CredentialName[]) => behaviour.order.filter((c) => !keeps.includes(c));
    tokenCredentials = { kind: 'groupsAndNames', excludedBy: { dev: dropped(mode.devKeeps), prod: dropped(mode.prodKeeps) }, names: mode.names };
  }
  return {
    version: azureIdentityVersion ?? NEWEST_KNOWN_VERSION,
    order: behaviour.order,
    excludedByDefault: behaviour.defaultExcluded,
    tokenCredentials,
  };
}

function chainInputs(request: EvaluateRequest): ChainInputs {
  return chainInputsFor({
    env: request.env,
    keywordArguments: request.keywordArguments,
    ...(request.chained ? { chained: request.chained } : {}),
    ...(request.lone ? { lone: true } : {}),
    interpreter: request.interpreter,
    allowedHosts: request.allowedHosts ?? [],
    ...(request.trustedPath !== undefined ? { trustedPath: request.trustedPath } : {}),
    ...(request.workingDirectory ? { workingDirectory: request.workingDirectory } : {}),
    allowedPrograms: request.allowedPrograms ?? [],
    signal: request.signal,
    onProbe: onSourceDoneProbe(request.onSourceDone),
  });
}

/** The cloud from the setting or this process's environment; `env` (with the workspace's .env) never chooses it. */
async function cloudOf(setting: CloudSetting, _env: Readonly<Record<string, string>>): Promise<CloudResolution> {
  try {
    return { ok: true, cloud: (await trustedCloud({ given: setting, givenBy: 'setting', processEnv: process.env })).cloud };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The Access view's load: the same entry point, inputs and redaction as `whoami` and `roles`. */
function loadAccessOutcome(request: AccessLoadRequest, cache: AccessCache): Promise<AccessLoadOutcome> {
  return accessOutcome({
    source: request.source, env: request.env, processEnv: process.env, processTimeoutSeconds: request.processTimeoutSeconds,
    allowedHosts: request.allowedHosts, cloudSetting: request.cloudSetting, cloudGivenBy: 'setting', subscriptions: request.subscriptions,
    workspaceFolder: request.workspaceFolder, signal: request.signal, onProgress: request.onProgress, cache,
    ...(request.proxy ? { proxy: request.proxy } : {}),
    ...(request.vsCodeAccount ? { vsCodeAccount: request.vsCodeAccount } : {}),
    ...(request.principal ? { principal: request.principal } : {}),
    ...(request.includeResources ? { includeResources: true } : {}),
    ...(request.can ? { can: request.can } : {}),
  });
}

export function createEngineFacade(): EngineFacade {
  const accessCache = new AccessCache();
  // The tenant's definitions as the answers read them, converted once per cached list.
  const converted = new WeakMap<readonly RawRoleDefinition[], RoleInfo[]>();
  const definitionsFor = (report: AccessReport, cloud: CloudEndpoints): RoleInfo[] | undefined => {
    const tenant = (report.viewer ?? report.identity).tenantId.toLowerCase();
    const raw = accessCache.getDefinitions(`${cloud.resourceManager}|${tenant}`);
    if (!raw) return undefined;
    let roles = converted.get(raw);
    if (!roles) converted.set(raw, (roles = raw.map(roleInfo)));
    return roles;
  };
  return {
    async detectPython(interpreter, env, signal) {
      const found = await detectAzureIdentity(interpreter, env, signal);
      // "not installed" is an answer, not a problem: the view offers to install it.
      const notInstalled = found.version === null && found.pythonVersion !== null;
      return { ...interpreterFactsOf(found), problem: notInstalled ? undefined : found.problem };
    },
    chainOrder: (version, chained) => (chained ? modelledPrefix(chained).order : chainOrderFor(version)),
    chainedMembers: (call) => chainedMembersOf(call),
    modellableCalls: (calls) => modellableCalls(calls),
    isLoneCall: (call) => isLoneCall(call),
    loneMember: (call) => loneMemberOf(call),
    chainedMemberTexts: (members) => members.map(memberText),
    credentialCalls: (text) => findCredentialCalls(text),
    modelledKeywords: (call) => keywordArgumentsOf(call),
    credentialLens: (snapshot) => modelledCallLens(snapshot),
    credentialLensDetail: (modelled) => modelledCallDetail(modelled),
    explainAzureError: (match, context) => explainAzureError(match, context),
    clientCalls: (text) => findClientCalls(text),
    clientAccess: (call, access, env) => clientAccess(call, { access, env, definitions: access && definitionsFor(access.report, access.cloud) }),
    clientHover: (access, command, copyCosmosCommand) => clientHoverMarkdown(access, command, copyCosmosCommand),
    clientDiagnostic: (access) => {
      const message = clientDiagnosticMessage(access);
      return message === undefined ? undefined : { message, unreachable: clientUnreachable(access) };
    },
    keywordExclusionsToRecheck: (call, report) => keywordExclusionsToRecheck(call, report),
    exclusionProblems: (call, report, without) => exclusionProblems(call, report, without),
    tenantIdProblems: (call, report) => tenantIdProblems(call, report),
    envFileProblems: (request) => envFileProblems(request),
    readPythonFile: (text) => readPythonFile(text),
    legacyAuthProblems: (usages, track1Packages) => legacyAuthProblems(usages, track1Packages),
    // Parsed in worker threads when the bundle has its worker (the extension, the CLI), else in this thread.
    codeIndex: () => {
      const pool = sharedParsePool();
      return new CredentialIndex(pool && ((text, signal) => pool.facts(text, signal)));
    },
    evaluate: (request) => evaluateChain(chainInputs(request)),
    verify: (request) => verifyWithPython({
      python: request.interpreterPath,
      env: request.env,
      keywordArguments: request.keywordArguments,
      ...(request.chained ? verifyMembers(request.chained) : {}),
      ...(request.chained && request.lone ? { lone: true } : {}),
      report: request.report,
      signal: request.signal,
    }),
    withDotEnv: (base, envFile, signal) => mergeDotEnv(base, envFile, signal),
    exclusionAdvice: (credential, version, mode) => exclusionAdvice(credential, versionFacts(version), mode),
    resolveCloud: cloudOf,
    loadAccess: (request) => loadAccessOutcome(request, accessCache),
    accessView: (snapshot, now) => accessViewModel(snapshot, now),
    equivalentCommands: (report, cloud) => equivalentCommands(report, cloud),
    removeRoleAssignment: async (request) => {
      const result = await removeRoleAssignment({ ...request, network: networkSettings(process.env, request.proxy ?? {}) });
      return result.ok ? result : { ok: false, problem: redactProblem(result.problem, secretsOf(request.env)) };
    },
    clearAccessCache: () => accessCache.clear(),
  };
}
