// Fake Azure Developer CLI (`azd`) backed by the sandbox tenant. State as azd keeps it ($AZD_CONFIG_DIR or ~/.azd):
// auth.json {"auth":{"account":{"currentUser":{...}}}} (older azd kept the same key in config.json, read as a
// fallback), the MSAL cache in auth/msal/cache.json, a service principal's secret in auth/cred<tenant>.<client>.json.
//
// Commands: azd auth login [--use-device-code | --client-id ID --client-secret S --tenant-id T] [--tenant-id T]
//             (no method given: browser sign-in with PKCE, completed by the sandbox when settings.autoSignInAs is set)
//           azd auth login --check-status [--output json] | azd auth logout
//           azd auth token --output json --scope S [--scope S2] [--tenant-id T]  -> {"token", "expiresOn": "…Z"}
//           azd version [--output json]
//
// Test knobs (env vars win over PUT /_sandbox/tools/azd {mode, delayMs, version}):
//   AZURE_DEV_AUTH_FAKE_AZD_DELAY_MS / AZURE_DEV_AUTH_FAKE_DELAY_MS   sleep first
//   AZURE_DEV_AUTH_FAKE_AZD_VERSION   version to report (default 1.11.0)
//   AZURE_DEV_AUTH_FAKE_AZD_MODE / AZURE_DEV_AUTH_FAKE_MODE, for `auth token`: ok | error | garbage | aadsts | hang
//     | not-logged-in ("not logged in, run `azd auth login` to login" on stderr, exit 1)
import { join } from 'node:path';
import {
  Args, AZURE_CLI_CLIENT_ID, EntraError, MsalCacheFile, ToolExit, behaviourFor, decodeJwtClaims, entraMessage, hangForever,
  homeDir, readJsonFile, removeFile, runTool, signInWithBrowser, signInWithDeviceCode, sleep, tokenRequest, writeFile,
  type TokenResponse,
} from './common';

const DEFAULT_VERSION = '1.11.0';
const LOGIN_SCOPE = 'https://management.azure.com//.default';
const NOT_LOGGED_IN = '\nERROR: not logged in, run `azd auth login` to login\n';

interface CurrentUser { homeAccountId?: string; clientId?: string; tenantId?: string }
interface AuthConfig { auth?: { account?: { currentUser?: CurrentUser } } }

function configDir(): string {
  return process.env.AZD_CONFIG_DIR || join(homeDir(), '.azd');
}

const paths = {
  auth: () => join(configDir(), 'auth.json'),
  legacyConfig: () => join(configDir(), 'config.json'),
  cache: () => join(configDir(), 'auth', 'msal', 'cache.json'),
  secret: (tenantId: string, clientId: string) => join(configDir(), 'auth', `cred${tenantId}.${clientId}.json`),
};

function currentUser(): CurrentUser | undefined {
  const auth = readJsonFile<AuthConfig>(paths.auth(), {});
  return auth.auth?.account?.currentUser ?? readJsonFile<AuthConfig>(paths.legacyConfig(), {}).auth?.account?.currentUser;
}

function saveCurrentUser(user: CurrentUser | undefined): void {
  if (!user) { removeFile(paths.auth()); return; }
  writeFile(paths.auth(), `${JSON.stringify({ auth: { account: { currentUser: user } } }, null, 2)}\n`);
}

function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function login(args: Args): Promise<string> {
  const tenant = args.get('--tenant-id');
  const clientId = args.get('--client-id');
  if (clientId) {
    const secret = args.get('--client-secret');
    if (!secret || !tenant) throw new ToolExit(1, '\nERROR: must set --tenant-id and --client-secret when using --client-id\n');
    let response: TokenResponse;
    try {
      response = await tokenRequest(tenant, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: LOGIN_SCOPE });
    } catch (error) {
      throw new ToolExit(1, `\nERROR: logging in: ${entraMessage(error)}\n`);
    }
    writeFile(paths.secret(tenant, clientId), JSON.stringify({ clientSecret: secret }));
    const cache = new MsalCacheFile(paths.cache());
    cache.add(response, clientId, tenant, [LOGIN_SCOPE]);
    cache.save();
    saveCurrentUser({ clientId, tenantId: tenant });
    return 'Logged in to Azure.\n';
  }
  const authority = tenant ?? 'organizations';
  let response: TokenResponse;
  try {
    response = args.has('--use-device-code')
      ? await signInWithDeviceCode(AZURE_CLI_CLIENT_ID, authority, LOGIN_SCOPE, (message) => process.stderr.write(`${message}\n`))
      : await signInWithBrowser(AZURE_CLI_CLIENT_ID, authority, LOGIN_SCOPE, (url) => process.stderr.write(`Logging in to Azure in your browser: ${url}\n`));
  } catch (error) {
    if (error instanceof ToolExit) throw error;
    throw new ToolExit(1, `\nERROR: logging in: ${entraMessage(error)}\n`);
  }
  const cache = new MsalCacheFile(paths.cache());
  const claims = decodeJwtClaims(response.access_token);
  const { homeAccountId } = cache.add(response, AZURE_CLI_CLIENT_ID, String(claims.tid ?? authority), [LOGIN_SCOPE], String(claims.upn ?? ''));
  cache.save();
  saveCurrentUser(homeAccountId ? { homeAccountId } : undefined);
  return 'Logged in to Azure.\n';
}

