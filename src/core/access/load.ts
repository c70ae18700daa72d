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
import * as l10n from '@vscode/l10n';
import type { TokenCredential } from '@azure/identity';
import { ARM_API } from '../azure/apiVersions';
import { armClient, azureOperation, graphClient, scopePath, type AzureClient, type AzureOperation, type BatchOutcome } from '../azure/client';
import { classifyAzureError, type AzureApi, type RequestNeed } from '../azure/errors';
import type { NetworkSettings } from '../azure/network';
import type { CredentialName } from '../chain/types';
import type { CloudEndpoints } from './clouds';
import { sourceCredential, tokenClaims, type SourceCredentialOptions } from './credentials';
import { AccessCache } from './definitionCache';
import { answerCan, permissionsGrant, resolveScope } from './can';
import { permissionsOf, roleGrants } from './permissions';
import { KEYED_RESOURCE_TYPES, networkFromProperties, type AccountKeyUse, type KeyedService } from './networkLayer';
import { graphPathOf, PrincipalLookupError, resolvePrincipal } from './principal';
import {
  buildAccessReport, roleGuid, roleInfo, scopeContains, type RawAccessPolicy, type RawDenyAssignment, type RawEligibility, type RawResource, type RawRoleAssignment,
  type RawRoleDefinition, type RawSubscription,
} from './model';
import type { AccessIdentity, AccessProblem, AccessReport, GroupMembership, PrincipalKind } from './types';
import type { RawCosmosRoles } from './cosmosRoles';
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
  /** Connection strings with an account key in the app's environment: their accounts are read too. */
  readonly accountKeys?: readonly AccountKeyUse[];
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
  /**
   * Show this principal's access instead of the signed-in identity's (read with the signed-in identity's token): an
   * object id, user principal name, application id or display name (see principal.ts).
   */
  readonly principal?: string;
  /** Keep every subscription's resource list in the report (what the Can … do …? question picks from). */
  readonly includeResources?: boolean;
  /** Also answer "can it do `action` on `scope`" (a scope id, or a resource, resource group or subscription name). */
  readonly can?: { readonly action: string; readonly scope: string };
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

/** The api-versions the resources a connection string names are read with (each provider's own). */
const KEYED_API: Record<string, string> = {
  'microsoft.servicebus/namespaces': ARM_API.serviceBus, 'microsoft.eventhub/namespaces': ARM_API.eventHubs,
  'microsoft.appconfiguration/configurationstores': ARM_API.appConfiguration, 'microsoft.documentdb/databaseaccounts': ARM_API.cosmosDb,
};
const sharedCache = new AccessCache();
/** One problem, with its fix for the active source and the API that refused: the Azure layer's one classifier. */
export function classifyError(error: unknown, scope: string | undefined, what: string, source?: CredentialName, api: AzureApi = 'arm', need?: RequestNeed): AccessProblem {
  return classifyAzureError(error, what, { ...(scope ? { scope } : {}), ...(source ? { source } : {}), api, ...(need ? { need } : {}) });
}

/**
 * The storage accounts (lower-case ids) whose network layer the insights need: those the workspace names and those
 * a role of the identity reaches with a storage data action. Role definitions decide, never role names.
 */
