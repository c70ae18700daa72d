// The one message protocol between the wizard panels and the extension, imported by both sides. Every message is
// checked against these schemas on arrival (a webview is a browser page; the extension host treats what it sends
// like any other untrusted input, and the webview treats what it receives the same way). A message that does not
// parse is dropped and logged by its type only, never by its content.
import { z } from 'zod';
import { ALL_CREDENTIALS } from '../core/chain/types';
import { CLOUD_NAMES, SIGN_IN_METHODS, SIGN_IN_TOOLS, tenantProblem, usernameProblem } from '../core/signin/signInPageCommands';

const text = (max = 2_000) => z.string().max(max);
const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
const scope = z.string().max(1_000).regex(/^\/subscriptions\/[0-9a-fA-F-]{36}(\/[^\s]*)?$/);

export const WIZARDS = ['group', 'role', 'signIn'] as const;
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
  /** The failure was a refusal (not an owner, no directory role): retrying will not help, an administrator can. */
  forbidden: z.boolean().optional(),
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

// ---------- the sign-in page ----------

export const credentialSchema = z.enum(ALL_CREDENTIALS);
export const signInToolSchema = z.enum(SIGN_IN_TOOLS);
export const signInMethodSchema = z.enum(SIGN_IN_METHODS);
export const cloudNameSchema = z.enum(CLOUD_NAMES);
/** A tenant id or domain: the same check the page shows while the developer types. */
const tenantSchema = z.string().max(253).refine((t) => t.trim() !== '' && tenantProblem(t) === null);
const usernameSchema = z.string().max(256).refine((u) => usernameProblem(u) === null);

const reachSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('active') }),
  z.object({ kind: z.literal('tried') }),
  z.object({ kind: z.literal('stops') }),
  z.object({ kind: z.literal('earlier-wins'), winner: credentialSchema, winnerLabel: text(100), winnerHasToken: z.boolean() }),
  z.object({ kind: z.literal('excluded'), reason: text() }),
  z.object({ kind: z.literal('not-in-version'), since: text(20).nullable() }),
  z.object({ kind: z.literal('unknown') }),
]);

const signInStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed-in'), who: text(300).nullable(), tenantId: text(100).nullable() }),
  z.object({ kind: z.literal('signed-out'), message: text() }),
  z.object({ kind: z.literal('not-installed'), message: text() }),
  z.object({ kind: z.literal('error'), message: text() }),
  z.object({ kind: z.literal('unknown') }),
]);

export const signInRowSchema = z.object({
  credential: credentialSchema, label: text(100), kind: z.enum(['environment', 'sharedCache', 'vscode', 'tool', 'browser', 'broker']),
  position: z.number().int().positive().nullable(), tool: signInToolSchema.nullable(), installed: z.boolean().nullable(),
  signIn: signInStateSchema, reach: reachSchema,
});
export type SignInRowMessage = z.infer<typeof signInRowSchema>;

/** The chain as the sign-in page shows it (see core/signin/signInPage.ts): never a token, only claims and messages. */
export const signInPageSchema = z.object({
  phase: z.enum(['idle', 'probing', 'ready', 'failed']),
  stale: z.boolean(),
  checkedAt: z.number().nullable(),
  headline: text(),
  azureIdentity: z.object({ version: text(40).nullable(), rules: text(100) }),
  interpreter: text(1_000).nullable(),
  trusted: z.boolean(),
  active: z.object({ credential: credentialSchema, label: text(100), who: text(300).nullable(), tenantId: text(100).nullable(), objectId: text(100).nullable() }).nullable(),
  roles: z.enum(['some', 'none', 'unknown']),
  rows: z.array(signInRowSchema).max(20),
  vscode: z.object({
    implementation: z.enum(['azure-resources', 'azure-account']), azureResourcesSince: text(20), azureResourcesInstalled: z.boolean(), brokerInstalled: z.boolean().nullable(),
  }),
  clouds: z.array(z.object({ name: cloudNameSchema, label: text(100), authorityHost: z.string().max(300).regex(/^https:\/\/[^\s]+$/) })).max(3),
  azCloud: text(100),
  customCloud: z.object({ label: text(100), authorityHost: z.string().max(300).regex(/^https:\/\/[^\s]+$/) }).nullable(),
  knownTenants: z.array(z.object({ id: guid, name: text(256).nullable(), domain: text(253).nullable() })).max(50),
});
export type SignInPageMessage = z.infer<typeof signInPageSchema>;

