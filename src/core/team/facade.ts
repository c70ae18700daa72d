// The team wizards' Azure side, as the extension uses it: in the engine's bundle (dist/engine.js), loaded when a wizard
// opens, like the engine. It acts as the developer signed in to az, azd or Azure PowerShell: their first-party apps
// hold the delegated Graph permissions that `az ad group create` uses, which VS Code's own sign-in lacks. The
// credential and its tokens stay inside the session object; what leaves is names, ids and outcomes.
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/identity';
import { resolveCloud, type CloudEndpoints, type CloudSetting } from '../access/clouds';
import { sourceCredential, tokenClaims } from '../access/credentials';
import { permissionsOf } from '../access/permissions';
import type { RoleInfo } from '../access/types';
import { readWorkspaceTexts } from '../access/workspaceFiles';
import { resourceReferences } from '../access/workspaceResources';
import type { CredentialName } from '../chain/types';
import { LocalDevApps, localDevAppName, type LocalDevApp, type LocalDevAppSummary, type RotateResult } from '../signin/servicePrincipals';
import { GraphWriteError, TeamDirectory, type MemberResult } from './groups';
import { appliesAt, recommendedRoles, type ScopeResource } from './recommend';
import { AssignmentError, createRoleAssignment, type AssignmentOutcome } from './roleAssignments';

export type TeamFailureKind = 'forbidden' | 'not-preauthorized' | 'no-sign-in' | 'invalid' | 'network' | 'principal-not-found' | 'failed';

/** Thrown by every session method: `kind` says what the wizard offers next. Read by duck typing across bundles. */
export class TeamError extends Error {
  constructor(readonly kind: TeamFailureKind, message: string) {
    super(message);
    this.name = 'TeamError';
  }
}

/** The developer tools whose sign-in the wizards can use, in the order they are tried. */
export const DEVELOPER_TOOLS: readonly CredentialName[] = ['AzureCliCredential', 'AzureDeveloperCliCredential', 'AzurePowerShellCredential'];
const TOOL_LABELS: Partial<Record<CredentialName, string>> = {
  AzureCliCredential: 'Azure CLI', AzureDeveloperCliCredential: 'Azure Developer CLI', AzurePowerShellCredential: 'Azure PowerShell',
};

export interface TeamSessionOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cloudSetting: CloudSetting;
  readonly processTimeoutSeconds: number;
  /** Tools to try, best first (the ones the chain found signed in lead). */
  readonly tools: readonly CredentialName[];
  /** The folder whose `.env` and code name resources (preselects their resource group); undefined when untrusted. */
  readonly workspaceFolder: string | undefined;
}

export interface SessionPrincipal { readonly id: string; readonly type: 'User' | 'Group' | 'ServicePrincipal'; readonly displayName: string; readonly detail: string }
export interface ScopeEntry { readonly scope: string; readonly name: string; readonly kind: 'subscription' | 'resourceGroup' | 'resource'; readonly type?: string }
export interface RoleEntry { readonly id: string; readonly guid: string; readonly roleName: string; readonly description: string; readonly custom: boolean; readonly recommendedFor?: string; readonly held: boolean }

export interface TeamSession {
  readonly tool: string;
  readonly actor: SessionPrincipal;
  findGroups(name: string): Promise<{ id: string; displayName: string; description: string | null }[]>;
  searchGroups(prefix: string): Promise<{ id: string; displayName: string; description: string | null }[]>;
  searchUsers(prefix: string, nextLink?: string): Promise<{ users: readonly { id: string; displayName: string; userPrincipalName: string | null }[]; nextLink: string | null }>;
  searchServicePrincipals(query: string): Promise<SessionPrincipal[]>;
  createGroup(name: string, mailNickname: string, description: string): Promise<{ id: string; displayName: string; description: string | null }>;
  addMembers(groupId: string, memberIds: readonly string[]): Promise<MemberResult[]>;
  listScopes(parent: string | undefined): Promise<{ items: ScopeEntry[]; preselect: string | null }>;
  listRoles(scope: string, principalId: string): Promise<RoleEntry[]>;
  assignRole(request: { scope: string; principal: SessionPrincipal; roleId: string; signal?: AbortSignal; onWaiting?: (seconds: number, attempt: number) => void }): Promise<AssignmentOutcome>;
  /** The tenant of the session's token (its `tid`): AZURE_TENANT_ID for a service principal made here. */
  readonly tenantId: string | null;
  /** A service principal per developer for local development, made and managed as the signed-in developer. */
  readonly localDevApps: LocalDevAppOperations;
}

