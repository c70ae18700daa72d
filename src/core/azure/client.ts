// The one way this product sends a request to Azure Resource Manager or Microsoft Graph: the Azure SDK's HTTP pipeline
// (@azure/core-rest-pipeline) with the proxy and certificate authorities of network.ts, a User-Agent naming the
// product, a bearer token only for the client's own origin, bounded retries that honour Retry-After up to a cap, a
// timeout per request, one deadline per operation and cancellation, and paging that follows next links only on the
// first request's origin and never twice. No timer outlives the request or wait it belongs to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest, decompressResponsePolicy, setClientRequestIdPolicy,
  userAgentPolicy, type HttpClient, type HttpMethods, type Pipeline, type PipelinePolicy, type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from './clouds';
import { AzureRequestError, parseClaimsChallenge } from './errors';
import { AgentPool, networkSettings, type NetworkSettings } from './network';

/** One user-visible operation (a view load, a CLI command, a wizard step): its deadline and its cancellation. */
export interface AzureOperation {
  readonly signal: AbortSignal;
  /** Epoch milliseconds. */
  readonly deadline: number;
}

/** An operation ending `timeoutMs` from now or when `signal` aborts, whichever comes first. */
export function azureOperation(timeoutMs: number, signal?: AbortSignal): AzureOperation {
  const timeout = AbortSignal.timeout(timeoutMs); // its timer does not keep a process alive
  return { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, deadline: Date.now() + timeoutMs };
}

export interface AzureClientOptions {
  readonly credential: TokenCredential;
  /** https://management.azure.com, or https://graph.microsoft.com/v1.0: every request stays on its origin. */
  readonly baseUrl: string;
  /** The token scope, `<audience>/.default`. */
  readonly scope: string;
  /** "Azure Resource Manager" or "Microsoft Graph", for messages. */
  readonly service: string;
  /** "nextLink" (ARM) or "@odata.nextLink" (Graph). */
  readonly nextLinkKey: string;
  readonly network?: NetworkSettings;
  /** Per request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Retries of one request (default 3). */
  readonly maxRetries?: number;
  /** The longest Retry-After honoured (default 60 s); a longer one ends the operation with an error naming it. */
  readonly maxRetryAfterSeconds?: number;
  /** Told before each wait, in a sentence. */
  readonly onWait?: (message: string) => void;
  /** The JSON batching endpoint below the base URL (Graph: `$batch`); none: batchGet sends requests one by one. */
  readonly batchPath?: string;
}

/** One GET of a batch: a path below the base URL (with its query) and its own headers. */
export interface BatchGet {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one request of a batch came to: its body, or the error it would have thrown alone. */
export type BatchOutcome<T> = { readonly ok: true; readonly body: T } | { readonly ok: false; readonly error: AzureRequestError };

/** The documented limit on requests in one Graph JSON batch. */
export const GRAPH_BATCH_SIZE = 20;

export interface AzureRequest {
  readonly method?: HttpMethods;
  /** A path below the base URL (no empty segments) or an absolute URL on the same origin. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface AzureResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: PipelineResponse['headers'];
}

let cachedUserAgent: string | undefined;

/** "azure-dev-auth/<version>", read from the bundle's build-info.json or the package's package.json. */
export function productUserAgent(): string {
  if (cachedUserAgent) return cachedUserAgent;
  let version = '0.0.0';
  for (const file of [join(__dirname, 'build-info.json'), join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof parsed.version === 'string') { version = parsed.version; break; }
    } catch { /* the next place */ }
  }
  cachedUserAgent = `azure-dev-auth/${version}`;
  return cachedUserAgent;
}

const IDEMPOTENT = new Set<HttpMethods>(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const sharedHttpClient: { value?: HttpClient } = {};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds from retry-after-ms, x-ms-retry-after-ms or Retry-After (seconds or an HTTP date); undefined when absent. */
export function retryAfterSeconds(headers: PipelineResponse['headers'], now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - now) / 1000) : undefined;
}

function errorBody(text: string | undefined): { code?: string; message?: string } {
  if (!text) return {};
  try {
    return errorOf(JSON.parse(text)) ?? { message: text.slice(0, 300) };
  } catch { /* not JSON */ }
  return { message: text.slice(0, 300) };
}

