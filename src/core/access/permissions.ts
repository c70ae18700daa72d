// Azure RBAC permission arithmetic, from role definitions alone: wildcard matching of operations, what a set of
// roles grants (actions minus notActions, per role, then the union), and which data operations a resource type
// needs. Insights are computed here, never from a list of role names.
import type { RoleInfo, RolePermissions } from './types';
import * as l10n from '@vscode/l10n';

/** A role or deny assignment's `permissions` as an SDK returns them, as plain lists (missing lists are empty). */
export function permissionsOf(list: unknown): RolePermissions[] {
  if (!Array.isArray(list)) return [];
  return list.map((p: Record<string, unknown>) => ({
    actions: Array.isArray(p.actions) ? p.actions.map(String) : [],
    notActions: Array.isArray(p.notActions) ? p.notActions.map(String) : [],
    dataActions: Array.isArray(p.dataActions) ? p.dataActions.map(String) : [],
    notDataActions: Array.isArray(p.notDataActions) ? p.notDataActions.map(String) : [],
  }));
}

/** Compiled wildcard patterns: the built-in roles use a few thousand distinct ones. Bounded all the same. */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 10_000;

/** ARM operation patterns: case-insensitive, `*` matches any run of characters (also across `/`). */
export function operationMatches(pattern: string, operation: string): boolean {
  const p = pattern.toLowerCase();
  const o = operation.toLowerCase();
  if (!p.includes('*')) return p === o;
  let regex = compiled.get(p);
  if (!regex) {
    const parts = p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(p, regex = new RegExp(`^${parts.join('.*')}$`));
  }
  return regex.test(o);
}

function grantedBy(permission: RolePermissions, operation: string, data: boolean): boolean {
  const allow = data ? permission.dataActions : permission.actions;
  const except = data ? permission.notDataActions : permission.notActions;
  return allow.some((a) => operationMatches(a, operation)) && !except.some((n) => operationMatches(n, operation));
}

/** Answers per role object: every row and insight of a report asks the same few questions of the same roles. */
const grants = new WeakMap<RoleInfo, Map<string, boolean>>();

/** Does a role grant this (control-plane or data) operation? */
export function roleGrants(role: RoleInfo, operation: string, data: boolean): boolean {
  let answers = grants.get(role);
  if (!answers) grants.set(role, answers = new Map());
  const question = `${data ? 'd' : 'a'}:${operation}`;
  let answer = answers.get(question);
  if (answer === undefined) answers.set(question, answer = role.permissions.some((p) => grantedBy(p, operation, data)));
  return answer;
}

/** Does a deny assignment's permission set deny this operation? */
export function permissionsDeny(permissions: readonly RolePermissions[], operation: string, data: boolean): boolean {
  return permissions.some((p) => grantedBy(p, operation, data));
}

/** A data-plane service the insights know: how its resources are named, managed and used. */
export interface DataService {
  readonly key: 'storage' | 'keyVault' | 'serviceBus' | 'eventHubs' | 'cosmosDb' | 'appConfiguration';
  /** "storage account", in the user's language (looked up when read, so the catalog set at start is the one used). */
  readonly label: string;
  readonly resourceType: string;
  /** Holding this control-plane operation means the identity can manage the resource. */
  readonly manageAction: string;
  /** What "read" and "write" mean for the data, as data operations. */
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** The data a role should reach for a developer: the suggestion must cover these. */
  readonly suggestFor: readonly string[];
  /** Cosmos DB's data plane uses its own role system: no ARM role reaches it. */
  readonly armDataRoles: boolean;
}

