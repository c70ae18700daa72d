// AzureCliCredential: `az account get-access-token`, classified with the tests azure-identity applies to its exit
// code, stderr and stdout.
import { tokenFacts } from '../claims';
import { parseLocalAzTime, pythonInt } from '../pythonText';
import { MANAGEMENT_RESOURCE, type Probe, type ProbeContext, type ProbeResult } from './common';
import { runTool, type ToolCommand } from './tools';

export const CLI_NOT_FOUND = 'Azure CLI not found on path';
export const CLI_NOT_LOGGED_IN = "Please run 'az login' to set up an account";
const UNEXPECTED_OUTPUT_HELP = 'To mitigate this issue, please refer to the troubleshooting guidelines here at '
  + 'https://aka.ms/azsdk/python/identity/azclicredential/troubleshoot.';

/**
 * The command azure-identity runs for the management scope: DefaultAzureCredential passes no tenant; a standalone
 * AzureCliCredential(tenant_id=…) adds `--tenant` after the resource, as every modelled version does.
 */
export function azCommand(ctx: ProbeContext): ToolCommand {
  const tenant = ctx.memberTenants?.AzureCliCredential;
  return {
    program: 'az',
    args: ['account', 'get-access-token', '--output', 'json', '--resource', MANAGEMENT_RESOURCE, ...(tenant ? ['--tenant', tenant] : [])],
    extraEnv: { AZURE_CORE_NO_COLOR: 'true' },
    invocation: ctx.behaviour.az.invocation,
  };
}

/** re.sub(r"\"accessToken\": \"(.*?)(\"|$)", "****", output) — azure-identity's own redaction. */
function sanitize(output: string): string {
  // Any other token-shaped text is left to redactSecrets, applied to every row message.
  return output.replace(/"accessToken": "(.*?)("|$)/gm, '****');
}

type Parsed = { ok: true; token: string; expiresOn: number } | { ok: false; pythonError?: string };

/** parse_token(): None on KeyError/ValueError; other exceptions (a JSON list, say) escape as they are. */
function parseToken(output: string, usesExpiresOnField: boolean): Parsed {
  let json: unknown;
  try { json = JSON.parse(output); } catch { return { ok: false }; }
  if (Array.isArray(json)) return { ok: false, pythonError: 'list indices must be integers or slices, not str' };
  if (json === null) return { ok: false, pythonError: "'NoneType' object is not subscriptable" };
  if (typeof json === 'string') return { ok: false, pythonError: 'string indices must be integers, not \'str\'' };
  if (typeof json !== 'object') return { ok: false, pythonError: `'${typeof json === 'number' ? (Number.isInteger(json) ? 'int' : 'float') : 'bool'}' object is not subscriptable` };
  const record = json as Record<string, unknown>;
  let expiresOn: number | undefined;
  if (usesExpiresOnField && 'expires_on' in record) expiresOn = pythonInt(record.expires_on);
  else expiresOn = parseLocalAzTime(record.expiresOn);
  if (expiresOn === undefined || !('accessToken' in record)) return { ok: false };
  const token = record.accessToken;
  return { ok: true, token: typeof token === 'string' ? token : String(token), expiresOn };
}

export const azureCliProbe: Probe = {
  credential: 'AzureCliCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { behaviour } = ctx;
    const command = azCommand(ctx);
    const run = await runTool(ctx, command);
    const softOrHard = (message: string): ProbeResult => (behaviour.devToolErrorsContinue
      ? { kind: 'unavailable', message }
      : { kind: 'failed', message });
    switch (run.kind) {
      case 'not-found': return { kind: 'unavailable', message: CLI_NOT_FOUND };
      case 'spawn-error': return { kind: 'unavailable', message: `Failed to execute '${run.file}'` };
      case 'timeout': return { kind: 'unavailable', message: 'Failed to invoke the Azure CLI' };
      case 'cancelled': throw new DOMException('The chain evaluation was cancelled.', 'AbortError');
      case 'exited': break;
    }
    const { exitCode, stdout, stderr } = run;
    if (exitCode !== 0) {
      if (exitCode === 127 || stderr.startsWith("'az' is not recognized")) return { kind: 'unavailable', message: CLI_NOT_FOUND };
      const loginHint = stderr.includes('az login') || stderr.includes('az account set');
      if (loginHint && !(behaviour.aadstsSuppressesLoginMessage && stderr.includes('AADSTS'))) {
        return { kind: 'unavailable', message: CLI_NOT_LOGGED_IN };
      }
      return softOrHard(stderr ? sanitize(stderr) : 'Failed to invoke Azure CLI');
    }
    const parsed = parseToken(stdout, behaviour.az.usesExpiresOnField);
    if (parsed.ok) return { kind: 'token', facts: tokenFacts(parsed.token, parsed.expiresOn) };
    if (parsed.pythonError) return { kind: 'failed', message: parsed.pythonError };
    return softOrHard(`Unexpected output from Azure CLI: '${sanitize(stdout)}'. \n${UNEXPECTED_OUTPUT_HELP}`);
  },
};
