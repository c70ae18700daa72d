// Creating a role assignment the way the wizard must: `PUT …/roleAssignments/{name}` (api-version 2022-04-01) with a
// name derived from scope, principal and role, so a retry or a double click can never create a second assignment;
// `principalType` set, so a group created a moment ago is accepted before it has replicated; PrincipalNotFound
// retried with backoff ("waiting for the new group to replicate"); RoleAssignmentExists (409) counted as success;
// AuthorizationFailed explained with the roles that may assign; a claims challenge (MFA required for writes) explained
// with the tool's re-authentication, after which the same PUT is simply sent again.
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from '../access/clouds';
import { forgetCachedTokens, tokenClaims } from '../access/credentials';
import { ARM_API } from '../azure/apiVersions';
import { armClient, azureOperation, scopePath } from '../azure/client';
import { AzureRequestError, classifyAzureError, type ReauthTool } from '../azure/errors';
import type { NetworkSettings } from '../azure/network';
import * as l10n from '@vscode/l10n';

/** A GUID from scope, principal and role: the same three always give the same assignment name. */
export function assignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
  const guid = (roleDefinitionId.split('/').pop() ?? roleDefinitionId).toLowerCase();
  const hex = createHash('sha256').update(`${scope.toLowerCase().replace(/\/+$/, '')}|${principalId.toLowerCase()}|${guid}`).digest('hex');
  // RFC 4122 layout (version 5 style, variant 10xx), so ARM accepts it as a GUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Roles that may create role assignments (some only with a condition that limits which roles they assign). */
export const ROLES_THAT_ASSIGN = (): string[] => ['Owner', 'User Access Administrator', l10n.t('{0} (possibly with a condition)', 'Role Based Access Control Administrator')];

export type AssignmentOutcome =
  | { readonly kind: 'created'; readonly assignmentId: string }
  | { readonly kind: 'exists'; readonly assignmentId: string };

export class AssignmentError extends Error {
  constructor(readonly kind: 'forbidden' | 'principal-not-found' | 'invalid' | 'claims-challenge' | 'network' | 'failed', message: string) {
    super(message);
    this.name = 'AssignmentError';
  }
}

export interface CreateAssignmentOptions {
  readonly credential: TokenCredential;
  readonly cloud: CloudEndpoints;
  readonly scope: string;
  readonly principalId: string;
  readonly principalType: 'User' | 'Group' | 'ServicePrincipal';
  /** Full id (`/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/{guid}`) or the GUID with a subscription. */
  readonly roleDefinitionId: string;
  readonly signal?: AbortSignal;
  /** Called before each wait for replication, with the seconds it waits. */
  readonly onWaiting?: (seconds: number, attempt: number) => void;
  /** How long to keep retrying PrincipalNotFound (default three minutes). */
  readonly maxWaitMs?: number;
  /** For tests: the waits, in seconds, before the cap. */
  readonly backoffSeconds?: readonly number[];
  /** Whose sign-in the credential is: decides the re-authentication a claims challenge names. */
  readonly tool?: ReauthTool;
  readonly network?: NetworkSettings;
}

function subscriptionOf(scope: string): string {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope);
  if (!match) throw new AssignmentError('invalid', l10n.t('The scope {0} is not in a subscription.', scope));
  return match[1]!;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })); }, { once: true });
  });
}

export async function createRoleAssignment(options: CreateAssignmentOptions): Promise<AssignmentOutcome> {
  const subscriptionId = subscriptionOf(options.scope);
  const arm = armClient({ credential: options.credential, cloud: options.cloud, ...(options.network ? { network: options.network } : {}) });
  const name = assignmentName(options.scope, options.principalId, options.roleDefinitionId);
  const assignmentId = `${options.scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const roleDefinitionId = options.roleDefinitionId.startsWith('/') ? options.roleDefinitionId
    : `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${options.roleDefinitionId}`;
  const waits = options.backoffSeconds ?? [5, 10, 20, 30, 30, 30, 30, 30];
  const maxWaitMs = options.maxWaitMs ?? 3 * 60_000;
  const deadline = Date.now() + maxWaitMs;
  // One step: the waits for replication plus a minute for the requests themselves.
  const operation = azureOperation(maxWaitMs + 60_000, options.signal);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await arm.send(operation, {
          method: 'PUT', path: scopePath(assignmentId), query: { 'api-version': ARM_API.authorization },
          body: { properties: { roleDefinitionId, principalId: options.principalId, principalType: options.principalType } },
        });
        return { kind: 'created', assignmentId };
      } catch (error) {
        const e = error instanceof AzureRequestError ? error : undefined;
        if (e?.status === 409 || e?.code === 'RoleAssignmentExists') return { kind: 'exists', assignmentId };
        if (e?.code === 'AuthorizationFailed' || e?.status === 403) {
          throw new AssignmentError('forbidden', l10n.t('You may not assign roles at {0}. Roles that may: {1}. {2}', options.scope, ROLES_THAT_ASSIGN().join(', '), e?.message ?? '').trim());
        }
        if (e?.code === 'PrincipalNotFound') {
          const wait = waits[Math.min(attempt, waits.length - 1)]!;
          if (Date.now() + wait * 1000 > deadline) {
            throw new AssignmentError('principal-not-found', l10n.t('The principal {0} is still not known to Azure Resource Manager after waiting for replication. Try again in a few minutes.', options.principalId));
          }
          options.onWaiting?.(wait, attempt + 1);
          await sleep(wait * 1000, options.signal);
          continue;
        }
        if (e?.code === 'InvalidRoleDefinitionId') throw new AssignmentError('invalid', e.message);
        if (e?.kind === 'claims-challenge') {
          // The kept token is the one Azure refused: the retry after the new sign-in must fetch a fresh one.
          forgetCachedTokens(options.credential);
          const tenantId = await tokenClaims(options.credential, `${options.cloud.resourceManagerAudience}/.default`).then((c) => c.tenantId, () => null).finally(() => forgetCachedTokens(options.credential));
          const problem = classifyAzureError(e, l10n.t('The role was not assigned'), { tool: options.tool ?? 'other', tenantId, audience: options.cloud.resourceManagerAudience });
          throw new AssignmentError('claims-challenge', l10n.t('{0} {1} Then assign again: the same assignment is requested, never a second one.', problem.message, problem.fix));
        }
        const problem = classifyAzureError(error, l10n.t('The role was not assigned'));
        throw new AssignmentError(problem.kind === 'network' || problem.kind === 'timeout' ? 'network' : 'failed', problem.message);
      }
    }
  } finally {
    arm.close();
  }
}
