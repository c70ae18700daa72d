// What a traced run tells: the lines the product's sitecustomize wrote (traceSitecustomize.ts), read back and
// validated (the file is written by the user's program, so it is input like any other), and the rows and log lines
// that show them: which credential served each token request, for which scopes and tenant, as whom (claims only).
import { z } from 'zod';
import { redactSecrets } from '../redact';
import { displayName, markdownText } from '../presentation/chainRows';
import type { RowModel } from '../presentation/snapshotView';

/** Read at most this much of a trace file; a run that requests more tokens than this is summarised by its start. */
export const MAX_TRACE_BYTES = 1024 * 1024;
const SHORT = z.string().max(512);

const Claims = z.object({
  tid: SHORT, oid: SHORT, upn: SHORT, preferred_username: SHORT, unique_name: SHORT, appid: SHORT, azp: SHORT, idtyp: SHORT, aud: SHORT,
}).partial();

const TraceLine = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('start'), time: z.number(), pid: z.number().int() }),
  z.object({
    v: z.literal(1), kind: z.literal('token'), time: z.number(), pid: z.number().int(), chain: SHORT, credential: SHORT,
    scopes: z.array(SHORT.nullable()).max(32), tenant: SHORT.nullable(), claims: Claims.nullable(),
  }),
  z.object({
    v: z.literal(1), kind: z.literal('failed'), time: z.number(), pid: z.number().int(), chain: SHORT,
    scopes: z.array(SHORT.nullable()).max(32), tenant: SHORT.nullable(),
  }),
]);

export type TraceClaims = z.infer<typeof Claims>;

export type TracedRequest =
  | { readonly kind: 'token'; readonly timeMs: number; readonly chain: string; readonly credential: string; readonly scopes: readonly string[]; readonly tenant: string | null; readonly claims: TraceClaims | null }
  | { readonly kind: 'failed'; readonly timeMs: number; readonly chain: string; readonly credential: null; readonly scopes: readonly string[]; readonly tenant: string | null };

export interface Trace {
  /** Python processes that started with the trace (a program that starts others counts each). */
  readonly started: number;
  readonly requests: readonly TracedRequest[];
  /** Lines that were not the sitecustomize's (a program writing into the file, a line cut by a crash). */
  readonly rejectedLines: number;
}

/** Reads a trace file's text; never throws. */
export function readTrace(text: string): Trace {
  let started = 0;
  let rejectedLines = 0;
  const requests: TracedRequest[] = [];
  for (const raw of text.slice(0, MAX_TRACE_BYTES).split('\n')) {
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      rejectedLines++;
      continue;
    }
    const line = TraceLine.safeParse(parsed);
    if (!line.success) {
      rejectedLines++;
      continue;
    }
    const entry = line.data;
    const timeMs = entry.time * 1000;
    if (entry.kind === 'start') started++;
    else if (entry.kind === 'token') {
      requests.push({ kind: 'token', timeMs, chain: entry.chain, credential: entry.credential, scopes: entry.scopes.filter((s): s is string => s !== null), tenant: entry.tenant, claims: entry.claims });
    } else {
      requests.push({ kind: 'failed', timeMs, chain: entry.chain, credential: null, scopes: entry.scopes.filter((s): s is string => s !== null), tenant: entry.tenant });
    }
  }
  return { started, requests, rejectedLines };
}

/** Text from the trace made safe to show: secrets redacted, control characters (terminal escapes) dropped, one line. */
function shown(text: string, knownSecrets: readonly string[]): string {
  // eslint-disable-next-line no-control-regex
  return redactSecrets(text, knownSecrets).replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
}

function who(claims: TraceClaims | null): string | undefined {
  if (!claims) return undefined;
  return claims.upn ?? claims.preferred_username ?? claims.unique_name ?? (claims.appid ?? claims.azp ? `application ${claims.appid ?? claims.azp}` : undefined);
}

/** One request in a line: "AzureCliCredential → alice@contoso · https://storage.azure.com/.default · tenant 1234…". */
export function requestText(request: TracedRequest, knownSecrets: readonly string[] = []): string {
  const scopes = request.scopes.length ? request.scopes.join(' ') : 'no scope';
  const tenant = request.tenant ?? (request.kind === 'token' ? request.claims?.tid : undefined);
  const tenantText = tenant ? ` · tenant ${tenant}${request.tenant ? ' (requested)' : ''}` : '';
  if (request.kind === 'failed') return shown(`${request.chain} found no credential · ${scopes}${tenantText}`, knownSecrets);
  const as = who(request.claims);
  return shown(`${request.credential}${as ? ` → ${as}` : ''} · ${scopes}${tenantText}`, knownSecrets);
}

