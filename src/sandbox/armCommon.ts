// What every Azure Resource Manager route of the sandbox shares: api-version checks, bearer authentication with
// ARM's own 401 bodies, the AuthorizationFailed 403, scope existence checks (404s) and nextLink paging.
import { checkBearer, v1Issuer } from './tokens';
import { ARM_AUDIENCES } from './entra';
import { HttpError, type RequestContext } from './http';
import type { SandboxRuntime } from './runtime';
import type { TenantState } from './state';
import type { RoleDefinition } from './roles';

export interface Caller { objectId: string; clientName: string; tenantId: string }

export const API_VERSIONS = {
  subscriptions: ['2014-04-01', '2015-01-01', '2016-06-01', '2018-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-01-01', '2022-09-01', '2022-12-01'],
  // Old versions stay valid on Microsoft.Resources: azure-mgmt-keyvault lists vaults through /resources with 2015-11-01.
  resources: ['2014-04-01', '2015-01-01', '2015-11-01', '2016-02-01', '2016-07-01', '2016-09-01', '2017-05-10', '2018-02-01', '2018-05-01',
    '2019-03-01', '2019-05-01', '2019-05-10', '2019-07-01', '2019-08-01', '2019-10-01', '2020-06-01', '2020-10-01', '2021-01-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01'],
  roleAssignments: ['2015-07-01', '2017-10-01-preview', '2018-01-01-preview', '2018-09-01-preview', '2020-03-01-preview', '2020-04-01-preview', '2020-08-01-preview', '2020-10-01', '2020-10-01-preview', '2022-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  roleDefinitions: ['2015-07-01', '2017-05-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  storage: ['2021-09-01', '2022-09-01', '2023-01-01', '2023-05-01', '2024-01-01'],
  keyVault: ['2019-09-01', '2021-10-01', '2022-07-01', '2023-07-01', '2024-11-01'],
  managedIdentity: ['2018-11-30', '2021-09-30-preview', '2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30'],
  serviceBus: ['2017-04-01', '2021-06-01-preview', '2021-11-01', '2022-01-01-preview', '2022-10-01-preview', '2024-01-01'],
  eventHubs: ['2017-04-01', '2021-11-01', '2022-01-01-preview', '2022-10-01-preview', '2024-01-01'],
  appConfiguration: ['2019-10-01', '2020-06-01', '2022-05-01', '2023-03-01', '2024-05-01'],
  // 2022-08-15-preview: what Debian's az 2.45 (azure-mgmt-cosmosdb 9.0.0b2) sends for `az cosmosdb sql role …`.
  cosmosDb: ['2021-04-15', '2022-05-15', '2022-08-15-preview', '2023-04-15', '2023-11-15', '2024-05-15', '2024-08-15'],
  denyAssignments: ['2018-07-01-preview', '2019-03-01-preview', '2022-04-01', '2022-05-01-preview'],
  permissions: ['2015-07-01', '2017-05-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  // PIM schedule APIs (API_FACTS.md: stable 2020-10-01, newer previews).
  pim: ['2020-10-01', '2020-10-01-preview', '2022-04-01-preview', '2024-02-01-preview', '2024-09-01-preview'],
  managementGroups: ['2017-11-01-preview', '2018-03-01-preview', '2019-11-01', '2020-02-01', '2020-05-01', '2020-10-01', '2021-04-01', '2023-04-01'],
  // Only the version whose answer the captures show (clouds/arm-metadata-endpoints-2019-05-01.json).
  metadata: ['2019-05-01'],
} as const;

export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, { error: { code, message } }, headers);
}

export function requireApiVersion(ctx: RequestContext, kind: keyof typeof API_VERSIONS, typeName: string, core: boolean): string {
  const version = ctx.query.get('api-version');
  if (!version) throw armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  const supported: readonly string[] = API_VERSIONS[kind];
  if (!supported.includes(version)) {
    if (core) {
      throw armError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${[...supported].reverse().join(',')}'. Supported versions are listed on https://aka.ms/arm-api-versions.`);
    }
    throw armError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location 'global' and API version '${version}' for type '${typeName}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are ', '.`);
  }
  return version;
}

function wwwAuthenticate(description: string): Record<string, string> {
  return { 'WWW-Authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"` };
}

function armDate(epochSeconds: number): string {
  // ARM prints these in .NET's en-US general format, e.g. 11/22/2025 10:00:00 AM.
  return new Date(epochSeconds * 1000).toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '');
}

