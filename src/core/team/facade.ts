// The team wizards' Azure side, as the extension uses it: in the engine's bundle (dist/engine.js), loaded when a wizard
// opens, like the engine. It acts as the developer signed in to az, azd or Azure PowerShell: their first-party apps
// hold the delegated Graph permissions that `az ad group create` uses, which VS Code's own sign-in lacks. The
// credential and its tokens stay inside the session object; what leaves is names, ids and outcomes.
import type { TokenCredential } from '@azure/identity';
import { ARM_API } from '../azure/apiVersions';
import { armClient, azureOperation, scopePath, type AzureClient } from '../azure/client';
import { classifyAzureError, reauthToolOf } from '../azure/errors';
import { networkSettings, type NetworkSettings } from '../azure/network';
import { trustedCloud, type CloudEndpoints, type CloudSetting } from '../azure/clouds';
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
import * as l10n from '@vscode/l10n';

export type TeamFailureKind = 'forbidden' | 'not-preauthorized' | 'no-sign-in' | 'invalid' | 'network' | 'principal-not-found' | 'claims-challenge' | 'failed';

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
  /** VS Code's http.proxy / http.noProxy, which win over the process environment's HTTPS_PROXY / NO_PROXY. */
  readonly proxy?: { readonly proxy?: string; readonly noProxy?: readonly string[] };
}

export interface SessionPrincipal { readonly id: string; readonly type: 'User' | 'Group' | 'ServicePrincipal'; readonly displayName: string; readonly detail: string }
export interface ScopeEntry { readonly scope: string; readonly name: string; readonly kind: 'subscription' | 'resourceGroup' | 'resource'; readonly type?: string }
/** A key vault in the scope that uses access policies: roles do not reach its data, an access policy does. */
export interface AccessPolicyVault { readonly scope: string; readonly name: string; readonly resourceGroup: string | null }
export interface RoleList { readonly roles: RoleEntry[]; readonly accessPolicyVaults: AccessPolicyVault[] }
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
  listRoles(scope: string, principalId: string): Promise<RoleList>;
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
  // Everything else through the Azure layer's one classifier.
  const problem = classifyAzureError(error, what);
  const message = firstLine(problem.message);
  if (problem.kind === 'forbidden') return new TeamError('forbidden', message);
  if (problem.kind === 'network' || problem.kind === 'timeout') return new TeamError('network', message);
  if (problem.kind === 'claims-challenge') return new TeamError('claims-challenge', `${message} ${problem.fix}`);
  return new TeamError('failed', message);
}

async function guarded<T>(what: string, task: () => Promise<T>): Promise<T> {
  try { return await task(); } catch (error) { throw teamError(error, what); }
}

/** One wizard step's deadline. */
const STEP_DEADLINE_MS = 60_000;

