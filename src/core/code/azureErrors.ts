// The Azure authentication and authorization errors a Python program prints (a traceback, azure-identity's log, an
// SDK's HttpResponseError), recognised in a line of terminal or debug output: the "DefaultAzureCredential failed to
// retrieve a token" message and each credential's line in it, AADSTS codes, storage's AuthorizationPermissionMismatch
// and AuthorizationFailure, Key Vault's Forbidden (role-based and access-policy vaults), ARM's AuthorizationFailed,
// InvalidAuthenticationTokenTenant and AKV10032. Pure and bounded: the output is the user's program's and may hold
// anything, so each line is cut to a fixed length, every pattern is anchored on a literal and has no nested
// repetition, and what is kept from the text (a resource name, a scope) is cut and checked before it is returned.
import { ALL_CREDENTIALS, type CredentialName } from '../chain/types';

export type AzureErrorKind =
  /** "DefaultAzureCredential failed to retrieve a token from the included credentials." (or a ChainedTokenCredential's) */
  | 'chain-failed'
  /**
   * One credential's line in that message: "\tAzureCliCredential: Please run 'az login' to set up an account"; or the
   * error a credential built on its own raised ("CredentialUnavailableError: Please run 'az login' …").
   */
  | 'credential-attempt'
  /** Microsoft Entra ID refused a token: AADSTS50076, AADSTS700082… */
  | 'aadsts'
  /** Storage: the token is fine, no role grants the data operation. */
  | 'storage-permission'
  /** Storage: refused before roles are looked at (firewall, network rules, shared key or SAS rules). */
  | 'storage-authorization'
  /** Key Vault with Azure RBAC: no data role grants the operation. */
  | 'key-vault-forbidden'
  /** Key Vault with access policies: no policy grants the operation. */
  | 'key-vault-access-policy'
  /** ARM: no role grants the management operation. */
  | 'arm-authorization'
  /** ARM: the token is for another tenant than the subscription's. */
  | 'wrong-tenant'
  /** Key Vault: the token is for another tenant than the vault's. */
  | 'key-vault-issuer';

export const AZURE_ERROR_KINDS: readonly AzureErrorKind[] = [
  'chain-failed', 'credential-attempt', 'aadsts', 'storage-permission', 'storage-authorization', 'key-vault-forbidden',
  'key-vault-access-policy', 'arm-authorization', 'wrong-tenant', 'key-vault-issuer',
];

export interface AzureErrorMatch {
  readonly kind: AzureErrorKind;
  /** Where in the line the recognised text is (UTF-16 offsets, as terminals and editors count). */
  readonly start: number;
  readonly length: number;
  /** credential-attempt: whose line it is; chain-failed: the chain class that failed. */
  readonly credential?: CredentialName | 'DefaultAzureCredential' | 'ChainedTokenCredential';
  /** aadsts: "AADSTS50076". */
  readonly code?: string;
  /** credential-attempt: what the credential said, bounded. */
  readonly message?: string;
  /** Storage account or key vault name, when the output names it. */
  readonly resourceName?: string;
  /** The operation refused ("Microsoft.KeyVault/vaults/secrets/getSecret/action", "secrets get"). */
  readonly action?: string;
  /** The ARM scope the refusal names ("/subscriptions/…/vaults/kv"). */
  readonly scope?: string;
  /** The tenant the resource expects (wrong-tenant, key-vault-issuer). */
  readonly tenantId?: string;
}

