// Microsoft Graph operations of the team wizard, through the one Azure layer (src/core/azure): find a group by name, search
// users by display-name prefix (paged), create a security group exactly once, add members one by one with a result for
// each. Writes use a token from the developer's own tool (az, azd or Azure PowerShell): their first-party apps hold
// the delegated Graph permissions `az ad group create` uses.
import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from '../access/clouds';
import { classifyAzureError, type ReauthTool } from '../azure/errors';
import { GraphApi } from '../azure/graphRequest';
import type { NetworkSettings } from '../azure/network';
import * as l10n from '@vscode/l10n';

export interface DirectoryGroup { readonly id: string; readonly displayName: string; readonly mailNickname: string | null; readonly description: string | null }
export interface DirectoryUser { readonly id: string; readonly displayName: string; readonly userPrincipalName: string | null }
export interface DirectoryServicePrincipal { readonly id: string; readonly displayName: string; readonly appId: string | null; readonly kind: string | null }
export interface UserPage { readonly users: readonly DirectoryUser[]; readonly nextLink: string | null }

export type MemberResult =
  | { readonly id: string; readonly outcome: 'added' | 'already-member' }
  | { readonly id: string; readonly outcome: 'failed'; readonly reason: string; readonly forbidden: boolean };

export class GraphWriteError extends Error {
  constructor(readonly kind: 'forbidden' | 'not-preauthorized' | 'invalid' | 'network' | 'claims-challenge' | 'failed', message: string) {
    super(message);
    this.name = 'GraphWriteError';
  }
}

export interface GraphErrorLike { statusCode?: number; code?: string; message?: string; body?: unknown }

export function graphError(error: unknown): GraphErrorLike {
  return (error && typeof error === 'object' ? error : { message: String(error) }) as GraphErrorLike;
}

/** OData string literal: single quotes doubled. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The Azure layer's one classifier, in the wizards' words. */
export function classify(error: unknown, what: string, tool: ReauthTool = 'other'): GraphWriteError {
  const e = graphError(error);
  const message = e.message ?? String(error);
  if (/AADSTS65002|AADSTS65001/.test(message)) {
    return new GraphWriteError('not-preauthorized', l10n.t('{0}: this sign-in\'s app may not change the directory ({1}). Sign in with the Azure CLI (az login) and try again, or hand the commands to an administrator.', what, message.split('\n')[0]));
  }
  const problem = classifyAzureError(error, what, { tool });
  if (problem.kind === 'forbidden') return new GraphWriteError('forbidden', l10n.t('{0}: insufficient privileges. {1}', what, message));
  if (problem.kind === 'claims-challenge') return new GraphWriteError('claims-challenge', `${problem.message} ${problem.fix}`);
  if (e.statusCode === 400) return new GraphWriteError('invalid', `${what}: ${message}`);
  if (problem.kind === 'network' || problem.kind === 'timeout') return new GraphWriteError('network', problem.message);
  return new GraphWriteError('failed', `${what}: ${message}`);
}

/** A Graph client for the cloud's Graph endpoint, with tokens for its audience from `credential`, on the Azure layer. */
export function graphClient(credential: TokenCredential, cloud: CloudEndpoints, network?: NetworkSettings): GraphApi {
  return new GraphApi({ credential, cloud, ...(network ? { network } : {}) });
}

/**
 * A follow-up link (`@odata.nextLink`) handed back by the webview, checked before it is requested with the session's
 * token: https, the session's Graph origin (no user info), the user search's path. Anything else is refused.
 */
export function userSearchFollowUp(link: string, cloud: Pick<CloudEndpoints, 'graph'>): string {
  let url: URL;
  try { url = new URL(link); } catch { throw new GraphWriteError('invalid', l10n.t('The search could not be continued: its follow-up link is not a URL.')); }
  const graph = new URL(cloud.graph);
  if (url.protocol !== 'https:' || url.origin !== graph.origin || url.username || url.password) {
    throw new GraphWriteError('invalid', l10n.t('The search could not be continued: its follow-up link is not on {0}.', graph.origin));
  }
  // A Graph endpoint may sit under a path (a sovereign proxy, the sandbox): the user search is below it.
  const base = graph.pathname.replace(/\/+$/, '');
  const path = url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length) : '';
  if (!/^\/(v1\.0|beta)\/users\/?$/.test(path)) {
    throw new GraphWriteError('invalid', l10n.t('The search could not be continued: its follow-up link does not continue a user search.'));
  }
  return url.toString();
}

export class TeamDirectory {
  private readonly client: GraphApi;
  private readonly cloud: CloudEndpoints;
  /** Creates in flight, by name: a second click joins the first instead of creating again. */
  private readonly creating = new Map<string, Promise<DirectoryGroup>>();

  constructor(credential: TokenCredential, cloud: CloudEndpoints, network?: NetworkSettings) {
    this.client = graphClient(credential, cloud, network);
    this.cloud = cloud;
  }

