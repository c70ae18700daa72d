// The question box of "Can … Do …?": one line of text, "<action> on <scope>", where the action is an operation
// ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write") or one of the phrases offered for the
// scope's resource type ("write blobs"), and the scope a name the report lists (resource, resource group,
// subscription) or an id. The text is typed by the developer or pasted from anywhere: it is bounded, never
// evaluated, and only an operation of the expected shape or an offered one, and only a listed or well-formed scope,
// leaves this module. Pure: the quick pick is in the extension, the answer is can.ts's.
import { DATA_SERVICES } from './permissions';
import type { AccessReport } from './types';

/** A scope the question may name. */
export interface QuestionScope {
  readonly name: string;
  readonly scope: string;
  readonly kind: 'subscription' | 'resourceGroup' | 'resource';
  /** For resources: "Microsoft.Storage/storageAccounts". */
  readonly type: string | null;
}

/** An action offered for a scope: the operation and the words that name it. */
export interface OfferedAction {
  readonly action: string;
  readonly phrase: string;
}

export interface Question {
  readonly action: string;
  /** The phrase the developer used, or the operation itself. */
  readonly phrase: string;
  readonly scope: QuestionScope;
}

export type QuestionParse = { readonly ok: true; readonly question: Question } | { readonly ok: false; readonly message: string };

/** Longer than any operation and scope id together: anything longer is not a question. */
export const MAX_QUESTION_LENGTH = 1_000;
/** An ARM operation: a provider namespace, then segments. No wildcard: a question asks about one operation. */
const OPERATION = /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
/** A scope id: a subscription, optionally a resource group and a resource below it (names as ARM allows them). */
const SCOPE_ID = /^\/subscriptions\/[0-9A-Fa-f-]{36}(?:\/resourceGroups\/[-\w.()]{1,90}(?:\/providers\/[A-Za-z][A-Za-z0-9.]*(?:\/[-\w.()]{1,260})+)?)?$/;

/** What "read" and "write" mean for each data service, in the words a developer uses. */
const DATA_NOUNS: Record<(typeof DATA_SERVICES)[number]['key'], { readonly read: string; readonly write: string | null }> = {
  storage: { read: 'read blobs', write: 'write blobs' },
  keyVault: { read: 'read secrets', write: 'write secrets' },
  serviceBus: { read: 'receive messages', write: 'send messages' },
  eventHubs: { read: 'receive events', write: 'send events' },
  cosmosDb: { read: 'read metadata', write: null },
  appConfiguration: { read: 'read key-values', write: 'write key-values' },
};

/**
 * Actions worth offering for a scope: its data plane's read and write and the control plane's read, write and
 * delete for a resource; reading resource groups and assigning roles for a subscription or resource group.
 */
export function offeredActions(type: string | null): OfferedAction[] {
  if (!type) {
    return [
      { action: 'Microsoft.Resources/subscriptions/resourceGroups/read', phrase: 'read resource groups' },
      { action: 'Microsoft.Authorization/roleAssignments/write', phrase: 'assign roles' },
    ];
  }
  const service = DATA_SERVICES.find((s) => s.resourceType.toLowerCase() === type.toLowerCase());
  const offered: OfferedAction[] = [];
  if (service) {
    const nouns = DATA_NOUNS[service.key];
    for (const action of service.write) if (nouns.write) offered.push({ action, phrase: nouns.write });
    for (const action of service.read) offered.push({ action, phrase: nouns.read });
  }
  offered.push({ action: `${type}/read`, phrase: 'read the resource' }, { action: `${type}/write`, phrase: 'change the resource' }, { action: `${type}/delete`, phrase: 'delete the resource' });
  const seen = new Set<string>();
  return offered.filter((o) => !seen.has(o.action.toLowerCase()) && Boolean(seen.add(o.action.toLowerCase())));
}

/** Every scope of the report a question may name: its subscriptions, their resource groups and resources. */
export function questionScopes(report: AccessReport): QuestionScope[] {
  const out = new Map<string, QuestionScope>();
  const add = (s: QuestionScope): void => { if (!out.has(s.scope.toLowerCase())) out.set(s.scope.toLowerCase(), s); };
  for (const sub of report.subscriptions) {
    add({ name: sub.displayName || sub.subscriptionId, scope: `/subscriptions/${sub.subscriptionId}`, kind: 'subscription', type: null });
    const walk = (nodes: typeof sub.scopes): void => {
      for (const n of nodes) {
        if (n.kind === 'resourceGroup') add({ name: n.name, scope: n.scope, kind: 'resourceGroup', type: null });
        else if (n.kind === 'resource') add({ name: n.name, scope: n.scope, kind: 'resource', type: n.resourceType });
        walk(n.children);
      }
    };
    walk(sub.scopes);
    for (const r of sub.resources ?? []) {
      const group = /^(\/subscriptions\/[^/]+\/resourceGroups\/([^/]+))/i.exec(r.id);
      if (group) add({ name: group[2]!, scope: group[1]!, kind: 'resourceGroup', type: null });
      add({ name: r.name, scope: r.id, kind: 'resource', type: r.type });
    }
  }
  return [...out.values()];
}

/** Spaces collapsed, ends trimmed, a trailing "?" dropped. */
function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\s*\?$/, '');
}

/** Where the first " on " (or a final " on") is: it ends the action, whose words never contain it. */
function onAt(line: string): number {
  return / on(?: |$)/i.exec(line)?.index ?? -1;
}

