// Small HTTP toolkit shared by the sandbox's services: a request context, bounded body reading, and reply helpers.
// The sandbox is a server that tests throw hostile input at, so every body is size-limited and every parse is
// total (returns a value or undefined, never throws out of a handler unexpectedly).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The public face of the sandbox a request arrived at: the loopback origin or an intercepted Microsoft host. */
export type Service = 'entra' | 'arm' | 'graph' | 'mi' | 'control' | 'blob';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path below the service's base (for ARM and Graph: without the `/arm` or `/graph` prefix on loopback). */
  path: string;
  query: URLSearchParams;
  /** `https://host[:port]` as the client addressed us; used for links we hand back (nextLink, endpoints). */
  origin: string;
  /** Base URL of the service as the client addressed it, e.g. `https://127.0.0.1:1234/arm` or `https://management.azure.com`. */
  serviceBase: string;
  /** Where the loopback sandbox lives, whatever host the client used (intercepted hosts point back here). */
  loopbackUrl: string;
  requestId: string;
  /** Filled in by the router for the request log and fault matching. */
  routeName: string;
  /** Redacted request details a handler wants in the request log (form fields of a token request...). */
  details?: Record<string, string>;
  body(): Promise<Buffer>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(readonly status: number, readonly payload: unknown, readonly headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, { error: { code: 'RequestEntityTooLarge', message: 'The request body is too large.' } }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses `application/x-www-form-urlencoded`; returns an empty map for anything unparsable. */
export function parseForm(body: Buffer): URLSearchParams {
  try {
    return new URLSearchParams(body.toString('utf8'));
  } catch {
    return new URLSearchParams();
  }
}

/** Parses JSON; undefined when the body is not JSON (the caller answers with the service's own 400). */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sendJson(ctx: RequestContext, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  ctx.res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-cache',
    ...headers,
  });
  ctx.res.end(body);
}

export function sendEmpty(ctx: RequestContext, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { 'Content-Length': '0', ...headers });
  ctx.res.end();
}

export function sendHtml(ctx: RequestContext, status: number, html: string): void {
  const body = Buffer.from(html, 'utf8');
  ctx.res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length) });
  ctx.res.end(body);
}

export function redirect(ctx: RequestContext, location: string): void {
  ctx.res.writeHead(302, { Location: location, 'Content-Length': '0' });
  ctx.res.end();
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function newRequestId(): string {
  return randomUUID();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isGuid(text: string): boolean {
  return GUID_PATTERN.test(text);
}

/** One route of a sandbox service; `pattern` is matched against RequestContext.path, its groups are `params`. */
export interface Route<R> {
  name: string;
  method: string;
  pattern: RegExp;
  handle(ctx: RequestContext, params: string[], runtime: R): Promise<void> | void;
}
