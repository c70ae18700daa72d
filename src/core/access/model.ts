// From what Azure answered to what the Access view shows: pure, so every rule (how an assignment applies, what is
// inherited, which deny assignment applies, what the insights say) is unit-tested without a network.
import * as l10n from '@vscode/l10n';
import type { CredentialName } from '../chain/types';
import type { CloudEndpoints } from './clouds';
import { dataServiceFor, permissionsDeny, roleGrants, rolesGranting, type DataService } from './permissions';
import type {
  AccessIdentity, AccessProblem, AccessReport, AppliedAssignment, AppliedDenyAssignment, AssignmentPath, EligibleRole, GroupMembership,
  Insight, RoleInfo, RolePermissions, ScopeKind, ScopeNode, SubscriptionAccess,
} from './types';
import { keyContains, scopeChildren, scopeKey, ScopeIndex } from './scopeIndex';
import type { ResourceReference } from './workspaceResources';
import { keyedServiceOf, localAuthInsights, networkInsights, type AccountKeyUse, type ResourceNetwork } from './networkLayer';
import { bashLine, cosmosRoleAssignmentCommand, keyVaultSetPolicyCommand } from '../team/commands';
import { COSMOS_BUILT_IN_ROLES, cosmosDataAccess, type CosmosDataAccess, type RawCosmosRoles } from './cosmosRoles';

export interface RawRoleAssignment {
  readonly id: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly principalType: string | null;
  readonly condition: string | null;
  readonly conditionVersion: string | null;
  readonly createdOn: string | null;
}

export interface RawRoleDefinition {
  readonly id: string;
  readonly roleName: string;
  readonly description: string;
  readonly type: string;
  readonly permissions: readonly RolePermissions[];
}

export interface RawDenyAssignment {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly scope: string;
  readonly permissions: readonly RolePermissions[];
  readonly principals: readonly { readonly id: string; readonly type: string | null }[];
  readonly excludePrincipals: readonly { readonly id: string; readonly type: string | null }[];
  readonly doNotApplyToChildScopes: boolean;
}

export interface RawEligibility {
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly roleName: string | null;
  readonly endDateTime: string | null;
}

export interface RawAccessPolicy {
  readonly objectId: string;
  readonly permissions: { readonly secrets: readonly string[]; readonly keys: readonly string[]; readonly certificates: readonly string[] };
}

export interface RawResource {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** Key vaults only, when read: RBAC or access-policy mode, and the policies. */
  readonly vault?: { readonly enableRbacAuthorization: boolean; readonly accessPolicies: readonly RawAccessPolicy[] };
  /** Storage accounts and key vaults, when read: public access, firewall, private endpoints, shared keys. */
  readonly network?: ResourceNetwork;
  /** Service Bus, Event Hubs, App Configuration and Cosmos DB, when read (a connection string names them): ARM's `disableLocalAuth`. */
  readonly disableLocalAuth?: boolean | null;
  /** Cosmos DB accounts the workspace names, when read: the account's own role definitions and assignments. */
  readonly cosmos?: RawCosmosRoles;
}

export interface RawSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string | null;
  /** Undefined when the list could not be read (see problems). */
  readonly assignments?: readonly RawRoleAssignment[];
  readonly definitions?: readonly RawRoleDefinition[];
  readonly deny?: readonly RawDenyAssignment[];
  readonly eligible?: readonly RawEligibility[];
  readonly resources?: readonly RawResource[];
  readonly problems: readonly AccessProblem[];
}

export interface AccessInputs {
  readonly cloud: CloudEndpoints;
  readonly identity: AccessIdentity;
  /** Null when Graph could not list them (see groupsProblem). */
  readonly groups: readonly GroupMembership[] | null;
  readonly groupsProblem: AccessProblem | null;
  /** Display names of other principals the answers name (directoryObjects/getByIds), by object id. */
  readonly principalNames?: Readonly<Record<string, string>>;
  readonly subscriptions: readonly RawSubscription[];
  readonly references: readonly ResourceReference[];
  /** Connection strings with an account key in the app's environment (.env included), by account. */
  readonly accountKeys?: readonly AccountKeyUse[];
  readonly problems: readonly AccessProblem[];
  readonly requests: number;
  /** Token issue time (epoch seconds): assignments created after it are not in the token's view yet. */
  readonly tokenIssuedAt: number | null;
  readonly now: number;
  /** Only the identity was asked for: no "no subscription" problem. */
  readonly identityOnly?: boolean;
}