/** What a failed sign-in means (core/signin/signInFailures.ts). */
export const signInFailureSchema = z.object({
  code: text(20).nullable(), title: text(200), meaning: text(), fix: text(), retryWith: z.enum(['device-code', 'browser']).nullable(), detail: text().nullable(),
});
export type SignInFailureMessage = z.infer<typeof signInFailureSchema>;

/** One sign-in run from the page: running, or how it ended. The device code is shown while it runs and never kept. */
export const signInRunSchema = z.object({
  runId: z.number().int().positive(),
  tool: signInToolSchema,
  method: signInMethodSchema,
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  /** The tool asks for input in its terminal (the password). */
  waitingForInput: z.boolean(),
  exitCode: z.number().int().nullable(),
  failure: signInFailureSchema.nullable(),
  deviceCode: z.object({ code: z.string().regex(/^[A-Za-z0-9-]{4,20}$/), url: z.string().max(300).regex(/^https:\/\/[^\s]+$/).nullable() }).nullable(),
  /** When it ended (the extension host's clock, like the page's checkedAt); null while it runs. */
  finishedAt: z.number().nullable(),
});
export type SignInRunMessage = z.infer<typeof signInRunSchema>;

/** Commands of the extension the sign-in page may run, by name: the page never names a command id itself. */
export const PAGE_COMMANDS = [
  'openAccessView', 'showChain', 'createLocalDevGroup', 'assignRole', 'excludeSource', 'pinSource', 'openSettings', 'switchInterpreter',
  'showAzureResources', 'manageTrust',
] as const;
export type PageCommand = (typeof PAGE_COMMANDS)[number];

/** What the panel opens with (from the command's arguments: an Access view row, the group wizard's result). */
export const initSchema = z.discriminatedUnion('wizard', [
  z.object({ wizard: z.literal('group'), folderName: text(256) }),
  /** `roleName`: the role to preselect once the roles load (an explained 403's data role, Can … Do …?'s suggestion), found by its exact name. */
  z.object({ wizard: z.literal('role'), assignee: principalSchema.optional(), scope: scope.optional(), roleName: text(256).optional() }),
  /**
   * `focus`: where the page starts: a source's row (a chain row's "Sign In with This Source") or the section of the
   * service principal for local development (its own command).
   */
  z.object({
    wizard: z.literal('signIn'), folderName: text(256), focus: z.union([credentialSchema, z.literal('servicePrincipal')]).optional(),
    /** Where the code runs when not on the developer's machine: device code is then every tool's default method. */
    remote: z.object({ kind: z.enum(['devContainer', 'codespaces', 'wsl', 'ssh']), label: text(64), evidence: text(256) }).optional(),
  }),
]);
export type WizardInit = z.infer<typeof initSchema>;

// ---------- the service principal for local development ----------

/** The longest a client secret made here may live: two years, the longest the Entra portal offers. */
export const MAX_SECRET_DAYS = 730;
const DAY_MS = 86_400_000;

/** A time's date in UTC as YYYY-MM-DD: the page and the extension count days the same way. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The date `days` days after today (UTC). */
export function daysFromToday(days: number, now = Date.now()): string {
  return utcDate(now + days * DAY_MS);
}

