// Types of python-envs.mjs for the TypeScript tests and the benchmark.
export interface PythonAzureIdentityEnv {
  /** Interpreter to run (Debian 12: /usr/bin/python3; Debian 13 and sid: a venv on it in the test cache). */
  readonly python: string;
  /** Extra environment the interpreter needs (none today: the venv carries its packages). */
  readonly env: Readonly<Record<string, string>>;
  readonly azureIdentityVersion: string | null;
  /** Why the interpreter cannot be used; absent when it can. */
  readonly problem?: string;
}

export function ensurePythonAzureIdentityEnvs(): Promise<{
  readonly debian12: PythonAzureIdentityEnv;
  readonly debian13: PythonAzureIdentityEnv;
  readonly debiansid: PythonAzureIdentityEnv;
  /** Debian sid's azure-identity without the azure-identity-broker package. */
  readonly debiansidNoBroker: PythonAzureIdentityEnv;
}>;

/** The Debian archive of this machine's own apt sources (its URI and keyring). */
export function machineDebianArchive(files?: readonly { path: string; text: string }[]): { uri: string; keyring: string };
