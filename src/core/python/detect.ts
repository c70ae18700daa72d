// Which azure-identity the user's interpreter would import, read in that interpreter (importlib.metadata, else the
// package's own _version.py for distro packages without metadata), plus whether azure-identity-broker is there
// (azure-identity 1.24+ needs it for the VS Code and Broker sources) and MSAL's native broker runtime.
import { tmpdir } from 'node:os';
import { runProcess, type RunResult } from '../process/run';
import { DETECT_SCRIPT, SCRIPT_MARKER } from './scripts';
import * as l10n from '@vscode/l10n';

/** An azure-mgmt-* library of the track-1 generation (msrest-based): DefaultAzureCredential cannot sign its requests. */
export interface Track1Package {
  /** Normalised distribution name, e.g. "azure-mgmt-resource". */
  readonly name: string;
  readonly version: string;
}

export interface AzureIdentityDetection {
  /** e.g. "1.23.1"; null when azure-identity is not importable there (see `problem`). */
  readonly version: string | null;
  /** Where the version came from: package metadata, or azure/identity/_version.py. */
  readonly versionSource: 'metadata' | '_version.py' | null;
  readonly brokerInstalled: boolean;
  /** pymsalruntime (MSAL's native broker runtime) is importable. */
  readonly brokerRuntimeInstalled: boolean;
  /** The msal package's version, when its metadata says. */
  readonly msalVersion: string | null;
  /** Track-1 azure-mgmt-* libraries in the interpreter (empty when none, or when it could not be asked). */
  readonly track1Packages: readonly Track1Package[];
  readonly pythonVersion: string | null;
  /** sys.executable as the interpreter reports it. */
  readonly executable: string | null;
  /** Why no version could be read (interpreter missing, azure-identity not installed, timeout…). */
  readonly problem?: string;
}

export interface DetectOptions {
  /** Default 20 s: a cold interpreter on a slow disk takes a few seconds; a hung one must not stall a refresh. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
}

/** Turns a run that produced no record into the sentence a user sees. */
export function describeRunProblem(python: string, result: RunResult, timeoutMs: number): string {
  if (result.spawnError) {
    const code = result.spawnError.code;
    if (code === 'ENOENT') return l10n.t('Python interpreter not found: {0}', python);
    if (code === 'EACCES') return l10n.t('Python interpreter is not executable: {0}', python);
    return l10n.t('Python interpreter could not be started ({0}): {1}', code ?? result.spawnError.message, python);
  }
  if (result.cancelled) return l10n.t('Cancelled while running {0}', python);
  if (result.timedOut) return l10n.t('{0} did not finish within {1} s', python, Math.round(timeoutMs / 1000));
  const lastLine = result.stderr.trim().split('\n').filter(Boolean).pop();
  // The interpreter's own last line stays as it printed it.
  return lastLine ? l10n.t('{0} exited with code {1}: {2}', python, String(result.exitCode), lastLine) : l10n.t('{0} exited with code {1}', python, String(result.exitCode));
}

/** The JSON records a script printed after SCRIPT_MARKER, in order; other output is ignored. */
export function scriptRecords(stdout: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(SCRIPT_MARKER);
    if (at < 0) continue;
    try {
      const value: unknown = JSON.parse(line.slice(at + SCRIPT_MARKER.length));
      if (value && typeof value === 'object' && !Array.isArray(value)) records.push(value as Record<string, unknown>);
    } catch {
      // A line cut short by the output limit or a kill: the records before it still count.
    }
  }
  return records;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A distribution name as pip spells it, and nothing that could become markup or a shell word. */
const DIST_NAME = /^azure-mgmt-[a-z0-9][a-z0-9.-]{0,80}$/;
const DIST_VERSION = /^[A-Za-z0-9.+!_-]{1,40}$/;

/** The script's track-1 list, validated: an interpreter's metadata is read from files anyone could have written. */
function track1Of(value: unknown): Track1Package[] {
  if (!Array.isArray(value)) return [];
  const found: Track1Package[] = [];
  for (const item of value.slice(0, 50)) {
    if (!item || typeof item !== 'object') continue;
    const name: unknown = Reflect.get(item, 'name');
    const version: unknown = Reflect.get(item, 'version');
    if (typeof name === 'string' && typeof version === 'string' && DIST_NAME.test(name) && DIST_VERSION.test(version)) {
      found.push({ name, version });
    }
  }
  return found;
}

export async function detectAzureIdentity(
  python: string,
  env: Readonly<Record<string, string>>,
  signal?: AbortSignal,
  options: DetectOptions = {},
): Promise<AzureIdentityDetection> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const result = await runProcess(python, ['-c', DETECT_SCRIPT], { env, cwd: options.cwd ?? tmpdir(), timeoutMs, signal });
  const record = scriptRecords(result.stdout).find((r) => r.kind === 'detect');
  if (!record) {
    return {
      version: null, versionSource: null, brokerInstalled: false, brokerRuntimeInstalled: false, msalVersion: null, track1Packages: [],
      pythonVersion: null, executable: null,
      problem: describeRunProblem(python, result, timeoutMs),
    };
  }
  const source = record.versionSource === 'metadata' || record.versionSource === '_version.py' ? record.versionSource : null;
  const problem = str(record.problem);
  return {
    version: str(record.version),
    versionSource: source,
    brokerInstalled: record.brokerInstalled === true,
    brokerRuntimeInstalled: record.brokerRuntimeInstalled === true,
    msalVersion: str(record.msalVersion),
    track1Packages: track1Of(record.track1Packages),
    pythonVersion: str(record.pythonVersion),
    executable: str(record.executable),
    ...(problem ? { problem } : {}),
  };
}
