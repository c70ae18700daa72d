// The one message protocol between the wizard panels and the extension, imported by both sides. Every message is
// checked against these schemas on arrival (a webview is a browser page; the extension host treats what it sends
// like any other untrusted input, and the webview treats what it receives the same way). A message that does not
// parse is dropped and logged by its type only, never by its content.
import { z } from 'zod';

const text = (max = 2_000) => z.string().max(max);
const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
const scope = z.string().max(1_000).regex(/^\/subscriptions\/[0-9a-fA-F-]{36}(\/[^\s]*)?$/);

export const WIZARDS = ['group', 'role'] as const;
export type WizardKind = (typeof WIZARDS)[number];

export const principalTypeSchema = z.enum(['User', 'Group', 'ServicePrincipal']);
export type PrincipalType = z.infer<typeof principalTypeSchema>;

export const userSchema = z.object({ id: guid, displayName: text(256), userPrincipalName: text(256).nullable() });
export type WizardUser = z.infer<typeof userSchema>;

export const groupSchema = z.object({ id: guid, displayName: text(256), description: text(1_024).nullable() });
export type WizardGroup = z.infer<typeof groupSchema>;

export const principalSchema = z.object({ id: guid, type: principalTypeSchema, displayName: text(256), detail: text(256) });
export type WizardPrincipal = z.infer<typeof principalSchema>;

export const memberResultSchema = z.object({
  id: guid, displayName: text(256), outcome: z.enum(['added', 'already-member', 'failed']), reason: text().optional(),
});
export type WizardMemberResult = z.infer<typeof memberResultSchema>;

export const scopeItemSchema = z.object({ scope, name: text(256), kind: z.enum(['subscription', 'resourceGroup', 'resource']), type: text(256).optional() });
export type ScopeItem = z.infer<typeof scopeItemSchema>;

export const roleItemSchema = z.object({
  id: z.string().max(400), guid, roleName: text(256), description: text(2_000), custom: z.boolean(),
  /** Why it is recommended for the chosen scope ("read and write blobs in stsandboxapp"); absent for the rest. */
  recommendedFor: text(500).optional(),
  held: z.boolean(),
});
export type RoleItem = z.infer<typeof roleItemSchema>;

/** Who the wizard acts as: the developer signed in to az, azd or Azure PowerShell. */
export const actorSchema = z.object({ tool: text(64), user: principalSchema });
export type Actor = z.infer<typeof actorSchema>;

/** What the panel opens with (from the command's arguments: an Access view row, the group wizard's result). */
export const initSchema = z.discriminatedUnion('wizard', [
  z.object({ wizard: z.literal('group'), folderName: text(256) }),
  z.object({ wizard: z.literal('role'), assignee: principalSchema.optional(), scope: scope.optional() }),
]);
export type WizardInit = z.infer<typeof initSchema>;

// ---------- requests (webview → extension) and their results ----------

export const requestSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('whoAmI') }),
  z.object({ method: z.literal('findGroups'), name: text(256) }),
  z.object({ method: z.literal('searchGroups'), prefix: text(256) }),
  z.object({ method: z.literal('searchUsers'), prefix: text(256), nextLink: z.string().max(4_000).optional() }),
  z.object({ method: z.literal('searchServicePrincipals'), query: text(256) }),
  z.object({ method: z.literal('createGroup'), name: text(256), mailNickname: text(64), description: text(1_024) }),
  z.object({ method: z.literal('addMembers'), groupId: guid, members: z.array(userSchema).max(200) }),
  z.object({ method: z.literal('listScopes'), parent: scope.optional() }),
  z.object({ method: z.literal('listRoles'), scope, principalId: guid }),
  z.object({ method: z.literal('assignRole'), scope, principal: principalSchema, roleId: z.string().max(400), roleName: text(256) }),
  z.object({ method: z.literal('copy'), text: text(20_000), what: text(100) }),
  z.object({ method: z.literal('openRoleWizard'), assignee: principalSchema }),
  z.object({ method: z.literal('signIn') }),
]);
export type WizardRequest = z.infer<typeof requestSchema>;
export type Method = WizardRequest['method'];

export const resultSchemas = {
  whoAmI: z.object({ actor: actorSchema.nullable(), problem: z.object({ kind: z.enum(['vscode-only', 'no-sign-in', 'failed']), message: text() }).nullable() }),
  findGroups: z.object({ groups: z.array(groupSchema).max(50) }),
  searchGroups: z.object({ groups: z.array(groupSchema).max(50) }),
  searchUsers: z.object({ users: z.array(userSchema).max(100), nextLink: z.string().max(4_000).nullable() }),
  searchServicePrincipals: z.object({ principals: z.array(principalSchema).max(50) }),
  createGroup: z.object({ group: groupSchema }),
  addMembers: z.object({ results: z.array(memberResultSchema).max(200) }),
  listScopes: z.object({ items: z.array(scopeItemSchema).max(2_000), preselect: scope.nullable() }),
  listRoles: z.object({ roles: z.array(roleItemSchema).max(3_000) }),
  assignRole: z.object({ outcome: z.enum(['created', 'exists']), assignmentId: z.string().max(1_000) }),
  copy: z.object({}),
  openRoleWizard: z.object({}),
  signIn: z.object({}),
} satisfies Record<Method, z.ZodType>;
export type ResultOf<M extends Method> = z.infer<(typeof resultSchemas)[M]>;

/** Why a request failed, in a sentence, with what the developer can do. */
export const failureSchema = z.object({
  kind: z.enum(['forbidden', 'not-preauthorized', 'no-sign-in', 'invalid', 'network', 'principal-not-found', 'failed']),
  message: text(4_000),
});
export type WizardFailure = z.infer<typeof failureSchema>;

// ---------- the envelopes ----------

export const toExtensionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('request'), id: z.number().int().nonnegative(), request: requestSchema }),
]);
export type ToExtension = z.infer<typeof toExtensionSchema>;

export const eventSchema = z.discriminatedUnion('event', [
  /** A role assignment waits for a new principal to replicate (PrincipalNotFound). */
  z.object({ event: z.literal('waiting'), requestId: z.number().int(), seconds: z.number(), attempt: z.number().int() }),
]);
export type WizardEvent = z.infer<typeof eventSchema>;

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), init: initSchema }),
  // One response shape: `result` when ok, `error` when not (a discriminated union needs one object per type).
  z.object({ type: z.literal('response'), id: z.number().int(), method: z.string().max(40), ok: z.boolean(), result: z.unknown().optional(), error: failureSchema.optional() })
    .refine((r) => (r.ok ? r.error === undefined : r.error !== undefined)),
  z.object({ type: z.literal('event'), event: eventSchema }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

/** The type of a rejected message, for the log: never its content. */
export function describeRejected(message: unknown): string {
  if (message && typeof message === 'object' && typeof (message as { type?: unknown }).type === 'string') {
    const type = (message as { type: string }).type;
    return /^[a-z]{1,20}$/i.test(type) ? `a "${type}" message` : 'a message of an unknown type';
  }
  return 'a message that is not an object with a type';
}

/** Parses a result for `method`; undefined when it does not match its schema. */
export function parseResult<M extends Method>(method: M, result: unknown): ResultOf<M> | undefined {
  const parsed = resultSchemas[method].safeParse(result);
  return parsed.success ? (parsed.data as ResultOf<M>) : undefined;
}
