// Where the extension host (and so the developer's Python code and tools) runs: on the developer's own machine, or
// in a dev container, a Codespace, WSL or over SSH. There a browser sign-in opens no browser the developer sees (or
// one on another machine), the VS Code credential's account and broker live in the local window's OS, and the device
// code is the sign-in that works. Pure: the extension passes vscode.env.remoteName and the process environment.

export type RemoteKind = 'devContainer' | 'codespaces' | 'wsl' | 'ssh';

export interface RemoteContext {
  readonly kind: RemoteKind;
  /** "a dev container", "GitHub Codespaces", … for sentences. */
  readonly label: string;
  /** What gave it away: "vscode.env.remoteName is dev-container", "REMOTE_CONTAINERS=true", … */
  readonly evidence: string;
}

const LABELS: Readonly<Record<RemoteKind, string>> = {
  devContainer: 'a dev container',
  codespaces: 'GitHub Codespaces',
  wsl: 'WSL',
  ssh: 'an SSH remote',
};

/**
 * VS Code's own remote names (the authority's prefix). Any other name (code-server reports its host:port, a tunnel
 * its name) does not say where the code runs, so only the variables below decide then.
 */
const REMOTE_NAMES: Readonly<Record<string, RemoteKind>> = {
  'dev-container': 'devContainer',
  'attached-container': 'devContainer',
  'k8s-container': 'devContainer',
  codespaces: 'codespaces',
  wsl: 'wsl',
  'ssh-remote': 'ssh',
};

function set(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

/** Where the code runs, or undefined on the developer's own machine. */
export function detectRemote(remoteName: string | undefined, env: Readonly<Record<string, string | undefined>>): RemoteContext | undefined {
  const context = (kind: RemoteKind, evidence: string): RemoteContext => ({ kind, label: LABELS[kind], evidence });
  const named = remoteName ? REMOTE_NAMES[remoteName.toLowerCase()] : undefined;
  if (named) return context(named, `vscode.env.remoteName is ${remoteName}`);
  // A Codespace is also a container (and sets REMOTE_CONTAINERS): the more specific answer first.
  if ((env.CODESPACES ?? '').toLowerCase() === 'true') return context('codespaces', 'CODESPACES=true');
  if (set(env, 'REMOTE_CONTAINERS') || set(env, 'REMOTE_CONTAINERS_IPC')) {
    return context('devContainer', set(env, 'REMOTE_CONTAINERS') ? `REMOTE_CONTAINERS=${env.REMOTE_CONTAINERS}` : 'REMOTE_CONTAINERS_IPC is set');
  }
  if (set(env, 'WSL_DISTRO_NAME') || set(env, 'WSL_INTEROP')) return context('wsl', set(env, 'WSL_DISTRO_NAME') ? 'WSL_DISTRO_NAME is set' : 'WSL_INTEROP is set');
  for (const name of ['SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY']) {
    if (set(env, name)) return context('ssh', `${name} is set`);
  }
  return undefined;
}

export type DefaultSignInMethod = 'browser' | 'device-code';

/** Browser sign-in on the developer's machine; a device code where the browser would open elsewhere (or nowhere). */
export function defaultSignInMethod(remote: RemoteContext | undefined): DefaultSignInMethod {
  return remote ? 'device-code' : 'browser';
}

/**
 * Why the VS Code credential or the broker gives no token in this remote, for their rows; undefined for the other
 * sources, and in WSL, where azure-identity-broker reaches Windows' broker (WAM), so both can work.
 */
export function remoteSourceExplanation(remote: RemoteContext | undefined, credential: string): string | undefined {
  if (!remote || remote.kind === 'wsl') return undefined;
  if (credential === 'VisualStudioCodeCredential') {
    return `Your code runs in ${remote.label} (Linux): since azure-identity 1.24 VisualStudioCodeCredential gets the VS Code `
      + 'account\'s token from the authentication broker (WAM), which exists only on Windows and WSL; VS Code\'s own sign-in '
      + `stays in the window on your machine. Sign in with a developer tool in ${remote.label} instead (a device code works).`;
  }
  if (credential === 'BrokerCredential') {
    return `Your code runs in ${remote.label} (Linux): the authentication broker (WAM) exists only on Windows and WSL, `
      + `so BrokerCredential is unavailable there. Sign in with a developer tool in ${remote.label} instead (a device code works).`;
  }
  return undefined;
}
