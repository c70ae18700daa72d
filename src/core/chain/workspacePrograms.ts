// Programs a workspace names. A cloned repository's .env can put its own folder on PATH (`PATH=./bin:${PATH}`);
// azure-identity then runs the repository's `az`, `azd` or `pwsh` when the app runs, and a check would run it
// too, on its own. So the engine runs a developer tool found through a PATH entry that the environment the user
// already had does not contain only when the developer allowed that very program: otherwise the row is "not
// checked" and says which program Python would run.
import { delimiter } from 'node:path';
import { notCheckedMessage } from './notChecked';
import { whichEntry } from './pythonText';

/** What a check may run: the PATH entries of the user's own environment, and programs allowed one by one. */
export interface ProgramPolicy {
  /** PATH before .env and the Python extension's variables; undefined: every PATH entry is the user's own. */
  readonly trustedPath: string | undefined;
  /** Absolute paths of programs the developer allowed although a workspace entry of PATH finds them. */
  readonly allowedPrograms: readonly string[];
  /** The directory the user's app runs in, against which relative PATH entries resolve; default: this process's. */
  readonly workingDirectory?: string | undefined;
}

/** The tool would be found through a PATH entry the workspace added, and nobody allowed it. */
export class WorkspaceProgramError extends Error {
  override readonly name = 'WorkspaceProgramError';
  constructor(readonly program: string, readonly file: string, readonly entry: string) {
    super(notCheckedMessage({ kind: 'program', program, file, entry }));
  }
}

function entries(path: string | undefined): Set<string> {
  return new Set((path ?? '').split(delimiter));
}

/**
 * Where `program` is found on the environment's PATH (undefined: not found). Throws WorkspaceProgramError when
 * it is found through an entry the user's own PATH lacks and the program was not allowed.
 */
export function resolveProgram(program: string, env: Readonly<Record<string, string>>, policy: ProgramPolicy | undefined): string | undefined {
  const found = whichEntry(program, env, policy?.workingDirectory);
  if (!found) return undefined;
  if (!policy || policy.trustedPath === undefined || found.entry === undefined) return found.file;
  if (entries(policy.trustedPath).has(found.entry) || policy.allowedPrograms.includes(found.file)) return found.file;
  throw new WorkspaceProgramError(program, found.file, found.entry);
}
