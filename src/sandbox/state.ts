// The tenant's state in memory: directory objects (users, service principals, managed identities, groups), the ARM
// resource tree, role definitions and role assignments, plus RBAC evaluation from the caller's own assignments.
// Built from a validated seed; `reset` rebuilds it from the same seed.
import { randomUUID } from 'node:crypto';
import type { ParsedSeed } from './seed';
import { builtInRoleDefinitions, type RoleDefinition, type RolePermission } from './roles';

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
  createdDateTime: string;
  /** Set for groups created through Graph: ARM does not see them until the replication delay has passed. */
  createdThroughApiAt?: number;
}

export type DirectoryObject = UserObject | ServicePrincipalObject | GroupObject;

export interface ResourceRecord {
  id: string;
  name: string;
  type: string;
  location: string;
  kind?: string;
  sku?: { name: string; tier?: string };
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

function actionPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

export function permissionAllows(permissions: RolePermission[], action: string, dataAction = false): boolean {
  return permissions.some((p) => {
    const allow = dataAction ? p.dataActions : p.actions;
    const deny = dataAction ? p.notDataActions : p.notActions;
    return allow.some((a) => actionPattern(a).test(action)) && !deny.some((a) => actionPattern(a).test(action));
  });
}

const SANDBOX_ROLE_TIMESTAMP = '2024-01-01T00:00:00.0000000Z';

export class TenantState {
  readonly tenantId: string;
  readonly objects = new Map<string, DirectoryObject>();
  readonly byKey = new Map<string, DirectoryObject>();
  readonly subscriptions: SubscriptionRecord[] = [];
  readonly roleDefinitions = new Map<string, RoleDefinition>();
  roleAssignments: RoleAssignmentRecord[] = [];

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
        description: g.description, securityEnabled: true, mailEnabled: false, members: new Set(),
        createdDateTime: '2024-01-01T00:00:00Z',
      });
    }
    for (const g of seed.groups) {
      const group = this.byKey.get(g.key) as GroupObject;
      for (const member of g.members) group.members.add(this.byKey.get(member)!.objectId.toLowerCase());
    }
    for (const s of seed.subscriptions) {
      const subId = `/subscriptions/${s.id}`;
      this.subscriptions.push({
        id: s.id, displayName: s.displayName, state: s.state,
        resourceGroups: s.resourceGroups.map((rg) => {
          const rgId = `${subId}/resourceGroups/${rg.name}`;
          return {
            id: rgId, name: rg.name, location: rg.location,
            resources: rg.resources.map((r) => ({ id: `${rgId}/providers/${r.type}/${r.name}`, ...r })),
          };
        }),
      });
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
        principalType: principalTypeOf(principal), description: null, condition: null, conditionVersion: null,
        createdOn: '2024-01-15T10:00:00.0000000Z', updatedOn: '2024-01-15T10:00:00.0000000Z',
        createdBy: null, updatedBy: null,
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
    for (const role of this.roleDefinitions.values()) if (role.roleName === nameOrId) return role;
    return undefined;
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

  /** Groups that contain `objectId` directly. */
  directGroupsOf(objectId: string): GroupObject[] {
    const id = objectId.toLowerCase();
    return this.groups().filter((g) => g.members.has(id));
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
    return new Set([principalId.toLowerCase(), ...this.transitiveGroupsOf(principalId).map((g) => g.objectId.toLowerCase())]);
  }

  /** Whether ARM can see the principal yet (Graph-created groups replicate after a delay). */
  isReplicated(object: DirectoryObject): boolean {
    if (object.kind !== 'group' || object.createdThroughApiAt === undefined) return true;
    return Date.now() - object.createdThroughApiAt >= this.seed.tenant.replicationDelaySeconds * 1000;
  }

  /** RBAC check as ARM does it: any assignment at or above the scope whose role allows the action. */
  isAuthorized(principalId: string, action: string, scope: string): boolean {
    const identities = this.identitiesOf(principalId);
    return this.roleAssignments.some((a) => {
      if (!identities.has(a.principalId.toLowerCase()) || !scopeContains(a.scope, scope)) return false;
      const role = this.roleDefinitions.get(a.roleDefinitionName.toLowerCase());
      return role !== undefined && permissionAllows(role.permissions, action);
    });
  }

  /** Whether the principal has any assignment that touches the scope (at, above or below). */
  hasAnyAccess(principalId: string, scope: string): boolean {
    const identities = this.identitiesOf(principalId);
    return this.roleAssignments.some((a) => identities.has(a.principalId.toLowerCase())
      && (scopeContains(a.scope, scope) || scopeContains(scope, a.scope)));
  }

  subscription(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  resourceGroup(subscriptionId: string, name: string): ResourceGroupRecord | undefined {
    return this.subscription(subscriptionId)?.resourceGroups.find((rg) => rg.name.toLowerCase() === name.toLowerCase());
  }

  /** Whether a scope names something that exists (ARM answers 404 for role assignments under unknown scopes). */
  scopeExists(scope: string): boolean {
    const s = normalizeScope(scope);
    if (s === '/' || /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)) return true;
    for (const sub of this.subscriptions) {
      if (s === normalizeScope(`/subscriptions/${sub.id}`)) return true;
      for (const rg of sub.resourceGroups) {
        if (s === normalizeScope(rg.id)) return true;
        if (rg.resources.some((r) => s === normalizeScope(r.id))) return true;
      }
    }
    return false;
  }

  createGroup(input: { displayName: string; mailNickname: string; description: string | null; securityEnabled: boolean; mailEnabled: boolean }): GroupObject {
    const objectId = randomUUID();
    const group: GroupObject = {
      kind: 'group', key: `group-${objectId.slice(0, 8)}`, objectId, ...input, members: new Set(),
      createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), createdThroughApiAt: Date.now(),
    };
    this.add(group);
    return group;
  }
}

export function principalTypeOf(object: DirectoryObject): 'User' | 'Group' | 'ServicePrincipal' {
  return object.kind === 'user' ? 'User' : object.kind === 'group' ? 'Group' : 'ServicePrincipal';
}
