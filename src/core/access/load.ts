// Asks Azure what the Access view shows, through the one Azure layer (src/core/azure: the proxy, tokens only to
// their origin, bounded retries, a deadline and cancellation, guarded paging), with as few requests as the answer
// allows. Graph: one JSON batch for the identity, the organization and the first pages (999 items) of the direct and
// transitive groups; the paths of nested groups from their group members, 20 groups to a batch. ARM: the role
// definitions and the identity's eligible roles (PIM, asTarget()) once per tenant, the definitions cached and
// bounded, and by id only a role that list did not have; per subscription one assignment list (assignedTo() is
// transitive over groups and covers scopes above and below), one deny-assignment list (all of them where the
// identity's roles may read them, else those naming it), one resource list, and one list of its key vaults with
// their properties when it has any. Requests grow with subscriptions and groups, never with assignments or
// resources; subscriptions load in parallel with a bound, while Graph works out the group paths.
import type { TokenCredential } from '@azure/identity';
import { ARM_API } from '../azure/apiVersions';
import { armClient, azureOperation, graphClient, scopePath, type AzureClient, type AzureOperation, type BatchOutcome } from '../azure/client';
import { classifyAzureError, reauthToolOf, type ReauthTool } from '../azure/errors';
import type { NetworkSettings } from '../azure/network';
import type { CredentialName } from '../chain/types';
import type { CloudEndpoints } from './clouds';
import { sourceCredential, tokenClaims, type SourceCredentialOptions } from './credentials';
import { AccessCache } from './definitionCache';
import { permissionsOf, roleGrants } from './permissions';
import {
  buildAccessReport, roleGuid, roleInfo, scopeContains, type RawAccessPolicy, type RawDenyAssignment, type RawEligibility, type RawResource, type RawRoleAssignment,
  type RawRoleDefinition, type RawSubscription,
} from './model';
import type { AccessIdentity, AccessProblem, AccessReport, GroupMembership, PrincipalKind } from './types';
import type { ResourceReference } from './workspaceResources';

export { ARM_API } from '../azure/apiVersions';

/** The whole load's deadline unless the caller gives one. */
export const ACCESS_LOAD_DEADLINE_MS = 180_000;

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
  /** Proxy and certificate authorities; default: the process environment's. */
  readonly network?: NetworkSettings;
  /** The load's deadline (default ACCESS_LOAD_DEADLINE_MS). */
  readonly deadlineMs?: number;
  /** The longest Retry-After waited for (default 60 s). */
  readonly maxRetryAfterSeconds?: number;
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
/** One problem, with its fix, from whatever a request threw: the Azure layer's one classifier. */
export function classifyError(error: unknown, scope: string | undefined, what: string, tool: ReauthTool = 'other'): AccessProblem {
  return classifyAzureError(error, what, { ...(scope ? { scope } : {}), tool });
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

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const dateText = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});
/** An ARM object's properties (the SDK flattened them; the wire has them under `properties`). */
const props = (v: unknown): Record<string, unknown> => record(record(v).properties);

export async function loadAccess(options: LoadAccessOptions): Promise<AccessReport> {
  const operation = azureOperation(options.deadlineMs ?? ACCESS_LOAD_DEADLINE_MS, options.signal);
  const made = await sourceCredential(options.source, { ...options, cloud: options.cloud });
  if (!made.ok) throw new AccessUnavailableError({ kind: 'no-token', message: made.reason, fix: made.fix });
  const clients = {
    credential: made.credential, cloud: options.cloud,
    ...(options.network ? { network: options.network } : {}),
    ...(options.maxRetryAfterSeconds ? { maxRetryAfterSeconds: options.maxRetryAfterSeconds } : {}),
    ...(options.onProgress ? { onWait: options.onProgress } : {}),
  };
  const arm = armClient(clients);
  const graph = graphClient(clients);
  try {
    return await loadWith(options, made.credential, arm, graph, operation);
  } finally {
    arm.close();
    graph.close();
  }
}

