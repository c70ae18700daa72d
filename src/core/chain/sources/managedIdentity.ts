// ManagedIdentityCredential. Its constructor picks one hosting environment from the variables that are set (App
// Service, Service Fabric, Azure Arc, Azure ML, Cloud Shell, token exchange) and otherwise IMDS, whose host
// AZURE_POD_IDENTITY_AUTHORITY_HOST replaces (and then no probe is sent). The IMDS probe is the short request without
// the Metadata header azure-identity sends first: no HTTP answer means "unavailable".
import { stat } from 'node:fs/promises';
import { readBoundedText } from '../../files/boundedRead';
import { posix, win32 } from 'node:path';
import { tokenFacts } from '../claims';
import { httpRequest, jsonBody, NetworkError, type HttpResponse } from '../http';
import { httpResponseErrorText, pythonInt, pythonRepr } from '../pythonText';
import { parseVersion, type ChainBehaviour } from '../versions';
import { hasValue, HTTP_TIMEOUT_MS, MANAGEMENT_RESOURCE, type Probe, type ProbeContext, type ProbeResult } from './common';
import { exchangeFederatedToken, workloadIdentityConfigured } from './workloadIdentity';

const IMDS_AUTHORITY = 'http://169.254.169.254';
const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';

export const MI_NO_ENDPOINT = 'No managed identity endpoint found. \n'
  + 'The Target Azure platform could not be determined from environment variables. \n'
  + 'Visit https://aka.ms/azsdk/python/identity/managedidentitycredential/troubleshoot to troubleshoot this issue.';
export const IMDS_NO_RESPONSE = 'ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.';
const ARC_USER_ASSIGNED = 'User assigned managed identities are not supported by Azure Arc. To authenticate with the system '
  + 'assigned identity omit the client id when constructing the credential, and if authenticating with '
  + 'DefaultAzureCredential ensure the AZURE_CLIENT_ID environment variable is not set.';

/**
 * msal 1.38.0 and later (or an unknown msal: none of the modelled azure-identity versions caps it, so pip installs
 * the newest) pin Service Fabric's certificate in a way azure-identity's HTTP client cannot pass.
 */
function msalPinsServiceFabric(msalVersion: string | undefined): boolean {
  const parsed = msalVersion === undefined ? undefined : parseVersion(msalVersion);
  if (!parsed) return true;
  return parsed.major > 1 || (parsed.major === 1 && parsed.minor >= 38);
}

export type ManagedIdentityMode = 'service-fabric' | 'app-service' | 'azure-arc' | 'azure-ml' | 'cloud-shell' | 'token-exchange' | 'imds' | 'none';

/** The constructor's choice, in its order of tests. */
export function managedIdentityMode(env: Readonly<Record<string, string>>, behaviour: ChainBehaviour, workloadExcluded: boolean): ManagedIdentityMode {
  if (hasValue(env, 'IDENTITY_ENDPOINT')) {
    if (hasValue(env, 'IDENTITY_HEADER')) return hasValue(env, 'IDENTITY_SERVER_THUMBPRINT') ? 'service-fabric' : 'app-service';
    return hasValue(env, 'IMDS_ENDPOINT') ? 'azure-arc' : 'none';
  }
  if (hasValue(env, 'MSI_ENDPOINT')) return hasValue(env, 'MSI_SECRET') ? 'azure-ml' : 'cloud-shell';
  if (workloadIdentityConfigured(env) && !(behaviour.managedIdentity.tokenExchangeHonoursWorkloadExclusion && workloadExcluded)) {
    return 'token-exchange';
  }
  return 'imds';
}

const MODE_LABEL: Readonly<Record<ManagedIdentityMode, string>> = {
  'service-fabric': 'Service Fabric', 'app-service': 'App Service', 'azure-arc': 'Azure Arc', 'azure-ml': 'Azure ML',
  'cloud-shell': 'Cloud Shell', 'token-exchange': 'token exchange', imds: 'IMDS', none: 'none',
};

export function managedIdentityModeLabel(mode: ManagedIdentityMode): string {
  return MODE_LABEL[mode];
}

