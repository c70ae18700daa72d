// The JSON auth file that AZURE_AUTH_LOCATION names: the old `get_client_from_auth_file` format that
// `az ad sp create-for-rbac --sdk-auth` wrote. DefaultAzureCredential ignores it, so the chain view offers to move its
// client id, tenant and secret into `.env`. The file holds a secret and its path decides what is read: it is read
// only when the variable comes from the process environment (the user's own shell), never when a workspace `.env`
// (which a cloned repository controls) names it. The file itself is never modified.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import * as l10n from '@vscode/l10n';

export type AuthFileOrigin = 'process' | 'dotenv';

export type AuthFileResult =
  | { readonly ok: true; readonly clientId: string; readonly tenantId: string; readonly clientSecret: string; readonly subscriptionId: string | null; readonly authorityHost: string | null }
  | { readonly ok: false; readonly reason: string };

export const AUTH_FILE_MAX_BYTES = 64 * 1024;

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const httpsUrl = z.string().max(2048).refine((value) => {
  try { return new URL(value).protocol === 'https:'; } catch { return false; }
});

/** The fields this format has; unknown fields are ignored (zod drops them), endpoint fields are optional. */
const authFileSchema = z.object({
  clientId: guid,
  clientSecret: z.string().min(1).max(1024),
  tenantId: z.union([guid, z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/)]),
  subscriptionId: guid.optional(),
  activeDirectoryEndpointUrl: httpsUrl.optional(),
  resourceManagerEndpointUrl: httpsUrl.optional(),
  activeDirectoryGraphResourceId: httpsUrl.optional(),
  sqlManagementEndpointUrl: z.string().max(2048).optional(),
  galleryEndpointUrl: z.string().max(2048).optional(),
  managementEndpointUrl: z.string().max(2048).optional(),
});

const FIELD_PROBLEMS: Record<string, string> = {
  get clientId() { return l10n.t('clientId is missing or not a GUID'); },
  get clientSecret() { return l10n.t('clientSecret is missing or empty'); },
  get tenantId() { return l10n.t('tenantId is missing or not a tenant id'); },
  get subscriptionId() { return l10n.t('subscriptionId is not a GUID'); },
  get activeDirectoryEndpointUrl() { return l10n.t('activeDirectoryEndpointUrl is not an https URL'); },
  get resourceManagerEndpointUrl() { return l10n.t('resourceManagerEndpointUrl is not an https URL'); },
  get activeDirectoryGraphResourceId() { return l10n.t('activeDirectoryGraphResourceId is not an https URL'); },
};

/**
 * The credential in an auth file's text. Reasons name fields, never values: neither zod's nor JSON.parse's own
 * messages are passed on, since they can quote the text (and so the secret).
 */
export function parseAuthFile(text: string): AuthFileResult {
  if (text.length > AUTH_FILE_MAX_BYTES) return { ok: false, reason: l10n.t('The auth file is larger than 64 KB.') };
  let json: unknown;
  try {
    // The format's writers on Windows may start it with a byte-order mark.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, reason: l10n.t('The auth file is not valid JSON.') };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { ok: false, reason: l10n.t('The auth file is not a JSON object.') };
  const parsed = authFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))];
    return { ok: false, reason: l10n.t('The auth file is unusable: {0}.', fields.map((f) => FIELD_PROBLEMS[f] ?? l10n.t('{0} is invalid', f)).join('; ')) };
  }
  const data = parsed.data;
  return {
    ok: true, clientId: data.clientId, tenantId: data.tenantId, clientSecret: data.clientSecret,
    subscriptionId: data.subscriptionId ?? null, authorityHost: data.activeDirectoryEndpointUrl?.replace(/\/+$/, '') ?? null,
  };
}

export interface ReadAuthFileOptions {
  /** Where the variable came from: only 'process' is read. */
  readonly origin: AuthFileOrigin;
  /** The app's working directory, for a relative path (the format allows one). */
  readonly cwd?: string;
}

/**
 * Reads the auth file `location` names. Refuses a location from a workspace `.env` without touching the file system,
 * a path that is not a regular file (a FIFO would block, a device never ends) and a file over 64 KB.
 */
export async function readAuthFile(location: string, options: ReadAuthFileOptions): Promise<AuthFileResult> {
  if (options.origin !== 'process') {
    return { ok: false, reason: l10n.t('AZURE_AUTH_LOCATION is set in the workspace .env, which the workspace controls; the file it names is not read. Set it in your own environment to use it.') };
  }
  if (!location || location.includes('\0')) return { ok: false, reason: l10n.t('AZURE_AUTH_LOCATION is empty or not a path.') };
  if (!isAbsolute(location) && !options.cwd) return { ok: false, reason: l10n.t('AZURE_AUTH_LOCATION is a relative path and the working directory is unknown.') };
  const path = isAbsolute(location) ? location : resolve(options.cwd!, location);
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the opened file.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? l10n.t('The auth file {0} does not exist.', path) : l10n.t('The auth file {0} cannot be read ({1}).', path, code ?? 'error') };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, reason: l10n.t('{0} is not a regular file.', path) };
    if (info.size > AUTH_FILE_MAX_BYTES) return { ok: false, reason: l10n.t('The auth file {0} is larger than 64 KB.', path) };
    const buffer = Buffer.alloc(AUTH_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > AUTH_FILE_MAX_BYTES) return { ok: false, reason: l10n.t('The auth file {0} is larger than 64 KB.', path) };
    return parseAuthFile(buffer.subarray(0, length).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: l10n.t('The auth file {0} cannot be read ({1}).', path, (error as NodeJS.ErrnoException).code ?? 'error') };
  } finally {
    await handle.close();
  }
}
