// A service principal per developer for local development, through Microsoft Graph as the developer signed in to
// az, azd or Azure PowerShell: an app registration `<app>-local-dev-<user>` (POST /applications), its service
// principal (POST /servicePrincipals) and one client secret (addPassword, whose secretText Graph returns once).
// Rotating adds a secret and removes the old one; deleting the app registration takes its service principal with it.
// The secret text is handed to the caller and nowhere else: not into a log line, not into an error message.
import type { TokenCredential } from '@azure/identity';
import type { GraphApi, GraphRequestBuilder as GraphRequest } from '../azure/graphRequest';
import { z } from 'zod';
import type { CloudEndpoints } from '../access/clouds';
import type { NetworkSettings } from '../azure/network';
import { appSlug } from '../team/names';
import { hasControlCharacter } from './envFile';
import { classify, graphClient, graphError, GraphWriteError, literal } from '../team/groups';
import * as l10n from '@vscode/l10n';

export interface LocalDevSecret {
  readonly keyId: string;
  readonly endDateTime: string;
  /** Shown by Graph this once; it goes to `.env` and nowhere else. */
  readonly secretText: string;
}

export interface LocalDevApp {
  readonly appObjectId: string;
  /** The client id (AZURE_CLIENT_ID). */
  readonly appId: string;
  readonly servicePrincipalId: string;
  /** The tenant of the developer's token (AZURE_TENANT_ID). */
  readonly tenantId: string;
  readonly secret: LocalDevSecret;
}

export interface LocalDevAppSummary {
  readonly appObjectId: string;
  readonly appId: string;
  readonly displayName: string;
  readonly createdDateTime: string | null;
  /** The app's client secrets, without their text (Graph never returns it again). */
  readonly secrets: readonly { readonly keyId: string; readonly displayName: string | null; readonly endDateTime: string | null; readonly hint: string | null }[];
}

export interface RotateResult {
  readonly secret: LocalDevSecret;
  /** False when the old secret could not be removed: it still signs in until it expires or is removed. */
  readonly oldSecretRemoved: boolean;
  readonly removalProblem: string | null;
}

/**
 * GraphWriteError with what the caller needs beyond the kind: whether the user cancelled, and an app registration
 * that was made but could not be cleaned up after a later step failed.
 */
export class LocalDevAppError extends GraphWriteError {
  constructor(kind: GraphWriteError['kind'], message: string, readonly cancelled = false, readonly leftBehind: { readonly appObjectId: string; readonly appId: string } | null = null) {
    super(kind, message);
    this.name = 'LocalDevAppError';
  }
}

