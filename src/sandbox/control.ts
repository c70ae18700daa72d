// Test control: injected faults, the request log, counters, runtime settings and fake-tool behaviour. The same
// object backs the programmatic `Sandbox.control` and the HTTP control API under /_sandbox/ (see server.ts), so a
// test process, the fake tools and a separate `npm start` process all steer one sandbox the same way.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const faultSchema = z.object({
  /** A route name such as `entra.token` or `arm.roleAssignments.list`, or a path glob such as `/arm/subscriptions/*` (`*` = one segment, `**` = any). */
  route: z.string().min(1).max(500),
  method: z.string().max(10).optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Seconds, sent as Retry-After (with status 429 or 503); up to a million, as a misbehaving server might. */
  retryAfter: z.number().int().min(0).max(1_000_000).optional(),
  /**
   * Rewrite the real answer's next link (ARM nextLink, Graph @odata.nextLink): 'loop' points it at the request
   * itself, 'foreign' at the same path on the sandbox's second listener (another origin, which records whether a
   * bearer token arrived).
   */
  nextLink: z.enum(['loop', 'foreign']).optional(),
  /** Send the real answer's headers and only the first half of its body, then cut the connection. */
  truncate: z.boolean().optional(),
  /** Close the connection without answering. */
  drop: z.boolean().optional(),
  /** Apply to the first N matching requests only (default: every request until cleared). */
  times: z.number().int().min(1).max(1_000_000).optional(),
});
export type FaultSpec = z.infer<typeof faultSchema>;
export interface ActiveFault extends FaultSpec { id: string; remaining: number | null; hits: number }

export const toolNames = ['az', 'azd', 'pwsh'] as const;
export type ToolName = (typeof toolNames)[number];

export const toolModes = ['ok', 'error', 'garbage', 'aadsts', 'hang', 'not-logged-in', 'no-module', 'execution-policy'] as const;
export type ToolMode = (typeof toolModes)[number];

export const toolBehaviourSchema = z.object({
  mode: z.enum(toolModes).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** az: the version the fake pretends to be (below 2.54.0 it omits `expires_on`). */
  version: z.string().regex(/^\d+\.\d+\.\d+$/).optional(),
});
export type ToolBehaviour = z.infer<typeof toolBehaviourSchema>;

export const settingsSchema = z.object({
  accessTokenLifetimeSeconds: z.number().int().min(1).max(86_400),
  deviceCodeIntervalSeconds: z.number().int().min(0).max(60),
  deviceCodeLifetimeSeconds: z.number().int().min(5).max(3600),
  /** When set, device codes are approved as this seeded user on their first poll (no person needed). */
  autoApproveDeviceCodesAs: z.string().nullable(),
  /** When set, the authorize page signs this seeded user in at once instead of showing the account picker. */
  autoSignInAs: z.string().nullable(),
  /**
   * When set (an authentication context such as "p1"), ARM answers a write (PUT, PATCH, POST, DELETE) made with a
   * user token that lacks it in its `acrs` claim with a claims challenge (401, WWW-Authenticate error=
   * "insufficient_claims"), as Azure's mandatory MFA for resource changes and continuous access evaluation do.
   * Signing in again with that claims challenge (az login --claims-challenge …) gives tokens that pass.
   */
  armWritesRequireAcrs: z.string().regex(/^[\w-]{1,32}$/).nullable(),
});
export type SandboxSettings = z.infer<typeof settingsSchema>;

export const defaultSettings: SandboxSettings = {
  accessTokenLifetimeSeconds: 3599,
  deviceCodeIntervalSeconds: 1,
  deviceCodeLifetimeSeconds: 900,
  autoApproveDeviceCodesAs: null,
  autoSignInAs: null,
  armWritesRequireAcrs: null,
};

