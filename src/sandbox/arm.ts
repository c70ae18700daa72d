// Azure Resource Manager stand-in: tenants, subscriptions, resource groups, resources (storage accounts, key vaults,
// anything seeded) and Microsoft.Authorization role definitions and role assignments, with RBAC evaluated from the
// caller's own assignments, api-version checks and nextLink paging. Shapes follow test/fixtures/realdata/arm-authorization.
import { randomUUID } from 'node:crypto';
import { checkBearer, v1Issuer } from './tokens';
import { ARM_AUDIENCES } from './entra';
import { HttpError, isGuid, isRecord, parseJson, sendEmpty, sendJson, type RequestContext, type Route } from './http';
import type { SandboxRuntime } from './runtime';
import { normalizeScope, principalTypeOf, scopeContains, type RoleAssignmentRecord, type SubscriptionRecord, type TenantState } from './state';
import type { RoleDefinition } from './roles';

interface Caller { objectId: string; clientName: string; tenantId: string }

const API_VERSIONS = {
  subscriptions: ['2014-04-01', '2015-01-01', '2016-06-01', '2018-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-01-01', '2022-09-01', '2022-12-01'],
  // Old versions stay valid on Microsoft.Resources: azure-mgmt-keyvault lists vaults through /resources with 2015-11-01.
  resources: ['2014-04-01', '2015-01-01', '2015-11-01', '2016-02-01', '2016-07-01', '2016-09-01', '2017-05-10', '2018-02-01', '2018-05-01',
    '2019-03-01', '2019-05-01', '2019-05-10', '2019-07-01', '2019-08-01', '2019-10-01', '2020-06-01', '2020-10-01', '2021-01-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01'],
  roleAssignments: ['2015-07-01', '2017-10-01-preview', '2018-01-01-preview', '2018-09-01-preview', '2020-03-01-preview', '2020-04-01-preview', '2020-08-01-preview', '2020-10-01', '2020-10-01-preview', '2022-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  roleDefinitions: ['2015-07-01', '2017-05-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  storage: ['2021-09-01', '2022-09-01', '2023-01-01', '2023-05-01', '2024-01-01'],
  keyVault: ['2019-09-01', '2021-10-01', '2022-07-01', '2023-07-01', '2024-11-01'],
  managedIdentity: ['2018-11-30', '2021-09-30-preview', '2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30'],
} as const;

export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, { error: { code, message } }, headers);
}