/** The GUID at the end of a role definition id, lower case. */
export function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? roleDefinitionId).toLowerCase();
}

const EVERYONE = '00000000-0000-0000-0000-000000000000';

/** Is `outer` the scope `inner` or one of its ancestors? Management groups are above every subscription listed. */
export function scopeContains(outer: string, inner: string): boolean {
  return keyContains(scopeKey(outer), scopeKey(inner));
}

export function scopeKind(scope: string): ScopeKind {
  return kindOfKey(scopeKey(scope));
}

function kindOfKey(key: string): ScopeKind {
  const parts = key.split('/').filter(Boolean);
  if (parts[0] === 'providers' && parts[1] === 'microsoft.management') return 'managementGroup';
  if (parts.length <= 2) return 'subscription';
  if (parts.length <= 4) return 'resourceGroup';
  return 'resource';
}

function scopeName(scope: string): string {
  return scope.replace(/\/+$/, '').split('/').pop() ?? scope;
}

/** "Microsoft.Storage/storageAccounts" from a resource id. */
export function resourceTypeOf(scope: string): string | null {
  const match = /\/providers\/([^/]+)\/([^/]+)\/[^/]+$/i.exec(scope);
  return match ? `${match[1]}/${match[2]}` : null;
}

function unknownRole(guid: string): RoleInfo {
  return { guid, roleName: guid, description: l10n.t('This role definition is not readable in this subscription.'), type: 'Unknown', permissions: [] };
}

function groupIndex(groups: readonly GroupMembership[] | null): Map<string, GroupMembership> {
  return new Map((groups ?? []).map((g) => [g.id.toLowerCase(), g]));
}

function pathTo(principalId: string, identity: AccessIdentity, groups: Map<string, GroupMembership>): AssignmentPath {
  if (principalId.toLowerCase() === identity.objectId.toLowerCase()) return { kind: 'direct' };
  const group = groups.get(principalId.toLowerCase());
  return { kind: 'group', groupId: principalId, path: group ? group.path : [principalId] };
}

/** "direct", "via group sg-dev-team", "via sg-a → sg-b". */
export function describePath(via: AssignmentPath): string {
  if (via.kind === 'direct') return l10n.t('direct');
  return via.path.length === 1 ? l10n.t('via group {0}', via.path[0]!) : l10n.t('via {0}', via.path.join(' → '));
}

function applied(raw: RawRoleAssignment, roles: Map<string, RoleInfo>, identity: AccessIdentity, groups: Map<string, GroupMembership>): AppliedAssignment {
  const guid = roleGuid(raw.roleDefinitionId);
  return {
    assignmentId: raw.id, scope: raw.scope, role: roles.get(guid) ?? unknownRole(guid), principalId: raw.principalId,
    principalType: raw.principalType, via: pathTo(raw.principalId, identity, groups),
    condition: raw.condition || null, conditionVersion: raw.conditionVersion || null, createdOn: raw.createdOn,
  };
}

/** How far down a scope is (by its key): management groups sit above every subscription. */
function depthOfKey(key: string): number {
  return kindOfKey(key) === 'managementGroup' ? 0 : key.split('/').length;
}

const RESOURCE_GROUP = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i;

/**
 * Scopes to show: every scope an assignment names, the subscription, and the resources the workspace names. Each
 * scope's key is computed once; what applies at a scope comes from a trie of the assignments' scopes, and the
 * tree's edges from the scopes' own paths, so the cost grows with the assignments and the rows, not their product.
 */
