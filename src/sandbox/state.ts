// The tenant's state in memory: directory objects (users, service principals, managed identities, groups), app
// registrations created through Graph, the ARM resource tree under management groups, role definitions, role
// assignments (with ABAC conditions), deny assignments and PIM eligibilities, plus RBAC evaluation from the
// caller's own assignments. Built from a validated seed; `reset` rebuilds it from the same seed.
import { randomUUID } from 'node:crypto';
import type { ParsedSeed } from './seed';
import { builtInRoleDefinitions, type RoleDefinition, type RolePermission } from './roles';
import { findCosmosSqlRole } from './cosmosRoles';

export interface UserObject {
  kind: 'user';
  key: string;
  objectId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  password: string;
  mfaRequired: boolean;
  conditionalAccessBlocked: boolean;
  directoryRoles: string[];
  createdAt: number;
}

export interface ServicePrincipalObject {
  kind: 'servicePrincipal';
  key: string;
  appId: string;
  objectId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity';
  secrets: string[];
  useGeneratedCertificate: boolean;
  federatedCredentials: { issuerPath: string; subject: string; audiences: string[] }[];
  graphAppRoles: string[];
  managedIdentity?: { kind: 'systemAssigned' | 'userAssigned'; resourceId: string };
  createdAt: number;
}

export interface GroupObject {
  kind: 'group';
  key: string;
  objectId: string;
  displayName: string;
  mailNickname: string;
  description: string | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  members: Set<string>;
  /** Object ids of the group's owners: besides some directory roles, only they may change its members. */
  owners: Set<string>;
  createdDateTime: string;
  /** Set for groups created through Graph: ARM does not see them until the replication delay has passed. */
  createdThroughApiAt?: number;
}

export type DirectoryObject = UserObject | ServicePrincipalObject | GroupObject;

export interface VaultAccessPolicy {
  objectId: string;
  permissions: { keys: string[]; secrets: string[]; certificates: string[] };
}

export interface ResourceRecord {
  id: string;
  name: string;
  type: string;
  location: string;
  kind?: string;
  sku?: { name: string; tier?: string };
  enableRbacAuthorization?: boolean;
  accessPolicies?: VaultAccessPolicy[];
  allowSharedKeyAccess?: boolean;
  disableLocalAuth?: boolean;
  network?: ResourceNetwork;
}

/** Who may reach a storage account's or key vault's data plane over the network (seed.ts `networkSeed`). */
export interface ResourceNetwork {
  publicNetworkAccess: 'Enabled' | 'Disabled';
  defaultAction: 'Allow' | 'Deny';
  bypass: string;
  ipRules: string[];
  virtualNetworkRules: string[];
  privateEndpoints: string[];
}

export interface ManagementGroupRecord {
  name: string;
  displayName: string;
  /** Name of the parent group; undefined only for the tenant root group. */
  parent: string | undefined;
  id: string;
}

/** The principal every deny assignment can name: all users, groups and service principals. */
export const EVERYONE = '00000000-0000-0000-0000-000000000000';

export interface DenyPrincipal { id: string; type: 'User' | 'Group' | 'ServicePrincipal' | 'SystemDefined' }

export interface DenyAssignmentRecord {
  name: string;
  denyAssignmentName: string;
  description: string;
  scope: string;
  permissions: RolePermission[];
  principals: DenyPrincipal[];
  excludePrincipals: DenyPrincipal[];
  doNotApplyToChildScopes: boolean;
  isSystemProtected: boolean;
}

export interface RoleEligibilityRecord {
  name: string;
  scope: string;
  /** GUID of the role definition. */
  roleDefinitionName: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  startDateTime: string;
  endDateTime: string | null;
}

/** An app registration created through Graph (`POST /applications`). */
export interface ApplicationRecord {
  objectId: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  createdDateTime: string;
  passwordCredentials: { keyId: string; displayName: string | null; hint: string; secret: string; startDateTime: string; endDateTime: string }[];
  /** Object ids of its owners: whoever created it through a delegated or OwnedBy call (they may manage it later). */
  owners: string[];
}