/** Longer lines are looked at up to here (a terminal row is far shorter; a log line with a body may not be). */
export const MAX_LINE_CHARS = 4096;
/** A text (a debug session's output) is looked at up to here. */
export const MAX_TEXT_CHARS = 512 * 1024;
const MAX_MATCHES_PER_LINE = 8;
const MAX_MATCHES = 64;
const MAX_MESSAGE = 300;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Storage account names: 3-24 lowercase letters and digits; vault names: 3-24 letters, digits and hyphens.
const STORAGE_NAME = /^[a-z0-9]{3,24}$/;
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
// An ARM scope: segments of the characters ARM ids use, at most 1000 characters.
const ARM_SCOPE = /^\/[A-Za-z0-9._()~:@/-]{1,999}$/;
const ACTION = /^[A-Za-z0-9._/*-]{3,300}$/;

const CHAIN_FAILED = /\b(DefaultAzureCredential|ChainedTokenCredential) failed to retrieve a token from the included credentials/g;
const CREDENTIAL_LINE = new RegExp(`^(\\s*)(${ALL_CREDENTIALS.join('|')}): (\\S[^\\r\\n]*)`);
// A credential built on its own raises its own error: the traceback's last line names the exception, and the message
// names the credential or its tool's sign-in (the words are azure-identity's, one per source).
const LONE_UNAVAILABLE = /\bCredentialUnavailableError: (\S[^\r\n]*)/;
const LONE_SOURCES: readonly (readonly [RegExp, CredentialName])[] = [
  [/'az login'|Azure CLI not found on path/, 'AzureCliCredential'],
  [/'azd auth login'|Azure Developer CLI could not be found/, 'AzureDeveloperCliCredential'],
  [/Connect-AzAccount|Az\.Account|PowerShell/, 'AzurePowerShellCredential'],
];
const AADSTS = /\bAADSTS(\d{5,7})\b/g;
const STORAGE_PERMISSION = /\bAuthorizationPermissionMismatch\b|This request is not authorized to perform this operation using this permission/g;
const STORAGE_AUTHORIZATION = /\bAuthorizationFailure\b|This request is not authorized to perform this operation\./g;
const KV_RBAC = /\(Forbidden\) Caller is not authorized to perform action on resource|\bForbiddenByRbac\b|\bDeniedWithNoValidRBAC\b/g;
const KV_POLICY = /does not have (secrets|keys|certificates|storage) ([A-Za-z]{1,20}) permission on key vault '([^';\s]{1,64})|\bForbiddenByPolicy\b|Caller was not found on any access policy/g;
const ARM_FAILED = /\bAuthorizationFailed\b/g;
const ARM_DETAIL = /does not have authorization (?:or an ABAC condition not fulfilled )?to perform action '([^'\s]{1,300})' over scope '([^'\s]{1,1000})'/;
const WRONG_TENANT = /\bInvalidAuthenticationTokenTenant\b|The access token is from the wrong issuer/g;
const EXPECTED_TENANT = /It must match the tenant 'https:\/\/sts\.[a-z.]{1,40}\/([0-9a-fA-F-]{36})\/?'|Please use the authority \(URL\) 'https:\/\/login\.[a-z.]{1,40}\/([0-9a-fA-F-]{36})'/;
const AKV_ISSUER = /\bAKV10032\b/g;
const AKV_EXPECTED = /Expected one of https:\/\/sts\.[a-z.]{1,40}\/([0-9a-fA-F-]{36})\//;
const KV_ACTION_LINE = /^\s*Action: '([^'\s]{1,300})'/;
const KV_RESOURCE_LINE = /^\s*Resource: '([^'\s]{1,1000})'/;
const KV_VAULT_LINE = /\bVault: ([A-Za-z0-9-]{3,24});location=/;
const STORAGE_HOST = /\bhttps?:\/\/([a-z0-9]{3,24})\.(?:blob|dfs|queue|table|file)\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)\b/;
const VAULT_HOST = /\bhttps?:\/\/([A-Za-z0-9-]{3,24})\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)\b/;

const valid = (value: string | undefined, pattern: RegExp): string | undefined => (value !== undefined && pattern.test(value) ? value : undefined);
const boundedMessage = (text: string): string => {
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
};
const tenantOf = (m: RegExpExecArray | null): string | undefined => valid(m?.[1] ?? m?.[2], GUID)?.toLowerCase();

function* matchesOf(pattern: RegExp, line: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
    yield m;
    if (m[0].length === 0) pattern.lastIndex++;
  }
}

/**
 * The errors recognised in one line of output, in the order they start. Each carries what the same line tells
 * about it; `findAzureErrorsInText` adds what neighbouring lines tell.
 */
export function findAzureErrors(rawLine: string): AzureErrorMatch[] {
  const line = rawLine.length > MAX_LINE_CHARS ? rawLine.slice(0, MAX_LINE_CHARS) : rawLine;
  const found: AzureErrorMatch[] = [];
  const add = (match: AzureErrorMatch) => { if (!found.some((f) => f.kind === match.kind && f.start === match.start)) found.push(match); };

  for (const m of matchesOf(CHAIN_FAILED, line)) add({ kind: 'chain-failed', start: m.index, length: m[0].length, credential: m[1] as 'DefaultAzureCredential' | 'ChainedTokenCredential' });
  const attempt = CREDENTIAL_LINE.exec(line);
  if (attempt) {
    const start = attempt[1]!.length;
    add({ kind: 'credential-attempt', start, length: attempt[2]!.length, credential: attempt[2] as CredentialName, message: boundedMessage(attempt[3]!) });
  }
  const lone = attempt ? null : LONE_UNAVAILABLE.exec(line);
  const loneCredential = lone ? credentialOfUnavailable(lone[1]!) : undefined;
  if (lone && loneCredential) {
    add({ kind: 'credential-attempt', start: lone.index, length: 'CredentialUnavailableError'.length, credential: loneCredential, message: boundedMessage(lone[1]!) });
  }
  for (const m of matchesOf(AADSTS, line)) add({ kind: 'aadsts', start: m.index, length: m[0].length, code: `AADSTS${m[1]}` });

  const storageName = valid(STORAGE_HOST.exec(line)?.[1], STORAGE_NAME);
  const vaultName = valid(VAULT_HOST.exec(line)?.[1] ?? KV_VAULT_LINE.exec(line)?.[1], VAULT_NAME);
  for (const m of matchesOf(STORAGE_PERMISSION, line)) add({ kind: 'storage-permission', start: m.index, length: m[0].length, ...(storageName ? { resourceName: storageName } : {}) });
  for (const m of matchesOf(STORAGE_AUTHORIZATION, line)) add({ kind: 'storage-authorization', start: m.index, length: m[0].length, ...(storageName ? { resourceName: storageName } : {}) });
  for (const m of matchesOf(KV_RBAC, line)) add({ kind: 'key-vault-forbidden', start: m.index, length: m[0].length, ...(vaultName ? { resourceName: vaultName } : {}) });
  for (const m of matchesOf(KV_POLICY, line)) {
    const name = valid(m[3]?.split(';')[0], VAULT_NAME) ?? vaultName;
    add({
      kind: 'key-vault-access-policy', start: m.index, length: m[0].length,
      ...(name ? { resourceName: name } : {}), ...(m[1] && m[2] ? { action: `${m[1]} ${m[2].toLowerCase()}` } : {}),
    });
  }
  const armDetail = ARM_DETAIL.exec(line);
  for (const m of matchesOf(ARM_FAILED, line)) {
    const action = valid(armDetail?.[1], ACTION);
    const scope = valid(armDetail?.[2], ARM_SCOPE);
    add({ kind: 'arm-authorization', start: m.index, length: m[0].length, ...(action ? { action } : {}), ...(scope ? { scope } : {}) });
  }
  if (armDetail && !found.some((f) => f.kind === 'arm-authorization')) {
    // Python prints "(AuthorizationFailed) The client …" on one line, but a log may carry the message alone.
    const action = valid(armDetail[1], ACTION);
    const scope = valid(armDetail[2], ARM_SCOPE);
    add({ kind: 'arm-authorization', start: armDetail.index, length: armDetail[0].length, ...(action ? { action } : {}), ...(scope ? { scope } : {}) });
  }
  const expectedTenant = tenantOf(EXPECTED_TENANT.exec(line));
  for (const m of matchesOf(WRONG_TENANT, line)) {
    if (found.some((f) => f.kind === 'wrong-tenant')) break;
    add({ kind: 'wrong-tenant', start: m.index, length: m[0].length, ...(expectedTenant ? { tenantId: expectedTenant } : {}) });
  }
  const issuerTenant = tenantOf(AKV_EXPECTED.exec(line));
  for (const m of matchesOf(AKV_ISSUER, line)) add({ kind: 'key-vault-issuer', start: m.index, length: m[0].length, ...(issuerTenant ? { tenantId: issuerTenant } : {}), ...(vaultName ? { resourceName: vaultName } : {}) });

  return found.sort((a, b) => a.start - b.start).slice(0, MAX_MATCHES_PER_LINE);
}

/**
 * Which source raised an "unavailable" error on its own: the message starts with the credential's name
 * ("ManagedIdentityCredential authentication unavailable…"), or asks for its tool's sign-in ("Please run 'az login'…").
 */
function credentialOfUnavailable(message: string): CredentialName | undefined {
  const named = /^(\w{1,40}Credential)\b/.exec(message)?.[1];
  if (named && (ALL_CREDENTIALS as readonly string[]).includes(named)) return named as CredentialName;
  return LONE_SOURCES.find(([pattern]) => pattern.test(message))?.[1];
}

/** How far around an error a resource's name, Key Vault's Action/Resource lines or a tenant are looked for. */
const CONTEXT_LINES = 12;

/** A line's errors, with the line's index in the text. */
export interface AzureErrorInText extends AzureErrorMatch {
  readonly line: number;
}

/**
 * The errors in a whole output (a debug session's, a log), each once per line, with what nearby lines tell: the
 * account or vault a traceback's request went to, Key Vault's "Action:" and "Resource:" lines, the expected tenant
 * of a wrong-issuer message that wrapped.
 */
export function findAzureErrorsInText(rawText: string): AzureErrorInText[] {
  const text = rawText.length > MAX_TEXT_CHARS ? rawText.slice(0, MAX_TEXT_CHARS) : rawText;
  const lines = text.split(/\r?\n|\r/);
  const out: AzureErrorInText[] = [];
  for (let i = 0; i < lines.length && out.length < MAX_MATCHES; i++) {
    const line = lines[i]!;
    // Cheap test first: almost every line of a program's output names none of these.
    if (!/AADSTS|Credential|Authoriz|authorized|Forbidden|access policy|key vault|wrong issuer|AKV10032|TokenTenant|DeniedWith/.test(line.slice(0, MAX_LINE_CHARS))) continue;
    for (const match of findAzureErrors(line)) {
      out.push({ ...match, line: i, ...contextOf(match, lines, i) });
      if (out.length >= MAX_MATCHES) break;
    }
  }
  return out;
}

function contextOf(match: AzureErrorMatch, lines: readonly string[], at: number): Partial<AzureErrorMatch> {
  const near = (from: number, to: number, pick: (line: string) => string | undefined): string | undefined => {
    for (let d = 0; d <= CONTEXT_LINES; d++) {
      for (const i of [at + d, at - d]) {
        if (i < from || i > to || i < 0 || i >= lines.length) continue;
        const value = pick(lines[i]!.slice(0, MAX_LINE_CHARS));
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };
  const extra: { resourceName?: string; action?: string; scope?: string; tenantId?: string } = {};
  const around = [at - CONTEXT_LINES, at + CONTEXT_LINES] as const;
  switch (match.kind) {
    case 'storage-permission':
    case 'storage-authorization': {
      // The request's URL comes before the error in a traceback or log: look back further than forward.
      const name = match.resourceName ?? near(at - CONTEXT_LINES * 4, at + 2, (l) => valid(STORAGE_HOST.exec(l)?.[1], STORAGE_NAME));
      if (name) extra.resourceName = name;
      break;
    }
    case 'key-vault-forbidden':
    case 'key-vault-access-policy':
    case 'key-vault-issuer': {
      const name = match.resourceName ?? near(at - CONTEXT_LINES * 4, at + CONTEXT_LINES, (l) => valid(KV_VAULT_LINE.exec(l)?.[1] ?? VAULT_HOST.exec(l)?.[1] ?? KV_POLICY_NAME.exec(l)?.[1]?.split(';')[0], VAULT_NAME));
      if (name) extra.resourceName = name;
      if (match.kind === 'key-vault-forbidden') {
        const action = match.action ?? near(...around, (l) => valid(KV_ACTION_LINE.exec(l)?.[1], ACTION));
        const scope = match.scope ?? near(...around, (l) => valid(KV_RESOURCE_LINE.exec(l)?.[1], ARM_SCOPE));
        if (action) extra.action = action;
        if (scope) extra.scope = scope;
      }
      if (match.kind === 'key-vault-issuer' && !match.tenantId) {
        const tenant = near(at, at + 2, (l) => tenantOf(AKV_EXPECTED.exec(l)));
        if (tenant) extra.tenantId = tenant;
      }
      break;
    }
    case 'wrong-tenant': {
      const tenant = match.tenantId ?? near(at, at + 3, (l) => tenantOf(EXPECTED_TENANT.exec(l)));
      if (tenant) extra.tenantId = tenant;
      break;
    }
    case 'arm-authorization': {
      if (!match.scope) {
        const detail = near(at, at + 3, (l) => { const d = ARM_DETAIL.exec(l); return d ? `${d[1]}\n${d[2]}` : undefined; });
        const [action, scope] = detail?.split('\n') ?? [];
        if (valid(action, ACTION)) extra.action = action;
        if (valid(scope, ARM_SCOPE)) extra.scope = scope;
      }
      break;
    }
    default:
      break;
  }
  return extra;
}

const KV_POLICY_NAME = /permission on key vault '([^'\s]{1,100})'/;

/** The errors of a text, each kind once (the first of its kind; for AADSTS, each code once): what a debug session notifies. */
export function distinctErrors<T extends AzureErrorMatch>(errors: readonly T[]): T[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    // A credential's line belongs to the chain failure it is part of; it is not notified on its own.
    if (e.kind === 'credential-attempt') return false;
    const key = e.kind === 'aadsts' ? `${e.kind}:${e.code}` : e.kind;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
