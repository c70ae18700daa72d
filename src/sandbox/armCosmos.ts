// Cosmos DB (NoSQL) data-plane access under an account: SQL role definitions (the two built-ins) and SQL role
// assignments, which Cosmos keeps under `…/providers/Microsoft.DocumentDB/databaseAccounts/{account}` instead of in
// Azure RBAC. Reading and writing them is itself an ARM operation on the account, so the caller's Azure RBAC
// decides (Reader may read them, Contributor may write them), with ARM's own 403 and 404.
// No real capture: the SqlRoleDefinitionGetResults / SqlRoleAssignmentGetResults shapes (and list, create and delete
// answers) of the Microsoft.DocumentDB REST specification (2024-05-15), properties in the order the service sends
// them. A create answers 200 with the assignment (the specification allows 200 or 202), so a client's poller is done
// at once; errors the resource provider raises are CloudError bodies with Cosmos's "ActivityId" trailer.
import { randomUUID } from 'node:crypto';
import { HttpError, isGuid, isRecord, parseJson, sendEmpty, sendJson, type RequestContext, type Route } from './http';
import { armError, authenticate, requireAction, requireApiVersion, requireScopeExists, type ArmRuntime, type Caller } from './armCommon';
import { COSMOS_SQL_BUILT_IN_ROLES, type CosmosSqlRoleDefinition } from './cosmosRoles';
import type { CosmosSqlRoleAssignmentRecord, ResourceRecord } from './state';

const ACTIONS = {
  readDefinitions: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions/read',
  readAssignments: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read',
  writeAssignment: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/write',
  deleteAssignment: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/delete',
} as const;

