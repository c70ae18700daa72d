// ARM routes that say what a principal may do beyond its role assignments: deny assignments, the caller's effective
// permissions at a scope, PIM eligible and active role instances (`asTarget()`), management groups, and the
// cloud metadata endpoint. Shapes follow test/fixtures/realdata (arm-authorization spec examples, API_FACTS.md,
// clouds/arm-metadata-endpoints-2019-05-01.json).
import { createHash } from 'node:crypto';
import { sendJson, type RequestContext, type Route } from './http';
import {
  AUTHZ, armError, authenticate, authorizationFailed, mayReadOwnAccess, page, requireApiVersion, requireScopeExists, roleDefinitionId,
  type ArmRuntime, type Caller,
} from './armCommon';
import {
  managementGroupId, normalizeScope, type DenyAssignmentRecord, type DirectoryObject, type RoleAssignmentRecord,
  type RoleEligibilityRecord,
} from './state';

/** A GUID derived from stable inputs, so that ids the sandbox makes up stay the same across restarts. */
function derivedGuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `/providers/Microsoft.Subscription/subscriptions/{id}` (the PIM examples' spelling) is the subscription scope. */
function canonicalScope(scope: string): string {
  return scope.replace(/^\/providers\/Microsoft\.Subscription\/subscriptions\//i, '/subscriptions/');
}

/** The clauses of a `$filter` joined by `and`, each matched against the forms a collection accepts. */
interface AccessFilter {
  atScope: boolean;
  asTarget: boolean;
  principalId?: string;
  assignedTo?: string;
  denyAssignmentName?: string;
  gdprExportPrincipalId?: string;
}

function parseAccessFilter(filter: string | null, allowed: readonly (keyof AccessFilter)[], unsupported: () => Error): AccessFilter {
  const result: AccessFilter = { atScope: false, asTarget: false };
  if (!filter || !filter.trim()) return result;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m: RegExpExecArray | null;
    let key: keyof AccessFilter;
    if (/^atScope\(\)$/i.test(c)) { key = 'atScope'; result.atScope = true; }
    else if (/^asTarget\(\)$/i.test(c)) { key = 'asTarget'; result.asTarget = true; }
    // PIM's swagger writes `principalId eq {id}` without quotes; both spellings are accepted.
    else if ((m = /^principalId\s+eq\s+'?([0-9a-f-]{36})'?$/i.exec(c))) { key = 'principalId'; result.principalId = m[1]!; }
    else if ((m = /^assignedTo\('([^']*)'\)$/i.exec(c))) { key = 'assignedTo'; result.assignedTo = m[1]!; }
    else if ((m = /^denyAssignmentName\s+eq\s+'((?:[^']|'')*)'$/i.exec(c))) { key = 'denyAssignmentName'; result.denyAssignmentName = m[1]!.replace(/''/g, "'"); }
    else if ((m = /^gdprExportPrincipalId\s+eq\s+'([^']*)'$/i.exec(c))) { key = 'gdprExportPrincipalId'; result.gdprExportPrincipalId = m[1]!; }
    else throw unsupported();
    if (!allowed.includes(key)) throw unsupported();
  }
  return result;
}

/** Object ids a filter asks about: one principal exactly, or a principal with the groups it is in (assignedTo). */
function filterIdentities(rt: ArmRuntime, caller: Caller, filter: AccessFilter): Set<string> | undefined {
  if (filter.asTarget) return rt.state.identitiesOf(caller.objectId);
  if (filter.assignedTo) return rt.state.identitiesOf(filter.assignedTo);
  if (filter.principalId) return new Set([filter.principalId.toLowerCase()]);
  return undefined;
}

function asksAboutCaller(caller: Caller, filter: AccessFilter): boolean {
  const id = caller.objectId.toLowerCase();
  return filter.asTarget || filter.assignedTo?.toLowerCase() === id || filter.principalId?.toLowerCase() === id;
}

// ---------------------------------------------------------------------------------------------------------------
// Deny assignments (read-only in ARM: managed applications, deployment stacks and blueprints create them)

function denyAssignmentBody(d: DenyAssignmentRecord, gdprExport: boolean): Record<string, unknown> {
  const id = `${d.scope === '/' ? '' : d.scope}${AUTHZ}/denyAssignments/${d.name}`;
  // "when gdprExportPrincipalId filter is used, only the deny assignment name and description properties are returned"
  if (gdprExport) return { properties: { denyAssignmentName: d.denyAssignmentName, description: d.description }, id, type: 'Microsoft.Authorization/denyAssignments', name: d.name };
  return {
    properties: {
      denyAssignmentName: d.denyAssignmentName,
      description: d.description,
      permissions: d.permissions.map((p) => ({ actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions })),
      scope: d.scope,
      doNotApplyToChildScopes: d.doNotApplyToChildScopes,
      principals: d.principals.map((p) => ({ id: p.id, type: p.type })),
      excludePrincipals: d.excludePrincipals.map((p) => ({ id: p.id, type: p.type })),
      isSystemProtected: d.isSystemProtected,
    },
    id,
    type: 'Microsoft.Authorization/denyAssignments',
    name: d.name,
  };
}

function unsupportedDenyFilter(filter: string): Error {
  return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are 'atScope()', 'denyAssignmentName eq '{value}'', 'principalId eq '{value}'', 'assignedTo('{value}')' and 'gdprExportPrincipalId eq '{value}''.`);
}

async function listDenyAssignments(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const scope = p[0] ? p[0] : '/';
  requireApiVersion(ctx, 'denyAssignments', 'denyAssignments', false);
  const caller = await authenticate(ctx, rt);
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const filterText = ctx.query.get('$filter');
  const filter = parseAccessFilter(filterText, ['atScope', 'principalId', 'assignedTo', 'denyAssignmentName', 'gdprExportPrincipalId'], () => unsupportedDenyFilter(filterText ?? ''));
  if (!(asksAboutCaller(caller, filter) && mayReadOwnAccess(rt, caller, scope))
    && !rt.state.isAuthorized(caller.objectId, 'Microsoft.Authorization/denyAssignments/read', scope)) {
    throw authorizationFailed(caller, 'Microsoft.Authorization/denyAssignments/read', `${scope === '/' ? '' : scope}${AUTHZ}/denyAssignments`);
  }
  const gdpr = filter.gdprExportPrincipalId?.toLowerCase();
  const identities = gdpr ? new Set([gdpr]) : filterIdentities(rt, caller, filter);
  const matches = rt.state.denyAssignments.filter((d) => {
    if (filter.denyAssignmentName !== undefined && d.denyAssignmentName !== filter.denyAssignmentName) return false;
    // A principal filter keeps what applies to that principal: named directly, through a group, or as everyone.
    if (identities && !rt.state.denyCovers(d, identities)) return false;
    const above = rt.state.contains(d.scope, scope);
    // By name: "at specified scope"; atScope(): at or above; otherwise at, above and below.
    if (filter.denyAssignmentName !== undefined && !filter.atScope && !identities) return normalizeScope(d.scope) === normalizeScope(scope);
    return filter.atScope ? above : above || rt.state.contains(scope, d.scope);
  });
  sendJson(ctx, 200, page(ctx, matches.map((d) => denyAssignmentBody(d, gdpr !== undefined)), rt.armPageSize));
}

async function getDenyAssignment(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const scope = p[0] ? p[0] : '/';
  const name = decodeURIComponent(p[1]!);
  requireApiVersion(ctx, 'denyAssignments', 'denyAssignments', false);
  const caller = await authenticate(ctx, rt);
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const found = rt.state.denyAssignments.find((d) => d.name.toLowerCase() === name.toLowerCase() && normalizeScope(d.scope) === normalizeScope(scope));
  const own = found !== undefined && rt.state.denyCovers(found, rt.state.identitiesOf(caller.objectId)) && mayReadOwnAccess(rt, caller, scope);
  if (!own && !rt.state.isAuthorized(caller.objectId, 'Microsoft.Authorization/denyAssignments/read', scope)) {
    throw authorizationFailed(caller, 'Microsoft.Authorization/denyAssignments/read', `${scope === '/' ? '' : scope}${AUTHZ}/denyAssignments/${name}`);
  }
  if (!found) throw armError(404, 'DenyAssignmentNotFound', `The deny assignment '${name}' is not found.`);
  sendJson(ctx, 200, denyAssignmentBody(found, false));
}

// ---------------------------------------------------------------------------------------------------------------
// Effective permissions of the caller: one entry per role permission block of every assignment that applies at
// the scope (directly, through a group, or inherited from above), as Permissions_ListFor* return them.

async function listPermissions(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const scope = p[0] ? p[0] : '/';
  const version = requireApiVersion(ctx, 'permissions', 'permissions', false);
  const caller = await authenticate(ctx, rt);
  if (ctx.query.get('$filter')) throw armError(400, 'UnsupportedQuery', 'The $filter query parameter is not supported on this operation.');
  if (scope !== '/') requireScopeExists(rt.state, scope);
  if (!mayReadOwnAccess(rt, caller, scope)) throw authorizationFailed(caller, 'Microsoft.Authorization/permissions/read', scope);
  const withDataActions = version >= '2018-01-01';
  const entries: Record<string, unknown>[] = [];
  for (const a of rt.state.assignmentsApplyingAt(rt.state.identitiesOf(caller.objectId), scope)) {
    const role = rt.state.roleDefinitions.get(a.roleDefinitionName.toLowerCase());
    for (const permission of role?.permissions ?? []) {
      entries.push(withDataActions
        ? { actions: permission.actions, notActions: permission.notActions, dataActions: permission.dataActions, notDataActions: permission.notDataActions }
        : { actions: permission.actions, notActions: permission.notActions });
    }
  }
  sendJson(ctx, 200, page(ctx, entries, rt.armPageSize));
}

// ---------------------------------------------------------------------------------------------------------------
// PIM: eligible (roleEligibilityScheduleInstances) and active (roleAssignmentScheduleInstances) role instances.

function requirePim(rt: ArmRuntime): void {
  // What ARM answers in a tenant without Entra ID P2 (seen by JulianHayward/Azure-MG-Sub-Governance-Reporting
  // issue #114 for roleAssignmentScheduleInstances): HTTP 400 with this code and message.
  if (!rt.state.seed.tenant.pimEnabled) throw armError(400, 'AadPremiumLicenseRequired', 'The tenant needs an AAD Premium 2 license.');
}

function unsupportedPimFilter(filter: string): Error {
  return armError(400, 'BadRequest', `The filter '${filter}' is not supported. Use atScope(), asTarget(), assignedTo('{userId}') or principalId eq {id}.`);
}

function principalExpanded(object: DirectoryObject | undefined, id: string): Record<string, unknown> {
  if (!object) return { id, displayName: null, email: null, type: 'User' };
  if (object.kind === 'user') return { id: object.objectId, displayName: object.displayName, email: object.userPrincipalName, type: 'User' };
  if (object.kind === 'group') return { id: object.objectId, displayName: object.displayName, email: null, type: 'Group' };
  return { id: object.objectId, displayName: object.displayName, email: null, type: 'ServicePrincipal' };
}

interface PimInstanceSource { scope: string; roleDefinitionName: string; principalId: string; principalType: string; condition: string | null; conditionVersion: string | null }

/** What the two instance kinds share: scope, role, principal, memberType, condition and the expanded names. */
function pimCommon(rt: ArmRuntime, source: PimInstanceSource, listScope: string): Record<string, unknown> {
  const role = rt.state.roleDefinitions.get(source.roleDefinitionName.toLowerCase());
  const definitionId = role ? roleDefinitionId(role, source.scope) : `${AUTHZ}/roleDefinitions/${source.roleDefinitionName}`;
  const inherited = rt.state.contains(source.scope, listScope) && normalizeScope(source.scope) !== normalizeScope(listScope);
  const scopeInfo = rt.state.describeScope(source.scope);
  return {
    scope: source.scope,
    roleDefinitionId: definitionId,
    principalId: source.principalId,
    principalType: source.principalType,
    memberType: inherited ? 'Inherited' : source.principalType === 'Group' ? 'Group' : 'Direct',
    condition: source.condition,
    conditionVersion: source.conditionVersion,
    expandedProperties: {
      scope: { id: source.scope, displayName: scopeInfo.displayName, type: scopeInfo.type },
      roleDefinition: { id: definitionId, displayName: role?.roleName ?? null, type: role?.type ?? null },
      principal: principalExpanded(rt.state.object(source.principalId), source.principalId),
    },
  };
}

function eligibilityInstanceBody(rt: ArmRuntime, e: RoleEligibilityRecord, listScope: string): Record<string, unknown> {
  const instance = derivedGuid('eligibility-instance', e.name);
  const common = pimCommon(rt, { ...e, condition: null, conditionVersion: null }, listScope);
  const { expandedProperties, condition, conditionVersion, memberType, ...head } = common;
  return {
    properties: {
      ...head,
      status: 'Provisioned',
      roleEligibilityScheduleId: `${e.scope}${AUTHZ}/RoleEligibilitySchedules/${e.name}`,
      startDateTime: e.startDateTime,
      endDateTime: e.endDateTime,
      memberType,
      createdOn: e.startDateTime,
      condition,
      conditionVersion,
      expandedProperties,
    },
    name: instance,
    id: `${e.scope}${AUTHZ}/RoleEligibilityScheduleInstances/${instance}`,
    type: 'Microsoft.Authorization/RoleEligibilityScheduleInstances',
  };
}

/** Every active role assignment is also an "Assigned" assignment schedule instance named after it. */
function assignmentInstanceBody(rt: ArmRuntime, a: RoleAssignmentRecord, listScope: string): Record<string, unknown> {
  const common = pimCommon(rt, a, listScope);
  const { expandedProperties, condition, conditionVersion, memberType, ...head } = common;
  const created = a.createdOn.replace(/(\.\d{3})\d*Z$/, '$1Z');
  return {
    properties: {
      originRoleAssignmentId: `${a.scope === '/' ? '' : a.scope}${AUTHZ}/roleAssignments/${a.name}`,
      linkedRoleEligibilityScheduleId: null,
      linkedRoleEligibilityScheduleInstanceId: null,
      assignmentType: 'Assigned',
      ...head,
      status: 'Provisioned',
      roleAssignmentScheduleId: `${a.scope === '/' ? '' : a.scope}${AUTHZ}/RoleAssignmentSchedules/${derivedGuid('assignment-schedule', a.name)}`,
      startDateTime: created,
      endDateTime: null,
      memberType,
      createdOn: created,
      condition,
      conditionVersion,
      expandedProperties,
    },
    name: a.name,
    id: `${a.scope === '/' ? '' : a.scope}${AUTHZ}/RoleAssignmentScheduleInstances/${a.name}`,
    type: 'Microsoft.Authorization/RoleAssignmentScheduleInstances',
  };
}

async function listPimInstances(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const scope = p[0] ? canonicalScope(p[0]) : '/';
  const eligible = p[1]!.toLowerCase() === 'roleeligibilityscheduleinstances';
  requireApiVersion(ctx, 'pim', eligible ? 'roleEligibilityScheduleInstances' : 'roleAssignmentScheduleInstances', false);
  const caller = await authenticate(ctx, rt);
  requirePim(rt);
  if (scope !== '/') requireScopeExists(rt.state, scope);
  const filterText = ctx.query.get('$filter');
  const filter = parseAccessFilter(filterText, ['atScope', 'asTarget', 'assignedTo', 'principalId'], () => unsupportedPimFilter(filterText ?? ''));
  const identities = filterIdentities(rt, caller, filter);
  const inScope = (itemScope: string): boolean => {
    const above = rt.state.contains(itemScope, scope);
    return filter.atScope ? above : above || rt.state.contains(scope, itemScope);
  };
  const mine = rt.state.identitiesOf(caller.objectId);
  // Someone with only eligible roles (no active one) must still see them: that is how they activate one. At the
  // provider level (`/providers/Microsoft.Authorization/...?$filter=asTarget()`) the caller asks about no scope.
  const ownEligibility = rt.state.roleEligibilities.some((e) => mine.has(e.principalId.toLowerCase()) && (rt.state.contains(e.scope, scope) || rt.state.contains(scope, e.scope)));
  const ownAtProviderLevel = scope === '/' && filter.asTarget;
  if (!(asksAboutCaller(caller, filter) && (ownAtProviderLevel || mayReadOwnAccess(rt, caller, scope) || ownEligibility))
    && !rt.state.isAuthorized(caller.objectId, 'Microsoft.Authorization/roleAssignments/read', scope)) {
    throw authorizationFailed(caller, 'Microsoft.Authorization/roleAssignments/read', scope);
  }
  const now = Date.now();
  const items = eligible
    ? rt.state.roleEligibilities
      .filter((e) => (!identities || identities.has(e.principalId.toLowerCase())) && inScope(e.scope)
        && Date.parse(e.startDateTime) <= now && (e.endDateTime === null || Date.parse(e.endDateTime) > now))
      .map((e) => eligibilityInstanceBody(rt, e, scope))
    : rt.state.roleAssignments
      .filter((a) => (!identities || identities.has(a.principalId.toLowerCase())) && inScope(a.scope))
      .map((a) => assignmentInstanceBody(rt, a, scope));
  sendJson(ctx, 200, page(ctx, items, rt.armPageSize));
}

// ---------------------------------------------------------------------------------------------------------------
// Management groups: visible to whoever holds a role at, above or below them.

function managementGroupBody(rt: ArmRuntime, name: string): Record<string, unknown> {
  const mg = rt.state.managementGroup(name)!;
  const parent = mg.parent ? rt.state.managementGroup(mg.parent) : undefined;
  return {
    id: mg.id,
    type: 'Microsoft.Management/managementGroups',
    name: mg.name,
    properties: {
      tenantId: rt.state.tenantId,
      displayName: mg.displayName,
      details: { parent: parent ? { id: parent.id, name: parent.name, displayName: parent.displayName } : null },
    },
  };
}

async function listManagementGroups(ctx: RequestContext, _p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'managementGroups', 'managementGroups', false);
  const caller = await authenticate(ctx, rt);
  const visible = [...rt.state.managementGroups.values()].filter((mg) => mayReadOwnAccess(rt, caller, mg.id));
  const items = visible.map((mg) => {
    const body = managementGroupBody(rt, mg.name);
    return { ...body, properties: { tenantId: rt.state.tenantId, displayName: mg.displayName } };
  });
  sendJson(ctx, 200, page(ctx, items, rt.armPageSize));
}

async function getManagementGroup(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'managementGroups', 'managementGroups', false);
  const caller = await authenticate(ctx, rt);
  const name = decodeURIComponent(p[0]!);
  const scope = managementGroupId(name);
  // ARM does not tell a group that does not exist from one the caller may not see.
  if (!rt.state.managementGroup(name) || !mayReadOwnAccess(rt, caller, scope)) {
    throw authorizationFailed(caller, 'Microsoft.Management/managementGroups/read', scope);
  }
  sendJson(ctx, 200, managementGroupBody(rt, name));
}

/**
 * GET /providers/Microsoft.Management/managementGroups/{name}/descendants: every management group and subscription
 * below the group, each with its parent (Management Groups - Get Descendants; a subscription's type is
 * "/subscriptions"). Needs read access at the group, like the group itself.
 */
async function getManagementGroupDescendants(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  requireApiVersion(ctx, 'managementGroups', 'managementGroups', false);
  const caller = await authenticate(ctx, rt);
  const name = decodeURIComponent(p[0]!);
  const scope = managementGroupId(name);
  if (!rt.state.managementGroup(name) || !mayReadOwnAccess(rt, caller, scope)) {
    throw authorizationFailed(caller, 'Microsoft.Management/managementGroups/descendants/read', scope);
  }
  const items: Record<string, unknown>[] = [];
  const groups = [...rt.state.managementGroups.values()];
  const below = (parent: string): void => {
    for (const mg of groups.filter((g) => g.parent?.toLowerCase() === parent.toLowerCase() && g.name.toLowerCase() !== parent.toLowerCase())) {
      items.push({ id: mg.id, type: 'Microsoft.Management/managementGroups', name: mg.name, properties: { displayName: mg.displayName, parent: { id: managementGroupId(parent) } } });
      below(mg.name);
    }
    for (const sub of rt.state.subscriptions.filter((s) => rt.state.parentGroupOfSubscription(s.id).name.toLowerCase() === parent.toLowerCase())) {
      items.push({ id: `/subscriptions/${sub.id}`, type: '/subscriptions', name: sub.id, properties: { displayName: sub.displayName, parent: { id: managementGroupId(parent) } } });
    }
  };
  below(rt.state.managementGroup(name)!.name);
  sendJson(ctx, 200, page(ctx, items, rt.armPageSize));
}

// ---------------------------------------------------------------------------------------------------------------
// GET /metadata/endpoints?api-version=2019-05-01: the clouds' endpoints, anonymous, one object per cloud.

interface CloudEndpoints { name: string; portal: string; login: string; audiences: string[]; resourceManager: string; suffix: string; keyVaultDns: string; sqlHost: string; graph: string; batch: string; media: string; gallery: string; sqlManagement: string; dataLake: string | undefined; acr: string }

const CLOUDS: CloudEndpoints[] = [
  {
    name: 'AzureCloud', portal: 'https://portal.azure.com', login: 'https://login.microsoftonline.com/', resourceManager: 'https://management.azure.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'], suffix: 'core.windows.net', keyVaultDns: 'vault.azure.net',
    sqlHost: 'database.windows.net', graph: 'https://graph.windows.net/', batch: 'https://batch.core.windows.net/', media: 'https://rest.media.azure.net',
    gallery: 'https://gallery.azure.com/', sqlManagement: 'https://management.core.windows.net:8443/', dataLake: 'https://datalake.azure.net/', acr: 'azurecr.io',
  },
  {
    name: 'AzureChinaCloud', portal: 'https://portal.azure.cn', login: 'https://login.chinacloudapi.cn', resourceManager: 'https://management.chinacloudapi.cn',
    audiences: ['https://management.core.chinacloudapi.cn', 'https://management.chinacloudapi.cn'], suffix: 'core.chinacloudapi.cn', keyVaultDns: 'vault.azure.cn',
    sqlHost: 'database.chinacloudapi.cn', graph: 'https://graph.chinacloudapi.cn', batch: 'https://batch.chinacloudapi.cn', media: 'https://rest.media.chinacloudapi.cn',
    gallery: 'https://gallery.chinacloudapi.cn', sqlManagement: 'https://management.core.chinacloudapi.cn:8443', dataLake: undefined, acr: 'azurecr.cn',
  },
  {
    name: 'AzureUSGovernment', portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', resourceManager: 'https://management.usgovcloudapi.net',
    audiences: ['https://management.core.usgovcloudapi.net', 'https://management.usgovcloudapi.net'], suffix: 'core.usgovcloudapi.net', keyVaultDns: 'vault.usgovcloudapi.net',
    sqlHost: 'database.usgovcloudapi.net', graph: 'https://graph.windows.net', batch: 'https://batch.core.usgovcloudapi.net', media: 'https://rest.media.usgovcloudapi.net',
    gallery: 'https://gallery.usgovcloudapi.net', sqlManagement: 'https://management.core.usgovcloudapi.net:8443', dataLake: undefined, acr: 'azurecr.us',
  },
];

function cloudMetadata(c: CloudEndpoints): Record<string, unknown> {
  return {
    portal: c.portal,
    authentication: { loginEndpoint: c.login, audiences: c.audiences, tenant: 'common', identityProvider: 'AAD' },
    media: c.media,
    graphAudience: c.graph,
    graph: c.graph,
    name: c.name,
    suffixes: {
      ...(c.dataLake ? { azureDataLakeStoreFileSystem: 'azuredatalakestore.net', azureDataLakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net' } : {}),
      acrLoginServer: c.acr,
      sqlServerHostname: c.sqlHost,
      keyVaultDns: c.keyVaultDns,
      storage: c.suffix,
      azureFrontDoorEndpointSuffix: c.name === 'AzureCloud' ? 'azurefd.net' : '',
    },
    batch: c.batch,
    resourceManager: c.resourceManager,
    vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
    ...(c.dataLake ? { activeDirectoryDataLake: c.dataLake } : {}),
    sqlManagement: c.sqlManagement,
    gallery: c.gallery,
  };
}

function metadataEndpoints(ctx: RequestContext): void {
  requireApiVersion(ctx, 'metadata', 'metadata', true);
  sendJson(ctx, 200, CLOUDS.map(cloudMetadata));
}

// ---------------------------------------------------------------------------------------------------------------

const SCOPE = '((?:/[^/]+)*?)';

function authzCollection(kinds: string): RegExp {
  return new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/(${kinds})$`, 'i');
}