function scopeTree(subscriptionId: string, assignments: readonly AppliedAssignment[], extraResources: readonly RawResource[]): ScopeNode[] {
  const subscriptionScope = `/subscriptions/${subscriptionId}`;
  const subscriptionKey = scopeKey(subscriptionScope);
  /** Key → the scope as first written (without trailing slashes). */
  const scopes = new Map<string, string>();
  const add = (scope: string, key = scopeKey(scope)): void => { if (!scopes.has(key)) scopes.set(key, scope.replace(/\/+$/, '')); };
  add(subscriptionScope, subscriptionKey);
  const keyed = assignments.map((a) => ({ a, key: scopeKey(a.scope) }));
  for (const { a, key } of keyed) {
    if (kindOfKey(key) === 'managementGroup') add(a.scope, key);
    else if (keyContains(subscriptionKey, key)) {
      add(a.scope, key);
      // A resource's resource group is shown too, so the tree reads subscription → group → resource.
      const rg = RESOURCE_GROUP.exec(a.scope);
      if (rg) add(rg[1]!);
    }
  }
  for (const r of extraResources) {
    add(r.id);
    const rg = RESOURCE_GROUP.exec(r.id);
    if (rg) add(rg[1]!);
  }
  // Nearest scope first: the assignment made here, then those inherited from further up (ties: by role name, then
  // as Azure listed them: the sort is stable). Sorted once; the index hands each scope its assignments in this order.
  const depths = new Map(keyed.map((k) => [k, depthOfKey(k.key)]));
  const ordered = [...keyed].sort((x, y) => depths.get(y)! - depths.get(x)! || x.a.role.roleName.localeCompare(y.a.role.roleName));
  const index = new ScopeIndex<AppliedAssignment>();
  for (const { a, key } of ordered) index.add(key, a);
  const children = scopeChildren(subscriptionScope, [...scopes.keys()].filter((key) => kindOfKey(key) !== 'managementGroup'));
  const build = (key: string): ScopeNode => {
    const scope = scopes.get(key)!;
    const kind = kindOfKey(key);
    // A management group contains every subscription listed, and the subscription is a root of its own: giving the
    // group children would show the subscription's whole tree twice.
    const below = kind === 'managementGroup' ? [] : [...(children.get(key) ?? [])].sort((a, b) => scopes.get(a)!.localeCompare(scopes.get(b)!));
    return {
      scope, kind, name: scopeName(scope), resourceType: kind === 'resource' ? resourceTypeOf(scope) : null,
      assignments: index.applying(key), children: below.map(build),
    };
  };
  const managementGroups = [...scopes.entries()].filter(([key]) => kindOfKey(key) === 'managementGroup').sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return [...managementGroups.map(([key]) => build(key)), build(subscriptionKey)];
}

function appliedDeny(raw: RawDenyAssignment, identity: AccessIdentity, groups: Map<string, GroupMembership>, ids: ReadonlySet<string>): AppliedDenyAssignment | undefined {
  if (raw.excludePrincipals.some((p) => ids.has(p.id.toLowerCase()))) return undefined;
  let through: string | undefined;
  for (const p of raw.principals) {
    const id = p.id.toLowerCase();
    if (id === EVERYONE) through ??= l10n.t('everyone');
    else if (id === identity.objectId.toLowerCase()) through = l10n.t('direct');
    else if (groups.has(id)) through ??= l10n.t('via group {0}', groups.get(id)!.displayName ?? id);
  }
  if (!through) return undefined;
  return {
    id: raw.id, name: raw.name, description: raw.description, scope: raw.scope, permissions: raw.permissions,
    appliesThrough: through, doNotApplyToChildScopes: raw.doNotApplyToChildScopes,
  };
}

/** What the identity may do with one resource's data, from the assignments and deny assignments that reach it. */
export interface DataAccess {
  readonly canManage: boolean;
  readonly read: boolean;
  readonly write: boolean;
  /** Some granting assignment has an ABAC condition: the answer holds only where the condition does. */
  readonly conditional: boolean;
}

export function dataAccess(service: DataService, resourceId: string, assignments: readonly AppliedAssignment[], deny: readonly AppliedDenyAssignment[]): DataAccess {
  const key = scopeKey(resourceId);
  return dataAccessOf(service, key, assignments.filter((a) => keyContains(scopeKey(a.scope), key)), deny.filter((d) => keyContains(scopeKey(d.scope), key)));
}