/** Where the Azure Connected Machine agent keeps its challenge key files. */
export function arcKeyFolder(ctx: Pick<ProbeContext, 'platform' | 'env'>): string | { readonly problem: string } {
  if (ctx.platform === 'linux') return '/var/opt/azcmagent/tokens';
  if (ctx.platform === 'win32') {
    const programData = ctx.env.PROGRAMDATA;
    if (!programData) return { problem: 'PROGRAMDATA environment variable is not set or is empty.' };
    return win32.join(programData, 'AzureConnectedMachineAgent', 'Tokens');
  }
  return { problem: `Azure Arc MSI is not supported on this platform ${ctx.platform}` };
}

/**
 * azure-identity 1.23+'s _validate_key_file, with its messages: the file exists, sits directly in the agent's
 * folder, ends in `.key` and holds at most 4096 bytes. Undefined when the file may be read.
 */
export async function arcKeyFileProblem(keyFile: string, ctx: Pick<ProbeContext, 'platform' | 'env'>): Promise<string | undefined> {
  if (!keyFile) return 'The file path must not be empty.';
  let size: number;
  try {
    size = (await stat(keyFile)).size;
  } catch {
    return `The file path does not exist: ${keyFile}`;
  }
  const folder = arcKeyFolder(ctx);
  if (typeof folder !== 'string') return folder.problem;
  const parent = ctx.platform === 'win32' ? win32.dirname(keyFile) : posix.dirname(keyFile);
  if (parent !== folder) return `Unexpected file path from HIMDS service: ${keyFile}`;
  if (!keyFile.endsWith('.key')) return "The file path must have a '.key' extension.";
  if (size > 4096) return 'The file size must be less than or equal to 4096 bytes.';
  return undefined;
}

/** ManagedIdentityClient._process_response: a token, or the ClientAuthenticationError text. */
function processLegacyResponse(response: HttpResponse, requestTime: number): { ok: true; token: string; expiresOn: number } | { ok: false; message: string } {
  const content = jsonBody(response);
  if (content === undefined) {
    const type = response.headers['content-type'] ?? '';
    return { ok: false, message: type.startsWith('application/json') || !response.body.trim() ? (response.body.trim() ? 'Failed to deserialize JSON from response' : 'No token received.') : `Unexpected content type "${type}"` };
  }
  const record = (content && typeof content === 'object' && !Array.isArray(content) ? content : undefined) as Record<string, unknown> | undefined;
  if (!record || Object.keys(record).length === 0) return { ok: false, message: 'No token received.' };
  if (!('access_token' in record) || !('expires_in' in record || 'expires_on' in record)) {
    const shown = { ...record };
    if ('access_token' in shown) shown.access_token = '****';
    return { ok: false, message: `Unexpected response "${pythonRepr(shown)}"` };
  }
  const expiresOn = pythonInt(record.expires_on) ?? ((pythonInt(record.expires_in) ?? 0) + requestTime);
  return { ok: true, token: String(record.access_token), expiresOn };
}

interface MiRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly form?: Record<string, string>;
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function send(ctx: ProbeContext, request: MiRequest, connectTimeoutMs?: number): Promise<HttpResponse> {
  return httpRequest({
    method: request.method, url: request.url, headers: request.headers, ...(request.form ? { form: request.form } : {}),
    env: ctx.env, timeoutMs: HTTP_TIMEOUT_MS, signal: ctx.signal,
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
  });
}

function networkFailure(error: unknown): ProbeResult {
  if (error instanceof DOMException && error.name === 'AbortError') throw error;
  if (error instanceof NetworkError && error.kind === 'aborted') throw new DOMException('The chain evaluation was cancelled.', 'AbortError');
  return { kind: 'failed', message: error instanceof NetworkError ? error.pythonMessage : (error as Error).message };
}

/** One request through azure-identity's legacy ManagedIdentityClient: token, or a hard failure with its message. */
async function legacyRequest(ctx: ProbeContext, request: MiRequest): Promise<ProbeResult> {
  const requestTime = Math.floor(Date.now() / 1000);
  let response: HttpResponse;
  try { response = await send(ctx, request); } catch (error) { return networkFailure(error); }
  return legacyRequestFromResponse(response, requestTime);
}

/** Python's str() of a JSON value ("{}".format(x)). */
function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value ?? null);
}

/** Which host MSAL talks to: it turns each one's error answer into an OAuth error of its own. */
type MsalHost = 'app-service' | 'azure-ml' | 'service-fabric' | 'imds';

