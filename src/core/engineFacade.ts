// The engine as the extension uses it: chain evaluation, Python detection and verification, `.env` merging and
// exclusion advice behind one small interface. Bundled on its own (dist/engine.js) and loaded on first use, not at
// activation, so the Azure SDKs it carries cost nothing until a view or command needs them.
import { evaluateChain } from './chain/engine';
import { mergeDotEnv } from './chain/env';
import { type ChainInputs, type ChainReport, type CredentialName, type KeywordArguments, type SourceStatus, type Verification } from './chain/types';
import { chainOrderFor, familyFor, NEWEST_KNOWN_VERSION } from './chain/versions';
import { exclusionAdvice, type ExclusionAdvice, type TokenCredentialsSupport, type VersionFacts } from './presentation/exclusionAdvice';
import { detectAzureIdentity, verifyWithPython } from './python';

export type { ExclusionAdvice } from './presentation/exclusionAdvice';

export interface PythonDetection {
  readonly azureIdentityVersion: string | null;
  readonly brokerInstalled: boolean;
  /** Why the interpreter could not be asked (missing, timed out…); undefined when it answered. */
  readonly problem: string | undefined;
}

export interface EvaluateRequest {
  readonly env: Readonly<Record<string, string>>;
  readonly keywordArguments: KeywordArguments;
  /** Installed azure-identity version; undefined = unknown (the newest behaviour is assumed). */
  readonly azureIdentityVersion: string | undefined;
  readonly brokerInstalled: boolean;
  /** Hosts the developer allowed ("Check with <host>") to receive a secret though neither Microsoft's nor loopback. */
  readonly allowedHosts?: readonly string[];
  readonly signal: AbortSignal;
  readonly onSourceDone?: (credential: CredentialName, elapsedMs: number, status: SourceStatus) => void;
}

export interface ChainEngineAdapter {
  detectPython(interpreter: string, env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<PythonDetection>;
  chainOrder(azureIdentityVersion: string | undefined): CredentialName[];
  evaluate(request: EvaluateRequest): Promise<ChainReport>;
  verify(request: EvaluateRequest & { readonly interpreter: string; readonly report: ChainReport }): Promise<Verification>;
  withDotEnv(base: Readonly<Record<string, string>>, envFile: string): Record<string, string>;
  /** How to exclude or pin a source in the user's code for this version (env var value and/or keyword snippet). */
  exclusionAdvice(credential: CredentialName, azureIdentityVersion: string | undefined, mode: 'exclude' | 'pin'): ExclusionAdvice;
}

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
  return {
    env: request.env,
    keywordArguments: request.keywordArguments,
    azureIdentityVersion: request.azureIdentityVersion,
    versionSource: request.azureIdentityVersion ? 'python' : 'default',
    brokerInstalled: request.brokerInstalled,
    allowedHosts: request.allowedHosts ?? [],
    signal: request.signal,
    onProbe: request.onSourceDone
      ? (event) => {
        if (event.phase === 'done') request.onSourceDone?.(event.credential, event.elapsedMs ?? 0, event.status ?? 'unavailable');
      }
      : undefined,
  };
}

export function createEngineFacade(): ChainEngineAdapter {
  return {
    async detectPython(interpreter, env, signal) {
      const found = await detectAzureIdentity(interpreter, env, signal);
      // "not installed" is an answer, not a problem: the view offers to install it.
      const notInstalled = found.version === null && found.pythonVersion !== null;
      return { azureIdentityVersion: found.version, brokerInstalled: found.brokerInstalled, problem: notInstalled ? undefined : found.problem };
    },
    chainOrder: (version) => chainOrderFor(version),
    evaluate: (request) => evaluateChain(chainInputs(request)),
    verify: (request) => verifyWithPython({
      python: request.interpreter,
      env: request.env,
      keywordArguments: request.keywordArguments,
      report: request.report,
      signal: request.signal,
    }),
    withDotEnv: (base, envFile) => mergeDotEnv(base, envFile),
    exclusionAdvice: (credential, version, mode) => exclusionAdvice(credential, versionFacts(version), mode),
  };
}
