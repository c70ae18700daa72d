// Asks Azure what the Access view shows, with the SDK clients made for it (@azure/arm-authorization,
// @azure/arm-resources(-subscriptions), @microsoft/microsoft-graph-client) and their retry policies. Requests grow
// with subscriptions and groups, never with assignments: per subscription one assignment list (assignedTo() is
// transitive over groups and covers scopes above and below), one role-definition list (cached), one deny-assignment
// list, one eligibility list and one resource list; Graph: the identity, its groups (one list, plus one per nested
// group for its path), the organization. Subscriptions load in parallel with a bound; everything honours an
// AbortSignal and a timeout.
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { CredentialName } from '../chain/types';
import type { CloudEndpoints } from './clouds';
import { sourceCredential, tokenClaims, type SourceCredentialOptions } from './credentials';
import { AccessCache } from './definitionCache';
import { permissionsOf } from './permissions';
import {
  buildAccessReport, type RawAccessPolicy, type RawDenyAssignment, type RawEligibility, type RawResource, type RawRoleAssignment,
  type RawRoleDefinition, type RawSubscription,
} from './model';
import type { AccessIdentity, AccessProblem, AccessReport, GroupMembership, PrincipalKind } from './types';
import type { ResourceReference } from './workspaceResources';

export interface LoadAccessOptions extends Omit<SourceCredentialOptions, 'cloud'> {
  readonly source: CredentialName;
  readonly cloud: CloudEndpoints;
  /** Subscription ids to show; empty: all in the token's tenant. */
  readonly subscriptions?: readonly string[];
  readonly references?: readonly ResourceReference[];
  readonly signal?: AbortSignal;
  /** Told when Azure throttles and the load waits (seconds), so the view can say so. */
  readonly onProgress?: (message: string) => void;
  readonly cache?: AccessCache;
  /** Parallel subscriptions. */
  readonly concurrency?: number;
  /** Stop after the identity (what `whoami` needs): no groups, no subscriptions. */
  readonly identityOnly?: boolean;
}

/** Thrown when the source gives no token for ARM: the view shows `problem` instead of a tree. */
export class AccessUnavailableError extends Error {
  constructor(readonly problem: AccessProblem) {
    super(problem.message);
    this.name = 'AccessUnavailableError';
  }
}

/** Role definitions, shared by every load for an hour and bounded in memory (see definitionCache.ts). */
export { AccessCache };

const sharedCache = new AccessCache();
const REQUEST_TIMEOUT_MS = 30_000;

interface ErrorLike { statusCode?: number; code?: string; message?: string; name?: string; body?: unknown }

function errorLike(error: unknown): ErrorLike {
  return (error && typeof error === 'object' ? error : { message: String(error) }) as ErrorLike;
}

/** One problem, with its fix, from whatever an SDK threw. */
export function classifyError(error: unknown, scope: string | undefined, what: string): AccessProblem {
  const e = errorLike(error);
  const message = (e.message ?? String(error)).split('\n')[0]!.slice(0, 400);
  const at = scope ? { scope } : {};
  if (e.name === 'AbortError' || /cancel/i.test(message)) return { kind: 'timeout', message: `${what}: cancelled.`, fix: 'Refresh.', ...at };
  if (/no token within|timed? ?out|ETIMEDOUT/i.test(message)) return { kind: 'timeout', message: `${what}: no answer in time (${message}).`, fix: 'Refresh; if it persists, check the network or proxy settings.', ...at };
  if (e.code === 'InvalidAuthenticationTokenTenant' || /wrong issuer|InvalidAuthenticationTokenTenant/i.test(message)) {
    return { kind: 'wrong-tenant', message: `${what}: the token is for another tenant (${message}).`, fix: 'Sign in to the subscription\'s tenant: az login --tenant <tenant-id>, or set AZURE_TENANT_ID.', ...at };
  }
  if (e.statusCode === 403 || e.code === 'AuthorizationFailed' || e.code === 'Authorization_RequestDenied') {
    return { kind: 'forbidden', message: `${what}: not allowed (${e.code ?? 403}: ${message}).`, fix: 'Ask for a role that can read role assignments here (Reader is enough), or for Graph read rights.', ...at };
  }
  if (e.statusCode === 429) return { kind: 'throttled', message: `${what}: Azure kept throttling the requests (429).`, fix: 'Wait a minute, then refresh.', ...at };
  if (e.statusCode === 401 || /AADSTS(700082|50173|50078|50076|70043|500133)|refresh token has expired|login|sign in/i.test(message)
    || e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationRequiredError') {
    return { kind: 'sign-in-expired', message: `${what}: the sign-in is expired, revoked or missing (${message}).`, fix: 'Sign in again (Azure Dev Auth: Sign In…).', ...at };
  }
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|network/i.test(message) || e.code === 'REQUEST_SEND_ERROR') {
    return { kind: 'network', message: `${what}: ${message}`, fix: 'Check the network or proxy settings, then refresh.', ...at };
  }
  return { kind: 'failed', message: `${what}: ${message}`, fix: 'Refresh; the log has details.', ...at };
}

