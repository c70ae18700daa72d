// Fake PowerShell 7 (`pwsh`) with a fake Az.Accounts module, backed by the sandbox tenant. It does not run
// PowerShell: it recognises the scripts the Azure SDKs send and a few cmdlets tests need.
//
//   pwsh [-NoProfile] -NonInteractive -EncodedCommand <base64 UTF-16LE>   the azure-identity (Python) script:
//       prints "\nazsdk%<token>%<unix expiry>\n", or NO_AZ_ACCOUNT_MODULE, or (not signed in) the
//       Get-AzAccessToken error "Run Connect-AzAccount to login." on stderr with exit 1
//   pwsh -NoProfile -NonInteractive -Command "<script with Get-AzAccessToken ... ConvertTo-Json>"   @azure/identity (JS):
//       prints {"ExpiresOn": "...", "Token": "..."}
//   pwsh /?   (JS probes for PowerShell this way) | pwsh -Version
//   pwsh -Command "Connect-AzAccount -UseDeviceAuthentication [-Tenant T] [-ClaimsChallenge BASE64]"   device code sign-in (approve it with
//       POST /_sandbox/device-codes/approve or settings.autoApproveDeviceCodesAs)
//   pwsh -Command "Connect-AzAccount -AccountId <upn>"   sandbox-only password sign-in; the password comes from
//       AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD (real Connect-AzAccount would prompt)
//   pwsh -Command "Connect-AzAccount -ServicePrincipal -ApplicationId <id> -Tenant <t>"   secret from
//       AZURE_DEV_AUTH_FAKE_PWSH_SECRET (real one takes a PSCredential)
//   pwsh -Command "Disconnect-AzAccount" | pwsh -Command "Get-AzContext"
//
// State: the Az.Accounts context ~/.Azure/AzureRmContext.json (+ AzureRmContextSettings.json); the MSAL cache where
// MSAL.NET keeps it on Linux, ~/.local/.IdentityService/msal.cache.
//
// Test knobs (env vars win over PUT /_sandbox/tools/pwsh {mode, delayMs}):
//   AZURE_DEV_AUTH_FAKE_PWSH_DELAY_MS / AZURE_DEV_AUTH_FAKE_DELAY_MS   sleep first
//   AZURE_DEV_AUTH_FAKE_PWSH_MODE / AZURE_DEV_AUTH_FAKE_MODE, for the token scripts: ok | error (exit 1)
//     | garbage (exit 0 without an azsdk line) | aadsts | hang | not-logged-in | no-module (NO_AZ_ACCOUNT_MODULE)
//     | execution-policy ("AuthorizationManager check failed.")
import { join } from 'node:path';
import {
  AZURE_POWERSHELL_CLIENT_ID, EntraError, MsalCacheFile, ToolExit, behaviourFor, decodeJwtClaims, entraMessage, hangForever,
  homeDir, listSubscriptions, readJsonFile, removeFile, runTool, signInWithDeviceCode, signInWithPassword, sleep,
  tokenRequest, writeFile, type ArmSubscription, type TokenResponse,
} from './common';

const LOGIN_SCOPE = 'https://management.core.windows.net//.default';
const NOT_LOGGED_IN = 'Get-AzAccessToken: Run Connect-AzAccount to login.\n';

interface AzContext {
  Account: { Id: string; Type: 'User' | 'ServicePrincipal'; ExtendedProperties: Record<string, string> };
  Tenant: { Id: string };
  Subscription: { Id: string; Name: string; State: string } | null;
}

interface ContextFile {
  DefaultContextKey: string;
  EnvironmentTable: Record<string, unknown>;
  Contexts: Record<string, {
    Account: { Id: string; Credential: null; Type: string; TenantMap: Record<string, unknown>; ExtendedProperties: Record<string, string> };
    Tenant: { Id: string; Directory: null; IsHome: boolean; ExtendedProperties: Record<string, string> };
    Subscription: { Id: string; Name: string; State: string; ExtendedProperties: Record<string, string> } | null;
    Environment: { Name: string; Type: string; ActiveDirectoryAuthority: string; ResourceManagerUrl: string; ActiveDirectoryServiceEndpointResourceId: string };
    VersionProfile: null;
    TokenCache: { CacheData: null };
    ExtendedProperties: Record<string, string>;
  }>;
  ExtendedProperties: Record<string, string>;
}

const paths = {
  context: () => join(homeDir(), '.Azure', 'AzureRmContext.json'),
  settings: () => join(homeDir(), '.Azure', 'AzureRmContextSettings.json'),
  cache: () => join(homeDir(), '.local', '.IdentityService', 'msal.cache'),
};

