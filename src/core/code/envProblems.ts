// The problems of the .env file the chain reads: AZURE_TOKEN_CREDENTIALS the installed azure-identity does not
// understand, and AZURE_CLIENT_SECRET in a file git tracks. Reads the file (bounded) unless its text is given (an
// editor's unsaved text), and git's index when the file holds a secret.
import { join } from 'node:path';
import { readBoundedText } from '../files/boundedRead';
import { tokenCredentialsProblem, trackedSecretProblem, type CodeProblem } from './codeProblems';
import { dotEnvEntry } from './dotEnvLines';
import { isTrackedByGit } from './gitIndex';

export interface EnvProblemsRequest {
  /** Absolute path of the .env file. */
  readonly file: string;
  /** The text, when an editor has it (possibly unsaved); else the file is read. */
  readonly text?: string;
  /** The azure-identity version the interpreter reported; undefined: not known, so no version problem is claimed. */
  readonly azureIdentityVersion: string | undefined;
  readonly signal?: AbortSignal;
}

export async function envFileProblems(request: EnvProblemsRequest): Promise<CodeProblem[]> {
  const text = request.text ?? await readBoundedText(request.file, 'dotenv', { signal: request.signal });
  const problems: CodeProblem[] = [];
  const tokenCredentials = dotEnvEntry(text, 'AZURE_TOKEN_CREDENTIALS');
  if (tokenCredentials && request.azureIdentityVersion) {
    const problem = tokenCredentialsProblem(tokenCredentials, request.azureIdentityVersion);
    if (problem) problems.push(problem);
  }
  const secret = dotEnvEntry(text, 'AZURE_CLIENT_SECRET');
  if (secret?.value.trim()) {
    const problem = trackedSecretProblem(secret, await isTrackedByGit(request.file, request.signal), join);
    if (problem) problems.push(problem);
  }
  return problems;
}