async function token(scopes: string[], tenantArg: string | undefined): Promise<{ token: string; expiresOn: number; subject: string }> {
  const user = currentUser();
  if (!user) throw new ToolExit(1, NOT_LOGGED_IN);
  const cache = new MsalCacheFile(paths.cache());
  if (user.clientId && user.tenantId) {
    const tenant = tenantArg ?? user.tenantId;
    const cached = cache.findAccessToken(user.clientId, null, tenant, scopes);
    if (cached) return { token: cached.secret, expiresOn: cached.expiresOn, subject: user.clientId };
    const secret = readJsonFile<{ clientSecret?: string }>(paths.secret(user.tenantId, user.clientId), {}).clientSecret;
    if (!secret) throw new ToolExit(1, `\nERROR: loading secret: ${NOT_LOGGED_IN.trim().replace(/^ERROR: /, '')}\n`);
    try {
      const response = await tokenRequest(tenant, { grant_type: 'client_credentials', client_id: user.clientId, client_secret: secret, scope: scopes.join(' ') });
      cache.add(response, user.clientId, tenant, scopes);
      cache.save();
      return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in, subject: user.clientId };
    } catch (error) {
      throw new ToolExit(1, `\nERROR: fetching token: ${entraMessage(error)}\n`);
    }
  }
  const homeAccountId = user.homeAccountId;
  const account = homeAccountId ? cache.accounts().find((a) => a.home_account_id === homeAccountId) : undefined;
  if (!homeAccountId || !account) throw new ToolExit(1, NOT_LOGGED_IN);
  const tenant = tenantArg ?? homeAccountId.split('.')[1] ?? 'organizations';
  const username = account.username ?? '';
  const cached = cache.findAccessToken(AZURE_CLI_CLIENT_ID, homeAccountId, tenant, scopes);
  if (cached) return { token: cached.secret, expiresOn: cached.expiresOn, subject: username };
  const refreshToken = cache.findRefreshToken(homeAccountId, AZURE_CLI_CLIENT_ID);
  if (!refreshToken) throw new ToolExit(1, NOT_LOGGED_IN);
  try {
    const response = await tokenRequest(tenant, { grant_type: 'refresh_token', client_id: AZURE_CLI_CLIENT_ID, refresh_token: refreshToken, scope: `${scopes.join(' ')} offline_access openid profile`, client_info: '1' });
    cache.add(response, AZURE_CLI_CLIENT_ID, tenant, scopes, username, { refresh: true });
    cache.save();
    return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in, subject: username };
  } catch (error) {
    if (error instanceof EntraError) {
      throw new ToolExit(1, `\nERROR: fetching token: ${entraMessage(error)}\n\nSuggestion: reauthentication required, run \`azd auth login\` to log in again\n`);
    }
    throw error;
  }
}

function logout(): string {
  const user = currentUser();
  const cache = new MsalCacheFile(paths.cache());
  if (user?.homeAccountId) cache.removeAccount(user.homeAccountId);
  if (user?.clientId && user.tenantId) {
    cache.removeAccount(null, user.clientId);
    removeFile(paths.secret(user.tenantId, user.clientId));
  }
  cache.save();
  saveCurrentUser(undefined);
  return 'Logged out of Azure.\n';
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const behaviour = await behaviourFor('azd', argv);
  if (behaviour.delayMs > 0) await sleep(behaviour.delayMs);
  const version = behaviour.version ?? DEFAULT_VERSION;
  const args = new Args(argv, { '-o': '--output' }, ['--use-device-code', '--check-status', '--no-prompt', '--debug']);
  const [group, command] = args.positional;
  const json = args.get('--output') === 'json';
  let out: string;
  if (group === 'version' || (args.has('--version') && !group)) {
    out = json ? `${JSON.stringify({ azd: { version, commit: '0000000000000000000000000000000000000000' } }, null, 2)}\n` : `azd version ${version} (commit 0000000000000000000000000000000000000000)\n`;
  } else if (group === 'auth' && command === 'login' && args.has('--check-status')) {
    try {
      const result = await token([LOGIN_SCOPE], undefined);
      out = json ? `${JSON.stringify({ status: 'success', expiresOn: rfc3339(result.expiresOn) }, null, 2)}\n` : `Logged in to Azure as ${result.subject}\n`;
    } catch (error) {
      if (!(error instanceof ToolExit)) throw error;
      out = json ? `${JSON.stringify({ status: 'unauthenticated' }, null, 2)}\n` : 'Not logged in, run `azd auth login` to login to Azure\n';
    }
  } else if (group === 'auth' && command === 'login') {
    out = await login(args);
  } else if (group === 'auth' && command === 'logout') {
    out = logout();
  } else if (group === 'auth' && command === 'token') {
    switch (behaviour.mode) {
      case 'hang': return hangForever();
      case 'error': throw new ToolExit(1, '\nERROR: simulated failure (fake azd, mode=error)\n');
      case 'garbage': process.stdout.write('this is not JSON {{{\n'); return 0;
      case 'aadsts': throw new ToolExit(1, '\nERROR: fetching token: AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.\r\nTrace ID: 0b5a1f0e-3c1e-4a8a-9d3e-5f2b8a7c6d00\r\nCorrelation ID: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\nTimestamp: 2024-06-03 14:30:00Z\n');
      case 'not-logged-in': throw new ToolExit(1, NOT_LOGGED_IN);
      default: break;
    }
    const scopes = args.all('--scope').length > 0 ? args.all('--scope') : [LOGIN_SCOPE];
    const result = await token(scopes, args.get('--tenant-id'));
    out = json ? `${JSON.stringify({ token: result.token, expiresOn: rfc3339(result.expiresOn) }, null, 2)}\n` : `${result.token}\n`;
  } else {
    throw new ToolExit(1, `\nERROR: unknown command "${argv.join(' ')}" for "azd"\n`);
  }
  process.stdout.write(out);
  return 0;
}

runTool(main);
