// Which roles to offer first in the role wizard: for each resource in the chosen scope, the narrowest built-in roles
// that grant what a developer's code does with its data, derived from the role definitions' dataActions (never from
// a list of role names), and which roles the assignee already holds there.
import { roleGrants, rolesGranting } from '../access/permissions';
import type { RoleInfo } from '../access/types';
import * as l10n from '@vscode/l10n';

/** What code typically does with a service's data, as data operations; one recommendation per need. */
interface DataNeed {
  readonly why: string;
  readonly operations: readonly string[];
  /** 'complete': the service's full role for that part of its data (its "contributor"); default: the narrowest. */
  readonly prefer?: 'complete';
}

const BLOB = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
const QUEUE = 'Microsoft.Storage/storageAccounts/queueServices/queues/messages';
const SECRETS = 'Microsoft.KeyVault/vaults/secrets';

export const DATA_NEEDS: Readonly<Record<string, readonly DataNeed[]>> = {
  'microsoft.storage/storageaccounts': [
    { get why() { return l10n.t('read, write and delete blobs'); }, operations: [`${BLOB}/read`, `${BLOB}/write`, `${BLOB}/delete`], prefer: 'complete' },
    { get why() { return l10n.t('read blobs'); }, operations: [`${BLOB}/read`] },
    { get why() { return l10n.t('send, read and delete queue messages'); }, operations: [`${QUEUE}/read`, `${QUEUE}/write`, `${QUEUE}/delete`], prefer: 'complete' },
  ],
  'microsoft.keyvault/vaults': [
    { get why() { return l10n.t('read secrets'); }, operations: [`${SECRETS}/getSecret/action`, `${SECRETS}/readMetadata/action`] },
  ],
  'microsoft.servicebus/namespaces': [
    { get why() { return l10n.t('send messages'); }, operations: ['Microsoft.ServiceBus/namespaces/messages/send/action'] },
    { get why() { return l10n.t('receive messages'); }, operations: ['Microsoft.ServiceBus/namespaces/messages/receive/action'] },
  ],
  'microsoft.eventhub/namespaces': [
    { get why() { return l10n.t('send events'); }, operations: ['Microsoft.EventHub/namespaces/messages/send/action'] },
    { get why() { return l10n.t('receive events'); }, operations: ['Microsoft.EventHub/namespaces/messages/receive/action'] },
  ],
  'microsoft.appconfiguration/configurationstores': [
    { get why() { return l10n.t('read configuration'); }, operations: ['Microsoft.AppConfiguration/configurationStores/keyValues/read'] },
  ],
  'microsoft.cognitiveservices/accounts': [
    { get why() { return l10n.t('call Azure OpenAI deployments'); }, operations: ['Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action'] },
    { get why() { return l10n.t('call Cognitive Services APIs'); }, operations: ['Microsoft.CognitiveServices/accounts/TextAnalytics/analyze/action'] },
  ],
};

export interface ScopeResource {
  readonly name: string;
  readonly type: string;
  /** A key vault in access-policy mode (enableRbacAuthorization false): no role reaches its data, so none is recommended. */
  readonly accessPolicies?: boolean;
}

/**
 * The narrowest built-in role that grants every operation of the need, or undefined: no wildcard data actions (not
 * an owner role), then a role about this service alone (every operation in its provider's namespace, not another
 * product's role that happens to touch the same data), then the fewest data operations, then the fewest actions.
 */
export function narrowestRole(roles: readonly RoleInfo[], operations: readonly string[]): RoleInfo | undefined {
  const provider = `${(operations[0] ?? '').split('/')[0]!.toLowerCase()}/`;
  const dataActions = (r: RoleInfo) => r.permissions.flatMap((p) => p.dataActions);
  const wildcard = (r: RoleInfo) => dataActions(r).some((a) => a.endsWith('*'));
  const own = (r: RoleInfo) => r.permissions.every((p) => [...p.actions, ...p.dataActions].every((a) => a.toLowerCase().startsWith(provider)));
  const actions = (r: RoleInfo) => r.permissions.reduce((n, p) => n + p.actions.length, 0);
  return roles
    .filter((r) => r.type === 'BuiltInRole' && operations.every((op) => roleGrants(r, op, true)))
    .sort((a, b) => Number(wildcard(a)) - Number(wildcard(b)) || Number(own(b)) - Number(own(a))
      || dataActions(a).length - dataActions(b).length || actions(a) - actions(b) || a.roleName.localeCompare(b.roleName))[0];
}

/** Role GUID → why it is recommended, in the order the wizard lists them. */
export function recommendedRoles(roles: readonly RoleInfo[], resources: readonly ScopeResource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const resource of resources) {
    if (resource.accessPolicies) continue;
    for (const need of DATA_NEEDS[resource.type.toLowerCase()] ?? []) {
      const role = need.prefer === 'complete' ? rolesGranting(roles, need.operations)[0] : narrowestRole(roles, need.operations);
      if (!role) continue;
      const why = `${need.why} in ${resource.name}`;
      const earlier = out.get(role.guid);
      out.set(role.guid, earlier ? `${earlier}; ${why}` : why);
    }
  }
  return out;
}

/** Is an assignment at `assignmentScope` in effect at `scope` (the same scope or one above it)? */
export function appliesAt(assignmentScope: string, scope: string): boolean {
  const a = assignmentScope.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return a === '' || a === '/' || s === a || s.startsWith(`${a}/`);
}