/** Why `date` (YYYY-MM-DD) cannot end a client secret, or null: it must be after today and at most two years away. */
export function secretEndDateProblem(date: string, now = Date.now()): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'Choose the date the secret ends.';
  const time = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(time) || utcDate(time) !== date) return `${date} is not a date.`;
  if (date <= utcDate(now)) return 'The secret must end after today.';
  if (date > daysFromToday(MAX_SECRET_DAYS, now)) return 'A secret may last at most two years: choose an earlier date.';
  return null;
}

export const LOCAL_DEV_APP_NAME_MAX = 120;

/** Why a display name cannot name the app registration, or null (the extension checks it again before Graph sees it). */
export function localDevNameProblem(name: string): string | null {
  if (!name.trim()) return 'The name is required.';
  if (name.length > LOCAL_DEV_APP_NAME_MAX) return `The name may have at most ${LOCAL_DEV_APP_NAME_MAX} characters.`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) return 'The name may not contain control characters or line breaks.';
  }
  return null;
}

const secretEndDateSchema = z.string().max(10).refine((d) => secretEndDateProblem(d) === null);
const localDevNameSchema = z.string().max(LOCAL_DEV_APP_NAME_MAX).refine((n) => localDevNameProblem(n) === null);

/** A service principal made here and remembered for the workspace folder: ids, names and dates, never its secret. */
export const localDevAppSchema = z.object({
  appObjectId: guid, appId: guid, servicePrincipalId: guid.nullable(), displayName: text(256), keyId: guid, secretEndDateTime: text(64), tenantId: text(253),
});
export type LocalDevAppMessage = z.infer<typeof localDevAppSchema>;