export interface ResourceGroupRecord { id: string; name: string; location: string; resources: ResourceRecord[] }
export interface SubscriptionRecord { id: string; displayName: string; state: string; resourceGroups: ResourceGroupRecord[] }

export interface RoleAssignmentRecord {
  name: string;
  /** Canonical scope as created, e.g. `/subscriptions/{id}/resourceGroups/rg-app`. */
  scope: string;
  roleDefinitionName: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  description: string | null;
  condition: string | null;
  conditionVersion: string | null;
  createdOn: string;
  updatedOn: string;
  createdBy: string | null;
  updatedBy: string | null;
}

/** A Cosmos DB SQL (data-plane) role assignment, kept under its account rather than in Azure RBAC. */
export interface CosmosSqlRoleAssignmentRecord {
  /** The account's resource id, as the resource tree spells it. */
  accountId: string;
  /** The assignment's GUID (its name under the account). */
  name: string;
  /** GUID of the account's SQL role definition. */
  roleDefinitionName: string;
  /** Full scope: the account id, or the account id followed by `/dbs/{database}[/colls/{container}]`. */
  scope: string;
  principalId: string;
}

/** ARM's scope comparison is case-insensitive; trailing slashes carry no meaning. */
export function normalizeScope(scope: string): string {
  const trimmed = scope.replace(/\/+$/, '');
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).toLowerCase() || '/';
}

/** True when `outer` is `inner` or one of its ancestors (the root `/` contains everything). */
export function scopeContains(outer: string, inner: string): boolean {
  const o = normalizeScope(outer);
  const i = normalizeScope(inner);
  if (o === '/' || o === '') return true;
  return i === o || i.startsWith(`${o}/`);
}

const actionPatterns = new Map<string, RegExp>();

function actionPattern(pattern: string): RegExp {
  // Compiled once: RBAC checks run for every resource of every list, thousands of times with the large seed.
  let compiled = actionPatterns.get(pattern);
  if (!compiled) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    compiled = new RegExp(`^${escaped}$`, 'i');
    actionPatterns.set(pattern, compiled);
  }
  return compiled;
}

export function permissionAllows(permissions: RolePermission[], action: string, dataAction = false): boolean {
  return permissions.some((p) => {
    const allow = dataAction ? p.dataActions : p.actions;
    const deny = dataAction ? p.notDataActions : p.notActions;
    return allow.some((a) => actionPattern(a).test(action)) && !deny.some((a) => actionPattern(a).test(action));
  });
}

const SANDBOX_ROLE_TIMESTAMP = '2024-01-01T00:00:00.0000000Z';
const SEEDED_ASSIGNMENT_TIMESTAMP = '2024-01-15T10:00:00.0000000Z';
const MG_PREFIX = '/providers/microsoft.management/managementgroups/';