function currentContext(): AzContext | undefined {
  const file = readJsonFile<Partial<ContextFile>>(paths.context(), {});
  const ctx = file.Contexts && file.DefaultContextKey ? file.Contexts[file.DefaultContextKey] : undefined;
  if (!ctx) return undefined;
  return { Account: { Id: ctx.Account.Id, Type: ctx.Account.Type === 'ServicePrincipal' ? 'ServicePrincipal' : 'User', ExtendedProperties: ctx.Account.ExtendedProperties ?? {} }, Tenant: { Id: ctx.Tenant.Id }, Subscription: ctx.Subscription };
}

function saveContext(account: AzContext['Account'], tenantId: string, subs: ArmSubscription[]): void {
  const sub = subs[0];
  const key = sub ? `${sub.displayName} (${sub.subscriptionId}) - ${tenantId} - ${account.Id}` : `Default - ${tenantId} - ${account.Id}`;
  const file: ContextFile = {
    DefaultContextKey: key,
    EnvironmentTable: {},
    Contexts: {
      [key]: {
        Account: { Id: account.Id, Credential: null, Type: account.Type, TenantMap: {}, ExtendedProperties: { ...account.ExtendedProperties, Tenants: tenantId, Subscriptions: subs.map((s) => s.subscriptionId).join(',') } },
        Tenant: { Id: tenantId, Directory: null, IsHome: true, ExtendedProperties: {} },
        Subscription: sub ? { Id: sub.subscriptionId, Name: sub.displayName, State: sub.state, ExtendedProperties: { Account: account.Id, Tenants: tenantId, Environment: 'AzureCloud' } } : null,
        Environment: { Name: 'AzureCloud', Type: 'Built-in', ActiveDirectoryAuthority: 'https://login.microsoftonline.com/', ResourceManagerUrl: 'https://management.azure.com/', ActiveDirectoryServiceEndpointResourceId: 'https://management.core.windows.net/' },
        VersionProfile: null,
        TokenCache: { CacheData: null },
        ExtendedProperties: {},
      },
    },
    ExtendedProperties: {},
  };
  writeFile(paths.context(), JSON.stringify(file, null, 2));
  writeFile(paths.settings(), JSON.stringify({ Mode: 'CurrentUser', ContextDirectory: join(homeDir(), '.Azure'), ContextFile: 'AzureRmContext.json', CacheDirectory: join(homeDir(), '.Azure'), CacheFile: 'msal.cache', KeyStoreFile: 'azkeystore' }, null, 2));
}

function option(script: string, name: string): string | undefined {
  const match = new RegExp(`-${name}\\s+(?:'([^']*)'|"([^"]*)"|([^\\s;'"]+))`, 'i').exec(script);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

async function token(resource: string, tenantOverride: string | undefined): Promise<{ token: string; expiresOn: number }> {
  const context = currentContext();
  if (!context) throw new ToolExit(1, NOT_LOGGED_IN);
  const tenant = tenantOverride || context.Tenant.Id;
  const scopes = [`${resource.replace(/\/+$/, '')}/.default`];
  const cache = new MsalCacheFile(paths.cache());
  try {
    if (context.Account.Type === 'ServicePrincipal') {
      const cached = cache.findAccessToken(context.Account.Id, null, tenant, scopes);
      if (cached) return { token: cached.secret, expiresOn: cached.expiresOn };
      const secret = context.Account.ExtendedProperties.ServicePrincipalSecret;
      if (!secret) throw new ToolExit(1, NOT_LOGGED_IN);
      const response = await tokenRequest(tenant, { grant_type: 'client_credentials', client_id: context.Account.Id, client_secret: secret, scope: scopes.join(' ') });
      cache.add(response, context.Account.Id, tenant, scopes);
      cache.save();
      return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in };
    }
    const homeAccountId = context.Account.ExtendedProperties.HomeAccountId;
    if (!homeAccountId) throw new ToolExit(1, NOT_LOGGED_IN);
    const cached = cache.findAccessToken(AZURE_POWERSHELL_CLIENT_ID, homeAccountId, tenant, scopes);
    if (cached) return { token: cached.secret, expiresOn: cached.expiresOn };
    const refreshToken = cache.findRefreshToken(homeAccountId, AZURE_POWERSHELL_CLIENT_ID);
    if (!refreshToken) throw new ToolExit(1, NOT_LOGGED_IN);
    const response = await tokenRequest(tenant, { grant_type: 'refresh_token', client_id: AZURE_POWERSHELL_CLIENT_ID, refresh_token: refreshToken, scope: `${scopes.join(' ')} offline_access openid profile`, client_info: '1' });
    cache.add(response, AZURE_POWERSHELL_CLIENT_ID, tenant, scopes, context.Account.Id, { refresh: true });
    cache.save();
    return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in };
  } catch (error) {
    if (error instanceof EntraError) throw new ToolExit(1, `Get-AzAccessToken: ${entraMessage(error)}\n`);
    throw error;
  }
}

