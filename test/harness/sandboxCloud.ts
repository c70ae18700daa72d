// The sandbox tenant as a custom cloud for the setting azureDevAuth.cloud: its own Entra ID, Resource Manager and
// Graph endpoints on loopback, with the public cloud's token audiences (the sandbox issues tokens for those).
import type { Sandbox } from '../../src/sandbox/server';

export interface SandboxCloudSetting {
  readonly name: string;
  readonly authorityHost: string;
  readonly resourceManager: string;
  readonly resourceManagerAudience: string;
  readonly graph: string;
  readonly graphAudience: string;
}

export function sandboxCloudSetting(sandbox: Pick<Sandbox, 'authorityHost' | 'resourceManager' | 'graph'>): SandboxCloudSetting {
  return {
    name: 'Sandbox',
    authorityHost: sandbox.authorityHost.replace(/\/+$/, ''),
    resourceManager: sandbox.resourceManager,
    resourceManagerAudience: 'https://management.azure.com',
    graph: sandbox.graph,
    graphAudience: 'https://graph.microsoft.com',
  };
}

/**
 * User settings for a VS Code whose Access view asks the sandbox. Besides the cloud: VS Code replaces the extension
 * host's `fetch` (which the Graph client uses) with one that trusts the bundled and the operating system's
 * certificate authorities only, not NODE_EXTRA_CA_CERTS, through which the sandbox's throw-away CA is trusted; with
 * `http.fetchAdditionalSupport` off, `fetch` is Node's own, which trusts it (as the `https` module the Azure SDKs use
 * does either way). Real Graph endpoints have publicly trusted certificates and need neither.
 */
export function sandboxAccessSettings(sandbox: Pick<Sandbox, 'authorityHost' | 'resourceManager' | 'graph'>): Record<string, unknown> {
  return { 'azureDevAuth.cloud': sandboxCloudSetting(sandbox), 'http.fetchAdditionalSupport': false };
}
