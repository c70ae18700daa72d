// WorkloadIdentityCredential (and ManagedIdentityCredential's token-exchange mode): the Kubernetes service
// account token in AZURE_FEDERATED_TOKEN_FILE is the client assertion of a client-credentials grant.
import { FileRefusedError, readBoundedText } from '../../files/boundedRead';
import { tokenFacts } from '../claims';
import { aadClientFailureMessage, postToken, tokenEndpoint } from '../entra';
import { UncheckedHostError } from '../secretHosts';
import {
  entraContext, fileNotFoundMessage, hasValue, MANAGEMENT_SCOPE, notChecked, type Probe, type ProbeContext, type ProbeResult,
} from './common';

/** The three variables whose presence selects workload identity (EnvironmentVariables.WORKLOAD_IDENTITY_VARS). */
export const WORKLOAD_IDENTITY_VARS = ['AZURE_AUTHORITY_HOST', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE'] as const;

export function workloadIdentityConfigured(env: Readonly<Record<string, string>>): boolean {
  return WORKLOAD_IDENTITY_VARS.every((name) => hasValue(env, name));
}

async function readAssertion(path: string, signal: AbortSignal | undefined): Promise<{ ok: true; assertion: string } | { ok: false; message: string }> {
  try {
    return { ok: true, assertion: await readBoundedText(path, 'federatedToken', { signal }) };
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
    // Python's own messages where Python would fail the same way; ours where Python would hang or exhaust memory.
    if (error.reason === 'not-regular' && error.code !== 'EISDIR') return { ok: false, message: error.message };
    if (error.reason === 'too-large') return { ok: false, message: error.message };
    const code = error.code;
    if (code === 'ENOENT') return { ok: false, message: fileNotFoundMessage(path) };
    if (code === 'EACCES') return { ok: false, message: `[Errno 13] Permission denied: '${path}'` };
    if (code === 'EISDIR') return { ok: false, message: `[Errno 21] Is a directory: '${path}'` };
    return { ok: false, message: (error as Error).message };
  }
}

/** get_token of a ClientAssertionCredential fed by the token file (AadClient: direct POST, AadClient messages). */
export async function exchangeFederatedToken(ctx: ProbeContext, tenant: string, clientId: string, tokenFile: string): Promise<ProbeResult> {
  const assertion = await readAssertion(tokenFile, ctx.signal);
  if (!assertion.ok) return { kind: 'failed', message: assertion.message };
  try {
    const token = await postToken(entraContext(ctx), tokenEndpoint(ctx.defaultAuthority, tenant), {
      grant_type: 'client_credentials', client_id: clientId, scope: MANAGEMENT_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion.assertion,
    }, 'federated token');
    return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
  } catch (error) {
    // AZURE_AUTHORITY_HOST comes from the environment (.env included) and no authority validation guards this
    // request in any azure-identity version: the gate is all that keeps the token file on this machine.
    if (error instanceof UncheckedHostError) return notChecked(error);
    return { kind: 'failed', message: aadClientFailureMessage(error, ctx.behaviour.messages.aadErrorPrefix) };
  }
}

const WORKLOAD_CONFIG_ERROR = 'WorkloadIdentityCredential authentication unavailable. The workload options are not fully '
  + 'configured. See the troubleshooting guide for more information: '
  + 'https://aka.ms/azsdk/python/identity/workloadidentitycredential/troubleshoot';

/** The constructor's ValueError text for what is missing, or undefined when nothing is. */
function missingArgumentsMessage(
  style: 'per-argument' | 'missing-list', given: { tenant: string; clientId: string; tokenFile: string },
): string | undefined {
  const missing = [
    ...(given.tenant ? [] : [['tenant_id', 'AZURE_TENANT_ID']]),
    ...(given.clientId ? [] : [['client_id', 'AZURE_CLIENT_ID']]),
    ...(given.tokenFile ? [] : [['token_file_path', 'AZURE_FEDERATED_TOKEN_FILE']]),
  ];
  if (missing.length === 0) return undefined;
  if (style === 'missing-list') return `${WORKLOAD_CONFIG_ERROR}. Missing required arguments: ${missing.map(([arg]) => `'${arg}'`).join(', ')}.`;
  const [arg, variable] = missing[0]!;
  return `'${arg}' is required. Please pass it in or set the ${variable} environment variable`;
}

export const workloadIdentityProbe: Probe = {
  credential: 'WorkloadIdentityCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { env, behaviour } = ctx;
    if (behaviour.workloadIdentity === 'none') return { kind: 'not-in-chain', message: 'This azure-identity version has no WorkloadIdentityCredential.' };
    if (behaviour.workloadIdentity === 'when-configured' && !workloadIdentityConfigured(env)) {
      return {
        kind: 'not-in-chain',
        message: 'DefaultAzureCredential adds WorkloadIdentityCredential only when AZURE_AUTHORITY_HOST, AZURE_TENANT_ID '
          + 'and AZURE_FEDERATED_TOKEN_FILE are all set.',
      };
    }
    // DAC passes workload_identity_client_id (default: the managed identity client id, else AZURE_CLIENT_ID) and
    // workload_identity_tenant_id (default: AZURE_TENANT_ID).
    const tenant = ctx.workloadIdentityTenantId;
    const clientId = ctx.workloadIdentityClientId;
    const tokenFile = env.AZURE_FEDERATED_TOKEN_FILE || '';
    const problem = missingArgumentsMessage(behaviour.workloadIdentityConfigMessage, { tenant, clientId, tokenFile });
    if (problem) {
      // 1.24+ wraps the constructor's ValueError in FailedDACCredential (unavailable); before, DAC itself raised.
      return behaviour.workloadIdentity === 'always'
        ? { kind: 'unavailable', message: problem }
        : { kind: 'constructor-error', error: { credential: 'WorkloadIdentityCredential', exceptionType: 'ValueError', message: problem } };
    }
    return exchangeFederatedToken(ctx, tenant, clientId, tokenFile);
  },
};