  async findGroups(displayName: string): Promise<DirectoryGroup[]> {
    const page = await this.client.api('/groups').filter(`displayName eq ${literal(displayName)}`).select('id,displayName,mailNickname,description').get() as { value?: Record<string, unknown>[] };
    return (page.value ?? []).map((g) => ({ id: String(g.id), displayName: String(g.displayName ?? ''), mailNickname: typeof g.mailNickname === 'string' ? g.mailNickname : null, description: typeof g.description === 'string' ? g.description : null }));
  }

  /** Groups whose display name starts with `prefix` (the assignee search of the role wizard). */
  async searchGroups(prefix: string, top = 20): Promise<DirectoryGroup[]> {
    const page = await this.client.api('/groups').filter(`startswith(displayName,${literal(prefix)})`).select('id,displayName,mailNickname,description').top(top).get() as { value?: Record<string, unknown>[] };
    return (page.value ?? []).map((g) => ({ id: String(g.id), displayName: String(g.displayName ?? ''), mailNickname: typeof g.mailNickname === 'string' ? g.mailNickname : null, description: typeof g.description === 'string' ? g.description : null }));
  }

  /** Service principals by application (client) id when `query` is a GUID, else by display-name prefix. */
  async searchServicePrincipals(query: string, top = 20): Promise<DirectoryServicePrincipal[]> {
    const byAppId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query.trim());
    const filter = byAppId ? `appId eq ${literal(query.trim())}` : `startswith(displayName,${literal(query)})`;
    const page = await this.client.api('/servicePrincipals').filter(filter).select('id,displayName,appId,servicePrincipalType').top(top).get() as { value?: Record<string, unknown>[] };
    return (page.value ?? []).map((p) => ({ id: String(p.id), displayName: String(p.displayName ?? ''), appId: typeof p.appId === 'string' ? p.appId : null, kind: typeof p.servicePrincipalType === 'string' ? p.servicePrincipalType : null }));
  }

  /** Users whose display name starts with `prefix`; `nextLink` continues the same search. */
  async searchUsers(prefix: string, nextLink?: string, pageSize = 25): Promise<UserPage> {
    const request = nextLink ? this.client.api(userSearchFollowUp(nextLink, this.cloud))
      : this.client.api('/users').filter(`startswith(displayName,${literal(prefix)})`).select('id,displayName,userPrincipalName').top(pageSize);
    const page = await request.get() as { value?: Record<string, unknown>[]; '@odata.nextLink'?: string };
    return {
      users: (page.value ?? []).map((u) => ({ id: String(u.id), displayName: String(u.displayName ?? ''), userPrincipalName: typeof u.userPrincipalName === 'string' ? u.userPrincipalName : null })),
      nextLink: page['@odata.nextLink'] ?? null,
    };
  }

  /**
   * A security group, created once: an existing group of that name is never duplicated (the caller offers it for
   * reuse first), a second call while the first runs joins it, and after a dropped connection the group is looked up
   * before the request is sent again.
   */
  createSecurityGroup(displayName: string, mailNickname: string, description: string): Promise<DirectoryGroup> {
    const key = displayName.toLowerCase();
    const running = this.creating.get(key);
    if (running) return running;
    const task = this.createOnce(displayName, mailNickname, description).finally(() => this.creating.delete(key));
    this.creating.set(key, task);
    return task;
  }

  private async createOnce(displayName: string, mailNickname: string, description: string): Promise<DirectoryGroup> {
    for (let attempt = 0; ; attempt++) {
      try {
        const g = await this.client.api('/groups').post({ displayName, mailNickname, description, mailEnabled: false, securityEnabled: true, groupTypes: [] }) as Record<string, unknown>;
        return { id: String(g.id), displayName: String(g.displayName ?? displayName), mailNickname, description };
      } catch (error) {
        const classified = classify(error, l10n.t('The group could not be created'));
        if ((classified.kind !== 'network' && classified.kind !== 'failed') || attempt > 0) throw classified;
        // The request may have reached Graph before the connection dropped (or before an answer that could not be
        // read): look before sending it again.
        const existing = await this.findGroups(displayName).catch(() => []);
        if (existing.length === 1) return existing[0]!;
        if (existing.length > 1) throw new GraphWriteError('failed', l10n.t('Several groups are named {0}; pick one to reuse.', displayName));
      }
    }
  }

  /** Adds each member; "already a member" (400) counts as added. One result per member, in order. */
  async addMembers(groupId: string, memberIds: readonly string[], graphBase = 'https://graph.microsoft.com/v1.0'): Promise<MemberResult[]> {
    const results: MemberResult[] = [];
    for (const id of memberIds) {
      try {
        await this.client.api(`/groups/${encodeURIComponent(groupId)}/members/$ref`).post({ '@odata.id': `${graphBase}/directoryObjects/${id}` });
        results.push({ id, outcome: 'added' });
      } catch (error) {
        const e = graphError(error);
        if (e.statusCode === 400 && /already exist/i.test(e.message ?? '')) {
          results.push({ id, outcome: 'already-member' });
          continue;
        }
        const classified = classify(error, l10n.t('The member could not be added'));
        results.push({ id, outcome: 'failed', reason: classified.message, forbidden: classified.kind === 'forbidden' || classified.kind === 'not-preauthorized' });
      }
    }
    return results;
  }
}
