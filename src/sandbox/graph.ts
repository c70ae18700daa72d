// Microsoft Graph v1.0 stand-in for the directory calls the product makes: /me, users, groups (create a security
// group, members/$ref), memberOf/transitiveMemberOf (with the ConsistencyLevel/$count rules for casts and
// filters), checkMemberGroups/getMemberGroups, servicePrincipals, app registrations (create, addPassword,
// removePassword, delete; deleting one takes its service principal along),
// directoryObjects/getByIds and organization. Writes obey the token: an application's roles, or a user's
// delegated permissions (`scp`, which depend on the client app) plus the user's directory roles. Shapes and
// errors follow test/fixtures/realdata/graph.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GRAPH_AUDIENCES } from './entra';
import { header, HttpError, isGuid, isRecord, parseJson, sendEmpty, type RequestContext, type Route } from './http';
import type { SandboxRuntime } from './runtime';
import type { ApplicationRecord, DirectoryObject, GroupObject, ServicePrincipalObject, UserObject } from './state';
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

function graphErrorBody(ctx: RequestContext, code: string, message: string, details?: Json[]): Json {
  return { error: { code, message, ...(details ? { details } : {}), innerError: { date: graphDate(), 'request-id': ctx.requestId, 'client-request-id': clientRequestId(ctx) } } };
}

function graphError(ctx: RequestContext, status: number, code: string, message: string, details?: Json[]): HttpError {
  return new HttpError(status, graphErrorBody(ctx, code, message, details), graphHeaders(ctx));
}

/**
 * The answer to an injected fault without a body of its own: Graph's error shape and headers. 429 follows a real
 * throttled answer (a Microsoft Q&A capture: code TooManyRequests, "Too many requests from Identifier:... Please
 * try again later.", Retry-After and request-id headers).
 */
export function graphFault(ctx: RequestContext, status: number): { body: Json; headers: Record<string, string> } {
  const [code, message] = ({
    401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
    403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
    404: ['Request_ResourceNotFound', 'Resource does not exist or one of its queried reference-property objects are not present.'],
    429: ['TooManyRequests', 'Too many requests from Identifier:Sandbox Loopback under category:throttle.aad.ags.directory. Please try again later.'],
    503: ['ServiceUnavailable', 'Service unavailable.'],
  } as Record<number, [string, string]>)[status] ?? (status >= 500 ? ['UnknownError', ''] : ['BadRequest', 'The request failed.']);
  return { body: graphErrorBody(ctx, code, message), headers: graphHeaders(ctx) };
}

