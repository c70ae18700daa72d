// Removing one role assignment, as the identity the Access view shows (the active chain source's credential), so the
// removal is allowed or refused by exactly the rights the view computed `canRemove` from.
import { armClient, azureOperation, scopePath } from '../azure/client';
import { ARM_API } from '../azure/apiVersions';
import { AzureRequestError, classifyAzureError } from '../azure/errors';
import type { NetworkSettings } from '../azure/network';
import type { CloudEndpoints } from './clouds';
import { sourceCredential, tokenClaims, type SourceCredentialOptions } from './credentials';
import type { AccessProblem } from './types';
import type { CredentialName } from '../chain/types';
import * as l10n from '@vscode/l10n';

export interface RemoveAssignmentOptions extends Omit<SourceCredentialOptions, 'cloud'> {
  readonly source: CredentialName;
  readonly cloud: CloudEndpoints;
  /** The full id: `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
  readonly assignmentId: string;
  readonly signal?: AbortSignal;
  readonly network?: NetworkSettings;
  /** The step's deadline (default 60 s). */
  readonly deadlineMs?: number;
}

export type RemoveAssignmentResult =
  | { readonly ok: true; readonly removed: boolean }
  | { readonly ok: false; readonly problem: AccessProblem };

const ASSIGNMENT_ID = /^(\/[^?#]*)?\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/i;

/** Deletes the assignment by id; `removed` is false when Azure no longer had it (a 204). */
export async function removeRoleAssignment(options: RemoveAssignmentOptions): Promise<RemoveAssignmentResult> {
  // The id is put into a URL path: anything but an assignment id (from a row Azure described) is refused here.
  if (!ASSIGNMENT_ID.test(options.assignmentId) || options.assignmentId.includes('..')) {
    return { ok: false, problem: { kind: 'failed', message: l10n.t('Not a role assignment id: {0}', options.assignmentId), fix: l10n.t('Refresh the Access view and try again.') } };
  }
  const made = await sourceCredential(options.source, options);
  if (!made.ok) return { ok: false, problem: { kind: 'no-token', message: made.reason, fix: made.fix } };
  // DELETE by id is idempotent: after a claims challenge and a new sign-in, the same request is simply sent again.
  const arm = armClient({ credential: made.credential, cloud: options.cloud, ...(options.network ? { network: options.network } : {}) });
  try {
    const answer = await arm.send<{ id?: unknown }>(azureOperation(options.deadlineMs ?? 60_000, options.signal), {
      method: 'DELETE', path: scopePath(options.assignmentId), query: { 'api-version': ARM_API.authorization },
    });
    return { ok: true, removed: answer.status === 200 && Boolean(answer.body?.id) };
  } catch (error) {
    // The re-authentication command names the tenant of the token Azure refused (its claims, from the cache).
    const tenantId = error instanceof AzureRequestError && error.kind === 'claims-challenge'
      ? await tokenClaims(made.credential, `${options.cloud.resourceManagerAudience}/.default`).then((c) => c.tenantId, () => null) : null;
    return {
      ok: false,
      problem: classifyAzureError(error, l10n.t('The role assignment was not removed'), {
        scope: options.assignmentId.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, ''),
        source: options.source, tenantId, audience: options.cloud.resourceManagerAudience,
        need: { armAction: l10n.t('remove role assignments'), armRoles: ['Role Based Access Control Administrator', 'User Access Administrator', 'Owner'] },
      }),
    };
  } finally {
    arm.close();
  }
}
