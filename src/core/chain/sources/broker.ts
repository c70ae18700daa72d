// BrokerCredential (1.24+): the Windows authentication broker (WAM), on Windows and WSL with azure-identity-broker.
// Azure Dev Auth cannot ask WAM itself; outside Windows/WSL the answer is known without asking.
import type { Probe, ProbeContext, ProbeResult } from './common';

export const brokerProbe: Probe = {
  credential: 'BrokerCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    if (!ctx.brokerInstalled) {
      return {
        kind: 'unavailable',
        message: "InteractiveBrowserBrokerCredential unavailable. The 'azure-identity-broker' package is required to use brokered authentication.",
      };
    }
    if (!(ctx.platform === 'win32' || ctx.wsl)) {
      return {
        kind: 'unavailable',
        message: 'InteractiveBrowserBrokerCredential unavailable. Brokered authentication is only supported on Windows and WSL platforms.',
      };
    }
    return {
      kind: 'unavailable',
      message: 'The Windows authentication broker (WAM) cannot be queried from Azure Dev Auth; Python would ask it for the default Windows account silently.',
    };
  },
};
