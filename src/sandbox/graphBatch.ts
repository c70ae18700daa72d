// Microsoft Graph JSON batching (POST /v1.0/$batch), as documented (learn.microsoft.com/graph/json-batching) and as
// strict as the real service: a body with a `requests` array of 1 to 20 items; each with an `id` (a string, unique in
// the batch, not case-sensitive), a `method` and a `url` relative to the version root; a body only with a
// Content-Type header (and a write without one is refused); `dependsOn` naming earlier requests of the same batch,
// either for every request after the first (sequential) or for none (parallel). A malformed batch is one 400; a
// parseable one is a 200 whose `responses` carry each request's own status, headers and body, in an order that is
// not the request order (clients correlate by id). A request whose dependency failed is answered 424.
import { HttpError, isRecord, parseJson, sendJson, type RequestContext } from './http';

/** The documented limit on individual requests in one batch. */
export const GRAPH_BATCH_LIMIT = 20;

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

export interface InnerRequest {
  readonly id: string;
  readonly method: string;
  /** Path below the version root, starting with '/', without the query. */
  readonly path: string;
  /** The query string, with its leading '?', or ''. */
  readonly search: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

export interface InnerResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Runs one individual request as if it had arrived on its own (same token, same faults); never throws. */
export type InnerDispatch = (request: InnerRequest) => Promise<InnerResponse>;

function batchError(ctx: RequestContext, message: string): HttpError {
  return new HttpError(400, {
    error: { code: 'BadRequest', message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': ctx.requestId, 'client-request-id': ctx.requestId } },
  });
}

/** Validates the batch and turns it into individual requests; throws the batch's 400. */
export function parseBatch(ctx: RequestContext, raw: unknown): { requests: InnerRequest[]; dependsOn: Map<string, string[]> } {
  if (!isRecord(raw) || !Array.isArray(raw.requests)) throw batchError(ctx, 'Invalid batch payload format.');
  const items: unknown[] = raw.requests;
  if (items.length === 0) throw batchError(ctx, 'Invalid batch payload format: the batch has no requests.');
  if (items.length > GRAPH_BATCH_LIMIT) {
    throw batchError(ctx, `The batch has ${items.length} requests; a batch may hold at most ${GRAPH_BATCH_LIMIT}.`);
  }
  const requests: InnerRequest[] = [];
  const dependsOn = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const item of items) {
    if (!isRecord(item)) throw batchError(ctx, 'Invalid batch payload format: a request is not an object.');
    const { id, method, url, headers, body } = item;
    if (typeof id !== 'string' || id === '') throw batchError(ctx, 'Invalid batch payload format: every request needs a string id.');
    if (seen.has(id.toLowerCase())) throw batchError(ctx, `Invalid batch payload format: the id '${id}' is used more than once.`);
    if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) throw batchError(ctx, `Invalid batch payload format: request '${id}' has no valid method.`);
    if (typeof url !== 'string' || url === '') throw batchError(ctx, `Invalid batch payload format: request '${id}' has no url.`);
    // Relative to the version root: "/users" or "users", never an absolute URL or another batch.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) throw batchError(ctx, `Invalid request URL '${url}' in request '${id}': it must be relative to the version root.`);
    if (headers !== undefined && (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string'))) {
      throw batchError(ctx, `Invalid batch payload format: the headers of request '${id}' are not an object of strings.`);
    }
    const lowered: Record<string, string> = {};
    for (const [name, value] of Object.entries((headers ?? {}) as Record<string, string>)) lowered[name.toLowerCase()] = value;
    const upper = method.toUpperCase();
    const write = upper === 'POST' || upper === 'PATCH' || upper === 'PUT';
    if ((body !== undefined || write) && (body === undefined || !lowered['content-type'])) {
      throw batchError(ctx, `Write request id : ${id} does not contain Content-Type header or body.`);
    }
    const deps = item.dependsOn;
    if (deps !== undefined) {
      if (!Array.isArray(deps) || deps.length === 0 || deps.some((d) => typeof d !== 'string')) {
        throw batchError(ctx, `Invalid batch payload format: dependsOn of request '${id}' is not a list of ids.`);
      }
      for (const d of deps as string[]) {
        if (!seen.has(d.toLowerCase())) throw batchError(ctx, `Request '${id}' depends on '${d}', which is not an earlier request of this batch.`);
      }
      dependsOn.set(id.toLowerCase(), (deps as string[]).map((d) => d.toLowerCase()));
    }
    const relative = url.startsWith('/') ? url : `/${url}`;
    const q = relative.indexOf('?');
    const path = q < 0 ? relative : relative.slice(0, q);
    if (/^\/\$batch(\/|$)/i.test(path)) throw batchError(ctx, `Request '${id}' is itself a batch; batches do not nest.`);
    requests.push({
      id, method: upper, path, search: q < 0 ? '' : relative.slice(q), headers: lowered,
      body: body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8'),
    });
    seen.add(id.toLowerCase());
  }
  if (dependsOn.size > 0 && requests.slice(1).some((r) => !dependsOn.has(r.id.toLowerCase()))) {
    throw batchError(ctx, 'Batch should be either fully sequential or fully parallel.');
  }
  return { requests, dependsOn };
}

function failedDependency(id: string, on: string): InnerResponse {
  return {
    status: 424, headers: { 'Content-Type': 'application/json' },
    body: { error: { code: 'FailedDependency', message: `Request '${id}' depends on request '${on}', which failed.` } },
  };
}

/** POST /{version}/$batch: validates, runs the individual requests, answers 200 with their responses. */
export async function handleGraphBatch(ctx: RequestContext, dispatch: InnerDispatch): Promise<void> {
  const raw = parseJson(await ctx.body());
  const { requests, dependsOn } = parseBatch(ctx, raw);
  const results = new Map<string, InnerResponse>();
  if (dependsOn.size === 0) {
    const answers = await Promise.all(requests.map((r) => dispatch(r)));
    requests.forEach((r, i) => results.set(r.id, answers[i]!));
  } else {
    // Sequential: each runs after what it depends on; a failed dependency fails it with 424 without running it.
    const status = new Map<string, number>();
    for (const r of requests) {
      const failed = (dependsOn.get(r.id.toLowerCase()) ?? []).find((d) => (status.get(d) ?? 0) >= 400);
      const answer = failed !== undefined ? failedDependency(r.id, requests.find((x) => x.id.toLowerCase() === failed)?.id ?? failed) : await dispatch(r);
      status.set(r.id.toLowerCase(), answer.status);
      results.set(r.id, answer);
    }
  }
  // Not in request order: Graph makes no promise about the order, and a client must correlate by id.
  const responses = [...requests].reverse().map((r) => {
    const answer = results.get(r.id)!;
    return { id: r.id, status: answer.status, headers: answer.headers, ...(answer.body !== undefined ? { body: answer.body } : {}) };
  });
  sendJson(ctx, 200, { responses }, { 'OData-Version': '4.0' });
}