async function loadWith(options: LoadAccessOptions, credential: TokenCredential, arm: AzureClient, graph: AzureClient, operation: AzureOperation): Promise<AccessReport> {
  const { cloud } = options;
  const signal = operation.signal;
  const cache = options.cache ?? sharedCache;
  const tool = reauthToolOf(options.source);
  const classify = (error: unknown, scope: string | undefined, what: string): AccessProblem => classifyError(error, scope, what, tool);
  const requests = (): number => arm.requests + graph.requests;

  // Whose access: the ARM token's claims.
  let claims;
  try {
    claims = await tokenClaims(credential, `${cloud.resourceManagerAudience}/.default`, signal);
  } catch (error) {
    throw new AccessUnavailableError(classify(error, undefined, 'No token for Azure Resource Manager'));
  }
  if (!claims.objectId || !claims.tenantId) {
    throw new AccessUnavailableError({ kind: 'no-token', message: 'The token names no object id or tenant.', fix: 'Sign in with a user, service principal or managed identity.' });
  }
  const objectId = claims.objectId;
  const tenantId = claims.tenantId;
  const kind: PrincipalKind = claims.idtyp === 'app' || (!claims.upn && claims.appId) ? (options.source === 'ManagedIdentityCredential' ? 'managedIdentity' : 'servicePrincipal') : 'user';
  const identityOf = (displayName: string | null, tenantName: string | null): AccessIdentity => ({
    kind, displayName, upn: kind === 'user' ? claims.upn : null, appId: kind === 'user' ? null : claims.appId, objectId, tenantId, tenantName,
    source: options.source, expiresOn: new Date(claims.expiresOn * 1000).toISOString(),
  });
  const authorization = { 'api-version': ARM_API.authorization };

  // What ARM can be asked before Graph answers starts now: the subscriptions, the tenant's role definitions and the
  // roles the identity is eligible for anywhere (PIM at the provider level; a tenant without PIM answers with an
  // error, which means nothing is eligible).
  const subscriptionsListed = options.identityOnly ? undefined : settle(arm.list(operation, 'subscriptions', { 'api-version': ARM_API.subscriptions }));
  const eligibilityListed = options.identityOnly ? undefined : settle(arm.list(operation, 'providers/Microsoft.Authorization/roleEligibilityScheduleInstances', { 'api-version': ARM_API.eligibility, $filter: 'asTarget()' }));
  const definitionsKey = `${cloud.resourceManager}|${tenantId.toLowerCase()}`;
  const tenantDefinitions = options.identityOnly ? undefined : settle((async (): Promise<RawRoleDefinition[]> => {
    const hit = cache.getDefinitions(definitionsKey);
    if (hit) return hit;
    const list = (await arm.list(operation, 'providers/Microsoft.Authorization/roleDefinitions', authorization)).map(definitionOf);
    cache.setDefinitions(definitionsKey, list);
    return list;
  })());

  // Graph, one batch: the identity, the tenant's name, and the first pages of the groups (transitive and direct).
  const self = kind === 'user' ? 'me' : `servicePrincipals/${encodeURIComponent(objectId)}`;
  const advanced = { ConsistencyLevel: 'eventual' };
  const transitivePath = `${self}/transitiveMemberOf/microsoft.graph.group?$count=true&$top=999&$select=id,displayName,securityEnabled`;
  const directPath = `${self}/memberOf/microsoft.graph.group?$count=true&$top=999&$select=id`;
  const firstBatch = await graph.batchGet(operation, [
    { path: kind === 'user' ? 'me?$select=id,displayName,userPrincipalName' : `${self}?$select=id,displayName,appId,servicePrincipalType` },
    { path: 'organization?$select=id,displayName' },
    ...(options.identityOnly ? [] : [{ path: transitivePath, headers: advanced }, { path: directPath, headers: advanced }]),
  ]);
  const [me, orgs, transitive, direct] = firstBatch;
  const graphProblems: AccessProblem[] = [];
  let displayName: string | null = claims.name;
  if (me?.ok) displayName = strOrNull(me.body.displayName) ?? displayName;
  else if (me) graphProblems.push(classify(me.error, undefined, 'Microsoft Graph did not describe the identity'));
  let tenantName: string | null = null;
  // The tenant's name is a nicety: its id is shown anyway.
  if (orgs?.ok) {
    const list = Array.isArray(orgs.body.value) ? orgs.body.value.map(record) : [];
    tenantName = strOrNull(list.find((o) => str(o.id).toLowerCase() === tenantId.toLowerCase())?.displayName ?? list[0]?.displayName);
  }

  if (options.identityOnly) {
    return buildAccessReport({
      cloud, identity: identityOf(displayName, tenantName), groups: null, groupsProblem: null, subscriptions: [], references: [], problems: graphProblems, requests: requests(),
      tokenIssuedAt: claims.issuedAt, now: Date.now(), identityOnly: true,
    });
  }

  // The groups and their paths, while ARM loads the subscriptions.
  const groupsLoaded = settle(loadGroups(graph, operation, transitivePath, directPath, transitive, direct, advanced));

  // Subscriptions in the token's tenant (or the ones the setting names).
  const problems: AccessProblem[] = [...graphProblems];
  const listed = await subscriptionsListed!;
  if (!listed.ok) throw new AccessUnavailableError(classify(listed.error, undefined, 'The subscriptions could not be listed'));
  let subscriptionList = listed.value
    .map((s) => ({ subscriptionId: str(s.subscriptionId), displayName: str(s.displayName) || str(s.subscriptionId), tenantId: strOrNull(s.tenantId) }))
    .filter((s) => s.subscriptionId);
  const wanted = (options.subscriptions ?? []).map((s) => s.toLowerCase());
  // A subscription the setting names but the list leaves out (no role there) is still shown, with why.
  const unlisted = wanted.filter((id) => !subscriptionList.some((s) => s.subscriptionId.toLowerCase() === id))
    .map((id) => ({ subscriptionId: id, displayName: id, tenantId: null }));
  subscriptionList = wanted.length
    ? [...subscriptionList.filter((s) => wanted.includes(s.subscriptionId.toLowerCase())), ...unlisted]
    : subscriptionList.filter((s) => !s.tenantId || s.tenantId.toLowerCase() === tenantId.toLowerCase());

  const filter = `assignedTo('${objectId}')`;
  const armList = (scope: string, rest: string, query: Record<string, string>): Promise<Record<string, unknown>[]> => arm.list(operation, scopePath(scope, rest), query);
  const shownIds = subscriptionList.map((s) => s.subscriptionId);
  const eligibleSplit = settle(eligibilityListed!.then((listed) => eligibilityBySubscription(arm, operation, listed, shownIds)));
  const raws = await mapLimit(subscriptionList, options.concurrency ?? 4, async (subscription): Promise<RawSubscription> => {
    const sid = subscription.subscriptionId;
    const scope = `/subscriptions/${sid}`;
    const subProblems: AccessProblem[] = [];
    const attempt = async <T>(what: string, task: () => Promise<T>, quiet = false): Promise<T | undefined> => {
      try { return await task(); } catch (error) {
        if (signal.aborted) throw error;
        if (!quiet) subProblems.push(classify(error, scope, what));
        return undefined;
      }
    };
    const assignmentsRead = attempt('Role assignments could not be read', async () => (await armList(scope, 'providers/Microsoft.Authorization/roleAssignments', { ...authorization, $filter: filter }))
      .map((a): RawRoleAssignment => {
        const p = props(a);
        return {
          id: str(a.id), scope: str(p.scope), roleDefinitionId: str(p.roleDefinitionId), principalId: str(p.principalId),
          principalType: strOrNull(p.principalType), condition: strOrNull(p.condition), conditionVersion: strOrNull(p.conditionVersion), createdOn: dateText(p.createdOn),
        };
      }));
    // Every deny assignment of the subscription needs read rights there; without them, those naming this principal
    // (at, above and below the scope) are still readable. The identity's own roles at and above the subscription
    // say which of the two to ask for; when they cannot tell, all are asked for first.
    const denyList = async (): Promise<Record<string, unknown>[]> => {
      const narrow = (): Promise<Record<string, unknown>[]> => armList(scope, 'providers/Microsoft.Authorization/denyAssignments', { ...authorization, $filter: `principalId eq '${objectId}'` });
      if (mayReadDenyAssignments(scope, await assignmentsRead, await tenantDefinitions!) === false) return narrow();
      try {
        return await armList(scope, 'providers/Microsoft.Authorization/denyAssignments', authorization);
      } catch (error) {
        if ((error as { status?: number }).status !== 403) throw error;
        return narrow();
      }
    };
    const eligibleRead = (async (): Promise<RawEligibility[] | undefined> => {
      const split = await eligibleSplit;
      if (!split.ok) throw split.error;
      return split.value ? split.value.get(sid.toLowerCase()) ?? [] : undefined;
    })();
    const [assignments, deny, resources, eligible] = await Promise.all([
      assignmentsRead,
      attempt('Deny assignments could not be read', async () => (await denyList()).map((d): RawDenyAssignment => {
        const p = props(d);
        const principals = (v: unknown): { id: string; type: string | null }[] => (Array.isArray(v) ? v.map(record).map((x) => ({ id: str(x.id), type: strOrNull(x.type) })) : []);
        return {
          id: str(d.id), name: str(p.denyAssignmentName) || str(d.name), description: str(p.description), scope: str(p.scope),
          permissions: permissionsOf(p.permissions), principals: principals(p.principals), excludePrincipals: principals(p.excludePrincipals),
          doNotApplyToChildScopes: p.doNotApplyToChildScopes === true,
        };
      })),
      attempt('Resources could not be listed', async () => (await armList(scope, 'resources', { 'api-version': ARM_API.resources }))
        .map((r): RawResource => ({ id: str(r.id), name: str(r.name), type: str(r.type) })), true),
      eligibleRead,
    ]);
    // Key vaults: access-policy or RBAC mode decides which insight applies. The provider's list carries every
    // vault's properties, so one request covers all the subscription's vaults, and none is sent without a vault.
    const vaultsListed = resources?.some(isKeyVault)
      ? await attempt('Key vaults could not be read', () => armList(scope, 'providers/Microsoft.KeyVault/vaults', { 'api-version': ARM_API.keyVault }), true)
      : undefined;
    const vaults = new Map((vaultsListed ?? []).map((v) => [str(v.id).toLowerCase(), v]));
    const withVaults = resources?.map((r): RawResource => {
      const vault = isKeyVault(r) ? vaults.get(r.id.toLowerCase()) : undefined;
      return vault ? { ...r, vault: vaultOf(vault) } : r;
    });
    return {
      ...subscription,
      ...(assignments ? { assignments } : {}), ...(deny ? { deny } : {}),
      ...(eligible ? { eligible } : {}), ...(withVaults ? { resources: withVaults } : {}),
      problems: subProblems,
    };
  });
  if (signal.aborted) throw cancelled();

  // Role definitions: the tenant's list, plus, by id, any role an assignment names that the list did not have (a
  // role made since the list was cached). Every subscription shares the one list.
  const definitions = await tenantDefinitions!;
  if (!definitions.ok) {
    if (signal.aborted) throw definitions.error;
    problems.push(classify(definitions.error, undefined, 'Role definitions could not be read'));
  }
  const known = new Map((definitions.ok ? definitions.value : []).map((d) => [roleGuid(d.id), d]));
  const named = new Map<string, string>();
  for (const raw of raws) {
    for (const a of raw.assignments ?? []) named.set(roleGuid(a.roleDefinitionId), a.roleDefinitionId);
    for (const e of raw.eligible ?? []) if (!e.roleName) named.set(roleGuid(e.roleDefinitionId), e.roleDefinitionId);
  }
  const missing = [...named].filter(([guid, id]) => guid && id && !known.has(guid));
  const extra = await mapLimit(missing, 4, async ([guid, id]): Promise<RawRoleDefinition | undefined> => {
    const key = `${definitionsKey}|${guid}`;
    const hit = cache.getDefinitions(key)?.[0];
    if (hit) return hit;
    try {
      const definition = definitionOf(await arm.get(operation, scopePath(id), authorization));
      cache.setDefinitions(key, [definition]);
      return definition;
    } catch (error) {
      if (signal.aborted) throw error;
      return undefined; // shown as "not readable in this subscription", with its GUID
    }
  });
  const roleDefinitions = [...known.values(), ...extra.filter((d): d is RawRoleDefinition => d !== undefined)];
  const withDefinitions = roleDefinitions.length ? raws.map((raw) => ({ ...raw, definitions: roleDefinitions })) : raws;

  const groupsResult = await groupsLoaded;
  if (signal.aborted) throw cancelled();
  let groups: GroupMembership[] | null = null;
  let groupsProblem: AccessProblem | null = null;
  if (groupsResult.ok) groups = groupsResult.value;
  else {
    const problem = classify(groupsResult.error, undefined, 'Microsoft Graph did not list the groups');
    groupsProblem = problem.kind === 'forbidden'
      ? { ...problem, kind: 'graph-denied', message: 'Microsoft Graph denied reading group memberships: assignments through groups show the group ids without names.', fix: 'Sign in with a tool whose token may read the directory (az login), or ask for directory read rights.' }
      : problem;
  }

  // Names of the other principals the answers name (groups Graph did not list, eligible or deny principals), in
  // batches of 1000 ids: one request per batch, whatever the number of assignments.
  const knownPrincipals = new Set([objectId.toLowerCase(), ...(groups ?? []).map((g) => g.id.toLowerCase())]);
  const unknown = [...new Set(raws.flatMap((r) => [...(r.assignments ?? []), ...(r.eligible ?? [])].map((a) => a.principalId.toLowerCase())))]
    .filter((id) => id && !knownPrincipals.has(id));
  const principalNames: Record<string, string> = {};
  for (let i = 0; i < unknown.length; i += 1000) {
    try {
      const batch = await graph.send(operation, { method: 'POST', path: 'directoryObjects/getByIds', body: { ids: unknown.slice(i, i + 1000), types: ['group', 'user', 'servicePrincipal'] } });
      const value = Array.isArray(batch.body?.value) ? batch.body.value.map(record) : [];
      for (const o of value) if (typeof o.id === 'string' && typeof o.displayName === 'string') principalNames[o.id.toLowerCase()] = o.displayName;
    } catch (error) {
      if (signal.aborted) throw error;
      /* ids stay ids: the groups row already says why Graph is not answering */
      break;
    }
  }
  return buildAccessReport({
    cloud, identity: identityOf(displayName, tenantName), groups, groupsProblem, principalNames, subscriptions: withDefinitions, references: options.references ?? [], problems, requests: requests(),
    tokenIssuedAt: claims.issuedAt, now: Date.now(),
  });
}

