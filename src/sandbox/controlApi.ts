// The HTTP face of SandboxControl under /_sandbox/ on the loopback origin, for processes that do not hold the
// Sandbox object: the fake tools, `npm start`, the e2e VS Code. Loopback only; it never returns a secret.
//
//   GET  /_sandbox/health                    {ok, url, tenantId}
//   POST /_sandbox/reset                     back to the seed, no faults, empty log and counters
//   POST /_sandbox/reseed                    body: a seed (see seed.ts); 400 with the validation message if invalid
//   GET  /_sandbox/faults   POST (FaultSpec) -> {id}   DELETE (all)   DELETE /_sandbox/faults/{id}
//   GET  /_sandbox/log      DELETE /_sandbox/log       GET /_sandbox/counters
//   GET  /_sandbox/foreign                   {url, requests, withBearer}: what the second listener (another origin) got
//   GET  /_sandbox/settings PATCH (partial SandboxSettings)
//   GET  /_sandbox/tools/{az|azd|pwsh}   PUT (ToolBehaviour, replaces)   GET /_sandbox/tools/invocations
//   POST /_sandbox/tools/{tool}/invocations   (the fake tools report argv; answers with the tool's behaviour)
//   GET  /_sandbox/device-codes   POST /_sandbox/device-codes/approve {user, userCode?}   POST .../decline {userCode?}
//   POST /_sandbox/users/{key}               {mfaRequired?, password?, conditionalAccessBlocked?}
//   POST /_sandbox/users/{key}/expire-refresh-tokens
//   POST /_sandbox/federated-token           {subject, audience?} -> {token, issuer}
import { z } from 'zod';
import { faultSchema, settingsSchema, toolBehaviourSchema, toolNames, type ToolName } from './control';
import { HttpError, isRecord, parseJson, sendEmpty, sendJson, type RequestContext, type Route } from './http';
import type { SandboxControl } from './server';

function controlError(status: number, message: string): HttpError {
  return new HttpError(status, { error: message });
}

async function jsonBody(ctx: RequestContext): Promise<unknown> {
  const body = await ctx.body();
  if (body.length === 0) return {};
  const parsed = parseJson(body);
  if (parsed === undefined) throw controlError(400, 'body is not JSON');
  return parsed;
}

function validated<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw controlError(400, z.prettifyError(result.error));
  return result.data;
}

function toolName(value: string | undefined): ToolName {
  if (!value || !(toolNames as readonly string[]).includes(value)) throw controlError(404, `unknown tool '${value ?? ''}'`);
  return value as ToolName;
}

const invocationSchema = z.object({ argv: z.array(z.string().max(10_000)).max(200), cwd: z.string().max(4096).default('') });

