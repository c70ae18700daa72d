// Azure Resource Manager stand-in: tenants, subscriptions, resource groups, resources (storage accounts, key vaults
// in RBAC or access-policy mode, Service Bus namespaces, anything seeded) and Microsoft.Authorization role
// definitions and role assignments (with ABAC conditions), with RBAC evaluated from the caller's own assignments,
// management-group inheritance, api-version checks and nextLink paging. Deny assignments, effective permissions,
// PIM schedule instances and management groups are in armAccess.ts; Cosmos DB SQL role definitions and assignments
// in armCosmos.ts. Shapes follow test/fixtures/realdata/arm-authorization and arm-resources.
import { randomUUID } from 'node:crypto';
import { HttpError, isGuid, isRecord, parseJson, sendEmpty, sendJson, type RequestContext, type Route } from './http';
import type { SandboxRuntime } from './runtime';
import { normalizeScope, principalTypeOf, type RoleAssignmentRecord, type SubscriptionRecord, type ResourceRecord, type ResourceNetwork } from './state';
import type { RoleDefinition } from './roles';
import {
  AUTHZ, armError, authenticate, authorizationFailed, mayReadOwnAccess, page, requireAction, requireApiVersion, requireScopeExists,
  roleDefinitionId, type ArmRuntime,
} from './armCommon';
import { armAccessRoutes } from './armAccess';
import { armCosmosRoutes } from './armCosmos';

export { armError } from './armCommon';

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

