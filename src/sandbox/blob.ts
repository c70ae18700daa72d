// Blob storage's data plane for the seeded storage accounts, at `https://<account>.blob.core.windows.net` (reached
// through the egress proxy like the other Microsoft hosts): enough for a program to put and get a blob with an
// Entra token, and to be refused as storage refuses. The token must be for https://storage.azure.com; the data
// operation must be granted by a role's dataActions at the account (or above) and not denied; a role assignment with
// an ABAC condition is not evaluated here and grants nothing, so the sandbox refuses at most more than Azure would.
// Answers have storage's shape: XML error bodies, `x-ms-error-code`, and the message as the status line's reason.
import type { RequestContext, Route } from './http';
import { HttpError } from './http';
import type { ArmRuntime } from './armCommon';
import { permissionAllows, type ResourceRecord, type TenantState } from './state';
import { checkBearer } from './tokens';

const STORAGE_AUDIENCES = ['https://storage.azure.com', 'https://storage.azure.com/'];
/** Host names this service answers: an account name (3-24 lowercase letters and digits) under blob.core.windows.net. */
export const BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/;
const BLOB = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';

/** Blobs put during this run, by account/container/name (the body, bounded by the request body limit). */
const blobs = new Map<string, Buffer>();

const MESSAGES: Readonly<Record<string, string>> = {
  AuthorizationPermissionMismatch: 'This request is not authorized to perform this operation using this permission.',
  InvalidAuthenticationInfo: 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
  NoAuthenticationInformation: 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
  ResourceNotFound: 'The specified resource does not exist.',
  BlobNotFound: 'The specified blob does not exist.',
  AccountNotFound: 'The specified account does not exist.',
};

/** Storage's error answer: the reason phrase and the XML body carry the message, the header carries the code. */
function storageError(ctx: RequestContext, status: number, code: string, extraHeaders: Record<string, string> = {}): void {
  const message = `${MESSAGES[code] ?? code}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString().replace('Z', '0000Z')}`;
  const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  ctx.res.writeHead(status, MESSAGES[code] ?? code, {
    'Content-Type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': ctx.requestId, 'x-ms-version': '2025-01-05',
    'Content-Length': String(Buffer.byteLength(body)), ...extraHeaders,
  });
  ctx.res.end(body);
}

function accountNamed(state: TenantState, name: string): ResourceRecord | undefined {
  for (const s of state.subscriptions) {
    for (const rg of s.resourceGroups) {
      const found = rg.resources.find((r) => r.type.toLowerCase() === 'microsoft.storage/storageaccounts' && r.name.toLowerCase() === name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Whether a role assignment without a condition grants the data operation at the account, and no deny assignment takes it. */
function dataAllowed(state: TenantState, principalId: string, dataAction: string, scope: string): boolean {
  const identities = state.identitiesOf(principalId);
  const granted = state.assignmentsApplyingAt(identities, scope).some((a) => {
    if (a.condition) return false;
    const role = state.roleDefinitions.get(a.roleDefinitionName.toLowerCase());
    return role !== undefined && permissionAllows(role.permissions, dataAction, true);
  });
  const denied = state.denyAssignments.some((d) => state.denyAppliesAt(d, scope) && state.denyCovers(d, identities) && permissionAllows(d.permissions, dataAction, true));
  return granted && !denied;
}

async function authorize(ctx: RequestContext, rt: ArmRuntime, account: string, dataAction: string): Promise<boolean> {
  const resource = accountNamed(rt.state, account);
  if (!resource) {
    storageError(ctx, 404, 'AccountNotFound');
    return false;
  }
  const check = await checkBearer(rt.signingKey, ctx.req.headers.authorization, STORAGE_AUDIENCES);
  if (!check.ok) {
    const authorizationUri = `https://login.microsoftonline.com/${rt.state.tenantId}/oauth2/authorize`;
    storageError(ctx, 401, check.reason === 'missing' ? 'NoAuthenticationInformation' : 'InvalidAuthenticationInfo', {
      'WWW-Authenticate': `Bearer authorization_uri=${authorizationUri} resource_id=https://storage.azure.com`,
    });
    return false;
  }
  if (String(check.claims.tid ?? '').toLowerCase() !== rt.state.tenantId.toLowerCase() || !dataAllowed(rt.state, String(check.claims.oid ?? ''), dataAction, resource.id)) {
    storageError(ctx, 403, 'AuthorizationPermissionMismatch');
    return false;
  }
  return true;
}

export function blobRoutes(): Route<ArmRuntime>[] {
  // The account comes from the Host header (set by the router in the path's first segment).
  const path = /^\/([a-z0-9]{3,24})\/([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)\/([^?#]{1,1024})$/;
  return [
    {
      name: 'blob.put', method: 'PUT', pattern: path,
      async handle(ctx, [account, container, name], rt) {
        if (!await authorize(ctx, rt, account!, `${BLOB}/write`)) return;
        if ((ctx.req.headers['x-ms-blob-type'] ?? '').toString() !== 'BlockBlob') throw new HttpError(400, 'MissingRequiredHeader');
        blobs.set(`${account}/${container}/${name}`, await ctx.body());
        ctx.res.writeHead(201, { 'x-ms-request-id': ctx.requestId, 'x-ms-version': '2025-01-05', 'Content-Length': '0' });
        ctx.res.end();
      },
    },
    {
      name: 'blob.get', method: 'GET', pattern: path,
      async handle(ctx, [account, container, name], rt) {
        if (!await authorize(ctx, rt, account!, `${BLOB}/read`)) return;
        const body = blobs.get(`${account}/${container}/${name}`);
        if (!body) { storageError(ctx, 404, 'BlobNotFound'); return; }
        ctx.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length), 'x-ms-blob-type': 'BlockBlob', 'x-ms-request-id': ctx.requestId });
        ctx.res.end(body);
      },
    },
  ];
}
