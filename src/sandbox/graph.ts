// Microsoft Graph v1.0 stand-in for the directory calls the product makes: /me, users, groups (create a security
// group, members/$ref), memberOf/transitiveMemberOf (with the ConsistencyLevel/$count rules), servicePrincipals,
// directoryObjects/getByIds and organization. Shapes and errors follow test/fixtures/realdata/graph.
import { createHash } from 'node:crypto';
import { GRAPH_AUDIENCES } from './entra';
import { header, HttpError, isGuid, isRecord, parseJson, sendEmpty, type RequestContext, type Route } from './http';
import type { SandboxRuntime } from './runtime';
import type { DirectoryObject, GroupObject, ServicePrincipalObject, UserObject } from './state';
import { checkBearer } from './tokens';

interface GraphCaller {
  objectId: string;
  kind: 'user' | 'app';
  scopes: Set<string>;
  roles: Set<string>;
  user?: UserObject;
}

type Json = Record<string, unknown>;

const CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function graphDate(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, '');
}

function clientRequestId(ctx: RequestContext): string {
  return header(ctx, 'client-request-id') ?? ctx.requestId;
}

function graphHeaders(ctx: RequestContext): Record<string, string> {
  return {
    'request-id': ctx.requestId,
    'client-request-id': clientRequestId(ctx),
    'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Sandbox Loopback', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SANDBOX' } }),
    'OData-Version': '4.0',
  };
}

function graphError(ctx: RequestContext, status: number, code: string, message: string): HttpError {
  return new HttpError(status, {
    error: { code, message, innerError: { date: graphDate(), 'request-id': ctx.requestId, 'client-request-id': clientRequestId(ctx) } },
  }, graphHeaders(ctx));
}

function send(ctx: RequestContext, status: number, payload: unknown): void {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  ctx.res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': String(body.length), 'Cache-Control': 'no-cache', ...graphHeaders(ctx) });
  ctx.res.end(body);
}

async function authenticate(ctx: RequestContext, rt: SandboxRuntime): Promise<GraphCaller> {
  const check = await checkBearer(rt.signingKey, ctx.req.headers.authorization, GRAPH_AUDIENCES);
  if (!check.ok) {
    const message = {
      missing: 'Access token is empty.',
      malformed: 'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.',
      signature: 'Access token validation failure.',
      expired: 'Lifetime validation failed, the token is expired.',
      audience: 'Access token validation failure. Invalid audience.',
    }[check.reason];
    throw graphError(ctx, 401, 'InvalidAuthenticationToken', message);
  }
  const claims = check.claims;
  if (String(claims.tid ?? '').toLowerCase() !== rt.state.tenantId.toLowerCase()) {
    throw graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid issuer.');
  }
  const objectId = String(claims.oid ?? '');
  const kind = claims.idtyp === 'app' ? 'app' : 'user';
  const scopes = new Set(typeof claims.scp === 'string' ? claims.scp.split(' ') : []);
  const roles = new Set(Array.isArray(claims.roles) ? claims.roles.map(String) : []);
  const user = kind === 'user' ? rt.state.user(objectId) : undefined;
  return { objectId, kind, scopes, roles, ...(user ? { user } : {}) };
}

const READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Application.Read.All'];
const GROUP_CREATE_ROLES = ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const MEMBER_WRITE_ROLES = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const GROUP_WRITE_SCOPES = ['Group.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'];
/** Directory roles that may create groups and manage any group's members even when users may not. */
const GROUP_ADMIN_ROLES = ['Global Administrator', 'Groups Administrator', 'User Administrator'];