function resourceSummary(r: ResourceRecord): Record<string, unknown> {
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

/** Which api-version list applies to a provider type: storage, key vault, identity and Service Bus have their own. */
function providerKind(fullType: string): 'storage' | 'keyVault' | 'managedIdentity' | 'serviceBus' | 'eventHubs' | 'appConfiguration' | 'cosmosDb' | 'resources' {
  const t = fullType.toLowerCase();
  if (t === 'microsoft.managedidentity/userassignedidentities') return 'managedIdentity';
  if (t === 'microsoft.storage/storageaccounts') return 'storage';
  if (t === 'microsoft.keyvault/vaults' || t === 'microsoft.keyvault/managedhsms') return 'keyVault';
  if (t === 'microsoft.servicebus/namespaces') return 'serviceBus';
  if (t === 'microsoft.eventhub/namespaces') return 'eventHubs';
  if (t === 'microsoft.appconfiguration/configurationstores') return 'appConfiguration';
  if (t === 'microsoft.documentdb/databaseaccounts') return 'cosmosDb';
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

/** Seeded resources were deployed by the CI service principal; ARM reports that in systemData. */
const SEEDED_RESOURCE_TIMESTAMP = '2024-01-10T09:00:00.0000000Z';

function systemData(rt: SandboxRuntime): Record<string, unknown> {
  const deployer = rt.state.seed.servicePrincipals[0]?.appId ?? rt.state.tenantId;
  return {
    createdBy: deployer, createdByType: 'Application', createdAt: SEEDED_RESOURCE_TIMESTAMP,
    lastModifiedBy: deployer, lastModifiedByType: 'Application', lastModifiedAt: SEEDED_RESOURCE_TIMESTAMP,
  };
}

const OPEN_NETWORK: ResourceNetwork = { publicNetworkAccess: 'Enabled', defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [], privateEndpoints: [] };

function networkOf(resource: ResourceRecord): ResourceNetwork {
  return resource.network ?? OPEN_NETWORK;
}

/**
 * One private endpoint connection as the provider reports it: storage (storage-getPrivateEndpointConnection-…)
 * names and types it and says `actionRequired`; key vault (keyvault-getPrivateEndpointConnection-…) adds an etag and
 * says `actionsRequired`. The endpoint sits in the resource's own group.
 */
function privateEndpointConnection(resource: ResourceRecord, endpoint: string): Record<string, unknown> {
  const group = resource.id.split('/providers/')[0]!;
  const storage = providerKind(resource.type) === 'storage';
  const name = `${endpoint}.${resource.name}`;
  return {
    id: `${resource.id}/privateEndpointConnections/${name}`,
    name,
    type: `${resource.type}/privateEndpointConnections`,
    ...(storage ? {} : { etag: '' }),
    properties: {
      provisioningState: 'Succeeded',
      privateEndpoint: { id: `${group}/providers/Microsoft.Network/privateEndpoints/${endpoint}` },
      privateLinkServiceConnectionState: storage
        ? { status: 'Approved', description: 'Auto-Approved', actionRequired: 'None' }
        : { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
    },
  };
}

/**
 * A key vault's network properties: like the real answers (keyvault-createVaultWithNetworkAcls-…), `networkAcls`
 * only once rules were set and `privateEndpointConnections` only when there are any.
 */
function vaultNetwork(resource: ResourceRecord): Record<string, unknown> {
  const network = resource.network;
  if (!network) return {};
  const hasRules = network.defaultAction !== 'Allow' || network.ipRules.length > 0 || network.virtualNetworkRules.length > 0;
  return {
    ...(hasRules ? {
      networkAcls: {
        defaultAction: network.defaultAction,
        bypass: network.bypass,
        ipRules: network.ipRules.map((value) => ({ value: value.includes('/') ? value : `${value}/32` })),
        virtualNetworkRules: network.virtualNetworkRules.map((id) => ({ id: id.toLowerCase() })),
      },
    } : {}),
    ...(network.privateEndpoints.length ? {
      privateEndpointConnections: network.privateEndpoints.map((endpoint) => {
        const { name: _name, type: _type, ...item } = privateEndpointConnection(resource, endpoint);
        return item;
      }),
    } : {}),
  };
}

/** `GET …/{storageAccounts|vaults}/{name}/privateEndpointConnections/{connection}`. */
async function getPrivateEndpointConnection(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const [subId, rgName, namespace, type, name, connection] = p as [string, string, string, string, string, string];
  const fullType = `${namespace}/${type}`;
  const kind = providerKind(fullType);
  if (kind !== 'storage' && kind !== 'keyVault') throw armNotFound(ctx);
  requireApiVersion(ctx, kind, type, false);
  const caller = await authenticate(ctx, rt);
  const scope = `/subscriptions/${subId}/resourceGroups/${rgName}/providers/${fullType}/${name}`;
  requireScopeExists(rt.state, scope);
  const rg = rt.state.resourceGroup(subId, rgName)!;
  const resource = rg.resources.find((r) => r.type.toLowerCase() === fullType.toLowerCase() && r.name.toLowerCase() === name.toLowerCase())!;
  requireAction(rt, caller, `${resource.type}/privateEndpointConnections/read`, resource.id);
  const found = networkOf(resource).privateEndpoints.map((endpoint) => privateEndpointConnection(resource, endpoint))
    .find((c) => String(c.name).toLowerCase() === connection.toLowerCase());
  if (!found) {
    throw armError(404, 'PrivateEndpointConnectionNotFound', `Private endpoint connection '${connection}' not found.`);
  }
  sendJson(ctx, 200, found);
}

/** A resource as its provider returns it (the summary plus the provider's properties). */
function resourceBody(rt: SandboxRuntime, resource: ResourceRecord): Record<string, unknown> {
  const body: Record<string, unknown> = resourceSummary(resource);
  const kind = providerKind(resource.type);
  if (kind === 'storage') {
    // Shape of the real getProperties answer (arm-resources/storage-getProperties-2023-05-01.json). Storage always
    // reports its network rule set and private endpoint connections; allowSharedKeyAccess only once it was set.
    const network = networkOf(resource);
    body.properties = {
      keyCreationTime: { key1: SEEDED_RESOURCE_TIMESTAMP, key2: SEEDED_RESOURCE_TIMESTAMP },
      creationTime: SEEDED_RESOURCE_TIMESTAMP,
      provisioningState: 'Succeeded',
      ...(resource.allowSharedKeyAccess !== undefined ? { allowSharedKeyAccess: resource.allowSharedKeyAccess } : {}),
      publicNetworkAccess: network.publicNetworkAccess,
      networkAcls: {
        bypass: network.bypass,
        defaultAction: network.defaultAction,
        ipRules: network.ipRules.map((value) => ({ value, action: 'Allow' })),
        virtualNetworkRules: network.virtualNetworkRules.map((id) => ({ id, action: 'Allow', state: 'Succeeded' })),
      },
      privateEndpointConnections: network.privateEndpoints.map((endpoint) => privateEndpointConnection(resource, endpoint)),
      primaryEndpoints: {
        dfs: `https://${resource.name}.dfs.core.windows.net/`, web: `https://${resource.name}.web.core.windows.net/`,
        blob: `https://${resource.name}.blob.core.windows.net/`, queue: `https://${resource.name}.queue.core.windows.net/`, table: `https://${resource.name}.table.core.windows.net/`, file: `https://${resource.name}.file.core.windows.net/`,
      },
      primaryLocation: resource.location,
      encryption: {
        services: {
          file: { keyType: 'Account', enabled: true, lastEnabledTime: SEEDED_RESOURCE_TIMESTAMP },
          blob: { keyType: 'Account', enabled: true, lastEnabledTime: SEEDED_RESOURCE_TIMESTAMP },
        },
        keySource: 'Microsoft.Storage',
      },
      statusOfPrimary: 'available',
      supportsHttpsTrafficOnly: true,
      isHnsEnabled: false,
    };
  } else if (kind === 'keyVault') {
    // Shape of the real getVault answer (arm-resources/keyvault-getVault-2023-07-01.json). In access-policy mode
    // the data plane obeys `accessPolicies`, in RBAC mode only role assignments (the policies are then ignored).
    body.systemData = systemData(rt);
    const rbac = resource.enableRbacAuthorization ?? true;
    body.properties = {
      sku: { family: 'A', name: 'standard' },
      tenantId: rt.state.tenantId,
      accessPolicies: (resource.accessPolicies ?? []).map((policy) => ({
        tenantId: rt.state.tenantId,
        objectId: policy.objectId,
        permissions: { keys: [...policy.permissions.keys], secrets: [...policy.permissions.secrets], certificates: [...policy.permissions.certificates] },
      })),
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: rbac,
      vaultUri: `https://${resource.name}.vault.azure.net/`,
      provisioningState: 'Succeeded',
      publicNetworkAccess: networkOf(resource).publicNetworkAccess,
      ...vaultNetwork(resource),
    };
  } else if (kind === 'serviceBus') {
    body.systemData = systemData(rt);
    body.properties = {
      minimumTlsVersion: '1.2',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: resource.disableLocalAuth ?? false,
      zoneRedundant: false,
      provisioningState: 'Succeeded',
      metricId: `${resource.id.split('/')[2] ?? ''}:${resource.name}`,
      createdAt: SEEDED_RESOURCE_TIMESTAMP,
      updatedAt: SEEDED_RESOURCE_TIMESTAMP,
      serviceBusEndpoint: `https://${resource.name}.servicebus.windows.net:443/`,
      status: 'Active',
    };
  } else if (kind === 'eventHubs') {
    // No real capture: the Namespaces_Get shape of the Microsoft.EventHub REST specification (2024-01-01).
    body.systemData = systemData(rt);
    body.properties = {
      minimumTlsVersion: '1.2',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: resource.disableLocalAuth ?? false,
      zoneRedundant: false,
      isAutoInflateEnabled: false,
      maximumThroughputUnits: 0,
      kafkaEnabled: true,
      provisioningState: 'Succeeded',
      metricId: `${resource.id.split('/')[2] ?? ''}:${resource.name}`,
      createdAt: SEEDED_RESOURCE_TIMESTAMP,
      updatedAt: SEEDED_RESOURCE_TIMESTAMP,
      serviceBusEndpoint: `https://${resource.name}.servicebus.windows.net:443/`,
      status: 'Active',
    };
  } else if (kind === 'appConfiguration') {
    // No real capture: the ConfigurationStores_Get shape of the Microsoft.AppConfiguration REST specification (2023-03-01).
    body.systemData = systemData(rt);
    body.properties = {
      provisioningState: 'Succeeded',
      creationDate: SEEDED_RESOURCE_TIMESTAMP,
      endpoint: `https://${resource.name}.azconfig.io`,
      encryption: { keyVaultProperties: null },
      privateEndpointConnections: null,
      publicNetworkAccess: null,
      disableLocalAuth: resource.disableLocalAuth ?? false,
      softDeleteRetentionInDays: 7,
      enablePurgeProtection: false,
    };
  } else if (kind === 'cosmosDb') {
    // No real capture: the DatabaseAccounts_Get shape of the Microsoft.DocumentDB REST specification (2024-05-15), abridged.
    body.systemData = systemData(rt);
    body.properties = {
      provisioningState: 'Succeeded',
      documentEndpoint: `https://${resource.name}.documents.azure.com:443/`,
      publicNetworkAccess: 'Enabled',
      databaseAccountOfferType: 'Standard',
      disableLocalAuth: resource.disableLocalAuth ?? false,
      disableKeyBasedMetadataWriteAccess: false,
      consistencyPolicy: { defaultConsistencyLevel: 'Session', maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
      locations: [{ id: `${resource.name}-${resource.location}`, locationName: resource.location, documentEndpoint: `https://${resource.name}-${resource.location}.documents.azure.com:443/`, provisioningState: 'Succeeded', failoverPriority: 0, isZoneRedundant: false }],
      capabilities: [],
      ipRules: [],
      isVirtualNetworkFilterEnabled: false,
      virtualNetworkRules: [],
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
    roles = roles.filter((r) => r.type === 'BuiltInRole' || r.assignableScopes.some((s) => rt.state.contains(s, scope) || rt.state.contains(scope, s)));
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
  if (!(selfLookup && mayReadOwnAccess(rt, caller, scope)) && !rt.state.isAuthorized(caller.objectId, 'Microsoft.Authorization/roleAssignments/read', scope)) {
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
  // Above includes management groups over the subscription; assignedTo() adds the groups the principal is in.
  const matches = rt.state.roleAssignments.filter((a) => {
    if (principals && !principals.has(a.principalId.toLowerCase())) return false;
    const above = rt.state.contains(a.scope, scope);
    return filter.atScope ? above : above || rt.state.contains(scope, a.scope);
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
  | { kind: 'update'; version: string; existing: RoleAssignmentRecord; description: string | null; condition: string | null; conditionVersion: string | null; callerId: string }
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
  for (const field of ['condition', 'conditionVersion', 'description'] as const) {
    const value = properties?.[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: 'Error converting value to type 'System.String'. Path 'properties.${field}'.'.`);
    }
  }
  // A PUT replaces the assignment: a missing, null or empty condition removes it (the documented way to delete
  // one), and a condition without a version gets the default 2.0.
  const condition = typeof properties?.condition === 'string' && properties.condition.trim() !== '' ? properties.condition : null;
  const conditionVersion = condition === null ? null
    : typeof properties?.conditionVersion === 'string' && properties.conditionVersion !== '' ? properties.conditionVersion : '2.0';
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
    return { kind: 'update', version, existing, description, condition, conditionVersion, callerId: caller.objectId };
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
      description, condition, conditionVersion, createdOn: now, updatedOn: now,
      createdBy: caller.objectId, updatedBy: caller.objectId,
    },
  };
}

async function putRoleAssignment(ctx: RequestContext, scope: string, name: string, rt: ArmRuntime): Promise<void> {
  const plan = await planRoleAssignment(ctx, scope, name, rt);
  if (plan.kind === 'update') {
    // Only description, condition and conditionVersion may change on an existing assignment.
    plan.existing.description = plan.description;
    plan.existing.condition = plan.condition;
    plan.existing.conditionVersion = plan.conditionVersion;
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
    ...armAccessRoutes(),
    ...armCosmosRoutes(),
    { name: 'arm.subscriptions.list', method: 'GET', pattern: /^\/subscriptions$/i, handle: listSubscriptions },
    { name: 'arm.subscriptions.get', method: 'GET', pattern: new RegExp(`^${SUB}$`, 'i'), handle: getSubscription },
    { name: 'arm.tenants.list', method: 'GET', pattern: /^\/tenants$/i, handle: listTenants },
    { name: 'arm.resourceGroups.list', method: 'GET', pattern: new RegExp(`^${SUB}/resourcegroups$`, 'i'), handle: listResourceGroups },
    { name: 'arm.resourceGroups.get', method: 'GET', pattern: new RegExp(`^${SUB}${RG}$`, 'i'), handle: getResourceGroup },
    { name: 'arm.resources.list', method: 'GET', pattern: new RegExp(`^${SUB}(?:${RG})?/resources$`, 'i'), handle: listResources },
    // The providers the seed has resources of; other provider paths keep ARM's "no HTTP resource" answer.
    { name: 'arm.resources.listByType', method: 'GET', pattern: new RegExp(`^${SUB}(?:${RG})?/providers/(Microsoft\\.Storage|Microsoft\\.KeyVault|Microsoft\\.ManagedIdentity|Microsoft\\.ServiceBus)/([^/]+)$`, 'i'), handle: listResourcesOfType },
    { name: 'arm.resources.privateEndpointConnection', method: 'GET', pattern: new RegExp(`^${SUB}${RG}/providers/(Microsoft\\.Storage|Microsoft\\.KeyVault)/([^/]+)/([^/]+)/privateEndpointConnections/([^/]+)$`, 'i'), handle: getPrivateEndpointConnection },
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