/** An error raised by the Cosmos DB resource provider (not by ARM's gateway): its message ends with the activity id. */
function cosmosError(ctx: RequestContext, status: number, code: string, message: string): HttpError {
  const header = ctx.res.getHeader('x-ms-request-id');
  const activityId = typeof header === 'string' ? header : randomUUID();
  return armError(status, code, `${message}\r\nActivityId: ${activityId}, Microsoft.Azure.Documents.Common/2.14.0`);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The checks every route makes, in ARM's order: api-version, bearer token, the account exists (ARM's 404), and the
 * caller may perform `action` on it (ARM's 403, naming the request path as the scope).
 */
async function accountFor(ctx: RequestContext, p: string[], rt: ArmRuntime, typeName: string, action: string): Promise<{ caller: Caller; account: ResourceRecord }> {
  requireApiVersion(ctx, 'cosmosDb', typeName, false);
  const caller = await authenticate(ctx, rt);
  const accountId = `/subscriptions/${p[0]}/resourceGroups/${p[1]}/providers/Microsoft.DocumentDB/databaseAccounts/${p[2]}`;
  requireScopeExists(rt.state, accountId);
  const account = rt.state.resource(accountId)!;
  requireAction(rt, caller, action, account.id, ctx.path);
  return { caller, account };
}

function definitionBody(account: ResourceRecord, role: CosmosSqlRoleDefinition): Record<string, unknown> {
  return {
    id: `${account.id}/sqlRoleDefinitions/${role.name}`,
    name: role.name,
    properties: {
      roleName: role.roleName,
      type: 'BuiltInRole',
      assignableScopes: [account.id],
      permissions: [{ dataActions: [...role.dataActions], notDataActions: [] }],
    },
    type: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions',
  };
}

function assignmentBody(a: CosmosSqlRoleAssignmentRecord): Record<string, unknown> {
  return {
    id: `${a.accountId}/sqlRoleAssignments/${a.name}`,
    name: a.name,
    properties: {
      roleDefinitionId: `${a.accountId}/sqlRoleDefinitions/${a.roleDefinitionName}`,
      principalId: a.principalId,
      scope: a.scope,
    },
    type: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
  };
}

function assignmentsOf(rt: ArmRuntime, account: ResourceRecord): CosmosSqlRoleAssignmentRecord[] {
  return rt.state.cosmosSqlRoleAssignments.filter((a) => a.accountId.toLowerCase() === account.id.toLowerCase());
}

async function listDefinitions(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleDefinitions', ACTIONS.readDefinitions);
  sendJson(ctx, 200, { value: COSMOS_SQL_BUILT_IN_ROLES.map((role) => definitionBody(account, role)) });
}

async function getDefinition(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleDefinitions', ACTIONS.readDefinitions);
  const id = decoded(p[3]!);
  const role = COSMOS_SQL_BUILT_IN_ROLES.find((r) => r.name === id.toLowerCase());
  if (!role) throw cosmosError(ctx, 404, 'NotFound', `The Sql Role Definition with ID [${id}] was not found in database account [${account.name}].`);
  sendJson(ctx, 200, definitionBody(account, role));
}

async function listAssignments(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleAssignments', ACTIONS.readAssignments);
  sendJson(ctx, 200, { value: assignmentsOf(rt, account).map(assignmentBody) });
}

async function getAssignment(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleAssignments', ACTIONS.readAssignments);
  const name = decoded(p[3]!);
  const found = assignmentsOf(rt, account).find((a) => a.name === name.toLowerCase());
  if (!found) throw cosmosError(ctx, 404, 'NotFound', `The Sql Role Assignment with ID [${name}] was not found in database account [${account.name}].`);
  sendJson(ctx, 200, assignmentBody(found));
}

/**
 * The full scope a PUT names, made canonical (the account id as the tree spells it, no trailing slash), or undefined
 * when it is not the account or a database or container inside it. `az` sends the account id with a trailing slash
 * for `--scope /`.
 */
function canonicalScope(account: ResourceRecord, scope: string): string | undefined {
  const trimmed = scope.endsWith('/') ? scope.slice(0, -1) : scope;
  if (!trimmed.toLowerCase().startsWith(account.id.toLowerCase())) return undefined;
  const rest = trimmed.slice(account.id.length);
  return /^(\/dbs\/[^/]+(\/colls\/[^/]+)?)?$/.test(rest) ? `${account.id}${rest}` : undefined;
}

async function putAssignment(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleAssignments', ACTIONS.writeAssignment);
  const name = decoded(p[3]!);
  const body = parseJson(await ctx.body());
  const properties = isRecord(body) && isRecord(body.properties) ? body.properties : undefined;
  const missing = (['roleDefinitionId', 'scope', 'principalId'] as const).filter((field) => typeof properties?.[field] !== 'string' || properties[field] === '');
  if (!properties || missing.length > 0) {
    throw cosmosError(ctx, 400, 'BadRequest', `Failed to parse the incoming request payload. The request body must be {"properties": {"roleDefinitionId": …, "scope": …, "principalId": …}}; missing or not a string: [${missing.join(', ') || 'properties'}].`);
  }
  const { roleDefinitionId, scope, principalId } = properties as { roleDefinitionId: string; scope: string; principalId: string };
  if (!isGuid(name)) throw cosmosError(ctx, 400, 'BadRequest', `The provided Sql Role Assignment ID [${name}] is not a valid GUID.`);
  const definitionPrefix = `${account.id}/sqlRoleDefinitions/`.toLowerCase();
  if (!roleDefinitionId.toLowerCase().startsWith(definitionPrefix)) {
    throw cosmosError(ctx, 400, 'BadRequest', `The provided role definition ID [${roleDefinitionId}] does not belong to database account [${account.id}]. Expected [${account.id}/sqlRoleDefinitions/{roleDefinitionId}].`);
  }
  const role = COSMOS_SQL_BUILT_IN_ROLES.find((r) => r.name === roleDefinitionId.slice(definitionPrefix.length).toLowerCase());
  if (!role) throw cosmosError(ctx, 400, 'BadRequest', `The provided role definition ID [${roleDefinitionId}] does not exist in database account [${account.name}].`);
  const fullScope = canonicalScope(account, scope);
  if (fullScope === undefined) {
    throw cosmosError(ctx, 400, 'BadRequest', `The provided scope [${scope}] is not valid for database account [${account.id}]. Expected the account itself, [${account.id}/dbs/{databaseName}] or [${account.id}/dbs/{databaseName}/colls/{containerName}].`);
  }
  if (!isGuid(principalId)) throw cosmosError(ctx, 400, 'BadRequest', `The provided principal ID [${principalId}] is not a valid GUID.`);
  const record: CosmosSqlRoleAssignmentRecord = { accountId: account.id, name: name.toLowerCase(), roleDefinitionName: role.name, scope: fullScope, principalId };
  // A PUT to an existing id replaces it (`az cosmosdb sql role assignment update` works this way).
  const index = rt.state.cosmosSqlRoleAssignments.findIndex((a) => a.accountId.toLowerCase() === account.id.toLowerCase() && a.name === record.name);
  if (index >= 0) rt.state.cosmosSqlRoleAssignments[index] = record;
  else rt.state.cosmosSqlRoleAssignments.push(record);
  sendJson(ctx, 200, assignmentBody(record));
}

async function deleteAssignment(ctx: RequestContext, p: string[], rt: ArmRuntime): Promise<void> {
  const { account } = await accountFor(ctx, p, rt, 'databaseAccounts/sqlRoleAssignments', ACTIONS.deleteAssignment);
  const name = decoded(p[3]!).toLowerCase();
  const before = rt.state.cosmosSqlRoleAssignments.length;
  rt.state.cosmosSqlRoleAssignments = rt.state.cosmosSqlRoleAssignments
    .filter((a) => !(a.accountId.toLowerCase() === account.id.toLowerCase() && a.name === name));
  // As the specification says: 200 when it was deleted, 204 when there was nothing to delete.
  sendEmpty(ctx, rt.state.cosmosSqlRoleAssignments.length < before ? 200 : 204);
}

const ACCOUNT = '^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.DocumentDB/databaseAccounts/([^/]+)';

export function armCosmosRoutes(): Route<ArmRuntime>[] {
  const collection = (kind: string): RegExp => new RegExp(`${ACCOUNT}/${kind}$`, 'i');
  const item = (kind: string): RegExp => new RegExp(`${ACCOUNT}/${kind}/([^/]+)$`, 'i');
  return [
    { name: 'arm.cosmos.sqlRoleDefinitions.list', method: 'GET', pattern: collection('sqlRoleDefinitions'), handle: listDefinitions },
    { name: 'arm.cosmos.sqlRoleDefinitions.get', method: 'GET', pattern: item('sqlRoleDefinitions'), handle: getDefinition },
    { name: 'arm.cosmos.sqlRoleAssignments.list', method: 'GET', pattern: collection('sqlRoleAssignments'), handle: listAssignments },
    { name: 'arm.cosmos.sqlRoleAssignments.get', method: 'GET', pattern: item('sqlRoleAssignments'), handle: getAssignment },
    { name: 'arm.cosmos.sqlRoleAssignments.put', method: 'PUT', pattern: item('sqlRoleAssignments'), handle: putAssignment },
    { name: 'arm.cosmos.sqlRoleAssignments.delete', method: 'DELETE', pattern: item('sqlRoleAssignments'), handle: deleteAssignment },
  ];
}
