// AzurePowerShellCredential: `pwsh -EncodedCommand <script>` printing "azsdk%<token>%<expiry>", classified with
// azure-identity's raise_for_error / parse_token.
import { tokenFacts } from '../claims';
import type { ChainBehaviour } from '../versions';
import { MANAGEMENT_RESOURCE, type Probe, type ProbeContext, type ProbeResult } from './common';
import { runTool, unpackError, type ToolCommand } from './tools';

export const AZ_ACCOUNT_NOT_INSTALLED = 'Az.Account module >= 2.2.0 is not installed';
export const BLOCKED_BY_EXECUTION_POLICY = 'Execution policy prevented invoking Azure PowerShell';
export const POWERSHELL_NOT_INSTALLED = 'PowerShell is not installed';
export const RUN_CONNECT_AZ_ACCOUNT = 'Please run "Connect-AzAccount" to set up account';
const FAILED_TO_INVOKE = 'Failed to invoke PowerShell.\nTo mitigate this issue, please refer to the troubleshooting guidelines '
  + 'here at https://aka.ms/azsdk/python/identity/powershellcredential/troubleshoot.';

/**
 * The script azure-identity sends to PowerShell (its own text, so that the argv is the one Python builds). Up to the
 * 1.13 betas: Get-AzAccessToken -ResourceUrl; later: a parameter table, -AsSecureString for Az.Accounts ≥ 2.17.
 * Both print "azsdk%<token>%<expiry>" or NO_AZ_ACCOUNT_MODULE.
 */
export function powerShellScript(behaviour: ChainBehaviour, resource: string, tenant = ''): string {
  const head = "$ErrorActionPreference = 'Stop'\n[version]$minimumVersion = '2.2.0'\n\n"
    + '$m = Import-Module Az.Accounts -MinimumVersion $minimumVersion -PassThru -ErrorAction SilentlyContinue\n\n'
    + 'if (! $m) {\n    Write-Output NO_AZ_ACCOUNT_MODULE\n    exit\n}\n\n';
  if (behaviour.pwsh.script === 'legacy') {
    return `${head}$token = Get-AzAccessToken -ResourceUrl '${resource}'${tenant ? ` -TenantId ${tenant}` : ''}\n\n`
      + 'Write-Output "`nazsdk%$($token.Token)%$($token.ExpiresOn.ToUnixTimeSeconds())`n"\n';
  }
  return `${head}$params = @{ 'ResourceUrl' = '${resource}'; 'WarningAction' = 'Ignore' }\n\n`
    + `$tenantId = '${tenant}'\nif ($tenantId.Length -gt 0) {\n    $params['TenantId'] = $tenantId\n}\n\n`
    + "$useSecureString = $m.Version -ge [version]'2.17.0'\nif ($useSecureString) {\n    $params['AsSecureString'] = $true\n}\n\n"
    + '$token = Get-AzAccessToken @params\n$tokenValue = $token.Token\nif ($useSecureString) {\n'
    + '    $tokenValue = $tokenValue | ConvertFrom-SecureString -AsPlainText\n}\n'
    + 'Write-Output "`nazsdk%$($tokenValue)%$($token.ExpiresOn.ToUnixTimeSeconds())`n"\n';
}

export function pwshCommand(ctx: ProbeContext): ToolCommand {
  // A standalone AzurePowerShellCredential(tenant_id=…) passes its tenant into the script (validated: letters, digits, '.', '-').
  const tenant = ctx.memberTenants?.AzurePowerShellCredential ?? '';
  const encoded = Buffer.from(powerShellScript(ctx.behaviour, MANAGEMENT_RESOURCE, tenant), 'utf16le').toString('base64');
  return {
    program: 'pwsh',
    args: [...ctx.behaviour.pwsh.flags, '-EncodedCommand', encoded],
    extraEnv: {},
    invocation: ctx.behaviour.pwsh.invocation,
  };
}

export const azurePowerShellProbe: Probe = {
  credential: 'AzurePowerShellCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { behaviour } = ctx;
    const run = await runTool(ctx, pwshCommand(ctx));
    switch (run.kind) {
      // /bin/sh answers 127 for a missing pwsh; the argv form finds nothing on PATH. Both read "not installed".
      case 'not-found': return { kind: 'unavailable', message: POWERSHELL_NOT_INSTALLED };
      case 'spawn-error':
      case 'timeout': return { kind: 'unavailable', message: FAILED_TO_INVOKE };
      case 'cancelled': throw new DOMException('The chain evaluation was cancelled.', 'AbortError');
      case 'exited': break;
    }
    const { exitCode, stdout, stderr } = run;
    if (exitCode === 0) {
      if (stdout.includes('NO_AZ_ACCOUNT_MODULE')) return { kind: 'unavailable', message: AZ_ACCOUNT_NOT_INSTALLED };
    } else {
      if (exitCode === 127 || stderr.includes("' is not recognized")) return { kind: 'unavailable', message: POWERSHELL_NOT_INSTALLED };
      if (stderr.includes('Run Connect-AzAccount to login')) return { kind: 'unavailable', message: RUN_CONNECT_AZ_ACCOUNT };
      if (stderr.includes('AuthorizationManager check failed')) return { kind: 'unavailable', message: BLOCKED_BY_EXECUTION_POLICY };
      return { kind: 'unavailable', message: behaviour.pwsh.otherErrorMessage };
    }
    // parse_token: the first whitespace-separated word starting with "azsdk%".
    const line = stdout.split(/\s+/).find((word) => word.startsWith('azsdk%'));
    if (line) {
      const parts = line.split('%');
      if (parts.length !== 3) return { kind: 'failed', message: unpackError(parts.length, 3) };
      const expires = parts[2]!;
      if (!/^\s*[+-]?\d+\s*$/.test(expires)) return { kind: 'failed', message: `invalid literal for int() with base 10: '${expires}'` };
      return { kind: 'token', facts: tokenFacts(parts[1]!, Number(expires)) };
    }
    const message = `Unexpected output from Get-AzAccessToken: "${stdout}"`;
    return behaviour.devToolErrorsContinue ? { kind: 'unavailable', message } : { kind: 'failed', message };
  },
};
