// Managed identity endpoints, on loopback only: the App Service style endpoint (IDENTITY_ENDPOINT +
// X-IDENTITY-HEADER, api-version 2019-08-01) and the IMDS token path reached through AZURE_POD_IDENTITY_AUTHORITY_HOST.
// The "host" owns the seed's system-assigned identity; user-assigned ones are picked with client_id/object_id/mi_res_id.
import { timingSafeEqual } from 'node:crypto';
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
];
