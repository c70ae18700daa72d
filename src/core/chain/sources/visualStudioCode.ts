// VisualStudioCodeCredential, in its two lives: up to 1.23 the one that read the retired "Azure Account"
// extension's refresh token (VS Code settings + the libsecret item "VS Code Azure"); from 1.24 the one that reads
// the Azure Resources extension's authentication record and asks the authentication broker (azure-identity-broker)
// for a token.
import { FileRefusedError, readBoundedText } from '../../files/boundedRead';
import { join } from 'node:path';
import { runProcess } from '../../process/run';
import { tokenFacts } from '../claims';
import { aadClientFailureMessage, msalDiscover, msalFailureMessage, normalizeAuthority, postToken, tokenEndpoint } from '../entra';
import { NetworkError } from '../http';
import { resolveProgram } from '../workspacePrograms';
import { UncheckedHostError } from '../secretHosts';
import { constructorError, entraContext, homeDir, MANAGEMENT_SCOPE, notChecked, type Probe, type ProbeContext, type ProbeResult } from './common';

/** The VS Code Azure extensions' client id. */
export const AZURE_VSCODE_CLIENT_ID = 'aebc6443-996d-45c2-90f0-388ff96faa56';
const TROUBLESHOOT = '\nVisit https://aka.ms/azsdk/python/identity/vscodecredential/troubleshoot to troubleshoot this issue.';
const CLOUD_AUTHORITIES: Readonly<Record<string, string>> = {
  AzureCloud: 'https://login.microsoftonline.com',
  AzureChinaCloud: 'https://login.chinacloudapi.cn',
  AzureGermanCloud: 'https://login.microsoftonline.de',
  AzureUSGovernment: 'https://login.microsoftonline.us',
};
const VALID_TENANT = /^[A-Za-z0-9.-]+$/;