function timeOfDay(epochMs: number): string {
  const at = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** The traced run, said in one line: what served the tokens, or that nothing did, or that nothing asked. */
export function traceHeadline(trace: Trace, program: string, endedMs: number): string {
  const tokens = trace.requests.filter((r) => r.kind === 'token');
  const failures = trace.requests.length - tokens.length;
  const credentials = [...new Set(tokens.map((r) => displayName(r.credential)))];
  const what = tokens.length
    ? `${tokens.length} token${tokens.length === 1 ? '' : 's'} from ${credentials.join(', ')}${failures ? `, ${failures} failed` : ''}`
    : failures ? `${failures} token request${failures === 1 ? '' : 's'} failed` : trace.started ? 'no token requested through a credential chain' : 'the trace did not start';
  return `Traced run of ${program} at ${timeOfDay(endedMs)}: ${what}`;
}

/** What a request row says after its label: the scopes, the tenant, how often and when. */
function requestDetail(request: TracedRequest, count: number, lastMs: number, knownSecrets: readonly string[]): string {
  const tenant = request.tenant ?? (request.kind === 'token' ? request.claims?.tid : undefined);
  return shown([
    request.scopes.length ? request.scopes.join(' ') : 'no scope',
    ...(tenant ? [`tenant ${tenant}`] : []),
    ...(count > 1 ? [`×${count}`] : []),
    timeOfDay(lastMs),
  ].join(' · '), knownSecrets);
}

/**
 * Rows for the Credential Chain view (a tree 300 pixels wide: the what in the label, the detail after it): a headline
 * with the run's time, then each distinct request (credential and identity; scopes, tenant, how often) with its
 * whole text in the tooltip. Everything from the file is redacted and made inert.
 */
export function traceRows(trace: Trace, program: string, endedMs: number, knownSecrets: readonly string[] = []): RowModel[] {
  const headline = shown(traceHeadline(trace, program, endedMs), knownSecrets);
  const [label, ...detail] = headline.split(': ');
  const head: RowModel = {
    label: shown(`Traced run · ${timeOfDay(endedMs)}`, knownSecrets), description: detail.join(': ').length ? `${shown(program, knownSecrets)} · ${detail.join(': ')}` : '',
    icon: 'pulse', color: undefined,
    tooltip: markdownText(`${label ?? headline}: ${detail.join(': ')}.\nRead from azure-identity's own log while the program ran: claims only, never a token.`),
    links: [], contextValue: 'traceHeadline', click: undefined,
  };
  const groups = new Map<string, { request: TracedRequest; count: number; lastMs: number }>();
  for (const request of trace.requests) {
    const key = requestText(request, knownSecrets);
    const group = groups.get(key);
    if (group) { group.count++; group.lastMs = request.timeMs; } else groups.set(key, { request, count: 1, lastMs: request.timeMs });
  }
  const rows = [...groups.entries()].map(([text, { request, count, lastMs }]): RowModel => {
    const as = request.kind === 'token' ? who(request.claims) : undefined;
    const claims = request.kind === 'token' && request.claims
      ? Object.entries(request.claims).map(([k, v]) => `${k}: ${shown(v ?? '', knownSecrets)}`).join('\n') : 'no claims (not a JWT)';
    return {
      label: request.kind === 'token'
        ? shown(`${displayName(request.credential)}${as ? ` → ${as}` : ''}`, knownSecrets)
        : shown(`${request.chain} found no credential`, knownSecrets),
      description: requestDetail(request, count, lastMs, knownSecrets),
      icon: request.kind === 'token' ? 'key' : 'error',
      color: request.kind === 'token' ? undefined : 'errorForeground',
      tooltip: markdownText(request.kind === 'token'
        ? `${text}\n${shown(request.chain, knownSecrets)} got this token from ${shown(request.credential, knownSecrets)}.\n${claims}`
        : `${text}\n${shown(request.chain, knownSecrets)} found no credential that gives a token for this request.`),
      links: [], contextValue: 'traceRequest', click: undefined,
    };
  });
  return [head, ...rows];
}

/** The output channel's lines for a traced run. */
export function traceLogLines(trace: Trace, program: string, endedMs: number, knownSecrets: readonly string[] = []): string[] {
  return [
    shown(traceHeadline(trace, program, endedMs), knownSecrets),
    ...trace.requests.map((r) => `  ${timeOfDay(r.timeMs)} ${shown(r.chain, knownSecrets)}: ${requestText(r, knownSecrets)}`),
    ...(trace.rejectedLines ? [`  ${trace.rejectedLines} line(s) of the trace file were not the trace's and were ignored.`] : []),
  ];
}