/** dataAccess from the assignments and deny assignments whose scopes contain the resource (a ScopeIndex's answer). */
function dataAccessOf(service: DataService, resourceKey: string, reaching: readonly AppliedAssignment[], containing: readonly AppliedDenyAssignment[]): DataAccess {
  const denying = containing.filter((d) => !(d.doNotApplyToChildScopes && scopeKey(d.scope) !== resourceKey));
  const holds = (op: string, data: boolean): AppliedAssignment[] => permissionsDeny(denying.flatMap((d) => d.permissions), op, data)
    ? [] : reaching.filter((a) => roleGrants(a.role, op, data));
  const readBy = service.read.flatMap((op) => holds(op, true));
  const writeBy = service.write.flatMap((op) => holds(op, true));
  return {
    canManage: holds(service.manageAction, false).length > 0,
    read: readBy.length > 0,
    write: writeBy.length > 0,
    conditional: [...readBy, ...writeBy].some((a) => a.condition !== null),
  };
}

/** The narrowest built-in role(s) that would give a developer the data access a service needs. */
export function suggestDataRoles(service: DataService, roles: readonly RoleInfo[]): string | null {
  if (!service.armDataRoles) return null;
  const together = rolesGranting(roles, service.suggestFor);
  const best = together[0];
  const broad = (role: RoleInfo): boolean => role.permissions.some((p) => p.dataActions.some((a) => a.endsWith('*')));
  if (best && !broad(best)) return best.roleName;
  // No narrow role covers everything (Service Bus: one role to send, one to receive): one role per operation.
  const each = [...new Set(service.suggestFor.map((op) => rolesGranting(roles, [op]).find((r) => !broad(r))?.roleName).filter((n): n is string => Boolean(n)))];
  if (each.length > 1) return l10n.t('{0} and {1}', each.slice(0, -1).join(', '), each[each.length - 1]!);
  return each[0] ?? best?.roleName ?? null;
}

function yesNo(value: boolean): string {
  return value ? l10n.t('yes') : l10n.t('no');
}

/** What the identity may do with a resource's data, short enough for a row label in a 300-pixel sidebar. */
function dataAccessLabel(read: boolean, write: boolean): string {
  return read && write ? l10n.t('read, write') : read ? l10n.t('read only') : write ? l10n.t('write only') : l10n.t('no data access');
}

/** The command that gives the identity the Cosmos DB data contributor role on the whole account (bash). */
function cosmosFixOf(account: string, name: string, objectId: string): string | null {
  const resourceGroup = account.split('/')[4];
  return resourceGroup ? bashLine(cosmosRoleAssignmentCommand(name, resourceGroup, objectId, COSMOS_BUILT_IN_ROLES.contributor.guid)) : null;
}

/** The object ids whose Cosmos DB role assignments count for the identity: its own (null) and its groups' (their names). */
function cosmosPrincipals(inputs: AccessInputs): Map<string, string | null> {
  const map = new Map<string, string | null>([[inputs.identity.objectId.toLowerCase(), null]]);
  for (const g of inputs.groups ?? []) map.set(g.id.toLowerCase(), g.displayName ?? g.id);
  return map;
}

/** Every Cosmos DB account whose own role assignments were read (the ones the workspace names). */
function cosmosAccessOf(inputs: AccessInputs): CosmosDataAccess[] {
  const principals = cosmosPrincipals(inputs);
  return inputs.subscriptions.flatMap((raw) => (raw.resources ?? []).filter((r): r is RawResource & { cosmos: RawCosmosRoles } => r.cosmos !== undefined)
    .map((r) => cosmosDataAccess(r.id, r.cosmos, principals, inputs.identity.objectId)));
}

function cosmosVerdictWord(access: CosmosDataAccess, which: 'read' | 'write'): string {
  const verdict = access[which]?.verdict;
  return verdict === 'yes' ? l10n.t('yes') : verdict === 'depends' ? l10n.t('in some databases') : l10n.t('no');
}

/** A Cosmos DB account the workspace names: what its own role assignments give the identity, with the fix. */
function cosmosInsight(access: CosmosDataAccess): Insight {
  if (!access.read || !access.write) {
    return {
      kind: 'workspace-resource', scope: access.account,
      title: l10n.t('{0} (named in the workspace): its Cosmos DB role assignments could not be read', access.name),
      label: l10n.t('{0}: data roles unknown', access.name),
      detail: access.problem ?? '',
      suggestion: null,
    };
  }
  const read = access.read.verdict !== 'no';
  const write = access.write.verdict !== 'no';
  return {
    kind: 'workspace-resource', scope: access.account,
    title: l10n.t('{0} (named in the workspace): read {1}, write {2}', access.name, cosmosVerdictWord(access, 'read'), cosmosVerdictWord(access, 'write')),
    label: `${access.name}: ${dataAccessLabel(read, write)}`,
    detail: `${access.read.sentence} ${access.write.sentence}`,
    suggestion: access.fix?.command ?? null,
  };
}