/** Every item of an ARM list, up to `limit`. */
function armItems(arm: AzureClient, path: string, query: Record<string, string>, limit = 5_000): Promise<Record<string, unknown>[]> {
  return arm.list(azureOperation(STEP_DEADLINE_MS), path, query, { maxItems: limit });
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const props = (v: unknown): Record<string, unknown> => {
  const p = v && typeof v === 'object' ? (v as Record<string, unknown>).properties : undefined;
  return p && typeof p === 'object' ? p as Record<string, unknown> : {};
};

const subscriptionOf = (scope: string): string => /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
const resourceGroupOf = (id: string): string | undefined => /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(id)?.[1];

function makeSession(credential: TokenCredential, cloud: CloudEndpoints, source: CredentialName, actor: SessionPrincipal, referenced: ReadonlySet<string>, tenantId: string | null, network: NetworkSettings): TeamSession {
  const tool = TOOL_LABELS[source] ?? source;
  // Every ARM and Graph request of the session leaves through the same proxy and authorities as the Access view's.
  const arm = armClient({ credential, cloud, network });
  const directory = new TeamDirectory(credential, cloud, network);
  const apps = new LocalDevApps(credential, cloud, tenantId ?? '', { network });
  const needTenant = (): void => { if (!tenantId) throw new TeamError('failed', l10n.t('The sign-in\'s token names no tenant, so AZURE_TENANT_ID cannot be set.')); };
  const resourcesIn = (scope: string, limit?: number): Promise<Record<string, unknown>[]> => armItems(arm, scopePath(scope, 'resources'), { 'api-version': ARM_API.resources }, limit);
  /** The resource group that holds every resource the workspace names, when they live in one. */
  async function workspaceGroup(subscriptionId: string): Promise<string | null> {
    if (referenced.size === 0) return null;
    const list = await resourcesIn(`/subscriptions/${subscriptionId}`).catch(() => []);
    const groups = new Set(list.filter((r) => referenced.has(text(r.name).toLowerCase())).map((r) => resourceGroupOf(text(r.id))?.toLowerCase()).filter(Boolean));
    if (groups.size !== 1) return null;
    const [name] = [...groups];
    return `/subscriptions/${subscriptionId}/resourceGroups/${list.map((r) => resourceGroupOf(text(r.id))).find((g) => g?.toLowerCase() === name) ?? name}`;
  }
  return {
    tool, actor, tenantId,
    localDevApps: {
      defaultName: (folderName) => localDevAppName(folderName, actor.detail.includes('@') ? actor.detail : actor.displayName),
      create: (request) => guarded(l10n.t('The service principal could not be created'), () => {
        needTenant();
        return apps.createLocalDevApp({ displayName: request.displayName, secretEndDateTime: request.secretEndDateTime, ...(request.signal ? { signal: request.signal } : {}) });
      }),
      find: (prefix, signal) => guarded(l10n.t('The app registrations could not be listed'), () => apps.findLocalDevApps(prefix, signal ? { signal } : {})),
      rotate: (request) => guarded(l10n.t('The secret could not be rotated'), () => {
        needTenant();
        return apps.rotateSecret(request.appObjectId, request.oldKeyId, request.secretEndDateTime, request.signal ? { signal: request.signal } : {});
      }),
      remove: (appObjectId, signal) => guarded(l10n.t('The app registration could not be deleted'), () => apps.deleteLocalDevApp(appObjectId, signal ? { signal } : {})),
    },
    findGroups: (name) => guarded(l10n.t('The groups could not be searched'), async () => (await directory.findGroups(name)).map((g) => ({ id: g.id, displayName: g.displayName, description: g.description }))),
    searchGroups: (prefix) => guarded(l10n.t('The groups could not be searched'), async () => (await directory.searchGroups(prefix)).map((g) => ({ id: g.id, displayName: g.displayName, description: g.description }))),
    searchUsers: (prefix, nextLink) => guarded(l10n.t('The users could not be searched'), () => directory.searchUsers(prefix, nextLink, 10)),
    searchServicePrincipals: (query) => guarded(l10n.t('The service principals could not be searched'), async () => (await directory.searchServicePrincipals(query))
      .map((p) => ({ id: p.id, type: 'ServicePrincipal' as const, displayName: p.displayName, detail: p.appId ? l10n.t('app id {0}', p.appId) : (p.kind ?? '') }))),
    createGroup: (name, nickname, description) => guarded(l10n.t('The group could not be created'), async () => {
      const g = await directory.createSecurityGroup(name, nickname, description);
      return { id: g.id, displayName: g.displayName, description: g.description };
    }),
    addMembers: (groupId, memberIds) => guarded(l10n.t('The members could not be added'), () => directory.addMembers(groupId, memberIds, `${cloud.graphAudience}/v1.0`)),
    listScopes: (parent) => guarded(l10n.t('The scopes could not be listed'), async () => {
      if (!parent) {
        const subs = (await armItems(arm, 'subscriptions', { 'api-version': ARM_API.subscriptions }))
          .filter((s) => text(s.subscriptionId)).map((s): ScopeEntry => ({ scope: `/subscriptions/${text(s.subscriptionId)}`, name: text(s.displayName) || text(s.subscriptionId), kind: 'subscription' }))
          .sort((a, b) => a.name.localeCompare(b.name));
        let preselect: string | null = subs.length === 1 ? subs[0]!.scope : null;
        if (referenced.size > 0) {
          for (const s of subs.slice(0, 10)) if (await workspaceGroup(subscriptionOf(s.scope))) { preselect = s.scope; break; }
        }
        return { items: subs, preselect };
      }
      const sid = subscriptionOf(parent);
      if (!resourceGroupOf(parent)) {
        const groups = (await armItems(arm, scopePath(parent, 'resourcegroups'), { 'api-version': ARM_API.resources }))
          .map((g): ScopeEntry => ({ scope: `/subscriptions/${sid}/resourceGroups/${text(g.name)}`, name: text(g.name), kind: 'resourceGroup' }))
          .sort((a, b) => a.name.localeCompare(b.name));
        return { items: groups, preselect: await workspaceGroup(sid) };
      }
      const items = (await resourcesIn(`/subscriptions/${sid}/resourceGroups/${resourceGroupOf(parent)!}`))
        .map((r): ScopeEntry => ({ scope: text(r.id), name: text(r.name), kind: 'resource', type: text(r.type) }))
        .filter((r) => r.scope).sort((a, b) => a.name.localeCompare(b.name));
      return { items, preselect: null };
    }),
    listRoles: (scope, principalId) => guarded(l10n.t('The roles could not be listed'), async () => {
      const sid = subscriptionOf(scope);
      const rg = resourceGroupOf(scope);
      const isResource = /\/providers\//i.test(scope.slice(`/subscriptions/${sid}`.length));
      const listed = async (): Promise<(ScopeResource & { id: string })[]> => {
        if (isResource) {
          const parts = scope.split('/');
          const at = parts.findIndex((p) => p.toLowerCase() === 'providers');
          return [{ id: scope, name: parts[parts.length - 1] ?? '', type: `${parts[at + 1]}/${parts[at + 2]}` }];
        }
        const list = await resourcesIn(rg ? `/subscriptions/${sid}/resourceGroups/${rg}` : `/subscriptions/${sid}`, 500);
        return list.map((r) => ({ id: text(r.id), name: text(r.name), type: text(r.type) }));
      };
      // Key vaults: a vault in access-policy mode gets an access-policy command, never a data role (bounded: 20 vaults).
      const inScope = async (): Promise<(ScopeResource & { id: string })[]> => {
        const resources = await listed();
        const vaults = resources.filter((r) => r.type.toLowerCase() === 'microsoft.keyvault/vaults' && r.id).slice(0, 20);
        const policyMode = new Set<string>();
        await Promise.all(vaults.map(async (v) => {
          const vault = await arm.get(azureOperation(STEP_DEADLINE_MS), scopePath(v.id), { 'api-version': ARM_API.keyVault }).catch(() => undefined);
          if (vault && props(vault).enableRbacAuthorization === false) policyMode.add(v.id.toLowerCase());
        }));
        return resources.map((r) => (policyMode.has(r.id.toLowerCase()) ? { ...r, accessPolicies: true } : r));
      };
      const authorization = { 'api-version': ARM_API.authorization };
      const [definitions, held, scoped] = await Promise.all([
        armItems(arm, scopePath(scope, 'providers/Microsoft.Authorization/roleDefinitions'), authorization),
        armItems(arm, scopePath(scope, 'providers/Microsoft.Authorization/roleAssignments'), { ...authorization, $filter: `principalId eq '${principalId}'` }).catch(() => []),
        inScope().catch(() => []),
      ]);
      const guidOf = (d: Record<string, unknown>): string => (text(d.name) || text(d.id).split('/').pop() || '').toLowerCase();
      const roles: RoleInfo[] = definitions.map((d) => {
        const p = props(d);
        return { guid: guidOf(d), roleName: text(p.roleName), description: text(p.description), type: text(p.type), permissions: permissionsOf(p.permissions) };
      });
      const ids = new Map(definitions.map((d) => [guidOf(d), text(d.id)]));
      const heldGuids = new Set(held.map(props).filter((a) => appliesAt(text(a.scope), scope)).map((a) => text(a.roleDefinitionId).split('/').pop()!.toLowerCase()));
      const recommended = recommendedRoles(roles, scoped);
      const order = [...recommended.keys()];
      const accessPolicyVaults = scoped.filter((r) => r.accessPolicies).map((r): AccessPolicyVault => ({ scope: r.id, name: r.name, resourceGroup: resourceGroupOf(r.id) ?? null }));
      const entries = roles
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
      return { roles: entries, accessPolicyVaults };
    }),
    assignRole: (request) => guarded(l10n.t('The role could not be assigned'), () => createRoleAssignment({
      credential, cloud, network, scope: request.scope, principalId: request.principal.id, principalType: request.principal.type, roleDefinitionId: request.roleId,
      ...(request.signal ? { signal: request.signal } : {}), ...(request.onWaiting ? { onWaiting: request.onWaiting } : {}),
      backoffSeconds: [2, 4, 8, 15, 30], maxWaitMs: 4 * 60_000, tool: reauthToolOf(source),
    })),
  };
}

export function createTeamFacade(): TeamFacade {
  return {
    async openSession(options) {
      let cloud: CloudEndpoints;
      // The cloud from the user's setting or this process's environment, never from the workspace's .env.
      try { cloud = (await trustedCloud({ given: options.cloudSetting, givenBy: 'setting', processEnv: process.env })).cloud; } catch (error) {
        return { ok: false, message: `azureDevAuth.cloud: ${error instanceof Error ? error.message : String(error)}` };
      }
      const network = networkSettings(process.env, options.proxy ?? {});
      const tried: string[] = [];
      for (const tool of options.tools) {
        const made = await sourceCredential(tool, { env: options.env, cloud, processTimeoutSeconds: options.processTimeoutSeconds, allowedHosts: [] });
        if (!made.ok) continue;
        try {
          const claims = await tokenClaims(made.credential, `${cloud.graphAudience}/.default`);
          if (!claims.objectId) { tried.push(l10n.t('{0}: the token names no object id', TOOL_LABELS[tool] ?? tool)); continue; }
          const app = claims.idtyp === 'app' || (!claims.upn && !!claims.appId);
          const actor: SessionPrincipal = {
            id: claims.objectId, type: app ? 'ServicePrincipal' : 'User', displayName: claims.name ?? claims.upn ?? claims.objectId, detail: claims.upn ?? claims.appId ?? '',
          };
          const referenced = new Set(options.workspaceFolder ? resourceReferences(await readWorkspaceTexts(options.workspaceFolder), cloud).map((r) => r.name.toLowerCase()) : []);
          return { ok: true, session: makeSession(made.credential, cloud, tool, actor, referenced, claims.tenantId, network) };
        } catch (error) {
          tried.push(`${TOOL_LABELS[tool] ?? tool}: ${firstLine(error instanceof Error ? error.message : String(error))}`);
        }
      }
      return { ok: false, message: tried.join(' · ') || l10n.t('No developer tool is installed.') };
    },
  };
}