function userSettingsPath(ctx: ProbeContext): string | undefined {
  const home = homeDir(ctx.env);
  if (ctx.platform === 'win32') return ctx.env.APPDATA ? join(ctx.env.APPDATA, 'Code', 'User', 'settings.json') : undefined;
  if (!home) return undefined;
  if (ctx.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Code', 'User', 'settings.json');
  return join(home, '.config', 'Code', 'User', 'settings.json');
}

/** get_user_settings(): json.load of settings.json; any error (missing file, comments) gives {}. */
async function readUserSettings(ctx: ProbeContext): Promise<Record<string, unknown>> {
  const path = userSettingsPath(ctx);
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(await readBoundedText(path, 'toolSettings', { signal: ctx.signal }));
    return parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** The refresh token the Azure Account extension kept in libsecret, read with secret-tool where it exists. */
async function libsecretRefreshToken(ctx: ProbeContext, cloud: string): Promise<string | undefined> {
  if (ctx.platform !== 'linux') return undefined;
  const tool = resolveProgram('secret-tool', ctx.env, ctx.programPolicy);
  if (!tool) return undefined;
  const result = await runProcess(tool, ['lookup', 'service', 'VS Code Azure', 'account', cloud], { env: ctx.env, timeoutMs: 5_000, signal: ctx.signal });
  const value = result.exitCode === 0 ? result.stdout.trim() : '';
  return value || undefined;
}

async function azureAccountCredential(ctx: ProbeContext): Promise<ProbeResult> {
  const settings = await readUserSettings(ctx);
  const cloud = typeof settings['azure.cloud'] === 'string' ? settings['azure.cloud'] : 'AzureCloud';
  let authority = ctx.env.AZURE_AUTHORITY_HOST || CLOUD_AUTHORITIES[cloud];
  if (!authority) {
    return {
      kind: 'unavailable',
      message: `VS Code is configured to use a custom cloud. Set keyword argument "authority" with the Azure Active Directory endpoint for cloud "${cloud}"${TROUBLESHOOT}`,
    };
  }
  // DefaultAzureCredential passes visual_studio_code_tenant_id (default AZURE_TENANT_ID); then the "Azure: Tenant" setting.
  const tenant = (ctx.visualStudioCodeTenantId ?? ctx.env.AZURE_TENANT_ID) || (typeof settings['azure.tenant'] === 'string' ? settings['azure.tenant'] : '') || 'organizations';
  if (!VALID_TENANT.test(tenant)) return constructorError('VisualStudioCodeCredential', 'ValueError', ctx.behaviour.messages.invalidTenant);
  if (tenant.toLowerCase() === 'adfs') {
    return { kind: 'unavailable', message: `VisualStudioCodeCredential authentication unavailable. ADFS is not supported.${TROUBLESHOOT}` };
  }
  authority = normalizeAuthority(authority);
  const refreshToken = await libsecretRefreshToken(ctx, cloud);
  if (!refreshToken) return { kind: 'unavailable', message: ctx.behaviour.azureAccountVsCode.noTokenMessage };
  try {
    const token = await postToken(entraContext(ctx), tokenEndpoint(authority, tenant), {
      grant_type: 'refresh_token', refresh_token: refreshToken, scope: MANAGEMENT_SCOPE, client_id: AZURE_VSCODE_CLIENT_ID, client_info: '1',
    }, 'refresh token');
    return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
  } catch (error) {
    if (error instanceof UncheckedHostError) return notChecked(error);
    const message = aadClientFailureMessage(error, ctx.behaviour.messages.aadErrorPrefix);
    return ctx.behaviour.azureAccountVsCode.errorsContinue ? { kind: 'unavailable', message } : { kind: 'failed', message };
  }
}

const AUTH_RECORD_PATHS = [
  ['.azure', 'ms-azuretools.vscode-azureresourcegroups', 'authRecord.json'],
  ['.Azure', 'ms-azuretools.vscode-azureresourcegroups', 'authRecord.json'],
];

export interface VsCodeAuthRecord {
  readonly username: string;
  readonly tenantId: string;
  readonly authority: string;
  readonly homeAccountId: string;
}

/** load_vscode_auth_record(): undefined when absent; throws Error(ValueError text) when unusable. */
export async function loadAuthRecord(home: string, signal?: AbortSignal): Promise<VsCodeAuthRecord | undefined> {
  for (const parts of AUTH_RECORD_PATHS) {
    const path = join(home, ...parts);
    let text: string;
    try {
      // azure-identity refuses a record above 10 KB with this message; a FIFO or device is refused unread.
      text = await readBoundedText(path, 'authRecord', { signal, maxBytes: 10 * 1024 });
    } catch (error) {
      if (!(error instanceof FileRefusedError)) throw error;
      if (error.reason === 'missing') continue;
      if (error.reason === 'too-large') throw new Error('VS Code auth record file is unexpectedly large. Please check the file for corruption or unexpected content.', { cause: error });
      throw new Error(error.message, { cause: error });
    }
    let data: unknown;
    try { data = JSON.parse(text); } catch (error) { throw new Error((error as Error).message, { cause: error }); }
    const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const errors: string[] = [];
    const need = (key: string): string | undefined => {
      if (!(key in record)) { errors.push(`${key} field is missing`); return undefined; }
      const v = record[key];
      if (!v || typeof v !== 'string') { errors.push(`${key} must be a non-empty string`); return undefined; }
      return v;
    };
    const tenantId = need('tenantId');
    if (tenantId && !VALID_TENANT.test(tenantId)) {
      errors.push('tenantId validation failed: Invalid tenant ID provided. You can locate your tenant ID by following the instructions here: https://learn.microsoft.com/partner-center/find-ids-and-domain-names');
    }
    const clientId = need('clientId');
    if (clientId && clientId !== AZURE_VSCODE_CLIENT_ID) errors.push(`clientId must match expected VS Code Azure Resources extension client ID: ${AZURE_VSCODE_CLIENT_ID}`);
    const username = need('username');
    const homeAccountId = need('homeAccountId');
    const authority = need('authority');
    if (errors.length) throw new Error(`Authentication record validation failed: ${errors.join('; ')}`);
    return { username: username!, tenantId: tenantId!, authority: authority!, homeAccountId: homeAccountId! };
  }
  return undefined;
}

/** MSAL's ImportError when a broker-enabled app is built without pymsalruntime, per platform. */
function brokerRuntimeMissingMessage(platform: NodeJS.Platform): string {
  const minimum = platform === 'win32' ? '1.20' : platform === 'darwin' ? '1.31' : '1.33';
  return `Authentication failed: You must install dependency by: pip install "msal[broker]>=${minimum},<2"`;
}

async function azureResourcesCredential(ctx: ProbeContext): Promise<ProbeResult> {
  if (!ctx.brokerInstalled) {
    return {
      kind: 'unavailable',
      message: "VisualStudioCodeCredential requires the 'azure-identity-broker' package to be installed. You must also ensure "
        + 'you have the Azure Resources extension installed and have signed in to Azure via Visual Studio Code.',
    };
  }
  const home = homeDir(ctx.env);
  let record: VsCodeAuthRecord | undefined;
  try {
    record = home ? await loadAuthRecord(home, ctx.signal) : undefined;
  } catch (error) {
    return {
      kind: 'unavailable',
      message: `Failed to load authentication record from Visual Studio Code: ${(error as Error).message}. Please ensure you have the Azure Resources extension installed and signed in.`,
    };
  }
  if (!record) {
    return {
      kind: 'unavailable',
      message: 'VisualStudioCodeCredential requires the user to be signed in to Azure via Visual Studio Code. '
        + 'Please ensure you have the Azure Resources extension installed and have signed in.',
    };
  }
  // The broker credential is built on the record's authority and tenant; MSAL reads that authority's OpenID
  // configuration first, and a failure there is this source's answer (inside DefaultAzureCredential every error of
  // this credential is reported as unavailable).
  let authority: string;
  try {
    authority = normalizeAuthority(record.authority);
  } catch (error) {
    // The broker credential's constructor raises ValueError, which the VS Code credential reports like a bad record.
    return {
      kind: 'unavailable',
      message: `Failed to load authentication record from Visual Studio Code: ${(error as Error).message}. Please ensure you have the Azure Resources extension installed and signed in.`,
    };
  }
  try {
    await msalDiscover(entraContext(ctx), authority, record.tenantId);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { kind: 'unavailable', message: msalFailureMessage(error) };
  }
  // Then MSAL loads its native broker runtime; without pymsalruntime that is an ImportError.
  if (ctx.brokerRuntimeInstalled === false) return { kind: 'unavailable', message: brokerRuntimeMissingMessage(ctx.platform) };
  // With the runtime, the broker itself (WAM, or the Linux identity broker) would be asked silently; that cannot be
  // done from here. Inside DefaultAzureCredential its errors are "unavailable" too, which is what Python gets
  // wherever no broker account has a token for this user.
  return {
    kind: 'unavailable',
    message: `The authentication broker gave no token for ${record.username} silently (modelled: Azure Dev Auth cannot query the broker; on Linux without WAM Python reports this source as unavailable).`,
  };
}

function isCancellation(error: unknown): boolean {
  return (error instanceof DOMException && error.name === 'AbortError') || (error instanceof NetworkError && error.kind === 'aborted');
}

export const visualStudioCodeProbe: Probe = {
  credential: 'VisualStudioCodeCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    return ctx.behaviour.visualStudioCode === 'azure-account' ? azureAccountCredential(ctx) : azureResourcesCredential(ctx);
  },
};