function insightsFor(inputs: AccessInputs, subscriptions: readonly SubscriptionAccess[], raws: readonly RawSubscription[], allAssignments: Map<string, AppliedAssignment[]>): Insight[] {
  const insights: Insight[] = [];
  const { identity } = inputs;
  const groups = groupIndex(inputs.groups);
  const principalIds = new Set([identity.objectId.toLowerCase(), ...groups.keys()]);
  const referenced = new Set(inputs.references.map((r) => `${r.service}:${r.name}`));
  const accountKeys = inputs.accountKeys ?? [];
  const seenReferences = new Set<string>();
  const byId = new Map<string, SubscriptionAccess>();
  for (const s of subscriptions) if (!byId.has(s.subscriptionId)) byId.set(s.subscriptionId, s);
  for (const raw of raws) {
    const subscription = byId.get(raw.subscriptionId)!;
    const assignments = allAssignments.get(raw.subscriptionId) ?? [];
    // Each resource asks only the assignments and deny assignments above it; the role to suggest depends on the
    // service alone, so the definitions are ranked once per service, not once per resource.
    const reaching = new ScopeIndex(assignments, (a) => a.scope);
    const denying = new ScopeIndex(subscription.deny, (d) => d.scope);
    const suggestionFor = (service: DataService): string | null => {
      const roles = rolesOf(raw.definitions);
      if (!roles.suggestions.has(service.key)) roles.suggestions.set(service.key, suggestDataRoles(service, roles.list));
      return roles.suggestions.get(service.key)!;
    };
    if (raw.tenantId && raw.tenantId.toLowerCase() !== identity.tenantId.toLowerCase()) {
      insights.push({
        kind: 'tenant-mismatch', scope: `/subscriptions/${raw.subscriptionId}`,
        title: l10n.t('{0} is in tenant {1}, the token is for {2}', raw.displayName, raw.tenantId, identity.tenantId),
        label: l10n.t('Other tenant: {0}', raw.displayName),
        detail: l10n.t('Tokens are issued per tenant: this identity is a guest there or the app is multi-tenant, and calls to this subscription need a token from its tenant.'),
        suggestion: tenantFix(identity.source, raw.tenantId),
      });
    }
    for (const resource of raw.resources ?? []) {
      const service = dataServiceFor(resource.type);
      if (!service) continue;
      const key = `${service.key}:${resource.name.toLowerCase()}`;
      const named = referenced.has(key);
      if (named) seenReferences.add(key);
      const networkFor = (read: boolean, write: boolean): void => {
        if (!resource.network || (service.key !== 'storage' && service.key !== 'keyVault')) return;
        const name = resource.name.toLowerCase();
        insights.push(...networkInsights({
          kind: service.key, resourceId: resource.id, name: resource.name, network: resource.network, read, write,
          named: named || (service.key === 'storage' && accountKeys.some((k) => !k.service && k.account === name)),
          accountKeys: service.key === 'storage' ? accountKeys.filter((k) => !k.service && k.account === name) : [],
          storageSuffix: inputs.cloud.storageSuffix,
        }));
      };
      if (service.key !== 'storage' && service.key !== 'keyVault' && resource.disableLocalAuth !== undefined) {
        const keyed = keyedServiceOf(service.key);
        insights.push(...localAuthInsights({
          service: service.key, label: service.label, resourceId: resource.id, name: resource.name, disableLocalAuth: resource.disableLocalAuth,
          uses: accountKeys.filter((k) => k.service === keyed && k.account === resource.name.toLowerCase()),
        }));
      }
      if (service.key === 'keyVault' && resource.vault && !resource.vault.enableRbacAuthorization) {
        const policies = resource.vault.accessPolicies.filter((p) => principalIds.has(p.objectId.toLowerCase()));
        const perms = (kind: 'secrets' | 'keys' | 'certificates'): string => [...new Set(policies.flatMap((p) => p.permissions[kind]))].join(', ') || l10n.t('none');
        insights.push({
          kind: 'access-policy-vault', scope: resource.id,
          title: l10n.t('{0} uses access policies, not roles', resource.name),
          label: l10n.t('{0}: policies', resource.name),
          detail: policies.length
            ? (policies.some((p) => p.objectId.toLowerCase() !== identity.objectId.toLowerCase())
              ? l10n.t('Access policies give this identity (through its groups): secrets {0}; keys {1}; certificates {2}. Data roles such as Key Vault Secrets User do not apply to this vault.', perms('secrets'), perms('keys'), perms('certificates'))
              : l10n.t('Access policies give this identity: secrets {0}; keys {1}; certificates {2}. Data roles such as Key Vault Secrets User do not apply to this vault.', perms('secrets'), perms('keys'), perms('certificates')))
            : l10n.t('No access policy names this identity or its groups, so it cannot read secrets, keys or certificates. Data roles do not apply to this vault: an access policy does (or switch the vault to Azure RBAC).'),
          suggestion: policies.length ? null : bashLine(keyVaultSetPolicyCommand(resource.name, identity.objectId)),
        });
        networkFor(policies.some((p) => p.permissions.secrets.includes('get')), policies.some((p) => p.permissions.secrets.includes('set')));
        continue;
      }
      const resourceKey = scopeKey(resource.id);
      const access = dataAccessOf(service, resourceKey, reaching.applying(resourceKey), denying.applying(resourceKey));
      if (resource.cosmos) {
        // The account's own role assignments were read: they, not Azure roles, say what reaches its data.
        const cosmos = cosmosDataAccess(resource.id, resource.cosmos, cosmosPrincipals(inputs), identity.objectId);
        if (access.canManage && cosmos.read?.verdict === 'no' && cosmos.write?.verdict === 'no') {
          insights.push({
            kind: 'control-plane-only', scope: resource.id,
            title: l10n.t('Control-plane only on {0} {1}', service.label, resource.name),
            label: l10n.t('{0}: no data', resource.name),
            detail: l10n.t('This identity can manage {0}, but no Cosmos DB role assignment of the account reaches it or its groups: its data calls are refused (403 Forbidden).', resource.name),
            suggestion: cosmos.fix?.command ?? null,
          });
        }
        if (named) insights.push(cosmosInsight(cosmos));
        continue;
      }
      const suggestion = suggestionFor(service);
      if (access.canManage && !access.read && !access.write) {
        insights.push({
          kind: 'control-plane-only', scope: resource.id,
          title: l10n.t('Control-plane only on {0} {1}', service.label, resource.name),
          label: l10n.t('{0}: no data', resource.name),
          detail: service.armDataRoles
            ? l10n.t("This identity can manage {0} but holds no role that reaches its data: your app's data calls get 403 ({1}).", resource.name, service.key === 'storage' ? 'AuthorizationPermissionMismatch' : 'Forbidden')
            : l10n.t("This identity can manage {0}, but Cosmos DB's data is reached through its own SQL role assignments, not Azure roles.", resource.name),
          suggestion: service.armDataRoles ? suggestion : cosmosFixOf(resource.id, resource.name, identity.objectId),
        });
      }
      networkFor(access.read, access.write);
      if (named) {
        const missing = !access.write && service.write.length ? suggestion : null;
        insights.push({
          kind: 'workspace-resource', scope: resource.id,
          title: l10n.t('{0} (named in the workspace): read {1}, write {2}', resource.name, yesNo(access.read), yesNo(access.write)),
          label: `${resource.name}: ${dataAccessLabel(access.read, access.write)}`,
          detail: `${access.read ? l10n.t('Reads work') : l10n.t('Reads do not work')}; ${access.write ? l10n.t('writes work') : l10n.t('writes do not')}${access.conditional ? ` (${l10n.t('an ABAC condition limits where')})` : ''}.`,
          suggestion: missing,
        });
      }
    }
    const recent = assignments.filter((a) => a.createdOn && inputs.now - Date.parse(a.createdOn) < 10 * 60_000
      || (inputs.tokenIssuedAt !== null && a.createdOn !== null && Date.parse(a.createdOn) / 1000 > inputs.tokenIssuedAt));
    // One insight per assignment: the same assignment reaches the identity once per group path.
    const seenAssignments = new Set<string>();
    for (const a of recent) {
      if (seenAssignments.has(a.assignmentId.toLowerCase())) continue;
      seenAssignments.add(a.assignmentId.toLowerCase());
      insights.push({
        kind: 'recent-assignment', scope: a.scope,
        title: l10n.t('{0} was assigned {1}', a.role.roleName, sinceText(Date.parse(a.createdOn!), inputs.now)),
        label: a.role.roleName,
        detail: l10n.t('Role changes take up to 10 minutes to apply, and a token issued before the change does not carry them: your app needs a new token.'),
        suggestion: newTokenFix(identity.source),
      });
    }
  }
  for (const ref of inputs.references) {
    const key = `${ref.service}:${ref.name}`;
    // Service Bus and Event Hubs share a host suffix: only one of the two can exist.
    if (seenReferences.has(key) || (ref.service === 'eventHubs' && seenReferences.has(`serviceBus:${ref.name}`))
      || (ref.service === 'serviceBus' && seenReferences.has(`eventHubs:${ref.name}`)) || ref.service === 'eventHubs') continue;
    insights.push({
      kind: 'workspace-resource', scope: null,
      title: l10n.t('{0} is named in the workspace but not found', ref.host),
      label: l10n.t('Not found: {0}', ref.host),
      detail: l10n.t('No visible subscription holds a resource of that name: it may be in another tenant or subscription, or this identity cannot see it.'),
      suggestion: null,
    });
  }
  return insights;
}