export interface LocalDevAppsOptions {
  /** Per Graph request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Waits before retrying a step Graph refuses because the new app has not replicated yet (default 1, 2, 4, 8, 15 s). */
  readonly replicationBackoffMs?: readonly number[];
  /** The proxy and certificate authorities (VS Code's http.proxy inside VS Code); default: the process environment's. */
  readonly network?: NetworkSettings;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().regex(GUID);
const MAX_NAME = 120;

const createdApplicationSchema = z.object({ id: guid, appId: guid });
const createdServicePrincipalSchema = z.object({ id: guid });
const passwordSchema = z.object({ keyId: guid, endDateTime: z.string().min(1).max(64), secretText: z.string().min(1).max(1024) });
const applicationPageSchema = z.object({
  value: z.array(z.unknown()).max(1000),
  '@odata.nextLink': z.string().max(4096).optional(),
});
const applicationSummarySchema = z.object({
  id: guid,
  appId: guid,
  displayName: z.string().max(512).nullable(),
  createdDateTime: z.string().max(64).nullable().optional(),
  passwordCredentials: z.array(z.object({
    keyId: guid,
    displayName: z.string().max(512).nullable().optional(),
    endDateTime: z.string().max(64).nullable().optional(),
    hint: z.string().max(16).nullable().optional(),
  })).max(200).optional(),
});

/**
 * `<app>-local-dev-<user>`: the folder's slug (as the local-development group uses), and the part of the user
 * principal name before `@` (a guest's `#EXT#` suffix dropped), lower case with anything but letters and digits
 * turned into dashes. At most 120 characters: the user part keeps up to 40, the app part gets the rest.
 */
export function localDevAppName(folderName: string, userPrincipalName: string): string {
  const local = (userPrincipalName.split('@')[0] ?? '').replace(/#EXT#$/i, '');
  const trim = (text: string): string => text.replace(/^-+|-+$/g, '');
  const user = trim(trim(local.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-')).slice(0, 40)) || 'user';
  const middle = '-local-dev-';
  const app = trim(appSlug(folderName).slice(0, MAX_NAME - middle.length - user.length)) || 'app';
  return `${app}${middle}${user}`;
}

/** Why a display name cannot be used for the app registration, or undefined. */
export function localDevAppNameProblem(name: string): string | undefined {
  if (!name.trim()) return l10n.t('The name is required.');
  if (name.length > MAX_NAME) return l10n.t('The name may have at most {0} characters.', MAX_NAME);
  if (hasControlCharacter(name) || name.includes('\t')) return l10n.t('The name may not contain control characters.');
  return undefined;
}

function endDate(value: Date | string): string {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new LocalDevAppError('invalid', l10n.t('The secret\'s end date is not a date.'));
  if (time <= Date.now() + 60_000) throw new LocalDevAppError('invalid', l10n.t('The secret\'s end date must be in the future.'));
  return new Date(time).toISOString();
}

function requireGuid(value: string, what: string): string {
  if (!GUID.test(value)) throw new LocalDevAppError('invalid', l10n.t('{0} is not a GUID.', what));
  return value;
}

function cancelled(what: string): LocalDevAppError {
  return new LocalDevAppError('failed', `${what}: cancelled.`, true);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new Error('aborted')); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Graph's 400/404 for an app or service principal that has not replicated yet (right after it was created). */
function notReplicatedYet(error: unknown): boolean {
  const e = graphError(error);
  return e.statusCode === 404 || (e.statusCode === 400 && /does not reference a valid application object|does not exist/i.test(e.message ?? ''));
}

export class LocalDevApps {
  private readonly client: GraphApi;
  private readonly graphHost: string;
  private readonly timeoutMs: number;
  private readonly backoff: readonly number[];

  constructor(credential: TokenCredential, cloud: CloudEndpoints, private readonly tenantId: string, options: LocalDevAppsOptions = {}) {
    this.client = graphClient(credential, cloud, options.network);
    this.graphHost = new URL(cloud.graph).host.toLowerCase();
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.backoff = options.replicationBackoffMs ?? [1_000, 2_000, 4_000, 8_000, 15_000];
  }

  /**
   * One request, bounded by the timeout and the caller's signal. Failures become GraphWriteError through the team
   * wizard's classification (what = the step, for the message).
   */
  private async send<T>(what: string, request: GraphRequest, call: (r: GraphRequest) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) throw cancelled(what);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await call(request.option('signal', signal ? AbortSignal.any([signal, timeout]) : timeout));
    } catch (error) {
      if (signal?.aborted) throw cancelled(what);
      if (timeout.aborted) throw new LocalDevAppError('network', l10n.t('{0}: Microsoft Graph did not answer within {1} s.', what, Math.round(this.timeoutMs / 1000)));
      throw error;
    }
  }

  /** `send`, retried while Graph has not replicated a just-created object. */
  private async sendReplicated<T>(what: string, request: () => GraphRequest, call: (r: GraphRequest) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(what, request(), call, signal);
      } catch (error) {
        if (error instanceof GraphWriteError || !notReplicatedYet(error) || attempt >= this.backoff.length) throw error;
        try { await sleep(this.backoff[attempt]!, signal); } catch { throw cancelled(what); }
      }
    }
  }

  private sameGraph(link: string): boolean {
    try { return new URL(link).host.toLowerCase() === this.graphHost; } catch { return false; }
  }

  private classified(error: unknown, what: string): GraphWriteError {
    return error instanceof GraphWriteError ? error : classify(error, what);
  }

  private async exactNames(displayName: string, signal: AbortSignal | undefined): Promise<Set<string>> {
    const page = await this.send(l10n.t('Looking for the app registration'), this.client.api('/applications').filter(`displayName eq ${literal(displayName)}`).select('id,appId,displayName').top(100), (r) => r.get() as Promise<unknown>, signal);
    const parsed = applicationPageSchema.safeParse(page);
    if (!parsed.success) return new Set();
    return new Set(parsed.data.value.map((v) => applicationSummarySchema.safeParse(v)).filter((r) => r.success).map((r) => r.data.id.toLowerCase()));
  }