/** Service Fabric's error codes as MSAL maps them to OAuth errors. */
const SERVICE_FABRIC_ERRORS: Readonly<Record<string, string>> = {
  SecretHeaderNotFound: 'unauthorized_client', ManagedIdentityNotFound: 'invalid_client', ArgumentNullOrEmpty: 'invalid_scope',
};

/** The error MSAL makes of a host's non-token JSON answer: its code and description. */
function msalError(host: MsalHost, record: Record<string, unknown>, body: string): { code: string; description: string } {
  switch (host) {
    case 'app-service':
      return { code: 'invalid_scope', description: `${pythonStr(record.statusCode)}, ${pythonStr(record.message)}` };
    case 'azure-ml':
      return { code: 'invalid_scope', description: pythonRepr(record) };
    case 'service-fabric': {
      const error = record.error && typeof record.error === 'object' ? record.error as Record<string, unknown> : {};
      return { code: SERVICE_FABRIC_ERRORS[String(error.code)] ?? 'invalid_request', description: body };
    }
    case 'imds':
      return { code: String(record.error), description: typeof record.error_description === 'string' ? record.error_description : '' };
  }
}

/**
 * MSAL's ManagedIdentityClient (1.23+ for App Service, Service Fabric, Azure ML, Arc and IMDS). App-Service-style
 * hosts: a non-token JSON answer becomes "<prefix><code>" (unavailable; 1.25.1+: "<prefix>Token request error:
 * (<code>) <description>"), anything else raises. IMDS: every failure is unavailable — its error code, "no
 * response" for transport errors, a bare sentence for non-JSON.
 */
async function msalRequest(ctx: ProbeContext, request: MiRequest, unavailablePrefix: string, host: MsalHost): Promise<ProbeResult> {
  const style = host === 'imds' ? 'imds' : 'app-service';
  const requestTime = Math.floor(Date.now() / 1000);
  let response: HttpResponse;
  try {
    response = await send(ctx, request);
  } catch (error) {
    if (style === 'imds' && !(error instanceof NetworkError && error.kind === 'aborted')) return { kind: 'unavailable', message: IMDS_NO_RESPONSE };
    return networkFailure(error);
  }
  let content: unknown;
  try {
    content = JSON.parse(response.body);
  } catch (error) {
    if (style === 'imds') return { kind: 'unavailable', message: 'ManagedIdentityCredential authentication unavailable.' };
    return { kind: 'failed', message: pythonJsonError(response.body, error) };
  }
  const record = (content && typeof content === 'object' && !Array.isArray(content) ? content : {}) as Record<string, unknown>;
  const expiry = style === 'imds' ? record.expires_in : record.expires_on;
  if (record.access_token && expiry) {
    const expiresOn = style === 'imds' ? requestTime + (pythonInt(record.expires_in) ?? 0) : (pythonInt(record.expires_on) ?? requestTime);
    return { kind: 'token', facts: tokenFacts(String(record.access_token), expiresOn) };
  }
  // Without an "error" key 1.23 trips over its own unset variable and reports "no response"; 1.25.1 adds nothing.
  if (style === 'imds' && typeof record.error !== 'string') {
    return { kind: 'unavailable', message: ctx.behaviour.managedIdentity.msalErrorDetail === 'code' ? IMDS_NO_RESPONSE : unavailablePrefix };
  }
  const { code, description } = msalError(host, record, response.body);
  const detail = ctx.behaviour.managedIdentity.msalErrorDetail === 'code' ? code : `Token request error: (${code}) ${description}`;
  return { kind: 'unavailable', message: `${unavailablePrefix}${detail}` };
}

/** str(json.JSONDecodeError) for the usual cases (empty body, a non-JSON first character). */
function pythonJsonError(body: string, _error: unknown): string {
  const index = body.search(/\S/);
  if (index === -1) return `Expecting value: line 1 column ${body.length + 1} (char ${body.length})`;
  const before = body.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `Expecting value: line ${line} column ${column} (char ${index})`;
}