const BLOB = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
export const DATA_SERVICES: readonly DataService[] = [
  {
    key: 'storage', get label() { return l10n.t('storage account'); }, resourceType: 'Microsoft.Storage/storageAccounts',
    manageAction: 'Microsoft.Storage/storageAccounts/write',
    read: [`${BLOB}/read`], write: [`${BLOB}/write`],
    suggestFor: [`${BLOB}/read`, `${BLOB}/write`, `${BLOB}/delete`], armDataRoles: true,
  },
  {
    key: 'keyVault', get label() { return l10n.t('key vault'); }, resourceType: 'Microsoft.KeyVault/vaults',
    manageAction: 'Microsoft.KeyVault/vaults/write',
    read: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'], write: ['Microsoft.KeyVault/vaults/secrets/setSecret/action'],
    suggestFor: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'], armDataRoles: true,
  },
  {
    key: 'serviceBus', get label() { return l10n.t('Service Bus namespace'); }, resourceType: 'Microsoft.ServiceBus/namespaces',
    manageAction: 'Microsoft.ServiceBus/namespaces/write',
    read: ['Microsoft.ServiceBus/namespaces/messages/receive/action'], write: ['Microsoft.ServiceBus/namespaces/messages/send/action'],
    suggestFor: ['Microsoft.ServiceBus/namespaces/messages/receive/action', 'Microsoft.ServiceBus/namespaces/messages/send/action'], armDataRoles: true,
  },
  {
    key: 'eventHubs', get label() { return l10n.t('Event Hubs namespace'); }, resourceType: 'Microsoft.EventHub/namespaces',
    manageAction: 'Microsoft.EventHub/namespaces/write',
    read: ['Microsoft.EventHub/namespaces/messages/receive/action'], write: ['Microsoft.EventHub/namespaces/messages/send/action'],
    suggestFor: ['Microsoft.EventHub/namespaces/messages/receive/action', 'Microsoft.EventHub/namespaces/messages/send/action'], armDataRoles: true,
  },
  {
    key: 'cosmosDb', get label() { return l10n.t('Cosmos DB account'); }, resourceType: 'Microsoft.DocumentDB/databaseAccounts',
    manageAction: 'Microsoft.DocumentDB/databaseAccounts/write',
    read: ['Microsoft.DocumentDB/databaseAccounts/readMetadata'], write: [],
    suggestFor: [], armDataRoles: false,
  },
  {
    key: 'appConfiguration', get label() { return l10n.t('App Configuration store'); }, resourceType: 'Microsoft.AppConfiguration/configurationStores',
    manageAction: 'Microsoft.AppConfiguration/configurationStores/write',
    read: ['Microsoft.AppConfiguration/configurationStores/keyValues/read'], write: ['Microsoft.AppConfiguration/configurationStores/keyValues/write'],
    suggestFor: ['Microsoft.AppConfiguration/configurationStores/keyValues/read', 'Microsoft.AppConfiguration/configurationStores/keyValues/write'], armDataRoles: true,
  },
];

export function dataServiceFor(resourceType: string): DataService | undefined {
  return DATA_SERVICES.find((s) => s.resourceType.toLowerCase() === resourceType.toLowerCase());
}

/** The longest common prefix of the operations, cut after a '/': the part of the data plane they belong to. */
function commonPrefix(operations: readonly string[]): string {
  let prefix = operations[0] ?? '';
  for (const op of operations) while (!op.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

/**
 * Built-in roles that grant every one of `operations`, best first for a developer: roles without wildcard data
 * actions (not the owners) first; then roles about this service alone (every operation in its provider's namespace,
 * not a product's role that also deploys or reads authorization); among them the most complete for that part of the
 * data plane (its "contributor", not a role that happens to grant the same few operations); then the narrowest.
 */
/**
 * Roles a person is not meant to hold: a first-party service's own role ("… Service Role") or a preview. They may name
 * an operation literally where the usual role grants it through a wildcard, so they would otherwise rank first.
 */
function forServices(role: RoleInfo): boolean {
  return /\bservice role\b|\(preview\)/i.test(role.roleName);
}

export function rolesGranting(roles: readonly RoleInfo[], operations: readonly string[]): RoleInfo[] {
  if (operations.length === 0) return [];
  const prefix = commonPrefix(operations).toLowerCase();
  const dataActions = (role: RoleInfo): string[] => role.permissions.flatMap((p) => p.dataActions);
  const wildcard = (role: RoleInfo): boolean => dataActions(role).some((a) => a.endsWith('*'));
  const provider = `${prefix.split('/')[0] ?? ''}/`;
  const own = (role: RoleInfo): boolean => role.permissions.every((p) => [...p.actions, ...p.dataActions].every((a) => a.toLowerCase().startsWith(provider)));
  // The pattern that grants: "vaults/secrets/*" is narrower than "vaults/*".
  const specificity = (role: RoleInfo): number => Math.min(...operations.map((op) =>
    Math.max(0, ...dataActions(role).filter((a) => operationMatches(a, op)).map((a) => a.replace(/\*/g, '').length))));
  const coverage = (role: RoleInfo): number => dataActions(role).filter((a) => !a.includes('*') && a.toLowerCase().startsWith(prefix)).length;
  const breadth = (role: RoleInfo): number => role.permissions.reduce((n, p) =>
    n + p.dataActions.reduce((m, a) => m + (a.includes('*') ? 50 : 1), 0) + p.actions.reduce((m, a) => m + (a.includes('*') ? 50 : 1), 0), 0);
  return roles
    .filter((role) => role.type === 'BuiltInRole' && operations.every((op) => roleGrants(role, op, true)))
    .sort((a, b) => Number(forServices(a)) - Number(forServices(b)) || Number(wildcard(a)) - Number(wildcard(b)) || Number(own(b)) - Number(own(a)) || specificity(b) - specificity(a) || coverage(b) - coverage(a) || breadth(a) - breadth(b) || a.roleName.localeCompare(b.roleName));
}