export function storageToRead(resources: readonly RawResource[], assignments: readonly RawRoleAssignment[], definitions: readonly RawRoleDefinition[],
  named: ReadonlySet<string>): Set<string> {
  const dataRoles = new Set(definitions.filter((d) => d.permissions.some((p) => p.dataActions.some((a) => a === '*' || a.toLowerCase().startsWith('microsoft.storage/'))))
    .map((d) => roleGuid(d.id)));
  const dataScopes = assignments.filter((a) => dataRoles.has(roleGuid(a.roleDefinitionId))).map((a) => a.scope);
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type.toLowerCase() !== 'microsoft.storage/storageaccounts') continue;
    if (named.has(r.name.toLowerCase()) || dataScopes.some((scope) => scopeContains(scope, r.id))) out.add(r.id.toLowerCase());
  }
  return out;
}
/** What the Graph reads need: an app identity reads its own service principal and its groups with these. */
const DESCRIBE_IDENTITY: RequestNeed = { graphPermission: 'Application.Read.All', directoryRole: 'Directory Readers' };
const LIST_GROUPS: RequestNeed = { graphPermission: 'GroupMember.Read.All', directoryRole: 'Directory Readers' };

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
const COSMOS_TYPE = 'microsoft.documentdb/databaseaccounts';

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
  const classify = (error: unknown, scope: string | undefined, what: string): AccessProblem => classifyError(error, scope, what, options.source);
  const classifyGraph = (error: unknown, what: string, need: RequestNeed): AccessProblem => classifyError(error, undefined, what, options.source, 'graph', need);
  const requests = (): number => arm.requests + graph.requests;

  // Whose access: the ARM token's claims.
  let claims;
  try {
    claims = await tokenClaims(credential, `${cloud.resourceManagerAudience}/.default`, signal);
  } catch (error) {
    throw new AccessUnavailableError(classify(error, undefined, l10n.t('No token for Azure Resource Manager')));
  }
  if (!claims.objectId || !claims.tenantId) {
    throw new AccessUnavailableError({ kind: 'no-token', message: l10n.t('The token names no object id or tenant.'), fix: l10n.t('Sign in with a user, service principal or managed identity.') });
  }
  const objectId = claims.objectId;
  const tenantId = claims.tenantId;
  const kind: PrincipalKind = claims.idtyp === 'app' || (!claims.upn && claims.appId) ? (options.source === 'ManagedIdentityCredential' ? 'managedIdentity' : 'servicePrincipal') : 'user';
  const authorization = { 'api-version': ARM_API.authorization };
  // Another principal's access is read with our token: what is asked "as target" (our own) does not apply to it.
  const forOther = options.principal !== undefined;

  // What ARM can be asked before Graph answers starts now: the subscriptions, the tenant's role definitions and the
  // roles the identity is eligible for anywhere (PIM at the provider level; a tenant without PIM answers with an
  // error, which means nothing is eligible).
  const subscriptionsListed = options.identityOnly ? undefined : settle(arm.list(operation, 'subscriptions', { 'api-version': ARM_API.subscriptions }));
  const eligibilityListed = options.identityOnly || forOther ? undefined
    : settle(arm.list(operation, 'providers/Microsoft.Authorization/roleEligibilityScheduleInstances', { 'api-version': ARM_API.eligibility, $filter: 'asTarget()' }));
  const definitionsKey = `${cloud.resourceManager}|${tenantId.toLowerCase()}`;
  const tenantDefinitions = options.identityOnly ? undefined : settle((async (): Promise<RawRoleDefinition[]> => {
    const hit = cache.getDefinitions(definitionsKey);
    if (hit) return hit;
    const list = (await arm.list(operation, 'providers/Microsoft.Authorization/roleDefinitions', authorization)).map(definitionOf);
    cache.setDefinitions(definitionsKey, list);
    return list;
  })());

  // Graph, one batch: the identity, the tenant's name, and the first pages of its groups (transitive and direct).
  const self = kind === 'user' ? 'me' : `servicePrincipals/${encodeURIComponent(objectId)}`;
  const advanced = { ConsistencyLevel: 'eventual' };
  const groupPaths = (of: string): { transitive: string; direct: string } => ({
    transitive: `${of}/transitiveMemberOf/microsoft.graph.group?$count=true&$top=999&$select=id,displayName,securityEnabled`,
    direct: `${of}/memberOf/microsoft.graph.group?$count=true&$top=999&$select=id`,
  });
  const ownPaths = groupPaths(self);
  const firstBatch = await graph.batchGet(operation, [
    { path: kind === 'user' ? 'me?$select=id,displayName,userPrincipalName' : `${self}?$select=id,displayName,appId,servicePrincipalType` },
    { path: 'organization?$select=id,displayName' },
    ...(options.identityOnly || forOther ? [] : [{ path: ownPaths.transitive, headers: advanced }, { path: ownPaths.direct, headers: advanced }]),
  ]);
  const [me, orgs, transitive, direct] = firstBatch;
  const graphProblems: AccessProblem[] = [];
  let displayName: string | null = claims.name;
  if (me?.ok) displayName = strOrNull(me.body.displayName) ?? displayName;
  else if (me) graphProblems.push(classifyGraph(me.error, l10n.t('Microsoft Graph did not describe the identity'), DESCRIBE_IDENTITY));
  let tenantName: string | null = null;
  // The tenant's name is a nicety: its id is shown anyway.
  if (orgs?.ok) {
    const list = Array.isArray(orgs.body.value) ? orgs.body.value.map(record) : [];
    tenantName = strOrNull(list.find((o) => str(o.id).toLowerCase() === tenantId.toLowerCase())?.displayName ?? list[0]?.displayName);
  }

  const signedIn: AccessIdentity = {
    kind, displayName, upn: kind === 'user' ? claims.upn : null, appId: kind === 'user' ? null : claims.appId, objectId, tenantId, tenantName,
    source: options.source, expiresOn: new Date(claims.expiresOn * 1000).toISOString(),
  };
  if (options.identityOnly) {
    return buildAccessReport({
      cloud, identity: signedIn, groups: null, groupsProblem: null, subscriptions: [], references: [], problems: graphProblems, requests: requests(),
      tokenIssuedAt: claims.issuedAt, now: Date.now(), identityOnly: true,
    });
  }

  // Whose access the report shows: the signed-in identity's, or the principal asked about (read with our token).
  let subject = signedIn;
  let viewer: AccessIdentity | undefined;
  let groupsLoaded: Promise<Settled<GroupMembership[]>>;
  if (options.principal !== undefined) {
    let found;
    try {
      found = await resolvePrincipal(graph, operation, options.principal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof PrincipalLookupError) {
        throw new AccessUnavailableError({ kind: 'failed', message: error.message, fix: l10n.t('Give the object id, user principal name or application id the Entra admin center shows for it.') });
      }
      throw new AccessUnavailableError(classify(error, undefined, l10n.t('Microsoft Graph could not look the principal up')));
    }
    subject = { ...signedIn, kind: found.kind, displayName: found.displayName, upn: found.upn, appId: found.appId, objectId: found.objectId };
    viewer = signedIn;
    const paths = groupPaths(graphPathOf(found));
    groupsLoaded = settle(graph.batchGet(operation, [{ path: paths.transitive, headers: advanced }, { path: paths.direct, headers: advanced }])
      .then(([t, d]) => loadGroups(graph, operation, paths.transitive, paths.direct, t, d, advanced)));
  } else {
    // The groups and their paths, while ARM loads the subscriptions.
    groupsLoaded = settle(loadGroups(graph, operation, ownPaths.transitive, ownPaths.direct, transitive, direct, advanced));
  }
  const subjectId = subject.objectId;
  // Another principal's assignments and eligibilities are asked per identity (it and its groups): its groups first.
  const groupsFirst = viewer ? await groupsLoaded : undefined;

  // Subscriptions in the token's tenant (or the ones the setting names).
  const problems: AccessProblem[] = [...graphProblems];
  const listed = await subscriptionsListed!;
  if (!listed.ok) throw new AccessUnavailableError(classify(listed.error, undefined, l10n.t('The subscriptions could not be listed')));
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

  const accountKeys = options.accountKeys ?? [];
  const cosmosNamed = new Set((options.references ?? []).filter((r) => r.service === 'cosmosDb').map((r) => r.name.toLowerCase()));
  const storageNamed = new Set([
    ...(options.references ?? []).filter((r) => r.service === 'storage').map((r) => r.name.toLowerCase()),
    ...accountKeys.filter((k) => !k.service).map((k) => k.account),
  ]);
  // Service Bus and Event Hubs namespaces, App Configuration stores and Cosmos DB accounts a connection string with a
  // key names: their `disableLocalAuth` decides whether that key is accepted.
  const keyedNamed = new Set(accountKeys.filter((k) => k.service).map((k) => `${k.service}|${k.account}`));
  const keyedRead = (r: RawResource): string | undefined => {
    const type = r.type.toLowerCase();
    const service = (Object.keys(KEYED_RESOURCE_TYPES) as KeyedService[]).find((s) => KEYED_RESOURCE_TYPES[s].includes(type));
    return service && keyedNamed.has(`${service}|${r.name.toLowerCase()}`) ? KEYED_API[type] : undefined;
  };
  // assignedTo() is transitive over groups but ARM refuses it for a group: a group's assignments are those made to it
  // and to each group it is in, one principalId filter each (a few at a time).
  const identityIds = [subjectId, ...(groupsFirst?.ok ? groupsFirst.value : []).map((g) => g.id)];
  const perIdentity = async (list: (filter: string) => Promise<Record<string, unknown>[]>): Promise<Record<string, unknown>[]> => {
    const seen = new Set<string>();
    return (await mapLimit(identityIds, 4, (id) => list(`principalId eq '${id}'`))).flat()
      .filter((item) => { const id = str(item.id).toLowerCase(); if (seen.has(id)) return false; seen.add(id); return true; });
  };
  const armList = (scope: string, rest: string, query: Record<string, string>): Promise<Record<string, unknown>[]> => arm.list(operation, scopePath(scope, rest), query);
  const listAssignmentsAt = (at: string): Promise<Record<string, unknown>[]> => (subject.kind === 'group'
    ? perIdentity((filter) => armList(at, 'providers/Microsoft.Authorization/roleAssignments', { ...authorization, $filter: filter }))
    : armList(at, 'providers/Microsoft.Authorization/roleAssignments', { ...authorization, $filter: `assignedTo('${subjectId}')` }));
  /**
   * Another principal's assignments need read rights on role assignments. Without them for the whole subscription, the
   * resource groups where we have them still answer (each list holds what applies above and below the group): what the
   * others hold is then said to be missing.
   */
  const assignmentsOf = async (scope: string, subProblems: AccessProblem[]): Promise<Record<string, unknown>[]> => {
    try {
      return await listAssignmentsAt(scope);
    } catch (error) {
      if (!viewer || (error as { status?: number }).status !== 403) throw error;
      const groups = await arm.list(operation, scopePath(scope, 'resourcegroups'), { 'api-version': ARM_API.resources }).catch(() => []);
      const seen = new Set<string>();
      const unreadable: string[] = [];
      const lists = await mapLimit(groups, 4, async (g) => {
        try { return await listAssignmentsAt(str(g.id)); } catch (inner) {
          if (signal.aborted || (inner as { status?: number }).status !== 403) throw inner;
          unreadable.push(str(g.name));
          return [];
        }
      });
      if (groups.length === 0 || unreadable.length === groups.length) throw error;
      subProblems.push({
        kind: 'forbidden', scope,
        message: unreadable.length
          ? l10n.t('You may not read the role assignments of this whole subscription: those shown were read in the resource groups where you may; {0} could not be read. Assignments made only inside resource groups you cannot read are missing.', unreadable.join(', '))
          : l10n.t('You may not read the role assignments of this whole subscription: those shown were read in the resource groups where you may. Assignments made only inside resource groups you cannot read are missing.'),
        fix: l10n.t('Ask for Reader (or any role with Microsoft.Authorization/roleAssignments/read) on the subscription to see all of them.'),
      });
      return lists.flat().filter((a) => { const id = str(a.id).toLowerCase(); if (seen.has(id)) return false; seen.add(id); return true; });
    }
  };
  const shownIds = subscriptionList.map((s) => s.subscriptionId);
  const eligibleSplit = eligibilityListed ? settle(eligibilityListed.then((list) => eligibilityBySubscription(arm, operation, list, shownIds))) : undefined;
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
    const assignmentsRead = attempt(l10n.t('Role assignments could not be read'), async () => (await assignmentsOf(scope, subProblems))
      .map((a): RawRoleAssignment => {
        const p = props(a);
        return {
          id: str(a.id), scope: str(p.scope), roleDefinitionId: str(p.roleDefinitionId), principalId: str(p.principalId),
          principalType: strOrNull(p.principalType), condition: strOrNull(p.condition), conditionVersion: strOrNull(p.conditionVersion), createdOn: dateText(p.createdOn),
        };
      }));
    // Every deny assignment of the subscription needs read rights there; without them, those naming this principal
    // (at, above and below the scope) are still readable. Our own roles at and above the subscription say which of
    // the two to ask for; when they cannot tell (or the assignments are another principal's), all are asked for first.
    const denyList = async (): Promise<Record<string, unknown>[]> => {
      const narrow = (): Promise<Record<string, unknown>[]> => armList(scope, 'providers/Microsoft.Authorization/denyAssignments', { ...authorization, $filter: `principalId eq '${subjectId}'` });
      if (!viewer && mayReadDenyAssignments(scope, await assignmentsRead, await tenantDefinitions!) === false) return narrow();
      try {
        return await armList(scope, 'providers/Microsoft.Authorization/denyAssignments', authorization);
      } catch (error) {
        if ((error as { status?: number }).status !== 403) throw error;
        return narrow();
      }
    };
    const eligibilityOf = (e: Record<string, unknown>): RawEligibility => {
      const p = props(e);
      return {
        scope: str(p.scope), roleDefinitionId: str(p.roleDefinitionId), principalId: str(p.principalId),
        roleName: strOrNull(record(record(p.expandedProperties).roleDefinition).displayName), endDateTime: dateText(p.endDateTime),
      };
    };
    const eligibleRead = eligibleSplit
      ? (async (): Promise<RawEligibility[] | undefined> => {
        const split = await eligibleSplit;
        if (!split.ok) throw split.error;
        return split.value ? split.value.get(sid.toLowerCase()) ?? [] : undefined;
      })()
      // A tenant without PIM answers with an error here: that means "nothing eligible", not a problem to show.
      : attempt(l10n.t('Eligible roles could not be read'), async () => (await perIdentity((filter) => armList(scope, 'providers/Microsoft.Authorization/roleEligibilityScheduleInstances', { 'api-version': ARM_API.eligibility, $filter: filter })))
        .map(eligibilityOf), true);
    const [assignments, deny, resources, eligible] = await Promise.all([
      assignmentsRead,
      attempt(l10n.t('Deny assignments could not be read'), async () => (await denyList()).map((d): RawDenyAssignment => {
        const p = props(d);
        const principals = (v: unknown): { id: string; type: string | null }[] => (Array.isArray(v) ? v.map(record).map((x) => ({ id: str(x.id), type: strOrNull(x.type) })) : []);
        return {
          id: str(d.id), name: str(p.denyAssignmentName) || str(d.name), description: str(p.description), scope: str(p.scope),
          permissions: permissionsOf(p.permissions), principals: principals(p.principals), excludePrincipals: principals(p.excludePrincipals),
          doNotApplyToChildScopes: p.doNotApplyToChildScopes === true,
        };
      })),
      attempt(l10n.t('Resources could not be listed'), async () => (await armList(scope, 'resources', { 'api-version': ARM_API.resources }))
        .map((r): RawResource => ({ id: str(r.id), name: str(r.name), type: str(r.type) })), true),
      eligibleRead,
    ]);
    // Key vaults: access-policy or RBAC mode decides which insight applies, and their network layer. The provider's
    // list carries every vault's properties, so one request covers all the subscription's vaults, and none is sent
    // without a vault. Storage accounts are read only when the workspace names them or a role reaches their data:
    // their firewall, private endpoints and shared-key switch. No other resource is read one by one.
    const vaultsListed = resources?.some(isKeyVault)
      ? await attempt(l10n.t('Key vaults could not be read'), () => armList(scope, 'providers/Microsoft.KeyVault/vaults', { 'api-version': ARM_API.keyVault }), true)
      : undefined;
    const vaults = new Map((vaultsListed ?? []).map((v) => [str(v.id).toLowerCase(), v]));
    const definitionsSoFar = await tenantDefinitions!;
    const readStorage = storageToRead(resources ?? [], assignments ?? [], definitionsSoFar.ok ? definitionsSoFar.value : [], storageNamed);
    const keyedLocalAuth = async (r: RawResource): Promise<RawResource> => {
      const keyedApi = keyedRead(r);
      if (!keyedApi) return r;
      const found = await attempt(l10n.t('{0} could not be read', r.name), () => arm.get(operation, scopePath(r.id), { 'api-version': keyedApi }), true);
      if (!found) return r;
      const disable = props(found).disableLocalAuth;
      return { ...r, disableLocalAuth: typeof disable === 'boolean' ? disable : null };
    };
    // A Cosmos DB account the workspace names: its own role definitions and assignments (two requests), which alone
    // say whether the identity reaches its data. Accounts the workspace does not name are not read.
    const cosmosRolesOf = async (r: RawResource): Promise<RawCosmosRoles> => {
      const query = { 'api-version': ARM_API.cosmosDb };
      try {
        const [definitions, assignments] = await Promise.all([
          arm.list(operation, scopePath(r.id, 'sqlRoleDefinitions'), query),
          arm.list(operation, scopePath(r.id, 'sqlRoleAssignments'), query),
        ]);
        return {
          ok: true,
          definitions: definitions.map((d) => {
            const p = props(d);
            const permissions = permissionsOf(p.permissions);
            return { id: str(d.id), roleName: str(p.roleName) || str(d.name), dataActions: permissions.flatMap((x) => x.dataActions), notDataActions: permissions.flatMap((x) => x.notDataActions) };
          }),
          assignments: assignments.map((a) => {
            const p = props(a);
            return { id: str(a.id), roleDefinitionId: str(p.roleDefinitionId), scope: str(p.scope), principalId: str(p.principalId) };
          }),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        const problem = classify(error, r.id, l10n.t('The Cosmos DB role assignments of {0} could not be read', r.name));
        return { ok: false, reason: `${problem.message} ${problem.fix}`.trim() };
      }
    };
    const withResources = resources ? await mapLimit(resources, 4, async (r): Promise<RawResource> => {
      if (r.type.toLowerCase() === COSMOS_TYPE && cosmosNamed.has(r.name.toLowerCase())) {
        const [keyed, cosmos] = await Promise.all([keyedLocalAuth(r), cosmosRolesOf(r)]);
        return { ...keyed, cosmos };
      }
      if (r.type.toLowerCase() === 'microsoft.storage/storageaccounts' && readStorage.has(r.id.toLowerCase())) {
        const account = await attempt(l10n.t('Storage account {0} could not be read', r.name), () => arm.get(operation, scopePath(r.id), { 'api-version': ARM_API.storage }), true);
        return account ? { ...r, network: networkFromProperties(props(account)) } : r;
      }
      if (keyedRead(r)) return keyedLocalAuth(r);
      const vault = isKeyVault(r) ? vaults.get(r.id.toLowerCase()) : undefined;
      return vault ? { ...r, vault: vaultOf(vault), network: networkFromProperties(props(vault)) } : r;
    }) : undefined;
    return {
      ...subscription,
      ...(assignments ? { assignments } : {}), ...(deny ? { deny } : {}),
      ...(eligible ? { eligible } : {}), ...(withResources ? { resources: withResources } : {}),
      problems: subProblems,
    };
  });
  if (signal.aborted) throw cancelled();

  // Role definitions: the tenant's list, plus, by id, any role an assignment names that the list did not have (a
  // role made since the list was cached). Every subscription shares the one list.
  const definitions = await tenantDefinitions!;
  if (!definitions.ok) {
    if (signal.aborted) throw definitions.error;
    problems.push(classify(definitions.error, undefined, l10n.t('Role definitions could not be read')));
  }
  const knownRoles = new Map((definitions.ok ? definitions.value : []).map((d) => [roleGuid(d.id), d]));
  const named = new Map<string, string>();
  for (const raw of raws) {
    for (const a of raw.assignments ?? []) named.set(roleGuid(a.roleDefinitionId), a.roleDefinitionId);
    for (const e of raw.eligible ?? []) if (!e.roleName) named.set(roleGuid(e.roleDefinitionId), e.roleDefinitionId);
  }
  const missing = [...named].filter(([guid, id]) => guid && id && !knownRoles.has(guid));
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
  const roleDefinitions = [...knownRoles.values(), ...extra.filter((d): d is RawRoleDefinition => d !== undefined)];
  const withDefinitions = roleDefinitions.length ? raws.map((raw) => ({ ...raw, definitions: roleDefinitions })) : raws;

  const groupsResult = groupsFirst ?? await groupsLoaded;
  if (signal.aborted) throw cancelled();
  let groups: GroupMembership[] | null = null;
  let groupsProblem: AccessProblem | null = null;
  if (groupsResult.ok) groups = groupsResult.value;
  else {
    if (signal.aborted) throw groupsResult.error;
    const problem = classifyGraph(groupsResult.error, l10n.t('Microsoft Graph did not list the groups'), LIST_GROUPS);
    groupsProblem = problem.kind === 'forbidden'
      ? { ...problem, kind: 'graph-denied', message: l10n.t('Microsoft Graph denied reading group memberships: assignments through groups show the group ids without names.') }
      : problem;
  }

  // Names of the other principals the answers name (groups Graph did not list, eligible or deny principals), in
  // batches of 1000 ids: one request per batch, whatever the number of assignments.
  const known = new Set([subjectId.toLowerCase(), ...(groups ?? []).map((g) => g.id.toLowerCase())]);
  const unknown = [...new Set(raws.flatMap((r) => [...(r.assignments ?? []), ...(r.eligible ?? [])].map((a) => a.principalId.toLowerCase())))]
    .filter((id) => id && !known.has(id));
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
  const report = buildAccessReport({
    cloud, identity: subject, groups, groupsProblem, principalNames, subscriptions: withDefinitions, references: options.references ?? [], accountKeys, problems, requests: requests(),
    // How old our token is says nothing about another principal's tokens.
    tokenIssuedAt: viewer ? null : claims.issuedAt, now: Date.now(),
  });
  let result: AccessReport = viewer ? { ...report, viewer } : report;
  if (options.includeResources || options.can) {
    result = { ...result, subscriptions: result.subscriptions.map((s, i) => ({ ...s, resources: (raws[i]?.resources ?? []).map((r) => ({ id: r.id, name: r.name, type: r.type })) })) };
  }
  if (options.can) result = { ...result, can: await canResult(result, withDefinitions, options.can, viewer === undefined, arm, operation) };
  return result;
}


