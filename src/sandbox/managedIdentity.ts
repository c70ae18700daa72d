// Managed identity endpoints, on loopback only: the App Service style endpoint (IDENTITY_ENDPOINT +
// X-IDENTITY-HEADER, api-version 2019-08-01), the IMDS token path reached through AZURE_POD_IDENTITY_AUTHORITY_HOST,
// and the endpoints of the other hosts azure-identity knows: Cloud Shell (MSI_ENDPOINT, a form POST), Azure ML
// (MSI_ENDPOINT + MSI_SECRET, api-version 2017-09-01), Service Fabric (IDENTITY_ENDPOINT + IDENTITY_HEADER +
// IDENTITY_SERVER_THUMBPRINT, HTTPS) and Azure Arc (IDENTITY_ENDPOINT + IMDS_ENDPOINT, a Basic challenge naming a key
// file). The "host" owns the seed's system-assigned identity; user-assigned ones are picked with
// client_id/object_id/mi_res_id. Answers follow each host's documented token response.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, HttpError, sendJson, type RequestContext, type Route } from './http';
import type { SandboxRuntime } from './runtime';
import type { ServicePrincipalObject } from './state';
import { findResource } from './entra';
import { mintAccessToken } from './tokens';

function managedIdentities(rt: SandboxRuntime): ServicePrincipalObject[] {
  return [...rt.state.objects.values()].filter((o): o is ServicePrincipalObject => o.kind === 'servicePrincipal' && o.managedIdentity !== undefined);
}

function pickIdentity(rt: SandboxRuntime, query: URLSearchParams): ServicePrincipalObject | undefined {
  const all = managedIdentities(rt);
  const clientId = query.get('client_id');
  const objectId = query.get('object_id') ?? query.get('principal_id');
  const resourceId = query.get('mi_res_id') ?? query.get('msi_res_id');
  if (clientId) return all.find((m) => m.appId.toLowerCase() === clientId.toLowerCase());
  if (objectId) return all.find((m) => m.objectId.toLowerCase() === objectId.toLowerCase());
  if (resourceId) return all.find((m) => m.managedIdentity?.resourceId.toLowerCase() === resourceId.toLowerCase());
  return all.find((m) => m.managedIdentity?.kind === 'systemAssigned');
}