function requireApiVersion(ctx: RequestContext, kind: keyof typeof API_VERSIONS, typeName: string, core: boolean): string {
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

async function authenticate(ctx: RequestContext, rt: SandboxRuntime): Promise<Caller> {
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

function authorizationFailed(caller: Caller, action: string, scope: string): HttpError {
  return armError(403, 'AuthorizationFailed', `The client '${caller.clientName}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`, { 'x-ms-failure-cause': 'gateway' });
}

function requireAction(rt: SandboxRuntime, caller: Caller, action: string, scope: string, reportedScope = scope): void {
  if (!rt.state.isAuthorized(caller.objectId, action, scope)) throw authorizationFailed(caller, action, reportedScope);
}

/** 404s ARM gives for scopes that name something that does not exist, checked from the outside in. */
function requireScopeExists(state: TenantState, scope: string): void {
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

function page<T>(ctx: RequestContext, items: T[], pageSize: number, skipTokenName = '$skipToken'): { value: T[]; nextLink?: string } {
  const token = ctx.query.get(skipTokenName) ?? ctx.query.get(skipTokenName.toLowerCase());
  const offset = token && /^\d+$/.test(token) ? Number(token) : 0;
  const slice = items.slice(offset, offset + pageSize);
  if (offset + pageSize >= items.length) return { value: slice };
  const next = new URLSearchParams(ctx.query);
  next.delete(skipTokenName.toLowerCase());
  next.set(skipTokenName, String(offset + pageSize));
  return { value: slice, nextLink: `${ctx.serviceBase}${ctx.path}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Tenants and subscriptions

function subscriptionBody(rt: SandboxRuntime, sub: SubscriptionRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: sub.id,
    tenantId: rt.state.tenantId,
    displayName: sub.displayName,
    state: sub.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

interface ArmRuntime extends SandboxRuntime { armPageSize: number }

async function listSubscriptions(ctx: RequestContext, _p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'subscriptions', 'subscriptions', true);
  const caller = await authenticate(ctx, rt);
  const visible = rt.state.subscriptions.filter((s) => rt.state.hasAnyAccess(caller.objectId, `/subscriptions/${s.id}`));
  const result = page(ctx, visible.map((s) => subscriptionBody(rt, s)), rt.armPageSize);
  sendJson(ctx, 200, { ...result, count: { type: 'Total', value: visible.length } });
}

async function getSubscription(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'subscriptions', 'subscriptions', true);
  const caller = await authenticate(ctx, rt);
  const sub = rt.state.subscription(p[0]!);
  if (!sub || !rt.state.hasAnyAccess(caller.objectId, `/subscriptions/${sub.id}`)) {
    throw armError(404, 'SubscriptionNotFound', `The subscription '${p[0]}' could not be found.`);
  }
  sendJson(ctx, 200, subscriptionBody(rt, sub));
}

async function listTenants(ctx: RequestContext, _p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'subscriptions', 'tenants', true);
  await authenticate(ctx, rt);
  sendJson(ctx, 200, {
    value: [{
      id: `/tenants/${rt.state.tenantId}`,
      tenantId: rt.state.tenantId,
      countryCode: rt.state.seed.tenant.countryCode,
      displayName: rt.state.tenantDisplayName,
      domains: [rt.state.defaultDomain],
      tenantCategory: 'Home',
      defaultDomain: rt.state.defaultDomain,
      tenantType: 'AAD',
    }],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Resource groups and resources

async function listResourceGroups(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'resources', 'resourceGroups', true);
  const caller = await authenticate(ctx, rt);
  const sub = rt.state.subscription(p[0]!);
  if (!sub) throw armError(404, 'SubscriptionNotFound', `The subscription '${p[0]}' could not be found.`);
  const subScope = `/subscriptions/${sub.id}`;
  if (!rt.state.hasAnyAccess(caller.objectId, subScope)) throw authorizationFailed(caller, 'Microsoft.Resources/subscriptions/resourceGroups/read', subScope);
  // ARM lists the groups the caller can read (an assignment on a group or on a resource inside it is enough).
  const readable = sub.resourceGroups.filter((rg) => rt.state.isAuthorized(caller.objectId, 'Microsoft.Resources/subscriptions/resourceGroups/read', rg.id)
    || rt.state.hasAnyAccess(caller.objectId, rg.id));
  const items = readable.map((rg) => ({ id: rg.id, name: rg.name, type: 'Microsoft.Resources/resourceGroups', location: rg.location, properties: { provisioningState: 'Succeeded' } }));
  sendJson(ctx, 200, page(ctx, items, rt.armPageSize));
}

async function getResourceGroup(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'resources', 'resourceGroups', true);
  const caller = await authenticate(ctx, rt);
  const scope = `/subscriptions/${p[0]}/resourceGroups/${p[1]}`;
  requireScopeExists(rt.state, scope);
  const rg = rt.state.resourceGroup(p[0]!, p[1]!)!;
  requireAction(rt, caller, 'Microsoft.Resources/subscriptions/resourceGroups/read', rg.id);
  sendJson(ctx, 200, { id: rg.id, name: rg.name, type: 'Microsoft.Resources/resourceGroups', location: rg.location, properties: { provisioningState: 'Succeeded' } });
}

function resourceSummary(r: { id: string; name: string; type: string; location: string; kind?: string; sku?: { name: string; tier?: string } }): Record<string, unknown> {
  return { id: r.id, name: r.name, type: r.type, ...(r.sku ? { sku: r.sku } : {}), ...(r.kind ? { kind: r.kind } : {}), location: r.location, tags: {} };
}

/** The `$filter` of a resources list: `resourceType`, `name`, `location` or `resourceGroup` `eq '…'`, joined by `and`. */
function parseResourceFilter(filter: string | null): ((r: { type: string; name: string; location: string; id: string }) => boolean) {
  if (!filter || !filter.trim()) return () => true;
  const tests: ((r: { type: string; name: string; location: string; id: string }) => boolean)[] = [];
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const m = /^(resourceType|name|location|resourceGroup)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
    if (!m) throw armError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string.`);
    const field = m[1]!.toLowerCase();
    const value = m[2]!.toLowerCase();
    tests.push((r) => {
      const actual = field === 'resourcetype' ? r.type : field === 'name' ? r.name : field === 'location' ? r.location
        : (/\/resourceGroups\/([^/]+)/i.exec(r.id)?.[1] ?? '');
      return actual.toLowerCase() === value;
    });
  }
  return (r) => tests.every((t) => t(r));
}

async function listResources(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'resources', 'resources', true);
  const caller = await authenticate(ctx, rt);
  const scope = p[1] ? `/subscriptions/${p[0]}/resourceGroups/${p[1]}` : `/subscriptions/${p[0]}`;
  requireScopeExists(rt.state, scope);
  const sub = rt.state.subscription(p[0]!)!;
  const groups = p[1] ? [rt.state.resourceGroup(sub.id, p[1])!] : sub.resourceGroups;
  const matches = parseResourceFilter(ctx.query.get('$filter'));
  if (!rt.state.hasAnyAccess(caller.objectId, scope)) throw authorizationFailed(caller, 'Microsoft.Resources/subscriptions/resources/read', scope);
  const readable = groups.flatMap((g) => g.resources).filter((r) => matches(r) && rt.state.isAuthorized(caller.objectId, `${r.type}/read`, r.id));
  sendJson(ctx, 200, page(ctx, readable.map(resourceSummary), rt.armPageSize));
}

/** Which api-version list applies to a provider type: the storage and key vault providers have their own. */
function providerKind(fullType: string): 'storage' | 'keyVault' | 'managedIdentity' | 'resources' {
  const t = fullType.toLowerCase();
  if (t === 'microsoft.managedidentity/userassignedidentities') return 'managedIdentity';
  if (t === 'microsoft.storage/storageaccounts') return 'storage';
  if (t === 'microsoft.keyvault/vaults' || t === 'microsoft.keyvault/managedhsms') return 'keyVault';
  return 'resources';
}

/** `GET /subscriptions/{id}[/resourceGroups/{rg}]/providers/{namespace}/{type}`: the provider's own list (`az storage account list`). */
async function listResourcesOfType(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const [subId, rgName, namespace, type] = p as [string, string, string, string];
  const fullType = `${namespace}/${type}`;
  const kind = providerKind(fullType);
  requireApiVersion(ctx, kind, type, kind === 'resources');
  const caller = await authenticate(ctx, rt);
  const scope = rgName ? `/subscriptions/${subId}/resourceGroups/${rgName}` : `/subscriptions/${subId}`;
  requireScopeExists(rt.state, scope);
  const sub = rt.state.subscription(subId)!;
  const groups = rgName ? [rt.state.resourceGroup(sub.id, rgName)!] : sub.resourceGroups;
  if (!rt.state.hasAnyAccess(caller.objectId, scope)) throw authorizationFailed(caller, `${fullType}/read`, scope);
  const readable = groups.flatMap((g) => g.resources)
    .filter((r) => r.type.toLowerCase() === fullType.toLowerCase() && rt.state.isAuthorized(caller.objectId, `${r.type}/read`, r.id));
  sendJson(ctx, 200, page(ctx, readable.map((r) => resourceBody(rt, r)), rt.armPageSize));
}

type ResourceRecord = Parameters<typeof resourceSummary>[0];

/** A resource as its provider returns it (the summary plus the provider's properties). */
function resourceBody(rt: SandboxRuntime, resource: ResourceRecord): Record<string, unknown> {
  const body: Record<string, unknown> = resourceSummary(resource);
  const kind = providerKind(resource.type);
  if (kind === 'storage') {
    body.properties = {
      provisioningState: 'Succeeded',
      allowSharedKeyAccess: false,
      primaryEndpoints: { blob: `https://${resource.name}.blob.core.windows.net/`, queue: `https://${resource.name}.queue.core.windows.net/`, table: `https://${resource.name}.table.core.windows.net/`, file: `https://${resource.name}.file.core.windows.net/` },
      primaryLocation: resource.location,
      statusOfPrimary: 'available',
    };
  } else if (kind === 'keyVault') {
    body.properties = {
      sku: { family: 'A', name: 'standard' },
      tenantId: rt.state.tenantId,
      accessPolicies: [],
      enableRbacAuthorization: true,
      vaultUri: `https://${resource.name}.vault.azure.net/`,
      provisioningState: 'Succeeded',
    };
  } else if (kind === 'managedIdentity') {
    const identity = rt.state.seed.managedIdentities.find((m) => m.resourceId.toLowerCase() === resource.id.toLowerCase());
    body.properties = identity
      ? { tenantId: rt.state.tenantId, principalId: identity.objectId, clientId: identity.appId }
      : { tenantId: rt.state.tenantId };
  } else {
    body.properties = { provisioningState: 'Succeeded' };
  }
  return body;
}

async function getResource(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const [subId, rgName, namespace, type, name] = p as [string, string, string, string, string];
  const fullType = `${namespace}/${type}`;
  const kind = providerKind(fullType);
  requireApiVersion(ctx, kind, type, kind === 'resources');
  const caller = await authenticate(ctx, rt);
  const scope = `/subscriptions/${subId}/resourceGroups/${rgName}/providers/${fullType}/${name}`;
  requireScopeExists(rt.state, scope);
  const rg = rt.state.resourceGroup(subId, rgName)!;
  const resource = rg.resources.find((r) => r.type.toLowerCase() === fullType.toLowerCase() && r.name.toLowerCase() === name.toLowerCase())!;
  requireAction(rt, caller, `${resource.type}/read`, resource.id);
  sendJson(ctx, 200, resourceBody(rt, resource));
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft.Authorization

const AUTHZ = '/providers/Microsoft.Authorization';

/** `/subscriptions/{id}` when the scope lies in a subscription (ids are then printed in that form), else undefined. */
function subscriptionOf(scope: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
  return match ? `/subscriptions/${match[1]}` : undefined;
}

function roleDefinitionId(role: RoleDefinition, contextScope: string): string {
  const sub = subscriptionOf(contextScope);
  return `${sub ?? ''}${AUTHZ}/roleDefinitions/${role.name}`;
}

function roleDefinitionBody(role: RoleDefinition, contextScope: string): Record<string, unknown> {
  return {
    properties: {
      roleName: role.roleName,
      type: role.type,
      description: role.description,
      assignableScopes: role.assignableScopes,
      permissions: role.permissions,
      createdOn: role.createdOn,
      updatedOn: role.updatedOn,
      createdBy: role.createdBy,
      updatedBy: role.updatedBy,
    },
    id: roleDefinitionId(role, contextScope),
    type: 'Microsoft.Authorization/roleDefinitions',
    name: role.name,
  };
}

function apiAtLeast(version: string, minimum: string): boolean {
  return version.slice(0, 10) >= minimum;
}

function roleAssignmentBody(rt: SandboxRuntime, a: RoleAssignmentRecord, apiVersion: string): Record<string, unknown> {
  const role = rt.state.roleDefinitions.get(a.roleDefinitionName.toLowerCase());
  const definitionId = role ? roleDefinitionId(role, a.scope) : `${AUTHZ}/roleDefinitions/${a.roleDefinitionName}`;
  const properties: Record<string, unknown> = { roleDefinitionId: definitionId, principalId: a.principalId };
  if (apiAtLeast(apiVersion, '2018-09-01')) properties.principalType = a.principalType;
  properties.scope = a.scope;
  if (apiAtLeast(apiVersion, '2020-04-01')) {
    properties.condition = a.condition;
    properties.conditionVersion = a.conditionVersion;
  }
  properties.createdOn = a.createdOn;
  properties.updatedOn = a.updatedOn;
  properties.createdBy = a.createdBy;
  properties.updatedBy = a.updatedBy;
  if (apiAtLeast(apiVersion, '2020-04-01')) {
    properties.delegatedManagedIdentityResourceId = null;
    properties.description = a.description;
  }
  return {
    properties,
    id: `${a.scope === '/' ? '' : a.scope}${AUTHZ}/roleAssignments/${a.name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: a.name,
  };
}

type AssignmentFilter = { atScope: boolean; principalId?: string; assignedTo?: string };

/** Parses the documented role-assignment filters: atScope(), principalId eq '{id}', assignedTo('{id}') and their `and`. */
function parseAssignmentFilter(filter: string | null): AssignmentFilter {
  const result: AssignmentFilter = { atScope: false };
  if (!filter || !filter.trim()) return result;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(c)) result.atScope = true;
    else if ((m = /^principalId\s+eq\s+'([^']*)'$/i.exec(c))) result.principalId = m[1]!;
    else if ((m = /^assignedTo\('([^']*)'\)$/i.exec(c))) result.assignedTo = m[1]!;
    else {
      throw armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' ' or 'assignedTo('{value}')'.`);
    }
  }
  return result;
}