/** Bounded parallel map that keeps order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return out;
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const dateText = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === 'string' && v ? v : null);

interface GraphPage { value?: Record<string, unknown>[]; '@odata.nextLink'?: string }

export async function loadAccess(options: LoadAccessOptions): Promise<AccessReport> {
  const { cloud, signal } = options;
  const cache = options.cache ?? sharedCache;
  const made = sourceCredential(options.source, { ...options, cloud });
  if (!made.ok) throw new AccessUnavailableError({ kind: 'no-token', message: made.reason, fix: made.fix });
  const credential: TokenCredential = made.credential;
  let requests = 0;
  const counter: PipelinePolicy = { name: 'azureDevAuthRequestCounter', sendRequest: (request, next) => { requests++; return next(request); } };
  const throttleWatcher: PipelinePolicy = {
    name: 'azureDevAuthThrottleWatcher',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429) options.onProgress?.(`Azure is throttling requests; waiting ${response.headers.get('retry-after') ?? 'a few'} s before retrying…`);
      return response;
    },
  };
  const armOptions = {
    endpoint: cloud.resourceManager,
    credentialScopes: [`${cloud.resourceManagerAudience}/.default`],
    additionalPolicies: [{ policy: counter, position: 'perRetry' as const }, { policy: throttleWatcher, position: 'perRetry' as const }],
  };
  const call = { abortSignal: signal, requestOptions: { timeout: REQUEST_TIMEOUT_MS } };

  // Whose access: the ARM token's claims.
  let claims;
  try {
    claims = await tokenClaims(credential, `${cloud.resourceManagerAudience}/.default`, signal);
  } catch (error) {
    throw new AccessUnavailableError(classifyError(error, undefined, 'No token for Azure Resource Manager'));
  }
  if (!claims.objectId || !claims.tenantId) {
    throw new AccessUnavailableError({ kind: 'no-token', message: 'The token names no object id or tenant.', fix: 'Sign in with a user, service principal or managed identity.' });
  }
  const objectId = claims.objectId;
  const tenantId = claims.tenantId;
  const kind: PrincipalKind = claims.idtyp === 'app' || (!claims.upn && claims.appId) ? (options.source === 'ManagedIdentityCredential' ? 'managedIdentity' : 'servicePrincipal') : 'user';

  // Graph: identity details, groups with their paths, the tenant's name.
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [`${cloud.graphAudience}/.default`] }),
    baseUrl: `${cloud.graph}/`,
    customHosts: new Set([new URL(cloud.graph).hostname]),
    ...(signal ? { fetchOptions: { signal } } : {}),
  });
  const graphGet = async (path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    for (let attempt = 0; ; attempt++) {
      requests++;
      try {
        let request = graph.api(path);
        for (const [name, value] of Object.entries(headers)) request = request.header(name, value);
        return await withTimeout(request.get() as Promise<Record<string, unknown>>, REQUEST_TIMEOUT_MS, signal) ;
      } catch (error) {
        // Graph's own handler retries 429/503/504; a dropped connection is retried here, once.
        const e = errorLike(error);
        if (attempt === 0 && (e.statusCode === undefined || e.statusCode === -1) && !signal?.aborted && !/no answer/.test(e.message ?? '')) continue;
        throw error;
      }
    }
  };
  const graphAll = async (path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let page = await graphGet(path, headers) as GraphPage;
    for (;;) {
      items.push(...(page.value ?? []));
      const nextLink = page['@odata.nextLink'];
      if (!nextLink) return items;
      page = await graphGet(nextLink, headers) as GraphPage;
    }
  };

  const graphProblems: AccessProblem[] = [];
  let displayName: string | null = claims.name;
  let tenantName: string | null = null;
  const self = kind === 'user' ? '/me' : `/servicePrincipals/${objectId}`;
  try {
    const me = await graphGet(kind === 'user' ? '/me?$select=id,displayName,userPrincipalName' : `${self}?$select=id,displayName,appId,servicePrincipalType`);
    displayName = strOrNull(me.displayName) ?? displayName;
  } catch (error) {
    graphProblems.push(classifyError(error, undefined, 'Microsoft Graph did not describe the identity'));
  }
  try {
    const orgs = await graphGet('/organization?$select=id,displayName') as GraphPage;
    tenantName = strOrNull(orgs.value?.find((o) => str(o.id).toLowerCase() === tenantId.toLowerCase())?.displayName ?? orgs.value?.[0]?.displayName);
  } catch { /* the tenant's name is a nicety; its id is shown anyway */ }

  if (options.identityOnly) {
    const identity: AccessIdentity = {
      kind, displayName, upn: kind === 'user' ? claims.upn : null, appId: kind === 'user' ? null : claims.appId, objectId, tenantId, tenantName,
      source: options.source, expiresOn: new Date(claims.expiresOn * 1000).toISOString(),
    };
    return buildAccessReport({
      cloud, identity, groups: null, groupsProblem: null, subscriptions: [], references: [], problems: graphProblems, requests,
      tokenIssuedAt: claims.issuedAt, now: Date.now(), identityOnly: true,
    });
  }

  let groups: GroupMembership[] | null = null;
  let groupsProblem: AccessProblem | null = null;
  try {
    const advanced = { ConsistencyLevel: 'eventual' };
    const all = (await graphAll(`${self}/transitiveMemberOf/microsoft.graph.group?$count=true&$top=999&$select=id,displayName,securityEnabled`, advanced))
      .filter((g) => g.securityEnabled !== false);
    const direct = new Set((await graphAll(`${self}/memberOf/microsoft.graph.group?$count=true&$top=999&$select=id`, advanced)).map((g) => str(g.id).toLowerCase()));
    const names = new Map(all.map((g) => [str(g.id).toLowerCase(), strOrNull(g.displayName)]));
    // For each nested group, which of our groups are its members: the edges of the paths.
    const nested = all.filter((g) => !direct.has(str(g.id).toLowerCase()));
    const parentsOf = new Map<string, string[]>();
    await mapLimit(nested, 4, async (group) => {
      const members = await graphAll(`/groups/${str(group.id)}/members/microsoft.graph.group?$top=999&$select=id`);
      parentsOf.set(str(group.id).toLowerCase(), members.map((m) => str(m.id).toLowerCase()).filter((id) => names.has(id)));
    });
    const paths = new Map<string, string[]>();
    for (const id of direct) if (names.has(id)) paths.set(id, [names.get(id) ?? id]);
    // Breadth first from the direct groups: the shortest path to each nested group.
    for (let changed = true; changed;) {
      changed = false;
      for (const [child, parents] of parentsOf) {
        if (paths.has(child)) continue;
        const via = parents.find((p) => paths.has(p));
        if (via) { paths.set(child, [...paths.get(via)!, names.get(child) ?? child]); changed = true; }
      }
    }
    groups = all.map((g) => {
      const id = str(g.id);
      return { id, displayName: names.get(id.toLowerCase()) ?? null, path: paths.get(id.toLowerCase()) ?? [names.get(id.toLowerCase()) ?? id] };
    }).sort((a, b) => (a.displayName ?? a.id).localeCompare(b.displayName ?? b.id));
  } catch (error) {
    const problem = classifyError(error, undefined, 'Microsoft Graph did not list the groups');
    groupsProblem = problem.kind === 'forbidden'
      ? { ...problem, kind: 'graph-denied', message: 'Microsoft Graph denied reading group memberships: assignments through groups show the group ids without names.', fix: 'Sign in with a tool whose token may read the directory (az login), or ask for directory read rights.' }
      : problem;
  }

  // Subscriptions in the token's tenant (or the ones the setting names).
  const problems: AccessProblem[] = [...graphProblems];
  let subscriptionList: { subscriptionId: string; displayName: string; tenantId: string | null }[];
  try {
    const client = new SubscriptionClient(credential, armOptions);
    const listed = await collect(client.subscriptions.list(call));
    subscriptionList = listed
      .map((s) => ({ subscriptionId: str(s.subscriptionId), displayName: str(s.displayName) || str(s.subscriptionId), tenantId: strOrNull(s.tenantId) }))
      .filter((s) => s.subscriptionId);
  } catch (error) {
    throw new AccessUnavailableError(classifyError(error, undefined, 'The subscriptions could not be listed'));
  }
  const wanted = (options.subscriptions ?? []).map((s) => s.toLowerCase());
  // A subscription the setting names but the list leaves out (no role there) is still shown, with why.
  const unlisted = wanted.filter((id) => !subscriptionList.some((s) => s.subscriptionId.toLowerCase() === id))
    .map((id) => ({ subscriptionId: id, displayName: id, tenantId: null }));
  subscriptionList = wanted.length
    ? [...subscriptionList.filter((s) => wanted.includes(s.subscriptionId.toLowerCase())), ...unlisted]
    : subscriptionList.filter((s) => !s.tenantId || s.tenantId.toLowerCase() === tenantId.toLowerCase());

  const filter = `assignedTo('${objectId}')`;
  const raws = await mapLimit(subscriptionList, options.concurrency ?? 4, async (subscription): Promise<RawSubscription> => {
    const sid = subscription.subscriptionId;
    const scope = `/subscriptions/${sid}`;
    const authorization = new AuthorizationManagementClient(credential, sid, armOptions);
    const resourcesClient = new ResourceManagementClient(credential, sid, armOptions);
    const subProblems: AccessProblem[] = [];
    const attempt = async <T>(what: string, task: () => Promise<T>, quiet = false): Promise<T | undefined> => {
      try { return await task(); } catch (error) {
        if (signal?.aborted) throw error;
        if (!quiet) subProblems.push(classifyError(error, scope, what));
        return undefined;
      }
    };
    const cacheKey = `${cloud.resourceManager}|${sid}`;
    // Every deny assignment of the subscription needs read rights there; without them, those naming this principal
    // (at, above and below the scope) are still readable.
    const denyList = async () => {
      try {
        return await collect(authorization.denyAssignments.list(call));
      } catch (error) {
        if (errorLike(error).statusCode !== 403) throw error;
        return collect(authorization.denyAssignments.list({ ...call, filter: `principalId eq '${objectId}'` }));
      }
    };
    const [assignments, definitions, deny, eligible, resources] = await Promise.all([
      attempt('Role assignments could not be read', async () => (await collect(authorization.roleAssignments.listForSubscription({ ...call, filter })))
        .map((a): RawRoleAssignment => ({
          id: str(a.id), scope: str(a.scope), roleDefinitionId: str(a.roleDefinitionId), principalId: str(a.principalId),
          principalType: strOrNull(a.principalType), condition: strOrNull(a.condition), conditionVersion: strOrNull(a.conditionVersion), createdOn: dateText(a.createdOn),
        }))),
      attempt('Role definitions could not be read', async () => {
        const hit = cache.getDefinitions(cacheKey);
        if (hit) return hit;
        const list = (await collect(authorization.roleDefinitions.list(scope, call))).map((d): RawRoleDefinition => ({
          id: str(d.id), roleName: str(d.roleName), description: str(d.description), type: str(d.roleType), permissions: permissionsOf(d.permissions),
        }));
        cache.setDefinitions(cacheKey, list);
        return list;
      }),
      attempt('Deny assignments could not be read', async () => (await denyList()).map((d): RawDenyAssignment => ({
        id: str(d.id), name: str(d.denyAssignmentName) || str(d.name), description: str(d.description), scope: str(d.scope),
        permissions: permissionsOf(d.permissions),
        principals: (d.principals ?? []).map((p) => ({ id: str(p.id), type: strOrNull(p.type) })),
        excludePrincipals: (d.excludePrincipals ?? []).map((p) => ({ id: str(p.id), type: strOrNull(p.type) })),
        doNotApplyToChildScopes: d.doNotApplyToChildScopes === true,
      }))),
      // A tenant without PIM answers with an error here: that means "nothing eligible", not a problem to show.
      attempt('Eligible roles could not be read', async () => (await collect(authorization.roleEligibilityScheduleInstances.listForScope(scope, { ...call, filter: 'asTarget()' })))
        .map((e): RawEligibility => ({
          scope: str(e.scope), roleDefinitionId: str(e.roleDefinitionId), principalId: str(e.principalId),
          roleName: strOrNull(e.expandedProperties?.roleDefinition?.displayName), endDateTime: dateText(e.endDateTime),
        })), true),
      attempt('Resources could not be listed', async () => (await collect(resourcesClient.resources.list(call)))
        .map((r): RawResource => ({ id: str(r.id), name: str(r.name), type: str(r.type) })), true),
    ]);
    // Key vaults: access-policy or RBAC mode decides which insight applies; only vaults are read one by one.
    const withVaults = resources ? await mapLimit(resources, 4, async (r): Promise<RawResource> => {
      if (r.type.toLowerCase() !== 'microsoft.keyvault/vaults') return r;
      const vault = await attempt(`Key vault ${r.name} could not be read`, () => resourcesClient.resources.getById(r.id, '2023-07-01', call), true);
      const properties = (vault?.properties ?? {}) as { enableRbacAuthorization?: unknown; accessPolicies?: unknown };
      if (!vault) return r;
      const policies: RawAccessPolicy[] = Array.isArray(properties.accessPolicies) ? properties.accessPolicies.map((p: Record<string, unknown>) => {
        const perms = (p.permissions ?? {}) as Record<string, unknown>;
        const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
        return { objectId: str(p.objectId), permissions: { secrets: list(perms.secrets), keys: list(perms.keys), certificates: list(perms.certificates) } };
      }) : [];
      return { ...r, vault: { enableRbacAuthorization: properties.enableRbacAuthorization === true, accessPolicies: policies } };
    }) : undefined;
    return {
      ...subscription,
      ...(assignments ? { assignments } : {}), ...(definitions ? { definitions } : {}), ...(deny ? { deny } : {}),
      ...(eligible ? { eligible } : {}), ...(withVaults ? { resources: withVaults } : {}),
      problems: subProblems,
    };
  });
  if (signal?.aborted) throw Object.assign(new Error('The access load was cancelled.'), { name: 'AbortError' });

  const identity: AccessIdentity = {
    kind, displayName, upn: kind === 'user' ? claims.upn : null, appId: kind === 'user' ? null : claims.appId, objectId, tenantId, tenantName,
    source: options.source, expiresOn: new Date(claims.expiresOn * 1000).toISOString(),
  };
  // Names of the other principals the answers name (groups Graph did not list, eligible or deny principals), in
  // batches of 1000 ids: one request per batch, whatever the number of assignments.
  const known = new Set([objectId.toLowerCase(), ...(groups ?? []).map((g) => g.id.toLowerCase())]);
  const unknown = [...new Set(raws.flatMap((r) => [...(r.assignments ?? []), ...(r.eligible ?? [])].map((a) => a.principalId.toLowerCase())))]
    .filter((id) => id && !known.has(id));
  const principalNames: Record<string, string> = {};
  for (let i = 0; i < unknown.length; i += 1000) {
    try {
      requests++;
      const batch = await withTimeout(graph.api('/directoryObjects/getByIds').post({ ids: unknown.slice(i, i + 1000), types: ['group', 'user', 'servicePrincipal'] }) as Promise<GraphPage>, REQUEST_TIMEOUT_MS, signal);
      for (const o of batch.value ?? []) if (typeof o.id === 'string' && typeof o.displayName === 'string') principalNames[o.id.toLowerCase()] = o.displayName;
    } catch { /* ids stay ids: the groups row already says why Graph is not answering */ break; }
  }
  return buildAccessReport({
    cloud, identity, groups, groupsProblem, principalNames, subscriptions: raws, references: options.references ?? [], problems, requests,
    tokenIssuedAt: claims.issuedAt, now: Date.now(),
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })), { once: true });
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