export interface LocalDevAppOperations {
  /** `<app>-local-dev-<user>` for the workspace folder and the signed-in developer. */
  defaultName(folderName: string): string;
  /** App registration, service principal and one client secret; the secret text is in the result only. */
  create(request: { displayName: string; secretEndDateTime: string; signal?: AbortSignal }): Promise<LocalDevApp>;
  find(displayNamePrefix: string, signal?: AbortSignal): Promise<LocalDevAppSummary[]>;
  /** A new secret, then the old one removed (a failed removal is reported in the result, not thrown). */
  rotate(request: { appObjectId: string; oldKeyId: string; secretEndDateTime: string; signal?: AbortSignal }): Promise<RotateResult>;
  /** Deletes the app registration and, with it, its service principal. */
  remove(appObjectId: string, signal?: AbortSignal): Promise<'deleted' | 'not-found'>;
}

export type OpenSessionResult = { readonly ok: true; readonly session: TeamSession } | { readonly ok: false; readonly message: string };

export interface TeamFacade {
  openSession(options: TeamSessionOptions): Promise<OpenSessionResult>;
}

const firstLine = (message: string): string => message.split('\n')[0]!.slice(0, 500);

function teamError(error: unknown, what: string): TeamError {
  if (error instanceof TeamError) return error;
  if (error instanceof GraphWriteError) return new TeamError(error.kind === 'failed' ? 'failed' : error.kind, error.message);
  if (error instanceof AssignmentError) return new TeamError(error.kind, error.message);
  const e = (error && typeof error === 'object' ? error : {}) as { statusCode?: number; code?: string; message?: string };
  const message = firstLine(e.message ?? String(error));
  if (e.statusCode === 403 || e.code === 'AuthorizationFailed' || e.code === 'Authorization_RequestDenied') return new TeamError('forbidden', `${what}: not allowed (${message}).`);
  if (e.statusCode === undefined && /ECONN|socket|network|ETIMEDOUT/i.test(message)) return new TeamError('network', `${what}: ${message}`);
  return new TeamError('failed', `${what}: ${message}`);
}

async function guarded<T>(what: string, task: () => Promise<T>): Promise<T> {
  try { return await task(); } catch (error) { throw teamError(error, what); }
}

async function collect<T>(iterator: AsyncIterable<T>, limit = 5_000): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) { out.push(item); if (out.length >= limit) break; }
  return out;
}

const subscriptionOf = (scope: string): string => /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
const resourceGroupOf = (id: string): string | undefined => /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(id)?.[1];