/**
 * The identity's security groups with the shortest path to each: every group from the transitive list, the direct
 * ones from the direct list, and for each nested group, which of these groups are its members (the edges), asked
 * 20 groups to a batch. A nested group whose members cannot be read keeps a one-step path.
 */
async function loadGroups(
  graph: AzureClient, operation: AzureOperation, transitivePath: string, directPath: string,
  transitive: BatchOutcome<Record<string, unknown>> | undefined, direct: BatchOutcome<Record<string, unknown>> | undefined, advanced: Record<string, string>,
): Promise<GroupMembership[]> {
  if (!transitive || !transitive.ok) throw transitive?.error ?? new Error('Microsoft Graph did not list the groups.');
  if (!direct || !direct.ok) throw direct?.error ?? new Error('Microsoft Graph did not list the groups.');
  const all = (await graph.listFrom(operation, transitivePath, transitive.body, { headers: advanced })).filter((g) => g.securityEnabled !== false);
  const directIds = new Set((await graph.listFrom(operation, directPath, direct.body, { headers: advanced })).map((g) => str(g.id).toLowerCase()));
  const names = new Map(all.map((g) => [str(g.id).toLowerCase(), strOrNull(g.displayName)]));
  const nested = all.filter((g) => !directIds.has(str(g.id).toLowerCase()));
  const memberPaths = nested.map((g) => `groups/${encodeURIComponent(str(g.id))}/members/microsoft.graph.group?$top=999&$select=id`);
  const outcomes = await graph.batchGet(operation, memberPaths.map((path) => ({ path })));
  const parentsOf = new Map<string, string[]>();
  await mapLimit(nested.map((g, i) => [g, i] as const), 4, async ([group, i]) => {
    const outcome = outcomes[i]!;
    if (!outcome.ok) return;
    const members = await graph.listFrom(operation, memberPaths[i]!, outcome.body);
    parentsOf.set(str(group.id).toLowerCase(), members.map((m) => str(m.id).toLowerCase()).filter((id) => names.has(id)));
  });
  const paths = new Map<string, string[]>();
  for (const id of directIds) if (names.has(id)) paths.set(id, [names.get(id) ?? id]);
  // Breadth first from the direct groups: the shortest path to each nested group.
  for (let changed = true; changed;) {
    changed = false;
    for (const [child, parents] of parentsOf) {
      if (paths.has(child)) continue;
      const via = parents.find((p) => paths.has(p));
      if (via) { paths.set(child, [...paths.get(via)!, names.get(child) ?? child]); changed = true; }
    }
  }
  return all.map((g) => {
    const id = str(g.id);
    return { id, displayName: names.get(id.toLowerCase()) ?? null, path: paths.get(id.toLowerCase()) ?? [names.get(id.toLowerCase()) ?? id] };
  }).sort((a, b) => (a.displayName ?? a.id).localeCompare(b.displayName ?? b.id));
}

