// SharedTokenCacheCredential: the MSAL cache Microsoft developer tools share in ~/.IdentityService. On Linux the
// library tries libsecret first and, where that is unusable (no D-Bus session), reads the plaintext file that
// this probe reads. Account selection and messages follow azure-identity's shared_token_cache.py; a valid cached
// access token is used offline, otherwise the refresh token is redeemed at the authority.
import { readBoundedText } from '../../files/boundedRead';
import { join } from 'node:path';
import { tokenFacts } from '../claims';
import { aadClientFailureMessage, postToken, tokenEndpoint } from '../entra';
import { UncheckedHostError } from '../secretHosts';
import { entraContext, homeDir, MANAGEMENT_SCOPE, notChecked, type Probe, type ProbeContext, type ProbeResult } from './common';

/** Azure CLI's client id: the "developer sign-on" app the shared cache is redeemed with. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export const NO_ACCOUNTS = 'SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.';
export const MULTIPLE_ACCOUNTS = 'SharedTokenCacheCredential authentication unavailable. Multiple accounts\n'
  + 'were found in the cache. Use username and tenant id to disambiguate.';

const KNOWN_ALIAS_GROUPS: readonly (readonly string[])[] = [
  ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
  ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
];

function aliasesFor(authority: string): Set<string> {
  const environment = new URL(authority).host;
  const group = KNOWN_ALIAS_GROUPS.find((g) => g.includes(environment));
  return new Set(group ?? [environment]);
}

type CacheItem = Record<string, unknown>;

function items(cache: Record<string, unknown>, section: string): CacheItem[] {
  const value = cache[section];
  if (!value || typeof value !== 'object') return [];
  return Object.values(value as Record<string, unknown>).filter((v): v is CacheItem => Boolean(v) && typeof v === 'object');
}

function str(item: CacheItem, key: string): string | undefined {
  const v = item[key];
  return typeof v === 'string' ? v : undefined;
}

export function sharedCachePath(ctx: ProbeContext): string | undefined {
  const home = homeDir(ctx.env);
  return home ? join(home, '.IdentityService', ctx.behaviour.sharedCacheFile) : undefined;
}

export const sharedTokenCacheProbe: Probe = {
  credential: 'SharedTokenCacheCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    if (!['linux', 'darwin', 'win32'].includes(ctx.platform)) {
      return { kind: 'not-in-chain', message: 'The shared token cache is not supported on this platform.' };
    }
    const path = sharedCachePath(ctx);
    let cache: Record<string, unknown> = {};
    if (path) {
      let text: string | undefined;
      try {
        text = await readBoundedText(path, 'toolCache', { signal: ctx.signal });
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') throw error;
        text = undefined;
      }
      if (text !== undefined && text.trim()) {
        try {
          const parsed: unknown = JSON.parse(text);
          cache = parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
        } catch (error) {
          return { kind: 'failed', message: `Authentication failed: ${(error as Error).message}` };
        }
      }
    }
    const aliases = aliasesFor(ctx.authority);
    const inAuthority = (item: CacheItem): boolean => aliases.has(str(item, 'environment') ?? '');
    const refreshTokens = items(cache, 'RefreshToken').filter(inAuthority);
    const allAccounts = items(cache, 'Account').filter(inAuthority);
    // Accounts that have a family refresh token (FOCI), keyed by home account id.
    const accounts = new Map<string, CacheItem>();
    for (const rt of refreshTokens) {
      const home = str(rt, 'home_account_id');
      if (!home || !('family_id' in rt)) continue;
      for (const account of allAccounts) if (str(account, 'home_account_id') === home) accounts.set(home, account);
    }
    if (accounts.size === 0) return { kind: 'unavailable', message: NO_ACCOUNTS };

    // DefaultAzureCredential passes shared_cache_username (default AZURE_USERNAME) and shared_cache_tenant_id (default
    // AZURE_TENANT_ID).
    const username = ctx.sharedCacheUsername || undefined;
    const tenantId = ctx.sharedCacheTenantId || undefined;
    const filtered = [...accounts.values()].filter((account) => {
      if (username && str(account, 'username') !== username) return false;
      if (tenantId) {
        const parts = (str(account, 'home_account_id') ?? '').split('.');
        if (parts.length !== 2 || parts[1] !== tenantId) return false;
      }
      return true;
    });
    if (filtered.length !== 1) {
      if (username || tenantId) {
        const which = `${username ? ` username: ${username}` : ''}${tenantId ? ` tenant: ${tenantId}` : ''}`;
        const message = filtered.length
          ? `SharedTokenCacheCredential authentication unavailable. Multiple accounts\nmatching the specified${which} were found in the cache.`
          : `SharedTokenCacheCredential authentication unavailable. No account\nmatching the specified${which} was found in the cache.`;
        return { kind: 'unavailable', message };
      }
      return { kind: 'unavailable', message: MULTIPLE_ACCOUNTS };
    }
    const account = filtered[0]!;
    const homeAccountId = str(account, 'home_account_id')!;

    // A cached access token for the scope that is valid for five more minutes is returned without any request.
    const now = Math.floor(Date.now() / 1000);
    for (const at of items(cache, 'AccessToken')) {
      if (str(at, 'home_account_id') !== homeAccountId) continue;
      const target = new Set((str(at, 'target') ?? '').split(/\s+/).filter(Boolean));
      if (!target.has(MANAGEMENT_SCOPE)) continue;
      const expiresOn = Number(at.expires_on);
      const secret = str(at, 'secret');
      if (secret && Number.isFinite(expiresOn) && expiresOn - 300 > now) return { kind: 'token', facts: tokenFacts(secret, expiresOn) };
    }
    const secrets = items(cache, 'RefreshToken').filter((rt) => str(rt, 'home_account_id') === homeAccountId)
      .map((rt) => str(rt, 'secret')).filter((s): s is string => s !== undefined);
    if (secrets.length === 0) {
      return {
        kind: 'unavailable',
        message: `Token acquisition failed for user '${str(account, 'username') ?? 'None'}'. To fix, re-authenticate\nthrough developer tooling supporting Azure single sign on`,
      };
    }
    try {
      // Read-only: unlike Python we do not write the redeemed tokens back into the user's cache.
      const token = await postToken(entraContext(ctx), tokenEndpoint(ctx.authority, 'organizations'), {
        grant_type: 'refresh_token', refresh_token: secrets[0]!, scope: MANAGEMENT_SCOPE, client_id: DEVELOPER_SIGN_ON_CLIENT_ID, client_info: '1',
      }, 'refresh token');
      return { kind: 'token', facts: tokenFacts(token.accessToken, token.expiresOn) };
    } catch (error) {
      if (error instanceof UncheckedHostError) return notChecked(error);
      const message = aadClientFailureMessage(error, ctx.behaviour.messages.aadErrorPrefix);
      return ctx.behaviour.sharedCacheRefreshErrorsContinue ? { kind: 'unavailable', message } : { kind: 'failed', message };
    }
  },
};
