// AzureDeveloperCliCredential: `azd auth token`, classified as azure-identity does.
import { tokenFacts } from '../claims';
import { parseAzdTime } from '../pythonText';
import { MANAGEMENT_SCOPE, type Probe, type ProbeContext, type ProbeResult } from './common';
import { runTool, type ToolCommand } from './tools';

export const AZD_NOT_FOUND = 'Azure Developer CLI could not be found. Please visit https://aka.ms/azure-dev for installation '
  + "instructions and then,once installed, authenticate to your Azure account using 'azd auth login'.";
export const AZD_NOT_LOGGED_IN = "Please run 'azd auth login' from a command prompt to authenticate before using this credential.";
const AZD_LOGIN_MARKER = 'not logged in, run `azd auth login` to login';
const UNEXPECTED_OUTPUT_HELP = 'To mitigate this issue, please refer to the troubleshooting guidelines here at '
  + 'https://aka.ms/azsdk/python/identity/azdevclicredential/troubleshoot.';

export function azdCommand(ctx: ProbeContext): ToolCommand {
  const azd = ctx.behaviour.azd;
  // A standalone AzureDeveloperCliCredential(tenant_id=…) adds `--tenant-id` after the scopes, as the library does.
  const tenant = ctx.memberTenants?.AzureDeveloperCliCredential;
  return {
    program: 'azd',
    args: ['auth', 'token', '--output', 'json', ...(azd?.noPrompt ? ['--no-prompt'] : []), '--scope', MANAGEMENT_SCOPE, ...(tenant ? ['--tenant-id', tenant] : [])],
    extraEnv: { NO_COLOR: 'true' },
    invocation: azd?.invocation ?? 'exec',
  };
}

function sanitize(output: string): string {
  return output.replace(/"token": "(.*?)("|$)/gm, '****');
}

/**
 * azd 1.23.7+ reports errors as JSON lines: `{"error": "..."}` (preferred) or a legacy consoleMessage whose
 * data.message is the whole "ERROR: …" text. The first such text, sanitized; undefined when there is none.
 */
export function azdErrorFromJsonLines(output: string): string | undefined {
  let fallback: string | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    let value: unknown;
    try { value = JSON.parse(line); } catch { continue; }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const record = value as Record<string, unknown>;
    if (typeof record.error === 'string' && record.error.trim()) return sanitize(record.error.trim());
    const data = record.data && typeof record.data === 'object' ? record.data as Record<string, unknown> : undefined;
    if (fallback === undefined && typeof data?.message === 'string' && data.message.trim()) fallback = data.message.trim();
  }
  return fallback === undefined ? undefined : sanitize(fallback);
}

export const azureDeveloperCliProbe: Probe = {
  credential: 'AzureDeveloperCliCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { behaviour } = ctx;
    const run = await runTool(ctx, azdCommand(ctx));
    const softOrHard = (message: string): ProbeResult => (behaviour.devToolErrorsContinue
      ? { kind: 'unavailable', message }
      : { kind: 'failed', message });
    switch (run.kind) {
      case 'not-found': return { kind: 'unavailable', message: AZD_NOT_FOUND };
      case 'spawn-error': return { kind: 'unavailable', message: `Failed to execute '${run.file}'` };
      case 'timeout': return { kind: 'unavailable', message: 'Failed to invoke the Azure Developer CLI' };
      case 'cancelled': throw new DOMException('The chain evaluation was cancelled.', 'AbortError');
      case 'exited': break;
    }
    const { exitCode, stdout, stderr } = run;
    const readsJson = behaviour.azd?.readsJsonErrors === true;
    if (exitCode !== 0) {
      if (exitCode === 127 || stderr.startsWith("'azd' is not recognized")) return { kind: 'unavailable', message: AZD_NOT_FOUND };
      // 1.26 looks for the login hint in stdout too (azd's JSON error lines).
      const text = readsJson ? `${stdout}\n${stderr}` : stderr;
      if (text.includes(AZD_LOGIN_MARKER) && !(behaviour.aadstsSuppressesLoginMessage && text.includes('AADSTS'))) {
        return { kind: 'unavailable', message: AZD_NOT_LOGGED_IN };
      }
      const extracted = readsJson ? azdErrorFromJsonLines(stdout) ?? azdErrorFromJsonLines(stderr) : undefined;
      return softOrHard(extracted ?? (stderr ? sanitize(stderr) : 'Failed to invoke Azure Developer CLI'));
    }
    let json: unknown;
    try { json = JSON.parse(stdout); } catch { json = undefined; }
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const record = json as Record<string, unknown>;
      const expiresOn = parseAzdTime(record.expiresOn);
      if (expiresOn !== undefined && 'token' in record) {
        return { kind: 'token', facts: tokenFacts(String(record.token), expiresOn) };
      }
    }
    const extracted = readsJson ? azdErrorFromJsonLines(stdout) : undefined;
    return softOrHard(extracted ?? `Unexpected output from ${behaviour.azd?.unexpectedOutputTool ?? 'Azure Developer CLI'}: '${sanitize(stdout)}'. \n${UNEXPECTED_OUTPUT_HELP}`);
  },
};