function imdsBase(env: Readonly<Record<string, string>>): string {
  const host = Object.prototype.hasOwnProperty.call(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST') ? env.AZURE_POD_IDENTITY_AUTHORITY_HOST! : IMDS_AUTHORITY;
  return host.replace(/^\/+|\/+$/g, '') + IMDS_TOKEN_PATH;
}

export const managedIdentityProbe: Probe = {
  credential: 'ManagedIdentityCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const { env, behaviour } = ctx;
    const mode = managedIdentityMode(env, behaviour, ctx.isExcluded('WorkloadIdentityCredential'));
    // DefaultAzureCredential passes client_id=managed_identity_client_id or AZURE_CLIENT_ID; a ChainedTokenCredential's
    // member passes only its own client_id= (AZURE_CLIENT_ID serves just the token exchange, below).
    const clientId = ctx.memberClientIds ? ctx.memberClientIds.ManagedIdentityCredential : ctx.managedIdentityClientId || undefined;
    const resource = MANAGEMENT_RESOURCE;
    const msal = behaviour.managedIdentity.imdsClient === 'msal';
    switch (mode) {
      case 'none':
        return { kind: 'unavailable', message: MI_NO_ENDPOINT };
      case 'app-service': {
        const request: MiRequest = {
          method: 'GET',
          url: withQuery(env.IDENTITY_ENDPOINT!, { 'api-version': '2019-08-01', resource, ...(clientId ? { client_id: clientId } : {}) }),
          headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER! },
        };
        return msal ? msalRequest(ctx, request, 'App Service managed identity configuration not found in environment. ', 'app-service') : legacyRequest(ctx, request);
      }
      case 'service-fabric': {
        const request: MiRequest = {
          method: 'GET',
          url: withQuery(env.IDENTITY_ENDPOINT!, { 'api-version': '2019-07-01-preview', resource, ...(clientId ? { client_id: clientId } : {}) }),
          headers: { Secret: env.IDENTITY_HEADER! },
        };
        if (msal && clientId) {
          return { kind: 'failed', message: 'Specifying a client_id or identity_config is not supported by the Service Fabric managed identity environment. The managed identity configuration is determined by the Service Fabric cluster resource configuration. See https://aka.ms/servicefabricmi for more information.' };
        }
        // msal 1.38 pins the endpoint's certificate with its own requests session and refuses any other HTTP
        // client; azure-identity hands it its own (azure-core) client, so the request is never sent.
        if (msal && msalPinsServiceFabric(ctx.msalVersion)) {
          return { kind: 'failed', message: 'Service Fabric managed identity configuration not found in environment. Service Fabric managed identity requires a requests.Session with an HTTPAdapter or subclass.' };
        }
        return msal ? msalRequest(ctx, request, 'Service Fabric managed identity configuration not found in environment. ', 'service-fabric') : legacyRequest(ctx, request);
      }
      case 'azure-arc': {
        if (clientId) return { kind: 'failed', message: ARC_USER_ASSIGNED };
        const url = withQuery(env.IDENTITY_ENDPOINT!, { 'api-version': '2019-11-01', resource });
        let first: HttpResponse;
        try { first = await send(ctx, { method: 'GET', url, headers: { Metadata: 'true' } }); } catch (error) { return networkFailure(error); }
        if (first.status !== 401) return legacyRequestFromResponse(first);
        // Arc's challenge: a file path in WWW-Authenticate whose content is the Basic secret.
        const header = first.headers['www-authenticate'];
        if (!header) return { kind: 'failed', message: 'Did not receive a value from WWW-Authenticate header' };
        const keyFile = header.split('=')[1];
        if (keyFile === undefined) return { kind: 'failed', message: `Did not receive a correct value from WWW-Authenticate header: ${header}` };
        // The endpoint comes from the environment (a cloned repository's .env included), so the file it names is
        // checked the way azure-identity 1.23+ checks it, whatever version is modelled: nothing else is ever read.
        const problem = await arcKeyFileProblem(keyFile, ctx);
        if (problem !== undefined) {
          if (behaviour.managedIdentity.arcValidatesKeyFile) return { kind: 'failed', message: `The key file path is invalid: ${problem}` };
          return { kind: 'not-checked', reason: { kind: 'arcKeyFile', family: behaviour.family, keyFile, origin: new URL(url).origin, problem } };
        }
        let key: string;
        try {
          key = await readBoundedText(keyFile, 'arcKey', { signal: ctx.signal });
          ctx.rememberSecret(key);
        } catch (error) {
          return { kind: 'failed', message: `Could not read file ${keyFile} contents: ${(error as Error).message}` };
        }
        return legacyRequest(ctx, { method: 'GET', url, headers: { Metadata: 'true', Authorization: `Basic ${key}` } });
      }
      case 'azure-ml': {
        const request: MiRequest = {
          method: 'GET',
          url: withQuery(env.MSI_ENDPOINT!, { 'api-version': '2017-09-01', resource, ...(clientId ? { clientid: clientId } : {}) }),
          headers: { secret: env.MSI_SECRET! },
        };
        return msal ? msalRequest(ctx, request, 'Azure ML managed identity configuration not found in environment. ', 'azure-ml') : legacyRequest(ctx, request);
      }
      case 'cloud-shell':
        return legacyRequest(ctx, {
          method: 'POST', url: env.MSI_ENDPOINT!, headers: { Metadata: 'true' },
          form: { resource, ...(clientId ? { client_id: clientId } : {}) },
        });
      case 'token-exchange': {
        const exchangeClientId = ctx.memberClientIds ? clientId || env.AZURE_CLIENT_ID || undefined : clientId;
        if (!exchangeClientId) {
          return { kind: 'constructor-error', error: { credential: 'ManagedIdentityCredential', exceptionType: 'ValueError', message: behaviour.managedIdentity.tokenExchangeMissingClientIdMessage } };
        }
        return exchangeFederatedToken(ctx, env.AZURE_TENANT_ID!, exchangeClientId, env.AZURE_FEDERATED_TOKEN_FILE!);
      }
      case 'imds':
        return imds(ctx, clientId);
    }
  },
};