async function connect(script: string): Promise<string> {
  const tenant = option(script, 'Tenant') ?? option(script, 'TenantId') ?? 'organizations';
  let response: TokenResponse;
  let account: AzContext['Account'];
  try {
    if (/-ServicePrincipal\b/i.test(script)) {
      const appId = option(script, 'ApplicationId');
      const secret = process.env.AZURE_DEV_AUTH_FAKE_PWSH_SECRET;
      if (!appId || !secret || tenant === 'organizations') {
        throw new ToolExit(1, 'Connect-AzAccount: the fake pwsh needs -ApplicationId, -Tenant and AZURE_DEV_AUTH_FAKE_PWSH_SECRET for a service principal.\n');
      }
      response = await tokenRequest(tenant, { grant_type: 'client_credentials', client_id: appId, client_secret: secret, scope: LOGIN_SCOPE });
      account = { Id: appId, Type: 'ServicePrincipal', ExtendedProperties: { ServicePrincipalSecret: secret } };
      const cache = new MsalCacheFile(paths.cache());
      cache.add(response, appId, tenant, [LOGIN_SCOPE]);
      cache.save();
    } else {
      // Connect-AzAccount -ClaimsChallenge <base64> (Az.Accounts 5.2+): the decoded claims go with the token request.
      const extra: Record<string, string> = {};
      const challenge = option(script, 'ClaimsChallenge');
      if (challenge !== undefined) {
        const decoded = Buffer.from(challenge, 'base64').toString('utf8');
        try { JSON.parse(decoded); } catch { throw new ToolExit(1, 'Connect-AzAccount: -ClaimsChallenge must be a base64-encoded claims challenge.\n'); }
        extra.claims = decoded;
      }
      const accountId = option(script, 'AccountId');
      if (accountId && !/-UseDeviceAuthentication\b/i.test(script)) {
        const password = process.env.AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD;
        if (!password) throw new ToolExit(1, 'Connect-AzAccount: the fake pwsh needs AZURE_DEV_AUTH_FAKE_PWSH_PASSWORD for -AccountId sign-in (or use -UseDeviceAuthentication).\n');
        response = await signInWithPassword(AZURE_POWERSHELL_CLIENT_ID, tenant, accountId, password, LOGIN_SCOPE, extra);
      } else {
        response = await signInWithDeviceCode(AZURE_POWERSHELL_CLIENT_ID, tenant, LOGIN_SCOPE, (message) => process.stdout.write(`WARNING: ${message}\n`), extra);
      }
      const claims = decodeJwtClaims(response.access_token);
      const cache = new MsalCacheFile(paths.cache());
      const { homeAccountId } = cache.add(response, AZURE_POWERSHELL_CLIENT_ID, String(claims.tid ?? tenant), [LOGIN_SCOPE], String(claims.upn ?? ''));
      // As the fake az: the access tokens the challenge refused are not handed out again.
      if (challenge !== undefined && homeAccountId) {
        cache.dropAccessTokens(homeAccountId);
        cache.add(response, AZURE_POWERSHELL_CLIENT_ID, String(claims.tid ?? tenant), [LOGIN_SCOPE], String(claims.upn ?? ''));
      }
      cache.save();
      account = { Id: String(claims.upn ?? accountId ?? ''), Type: 'User', ExtendedProperties: { HomeAccountId: homeAccountId ?? '' } };
    }
  } catch (error) {
    if (error instanceof ToolExit) throw error;
    throw new ToolExit(1, `Connect-AzAccount: ${entraMessage(error)}\n`);
  }
  const tenantId = String(decodeJwtClaims(response.access_token).tid ?? tenant);
  const subs = await listSubscriptions(response.access_token);
  saveContext(account, tenantId, subs);
  const sub = subs[0];
  return `\nAccount                 SubscriptionName TenantId                             Environment\n-------                 ---------------- --------                             -----------\n${account.Id} ${sub?.displayName ?? ''} ${tenantId} AzureCloud\n\n`;
}