async function authorizationCollection(ctx: RequestContext, scope: string, kind: string, rt: ArmRuntime): Promise<void> {
  if (kind === 'roledefinitions') {
    requireApiVersion(ctx, 'roleDefinitions', 'roleDefinitions', false);
    await authenticate(ctx, rt);
    if (scope !== '/') requireScopeExists(rt.state, scope);
    const filter = ctx.query.get('$filter');
    let roles = [...rt.state.roleDefinitions.values()];
    // Custom roles are listed where they can be assigned: at or below one of their assignable scopes.
    roles = roles.filter((r) => r.type === 'BuiltInRole' || r.assignableScopes.some((s) => scopeContains(s, scope) || scopeContains(scope, s)));
    if (filter && filter.trim()) {
      const byName = /^roleName\s+eq\s+'(.*)'$/i.exec(filter.trim());
      const byType = /^type\s+eq\s+'(BuiltInRole|CustomRole)'$/i.exec(filter.trim());
      if (byName) roles = roles.filter((r) => r.roleName === byName[1]!.replace(/''/g, "'"));
      else if (byType) roles = roles.filter((r) => r.type.toLowerCase() === byType[1]!.toLowerCase());
      else if (/^atScopeAndBelow\(\)$/i.test(filter.trim())) { /* every role visible here */ }
      else throw armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are 'roleName eq '{value}'', 'type eq 'BuiltInRole'', 'type eq 'CustomRole'' and 'atScopeAndBelow()'.`);
    }
    sendJson(ctx, 200, page(ctx, roles.map((r) => roleDefinitionBody(r, scope)), rt.armPageSize));
    return;
  }
  const version = requireApiVersion(ctx, 'roleAssignments', 'roleAssignments', false);
  const caller = await authenticate(ctx, rt);
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const filter = parseAssignmentFilter(ctx.query.get('$filter'));
  const selfLookup = [filter.assignedTo, filter.principalId].some((id) => id?.toLowerCase() === caller.objectId.toLowerCase());
  // Reading one's own assignments needs no permission (the portal's "My access" works for everyone).
  if (!selfLookup && !rt.state.isAuthorized(caller.objectId, 'Microsoft.Authorization/roleAssignments/read', scope)) {
    throw authorizationFailed(caller, 'Microsoft.Authorization/roleAssignments/read', `${scope === '/' ? '' : scope}${AUTHZ}/roleAssignments`);
  }
  if (filter.assignedTo) {
    const object = rt.state.object(filter.assignedTo);
    if (object?.kind === 'group') {
      throw armError(400, 'UnsupportedQuery', 'The assignedTo filter only accepts the object ID of a user or a service principal. It cannot be used with a group ID.');
    }
  }
  const principals = filter.assignedTo ? rt.state.identitiesOf(filter.assignedTo)
    : filter.principalId ? new Set([filter.principalId.toLowerCase()]) : undefined;
  const matches = rt.state.roleAssignments.filter((a) => {
    if (principals && !principals.has(a.principalId.toLowerCase())) return false;
    const above = scopeContains(a.scope, scope);
    const below = scopeContains(scope, a.scope);
    return filter.atScope ? above : above || below;
  });
  sendJson(ctx, 200, page(ctx, matches.map((a) => roleAssignmentBody(rt, a, version)), rt.armPageSize));
}

function findAssignment(rt: SandboxRuntime, scope: string, name: string): RoleAssignmentRecord | undefined {
  return rt.state.roleAssignments.find((a) => a.name.toLowerCase() === name.toLowerCase() && normalizeScope(a.scope) === normalizeScope(scope));
}

function hexId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

type AssignmentPlan =
  | { kind: 'update'; version: string; existing: RoleAssignmentRecord; description: string | null; callerId: string }
  | { kind: 'create'; version: string; record: RoleAssignmentRecord };

/** Every check a role-assignment PUT makes, in ARM's order; throws the ARM error or says what the PUT would do. */
async function planRoleAssignment(ctx: RequestContext, scope: string, name: string, rt: ArmRuntime): Promise<AssignmentPlan> {
  const version = requireApiVersion(ctx, 'roleAssignments', 'roleAssignments', false);
  const caller = await authenticate(ctx, rt);
  const body = parseJson(await ctx.body());
  if (!isGuid(name)) {
    throw armError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const properties = isRecord(body) && isRecord(body.properties) ? body.properties : undefined;
  const requestedDefinitionId = properties?.roleDefinitionId;
  const principalId = properties?.principalId;
  if (typeof requestedDefinitionId !== 'string' || typeof principalId !== 'string') {
    throw armError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Required properties roleDefinitionId and principalId are missing'.");
  }
  const requestedType = typeof properties?.principalType === 'string' ? properties.principalType : undefined;
  const description = typeof properties?.description === 'string' ? properties.description : null;
  const condition = typeof properties?.condition === 'string' ? properties.condition : null;
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const assignmentPath = `${scope === '/' ? '' : scope}${AUTHZ}/roleAssignments/${name}`;
  requireAction(rt, caller, 'Microsoft.Authorization/roleAssignments/write', scope, assignmentPath);
  const roleGuid = requestedDefinitionId.split('/').pop() ?? '';
  if (!isGuid(roleGuid)) throw armError(400, 'InvalidRoleDefinitionId', `The role definition ID '${roleGuid}' is not valid.`);
  const role = rt.state.roleDefinitions.get(roleGuid.toLowerCase());
  if (!role) throw armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);
  if (!isGuid(principalId)) throw armError(400, 'InvalidPrincipalId', 'A valid principal ID must be provided for role assignment.');
  const principal = rt.state.object(principalId);
  const visible = principal !== undefined && rt.state.isReplicated(principal);
  let principalType: RoleAssignmentRecord['principalType'];
  if (requestedType) {
    if (!['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'].includes(requestedType)) {
      throw armError(400, 'InvalidPrincipalType', `The principal type '${requestedType}' is not valid.`);
    }
    if (visible && principalTypeOf(principal) !== requestedType) {
      throw armError(400, 'UnmatchedPrincipalType', `The PrincipalId '${hexId(principalId)}' has type '${principalTypeOf(principal)}' , which is different from specified PrincipalType '${requestedType}'.`);
    }
    // With principalType set ARM trusts the caller and skips the directory lookup (the documented fix for replication delay).
    principalType = requestedType as RoleAssignmentRecord['principalType'];
  } else {
    if (!visible) {
      throw armError(400, 'PrincipalNotFound', `Principal ${hexId(principalId)} does not exist in the directory ${rt.state.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
    }
    principalType = principalTypeOf(principal);
  }
  const existing = findAssignment(rt, scope, name);
  if (existing) {
    if (existing.principalId.toLowerCase() !== principalId.toLowerCase() || existing.roleDefinitionName.toLowerCase() !== role.name.toLowerCase()) {
      throw armError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    return { kind: 'update', version, existing, description, callerId: caller.objectId };
  }
  const duplicate = rt.state.roleAssignments.find((a) => normalizeScope(a.scope) === normalizeScope(scope)
    && a.principalId.toLowerCase() === principalId.toLowerCase() && a.roleDefinitionName.toLowerCase() === role.name.toLowerCase());
  if (duplicate) {
    throw armError(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${hexId(duplicate.name)}.`);
  }
  const now = new Date().toISOString().replace('Z', '0000Z');
  return {
    kind: 'create', version,
    record: {
      name: name.toLowerCase(), scope, roleDefinitionName: role.name, principalId, principalType,
      description, condition, conditionVersion: condition ? '2.0' : null, createdOn: now, updatedOn: now,
      createdBy: caller.objectId, updatedBy: caller.objectId,
    },
  };
}

async function putRoleAssignment(ctx: RequestContext, scope: string, name: string, rt: ArmRuntime): Promise<void> {
  const plan = await planRoleAssignment(ctx, scope, name, rt);
  if (plan.kind === 'update') {
    plan.existing.description = plan.description;
    plan.existing.updatedOn = new Date().toISOString().replace('Z', '0000Z');
    plan.existing.updatedBy = plan.callerId;
    sendJson(ctx, 200, roleAssignmentBody(rt, plan.existing, plan.version));
    return;
  }
  rt.state.roleAssignments.push(plan.record);
  sendJson(ctx, 201, roleAssignmentBody(rt, plan.record, plan.version));
}

/** POST {scope}/providers/Microsoft.Authorization/roleAssignments/{name}/validate: the PUT's checks without the write. */
async function validateRoleAssignment(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  try {
    await planRoleAssignment(ctx, p[0] ? p[0] : '/', decodeURIComponent(p[2]!), rt);
    sendJson(ctx, 200, { isValid: true });
  } catch (error) {
    if (!(error instanceof HttpError) || error.status === 401) throw error;
    sendJson(ctx, 200, { isValid: false, errorInfo: (error.payload as { error: unknown }).error });
  }
}

async function authorizationItem(ctx: RequestContext, scope: string, kind: string, name: string, rt: ArmRuntime): Promise<void> {
  if (kind === 'roledefinitions') {
    requireApiVersion(ctx, 'roleDefinitions', 'roleDefinitions', false);
    const caller = await authenticate(ctx, rt);
    if (ctx.method !== 'GET') {
      const action = ctx.method === 'DELETE' ? 'Microsoft.Authorization/roleDefinitions/delete' : 'Microsoft.Authorization/roleDefinitions/write';
      requireAction(rt, caller, action, scope === '/' ? '/' : scope, `${scope === '/' ? '' : scope}${AUTHZ}/roleDefinitions/${name}`);
      throw armError(400, 'OperationNotSupported', 'The sandbox tenant does not support changing role definitions.');
    }
    if (!isGuid(name)) throw armError(400, 'InvalidRoleDefinitionId', `The role definition ID '${name}' is not valid.`);
    const role = rt.state.roleDefinitions.get(name.toLowerCase());
    if (!role) throw armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${name}' does not exist.`);
    sendJson(ctx, 200, roleDefinitionBody(role, scope));
    return;
  }
  if (ctx.method === 'PUT') { await putRoleAssignment(ctx, scope, name, rt); return; }
  const version = requireApiVersion(ctx, 'roleAssignments', 'roleAssignments', false);
  const caller = await authenticate(ctx, rt);
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const assignmentPath = `${scope === '/' ? '' : scope}${AUTHZ}/roleAssignments/${name}`;
  const existing = findAssignment(rt, scope, name);
  if (ctx.method === 'DELETE') {
    requireAction(rt, caller, 'Microsoft.Authorization/roleAssignments/delete', scope, assignmentPath);
    if (!existing) { sendEmpty(ctx, 204); return; }
    rt.state.roleAssignments = rt.state.roleAssignments.filter((a) => a !== existing);
    sendJson(ctx, 200, roleAssignmentBody(rt, existing, version));
    return;
  }
  const own = existing && existing.principalId.toLowerCase() === caller.objectId.toLowerCase();
  if (!own) requireAction(rt, caller, 'Microsoft.Authorization/roleAssignments/read', scope, assignmentPath);
  if (!existing) throw armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
  sendJson(ctx, 200, roleAssignmentBody(rt, existing, version));
}

/** Every `{scope}/providers/Microsoft.Authorization/{roleAssignments|roleDefinitions}[/{name}]` request. */
async function authorizationRoute(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const scope = p[0] ? p[0] : '/';
  const kind = p[1]!.toLowerCase();
  const name = p[2] ? p[2] : undefined;
  if (name === undefined) {
    if (ctx.method !== 'GET') throw armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${ctx.method}'.`);
    await authorizationCollection(ctx, scope, kind, rt);
    return;
  }
  await authorizationItem(ctx, scope, kind, decodeURIComponent(name), rt);
}

const SUB = '/subscriptions/([^/]+)';
const RG = '/resource[gG]roups/([^/]+)';
function authorizationPattern(kind: 'roleAssignments' | 'roleDefinitions', item: boolean): RegExp {
  return new RegExp(`^((?:/[^/]+)*?)/providers/Microsoft\\.Authorization/(${kind})${item ? '/([^/]+)' : '()'}$`, 'i');
}

export function armRoutes(): Route<ArmRuntime>[] {
  const authorization: Route<ArmRuntime>[] = [];
  for (const kind of ['roleAssignments', 'roleDefinitions'] as const) {
    authorization.push({ name: `arm.${kind}.list`, method: 'GET', pattern: authorizationPattern(kind, false), handle: authorizationRoute });
    for (const [method, verb] of [['GET', 'get'], ['PUT', 'create'], ['DELETE', 'delete']] as const) {
      authorization.push({ name: `arm.${kind}.${verb}`, method, pattern: authorizationPattern(kind, true), handle: authorizationRoute });
    }
  }
  authorization.push({ name: 'arm.roleAssignments.validate', method: 'POST', pattern: /^((?:\/[^/]+)*?)\/providers\/Microsoft\.Authorization\/(roleAssignments)\/([^/]+)\/validate$/i, handle: validateRoleAssignment });
  return [
    ...authorization,
    { name: 'arm.subscriptions.list', method: 'GET', pattern: /^\/subscriptions$/i, handle: listSubscriptions },
    { name: 'arm.subscriptions.get', method: 'GET', pattern: new RegExp(`^${SUB}$`, 'i'), handle: getSubscription },
    { name: 'arm.tenants.list', method: 'GET', pattern: /^\/tenants$/i, handle: listTenants },
    { name: 'arm.resourceGroups.list', method: 'GET', pattern: new RegExp(`^${SUB}/resourcegroups$`, 'i'), handle: listResourceGroups },
    { name: 'arm.resourceGroups.get', method: 'GET', pattern: new RegExp(`^${SUB}${RG}$`, 'i'), handle: getResourceGroup },
    { name: 'arm.resources.list', method: 'GET', pattern: new RegExp(`^${SUB}(?:${RG})?/resources$`, 'i'), handle: listResources },
    // The providers the seed has resources of; other provider paths keep ARM's "no HTTP resource" answer.
    { name: 'arm.resources.listByType', method: 'GET', pattern: new RegExp(`^${SUB}(?:${RG})?/providers/(Microsoft\\.Storage|Microsoft\\.KeyVault|Microsoft\\.ManagedIdentity)/([^/]+)$`, 'i'), handle: listResourcesOfType },
    { name: 'arm.resources.get', method: 'GET', pattern: new RegExp(`^${SUB}${RG}/providers/([^/]+)/([^/]+)/([^/]+)$`, 'i'), handle: getResource },
  ];
}

export type { ArmRuntime };

/** ARM's own answer for paths it has no route for. */
export function armNotFound(ctx: RequestContext): HttpError {
  return armError(404, 'NoRegisteredProviderFound', `No HTTP resource was found that matches the request URI '${ctx.serviceBase}${ctx.path}'.`);
}

export function armRequestHeaders(): Record<string, string> {
  const id = randomUUID();
  return { 'x-ms-request-id': id, 'x-ms-correlation-request-id': id, 'x-ms-ratelimit-remaining-subscription-reads': '11999' };
}