/** The scopes a name or id names: by id (case-insensitive), else by name. */
function scopesNamed(scopes: readonly QuestionScope[], given: string): QuestionScope[] {
  const lower = given.toLowerCase().replace(/\/+$/, '');
  if (lower.startsWith('/')) {
    const listed = scopes.filter((s) => s.scope.toLowerCase() === lower);
    if (listed.length) return listed.slice(0, 1);
    const id = given.replace(/\/+$/, '');
    if (!SCOPE_ID.test(id)) return [];
    // A well-formed id the report does not list (a resource with no role of its own in sight): asked as given.
    const type = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/.exec(id)?.[1] ?? null;
    return [{ name: id.split('/').pop() ?? id, scope: id, kind: type ? 'resource' : /\/resourceGroups\//i.test(id) ? 'resourceGroup' : 'subscription', type }];
  }
  return scopes.filter((s) => s.name.toLowerCase() === lower);
}

/** The action a phrase or operation names for this scope: an operation as written, a phrase from the scope's offer. */
function actionFor(given: string, scope: QuestionScope): OfferedAction | undefined {
  if (OPERATION.test(given)) return { action: given, phrase: given };
  const lower = given.toLowerCase();
  return offeredActions(scope.type).find((o) => o.phrase === lower);
}

/** Is this a phrase of some scope's offer, or an operation? (before the scope is known) */
function knownAction(given: string, scopes: readonly QuestionScope[]): boolean {
  if (OPERATION.test(given)) return true;
  const lower = given.toLowerCase();
  return phrasesOf(scopes).has(lower);
}

function phrasesOf(scopes: readonly QuestionScope[]): Set<string> {
  const types = new Set(scopes.map((s) => s.type?.toLowerCase() ?? null));
  return new Set([...types].flatMap((t) => offeredActions(t).map((o) => o.phrase)));
}

/**
 * Reads "<action> on <scope>": the action an operation or an offered phrase, the scope one listed name or an id.
 * Never throws; every refusal says what would be understood.
 */
export function parseQuestion(text: string, scopes: readonly QuestionScope[]): QuestionParse {
  if (text.length > MAX_QUESTION_LENGTH) return { ok: false, message: `The question is longer than ${MAX_QUESTION_LENGTH} characters.` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(text)) return { ok: false, message: 'The question has control or direction characters: type it again.' };
  const line = normalise(text);
  const at = onAt(line);
  if (at < 0) return { ok: false, message: 'Ask "<action> on <resource>", such as "write blobs on stsandboxapp".' };
  const actionText = line.slice(0, at).trim();
  const scopeText = line.slice(at + 4).trim();
  if (!actionText || !knownAction(actionText, scopes)) {
    return { ok: false, message: 'The action is neither an operation (Microsoft.Provider/…/action) nor one of the offered ones, such as "write blobs".' };
  }
  if (!scopeText) return { ok: false, message: 'Name a resource, resource group or subscription after "on".' };
  const named = scopesNamed(scopes, scopeText);
  if (named.length === 0) return { ok: false, message: 'No resource, resource group or subscription of that name is listed: give its name as the Access view shows it, or its id (/subscriptions/…).' };
  const fitting = named.map((scope) => ({ scope, offered: actionFor(actionText, scope) })).filter((f) => f.offered);
  if (fitting.length === 0) return { ok: false, message: `"${actionText}" is not offered for ${named[0]!.type ?? (named[0]!.kind === 'resourceGroup' ? 'a resource group' : 'a subscription')}: pick one of its actions, or type the operation.` };
  if (fitting.length > 1) return { ok: false, message: `${fitting.length} scopes have that name: give the id of one (${fitting.slice(0, 3).map((f) => f.scope.scope).join(', ')}).` };
  const { scope, offered } = fitting[0]!;
  return { ok: true, question: { action: offered!.action, phrase: offered!.phrase, scope } };
}

/**
 * Questions to offer while the developer types: with an action and " on ", the scopes whose names start with what
 * follows (and that offer the action); with the start of a phrase, that phrase on each scope that offers it. At most
 * `limit`, in the order of the scopes.
 */
export function suggestQuestions(text: string, scopes: readonly QuestionScope[], limit = 50): Question[] {
  if (text.length > MAX_QUESTION_LENGTH) return [];
  const line = normalise(text).toLowerCase();
  if (!line) return [];
  const out: Question[] = [];
  const at = onAt(line);
  const actionText = (at < 0 ? line : line.slice(0, at)).trim();
  const scopeText = at < 0 ? '' : line.slice(at + 4).trim();
  for (const scope of scopes) {
    if (out.length >= limit) break;
    if (at >= 0 && !scope.name.toLowerCase().startsWith(scopeText) && !scope.scope.toLowerCase().startsWith(scopeText)) continue;
    if (at >= 0) {
      const offered = actionFor(actionText, scope);
      if (offered) out.push({ action: offered.action, phrase: offered.phrase, scope });
    } else {
      for (const offered of offeredActions(scope.type)) {
        if (out.length >= limit) break;
        if (offered.phrase.startsWith(actionText) || (actionText.includes('/') && offered.action.toLowerCase().startsWith(actionText))) out.push({ ...offered, scope });
      }
    }
  }
  return out;
}

/** The words of a question as the box shows and reads it back: "write blobs on stsandboxapp". */
export function questionText(question: Question): string {
  return `${question.phrase} on ${question.scope.name}`;
}