export function managementGroupId(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`;
}

export class TenantState {
  readonly tenantId: string;
  readonly objects = new Map<string, DirectoryObject>();
  readonly byKey = new Map<string, DirectoryObject>();
  readonly subscriptions: SubscriptionRecord[] = [];
  readonly roleDefinitions = new Map<string, RoleDefinition>();
  /** By lower-case name; the tenant root group (named after the tenant id) is always there. */
  readonly managementGroups = new Map<string, ManagementGroupRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  roleAssignments: RoleAssignmentRecord[] = [];
  denyAssignments: DenyAssignmentRecord[] = [];
  roleEligibilities: RoleEligibilityRecord[] = [];
  cosmosSqlRoleAssignments: CosmosSqlRoleAssignmentRecord[] = [];
  /** Lower-case subscription id -> lower-case name of the management group it sits in. */
  private readonly subscriptionParent = new Map<string, string>();
  /** Caches that depend on group membership; dropped by `membershipChanged`. */
  private memberIndex: Map<string, GroupObject[]> | undefined;
  private readonly identityCache = new Map<string, Set<string>>();
  private rolesByName: Map<string, RoleDefinition> | undefined;

  constructor(readonly seed: ParsedSeed) {
    this.tenantId = seed.tenant.id;
    const seededAt = Date.now() - 24 * 60 * 60 * 1000;
    for (const u of seed.users) {
      this.add({ kind: 'user', ...u, createdAt: seededAt });
    }
    for (const sp of seed.servicePrincipals) {
      this.add({ kind: 'servicePrincipal', servicePrincipalType: 'Application', ...sp, createdAt: seededAt });
    }
    for (const mi of seed.managedIdentities) {
      this.add({
        kind: 'servicePrincipal', key: mi.key, appId: mi.appId, objectId: mi.objectId, displayName: mi.displayName,
        servicePrincipalType: 'ManagedIdentity', secrets: [], useGeneratedCertificate: false, federatedCredentials: [],
        graphAppRoles: [], managedIdentity: { kind: mi.kind, resourceId: mi.resourceId }, createdAt: seededAt,
      });
    }
    for (const g of seed.groups) {
      this.add({
        kind: 'group', key: g.key, objectId: g.objectId, displayName: g.displayName, mailNickname: g.mailNickname,
        description: g.description, securityEnabled: true, mailEnabled: false, members: new Set(), owners: new Set(),
        createdDateTime: '2024-01-01T00:00:00Z',
      });
    }
    for (const g of seed.groups) {
      const group = this.byKey.get(g.key) as GroupObject;
      for (const member of g.members) group.members.add(this.byKey.get(member)!.objectId.toLowerCase());
      for (const owner of g.owners) group.owners.add(this.byKey.get(owner)!.objectId.toLowerCase());
    }
    const objectIdOf = (principalKey: string): string => this.byKey.get(principalKey)!.objectId;
    for (const s of seed.subscriptions) {
      const subId = `/subscriptions/${s.id}`;
      this.subscriptions.push({
        id: s.id, displayName: s.displayName, state: s.state,
        resourceGroups: s.resourceGroups.map((rg) => {
          const rgId = `${subId}/resourceGroups/${rg.name}`;
          return {
            id: rgId, name: rg.name, location: rg.location,
            resources: rg.resources.map(({ accessPolicies, sqlRoleAssignments: _sqlRoleAssignments, ...r }) => ({
              id: `${rgId}/providers/${r.type}/${r.name}`, ...r,
              ...(accessPolicies ? {
                accessPolicies: accessPolicies.map((policy) => ({ objectId: objectIdOf(policy.principal), permissions: policy.permissions })),
              } : {}),
            })),
          };
        }),
      });
    }
    for (const s of seed.subscriptions) {
      for (const rg of s.resourceGroups) {
        for (const r of rg.resources) {
          const accountId = `/subscriptions/${s.id}/resourceGroups/${rg.name}/providers/${r.type}/${r.name}`;
          for (const a of r.sqlRoleAssignments ?? []) {
            this.cosmosSqlRoleAssignments.push({
              accountId, name: a.name.toLowerCase(), roleDefinitionName: findCosmosSqlRole(a.role)!.name,
              scope: a.scope === '/' ? accountId : `${accountId}${a.scope}`, principalId: objectIdOf(a.principal),
            });
          }
        }
      }
    }
    const root = this.tenantId.toLowerCase();
    this.managementGroups.set(root, { name: this.tenantId, displayName: 'Tenant Root Group', parent: undefined, id: managementGroupId(this.tenantId) });
    for (const mg of seed.managementGroups) {
      this.managementGroups.set(mg.name.toLowerCase(), { name: mg.name, displayName: mg.displayName, parent: mg.parent ?? this.tenantId, id: managementGroupId(mg.name) });
      for (const sub of mg.subscriptions) this.subscriptionParent.set(sub.toLowerCase(), mg.name.toLowerCase());
    }
    for (const role of builtInRoleDefinitions()) this.roleDefinitions.set(role.name.toLowerCase(), role);
    for (const role of seed.customRoles) {
      this.roleDefinitions.set(role.name.toLowerCase(), {
        ...role, type: 'CustomRole', createdOn: SANDBOX_ROLE_TIMESTAMP, updatedOn: SANDBOX_ROLE_TIMESTAMP,
        createdBy: null, updatedBy: null,
      });
    }
    for (const a of seed.roleAssignments) {
      const role = this.findRole(a.role);
      if (!role) throw new Error(`invalid sandbox seed: role assignment ${a.name} names unknown role '${a.role}'`);
      const principal = this.byKey.get(a.principal)!;
      this.roleAssignments.push({
        name: a.name, scope: a.scope, roleDefinitionName: role.name, principalId: principal.objectId,
        principalType: principalTypeOf(principal), description: a.description ?? null,
        condition: a.condition ?? null, conditionVersion: a.condition ? '2.0' : null,
        createdOn: SEEDED_ASSIGNMENT_TIMESTAMP, updatedOn: SEEDED_ASSIGNMENT_TIMESTAMP,
        createdBy: null, updatedBy: null,
      });
    }
    const denyPrincipal = (principalKey: string): DenyPrincipal => {
      if (principalKey === 'everyone') return { id: EVERYONE, type: 'SystemDefined' };
      const object = this.byKey.get(principalKey)!;
      return { id: object.objectId, type: principalTypeOf(object) };
    };
    for (const d of seed.denyAssignments) {
      this.denyAssignments.push({
        name: d.name, denyAssignmentName: d.denyAssignmentName, description: d.description, scope: d.scope,
        permissions: d.permissions, principals: d.principals.map(denyPrincipal), excludePrincipals: d.excludePrincipals.map(denyPrincipal),
        doNotApplyToChildScopes: d.doNotApplyToChildScopes, isSystemProtected: d.isSystemProtected,
      });
    }
    for (const e of seed.roleEligibilities) {
      const role = this.findRole(e.role);
      if (!role) throw new Error(`invalid sandbox seed: role eligibility ${e.name} names unknown role '${e.role}'`);
      const principal = this.byKey.get(e.principal)!;
      this.roleEligibilities.push({
        name: e.name, scope: e.scope, roleDefinitionName: role.name, principalId: principal.objectId,
        principalType: principalTypeOf(principal), startDateTime: e.startDateTime, endDateTime: e.endDateTime,
      });
    }
  }

  private add(object: DirectoryObject): void {
    this.objects.set(object.objectId.toLowerCase(), object);
    this.byKey.set(object.key, object);
  }

  get tenantDisplayName(): string { return this.seed.tenant.displayName; }
  get defaultDomain(): string { return this.seed.tenant.defaultDomain; }

  /** The tenant path segment of an Entra URL: the GUID or one of the tenant's domains. */
  matchesTenant(segment: string): boolean {
    const s = segment.toLowerCase();
    return s === this.tenantId.toLowerCase() || s === this.defaultDomain.toLowerCase();
  }

  findRole(nameOrId: string): RoleDefinition | undefined {
    const byId = this.roleDefinitions.get(nameOrId.toLowerCase());
    if (byId) return byId;
    if (!this.rolesByName || this.rolesByName.size !== this.roleDefinitions.size) {
      this.rolesByName = new Map([...this.roleDefinitions.values()].map((r) => [r.roleName, r]));
    }
    return this.rolesByName.get(nameOrId);
  }

  object(objectId: string): DirectoryObject | undefined { return this.objects.get(objectId.toLowerCase()); }

  user(keyOrUpnOrId: string): UserObject | undefined {
    const needle = keyOrUpnOrId.toLowerCase();
    for (const o of this.objects.values()) {
      if (o.kind === 'user' && (o.key === needle || o.userPrincipalName.toLowerCase() === needle || o.objectId.toLowerCase() === needle)) return o;
    }
    return undefined;
  }

  servicePrincipalByAppId(appId: string): ServicePrincipalObject | undefined {
    const needle = appId.toLowerCase();
    for (const o of this.objects.values()) if (o.kind === 'servicePrincipal' && o.appId.toLowerCase() === needle) return o;
    return undefined;
  }

  users(): UserObject[] { return [...this.objects.values()].filter((o): o is UserObject => o.kind === 'user'); }
  groups(): GroupObject[] { return [...this.objects.values()].filter((o): o is GroupObject => o.kind === 'group'); }

  /** Call after any change to a group's members or to the set of groups (the membership caches go stale). */
  membershipChanged(): void {
    this.memberIndex = undefined;
    this.identityCache.clear();
  }

  /** Groups that contain `objectId` directly. */
  directGroupsOf(objectId: string): GroupObject[] {
    if (!this.memberIndex) {
      const index = new Map<string, GroupObject[]>();
      for (const g of this.groups()) {
        for (const member of g.members) {
          const list = index.get(member);
          if (list) list.push(g); else index.set(member, [g]);
        }
      }
      this.memberIndex = index;
    }
    return [...(this.memberIndex.get(objectId.toLowerCase()) ?? [])];
  }

  /** All groups that contain `objectId`, directly or through nested groups. */
  transitiveGroupsOf(objectId: string): GroupObject[] {
    const seen = new Map<string, GroupObject>();
    const queue = [objectId.toLowerCase()];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const g of this.directGroupsOf(current)) {
        const gid = g.objectId.toLowerCase();
        if (!seen.has(gid)) { seen.set(gid, g); queue.push(gid); }
      }
    }
    return [...seen.values()];
  }

  /** The principal's own object id plus those of all groups it belongs to transitively. */
  identitiesOf(principalId: string): Set<string> {
    const id = principalId.toLowerCase();
    let identities = this.identityCache.get(id);
    if (!identities) {
      identities = new Set([id, ...this.transitiveGroupsOf(id).map((g) => g.objectId.toLowerCase())]);
      this.identityCache.set(id, identities);
    }
    return identities;
  }

  /** Whether ARM can see the principal yet (Graph-created groups replicate after a delay). */
  isReplicated(object: DirectoryObject): boolean {
    if (object.kind !== 'group' || object.createdThroughApiAt === undefined) return true;
    return Date.now() - object.createdThroughApiAt >= this.seed.tenant.replicationDelaySeconds * 1000;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Scopes: resources sit in resource groups in subscriptions; subscriptions sit in management groups below the
  // tenant root group; the root `/` holds everything. Paths below a subscription nest by prefix, the rest by the
  // management-group tree.

  managementGroup(name: string): ManagementGroupRecord | undefined {
    return this.managementGroups.get(name.toLowerCase());
  }

  /** The management group a subscription sits in (the root group when the seed puts it in none). */
  parentGroupOfSubscription(subscriptionId: string): ManagementGroupRecord {
    const name = this.subscriptionParent.get(subscriptionId.toLowerCase()) ?? this.tenantId.toLowerCase();
    return this.managementGroups.get(name)!;
  }

  /** Lower-case names of the management groups above a normalized scope (nearest first). */
  private groupsAbove(normalized: string): string[] {
    let start: string | undefined;
    if (normalized.startsWith(MG_PREFIX)) {
      start = this.managementGroups.get(normalized.slice(MG_PREFIX.length).split('/')[0]!)?.parent?.toLowerCase();
    } else {
      const sub = /^\/subscriptions\/([^/]+)/.exec(normalized)?.[1];
      if (!sub) return [];
      start = this.subscriptionParent.get(sub) ?? this.tenantId.toLowerCase();
    }
    const chain: string[] = [];
    for (let current = start; current !== undefined && !chain.includes(current);) {
      chain.push(current);
      current = this.managementGroups.get(current)?.parent?.toLowerCase();
    }
    return chain;
  }

  /** True when `outer` is `inner` or one of its ancestors, management groups included. */
  contains(outer: string, inner: string): boolean {
    const o = normalizeScope(outer);
    const i = normalizeScope(inner);
    if (o === '/' || i === o || i.startsWith(`${o}/`)) return true;
    if (!o.startsWith(MG_PREFIX)) return false;
    return this.groupsAbove(i).includes(o.slice(MG_PREFIX.length));
  }

  /** Role assignments whose principal is one of `identities` and that apply at `scope` (at or above it). */
  assignmentsApplyingAt(identities: Set<string>, scope: string): RoleAssignmentRecord[] {
    return this.roleAssignments.filter((a) => identities.has(a.principalId.toLowerCase()) && this.contains(a.scope, scope));
  }

  /** Deny assignments that block `action` for any of `identities` at `scope`. */
  private denied(identities: Set<string>, action: string, scope: string): boolean {
    return this.denyAssignments.some((d) => this.denyAppliesAt(d, scope) && this.denyCovers(d, identities)
      && permissionAllows(d.permissions, action));
  }

  denyAppliesAt(d: DenyAssignmentRecord, scope: string): boolean {
    return d.doNotApplyToChildScopes ? normalizeScope(d.scope) === normalizeScope(scope) : this.contains(d.scope, scope);
  }

  /** Whether a deny assignment names one of the identities (or everyone) and excludes none of them. */
  denyCovers(d: DenyAssignmentRecord, identities: Set<string>): boolean {
    const named = d.principals.some((p) => p.id === EVERYONE || identities.has(p.id.toLowerCase()));
    return named && !d.excludePrincipals.some((p) => identities.has(p.id.toLowerCase()));
  }

  /** RBAC check as ARM does it: an assignment at or above the scope whose role allows the action, and no deny assignment. */
  isAuthorized(principalId: string, action: string, scope: string): boolean {
    const identities = this.identitiesOf(principalId);
    const allowed = this.assignmentsApplyingAt(identities, scope).some((a) => {
      const role = this.roleDefinitions.get(a.roleDefinitionName.toLowerCase());
      return role !== undefined && permissionAllows(role.permissions, action);
    });
    return allowed && !this.denied(identities, action, scope);
  }

  /** Whether the principal has any assignment that touches the scope (at, above or below). */
  hasAnyAccess(principalId: string, scope: string): boolean {
    const identities = this.identitiesOf(principalId);
    return this.roleAssignments.some((a) => identities.has(a.principalId.toLowerCase())
      && (this.contains(a.scope, scope) || this.contains(scope, a.scope)));
  }

  subscription(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  resourceGroup(subscriptionId: string, name: string): ResourceGroupRecord | undefined {
    return this.subscription(subscriptionId)?.resourceGroups.find((rg) => rg.name.toLowerCase() === name.toLowerCase());
  }

  resource(id: string): ResourceRecord | undefined {
    const wanted = normalizeScope(id);
    for (const sub of this.subscriptions) {
      for (const rg of sub.resourceGroups) {
        const found = rg.resources.find((r) => normalizeScope(r.id) === wanted);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Whether a scope names something that exists (ARM answers 404 for role assignments under unknown scopes). */
  scopeExists(scope: string): boolean {
    const s = normalizeScope(scope);
    if (s === '/') return true;
    if (s.startsWith(MG_PREFIX)) return this.managementGroups.has(s.slice(MG_PREFIX.length));
    for (const sub of this.subscriptions) {
      if (s === normalizeScope(`/subscriptions/${sub.id}`)) return true;
      for (const rg of sub.resourceGroups) {
        if (s === normalizeScope(rg.id)) return true;
        if (rg.resources.some((r) => s === normalizeScope(r.id))) return true;
      }
    }
    return false;
  }

  /** What a scope is called where ARM shows it to people (PIM's expandedProperties). */
  describeScope(scope: string): { displayName: string; type: 'managementgroup' | 'subscription' | 'resourcegroup' | 'resource' } {
    const s = normalizeScope(scope);
    if (s.startsWith(MG_PREFIX)) {
      return { displayName: this.managementGroups.get(s.slice(MG_PREFIX.length))?.displayName ?? s.slice(MG_PREFIX.length), type: 'managementgroup' };
    }
    const parts = scope.split('/').filter(Boolean);
    if (parts.length <= 2) return { displayName: this.subscription(parts[1] ?? '')?.displayName ?? parts[1] ?? '', type: 'subscription' };
    if (parts.length <= 4) return { displayName: this.resourceGroup(parts[1] ?? '', parts[3] ?? '')?.name ?? parts[3] ?? '', type: 'resourcegroup' };
    return { displayName: parts[parts.length - 1] ?? '', type: 'resource' };
  }

  createGroup(input: { displayName: string; mailNickname: string; description: string | null; securityEnabled: boolean; mailEnabled: boolean }): GroupObject {
    const objectId = randomUUID();
    const group: GroupObject = {
      kind: 'group', key: `group-${objectId.slice(0, 8)}`, objectId, ...input, members: new Set(), owners: new Set(),
      createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), createdThroughApiAt: Date.now(),
    };
    this.add(group);
    this.membershipChanged();
    return group;
  }

  /** Removes a group, its memberships and its role assignments. */
  deleteGroup(group: GroupObject): void {
    const id = group.objectId.toLowerCase();
    this.objects.delete(id);
    this.byKey.delete(group.key);
    for (const g of this.groups()) g.members.delete(id);
    this.roleAssignments = this.roleAssignments.filter((a) => a.principalId.toLowerCase() !== id);
    this.membershipChanged();
  }

  /** A service principal for an app registration (`POST /servicePrincipals`); its secrets are the app's passwords. */
  createServicePrincipal(app: ApplicationRecord): ServicePrincipalObject {
    const sp: ServicePrincipalObject = {
      kind: 'servicePrincipal', key: `sp-${app.appId.slice(0, 8)}`, appId: app.appId, objectId: randomUUID(),
      displayName: app.displayName, servicePrincipalType: 'Application', secrets: app.passwordCredentials.map((p) => p.secret),
      useGeneratedCertificate: false, federatedCredentials: [], graphAppRoles: [], createdAt: Date.now(),
    };
    this.add(sp);
    return sp;
  }

  /** Removes a service principal with its group memberships and ownerships, role assignments and eligibilities. */
  deleteServicePrincipal(sp: ServicePrincipalObject): void {
    const id = sp.objectId.toLowerCase();
    this.objects.delete(id);
    this.byKey.delete(sp.key);
    for (const g of this.groups()) { g.members.delete(id); g.owners.delete(id); }
    this.roleAssignments = this.roleAssignments.filter((a) => a.principalId.toLowerCase() !== id);
    this.roleEligibilities = this.roleEligibilities.filter((e) => e.principalId.toLowerCase() !== id);
    this.membershipChanged();
  }

  /** Removes an app registration and, as Entra does, the service principal made for it. */
  deleteApplication(app: ApplicationRecord): void {
    this.applications.delete(app.objectId.toLowerCase());
    const sp = this.servicePrincipalByAppId(app.appId);
    if (sp && sp.servicePrincipalType === 'Application') this.deleteServicePrincipal(sp);
  }
}

export function principalTypeOf(object: DirectoryObject): 'User' | 'Group' | 'ServicePrincipal' {
  return object.kind === 'user' ? 'User' : object.kind === 'group' ? 'Group' : 'ServicePrincipal';
}