function denied(ctx: RequestContext): HttpError {
  return graphError(ctx, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

function requireRead(ctx: RequestContext, caller: GraphCaller): void {
  if (caller.kind === 'app' && !READ_ROLES.some((r) => caller.roles.has(r))) throw denied(ctx);
}

function isGroupAdmin(caller: GraphCaller): boolean {
  return caller.user?.directoryRoles.some((r) => GROUP_ADMIN_ROLES.includes(r)) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// Serialization

const DIRECTORY_ROLE_TEMPLATES: Record<string, { templateId: string; description: string }> = {
  'Global Administrator': { templateId: '62e90394-69f5-4237-9190-012177145e10', description: 'Can manage all aspects of Azure AD and Microsoft services that use Azure AD identities.' },
  'Groups Administrator': { templateId: 'fdd7a751-b60b-444a-984c-02652fe8fa1c', description: 'Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.' },
  'User Administrator': { templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', description: 'Can manage all aspects of users and groups, including resetting passwords for limited admins.' },
  'Application Administrator': { templateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', description: 'Can create and manage all aspects of app registrations and enterprise apps.' },
};

function directoryRole(rt: SandboxRuntime, name: string): Json {
  const template = DIRECTORY_ROLE_TEMPLATES[name] ?? { templateId: createHash('sha256').update(name).digest('hex').slice(0, 32).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'), description: name };
  // The activated role's object id is per tenant; derive it so it is stable across restarts.
  const id = createHash('sha256').update(`${rt.state.tenantId}|${template.templateId}`).digest('hex').slice(0, 32).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
  return { '@odata.type': '#microsoft.graph.directoryRole', id, deletedDateTime: null, description: template.description, displayName: name, roleTemplateId: template.templateId };
}

function userJson(u: UserObject): Json {
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    id: u.objectId,
  };
}

/** Properties that $select may name beyond the default set. */
function userExtra(u: UserObject, tenantDomain: string): Json {
  return {
    accountEnabled: true,
    mailNickname: u.userPrincipalName.split('@')[0],
    userType: 'Member',
    createdDateTime: new Date(u.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    identities: [{ signInType: 'userPrincipalName', issuer: tenantDomain, issuerAssignedId: u.userPrincipalName }],
    postalCode: null,
  };
}

function groupJson(g: GroupObject): Json {
  return {
    id: g.objectId,
    deletedDateTime: null,
    classification: null,
    createdDateTime: g.createdDateTime,
    description: g.description,
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: g.createdDateTime,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: g.securityEnabled,
    securityIdentifier: `S-1-12-1-${parseInt(g.objectId.slice(0, 8), 16)}-${parseInt(g.objectId.slice(9, 13), 16)}-${parseInt(g.objectId.slice(14, 18), 16)}-${parseInt(g.objectId.slice(19, 23), 16)}`,
    theme: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
  };
}

function servicePrincipalJson(rt: SandboxRuntime, sp: ServicePrincipalObject): Json {
  return {
    id: sp.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: sp.managedIdentity ? [`isExplicit=${sp.managedIdentity.kind === 'userAssigned' ? 'True' : 'False'}`, sp.managedIdentity.resourceId] : [],
    appDisplayName: sp.servicePrincipalType === 'Application' ? sp.displayName : null,
    appId: sp.appId,
    appOwnerOrganizationId: sp.servicePrincipalType === 'Application' ? rt.state.tenantId : null,
    displayName: sp.displayName,
    servicePrincipalNames: sp.managedIdentity ? [sp.appId, sp.managedIdentity.resourceId] : [sp.appId],
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: sp.servicePrincipalType === 'Application' ? 'AzureADMyOrg' : null,
    tags: [],
  };
}

const ODATA_TYPES = { user: '#microsoft.graph.user', group: '#microsoft.graph.group', servicePrincipal: '#microsoft.graph.servicePrincipal' } as const;

function objectJson(rt: SandboxRuntime, o: DirectoryObject): Json {
  return o.kind === 'user' ? userJson(o) : o.kind === 'group' ? groupJson(o) : servicePrincipalJson(rt, o);
}

function withType(rt: SandboxRuntime, o: DirectoryObject): Json {
  return { '@odata.type': ODATA_TYPES[o.kind], ...objectJson(rt, o) };
}

function selectedFields(ctx: RequestContext): string[] | undefined {
  const select = ctx.query.get('$select');
  if (!select) return undefined;
  return select.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Applies $select to one object; unknown property names are the real 400. */
function applySelect(ctx: RequestContext, full: Json, extra: Json, typeName: string, fields: string[] | undefined): Json {
  if (!fields) return full;
  const all: Json = { ...full, ...extra };
  const out: Json = {};
  if ('@odata.type' in full) out['@odata.type'] = full['@odata.type'];
  for (const field of fields) {
    if (!(field in all)) throw graphError(ctx, 400, 'Request_BadRequest', `Could not find a property named '${field}' on type 'microsoft.graph.${typeName}'.`);
    out[field] = all[field];
  }
  return out;
}

function context(ctx: RequestContext, entitySet: string, fields: string[] | undefined, entity = false): string {
  const version = ctx.path.startsWith('/beta') ? 'beta' : 'v1.0';
  return `https://graph.microsoft.com/${version}/$metadata#${entitySet}${fields ? `(${fields.join(',')})` : ''}${entity ? '/$entity' : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// $filter (the subset the directory supports by default, plus the advanced-query rules)

interface QueryOptions { advanced: boolean }

function advancedQuery(ctx: RequestContext): boolean {
  return (header(ctx, 'consistencylevel') ?? '').toLowerCase() === 'eventual';
}

type Predicate = (o: Json) => boolean;

const FILTERABLE: Record<string, string[]> = {
  User: ['displayName', 'userPrincipalName', 'mail', 'givenName', 'surname', 'id', 'mailNickname', 'accountEnabled', 'userType', 'jobTitle'],
  Group: ['displayName', 'mailNickname', 'id', 'securityEnabled', 'mailEnabled', 'groupTypes', 'description'],
  ServicePrincipal: ['appId', 'displayName', 'id', 'servicePrincipalType', 'servicePrincipalNames'],
  DirectoryObject: ['displayName', 'id'],
};

function literal(text: string): string | boolean | null {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return text.slice(1, -1).replace(/''/g, "'");
}

function compareValue(actual: unknown, expected: string | boolean | null): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return actual === expected;
}

function parseFilter(ctx: RequestContext, filter: string, resource: string, options: QueryOptions): Predicate {
  const unsupported = (property: string): HttpError => graphError(ctx, 400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`);
  const allowed = FILTERABLE[resource] ?? [];
  const checkProperty = (property: string): void => { if (!allowed.includes(property)) throw unsupported(property); };
  const value = `('(?:[^']|'')*'|true|false|null)`;
  const parseClause = (clause: string): Predicate => {
    const c = clause.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^startswith\\(\\s*(\\w+)\\s*,\\s*${value}\\s*\\)$`, 'i').exec(c))) {
      const property = m[1]!; checkProperty(property);
      const prefix = String(literal(m[2]!)).toLowerCase();
      return (o) => typeof o[property] === 'string' && (o[property] as string).toLowerCase().startsWith(prefix);
    }
    if ((m = new RegExp(`^endswith\\(\\s*(\\w+)\\s*,\\s*${value}\\s*\\)$`, 'i').exec(c))) {
      if (!options.advanced) {
        throw graphError(ctx, 400, 'Request_UnsupportedQuery', "Operator 'endsWith' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information");
      }
      const property = m[1]!; checkProperty(property);
      const suffix = String(literal(m[2]!)).toLowerCase();
      return (o) => typeof o[property] === 'string' && (o[property] as string).toLowerCase().endsWith(suffix);
    }
    if ((m = /^groupTypes\/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'([^']*)'\s*\)$/i.exec(c))) {
      const wanted = m[2]!;
      return (o) => Array.isArray(o.groupTypes) && o.groupTypes.includes(wanted);
    }
    if ((m = new RegExp(`^(\\w+)\\s+(eq|ne)\\s+${value}$`, 'i').exec(c))) {
      const property = m[1]!; checkProperty(property);
      const expected = literal(m[3]!);
      if (m[2]!.toLowerCase() === 'ne') {
        if (!options.advanced) throw graphError(ctx, 400, 'Request_UnsupportedQuery', "Operator 'ne' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information");
        return (o) => !compareValue(o[property], expected);
      }
      return (o) => compareValue(o[property], expected);
    }
    if ((m = /^(\w+)\s+in\s+\(([^)]*)\)$/i.exec(c))) {
      const property = m[1]!; checkProperty(property);
      const values = [...m[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'").toLowerCase());
      return (o) => typeof o[property] === 'string' && values.includes((o[property] as string).toLowerCase());
    }
    if ((m = /^(\w+)\s+(ge|le|gt|lt)\s+/i.exec(c))) throw unsupported(m[1]!);
    throw graphError(ctx, 400, 'BadRequest', `Invalid filter clause: ${c}`);
  };
  const anyOf = filter.split(/\s+or\s+/i).map((part) => part.split(/\s+and\s+/i).map(parseClause));
  return (o) => anyOf.some((all) => all.every((p) => p(o)));
}

// ---------------------------------------------------------------------------------------------------------------
// Collections with $top, $skiptoken, $count, $orderby, $search

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    return isRecord(parsed) && typeof parsed.o === 'number' && parsed.o >= 0 ? parsed.o : 0;
  } catch {
    return 0;
  }
}

interface CollectionOptions { entitySet: string; resource: string; defaultTop: number; countable: boolean }

function sendCollection(ctx: RequestContext, items: { full: Json; extra: Json; typeName: string }[], options: CollectionOptions): void {
  const advanced = advancedQuery(ctx);
  const count = ctx.query.get('$count') === 'true';
  const filter = ctx.query.get('$filter');
  const orderby = ctx.query.get('$orderby');
  const search = ctx.query.get('$search');
  if (search && !advanced) {
    throw graphError(ctx, 400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
  }
  const advancedActive = advanced && (count || Boolean(search));
  if (filter && orderby && !advancedActive) throw graphError(ctx, 400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
  let selected = items;
  if (filter) {
    const predicate = parseFilter(ctx, filter, options.resource, { advanced: advancedActive });
    selected = selected.filter((i) => predicate({ ...i.full, ...i.extra }));
  }
  if (search) {
    const terms = [...search.matchAll(/"(\w+):([^"]*)"/g)].map((m) => ({ property: m[1]!, text: m[2]!.toLowerCase() }));
    selected = selected.filter((i) => terms.every((t) => String(i.full[t.property] ?? '').toLowerCase().includes(t.text)));
  }
  if (orderby) {
    const [property, direction] = orderby.trim().split(/\s+/);
    const sign = direction?.toLowerCase() === 'desc' ? -1 : 1;
    selected = [...selected].sort((a, b) => sign * String(a.full[property!] ?? '').localeCompare(String(b.full[property!] ?? '')));
  }
  const topText = ctx.query.get('$top');
  const top = topText === null ? options.defaultTop : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw graphError(ctx, 400, 'Request_UnsupportedQuery', `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`);
  }
  const offset = decodeSkipToken(ctx.query.get('$skiptoken'));
  const fields = selectedFields(ctx);
  const pageItems = selected.slice(offset, offset + top).map((i) => applySelect(ctx, i.full, i.extra, i.typeName, fields));
  const body: Json = { '@odata.context': context(ctx, options.entitySet, fields) };
  // @odata.count: only with the advanced-query header, and only on the first page.
  if (count && advanced && options.countable && offset === 0) body['@odata.count'] = selected.length;
  if (offset + top < selected.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('$skiptoken', encodeSkipToken(offset + top));
    body['@odata.nextLink'] = `${ctx.serviceBase}${ctx.path}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
  }
  body.value = pageItems;
  send(ctx, 200, body);
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

function notFound(ctx: RequestContext, id: string): HttpError {
  return graphError(ctx, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

function findUser(rt: SandboxRuntime, idOrUpn: string): UserObject | undefined {
  return rt.state.user(decodeURIComponent(idOrUpn));
}

function userItem(rt: SandboxRuntime, u: UserObject): { full: Json; extra: Json; typeName: string } {
  return { full: userJson(u), extra: userExtra(u, rt.state.defaultDomain), typeName: 'user' };
}

async function me(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  if (caller.kind !== 'user' || !caller.user) {
    throw graphError(ctx, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  const fields = selectedFields(ctx);
  const item = userItem(rt, caller.user);
  send(ctx, 200, { '@odata.context': context(ctx, 'users', fields, true), ...applySelect(ctx, item.full, item.extra, 'user', fields) });
}

async function listUsers(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  sendCollection(ctx, rt.state.users().map((u) => userItem(rt, u)), { entitySet: 'users', resource: 'User', defaultTop: 100, countable: true });
}

async function countUsers(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  if (!advancedQuery(ctx)) throw graphError(ctx, 400, 'Request_BadRequest', '$count is not currently supported.');
  const body = Buffer.from(String(rt.state.users().length));
  ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length), ...graphHeaders(ctx) });
  ctx.res.end(body);
}

async function getUser(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const user = findUser(rt, p[1]!);
  if (!user) throw notFound(ctx, decodeURIComponent(p[1]!));
  const fields = selectedFields(ctx);
  const item = userItem(rt, user);
  send(ctx, 200, { '@odata.context': context(ctx, 'users', fields, true), ...applySelect(ctx, item.full, item.extra, 'user', fields) });
}

/** memberOf / transitiveMemberOf of any directory object, with the optional microsoft.graph.group cast. */
function sendMemberships(ctx: RequestContext, rt: SandboxRuntime, subject: DirectoryObject, transitive: boolean, cast: boolean): void {
  const groups = transitive ? rt.state.transitiveGroupsOf(subject.objectId) : rt.state.directGroupsOf(subject.objectId);
  const advanced = advancedQuery(ctx) && ctx.query.get('$count') === 'true';
  if (ctx.query.get('$filter') && !advanced) {
    throw graphError(ctx, 400, 'Request_UnsupportedQuery', 'The specified filter to the reference property query is currently not supported.');
  }
  const items: { full: Json; extra: Json; typeName: string }[] = groups.map((g) => ({ full: withType(rt, g), extra: {}, typeName: 'group' }));
  if (!cast && subject.kind === 'user') {
    for (const role of subject.directoryRoles) items.push({ full: directoryRole(rt, role), extra: {}, typeName: 'directoryRole' });
  }
  sendCollection(ctx, items, { entitySet: cast ? 'groups' : 'directoryObjects', resource: cast ? 'Group' : 'DirectoryObject', defaultTop: 100, countable: true });
}

async function meMemberships(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  if (caller.kind !== 'user' || !caller.user) {
    throw graphError(ctx, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  sendMemberships(ctx, rt, caller.user, p[1]!.toLowerCase() === 'transitivememberof', Boolean(p[2]));
}

async function objectMemberships(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const collection = p[1]!.toLowerCase();
  const id = decodeURIComponent(p[2]!);
  const subject = collection === 'users' ? findUser(rt, id) : rt.state.object(id);
  const expectedKind = collection === 'users' ? 'user' : collection === 'groups' ? 'group' : 'servicePrincipal';
  if (!subject || subject.kind !== expectedKind) throw notFound(ctx, id);
  sendMemberships(ctx, rt, subject, p[3]!.toLowerCase() === 'transitivememberof', Boolean(p[4]));
}

async function listGroups(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  sendCollection(ctx, rt.state.groups().map((g) => ({ full: groupJson(g), extra: {}, typeName: 'group' })), { entitySet: 'groups', resource: 'Group', defaultTop: 100, countable: true });
}

function requireGroup(ctx: RequestContext, rt: SandboxRuntime, id: string): GroupObject {
  const group = rt.state.object(id);
  if (!group || group.kind !== 'group') throw notFound(ctx, id);
  return group;
}

async function getGroup(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  const fields = selectedFields(ctx);
  send(ctx, 200, { '@odata.context': context(ctx, 'groups', fields, true), ...applySelect(ctx, groupJson(group), {}, 'group', fields) });
}

const MAIL_NICKNAME = /^[\x21-\x7e]+$/;

/** Object id at the end of an @odata.bind / @odata.id reference such as https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
function referencedId(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const last = reference.replace(/\/+$/, '').split('/').pop() ?? '';
  return isGuid(last) ? last : undefined;
}

async function createGroup(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const allowed = caller.kind === 'app'
    ? GROUP_CREATE_ROLES.some((r) => caller.roles.has(r))
    : GROUP_WRITE_SCOPES.some((s) => caller.scopes.has(s)) && (rt.state.seed.tenant.usersCanCreateSecurityGroups || isGroupAdmin(caller));
  if (!allowed) throw denied(ctx);
  const body = parseJson(await ctx.body());
  if (!isRecord(body)) throw graphError(ctx, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const invalid = (property: string): HttpError => graphError(ctx, 400, 'Request_BadRequest', `Invalid value specified for property '${property}' of resource 'Group'.`);
  const { displayName, mailNickname, mailEnabled, securityEnabled, description, groupTypes } = body;
  if (typeof displayName !== 'string' || displayName.length === 0 || displayName.length > 256) throw invalid('displayName');
  if (typeof mailNickname !== 'string' || mailNickname.length > 64 || !MAIL_NICKNAME.test(mailNickname) || /[@()\\[\]";:.<>,\s]/.test(mailNickname)) throw invalid('mailNickname');
  if (typeof mailEnabled !== 'boolean') throw invalid('mailEnabled');
  if (typeof securityEnabled !== 'boolean') throw invalid('securityEnabled');
  if (description !== undefined && description !== null && typeof description !== 'string') throw invalid('description');
  if (groupTypes !== undefined && !(Array.isArray(groupTypes) && groupTypes.every((t) => typeof t === 'string'))) throw invalid('groupTypes');
  const references: { property: string; ids: string[] }[] = [];
  for (const property of ['owners@odata.bind', 'members@odata.bind']) {
    const value = body[property];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length > 20) throw graphError(ctx, 400, 'Request_BadRequest', `Invalid value for property '${property}'.`);
    const ids = value.map(referencedId);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!id || !rt.state.object(id)) throw notFound(ctx, String(value[i]));
    }
    references.push({ property, ids: ids as string[] });
  }
  const group = rt.state.createGroup({ displayName, mailNickname, description: typeof description === 'string' ? description : null, securityEnabled, mailEnabled });
  for (const ref of references) {
    if (ref.property.startsWith('members')) for (const id of ref.ids) group.members.add(id.toLowerCase());
  }
  rt.control.count('graph.groups.created');
  send(ctx, 201, {
    '@odata.context': context(ctx, 'groups', undefined, true),
    '@odata.id': `https://graph.microsoft.com/v2/${rt.state.tenantId}/directoryObjects/${group.objectId}/Microsoft.DirectoryServices.Group`,
    ...groupJson(group),
  });
}

async function deleteGroup(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  const allowed = caller.kind === 'app' ? ['Group.ReadWrite.All', 'Directory.ReadWrite.All'].some((r) => caller.roles.has(r)) : isGroupAdmin(caller);
  if (!allowed) throw denied(ctx);
  rt.state.objects.delete(group.objectId.toLowerCase());
  rt.state.byKey.delete(group.key);
  for (const g of rt.state.groups()) g.members.delete(group.objectId.toLowerCase());
  rt.state.roleAssignments = rt.state.roleAssignments.filter((a) => a.principalId.toLowerCase() !== group.objectId.toLowerCase());
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

async function listMembers(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  const transitive = p[2]!.toLowerCase() === 'transitivemembers';
  const ids = new Set<string>(group.members);
  if (transitive) {
    const queue = [...group.members];
    while (queue.length > 0) {
      const member = rt.state.object(queue.shift()!);
      if (member?.kind === 'group') for (const id of member.members) if (!ids.has(id)) { ids.add(id); queue.push(id); }
    }
  }
  const items = [...ids].map((id) => rt.state.object(id)).filter((o): o is DirectoryObject => o !== undefined)
    .map((o) => ({ full: withType(rt, o), extra: {}, typeName: o.kind }));
  sendCollection(ctx, items, { entitySet: 'directoryObjects', resource: 'DirectoryObject', defaultTop: 100, countable: true });
}

function canManageMembers(caller: GraphCaller): boolean {
  return caller.kind === 'app' ? MEMBER_WRITE_ROLES.some((r) => caller.roles.has(r)) : isGroupAdmin(caller);
}

async function addMember(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  if (!canManageMembers(caller)) throw denied(ctx);
  const body = parseJson(await ctx.body());
  const reference = isRecord(body) ? body['@odata.id'] : undefined;
  if (typeof reference !== 'string') throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value for property '@odata.id'.");
  const id = referencedId(reference);
  const member = id ? rt.state.object(id) : undefined;
  if (!id || !member) throw notFound(ctx, id ?? reference);
  if (group.members.has(member.objectId.toLowerCase())) {
    throw graphError(ctx, 400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
  }
  group.members.add(member.objectId.toLowerCase());
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

async function removeMember(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  if (!canManageMembers(caller)) throw denied(ctx);
  const memberId = decodeURIComponent(p[2]!).toLowerCase();
  if (!group.members.has(memberId)) throw notFound(ctx, memberId);
  group.members.delete(memberId);
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

function servicePrincipals(rt: SandboxRuntime): ServicePrincipalObject[] {
  return [...rt.state.objects.values()].filter((o): o is ServicePrincipalObject => o.kind === 'servicePrincipal');
}

async function listServicePrincipals(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  sendCollection(ctx, servicePrincipals(rt).map((sp) => ({ full: servicePrincipalJson(rt, sp), extra: {}, typeName: 'servicePrincipal' })), { entitySet: 'servicePrincipals', resource: 'ServicePrincipal', defaultTop: 100, countable: true });
}

async function getServicePrincipal(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const id = decodeURIComponent(p[1]!);
  const sp = rt.state.object(id);
  if (!sp || sp.kind !== 'servicePrincipal') throw notFound(ctx, id);
  const fields = selectedFields(ctx);
  send(ctx, 200, { '@odata.context': context(ctx, 'servicePrincipals', fields, true), ...applySelect(ctx, servicePrincipalJson(rt, sp), {}, 'servicePrincipal', fields) });
}

async function getDirectoryObject(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const id = decodeURIComponent(p[1]!);
  const object = rt.state.object(id);
  if (!object) throw notFound(ctx, id);
  send(ctx, 200, { '@odata.context': context(ctx, 'directoryObjects', undefined, true), ...withType(rt, object) });
}

async function getByIds(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const body = parseJson(await ctx.body());
  const ids = isRecord(body) && Array.isArray(body.ids) ? body.ids : undefined;
  if (!ids || !ids.every((i) => typeof i === 'string') || ids.length > 1000) {
    throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'ids' of resource 'DirectoryObject'.");
  }
  const types = isRecord(body) && Array.isArray(body.types) ? body.types.map((t) => String(t).toLowerCase()) : undefined;
  const objects = (ids as string[]).map((id) => rt.state.object(id)).filter((o): o is DirectoryObject => o !== undefined)
    .filter((o) => !types || types.includes(o.kind.toLowerCase()));
  send(ctx, 200, { '@odata.context': context(ctx, 'directoryObjects', undefined), value: objects.map((o) => withType(rt, o)) });
}

async function organization(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  await authenticate(ctx, rt);
  send(ctx, 200, {
    '@odata.context': context(ctx, 'organization', undefined),
    value: [{
      id: rt.state.tenantId,
      deletedDateTime: null,
      displayName: rt.state.tenantDisplayName,
      countryLetterCode: rt.state.seed.tenant.countryCode,
      tenantType: 'AAD',
      verifiedDomains: [{ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: true, name: rt.state.defaultDomain, type: 'Managed' }],
    }],
  });
}

const V = '/(v1\\.0|beta)';
const ID = '([^/]+)';
const CAST = '(/microsoft\\.graph\\.group)?';

export const graphRoutes: Route<SandboxRuntime>[] = [
  { name: 'graph.me', method: 'GET', pattern: new RegExp(`^${V}/me$`), handle: me },
  { name: 'graph.me.memberOf', method: 'GET', pattern: new RegExp(`^${V}/me/(memberOf|transitiveMemberOf)${CAST}$`, 'i'), handle: meMemberships },
  { name: 'graph.users.count', method: 'GET', pattern: new RegExp(`^${V}/users/\\$count$`), handle: countUsers },
  { name: 'graph.users.list', method: 'GET', pattern: new RegExp(`^${V}/users$`), handle: listUsers },
  { name: 'graph.users.get', method: 'GET', pattern: new RegExp(`^${V}/users/${ID}$`), handle: getUser },
  { name: 'graph.memberOf', method: 'GET', pattern: new RegExp(`^${V}/(users|groups|servicePrincipals)/${ID}/(memberOf|transitiveMemberOf)${CAST}$`, 'i'), handle: objectMemberships },
  { name: 'graph.groups.list', method: 'GET', pattern: new RegExp(`^${V}/groups$`), handle: listGroups },
  { name: 'graph.groups.create', method: 'POST', pattern: new RegExp(`^${V}/groups$`), handle: createGroup },
  { name: 'graph.groups.get', method: 'GET', pattern: new RegExp(`^${V}/groups/${ID}$`), handle: getGroup },
  { name: 'graph.groups.delete', method: 'DELETE', pattern: new RegExp(`^${V}/groups/${ID}$`), handle: deleteGroup },
  { name: 'graph.groups.members', method: 'GET', pattern: new RegExp(`^${V}/groups/${ID}/(members|transitiveMembers)$`, 'i'), handle: listMembers },
  { name: 'graph.groups.addMember', method: 'POST', pattern: new RegExp(`^${V}/groups/${ID}/members/\\$ref$`), handle: addMember },
  { name: 'graph.groups.removeMember', method: 'DELETE', pattern: new RegExp(`^${V}/groups/${ID}/members/${ID}/\\$ref$`), handle: removeMember },
  { name: 'graph.servicePrincipals.list', method: 'GET', pattern: new RegExp(`^${V}/servicePrincipals$`), handle: listServicePrincipals },
  { name: 'graph.servicePrincipals.get', method: 'GET', pattern: new RegExp(`^${V}/servicePrincipals/${ID}$`), handle: getServicePrincipal },
  { name: 'graph.directoryObjects.getByIds', method: 'POST', pattern: new RegExp(`^${V}/directoryObjects/getByIds$`), handle: getByIds },
  { name: 'graph.directoryObjects.get', method: 'GET', pattern: new RegExp(`^${V}/directoryObjects/${ID}$`), handle: getDirectoryObject },
  { name: 'graph.organization', method: 'GET', pattern: new RegExp(`^${V}/organization$`), handle: organization },
];

export function graphNotFound(ctx: RequestContext): HttpError {
  return graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${ctx.path.split('/').pop() ?? ''}'.`);
}
