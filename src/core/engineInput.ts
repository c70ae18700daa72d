// The one place where what an interpreter told us becomes the chain engine's input, for both front ends: the CLI's
// `chain` and the extension's Credential Chain view build their ChainInputs here, from the same detection facts, so
// on the same machine they cannot disagree because one of them forgot a fact a source reads (the broker package,
// MSAL's native broker runtime, msal's version).
import type { ChainedMember } from './chain/chained';
import type { ChainInputs, CredentialName, KeywordArguments, SourceStatus, VersionSource } from './chain/types';
import type { AzureIdentityDetection, Track1Package } from './python/detect';

/** Everything an interpreter's detection says that the chain's sources (or the Python row) use. */
export interface InterpreterFacts {
  /** null: azure-identity is not installed there. */
  readonly azureIdentityVersion: string | null;
  /** azure-identity-broker is importable (1.24+ VS Code and Broker sources need it). */
  readonly brokerInstalled: boolean;
  /** pymsalruntime (MSAL's native broker runtime) is importable; undefined when not asked. */
  readonly brokerRuntimeInstalled?: boolean;
  /** The msal package's version; null/undefined when its metadata does not say. */
  readonly msalVersion?: string | null;
  /** azure-mgmt-* libraries of the track-1 generation (msrest-based, no azure-core). */
  readonly track1Packages?: readonly Track1Package[];
}

/** The facts of a detection, as both front ends pass them on. */
export function interpreterFactsOf(detection: AzureIdentityDetection): InterpreterFacts {
  return {
    azureIdentityVersion: detection.version,
    brokerInstalled: detection.brokerInstalled,
    brokerRuntimeInstalled: detection.brokerRuntimeInstalled,
    msalVersion: detection.msalVersion,
    track1Packages: detection.track1Packages,
  };
}

export interface EngineInputRequest {
  readonly env: Readonly<Record<string, string>>;
  readonly keywordArguments: KeywordArguments;
  /** A ChainedTokenCredential's members in order: checked instead of DefaultAzureCredential. */
  readonly chained?: readonly ChainedMember[];
  /** The one `chained` member is built on its own (see ChainInputs.lone). */
  readonly lone?: boolean;
  /** What the interpreter said; undefined when it was not asked (Restricted Mode, no interpreter). */
  readonly interpreter: InterpreterFacts | undefined;
  /** A version to model instead of the interpreter's (the CLI's --azure-identity-version). */
  readonly versionOverride?: string;
  readonly allowedHosts?: readonly string[];
  /** PATH as the user has it, before `.env` (see ChainInputs.trustedPath); undefined: every entry may be run. */
  readonly trustedPath?: string;
  /** Workspace programs the developer allowed (see ChainInputs.allowedPrograms). */
  readonly allowedPrograms?: readonly string[];
  /** Where the user's app runs (see ChainInputs.workingDirectory). */
  readonly workingDirectory?: string;
  readonly signal?: AbortSignal;
  readonly onProbe?: ChainInputs['onProbe'];
}

/**
 * ChainInputs from the detection facts. The interpreter's packages count only when it has azure-identity: without
 * it the user's code cannot import DefaultAzureCredential, and the rules modelled are the newest release's.
 */
export function chainInputsFor(request: EngineInputRequest): ChainInputs {
  const facts = request.interpreter?.azureIdentityVersion ? request.interpreter : undefined;
  const version = request.versionOverride ?? facts?.azureIdentityVersion ?? undefined;
  const versionSource: VersionSource = request.versionOverride ? 'flag' : facts ? 'python' : 'default';
  return {
    env: request.env,
    keywordArguments: request.keywordArguments,
    ...(request.chained ? { chained: request.chained } : {}),
    ...(request.chained && request.lone ? { lone: true } : {}),
    azureIdentityVersion: version,
    versionSource,
    brokerInstalled: facts?.brokerInstalled ?? false,
    ...(facts?.brokerRuntimeInstalled !== undefined ? { brokerRuntimeInstalled: facts.brokerRuntimeInstalled } : {}),
    ...(facts?.msalVersion ? { msalVersion: facts.msalVersion } : {}),
    allowedHosts: request.allowedHosts ?? [],
    ...(request.trustedPath !== undefined ? { trustedPath: request.trustedPath } : {}),
    ...(request.allowedPrograms ? { allowedPrograms: request.allowedPrograms } : {}),
    ...(request.workingDirectory ? { workingDirectory: request.workingDirectory } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProbe ? { onProbe: request.onProbe } : {}),
  };
}

/** The progress callback the extension wants (per finished source), in the engine's shape. */
export function onSourceDoneProbe(
  onSourceDone: ((credential: CredentialName, elapsedMs: number, status: SourceStatus) => void) | undefined,
): ChainInputs['onProbe'] {
  if (!onSourceDone) return undefined;
  return (event) => {
    if (event.phase === 'done') onSourceDone(event.credential, event.elapsedMs ?? 0, event.status ?? 'unavailable');
  };
}