/** What a write of `.env` did: the file, the variable names (never a value) and what git does with the file. */
export const envWriteSchema = z.object({
  file: text(1_000),
  created: z.boolean(),
  keys: z.array(z.enum(['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET'])).max(3),
  /**
   * ignored: git already ignored it; ignored-now: added to .gitignore; tracked: git tracks it (a commit would publish
   * it); not-ignored: .gitignore could not be updated; no-repository: not in a git work tree (or no git).
   */
  git: z.enum(['ignored', 'ignored-now', 'tracked', 'not-ignored', 'no-repository']),
});
export type EnvWriteMessage = z.infer<typeof envWriteSchema>;

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
  /** The Access view shows this principal's access (a wizard's result offers it). */
  z.object({ method: z.literal('checkAccessFor'), principal: principalSchema }),
  z.object({ method: z.literal('signIn') }),
  z.object({ method: z.literal('signInPage') }),
  z.object({
    method: z.literal('startSignIn'), tool: signInToolSchema, signInMethod: signInMethodSchema, tenant: tenantSchema.nullable(), cloud: cloudNameSchema,
    username: usernameSchema.nullable(),
  }),
  z.object({ method: z.literal('cancelSignIn'), runId: z.number().int().positive() }),
  z.object({ method: z.literal('openDeviceLogin'), runId: z.number().int().positive() }),
  z.object({ method: z.literal('vscodeSignIn') }),
  z.object({ method: z.literal('installBroker') }),
  z.object({ method: z.literal('runCommand'), command: z.enum(PAGE_COMMANDS), credential: credentialSchema.optional() }),
  z.object({ method: z.literal('spState') }),
  z.object({ method: z.literal('createLocalDevApp'), displayName: localDevNameSchema, secretEndDate: secretEndDateSchema, groupId: guid.nullable() }),
  // No secret field: the extension asks for the secret itself, in VS Code's password input.
  z.object({ method: z.literal('useExistingServicePrincipal'), clientId: guid, tenant: tenantSchema }),
  z.object({ method: z.literal('rotateLocalDevSecret'), appObjectId: guid, secretEndDate: secretEndDateSchema }),
  z.object({ method: z.literal('deleteLocalDevApp'), appObjectId: guid }),
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
  listRoles: z.object({
    roles: z.array(roleItemSchema).max(3_000),
    /** Key vaults in the scope that use access policies: no role reaches their data, so the page offers set-policy. */
    accessPolicyVaults: z.array(z.object({ scope, name: text(256), resourceGroup: text(256).nullable() })).max(20),
  }),
  assignRole: z.object({ outcome: z.enum(['created', 'exists']), assignmentId: z.string().max(1_000) }),
  copy: z.object({}),
  openRoleWizard: z.object({}),
  checkAccessFor: z.object({}),
  signIn: z.object({}),
  signInPage: z.object({ page: signInPageSchema, run: signInRunSchema.nullable() }),
  startSignIn: z.object({ run: signInRunSchema }),
  cancelSignIn: z.object({}),
  openDeviceLogin: z.object({}),
  vscodeSignIn: z.object({}),
  installBroker: z.object({}),
  runCommand: z.object({}),
  spState: z.object({
    folderName: text(256).nullable(),
    trusted: z.boolean(),
    actor: actorSchema.nullable(),
    problem: z.object({ kind: z.enum(['vscode-only', 'no-sign-in', 'failed']), message: text() }).nullable(),
    defaultName: text(LOCAL_DEV_APP_NAME_MAX).nullable(),
    /** The tenant of the developer's sign-in (AZURE_TENANT_ID of a service principal made here). */
    tenantId: text(100).nullable(),
    /** The folder's local-development group, when it exists: a new service principal may join it. */
    group: groupSchema.nullable(),
    remembered: localDevAppSchema.nullable(),
    /** Whom the folder's .env names in AZURE_CLIENT_ID: the remembered app, another, none, or unknown (unreadable, untrusted). */
    envClient: z.enum(['remembered', 'other', 'none', 'unknown']),
  }),
  createLocalDevApp: z.object({
    app: localDevAppSchema,
    /** null: the developer declined replacing .env's values, so the secret was not written anywhere. */
    env: envWriteSchema.nullable(),
    membership: z.object({ group: groupSchema, outcome: z.enum(['added', 'already-member', 'failed']), reason: text().nullable() }).nullable(),
  }),
  useExistingServicePrincipal: z.object({ outcome: z.enum(['written', 'cancelled']), env: envWriteSchema.nullable() }),
  rotateLocalDevSecret: z.object({
    outcome: z.enum(['rotated', 'declined']), app: localDevAppSchema.nullable(), env: envWriteSchema.nullable(),
    oldSecretRemoved: z.boolean(), removalProblem: text().nullable(),
  }),
  deleteLocalDevApp: z.object({
    outcome: z.enum(['deleted', 'not-found', 'declined']),
    /** removed: its three lines left .env; other-app: .env names another app and was left alone. */
    env: z.enum(['removed', 'other-app', 'no-file', 'failed', 'untouched']),
    envProblem: text().nullable(),
  }),
} satisfies Record<Method, z.ZodType>;
export type ResultOf<M extends Method> = z.infer<(typeof resultSchemas)[M]>;

/** Why a request failed, in a sentence, with what the developer can do. */
export const failureSchema = z.object({
  kind: z.enum(['forbidden', 'not-preauthorized', 'no-sign-in', 'invalid', 'network', 'principal-not-found', 'claims-challenge', 'failed']),
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
  /** The chain's report changed (a sign-in tool wrote its files, .env changed, …): the sign-in page shows the new state. */
  z.object({ event: z.literal('chain'), page: signInPageSchema }),
  /** A sign-in run started from the page progressed or ended. */
  z.object({ event: z.literal('signInRun'), run: signInRunSchema }),
]);
export type WizardEvent = z.infer<typeof eventSchema>;

/**
 * The translations of the page's texts in VS Code's display language (`vscode.l10n.bundle`: English message to its
 * translation); absent in English. Bounded like every other text from the other side.
 */
export const l10nBundleSchema = z.record(z.string().max(4_000), z.string().max(8_000)).refine((bundle) => Object.keys(bundle).length <= 5_000);
export type L10nBundle = z.infer<typeof l10nBundleSchema>;

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), init: initSchema, l10n: l10nBundleSchema.optional() }),
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