function makeSession(credential: TokenCredential, cloud: CloudEndpoints, tool: string, actor: SessionPrincipal, referenced: ReadonlySet<string>, tenantId: string | null): TeamSession {
  const directory = new TeamDirectory(credential, cloud);
  const apps = new LocalDevApps(credential, cloud, tenantId ?? '');
  const needTenant = (): void => { if (!tenantId) throw new TeamError('failed', 'The sign-in\'s token names no tenant, so AZURE_TENANT_ID cannot be set.'); };
  const armOptions = { endpoint: cloud.resourceManager, credentialScopes: [`${cloud.resourceManagerAudience}/.default`] };
  const call = { requestOptions: { timeout: 30_000 } };
  const resources = (subscriptionId: string) => new ResourceManagementClient(credential, subscriptionId, armOptions);
  /** The resource group that holds every resource the workspace names, when they live in one. */
  async function workspaceGroup(subscriptionId: string): Promise<string | null> {
    if (referenced.size === 0) return null;
    const list = await collect(resources(subscriptionId).resources.list(call)).catch(() => []);
    const groups = new Set(list.filter((r) => referenced.has((r.name ?? '').toLowerCase())).map((r) => resourceGroupOf(r.id ?? '')?.toLowerCase()).filter(Boolean));
    if (groups.size !== 1) return null;
    const [name] = [...groups];
    return `/subscriptions/${subscriptionId}/resourceGroups/${list.map((r) => resourceGroupOf(r.id ?? '')).find((g) => g?.toLowerCase() === name) ?? name}`;
  }
  return {
    tool, actor, tenantId,
    localDevApps: {
      defaultName: (folderName) => localDevAppName(folderName, actor.detail.includes('@') ? actor.detail : actor.displayName),
      create: (request) => guarded('The service principal could not be created', () => {
        needTenant();
        return apps.createLocalDevApp({ displayName: request.displayName, secretEndDateTime: request.secretEndDateTime, ...(request.signal ? { signal: request.signal } : {}) });
      }),
      find: (prefix, signal) => guarded('The app registrations could not be listed', () => apps.findLocalDevApps(prefix, signal ? { signal } : {})),
      rotate: (request) => guarded('The secret could not be rotated', () => {
        needTenant();
        return apps.rotateSecret(request.appObjectId, request.oldKeyId, request.secretEndDateTime, request.signal ? { signal: request.signal } : {});
      }),
      remove: (appObjectId, signal) => guarded('The app registration could not be deleted', () => apps.deleteLocalDevApp(appObjectId, signal ? { signal } : {})),
    },
    findGroups: (name) => guarded('The groups could not be searched', async () => (await directory.findGroups(name)).map((g) => ({ id: g.id, displayName: g.displayName, description: g.description }))),
    searchGroups: (prefix) => guarded('The groups could not be searched', async () => (await directory.searchGroups(prefix)).map((g) => ({ id: g.id, displayName: g.displayName, description: g.description }))),
    searchUsers: (prefix, nextLink) => guarded('The users could not be searched', () => directory.searchUsers(prefix, nextLink, 10)),
    searchServicePrincipals: (query) => guarded('The service principals could not be searched', async () => (await directory.searchServicePrincipals(query))
      .map((p) => ({ id: p.id, type: 'ServicePrincipal' as const, displayName: p.displayName, detail: p.appId ? `app id ${p.appId}` : (p.kind ?? '') }))),
    createGroup: (name, nickname, description) => guarded('The group could not be created', async () => {
      const g = await directory.createSecurityGroup(name, nickname, description);
      return { id: g.id, displayName: g.displayName, description: g.description };
    }),
    addMembers: (groupId, memberIds) => guarded('The members could not be added', () => directory.addMembers(groupId, memberIds, `${cloud.graphAudience}/v1.0`)),
    listScopes: (parent) => guarded('The scopes could not be listed', async () => {
      if (!parent) {
        const subs = (await collect(new SubscriptionClient(credential, armOptions).subscriptions.list(call)))
          .filter((s) => s.subscriptionId).map((s): ScopeEntry => ({ scope: `/subscriptions/${s.subscriptionId}`, name: s.displayName ?? s.subscriptionId!, kind: 'subscription' }))
          .sort((a, b) => a.name.localeCompare(b.name));
        let preselect: string | null = subs.length === 1 ? subs[0]!.scope : null;
        if (referenced.size > 0) {
          for (const s of subs.slice(0, 10)) if (await workspaceGroup(subscriptionOf(s.scope))) { preselect = s.scope; break; }
        }
        return { items: subs, preselect };
      }
      const sid = subscriptionOf(parent);
      if (!resourceGroupOf(parent)) {
        const groups = (await collect(resources(sid).resourceGroups.list(call)))
          .map((g): ScopeEntry => ({ scope: `/subscriptions/${sid}/resourceGroups/${g.name}`, name: g.name ?? '', kind: 'resourceGroup' }))
          .sort((a, b) => a.name.localeCompare(b.name));
        return { items: groups, preselect: await workspaceGroup(sid) };
      }
      const items = (await collect(resources(sid).resources.listByResourceGroup(resourceGroupOf(parent)!, call)))
        .map((r): ScopeEntry => ({ scope: r.id ?? '', name: r.name ?? '', kind: 'resource', type: r.type ?? '' }))
        .filter((r) => r.scope).sort((a, b) => a.name.localeCompare(b.name));
      return { items, preselect: null };
    }),
    listRoles: (scope, principalId) => guarded('The roles could not be listed', async () => {
      const sid = subscriptionOf(scope);
      const authorization = new AuthorizationManagementClient(credential, sid, armOptions);
      const rg = resourceGroupOf(scope);
      const isResource = /\/providers\//i.test(scope.slice(`/subscriptions/${sid}`.length));
      const inScope = async (): Promise<ScopeResource[]> => {
        if (isResource) {
          const parts = scope.split('/');
          const at = parts.findIndex((p) => p.toLowerCase() === 'providers');
          return [{ name: parts[parts.length - 1] ?? '', type: `${parts[at + 1]}/${parts[at + 2]}` }];
        }
        const list = rg ? resources(sid).resources.listByResourceGroup(rg, call) : resources(sid).resources.list(call);
        return (await collect(list, 500)).map((r) => ({ name: r.name ?? '', type: r.type ?? '' }));
      };
      const [definitions, held, scoped] = await Promise.all([
        collect(authorization.roleDefinitions.list(scope, call)),
        collect(authorization.roleAssignments.listForScope(scope, { ...call, filter: `principalId eq '${principalId}'` })).catch(() => []),
        inScope().catch(() => []),
      ]);
      const roles: RoleInfo[] = definitions.map((d) => ({
        guid: (d.name ?? d.id?.split('/').pop() ?? '').toLowerCase(), roleName: d.roleName ?? '', description: d.description ?? '', type: d.roleType ?? '', permissions: permissionsOf(d.permissions),
      }));
      const ids = new Map(definitions.map((d) => [(d.name ?? d.id?.split('/').pop() ?? '').toLowerCase(), d.id ?? '']));
      const heldGuids = new Set(held.filter((a) => appliesAt(a.scope ?? '', scope)).map((a) => (a.roleDefinitionId ?? '').split('/').pop()!.toLowerCase()));
      const recommended = recommendedRoles(roles, scoped);
      const order = [...recommended.keys()];
      return roles
        .map((r): RoleEntry => ({
          id: ids.get(r.guid) ?? r.guid, guid: r.guid, roleName: r.roleName, description: r.description, custom: r.type !== 'BuiltInRole',
          ...(recommended.has(r.guid) ? { recommendedFor: recommended.get(r.guid)! } : {}), held: heldGuids.has(r.guid),
        }))
        .sort((a, b) => {
          const ra = order.indexOf(a.guid);
          const rb = order.indexOf(b.guid);
          if (ra !== rb) return ra === -1 ? 1 : rb === -1 ? -1 : ra - rb;
          return a.roleName.localeCompare(b.roleName);
        });
    }),
    assignRole: (request) => guarded('The role could not be assigned', () => createRoleAssignment({
      credential, cloud, scope: request.scope, principalId: request.principal.id, principalType: request.principal.type, roleDefinitionId: request.roleId,
      ...(request.signal ? { signal: request.signal } : {}), ...(request.onWaiting ? { onWaiting: request.onWaiting } : {}),
      backoffSeconds: [2, 4, 8, 15, 30], maxWaitMs: 4 * 60_000,
    })),
  };
}