function decodeScript(argv: string[]): { script: string; encoded: boolean } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!.toLowerCase();
    if (['-encodedcommand', '-enc', '-ec', '-e'].includes(arg) && argv[i + 1]) {
      return { script: Buffer.from(argv[i + 1]!, 'base64').toString('utf16le'), encoded: true };
    }
    if (['-command', '-c'].includes(arg)) return { script: argv.slice(i + 1).join(' '), encoded: false };
  }
  return undefined;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const behaviour = await behaviourFor('pwsh', argv);
  if (behaviour.delayMs > 0) await sleep(behaviour.delayMs);
  if (argv.some((a) => ['/?', '-?', '-help', '--help', '-h'].includes(a.toLowerCase()))) {
    process.stdout.write('Usage: pwsh[.exe] [-Login] [[-File] <filePath> [args]]\n                  [-Command { - | <script-block> [-args <arg-array>]\n                                | <string> [<CommandParameters>] } ]\n                  [-EncodedCommand <Base64EncodedCommand>] [-NoProfile] [-NonInteractive]\n');
    return 0;
  }
  if (argv.some((a) => ['-version', '-v', '--version'].includes(a.toLowerCase()))) {
    process.stdout.write('PowerShell 7.4.6\n');
    return 0;
  }
  const decoded = decodeScript(argv);
  if (!decoded) throw new ToolExit(64, 'The fake pwsh only runs -Command or -EncodedCommand scripts.\n');
  const { script } = decoded;
  if (/Get-AzAccessToken/i.test(script)) {
    const pythonProtocol = /azsdk%/.test(script);
    switch (behaviour.mode) {
      case 'hang': return hangForever();
      case 'no-module':
        if (pythonProtocol) { process.stdout.write('NO_AZ_ACCOUNT_MODULE\n'); return 0; }
        throw new ToolExit(1, "Import-Module: The specified module 'Az.Accounts' was not loaded because no valid module file was found in any module directory.\n");
      case 'execution-policy': throw new ToolExit(1, 'AuthorizationManager check failed.\n');
      case 'error': throw new ToolExit(1, 'Get-AzAccessToken: simulated failure (fake pwsh, mode=error)\n');
      case 'garbage': process.stdout.write('WARNING: Upgrade to Az 14.0.0 for the newest features.\n'); return 0;
      case 'aadsts': throw new ToolExit(1, 'Get-AzAccessToken: AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.\n');
      case 'not-logged-in': throw new ToolExit(1, NOT_LOGGED_IN);
      default: break;
    }
    const resource = option(script, 'ResourceUrl') ?? /ResourceUrl\s*=\s*"([^"]*)"/i.exec(script)?.[1] ?? 'https://management.azure.com/';
    const tenant = option(script, 'TenantId') ?? /\$tenantId\s*=\s*['"]([^'"]*)['"]/i.exec(script)?.[1];
    const result = await token(resource, tenant);
    // ConvertTo-Json renders a DateTimeOffset as ISO 8601 with offset in PowerShell 7.
    const expires = new Date(result.expiresOn * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');
    if (pythonProtocol) {
      process.stdout.write(`\nazsdk%${result.token}%${result.expiresOn}\n\n`);
    } else if (/Add-Member/i.test(script)) {
      // @azure/identity's script builds {ExpiresOn, Token} itself.
      process.stdout.write(`${JSON.stringify({ ExpiresOn: expires, Token: result.token }, null, 2)}\n`);
    } else {
      // `Get-AzAccessToken | ConvertTo-Json`: the PSAccessToken object (Az.Accounts below 5.0).
      const claims = decodeJwtClaims(result.token);
      process.stdout.write(`${JSON.stringify({ Token: result.token, ExpiresOn: expires, TenantId: String(claims.tid ?? ''), UserId: String(claims.upn ?? claims.appid ?? ''), Type: 'Bearer' }, null, 2)}\n`);
    }
    return 0;
  }
  if (/(?<![\w-])Connect-AzAccount/i.test(script)) { process.stdout.write(await connect(script)); return 0; }
  if (/(?<![\w-])Disconnect-AzAccount/i.test(script)) {
    const context = currentContext();
    removeFile(paths.context());
    removeFile(paths.cache());
    if (context) process.stdout.write(`\nId   : ${context.Account.Id}\nType : ${context.Account.Type}\n\n`);
    return 0;
  }
  if (/Get-AzContext/i.test(script)) {
    const context = currentContext();
    if (context) process.stdout.write(`\nName    : ${context.Subscription?.Name ?? 'Default'}\nAccount : ${context.Account.Id}\nTenant  : ${context.Tenant.Id}\n\n`);
    return 0;
  }
  const term = script.trim().split(/\s+/)[0] ?? '';
  throw new ToolExit(1, `${term}: The term '${term}' is not recognized as a name of a cmdlet, function, script file, or executable program.\n`);
}

runTool(main);