/** ManagedIdentityClient's answer: a token, or ClientAuthenticationError(message, response) as str() shows it. */
function legacyRequestFromResponse(response: HttpResponse, requestTime = Math.floor(Date.now() / 1000)): ProbeResult {
  const processed = processLegacyResponse(response, requestTime);
  if (processed.ok) return { kind: 'token', facts: tokenFacts(processed.token, processed.expiresOn) };
  return { kind: 'failed', message: httpResponseErrorText(processed.message, response.body) };
}

/**
 * IMDS: the probe (only without AZURE_POD_IDENTITY_AUTHORITY_HOST), then the real request. With the legacy client a
 * 400 means "no identity assigned" (unavailable) and anything else that is not a token stops the chain; MSAL's client
 * (1.23+) reports every error body as unavailable.
 */
async function imds(ctx: ProbeContext, clientId: string | undefined): Promise<ProbeResult> {
  const { behaviour, env } = ctx;
  const params: Record<string, string> = { 'api-version': '2018-02-01', resource: MANAGEMENT_RESOURCE, ...(clientId ? { client_id: clientId } : {}) };
  let url: string;
  try {
    url = withQuery(imdsBase(env), params);
  } catch {
    return { kind: 'failed', message: `Invalid URL '${imdsBase(env)}': No scheme supplied. Perhaps you meant https://${imdsBase(env)}?` };
  }
  // 1.25.1+: AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential asks for the full request with its retries instead.
  const selectedByName = behaviour.managedIdentity.probeSkippedWhenSelectedByName
    && (env.AZURE_TOKEN_CREDENTIALS ?? '').trim().toLowerCase() === 'managedidentitycredential';
  if (!Object.prototype.hasOwnProperty.call(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST') && !selectedByName) {
    try {
      await send(ctx, { method: 'GET', url, headers: {} }, behaviour.managedIdentity.imdsProbeTimeoutMs);
    } catch (error) {
      if (error instanceof NetworkError && error.kind === 'aborted') throw new DOMException('The chain evaluation was cancelled.', 'AbortError');
      return { kind: 'unavailable', message: IMDS_NO_RESPONSE };
    }
  }
  const request: MiRequest = { method: 'GET', url, headers: { Metadata: 'true' } };
  if (behaviour.managedIdentity.imdsClient === 'msal') return msalRequest(ctx, request, `${IMDS_NO_RESPONSE} `, 'imds');
  let response: HttpResponse;
  try { response = await send(ctx, request); } catch (error) { return networkFailure(error); }
  if (response.status === 400) {
    // Inside DefaultAzureCredential client_id is always passed (even as None): the "requested identity" variant.
    return { kind: 'unavailable', message: 'ManagedIdentityCredential authentication unavailable. The requested identity has not been assigned to this resource.' };
  }
  return legacyRequestFromResponse(response);
}