  /** POST /applications once: after a dropped connection the app is looked up (by name, new since the start) first. */
  private async createApplication(displayName: string, signal: AbortSignal | undefined): Promise<{ id: string; appId: string }> {
    const what = l10n.t('The app registration could not be created');
    const before = await this.exactNames(displayName, signal).catch(() => { if (signal?.aborted) throw cancelled(what); return new Set<string>(); });
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.send(what, this.client.api('/applications'), (r) => r.post({ displayName, signInAudience: 'AzureADMyOrg' }) as Promise<unknown>, signal);
        const parsed = createdApplicationSchema.safeParse(created);
        if (!parsed.success) throw new LocalDevAppError('failed', l10n.t('{0}: Microsoft Graph\'s answer has no application id.', what));
        return parsed.data;
      } catch (error) {
        const classified = this.classified(error, what);
        if (classified.kind === 'forbidden') {
          throw new LocalDevAppError('forbidden', l10n.t('{0}: Microsoft Graph refused (Authorization_RequestDenied). The tenant restricts app registration ("Users can register applications" is off), so an administrator with the Application Administrator or Cloud Application Administrator role must create it. Ask one to create it for you, or use an existing app registration.', what));
        }
        if ((error instanceof LocalDevAppError && error.cancelled) || (classified.kind !== 'network' && classified.kind !== 'failed') || attempt > 0) throw classified;
        // The request may have reached Graph before the connection dropped: look before sending it again.
        const now = await this.exactNames(displayName, signal).catch(() => undefined);
        if (!now) throw classified;
        const fresh = [...now].filter((id) => !before.has(id));
        if (fresh.length === 1) {
          const app = await this.send(what, this.client.api(`/applications/${fresh[0]}`).select('id,appId'), (r) => r.get() as Promise<unknown>, signal);
          const parsed = createdApplicationSchema.safeParse(app);
          if (parsed.success) return parsed.data;
          throw classified;
        }
        if (fresh.length > 1) throw new LocalDevAppError('failed', l10n.t('Several app registrations named {0} appeared; delete the extra ones in the portal.', displayName));
      }
    }
  }

  /** Deletes an app registration made by a create that failed later; says what is left when that fails too. */
  private async rollBack(app: { id: string; appId: string }, cause: GraphWriteError): Promise<LocalDevAppError> {
    try {
      // Not the caller's signal: a cancelled create still removes what it made.
      await this.send(l10n.t('The app registration could not be deleted'), this.client.api(`/applications/${app.id}`), (r) => r.delete() as Promise<unknown>, undefined);
      return new LocalDevAppError(cause.kind, l10n.t('{0} The app registration made for it was deleted again.', cause.message), cause instanceof LocalDevAppError && cause.cancelled);
    } catch {
      return new LocalDevAppError(cause.kind, l10n.t('{0} The app registration made for it (client id {1}) could not be deleted; delete it in the portal.', cause.message, app.appId),
        cause instanceof LocalDevAppError && cause.cancelled, { appObjectId: app.id, appId: app.appId });
    }
  }

  private async addPassword(appObjectId: string, endDateTime: string, displayName: string, signal: AbortSignal | undefined, what: string): Promise<LocalDevSecret> {
    const answer = await this.sendReplicated(what, () => this.client.api(`/applications/${appObjectId}/addPassword`),
      (r) => r.post({ passwordCredential: { displayName, endDateTime } }) as Promise<unknown>, signal);
    const parsed = passwordSchema.safeParse(answer);
    // Only the field names are reported: the answer holds the secret.
    if (!parsed.success) throw new LocalDevAppError('failed', l10n.t('{0}: Microsoft Graph\'s answer lacks the secret\'s key id, end date or text.', what));
    return { keyId: parsed.data.keyId, endDateTime: parsed.data.endDateTime, secretText: parsed.data.secretText };
  }

  /**
   * App registration (single tenant), its service principal and one client secret ending at `secretEndDateTime`.
   * A step that fails after the app registration exists deletes it again, so a failed create leaves nothing behind
   * (or says what it left in `leftBehind`).
   */
  async createLocalDevApp(request: { displayName: string; secretEndDateTime: Date | string; secretDisplayName?: string; signal?: AbortSignal }): Promise<LocalDevApp> {
    const problem = localDevAppNameProblem(request.displayName);
    if (problem) throw new LocalDevAppError('invalid', problem);
    const end = endDate(request.secretEndDateTime);
    const signal = request.signal;
    const app = await this.createApplication(request.displayName, signal);
    let servicePrincipalId: string;
    try {
      const what = l10n.t('The service principal could not be created');
      const created = await this.sendReplicated(what, () => this.client.api('/servicePrincipals'), (r) => r.post({ appId: app.appId }) as Promise<unknown>, signal);
      const parsed = createdServicePrincipalSchema.safeParse(created);
      if (!parsed.success) throw new LocalDevAppError('failed', l10n.t('{0}: Microsoft Graph\'s answer has no id.', what));
      servicePrincipalId = parsed.data.id;
    } catch (error) {
      throw await this.rollBack(app, this.classified(error, l10n.t('The service principal could not be created')));
    }
    try {
      const secret = await this.addPassword(app.id, end, request.secretDisplayName ?? 'local development', signal, l10n.t('The client secret could not be added'));
      return { appObjectId: app.id, appId: app.appId, servicePrincipalId, tenantId: this.tenantId, secret };
    } catch (error) {
      throw await this.rollBack(app, this.classified(error, l10n.t('The client secret could not be added')));
    }
  }

  /** App registrations whose display name starts with `displayNamePrefix` (at most 1,000), with their secrets' ids. */
  async findLocalDevApps(displayNamePrefix: string, options: { signal?: AbortSignal } = {}): Promise<LocalDevAppSummary[]> {
    const what = l10n.t('The app registrations could not be listed');
    if (displayNamePrefix.length > 256) throw new LocalDevAppError('invalid', l10n.t('The name to search for is too long.'));
    const found: LocalDevAppSummary[] = [];
    let request: GraphRequest | undefined = this.client.api('/applications').filter(`startswith(displayName,${literal(displayNamePrefix)})`)
      .select('id,appId,displayName,createdDateTime,passwordCredentials').top(100);
    try {
      for (let page = 0; request && page < 10; page++) {
        const parsed = applicationPageSchema.safeParse(await this.send(what, request, (r) => r.get() as Promise<unknown>, options.signal));
        if (!parsed.success) throw new LocalDevAppError('failed', l10n.t('{0}: Microsoft Graph\'s answer is not a list of applications.', what));
        for (const item of parsed.data.value) {
          const app = applicationSummarySchema.safeParse(item);
          if (!app.success) continue;
          found.push({
            appObjectId: app.data.id, appId: app.data.appId, displayName: app.data.displayName ?? '', createdDateTime: app.data.createdDateTime ?? null,
            secrets: (app.data.passwordCredentials ?? []).map((p) => ({ keyId: p.keyId, displayName: p.displayName ?? null, endDateTime: p.endDateTime ?? null, hint: p.hint ?? null })),
          });
        }
        const next = parsed.data['@odata.nextLink'];
        // The next page must come from the same Graph endpoint: a link elsewhere is not followed.
        request = next && this.sameGraph(next) ? this.client.api(next) : undefined;
      }
    } catch (error) {
      throw this.classified(error, what);
    }
    return found;
  }

  /**
   * A new secret first, then the old one removed. Once the new secret exists it is returned whatever happens next
   * (the caller must write it to .env): a removal that fails is reported in the result, and cancelling no longer
   * stops the removal.
   */
  async rotateSecret(appObjectId: string, oldKeyId: string, endDateTime: Date | string, options: { secretDisplayName?: string; signal?: AbortSignal } = {}): Promise<RotateResult> {
    requireGuid(appObjectId, l10n.t('The app registration id'));
    requireGuid(oldKeyId, l10n.t('The old secret\'s key id'));
    const end = endDate(endDateTime);
    let secret: LocalDevSecret;
    try {
      secret = await this.addPassword(appObjectId, end, options.secretDisplayName ?? 'local development', options.signal, l10n.t('The new client secret could not be added'));
    } catch (error) {
      throw this.classified(error, l10n.t('The new client secret could not be added'));
    }
    try {
      await this.send(l10n.t('The old client secret could not be removed'), this.client.api(`/applications/${appObjectId}/removePassword`), (r) => r.post({ keyId: oldKeyId }) as Promise<unknown>, undefined);
      return { secret, oldSecretRemoved: true, removalProblem: null };
    } catch (error) {
      const problem = this.classified(error, l10n.t('The old client secret could not be removed'));
      return { secret, oldSecretRemoved: false, removalProblem: l10n.t('{0} It still signs in until it expires; remove it in the portal (key id {1}).', problem.message, oldKeyId) };
    }
  }

  /** Deletes the app registration; Entra deletes its service principal with it. 'not-found': it was already gone. */
  async deleteLocalDevApp(appObjectId: string, options: { signal?: AbortSignal } = {}): Promise<'deleted' | 'not-found'> {
    requireGuid(appObjectId, l10n.t('The app registration id'));
    const what = l10n.t('The app registration could not be deleted');
    try {
      await this.send(what, this.client.api(`/applications/${appObjectId}`), (r) => r.delete() as Promise<unknown>, options.signal);
      return 'deleted';
    } catch (error) {
      if (!(error instanceof GraphWriteError) && graphError(error).statusCode === 404) return 'not-found';
      throw this.classified(error, what);
    }
  }
}