export interface RequestLogEntry {
  id: string;
  time: string;
  method: string;
  host: string;
  /** Path with secret-bearing query parameters redacted. */
  path: string;
  route: string;
  status: number;
  durationMs: number;
  /** `Bearer ***` when an Authorization header was sent (never its value). */
  authorization?: string;
  /** Redacted form or query details that tests assert on (grant_type, scope, client_id ...). */
  details?: Record<string, string>;
  fault?: string;
  /** Set on an individual request of a Graph $batch: the request id of the batch that carried it. */
  inBatch?: string;
}

export interface ToolInvocation { tool: ToolName; argv: string[]; cwd: string; time: string }

const SECRET_PARAMETERS = new Set([
  'client_secret', 'password', 'code', 'refresh_token', 'assertion', 'client_assertion', 'device_code',
  'code_verifier', 'access_token', 'token', 'id_token', 'secret',
]);

export function redactParameters(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) out[name] = SECRET_PARAMETERS.has(name.toLowerCase()) ? '***' : value.slice(0, 300);
  return out;
}

export function redactPath(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  if (q < 0) return rawUrl;
  const params = new URLSearchParams(rawUrl.slice(q + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAMETERS.has(name.toLowerCase())) params.set(name, '***');
  return `${rawUrl.slice(0, q)}?${params.toString()}`;
}

/** Redacts secrets from a tool's argv (`-p secret`, `--password=secret`, `--client-secret x`). */
export function redactArgv(argv: readonly string[]): string[] {
  const secretFlags = new Set(['-p', '--password', '--client-secret', '--secret', '-password', '--federated-token']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    if (eq > 0 && secretFlags.has(arg.slice(0, eq).toLowerCase())) { out.push(`${arg.slice(0, eq)}=***`); continue; }
    out.push(arg);
    if (secretFlags.has(arg.toLowerCase()) && i + 1 < argv.length) { out.push('***'); i++; }
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  const escape = (literal: string) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  // `**` crosses folders, `*` stays within one.
  const source = glob.split('**').map((part) => part.split('*').map(escape).join('[^/]*')).join('.*');
  return new RegExp(`^${source}$`, 'i');
}

const LOG_LIMIT = 5000;

export class ControlState {
  faults: ActiveFault[] = [];
  log: RequestLogEntry[] = [];
  counters: Record<string, number> = {};
  settings: SandboxSettings = { ...defaultSettings };
  tools: Record<ToolName, ToolBehaviour> = { az: {}, azd: {}, pwsh: {} };
  toolInvocations: ToolInvocation[] = [];
  /** What the second listener (another origin) received: requests, and how many carried a bearer token. */
  foreign = { requests: 0, withBearer: 0 };

  count(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  addFault(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: randomUUID(), remaining: spec.times ?? null, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The first live fault for this request; consumes one of its `times`. */
  takeFault(method: string, routeName: string, canonicalPath: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => (f.remaining === null || f.remaining > 0)
      && (!f.method || f.method.toUpperCase() === method.toUpperCase())
      && (f.route.startsWith('/') ? globToRegExp(f.route).test(canonicalPath) : f.route === routeName));
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    return fault;
  }

  record(entry: Omit<RequestLogEntry, 'id' | 'time'>): void {
    this.log.push({ id: randomUUID(), time: new Date().toISOString(), ...entry });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    this.count(entry.route);
  }

  recordToolInvocation(tool: ToolName, argv: string[], cwd: string): void {
    this.toolInvocations.push({ tool, argv: redactArgv(argv), cwd, time: new Date().toISOString() });
    if (this.toolInvocations.length > LOG_LIMIT) this.toolInvocations.shift();
    this.count(`tool.${tool}`);
  }

  /** Back to a fresh start: no faults, empty log and counters, default settings and tool behaviour. */
  reset(): void {
    this.faults = [];
    this.log = [];
    this.counters = {};
    this.settings = { ...defaultSettings };
    this.tools = { az: {}, azd: {}, pwsh: {} };
    this.toolInvocations = [];
    this.foreign = { requests: 0, withBearer: 0 };
  }
}