/** Code and message of an error body already parsed (ARM, Graph, Entra shapes); undefined when it has neither. */
function errorOf(value: unknown): { code?: string; message?: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  {
    const parsed = value as { error?: unknown; error_description?: unknown; message?: unknown };
    if (parsed.error && typeof parsed.error === 'object') {
      const e = parsed.error as { code?: unknown; message?: unknown };
      return { ...(typeof e.code === 'string' ? { code: e.code } : {}), ...(typeof e.message === 'string' ? { message: e.message } : {}) };
    }
    if (typeof parsed.error === 'string') {
      return { code: parsed.error, ...(typeof parsed.error_description === 'string' ? { message: parsed.error_description } : {}) };
    }
    if (typeof parsed.message === 'string') return { message: parsed.message };
  }
  return undefined;
}

/** A header of a batched response, whose names come in any case. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
}

/** Bounded parallel map that keeps order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  }));
  return out;
}

export class AzureClient {
  readonly origin: string;
  /** Requests sent (each retry counts), for the benchmark and the log. */
  requests = 0;
  private readonly base: URL;
  private readonly pipeline: Pipeline;
  private readonly agents: AgentPool;
  private readonly httpClient: HttpClient;

  constructor(private readonly options: AzureClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    if (this.base.protocol !== 'https:') throw new Error(`${options.service}: ${options.baseUrl} is not an https URL.`);
    this.origin = this.base.origin;
    this.agents = new AgentPool(options.network ?? networkSettings());
    this.httpClient = sharedHttpClient.value ??= createDefaultHttpClient();
    this.pipeline = createEmptyPipeline();
    this.pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: productUserAgent() }));
    this.pipeline.addPolicy(setClientRequestIdPolicy());
    this.pipeline.addPolicy(decompressResponsePolicy());
    this.pipeline.addPolicy(this.networkPolicy());
    this.pipeline.addPolicy(this.bearerPolicy());
  }

  /** Chooses the agent (proxy or not, extra authorities) per request. */
  private networkPolicy(): PipelinePolicy {
    return {
      name: 'azureDevAuthNetwork',
      sendRequest: async (request, next) => {
        const agent = await this.agents.agentFor(new URL(request.url));
        if (agent) request.agent = agent;
        return next(request);
      },
    };
  }

  /** The token goes only to this client's origin, over https; anything else is refused before it is sent. */
  private bearerPolicy(): PipelinePolicy {
    return {
      name: 'azureDevAuthBearer',
      sendRequest: async (request, next) => {
        const url = new URL(request.url);
        if (url.origin !== this.origin || url.protocol !== 'https:') {
          throw new AzureRequestError('off-origin', `${this.options.service}: refused to send a token to ${url.origin}; it belongs to ${this.origin}.`);
        }
        let token;
        try {
          token = await this.options.credential.getToken(this.options.scope, { abortSignal: request.abortSignal as AbortSignal });
        } catch (error) {
          throw new AzureRequestError('token', error instanceof Error ? error.message : String(error), { cause: error });
        }
        if (!token) throw new AzureRequestError('token', 'The credential returned no token.');
        request.headers.set('Authorization', `Bearer ${token.token}`);
        return next(request);
      },
    };
  }

  /** The absolute URL of a path or link; a path with an empty segment is a bug here, never sent. */
  resolve(path: string, query?: Readonly<Record<string, string>>): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${this.base.href.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
    if (url.pathname.includes('//')) throw new Error(`${this.options.service}: the path ${url.pathname} has an empty segment.`);
    // %20 for spaces (not '+', which OData reads literally) and `$` kept as OData writes it.
    const pairs = Object.entries(query ?? {}).map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`);
    if (pairs.length) url.search = `${url.search ? `${url.search}&` : '?'}${pairs.join('&')}`;
    return url;
  }

  private operationError(operation: AzureOperation): AzureRequestError {
    const reason: unknown = operation.signal.reason;
    const timedOut = Date.now() >= operation.deadline - 5 || (reason instanceof Error && reason.name === 'TimeoutError');
    return timedOut
      ? new AzureRequestError('deadline', `${this.options.service} did not finish before the operation's deadline.`)
      : new AzureRequestError('cancelled', 'Cancelled.');
  }

  /** One request with its retries; resolves with a 2xx (or `accept`ed) answer, else throws AzureRequestError. */
  async send<T = Record<string, unknown>>(operation: AzureOperation, request: AzureRequest, accept: readonly number[] = []): Promise<AzureResponse<T>> {
    const method = request.method ?? 'GET';
    const url = this.resolve(request.path, request.query);
    const maxRetries = this.options.maxRetries ?? 3;
    const cap = this.options.maxRetryAfterSeconds ?? 60;
    for (let attempt = 0; ; attempt++) {
      if (operation.signal.aborted) throw this.operationError(operation);
      const remaining = operation.deadline - Date.now();
      const perRequest = Math.max(1, Math.min(this.options.requestTimeoutMs ?? 30_000, remaining));
      const requestTimeout = AbortSignal.timeout(perRequest);
      const headers = createHttpHeaders({ Accept: 'application/json', ...(request.headers ?? {}) });
      if (request.body !== undefined) headers.set('Content-Type', 'application/json');
      const pipelineRequest = createPipelineRequest({
        url: url.toString(), method, headers, abortSignal: AbortSignal.any([operation.signal, requestTimeout]),
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
      let response: PipelineResponse;
      this.requests++;
      try {
        response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
      } catch (error) {
        if (error instanceof AzureRequestError) throw error;
        if (operation.signal.aborted) throw this.operationError(operation);
        const timedOut = requestTimeout.aborted;
        const message = error instanceof Error ? error.message : String(error);
        const failure = timedOut
          ? new AzureRequestError('timeout', `${this.options.service} did not answer within ${Math.round(perRequest / 1000)} s.`)
          : new AzureRequestError('network', `${this.options.service} could not be reached: ${message}`, { cause: error });
        if (IDEMPOTENT.has(method) && attempt < maxRetries) {
          await this.wait(operation, Math.min(2 ** attempt, 8), 'the connection failed');
          continue;
        }
        throw failure;
      }
      const status = response.status;
      if ((status >= 200 && status < 300) || accept.includes(status)) {
        let body: unknown = undefined;
        if (response.bodyAsText) {
          try { body = JSON.parse(response.bodyAsText); } catch {
            throw new AzureRequestError('http', `${this.options.service} answered with something that is not JSON.`, { status });
          }
        }
        return { status, body: body as T, headers: response.headers };
      }
      const { code, message } = errorBody(response.bodyAsText ?? undefined);
      if (status === 401) {
        const claims = parseClaimsChallenge(response.headers.get('www-authenticate'));
        if (claims) throw new AzureRequestError('claims-challenge', `${this.options.service} asks for a sign-in with more claims (${message ?? 'insufficient_claims'}).`, { status, ...(code ? { code } : {}), claims });
      }
      const transient = status === 429 || status === 503 || (IDEMPOTENT.has(method) && (status === 500 || status === 502 || status === 504));
      if (transient && attempt < maxRetries) {
        const asked = retryAfterSeconds(response.headers);
        if (asked !== undefined && asked > cap) {
          throw new AzureRequestError('throttled', `${this.options.service} asked to wait ${Math.round(asked)} s before retrying (Retry-After), longer than the ${cap} s this waits.`, { status, retryAfterSeconds: asked });
        }
        const seconds = asked ?? Math.min(2 ** attempt, 8);
        if (Date.now() + seconds * 1000 > operation.deadline) {
          throw new AzureRequestError('throttled', `${this.options.service} asked to wait ${Math.round(seconds)} s before retrying, past the operation's deadline.`, { status, retryAfterSeconds: seconds });
        }
        await this.wait(operation, seconds, status === 429 ? 'Azure is throttling requests' : `${this.options.service} answered ${status}`);
        continue;
      }
      const text = message ?? `HTTP ${status}`;
      throw new AzureRequestError(status === 429 ? 'throttled' : 'http', `${text}${code ? ` (${code})` : ''}`, { status, ...(code ? { code } : {}) });
    }
  }

  private async wait(operation: AzureOperation, seconds: number, why: string): Promise<void> {
    this.options.onWait?.(`${why}; waiting ${Math.ceil(seconds)} s before retrying…`);
    try {
      await sleep(seconds * 1000, operation.signal);
    } catch {
      throw this.operationError(operation);
    }
  }

  async get<T = Record<string, unknown>>(operation: AzureOperation, path: string, query?: Readonly<Record<string, string>>, headers?: Readonly<Record<string, string>>): Promise<T> {
    return (await this.send<T>(operation, { path, ...(query ? { query } : {}), ...(headers ? { headers } : {}) })).body;
  }

  /**
   * Every item of a paged list: next links are followed only on the first request's origin and never twice (a loop
   * or a link to another host ends the list with an error that says so; no token goes there).
   */
  async list<T = Record<string, unknown>>(operation: AzureOperation, path: string, query?: Readonly<Record<string, string>>, options: ListOptions = {}): Promise<T[]> {
    const first = this.resolve(path, query);
    const page = await this.send<Record<string, unknown>>(operation, { path: first.href, ...(options.headers ? { headers: options.headers } : {}) });
    return this.listFrom<T>(operation, first.href, page.body, options);
  }

  /**
   * The rest of a paged list whose first page (the answer to `path`) is already here, e.g. from a batch: its items,
   * then the next links' pages under the same rules as list().
   */
  async listFrom<T = Record<string, unknown>>(operation: AzureOperation, path: string, firstPage: Record<string, unknown> | undefined, options: ListOptions = {}): Promise<T[]> {
    const first = this.resolve(path);
    const seen = new Set<string>([first.href]);
    const items: T[] = [];
    let url = first;
    let body = firstPage;
    for (;;) {
      const value = body?.value;
      if (Array.isArray(value)) items.push(...(value as T[]));
      if (options.maxItems !== undefined && items.length >= options.maxItems) return items.slice(0, options.maxItems);
      const link = body?.[this.options.nextLinkKey];
      if (typeof link !== 'string' || !link) return items;
      let next: URL;
      try { next = new URL(link, url); } catch {
        throw new AzureRequestError('paging', `${this.options.service} gave a next link that is not a URL.`);
      }
      if (next.origin !== first.origin) {
        throw new AzureRequestError('paging', `${this.options.service} gave a next link on another host (${next.origin}); the list stops here and no token was sent there.`);
      }
      if (seen.has(next.href)) {
        throw new AzureRequestError('paging', `${this.options.service} gave a next link it had already given (a paging loop); the list stops after ${items.length} items.`);
      }
      seen.add(next.href);
      url = next;
      body = (await this.send<Record<string, unknown>>(operation, { path: url.href, ...(options.headers ? { headers: options.headers } : {}) })).body;
    }
  }

  /**
   * GETs sent together: through the JSON batching endpoint, at most GRAPH_BATCH_SIZE to a request, or one by one
   * when the client has none. Each request's answer is its own: a request Azure throttles (429, 503) is sent again
   * after the Retry-After it names (capped, within the deadline, at most maxRetries times), an error is that
   * request's outcome. Outcomes come back in the order of `requests`, whatever order the batch answered in.
   */
  async batchGet<T = Record<string, unknown>>(operation: AzureOperation, requests: readonly BatchGet[], concurrency = 2): Promise<BatchOutcome<T>[]> {
    const outcomes: BatchOutcome<T>[] = new Array<BatchOutcome<T>>(requests.length);
    const alone = async (index: number): Promise<void> => {
      const r = requests[index]!;
      try {
        outcomes[index] = { ok: true, body: (await this.send<T>(operation, { path: r.path, ...(r.headers ? { headers: r.headers } : {}) })).body };
      } catch (error) {
        if (!(error instanceof AzureRequestError) || error.kind === 'cancelled' || error.kind === 'deadline') throw error;
        outcomes[index] = { ok: false, error };
      }
    };
    const indices = requests.map((_, i) => i);
    if (!this.options.batchPath) {
      await mapLimit(indices, concurrency, alone);
      return outcomes;
    }
    const chunks: number[][] = [];
    for (let i = 0; i < indices.length; i += GRAPH_BATCH_SIZE) chunks.push(indices.slice(i, i + GRAPH_BATCH_SIZE));
    await mapLimit(chunks, concurrency, async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        let answer: AzureResponse<{ responses?: unknown }>;
        try {
          answer = await this.send<{ responses?: unknown }>(operation, {
            method: 'POST', path: this.options.batchPath!,
            body: { requests: pending.map((index) => ({ id: String(index), method: 'GET', url: `/${requests[index]!.path.replace(/^\/+/, '')}`, ...(requests[index]!.headers ? { headers: requests[index]!.headers } : {}) })) },
          });
        } catch (error) {
          // A service without batching (no such endpoint): the same requests one by one.
          if (error instanceof AzureRequestError && (error.status === 404 || error.status === 405 || error.status === 501)) {
            await mapLimit(pending, concurrency, alone);
            return;
          }
          if (!(error instanceof AzureRequestError) || error.kind === 'cancelled' || error.kind === 'deadline') throw error;
          for (const index of pending) outcomes[index] = { ok: false, error };
          return;
        }
        const byId = new Map<string, Record<string, unknown>>();
        if (Array.isArray(answer.body?.responses)) {
          for (const r of answer.body.responses as unknown[]) {
            if (r && typeof r === 'object' && typeof (r as { id?: unknown }).id === 'string') byId.set((r as { id: string }).id, r as Record<string, unknown>);
          }
        }
        const again: number[] = [];
        let wait = 0;
        for (const index of pending) {
          const r = byId.get(String(index));
          const status = typeof r?.status === 'number' ? r.status : 0;
          if (status >= 200 && status < 300) { outcomes[index] = { ok: true, body: r!.body as T }; continue; }
          const transient = status === 429 || status === 503 || status === 500 || status === 502 || status === 504;
          const asked = r ? retryAfterSeconds({ get: (name: string) => headerOf(r.headers, name) } as PipelineResponse['headers']) : undefined;
          const { code, message } = errorOf(r?.body) ?? {};
          const text = !r ? `${this.options.service} answered the batch without request ${requests[index]!.path}.` : `${message ?? `HTTP ${status}`}${code ? ` (${code})` : ''}`;
          if (transient && attempt < (this.options.maxRetries ?? 3)) {
            const cap = this.options.maxRetryAfterSeconds ?? 60;
            if (asked !== undefined && asked > cap) {
              outcomes[index] = { ok: false, error: new AzureRequestError('throttled', `${this.options.service} asked to wait ${Math.round(asked)} s before retrying (Retry-After), longer than the ${cap} s this waits.`, { status, retryAfterSeconds: asked }) };
              continue;
            }
            again.push(index);
            wait = Math.max(wait, asked ?? Math.min(2 ** attempt, 8));
            continue;
          }
          outcomes[index] = { ok: false, error: new AzureRequestError(status === 429 ? 'throttled' : 'http', text, { ...(status ? { status } : {}), ...(code ? { code } : {}) }) };
        }
        if (again.length > 0) {
          if (Date.now() + wait * 1000 > operation.deadline) {
            for (const index of again) outcomes[index] = { ok: false, error: new AzureRequestError('throttled', `${this.options.service} asked to wait ${Math.round(wait)} s before retrying, past the operation's deadline.`, { retryAfterSeconds: wait }) };
            return;
          }
          await this.wait(operation, wait, 'Azure is throttling requests');
        }
        pending = again;
      }
    });
    return outcomes;
  }

  /** Lets the kept-alive connections go (the CLI calls it before it exits). */
  close(): void {
    this.agents.destroy();
  }
}