export function controlRoutes(control: SandboxControl, info: () => { url: string; tenantId: string }): Route<unknown>[] {
  const r = (name: string, method: string, pattern: RegExp, handle: Route<unknown>['handle']): Route<unknown> => ({ name: `control.${name}`, method, pattern, handle });
  return [
    r('health', 'GET', /^\/_sandbox\/health$/, (ctx) => sendJson(ctx, 200, { ok: true, ...info() })),
    r('reset', 'POST', /^\/_sandbox\/reset$/, (ctx) => { control.reset(); sendJson(ctx, 200, { ok: true }); }),
    r('reseed', 'POST', /^\/_sandbox\/reseed$/, async (ctx) => {
      const body = await jsonBody(ctx);
      try {
        control.reseed(body as Parameters<SandboxControl['reseed']>[0]);
      } catch (error) {
        throw controlError(400, error instanceof Error ? error.message : 'invalid seed');
      }
      sendJson(ctx, 200, { ok: true });
    }),
    r('faults', 'GET', /^\/_sandbox\/faults$/, (ctx) => sendJson(ctx, 200, control.faults())),
    r('faults', 'POST', /^\/_sandbox\/faults$/, async (ctx) => sendJson(ctx, 201, { id: control.injectFault(validated(faultSchema, await jsonBody(ctx))) })),
    r('faults', 'DELETE', /^\/_sandbox\/faults$/, (ctx) => { control.clearFaults(); sendEmpty(ctx, 204); }),
    r('faults', 'DELETE', /^\/_sandbox\/faults\/([\w-]+)$/, (ctx, p) => { control.clearFaults(p[0]); sendEmpty(ctx, 204); }),
    r('log', 'GET', /^\/_sandbox\/log$/, (ctx) => sendJson(ctx, 200, control.requestLog())),
    r('log', 'DELETE', /^\/_sandbox\/log$/, (ctx) => { control.clearLog(); sendEmpty(ctx, 204); }),
    r('counters', 'GET', /^\/_sandbox\/counters$/, (ctx) => sendJson(ctx, 200, control.counters())),
    r('foreign', 'GET', /^\/_sandbox\/foreign$/, (ctx) => sendJson(ctx, 200, control.foreign())),
    r('settings', 'GET', /^\/_sandbox\/settings$/, (ctx) => sendJson(ctx, 200, control.settings())),
    r('settings', 'PATCH', /^\/_sandbox\/settings$/, async (ctx) => sendJson(ctx, 200, control.settings(validated(settingsSchema.partial().strict(), await jsonBody(ctx))))),
    r('tools', 'GET', /^\/_sandbox\/tools\/invocations$/, (ctx) => sendJson(ctx, 200, control.toolInvocations())),
    r('tools', 'GET', /^\/_sandbox\/tools\/(\w+)$/, (ctx, p) => sendJson(ctx, 200, control.toolBehaviour(toolName(p[0])))),
    r('tools', 'PUT', /^\/_sandbox\/tools\/(\w+)$/, async (ctx, p) => {
      const tool = toolName(p[0]);
      control.setToolBehaviour(tool, validated(toolBehaviourSchema.strict(), await jsonBody(ctx)));
      sendJson(ctx, 200, control.toolBehaviour(tool));
    }),
    r('tools.invocation', 'POST', /^\/_sandbox\/tools\/(\w+)\/invocations$/, async (ctx, p) => {
      const tool = toolName(p[0]);
      const invocation = validated(invocationSchema, await jsonBody(ctx));
      control.recordToolInvocation(tool, invocation.argv, invocation.cwd);
      sendJson(ctx, 200, control.toolBehaviour(tool));
    }),
    r('deviceCodes', 'GET', /^\/_sandbox\/device-codes$/, (ctx) => sendJson(ctx, 200, control.pendingDeviceCodes())),
    r('deviceCodes', 'POST', /^\/_sandbox\/device-codes\/(approve|decline)$/, async (ctx, p) => {
      const body = validated(z.object({ user: z.string().optional(), userCode: z.string().optional() }), await jsonBody(ctx));
      try {
        const userCode = p[0] === 'approve' ? control.approveDeviceCode(body.user ?? '', body.userCode) : control.declineDeviceCode(body.userCode);
        sendJson(ctx, 200, { userCode });
      } catch (error) {
        throw controlError(404, error instanceof Error ? error.message : 'no device code');
      }
    }),
    r('users', 'POST', /^\/_sandbox\/users\/([\w-]+)$/, async (ctx, p) => {
      const body = validated(z.object({ mfaRequired: z.boolean().optional(), password: z.string().min(1).optional(), conditionalAccessBlocked: z.boolean().optional() }).strict(), await jsonBody(ctx));
      try { control.updateUser(p[0]!, body); } catch (error) { throw controlError(404, error instanceof Error ? error.message : 'unknown user'); }
      sendJson(ctx, 200, { ok: true });
    }),
    r('users', 'POST', /^\/_sandbox\/users\/([\w-]+)\/expire-refresh-tokens$/, (ctx, p) => sendJson(ctx, 200, { expired: control.expireRefreshTokens(p[0]!) })),
    r('federatedToken', 'POST', /^\/_sandbox\/federated-token$/, async (ctx) => {
      const body = await jsonBody(ctx);
      const parsed = validated(z.object({ subject: z.string().min(1).max(500), audience: z.string().max(500).optional() }), isRecord(body) ? body : {});
      sendJson(ctx, 200, await control.federatedToken(parsed.subject, parsed.audience));
    }),
  ];
}
