// Python interop: which azure-identity an interpreter has, and running the real DefaultAzureCredential there to
// verify the engine. Pure TypeScript (no `vscode`); every interpreter run goes through runProcess with a timeout.
export * from './detect';
export * from './keywords';
export * from './scripts';
export * from './verify';