export async function authenticate(ctx: RequestContext, rt: SandboxRuntime): Promise<Caller> {
  const check = await checkBearer(rt.signingKey, ctx.req.headers.authorization, ARM_AUDIENCES);
  if (!check.ok) {
    switch (check.reason) {
      case 'missing':
        throw armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", wwwAuthenticate("The authentication failed because of missing 'Authorization' header."));
      case 'expired':
        throw armError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${armDate(Number(check.detail))}' is earlier than current UTC time '${armDate(Date.now() / 1000)}'.`, wwwAuthenticate('The access token has expired.'));
      case 'audience':
        throw armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${check.detail}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`, wwwAuthenticate('The access token has been obtained for wrong audience.'));
      default:
        throw armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', wwwAuthenticate('The access token is invalid.'));
    }
  }
  const claims = check.claims;
  const tenantId = String(claims.tid ?? '');
  if (tenantId.toLowerCase() !== rt.state.tenantId.toLowerCase()) {
    throw armError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant '${v1Issuer(rt.state.tenantId)}' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${rt.state.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`, wwwAuthenticate('The access token is from the wrong issuer.'));
  }
  const objectId = String(claims.oid ?? '');
  const clientName = typeof claims.upn === 'string' ? claims.upn : String(claims.appid ?? objectId);
  return { objectId, clientName, tenantId };
}

export function authorizationFailed(caller: Caller, action: string, scope: string): HttpError {
  return armError(403, 'AuthorizationFailed', `The client '${caller.clientName}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`, { 'x-ms-failure-cause': 'gateway' });
}

export function requireAction(rt: SandboxRuntime, caller: Caller, action: string, scope: string, reportedScope = scope): void {
  if (!rt.state.isAuthorized(caller.objectId, action, scope)) throw authorizationFailed(caller, action, reportedScope);
}

/** 404s ARM gives for scopes that name something that does not exist, checked from the outside in. */
export function requireScopeExists(state: TenantState, scope: string): void {
  const parts = scope.split('/').filter(Boolean);
  if (parts.length === 0) return;
  if (parts[0]!.toLowerCase() === 'providers') return; // tenant or management group scope
  if (parts[0]!.toLowerCase() !== 'subscriptions' || !parts[1]) throw armError(400, 'InvalidResourceId', `The scope '${scope}' is not valid.`);
  const sub = state.subscription(parts[1]);
  if (!sub) throw armError(404, 'SubscriptionNotFound', `The subscription '${parts[1]}' could not be found.`);
  if (parts.length <= 2) return;
  if (parts[2]!.toLowerCase() !== 'resourcegroups' || !parts[3]) return;
  const rg = state.resourceGroup(sub.id, parts[3]);
  if (!rg) throw armError(404, 'ResourceGroupNotFound', `Resource group '${parts[3]}' could not be found.`);
  if (parts.length <= 4) return;
  if (!state.scopeExists(scope)) {
    const type = parts.length >= 8 ? `${parts[5]}/${parts[6]}` : parts.slice(5).join('/');
    throw armError(404, 'ResourceNotFound', `The Resource '${type}/${parts[parts.length - 1]}' under resource group '${rg.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paging: a skip token carries the offset; nextLink repeats the request with it.

export function page<T>(ctx: RequestContext, items: T[], pageSize: number, skipTokenName = '$skipToken'): { value: T[]; nextLink?: string } {
  const token = ctx.query.get(skipTokenName) ?? ctx.query.get(skipTokenName.toLowerCase());
  const offset = token && /^\d+$/.test(token) ? Number(token) : 0;
  const slice = items.slice(offset, offset + pageSize);
  if (offset + pageSize >= items.length) return { value: slice };
  const next = new URLSearchParams(ctx.query);
  next.delete(skipTokenName.toLowerCase());
  next.set(skipTokenName, String(offset + pageSize));
  return { value: slice, nextLink: `${ctx.serviceBase}${ctx.path}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}` };
}


export interface ArmRuntime extends SandboxRuntime { armPageSize: number; /** The second listener's origin (the 'foreign' next-link fault). */ foreignUrl: string }

export const AUTHZ = '/providers/Microsoft.Authorization';

/** `/subscriptions/{id}` when the scope lies in a subscription (ids are then printed in that form), else undefined. */
export function subscriptionOf(scope: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
  return match ? `/subscriptions/${match[1]}` : undefined;
}

/** A role definition id as ARM prints it for something at `contextScope`: with the subscription prefix inside one. */
export function roleDefinitionId(role: RoleDefinition, contextScope: string): string {
  const sub = subscriptionOf(contextScope);
  return `${sub ?? ''}${AUTHZ}/roleDefinitions/${role.name}`;
}

/**
 * Reading one's own access (role assignments and deny assignments filtered to oneself, PIM instances `asTarget()`,
 * effective permissions) needs no read permission where the caller holds any role at, above or below the scope
 * (the portal's "My access" works for everyone); with no role at all there, ARM answers 403 like for any read.
 */
export function mayReadOwnAccess(rt: SandboxRuntime, caller: Caller, scope: string): boolean {
  return rt.state.hasAnyAccess(caller.objectId, scope);
}