export function roleInfo(raw: RawRoleDefinition): RoleInfo {
  return { guid: roleGuid(raw.id), roleName: raw.roleName, description: raw.description, type: raw.type, permissions: raw.permissions };
}

interface Roles {
  readonly list: RoleInfo[];
  readonly byGuid: Map<string, RoleInfo>;
  /** The role to suggest per data service: it depends on the definitions alone. */
  readonly suggestions: Map<DataService['key'], string | null>;
}

/** Subscriptions usually share one list of definitions (the tenant's): its roles are indexed and ranked once. */
const rolesByList = new WeakMap<readonly RawRoleDefinition[], Roles>();
const NO_DEFINITIONS: readonly RawRoleDefinition[] = [];

function rolesOf(definitions: readonly RawRoleDefinition[] | undefined): Roles {
  const key = definitions ?? NO_DEFINITIONS;
  let roles = rolesByList.get(key);
  if (!roles) {
    const list = key.map(roleInfo);
    roles = { list, byGuid: new Map(list.map((r) => [r.guid, r])), suggestions: new Map() };
    rolesByList.set(key, roles);
  }
  return roles;
}

/** The whole report, from raw answers. */
export function buildAccessReport(inputs: AccessInputs): AccessReport {
  const { identity, cloud } = inputs;
  const groups = groupIndex(inputs.groups);
  // A principal Graph named although the group list could not be read still reads as a name, not an id.
  for (const [id, name] of Object.entries(inputs.principalNames ?? {})) {
    if (!groups.has(id.toLowerCase())) groups.set(id.toLowerCase(), { id, displayName: name, path: [name] });
  }
  const allAssignments = new Map<string, AppliedAssignment[]>();
  const principalIds = new Set([identity.objectId.toLowerCase(), ...groups.keys()]);
  const referenced = new Set(inputs.references.map((ref) => `${ref.service}:${ref.name}`));
  const subscriptions = inputs.subscriptions.map((raw): SubscriptionAccess => {
    const roles = rolesOf(raw.definitions).byGuid;
    const assignments = (raw.assignments ?? []).map((a) => applied(a, roles, identity, groups));
    allAssignments.set(raw.subscriptionId, assignments);
    const extra = (raw.resources ?? []).filter((r) => {
      const service = dataServiceFor(r.type);
      return service && referenced.has(`${service.key}:${r.name.toLowerCase()}`);
    });
    const eligible = (raw.eligible ?? []).filter((e) => e.principalId.toLowerCase() === identity.objectId.toLowerCase() || groups.has(e.principalId.toLowerCase()))
      .map((e): EligibleRole => {
        const guid = roleGuid(e.roleDefinitionId);
        return {
          scope: e.scope, roleGuid: guid, roleName: e.roleName ?? roles.get(guid)?.roleName ?? guid,
          via: pathTo(e.principalId, identity, groups), endDateTime: e.endDateTime,
          activateUrl: `${cloud.portal}/#view/Microsoft_Azure_PIMCommon/ActivationMenuBlade/~/azurerbac`,
        };
      });
    return {
      subscriptionId: raw.subscriptionId, displayName: raw.displayName, tenantId: raw.tenantId,
      scopes: raw.assignments ? scopeTree(raw.subscriptionId, assignments, extra) : [],
      eligible,
      deny: (raw.deny ?? []).map((d) => appliedDeny(d, identity, groups, principalIds)).filter((d): d is AppliedDenyAssignment => d !== undefined),
      problems: raw.problems,
    };
  });
  const cosmos = cosmosAccessOf(inputs);
  const problems: AccessProblem[] = [...inputs.problems];
  if (!inputs.identityOnly && inputs.subscriptions.length === 0 && !problems.some((p) => p.kind === 'no-subscription')) {
    problems.push({
      kind: 'no-subscription',
      message: l10n.t('{0} sees no subscription in tenant {1}.', identity.upn ?? identity.appId ?? identity.objectId, identity.tenantId),
      fix: l10n.t('Ask an owner of a subscription to assign this identity a role there (the team wizard prepares the request), or sign in to the tenant that holds your subscriptions.'),
    });
  }
  return {
    cloud: cloud.name, identity,
    groups: { items: inputs.groups ?? [], count: inputs.groups?.length ?? 0, problem: inputs.groupsProblem },
    subscriptions,
    insights: insightsFor(inputs, subscriptions, inputs.subscriptions, allAssignments),
    ...(cosmos.length ? { cosmos } : {}),
    problems,
    requests: inputs.requests,
    loadedAt: new Date(inputs.now).toISOString(),
  };
}

