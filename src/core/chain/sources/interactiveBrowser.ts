// InteractiveBrowserCredential. Azure Dev Auth never opens a browser on its own: the probe says what Python would
// do instead of doing it.
import type { Probe, ProbeResult } from './common';

export const interactiveBrowserProbe: Probe = {
  credential: 'InteractiveBrowserCredential',
  async run(): Promise<ProbeResult> {
    return {
      kind: 'unavailable',
      message: 'InteractiveBrowserCredential opens a browser and waits for someone to sign in; Azure Dev Auth does not start an interactive sign-in, so it treats this source as giving no token.',
    };
  },
};
