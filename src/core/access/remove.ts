// Removing one role assignment, as the identity the Access view shows (the active chain source's credential), so the
// removal is allowed or refused by exactly the rights the view computed `canRemove` from.
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { CloudEndpoints } from './clouds';
import { sourceCredential, type SourceCredentialOptions } from './credentials';
import { classifyError } from './load';
import type { AccessProblem } from './types';
import type { CredentialName } from '../chain/types';

export interface RemoveAssignmentOptions extends Omit<SourceCredentialOptions, 'cloud'> {
  readonly source: CredentialName;
  readonly cloud: CloudEndpoints;
  /** The full id: `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
  readonly assignmentId: string;
  readonly signal?: AbortSignal;
}

export type RemoveAssignmentResult =
  | { readonly ok: true; readonly removed: boolean }
  | { readonly ok: false; readonly problem: AccessProblem };

const ASSIGNMENT_ID = /^(\/[^?#]*)?\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/i;

/** Deletes the assignment by id; `removed` is false when Azure no longer had it (a 204). */
export async function removeRoleAssignment(options: RemoveAssignmentOptions): Promise<RemoveAssignmentResult> {
  // The id is put into a URL path: anything but an assignment id (from a row Azure described) is refused here.
  if (!ASSIGNMENT_ID.test(options.assignmentId) || options.assignmentId.includes('..')) {
    return { ok: false, problem: { kind: 'failed', message: `Not a role assignment id: ${options.assignmentId}`, fix: 'Refresh the Access view and try again.' } };
  }
  const made = sourceCredential(options.source, options);
  if (!made.ok) return { ok: false, problem: { kind: 'no-token', message: made.reason, fix: made.fix } };
  const { cloud } = options;
  // deleteById needs no subscription; the client's constructor still wants one.
  const client = new AuthorizationManagementClient(made.credential, '00000000-0000-0000-0000-000000000000', {
    endpoint: cloud.resourceManager,
    credentialScopes: [`${cloud.resourceManagerAudience}/.default`],
  });
  try {
    const deleted = await client.roleAssignments.deleteById(options.assignmentId, { abortSignal: options.signal, requestOptions: { timeout: 30_000 } });
    return { ok: true, removed: Boolean(deleted?.id) };
  } catch (error) {
    return { ok: false, problem: classifyError(error, options.assignmentId.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, ''), 'The role assignment was not removed') };
  }
}