const PERMISSIONS_API = '2022-04-01';

/** The answer to the question, and (for the signed-in identity) ARM's effective permissions at the scope beside it. */
async function canResult(report: AccessReport, raws: readonly RawSubscription[], question: { action: string; scope: string }, self: boolean, arm: AzureClient, operation: AzureOperation): Promise<NonNullable<AccessReport['can']>> {
  const action = question.action.trim();
  if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9./*_-]+$/.test(action)) return { ok: false, message: l10n.t('{0}: expected an operation such as {1}.', action, 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write') };
  const where = resolveScope(report, question.scope);
  if (!where.ok) return { ok: false, message: where.message };
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(where.scope)?.[1]?.toLowerCase();
  const definitions = new Map(raws.filter((r) => !subscription || r.subscriptionId.toLowerCase() === subscription)
    .flatMap((r) => r.definitions ?? []).map((d) => [d.id.split('/').pop()!.toLowerCase(), roleInfo(d)]));
  const raw = raws.find((r) => r.subscriptionId.toLowerCase() === subscription);
  if (subscription && !raw?.assignments) {
    const why = raw?.problems[0]?.message ?? l10n.t('the subscription is not visible with this sign-in');
    return { ok: false, message: l10n.t('The role assignments at {0} could not be read ({1}): no answer can be given.', where.scope, why) };
  }
  const answered = answerCan(report, action, where.scope, [...definitions.values()]);
  // A no read from part of the assignments may be wrong: say so in the answer itself.
  // A yes read without the deny assignments (another principal's, which this sign-in may not list) may be refused by
  // one of them: say so too, rather than a plain yes.
  const denyUnread = raw !== undefined && raw.deny === undefined;
  const answer = answered.verdict !== 'yes' && raw?.problems.length
    ? { ...answered, sentence: `${answered.sentence} (${l10n.t('Not every assignment could be read: {0}', raw.problems.map((p) => p.message).join(' '))})` }
    : answered.verdict === 'yes' && denyUnread
      ? { ...answered, sentence: `${answered.sentence} (${l10n.t('The deny assignments could not be read with this sign-in, so one of them may still refuse it.')})` }
      : answered;
  if (!self) return { ok: true, answer, crossCheck: null };
  let crossCheck;
  try {
    const blocks = permissionsOf(await arm.list(operation, scopePath(where.scope, 'providers/Microsoft.Authorization/permissions'), { 'api-version': PERMISSIONS_API }));
    const armGrants = permissionsGrant(blocks, action, answer.dataAction);
    const ours = answer.grantedBy.length > 0;
    crossCheck = {
      scope: where.scope, armGrants, agrees: armGrants === ours,
      note: armGrants === ours
        ? `${armGrants ? l10n.t("ARM's effective permissions at this scope agree: its roles grant {0}", action) : l10n.t("ARM's effective permissions at this scope agree: its roles do not grant {0}", action)}`
          + `${answer.deniedBy || answer.conditions.length ? ` (${l10n.t('that list leaves deny assignments and conditions out')})` : ''}.`
        : armGrants
          ? l10n.t("ARM's effective permissions at this scope disagree: they say the roles grant {0}. Assignments may have changed since the load, or a role is not readable here.", action)
          : l10n.t("ARM's effective permissions at this scope disagree: they say the roles do not grant {0}. Assignments may have changed since the load, or a role is not readable here.", action),
    };
  } catch (error) {
    if (operation.signal.aborted) throw error;
    crossCheck = { scope: where.scope, problem: classifyError(error, where.scope, l10n.t('ARM\'s effective permissions could not be read')).message };
  }
  return { ok: true, answer, crossCheck };
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