const MANAGEMENT_GROUP = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i;
const SUBSCRIPTION = /^\/(?:providers\/Microsoft\.Subscription\/)?subscriptions\/([^/]+)/i;

/**
 * The tenant-wide eligibility list split over the subscriptions shown (lower-case ids), as a per-subscription list
 * would have it: what is eligible at or below a subscription, and at the management groups above it. Which
 * subscriptions sit below a management group is asked of that group (one request per group an eligibility names);
 * when it cannot be read, the eligibility is shown in every subscription (its scope names the group). Undefined when
 * the list could not be read: a tenant without PIM answers with an error, which means nothing is eligible.
 */
async function eligibilityBySubscription(arm: AzureClient, operation: AzureOperation, listed: Settled<Record<string, unknown>[]>, subscriptions: readonly string[]): Promise<Map<string, RawEligibility[]> | undefined> {
  if (!listed.ok) {
    if (operation.signal.aborted) throw listed.error;
    return undefined;
  }
  const shown = new Set(subscriptions.map((s) => s.toLowerCase()));
  const out = new Map<string, RawEligibility[]>();
  const add = (subscription: string, e: RawEligibility): void => {
    if (!shown.has(subscription)) return;
    const list = out.get(subscription) ?? [];
    list.push(e);
    out.set(subscription, list);
  };
  const items = listed.value.map((e): RawEligibility => {
    const p = props(e);
    return {
      scope: str(p.scope), roleDefinitionId: str(p.roleDefinitionId), principalId: str(p.principalId),
      roleName: strOrNull(record(record(p.expandedProperties).roleDefinition).displayName), endDateTime: dateText(p.endDateTime),
    };
  });
  const groups = [...new Set(items.map((e) => MANAGEMENT_GROUP.exec(e.scope)?.[1]?.toLowerCase()).filter((g): g is string => Boolean(g)))];
  const below = new Map(await mapLimit(groups, 4, async (group): Promise<[string, Set<string> | undefined]> => {
    try {
      const descendants = await arm.list(operation, `providers/Microsoft.Management/managementGroups/${encodeURIComponent(group)}/descendants`, { 'api-version': ARM_API.managementGroups });
      return [group, new Set(descendants.filter((d) => str(d.type).toLowerCase() === '/subscriptions').map((d) => str(d.name).toLowerCase()))];
    } catch (error) {
      if (operation.signal.aborted) throw error;
      return [group, undefined];
    }
  }));
  for (const e of items) {
    const subscription = SUBSCRIPTION.exec(e.scope)?.[1]?.toLowerCase();
    if (subscription) { add(subscription, e); continue; }
    const group = MANAGEMENT_GROUP.exec(e.scope)?.[1]?.toLowerCase();
    const under = group ? below.get(group) : undefined;
    for (const s of shown) if (!under || under.has(s)) add(s, e);
  }
  return out;
}