export function armAccessRoutes(): Route<ArmRuntime>[] {
  return [
    { name: 'arm.denyAssignments.list', method: 'GET', pattern: authzCollection('denyAssignments'), handle: listDenyAssignments },
    { name: 'arm.denyAssignments.get', method: 'GET', pattern: new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/denyAssignments/([^/]+)$`, 'i'), handle: getDenyAssignment },
    { name: 'arm.permissions.list', method: 'GET', pattern: authzCollection('permissions'), handle: listPermissions },
    { name: 'arm.roleEligibilityScheduleInstances.list', method: 'GET', pattern: authzCollection('roleEligibilityScheduleInstances'), handle: listPimInstances },
    { name: 'arm.roleAssignmentScheduleInstances.list', method: 'GET', pattern: authzCollection('roleAssignmentScheduleInstances'), handle: listPimInstances },
    { name: 'arm.managementGroups.list', method: 'GET', pattern: /^\/providers\/Microsoft\.Management\/managementGroups$/i, handle: listManagementGroups },
    { name: 'arm.managementGroups.get', method: 'GET', pattern: /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i, handle: getManagementGroup },
    { name: 'arm.managementGroups.descendants', method: 'GET', pattern: /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i, handle: getManagementGroupDescendants },
    { name: 'arm.metadata.endpoints', method: 'GET', pattern: /^\/metadata\/endpoints$/i, handle: metadataEndpoints },
  ];
}