export interface ListOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxItems?: number;
}

export interface AzureClientsOptions {
  readonly credential: TokenCredential;
  readonly cloud: CloudEndpoints;
  readonly network?: NetworkSettings;
  readonly requestTimeoutMs?: number;
  readonly maxRetryAfterSeconds?: number;
  readonly onWait?: (message: string) => void;
}

/** The client for the cloud's Azure Resource Manager endpoint. */
export function armClient(options: AzureClientsOptions): AzureClient {
  return new AzureClient({
    credential: options.credential, baseUrl: options.cloud.resourceManager, scope: `${options.cloud.resourceManagerAudience}/.default`,
    service: 'Azure Resource Manager', nextLinkKey: 'nextLink', ...optional(options),
  });
}

/** The client for the cloud's Microsoft Graph endpoint (v1.0), with JSON batching. */
export function graphClient(options: AzureClientsOptions): AzureClient {
  return new AzureClient({
    credential: options.credential, baseUrl: `${options.cloud.graph}/v1.0`, scope: `${options.cloud.graphAudience}/.default`,
    service: 'Microsoft Graph', nextLinkKey: '@odata.nextLink', batchPath: '$batch', ...optional(options),
  });
}

function optional(options: AzureClientsOptions): Partial<AzureClientOptions> {
  return {
    ...(options.network ? { network: options.network } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.maxRetryAfterSeconds ? { maxRetryAfterSeconds: options.maxRetryAfterSeconds } : {}),
    ...(options.onWait ? { onWait: options.onWait } : {}),
  };
}

/**
 * An ARM path from a scope and the segments after it: the scope's slashes trimmed, so the path never has an empty
 * segment (`/subscriptions/x` + `providers/…` → `subscriptions/x/providers/…`).
 */
export function scopePath(scope: string, ...rest: string[]): string {
  const parts = [scope, ...rest].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  const path = parts.join('/');
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) throw new Error(`Not a scope: ${scope}`);
  return path;
}

/** OData string literal: single quotes doubled. */
export function odataLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