/**
 * Whether the identity may read every deny assignment of a subscription (Microsoft.Authorization/denyAssignments/read
 * from a role assigned at or above it); undefined when the assignments or the definitions are not known.
 */
function mayReadDenyAssignments(scope: string, assignments: readonly RawRoleAssignment[] | undefined, definitions: Settled<readonly RawRoleDefinition[]>): boolean | undefined {
  if (!assignments || !definitions.ok) return undefined;
  const byGuid = new Map(definitions.value.map((d) => [roleGuid(d.id), d]));
  let unknownRole = false;
  for (const a of assignments) {
    if (!scopeContains(a.scope, scope)) continue;
    const definition = byGuid.get(roleGuid(a.roleDefinitionId));
    if (!definition) { unknownRole = true; continue; }
    if (roleGrants(roleInfo(definition), 'Microsoft.Authorization/denyAssignments/read', false)) return true;
  }
  return unknownRole ? undefined : false;
}

function definitionOf(d: Record<string, unknown>): RawRoleDefinition {
  const p = props(d);
  return { id: str(d.id), roleName: str(p.roleName), description: str(p.description), type: str(p.type), permissions: permissionsOf(p.permissions) };
}

const isKeyVault = (r: RawResource): boolean => r.type.toLowerCase() === 'microsoft.keyvault/vaults';

function vaultOf(vault: Record<string, unknown>): NonNullable<RawResource['vault']> {
  const properties = props(vault);
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const policies: RawAccessPolicy[] = Array.isArray(properties.accessPolicies) ? properties.accessPolicies.map(record).map((p) => {
    const perms = record(p.permissions);
    return { objectId: str(p.objectId), permissions: { secrets: list(perms.secrets), keys: list(perms.keys), certificates: list(perms.certificates) } };
  }) : [];
  return { enableRbacAuthorization: properties.enableRbacAuthorization === true, accessPolicies: policies };
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects, so work started early cannot end as an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

function cancelled(): Error {
  return Object.assign(new Error('The access load was cancelled.'), { name: 'AbortError' });
}