function send(ctx: RequestContext, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  ctx.res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': String(body.length), 'Cache-Control': 'no-cache', ...graphHeaders(ctx), ...headers });
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

const READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Application.Read.All', 'Application.ReadWrite.All'];
const GROUP_CREATE_ROLES = ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const MEMBER_WRITE_ROLES = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const GROUP_DELETE_ROLES = ['Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const APP_WRITE_ROLES = ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'];
// Delegated: the token's scp must hold one of these (Directory.AccessAsUser.All acts with all of the user's rights).
const GROUP_WRITE_SCOPES = ['Group.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'];
const MEMBER_WRITE_SCOPES = ['GroupMember.ReadWrite.All', ...GROUP_WRITE_SCOPES];
const APP_WRITE_SCOPES = ['Application.ReadWrite.All', 'Directory.AccessAsUser.All'];
/** Delegated scopes that let /organization return more than id, displayName and verifiedDomains. */
const DIRECTORY_READ_SCOPES = ['Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'];
/** Directory roles that may create groups and manage any group's members even when users may not. */
const GROUP_ADMIN_ROLES = ['Global Administrator', 'Groups Administrator', 'User Administrator'];
/** Directory roles that may register applications when users may not, and manage any app registration. */
const APP_ADMIN_ROLES = ['Global Administrator', 'Application Administrator', 'Cloud Application Administrator'];

function denied(ctx: RequestContext): HttpError {
  return graphError(ctx, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

function requireRead(ctx: RequestContext, caller: GraphCaller): void {
  if (caller.kind === 'app' && !READ_ROLES.some((r) => caller.roles.has(r))) throw denied(ctx);
}

function isGroupAdmin(caller: GraphCaller): boolean {
  return caller.user?.directoryRoles.some((r) => GROUP_ADMIN_ROLES.includes(r)) ?? false;
}

function isAppAdmin(caller: GraphCaller): boolean {
  return caller.user?.directoryRoles.some((r) => APP_ADMIN_ROLES.includes(r)) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// Serialization

const DIRECTORY_ROLE_TEMPLATES: Record<string, { templateId: string; description: string }> = {
  'Global Administrator': { templateId: '62e90394-69f5-4237-9190-012177145e10', description: 'Can manage all aspects of Azure AD and Microsoft services that use Azure AD identities.' },
  'Groups Administrator': { templateId: 'fdd7a751-b60b-444a-984c-02652fe8fa1c', description: 'Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.' },
  'User Administrator': { templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', description: 'Can manage all aspects of users and groups, including resetting passwords for limited admins.' },
  'Application Administrator': { templateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', description: 'Can create and manage all aspects of app registrations and enterprise apps.' },
  'Cloud Application Administrator': { templateId: '158c047a-c907-4556-b7ef-446551a6b5f7', description: 'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.' },
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

/** The service principal as Graph v1.0 returns it (graph/post-servicePrincipal-create.json, recorded). */
function servicePrincipalJson(rt: SandboxRuntime, sp: ServicePrincipalObject): Json {
  const application = sp.servicePrincipalType === 'Application';
  return {
    id: sp.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: sp.managedIdentity ? [`isExplicit=${sp.managedIdentity.kind === 'userAssigned' ? 'True' : 'False'}`, sp.managedIdentity.resourceId] : [],
    appDisplayName: application ? sp.displayName : null,
    appDescription: null,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: application ? rt.state.tenantId : null,
    appRoleAssignmentRequired: false,
    createdDateTime: new Date(sp.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: sp.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames: sp.managedIdentity ? [sp.appId, sp.managedIdentity.resourceId] : [sp.appId],
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: application ? 'AzureADMyOrg' : null,
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    addIns: [],
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
  };
}

interface PasswordCredentialJson { customKeyIdentifier: null; displayName: string | null; endDateTime: string; hint: string; keyId: string; secretText: string | null; startDateTime: string }

function passwordJson(p: ApplicationRecord['passwordCredentials'][number], withSecret: boolean): PasswordCredentialJson {
  return { customKeyIdentifier: null, displayName: p.displayName, endDateTime: p.endDateTime, hint: p.hint, keyId: p.keyId, secretText: withSecret ? p.secret : null, startDateTime: p.startDateTime };
}

/** An app registration as Graph v1.0 returns it (graph/post-application-create.json, recorded). */
function applicationJson(rt: SandboxRuntime, app: ApplicationRecord): Json {
  return {
    id: app.objectId,
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: app.createdDateTime,
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain: rt.state.defaultDomain,
    serviceManagementReference: null,
    signInAudience: app.signInAudience,
    tags: [],
    tokenEncryptionKeyId: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    addIns: [],
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: 2, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: app.passwordCredentials.map((p) => passwordJson(p, false)),
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
    spa: { redirectUris: [] },
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
  Application: ['appId', 'displayName', 'id', 'signInAudience'],
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

/**
 * A transitive relationship cast to a type (`transitiveMemberOf/microsoft.graph.group`) is an advanced query: the
 * docs require `ConsistencyLevel: eventual` and `$count=true` for it (graph/me-memberOf-and-transitiveMemberOf.json,
 * doc_notes), and without them Graph answers 400 Request_UnsupportedQuery "Invalid search request." (the body
 * reported in microsoftgraph/microsoft-graph-docs-contrib issue #1517 for transitiveMembers/microsoft.graph.group).
 */
function requireAdvancedCast(ctx: RequestContext, transitive: boolean, cast: boolean): void {
  if (transitive && cast && !(advancedQuery(ctx) && ctx.query.get('$count') === 'true')) {
    throw graphError(ctx, 400, 'Request_UnsupportedQuery', 'Invalid search request.');
  }
}

/** memberOf / transitiveMemberOf of any directory object, with the optional microsoft.graph.group cast. */
function sendMemberships(ctx: RequestContext, rt: SandboxRuntime, subject: DirectoryObject, transitive: boolean, cast: boolean): void {
  const groups = transitive ? rt.state.transitiveGroupsOf(subject.objectId) : rt.state.directGroupsOf(subject.objectId);
  const advanced = advancedQuery(ctx) && ctx.query.get('$count') === 'true';
  if (ctx.query.get('$filter') && !advanced) {
    throw graphError(ctx, 400, 'Request_UnsupportedQuery', 'The specified filter to the reference property query is currently not supported.');
  }
  requireAdvancedCast(ctx, transitive, cast);
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
  if (typeof mailNickname !== 'string' || mailNickname.length > 64 || !MAIL_NICKNAME.test(mailNickname) || /[@()\\[\]";:.<>,\s]/.test(mailNickname)) {
    // The real answer names the property in `details` (graph/errors/Request_BadRequest_invalid_mailNickname_400.json).
    throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'mailNickname' of resource 'Group'.", [{ target: 'mailNickname', code: 'InvalidValue' }]);
  }
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
    const into = ref.property.startsWith('members') ? group.members : group.owners;
    for (const id of ref.ids) into.add(id.toLowerCase());
  }
  // A user who creates a group without naming owners owns it (so they may manage its members afterwards).
  if (caller.kind === 'user' && group.owners.size === 0) group.owners.add(caller.objectId.toLowerCase());
  rt.state.membershipChanged();
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
  const allowed = caller.kind === 'app'
    ? GROUP_DELETE_ROLES.some((r) => caller.roles.has(r))
    : GROUP_WRITE_SCOPES.some((scope) => caller.scopes.has(scope)) && isGroupAdmin(caller);
  if (!allowed) throw denied(ctx);
  rt.state.deleteGroup(group);
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

async function listMembers(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  const transitive = p[2]!.toLowerCase() === 'transitivemembers';
  const castTo = p[3] ? p[3].toLowerCase() : undefined;
  requireAdvancedCast(ctx, transitive, castTo !== undefined);
  const ids = new Set<string>(group.members);
  if (transitive) {
    const queue = [...group.members];
    while (queue.length > 0) {
      const member = rt.state.object(queue.shift()!);
      if (member?.kind === 'group') for (const id of member.members) if (!ids.has(id)) { ids.add(id); queue.push(id); }
    }
  }
  const items = [...ids].map((id) => rt.state.object(id)).filter((o): o is DirectoryObject => o !== undefined)
    .filter((o) => castTo === undefined || o.kind.toLowerCase() === castTo)
    .map((o) => ({ full: withType(rt, o), extra: {}, typeName: o.kind }));
  const cast = castTo === undefined ? undefined : ({ user: ['users', 'User'], group: ['groups', 'Group'], serviceprincipal: ['servicePrincipals', 'ServicePrincipal'] } as const)[castTo as 'user' | 'group' | 'serviceprincipal'];
  sendCollection(ctx, items, { entitySet: cast?.[0] ?? 'directoryObjects', resource: cast?.[1] ?? 'DirectoryObject', defaultTop: 100, countable: true });
}

/**
 * An app needs a member-write role (or to own the group); a user needs a delegated permission that allows it, and
 * either a directory role that may or to be one of the group's owners (group-post-members: "Group owners").
 */
function canManageMembers(caller: GraphCaller, group: GroupObject): boolean {
  const owner = group.owners.has(caller.objectId.toLowerCase());
  return caller.kind === 'app'
    ? MEMBER_WRITE_ROLES.some((r) => caller.roles.has(r)) || owner
    : MEMBER_WRITE_SCOPES.some((scope) => caller.scopes.has(scope)) && (isGroupAdmin(caller) || owner);
}

async function addMember(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  if (!canManageMembers(caller, group)) throw denied(ctx);
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
  rt.state.membershipChanged();
  rt.control.count('graph.groups.members.added');
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

async function removeMember(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const group = requireGroup(ctx, rt, decodeURIComponent(p[1]!));
  if (!canManageMembers(caller, group)) throw denied(ctx);
  const memberId = decodeURIComponent(p[2]!).toLowerCase();
  if (!group.members.has(memberId)) throw notFound(ctx, memberId);
  group.members.delete(memberId);
  rt.state.membershipChanged();
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

/** AAD_PREMIUM_P2's service plan: what the PIM APIs need (tenant.pimEnabled). */
const AAD_PREMIUM_P2_PLAN = 'eec0eb4f-6444-4f95-aba0-50c24d67f998';

async function organization(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  // "Applications granted the User.Read permission are able to read only the id, displayName, and verifiedDomains
  // properties of the organization. All other properties will return with null values." (get-organization.json)
  const full = caller.kind === 'app' || DIRECTORY_READ_SCOPES.some((scope) => caller.scopes.has(scope));
  const limited = <T>(value: T): T | null => (full ? value : null);
  const tenant = rt.state.seed.tenant;
  const planDate = '2024-01-01T00:00:00Z';
  send(ctx, 200, {
    '@odata.context': context(ctx, 'organization', undefined),
    value: [{
      id: rt.state.tenantId,
      deletedDateTime: null,
      businessPhones: limited([]),
      city: null,
      country: null,
      countryLetterCode: limited(tenant.countryCode),
      createdDateTime: limited('2024-01-01T00:00:00Z'),
      defaultUsageLocation: null,
      displayName: rt.state.tenantDisplayName,
      isMultipleDataLocationsForServicesEnabled: null,
      marketingNotificationEmails: limited([]),
      onPremisesLastSyncDateTime: null,
      onPremisesSyncEnabled: null,
      partnerTenantType: null,
      postalCode: null,
      preferredLanguage: limited('en'),
      securityComplianceNotificationMails: limited([]),
      securityComplianceNotificationPhones: limited([]),
      state: null,
      street: null,
      technicalNotificationMails: limited([]),
      tenantType: limited('AAD'),
      directorySizeQuota: limited({ used: rt.state.objects.size, total: 50000 }),
      assignedPlans: limited(tenant.pimEnabled ? [{ assignedDateTime: planDate, capabilityStatus: 'Enabled', service: 'AADPremiumService', servicePlanId: AAD_PREMIUM_P2_PLAN }] : []),
      privacyProfile: limited({ contactEmail: '', statementUrl: '' }),
      provisionedPlans: limited(tenant.pimEnabled ? [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'AADPremiumService' }] : []),
      verifiedDomains: [{ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: true, name: rt.state.defaultDomain, type: 'Managed' }],
    }],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// checkMemberGroups / getMemberGroups (transitive, answers are collections of ids)

const STRING_COLLECTION = 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)';

async function memberGroupsSubject(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<DirectoryObject> {
  const caller = await authenticate(ctx, rt);
  if (p[1] === undefined || p[1] === '') {
    if (caller.kind !== 'user' || !caller.user) throw graphError(ctx, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return caller.user;
  }
  requireRead(ctx, caller);
  const collection = p[1].toLowerCase();
  const id = decodeURIComponent(p[2]!);
  const subject = collection === 'users' ? findUser(rt, id) : rt.state.object(id);
  const expected = { users: 'user', groups: 'group', serviceprincipals: 'servicePrincipal' }[collection as 'users' | 'groups' | 'serviceprincipals'];
  if (!subject || (expected !== undefined && subject.kind !== expected)) throw notFound(ctx, id);
  return subject;
}

async function memberGroups(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const subject = await memberGroupsSubject(ctx, p, rt);
  const operation = p[3]!.toLowerCase();
  const body = parseJson(await ctx.body());
  const groups = rt.state.transitiveGroupsOf(subject.objectId);
  if (operation === 'checkmembergroups') {
    const groupIds = isRecord(body) ? body.groupIds : undefined;
    // "You can check up to a maximum of 20 groups per request."
    if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > 20 || !groupIds.every((g) => typeof g === 'string')) {
      throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'groupIds' of resource 'DirectoryObject'.");
    }
    const member = new Set(groups.map((g) => g.objectId.toLowerCase()));
    const value = (groupIds as string[]).filter((id) => member.has(id.toLowerCase())).map((id) => rt.state.object(id)!.objectId);
    send(ctx, 200, { '@odata.context': STRING_COLLECTION, value });
    return;
  }
  const securityEnabledOnly = isRecord(body) ? body.securityEnabledOnly : undefined;
  if (typeof securityEnabledOnly !== 'boolean') {
    throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'securityEnabledOnly' of resource 'DirectoryObject'.");
  }
  send(ctx, 200, { '@odata.context': STRING_COLLECTION, value: groups.filter((g) => !securityEnabledOnly || g.securityEnabled).map((g) => g.objectId) });
}

// ---------------------------------------------------------------------------------------------------------------
// App registrations and the service principals made for them

function canWriteApplications(caller: GraphCaller): boolean {
  // Users may register applications (the Entra default); a delegated token still needs a permission that allows it.
  return caller.kind === 'app' ? APP_WRITE_ROLES.some((r) => caller.roles.has(r)) : APP_WRITE_SCOPES.some((scope) => caller.scopes.has(scope));
}

/**
 * Changing an existing app registration (its passwords, deleting it): an app with Application.ReadWrite.All, or one
 * of its owners (Application.ReadWrite.OwnedBy for apps); a user with a delegated permission that allows it who owns
 * the app or holds an application administrator role.
 */
function canManageApplication(caller: GraphCaller, app: ApplicationRecord): boolean {
  const owner = app.owners.includes(caller.objectId.toLowerCase());
  return caller.kind === 'app'
    ? caller.roles.has('Application.ReadWrite.All') || (owner && APP_WRITE_ROLES.some((r) => caller.roles.has(r)))
    : APP_WRITE_SCOPES.some((scope) => caller.scopes.has(scope)) && (owner || isAppAdmin(caller));
}

function directoryObjectLocation(rt: SandboxRuntime, id: string, type: 'Application' | 'ServicePrincipal'): string {
  return `https://graph.microsoft.com/v2/${rt.state.tenantId}/directoryObjects/${id}/Microsoft.DirectoryServices.${type}`;
}

const SIGN_IN_AUDIENCES = ['AzureADMyOrg', 'AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount', 'PersonalMicrosoftAccount'];

async function createApplication(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  if (!canWriteApplications(caller)) throw denied(ctx);
  // "Users can register applications" off: only the application administrator roles may (tenant flag).
  if (caller.kind === 'user' && !rt.state.seed.tenant.usersCanRegisterApplications && !isAppAdmin(caller)) throw denied(ctx);
  const body = parseJson(await ctx.body());
  if (!isRecord(body)) throw graphError(ctx, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const invalid = (property: string): HttpError => graphError(ctx, 400, 'Request_BadRequest', `Invalid value specified for property '${property}' of resource 'Application'.`);
  if (typeof body.displayName !== 'string' || body.displayName.length === 0 || body.displayName.length > 256) throw invalid('displayName');
  if (body.signInAudience !== undefined && (typeof body.signInAudience !== 'string' || !SIGN_IN_AUDIENCES.includes(body.signInAudience))) throw invalid('signInAudience');
  // "Adding passwordCredential when creating applications is not supported. Use the addPassword method".
  if (Array.isArray(body.passwordCredentials) && body.passwordCredentials.length > 0) throw invalid('passwordCredentials');
  const app: ApplicationRecord = {
    objectId: randomUUID(), appId: randomUUID(), displayName: body.displayName,
    // The recorded answer (az ad app create, no audience given) says AzureADandPersonalMicrosoftAccount.
    signInAudience: typeof body.signInAudience === 'string' ? body.signInAudience : 'AzureADandPersonalMicrosoftAccount',
    createdDateTime: new Date().toISOString().replace('Z', '0000Z'), passwordCredentials: [],
    // Entra makes the creator an owner (a user through a delegated call, an app through Application.ReadWrite.OwnedBy).
    owners: [caller.objectId.toLowerCase()],
  };
  rt.state.applications.set(app.objectId.toLowerCase(), app);
  rt.control.count('graph.applications.created');
  send(ctx, 201, { '@odata.context': context(ctx, 'applications', undefined, true), ...applicationJson(rt, app) },
    { Location: directoryObjectLocation(rt, app.objectId, 'Application') });
}

function requireApplication(ctx: RequestContext, rt: SandboxRuntime, id: string): ApplicationRecord {
  const app = rt.state.applications.get(id.toLowerCase());
  if (!app) throw notFound(ctx, id);
  return app;
}

async function listApplications(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  sendCollection(ctx, [...rt.state.applications.values()].map((a) => ({ full: applicationJson(rt, a), extra: {}, typeName: 'application' })), { entitySet: 'applications', resource: 'Application', defaultTop: 100, countable: true });
}

async function getApplication(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  requireRead(ctx, caller);
  const app = requireApplication(ctx, rt, decodeURIComponent(p[1]!));
  const fields = selectedFields(ctx);
  send(ctx, 200, { '@odata.context': context(ctx, 'applications', fields, true), ...applySelect(ctx, applicationJson(rt, app), {}, 'application', fields) });
}

/** A client secret of the kind Entra generates: 40 characters from letters, digits and `~._-`. */
function newClientSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join('');
}

function optionalDate(ctx: RequestContext, value: unknown, property: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw graphError(ctx, 400, 'Request_BadRequest', `Invalid value specified for property '${property}' of resource 'PasswordCredential'.`);
  }
  return value;
}

async function addPassword(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const app = requireApplication(ctx, rt, decodeURIComponent(p[1]!));
  if (!canWriteApplications(caller) || !canManageApplication(caller, app)) throw denied(ctx);
  const body = parseJson(await ctx.body());
  const requested = isRecord(body) && isRecord(body.passwordCredential) ? body.passwordCredential : {};
  const displayName = typeof requested.displayName === 'string' ? requested.displayName : null;
  // Defaults from the docs: start now, end two years later.
  const start = optionalDate(ctx, requested.startDateTime, 'startDateTime') ?? new Date().toISOString().replace('Z', '0000Z');
  const end = optionalDate(ctx, requested.endDateTime, 'endDateTime')
    ?? new Date(Date.parse(start) + 2 * 365 * 24 * 3600 * 1000).toISOString().replace('Z', '0000Z');
  if (Date.parse(end) <= Date.parse(start)) throw graphError(ctx, 400, 'Request_BadRequest', 'Key credential end date is invalid.');
  const secret = newClientSecret();
  const credential = { keyId: randomUUID(), displayName, hint: secret.slice(0, 3), secret, startDateTime: start, endDateTime: end };
  app.passwordCredentials.push(credential);
  // The application's passwords are its service principal's client secrets (client credentials work with them).
  rt.state.servicePrincipalByAppId(app.appId)?.secrets.push(secret);
  send(ctx, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential', ...passwordJson(credential, true) });
}

async function createServicePrincipal(ctx: RequestContext, _p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  if (!canWriteApplications(caller)) throw denied(ctx);
  const body = parseJson(await ctx.body());
  if (!isRecord(body)) throw graphError(ctx, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const appId = body.appId;
  if (typeof appId !== 'string' || !isGuid(appId)) throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'appId' of resource 'ServicePrincipal'.");
  if (body.accountEnabled !== undefined && typeof body.accountEnabled !== 'boolean') throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'accountEnabled' of resource 'ServicePrincipal'.");
  const app = [...rt.state.applications.values()].find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  if (!app) throw graphError(ctx, 400, 'Request_BadRequest', `The appId '${appId}' of the service principal does not reference a valid application object.`);
  if (rt.state.servicePrincipalByAppId(appId)) {
    throw graphError(ctx, 400, 'Request_BadRequest', 'Another object with the same value for property servicePrincipalNames already exists.');
  }
  const sp = rt.state.createServicePrincipal(app);
  const json = servicePrincipalJson(rt, sp);
  // A service principal of an app registration carries the app's audience (the recorded answer does).
  send(ctx, 201, { '@odata.context': context(ctx, 'servicePrincipals', undefined, true), ...json, signInAudience: app.signInAudience },
    { Location: directoryObjectLocation(rt, sp.objectId, 'ServicePrincipal') });
}

/**
 * POST /applications/{id}/removePassword `{keyId}`: 204, and the secret no longer signs the app in. A key id the app
 * does not have is a 400 (the wording of that message is not from a capture).
 */
async function removePassword(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const app = requireApplication(ctx, rt, decodeURIComponent(p[1]!));
  if (!canWriteApplications(caller) || !canManageApplication(caller, app)) throw denied(ctx);
  const body = parseJson(await ctx.body());
  const keyId = isRecord(body) ? body.keyId : undefined;
  if (typeof keyId !== 'string' || !isGuid(keyId)) {
    throw graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'keyId' of resource 'PasswordCredential'.");
  }
  const index = app.passwordCredentials.findIndex((c) => c.keyId.toLowerCase() === keyId.toLowerCase());
  if (index < 0) throw graphError(ctx, 400, 'Request_BadRequest', `No password credential with keyId '${keyId}' exists on the application.`);
  const [removed] = app.passwordCredentials.splice(index, 1);
  const sp = rt.state.servicePrincipalByAppId(app.appId);
  if (sp && removed) sp.secrets = sp.secrets.filter((secret) => secret !== removed.secret);
  rt.control.count('graph.applications.passwordRemoved');
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

/** DELETE /applications/{id}: 204; its service principal, that one's role assignments and memberships go too. */
async function deleteApplication(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const app = requireApplication(ctx, rt, decodeURIComponent(p[1]!));
  if (!canWriteApplications(caller) || !canManageApplication(caller, app)) throw denied(ctx);
  rt.state.deleteApplication(app);
  rt.control.count('graph.applications.deleted');
  sendEmpty(ctx, 204, graphHeaders(ctx));
}

/** DELETE /servicePrincipals/{id}: only the service principal of an app registration made through Graph; the app stays. */
async function deleteServicePrincipal(ctx: RequestContext, p: string[], rt: SandboxRuntime): Promise<void> {
  const caller = await authenticate(ctx, rt);
  const id = decodeURIComponent(p[1]!);
  const sp = rt.state.object(id);
  if (!sp || sp.kind !== 'servicePrincipal') throw notFound(ctx, id);
  const app = [...rt.state.applications.values()].find((a) => a.appId.toLowerCase() === sp.appId.toLowerCase());
  // Seeded service principals and managed identities stay: the sandbox's scenarios depend on them.
  if (!app || !canWriteApplications(caller) || !canManageApplication(caller, app)) throw denied(ctx);
  rt.state.deleteServicePrincipal(sp);
  sendEmpty(ctx, 204, graphHeaders(ctx));
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
  { name: 'graph.groups.members', method: 'GET', pattern: new RegExp(`^${V}/groups/${ID}/(members|transitiveMembers)(?:/microsoft\\.graph\\.(user|group|servicePrincipal))?$`, 'i'), handle: listMembers },
  { name: 'graph.groups.addMember', method: 'POST', pattern: new RegExp(`^${V}/groups/${ID}/members/\\$ref$`), handle: addMember },
  { name: 'graph.groups.removeMember', method: 'DELETE', pattern: new RegExp(`^${V}/groups/${ID}/members/${ID}/\\$ref$`), handle: removeMember },
  { name: 'graph.servicePrincipals.list', method: 'GET', pattern: new RegExp(`^${V}/servicePrincipals$`), handle: listServicePrincipals },
  { name: 'graph.servicePrincipals.get', method: 'GET', pattern: new RegExp(`^${V}/servicePrincipals/${ID}$`), handle: getServicePrincipal },
  { name: 'graph.directoryObjects.getByIds', method: 'POST', pattern: new RegExp(`^${V}/directoryObjects/getByIds$`), handle: getByIds },
  { name: 'graph.directoryObjects.get', method: 'GET', pattern: new RegExp(`^${V}/directoryObjects/${ID}$`), handle: getDirectoryObject },
  { name: 'graph.organization', method: 'GET', pattern: new RegExp(`^${V}/organization$`), handle: organization },
  { name: 'graph.memberGroups', method: 'POST', pattern: new RegExp(`^${V}/(?:me|(users|groups|servicePrincipals|directoryObjects)/${ID})/(checkMemberGroups|getMemberGroups)$`, 'i'), handle: memberGroups },
  { name: 'graph.applications.list', method: 'GET', pattern: new RegExp(`^${V}/applications$`), handle: listApplications },
  { name: 'graph.applications.create', method: 'POST', pattern: new RegExp(`^${V}/applications$`), handle: createApplication },
  { name: 'graph.applications.get', method: 'GET', pattern: new RegExp(`^${V}/applications/${ID}$`), handle: getApplication },
  { name: 'graph.applications.addPassword', method: 'POST', pattern: new RegExp(`^${V}/applications/${ID}/addPassword$`), handle: addPassword },
  { name: 'graph.servicePrincipals.create', method: 'POST', pattern: new RegExp(`^${V}/servicePrincipals$`), handle: createServicePrincipal },
  { name: 'graph.applications.removePassword', method: 'POST', pattern: new RegExp(`^${V}/applications/${ID}/removePassword$`), handle: removePassword },
  { name: 'graph.applications.delete', method: 'DELETE', pattern: new RegExp(`^${V}/applications/${ID}$`), handle: deleteApplication },
  { name: 'graph.servicePrincipals.delete', method: 'DELETE', pattern: new RegExp(`^${V}/servicePrincipals/${ID}$`), handle: deleteServicePrincipal },
];

export function graphNotFound(ctx: RequestContext): HttpError {
  return graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${ctx.path.split('/').pop() ?? ''}'.`);
}