async function mint(rt: SandboxRuntime, identity: ServicePrincipalObject, resource: string): Promise<{ token: string; expiresOn: number }> {
  const result = await mintAccessToken(rt.signingKey, {
    tenantId: rt.state.tenantId, audience: resource, clientAppId: identity.appId,
    subject: {
      kind: 'app', objectId: identity.objectId, appId: identity.appId, displayName: identity.displayName,
      credential: 'managedIdentity', ...(identity.managedIdentity ? { managedIdentityResourceId: identity.managedIdentity.resourceId } : {}),
    },
    lifetimeSeconds: rt.control.settings.accessTokenLifetimeSeconds,
  });
  rt.control.count('token.issued');
  return result;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function appService(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  const secret = header(ctx, 'x-identity-header');
  if (!secret || !sameSecret(secret, rt.identityHeader)) {
    throw new HttpError(401, { statusCode: 401, message: 'Unauthorized request: X-IDENTITY-HEADER is missing or invalid.', correlationId: ctx.requestId });
  }
  if (ctx.query.get('api-version') !== '2019-08-01') {
    throw new HttpError(400, { statusCode: 400, message: 'The api-version parameter is missing or not supported; use 2019-08-01.', correlationId: ctx.requestId });
  }
  const resource = ctx.query.get('resource');
  if (!resource || !findResource(resource)) {
    throw new HttpError(400, { statusCode: 400, message: `AADSTS500011: The resource principal named ${resource ?? ''} was not found in the tenant.`, correlationId: ctx.requestId });
  }
  const identity = pickIdentity(rt, ctx.query);
  if (!identity) {
    throw new HttpError(400, { statusCode: 400, message: 'No Managed Identity found for specified ClientId/ResourceId/PrincipalId.', correlationId: ctx.requestId });
  }
  const { token, expiresOn } = await mint(rt, identity, resource);
  sendJson(ctx, 200, { access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer', client_id: identity.appId });
}

async function imds(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  if ((header(ctx, 'metadata') ?? '').toLowerCase() !== 'true') {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  }
  if (!ctx.query.get('api-version')) {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'Required query variable \'api-version\' is missing' });
  }
  const resource = ctx.query.get('resource');
  if (!resource) throw new HttpError(400, { error: 'invalid_request', error_description: 'Required query variable \'resource\' is missing' });
  if (!findResource(resource)) {
    throw new HttpError(400, { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.` });
  }
  const identity = pickIdentity(rt, ctx.query);
  if (!identity) throw new HttpError(400, { error: 'invalid_request', error_description: 'Identity not found' });
  const { token, expiresOn } = await mint(rt, identity, resource);
  const now = Math.floor(Date.now() / 1000);
  // IMDS answers every number as a string.
  sendJson(ctx, 200, {
    access_token: token, client_id: identity.appId, expires_in: String(expiresOn - now), expires_on: String(expiresOn),
    ext_expires_in: String(expiresOn - now), not_before: String(now), resource, token_type: 'Bearer',
  });
}

/** The IMDS-style answer (every number a string) Cloud Shell and Azure Arc share. */
async function imdsStyleAnswer(ctx: RequestContext, rt: SandboxRuntime, identity: ServicePrincipalObject, resource: string): Promise<void> {
  const { token, expiresOn } = await mint(rt, identity, resource);
  const now = Math.floor(Date.now() / 1000);
  sendJson(ctx, 200, {
    access_token: token, expires_in: String(expiresOn - now), expires_on: String(expiresOn), not_before: String(now),
    resource, token_type: 'Bearer',
  });
}

function requiredResource(resource: string | null): string {
  if (!resource) throw new HttpError(400, { error: 'invalid_request', error_description: "Required parameter 'resource' is missing" });
  if (!findResource(resource)) {
    throw new HttpError(400, { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.` });
  }
  return resource;
}

function systemIdentity(rt: SandboxRuntime, query: URLSearchParams): ServicePrincipalObject {
  const identity = pickIdentity(rt, query);
  if (!identity) throw new HttpError(400, { error: 'invalid_request', error_description: 'Identity not found' });
  return identity;
}

/** Cloud Shell: POST with a form body (resource=…) and "Metadata: true". */
async function cloudShell(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  if ((header(ctx, 'metadata') ?? '').toLowerCase() !== 'true') {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  }
  const form = new URLSearchParams((await ctx.body()).toString('utf8'));
  const resource = requiredResource(form.get('resource'));
  await imdsStyleAnswer(ctx, rt, systemIdentity(rt, form), resource);
}

/** Azure ML: GET with the "secret" header (MSI_SECRET), api-version 2017-09-01, user-assigned ids as "clientid". */
async function azureMl(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  const secret = header(ctx, 'secret');
  if (!secret || !sameSecret(secret, rt.identityHeader)) throw new HttpError(401, { error: 'unauthorized', error_description: 'The secret header is missing or invalid.' });
  if (ctx.query.get('api-version') !== '2017-09-01') throw new HttpError(400, { error: 'invalid_request', error_description: 'api-version 2017-09-01 is required' });
  const resource = requiredResource(ctx.query.get('resource'));
  const query = new URLSearchParams(ctx.query);
  const clientId = query.get('clientid');
  if (clientId) query.set('client_id', clientId);
  const identity = systemIdentity(rt, query);
  const { token, expiresOn } = await mint(rt, identity, resource);
  sendJson(ctx, 200, { access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer' });
}

/** Service Fabric: GET over HTTPS with the "Secret" header (IDENTITY_HEADER), api-version 2019-07-01-preview. */
async function serviceFabric(ctx: RequestContext, _params: string[], rt: SandboxRuntime): Promise<void> {
  const secret = header(ctx, 'secret');
  if (!secret || !sameSecret(secret, rt.identityHeader)) {
    throw new HttpError(401, { error: { code: 'SecretHeaderNotFound', message: 'Secret is not found in the request headers.' } });
  }
  if (ctx.query.get('api-version') !== '2019-07-01-preview') {
    throw new HttpError(400, { error: { code: 'InvalidApiVersion', message: 'The api-version is not supported; use 2019-07-01-preview.' } });
  }
  const resource = ctx.query.get('resource');
  if (!resource || !findResource(resource)) {
    throw new HttpError(400, { error: { code: 'ArgumentNullOrEmpty', message: 'The resource is missing or unknown.' } });
  }
  const identity = pickIdentity(rt, new URLSearchParams());
  if (!identity) throw new HttpError(404, { error: { code: 'ManagedIdentityNotFound', message: 'No managed identity is assigned.' } });
  const { token, expiresOn } = await mint(rt, identity, resource);
  sendJson(ctx, 200, { token_type: 'Bearer', access_token: token, expires_on: expiresOn, resource });
}

/**
 * The secret an Azure Arc agent writes into the key file its challenge names. Derived from the file name, so a test
 * can write the file anywhere and the endpoint still knows what to expect.
 */
export function arcKeySecret(rt: Pick<SandboxRuntime, 'identityHeader'>, keyFile: string): string {
  return createHmac('sha256', rt.identityHeader).update(keyFile).digest('hex');
}

/** The Arc endpoint path whose challenge names `keyFile`: /_mi/arc/<base64url of the path>. */
export function arcEndpointPath(keyFile: string): string {
  return `/_mi/arc/${Buffer.from(keyFile, 'utf8').toString('base64url')}`;
}

/**
 * Azure Arc's local endpoint (himds): without credentials, 401 with "WWW-Authenticate: Basic realm=<key file>";
 * with "Authorization: Basic <the file's content>", a token. Both api-versions azure-identity has used are accepted.
 */
async function azureArc(ctx: RequestContext, params: string[], rt: SandboxRuntime): Promise<void> {
  if ((header(ctx, 'metadata') ?? '').toLowerCase() !== 'true') {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  }
  if (!['2019-11-01', '2020-06-01'].includes(ctx.query.get('api-version') ?? '')) {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'api-version 2019-11-01 or 2020-06-01 is required' });
  }
  const keyFile = Buffer.from(params[0] ?? '', 'base64url').toString('utf8');
  const authorization = header(ctx, 'authorization') ?? '';
  if (!authorization) {
    throw new HttpError(401, { error: 'unauthorized', error_description: 'A key file must be read to authenticate.' }, { 'WWW-Authenticate': `Basic realm=${keyFile}` });
  }
  const presented = authorization.replace(/^Basic\s+/i, '');
  if (!sameSecret(presented, arcKeySecret(rt, keyFile))) {
    throw new HttpError(401, { error: 'unauthorized', error_description: 'The key is not the one the agent wrote.' }, { 'WWW-Authenticate': `Basic realm=${keyFile}` });
  }
  const resource = requiredResource(ctx.query.get('resource'));
  await imdsStyleAnswer(ctx, rt, systemIdentity(rt, ctx.query), resource);
}

/** IMDS of a machine whose managed identity is not assigned: what a loopback "no managed identity" knob points at. */
function unassigned(ctx: RequestContext): void {
  if ((header(ctx, 'metadata') ?? '').toLowerCase() !== 'true') {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
  }
  throw new HttpError(400, { error: 'invalid_request', error_description: 'Identity not found' });
}

export const managedIdentityRoutes: Route<SandboxRuntime>[] = [
  { name: 'mi.appService', method: 'GET', pattern: /^\/_mi\/appservice$/, handle: appService },
  { name: 'mi.imds', method: 'GET', pattern: /^\/metadata\/identity\/oauth2\/token$/, handle: imds },
  { name: 'mi.unassigned', method: 'GET', pattern: /^\/_mi\/unassigned\/metadata\/identity\/oauth2\/token$/, handle: unassigned },
  { name: 'mi.cloudShell', method: 'POST', pattern: /^\/_mi\/cloudshell$/, handle: cloudShell },
  { name: 'mi.azureMl', method: 'GET', pattern: /^\/_mi\/azureml$/, handle: azureMl },
  { name: 'mi.serviceFabric', method: 'GET', pattern: /^\/_mi\/servicefabric$/, handle: serviceFabric },
  { name: 'mi.azureArc', method: 'GET', pattern: /^\/_mi\/arc\/([A-Za-z0-9_-]+)$/, handle: azureArc },
];