export function createTeamFacade(): TeamFacade {
  return {
    async openSession(options) {
      let cloud: CloudEndpoints;
      try { cloud = resolveCloud(options.cloudSetting, options.env); } catch (error) {
        return { ok: false, message: `azureDevAuth.cloud: ${error instanceof Error ? error.message : String(error)}` };
      }
      const tried: string[] = [];
      for (const tool of options.tools) {
        const made = sourceCredential(tool, { env: options.env, cloud, processTimeoutSeconds: options.processTimeoutSeconds, allowedHosts: [] });
        if (!made.ok) continue;
        try {
          const claims = await tokenClaims(made.credential, `${cloud.graphAudience}/.default`);
          if (!claims.objectId) { tried.push(`${TOOL_LABELS[tool] ?? tool}: the token names no object id`); continue; }
          const app = claims.idtyp === 'app' || (!claims.upn && !!claims.appId);
          const actor: SessionPrincipal = {
            id: claims.objectId, type: app ? 'ServicePrincipal' : 'User', displayName: claims.name ?? claims.upn ?? claims.objectId, detail: claims.upn ?? claims.appId ?? '',
          };
          const referenced = new Set(options.workspaceFolder ? resourceReferences(readWorkspaceTexts(options.workspaceFolder), cloud).map((r) => r.name.toLowerCase()) : []);
          return { ok: true, session: makeSession(made.credential, cloud, TOOL_LABELS[tool] ?? tool, actor, referenced, claims.tenantId) };
        } catch (error) {
          tried.push(`${TOOL_LABELS[tool] ?? tool}: ${firstLine(error instanceof Error ? error.message : String(error))}`);
        }
      }
      return { ok: false, message: tried.join(' · ') || 'No developer tool is installed.' };
    },
  };
}