/** "3 min ago", "just now", or the local date and time for older moments (the model runs where the user is). */
function sinceText(at: number, now: number): string {
  if (Number.isNaN(at)) return l10n.t('recently');
  const minutes = Math.round((now - at) / 60_000);
  if (minutes < 1) return l10n.t('just now');
  if (minutes < 60) return l10n.t('{0} min ago', minutes);
  const when = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return l10n.t('on {0} at {1}', `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`, `${pad(when.getHours())}:${pad(when.getMinutes())}`);
}

/**
 * How the identity's own source gets a token for another tenant: each developer tool has its own flag, an app
 * identity its variable; `additionally_allowed_tenants` lets DefaultAzureCredential accept it in any case.
 */
function tenantFix(source: CredentialName, tenant: string): string {
  const inCode = `DefaultAzureCredential(additionally_allowed_tenants=["${tenant}"])`;
  switch (source) {
    case 'AzureCliCredential': return `az login --tenant ${tenant}  ·  ${inCode}`;
    case 'AzureDeveloperCliCredential': return `azd auth login --tenant-id ${tenant}  ·  ${inCode}`;
    case 'AzurePowerShellCredential': return `Connect-AzAccount -Tenant ${tenant}  ·  ${inCode}`;
    case 'EnvironmentCredential':
    case 'WorkloadIdentityCredential': return `${l10n.t('{0} in .env (an app registered in that tenant)', `AZURE_TENANT_ID=${tenant}`)}  ·  ${inCode}`;
    default: return inCode;
  }
}

/** How the identity's own source gets a token that carries a new role or group, a few minutes after the change. */
function newTokenFix(source: CredentialName): string {
  switch (source) {
    case 'AzureCliCredential': return l10n.t('after a few minutes, {0} again (az keeps its token until it expires)', 'az login');
    case 'AzureDeveloperCliCredential': return l10n.t('after a few minutes, {0} again', 'azd auth login');
    case 'AzurePowerShellCredential': return l10n.t('after a few minutes, {0} again', 'Connect-AzAccount');
    default: return l10n.t('after a few minutes, restart your app: it asks for a new token when it starts');
  }
}
