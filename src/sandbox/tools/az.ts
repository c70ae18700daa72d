// Fake Azure CLI (`az`) backed by the sandbox tenant. Its state lives where the real az 2.45 keeps it (checked by
// running the real one against the sandbox): $AZURE_CONFIG_DIR or ~/.azure/azureProfile.json (UTF-8 BOM, Python
// json.dumps layout), msal_token_cache.json (MSAL schema), service_principal_entries.json and clouds.config.
//
// Commands: az login [--use-device-code | -u USER -p PASSWORD | --service-principal -u APPID -p SECRET --tenant T]
//                    [--claims-challenge BASE64] [--scope S]
//             [--tenant T] [--allow-no-subscriptions]   (no method given: browser sign-in with PKCE; the sandbox
//             completes it when settings.autoSignInAs is set, else a person/browser must finish it)
//           az logout | az account show|list [--all]|set -s SUB|clear | az ad signed-in-user show
//           az cloud set --name AzureCloud|AzureChinaCloud|AzureUSGovernment | az cloud show
//           az account get-access-token [--resource R | --scope S] [--tenant T] [--subscription S] [--query K -o tsv]
//           az --version | az version
//
// Test knobs (env vars win over PUT /_sandbox/tools/az {mode, delayMs, version}):
//   AZURE_DEV_AUTH_FAKE_AZ_DELAY_MS / AZURE_DEV_AUTH_FAKE_DELAY_MS   sleep before doing anything (a slow az)
//   AZURE_DEV_AUTH_FAKE_AZ_VERSION   version to imitate (default 2.67.0); below 2.54.0 get-access-token has no expires_on
//   AZURE_DEV_AUTH_FAKE_AZ_MODE / AZURE_DEV_AUTH_FAKE_MODE, for `account get-access-token` and `account show`:
//     ok | error (exit 1, unexpected error on stderr) | garbage (exit 0, unparsable stdout)
//     | aadsts (exit 1, AADSTS70043 refresh-token error + "az login" hint) | hang (never exits)
//     | not-logged-in (the real "Please run 'az login'" message, exit 1)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Args, AZURE_CLI_CLIENT_ID, EntraError, MsalCacheFile, ToolExit, behaviourFor, decodeJwtClaims, entraMessage, hangForever,
  homeDir, listSubscriptions, listTenants, localTimestamp, pythonCompactJson, pythonJson, readJsonFile, removeFile, runTool,
  sandboxUrl, signInWithBrowser, signInWithDeviceCode, signInWithPassword, sleep, tokenRequest, versionAtLeast, writeFile,
  type ArmSubscription, type Behaviour, type TokenResponse,
} from './common';

const DEFAULT_VERSION = '2.67.0';
/** az's default resource: cloud.endpoints.active_directory_resource_id of AzureCloud. */
const DEFAULT_RESOURCE = 'https://management.core.windows.net/';
const LOGIN_SCOPE = 'https://management.core.windows.net//.default';
const NOT_LOGGED_IN = "ERROR: Please run 'az login' to setup account.\n";

interface ProfileSubscription {
  id: string;
  name: string;
  state: string;
  user: { name: string; type: 'user' | 'servicePrincipal' };
  isDefault: boolean;
  tenantId: string;
  environmentName: string;
  homeTenantId: string;
  tenantDefaultDomain?: string;
  tenantDisplayName?: string;
  managedByTenants: { tenantId: string }[];
}

interface Profile { subscriptions: ProfileSubscription[]; installationId: string }
interface ServicePrincipalEntry { client_id: string; tenant: string; client_secret: string }

function configDir(): string {
  return process.env.AZURE_CONFIG_DIR || join(homeDir(), '.azure');
}

const paths = {
  profile: () => join(configDir(), 'azureProfile.json'),
  cache: () => join(configDir(), 'msal_token_cache.json'),
  servicePrincipals: () => join(configDir(), 'service_principal_entries.json'),
  clouds: () => join(configDir(), 'clouds.config'),
  config: () => join(configDir(), 'config'),
};

const KNOWN_CLOUDS = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'];

function readTextFile(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** The `[cloud] name` of az's INI config; AzureCloud when never set. */
function currentCloud(): string {
  let section = '';
  for (const raw of readTextFile(paths.config()).split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) { section = header[1]!.trim().toLowerCase(); continue; }
    const pair = /^name\s*=\s*(.+)$/.exec(line);
    if (section === 'cloud' && pair) return pair[1]!.trim();
  }
  return 'AzureCloud';
}

/**
 * `az cloud set --name X`: az records the choice in its config's [cloud] section (other sections kept). The sandbox
 * stands in for every cloud, so sign-ins still reach it; the choice matters to whoever reads the config.
 */
function cloudSet(args: Args): string {
  const name = args.get('--name');
  if (!name) throw new ToolExit(2, 'ERROR: the following arguments are required: --name/-n\n');
  if (!KNOWN_CLOUDS.includes(name)) throw new ToolExit(1, `ERROR: Unable to find cloud '${name}'. Use one of ${KNOWN_CLOUDS.join(', ')}.\n`);
  const kept: string[] = [];
  let section = '';
  for (const line of readTextFile(paths.config()).split(/\r?\n/)) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) section = header[1]!.trim().toLowerCase();
    if (section !== 'cloud' && line.trim()) kept.push(line);
  }
  writeFile(paths.config(), `${[...kept, '[cloud]', `name = ${name}`].join('\n')}\n`);
  return '';
}

function loadProfile(): Profile {
  const profile = readJsonFile<Partial<Profile>>(paths.profile(), {});
  return { subscriptions: Array.isArray(profile.subscriptions) ? profile.subscriptions : [], installationId: profile.installationId ?? randomUUID() };
}

function saveProfile(profile: Profile): void {
  // az writes this file with codecs 'utf-8-sig' (a BOM) and json.dumps' default separators.
  writeFile(paths.profile(), `\uFEFF${pythonCompactJson({ subscriptions: profile.subscriptions, installationId: profile.installationId })}`, 0o644);
  const current = profile.subscriptions.find((s) => s.isDefault);
  writeFile(paths.clouds(), current ? `[AzureCloud]\nsubscription = ${current.id}\n\n` : '', 0o600);
}

function listView(s: ProfileSubscription): Record<string, unknown> {
  const { environmentName, ...rest } = s;
  return { cloudName: environmentName, ...rest };
}

function print(value: unknown, args: Args): string {
  const query = args.get('--query');
  const output = args.get('--output') ?? 'json';
  let selected = value;
  if (query && value && typeof value === 'object' && !Array.isArray(value)) selected = (value as Record<string, unknown>)[query];
  if (output === 'tsv') return `${Array.isArray(selected) ? selected.join('\t') : String(selected ?? '')}\n`;
  return `${pythonJson(selected)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------

async function login(args: Args, version: string): Promise<string> {
  const tenantArg = args.get('--tenant');
  const cache = new MsalCacheFile(paths.cache());
  const profile = loadProfile();
  const newVersionFields = versionAtLeast(version, '2.54.0');
  let found: { subs: ArmSubscription[]; tenants: Map<string, { displayName: string; defaultDomain: string }> };
  let user: ProfileSubscription['user'];

  if (args.has('--service-principal')) {
    const appId = args.get('--username');
    const secret = args.get('--password');
    if (!appId || !secret || !tenantArg) throw new ToolExit(2, 'ERROR: usage error: --service-principal --username APP_ID --password SECRET --tenant TENANT\n');
    let response: TokenResponse;
    try {
      response = await tokenRequest(tenantArg, { grant_type: 'client_credentials', client_id: appId, client_secret: secret, scope: LOGIN_SCOPE });
    } catch (error) {
      throw new ToolExit(1, `ERROR: ${entraMessage(error)}\n`);
    }
    const tenantId = String(decodeJwtClaims(response.access_token).tid ?? tenantArg);
    cache.add(response, appId, tenantId, [LOGIN_SCOPE]);
    const entries = readJsonFile<ServicePrincipalEntry[]>(paths.servicePrincipals(), []).filter((e) => e.client_id !== appId);
    entries.push({ client_id: appId, tenant: tenantId, client_secret: secret });
    writeFile(paths.servicePrincipals(), JSON.stringify(entries), 0o600);
    found = { subs: await listSubscriptions(response.access_token), tenants: new Map() };
    user = { name: appId, type: 'servicePrincipal' };
  } else {
    const authority = tenantArg ?? 'organizations';
    // az login --claims-challenge <base64> (azure-cli 2.76+): the decoded claims go with the sign-in's token request.
    const extra: Record<string, string> = {};
    const challenge = args.get('--claims-challenge');
    if (challenge !== undefined) {
      const decoded = Buffer.from(challenge, 'base64').toString('utf8');
      try { JSON.parse(decoded); } catch { throw new ToolExit(2, 'ERROR: --claims-challenge must be a base64-encoded claims challenge.\n'); }
      extra.claims = decoded;
    }
    let response: TokenResponse;
    try {
      if (args.has('--username') && args.has('--password')) {
        response = await signInWithPassword(AZURE_CLI_CLIENT_ID, authority, args.get('--username')!, args.get('--password')!, LOGIN_SCOPE, extra);
      } else if (args.has('--use-device-code')) {
        response = await signInWithDeviceCode(AZURE_CLI_CLIENT_ID, authority, LOGIN_SCOPE, (message) => process.stderr.write(`${message}\n`), extra);
      } else {
        response = await signInWithBrowser(AZURE_CLI_CLIENT_ID, authority, LOGIN_SCOPE, (url) => {
          process.stderr.write(`A web browser has been opened at ${url.split('?')[0]}. Please continue the login in the web browser. If no web browser is available or if the web browser fails to open, use device code flow with \`az login --use-device-code\`.\n`);
          process.stderr.write(`Sign-in URL: ${url}\n`);
        }, undefined, extra);
      }
    } catch (error) {
      if (error instanceof ToolExit) throw error;
      throw new ToolExit(1, `ERROR: ${entraMessage(error)}\n`);
    }
    const claims = decodeJwtClaims(response.access_token);
    const username = String(claims.upn ?? args.get('--username') ?? '');
    const { homeAccountId } = cache.add(response, AZURE_CLI_CLIENT_ID, authority, [LOGIN_SCOPE], username);
    // The sandbox's assumption for a sign-in that answers a claims challenge: the account's earlier access tokens
    // (which Azure refused) are not handed out again; the next get-access-token redeems the new session.
    if (challenge !== undefined && homeAccountId) {
      cache.dropAccessTokens(homeAccountId);
      cache.add(response, AZURE_CLI_CLIENT_ID, authority, [LOGIN_SCOPE], username);
    }
    // Like az: enumerate the tenants, then get a token per tenant and list its subscriptions.
    const tenants = new Map<string, { displayName: string; defaultDomain: string }>();
    const subs: ArmSubscription[] = [];
    for (const t of await listTenants(response.access_token)) {
      if (tenantArg && t.tenantId !== String(claims.tid)) continue;
      tenants.set(t.tenantId, { displayName: t.displayName, defaultDomain: t.defaultDomain });
      const refresh = cache.findRefreshToken(homeAccountId ?? '', AZURE_CLI_CLIENT_ID);
      if (!refresh) continue;
      const tenantToken = await tokenRequest(t.tenantId, { grant_type: 'refresh_token', client_id: AZURE_CLI_CLIENT_ID, refresh_token: refresh, scope: `${LOGIN_SCOPE} offline_access openid profile`, client_info: '1' });
      cache.add(tenantToken, AZURE_CLI_CLIENT_ID, t.tenantId, [LOGIN_SCOPE], username, { refresh: true });
      subs.push(...await listSubscriptions(tenantToken.access_token));
    }
    found = { subs, tenants };
    user = { name: username, type: 'user' };
    if (subs.length === 0 && !args.has('--allow-no-subscriptions')) {
      cache.save();
      throw new ToolExit(1, `ERROR: No subscriptions found for ${username}.\n`);
    }
  }
  cache.save();

  let entries: ProfileSubscription[] = found.subs.map((s) => ({
    id: s.subscriptionId, name: s.displayName, state: s.state, user, isDefault: false, tenantId: s.tenantId,
    environmentName: 'AzureCloud', homeTenantId: s.tenantId,
    ...(newVersionFields && found.tenants.get(s.tenantId) ? { tenantDefaultDomain: found.tenants.get(s.tenantId)!.defaultDomain, tenantDisplayName: found.tenants.get(s.tenantId)!.displayName } : {}),
    managedByTenants: s.managedByTenants ?? [],
  }));
  if (entries.length === 0) {
    // --allow-no-subscriptions: a tenant-level account.
    const tenantIds = found.tenants.size > 0 ? [...found.tenants.keys()] : [tenantArg ?? ''];
    entries = tenantIds.map((tenantId) => ({
      id: tenantId, name: 'N/A(tenant level account)', state: 'Enabled', user, isDefault: false, tenantId,
      environmentName: 'AzureCloud', homeTenantId: tenantId, managedByTenants: [],
    }));
  }
  entries[0]!.isDefault = true;
  const ids = new Set(entries.map((e) => e.id));
  profile.subscriptions = [
    ...profile.subscriptions.filter((s) => !ids.has(s.id)).map((s) => ({ ...s, isDefault: false })),
    ...entries,
  ];
  saveProfile(profile);
  return print(entries.map(listView), new Args([]));
}

function logout(args: Args): string {
  const profile = loadProfile();
  const current = profile.subscriptions.find((s) => s.isDefault) ?? profile.subscriptions[0];
  const username = args.get('--username') ?? current?.user.name;
  if (!username) throw new ToolExit(1, 'ERROR: There are no active accounts.\n');
  const cache = new MsalCacheFile(paths.cache());
  const account = cache.accounts().find((a) => a.username?.toLowerCase() === username.toLowerCase());
  if (account?.home_account_id) cache.removeAccount(account.home_account_id);
  else cache.removeAccount(null, username);
  cache.save();
  const remaining = readJsonFile<ServicePrincipalEntry[]>(paths.servicePrincipals(), []).filter((e) => e.client_id !== username);
  if (remaining.length > 0) writeFile(paths.servicePrincipals(), JSON.stringify(remaining));
  else removeFile(paths.servicePrincipals());
  profile.subscriptions = profile.subscriptions.filter((s) => s.user.name.toLowerCase() !== username.toLowerCase());
  if (profile.subscriptions.length > 0 && !profile.subscriptions.some((s) => s.isDefault)) profile.subscriptions[0]!.isDefault = true;
  saveProfile(profile);
  return '';
}

function findSubscription(profile: Profile, nameOrId: string | undefined): ProfileSubscription {
  if (profile.subscriptions.length === 0) throw new ToolExit(1, NOT_LOGGED_IN);
  if (!nameOrId) {
    const current = profile.subscriptions.find((s) => s.isDefault);
    if (!current) throw new ToolExit(1, "ERROR: No subscription found. Run 'az account set' to select a subscription.\n");
    return current;
  }
  const matches = profile.subscriptions.filter((s) => s.id.toLowerCase() === nameOrId.toLowerCase() || s.name === nameOrId);
  if (matches.length > 1) throw new ToolExit(1, `ERROR: Multiple subscriptions with the name '${nameOrId}' found. Specify the subscription ID.\n`);
  if (matches.length === 0) throw new ToolExit(1, `ERROR: Subscription '${nameOrId}' not found. Check the spelling and casing and try again.\n`);
  return matches[0]!;
}

/** The token for a profile account, from the cache when still good, else from the sandbox. */
async function accessToken(sub: ProfileSubscription, tenant: string, scopes: string[]): Promise<{ token: string; expiresOn: number }> {
  const cache = new MsalCacheFile(paths.cache());
  if (sub.user.type === 'servicePrincipal') {
    const cached = cache.findAccessToken(sub.user.name, null, tenant, scopes);
    if (cached) return { token: cached.secret, expiresOn: cached.expiresOn };
    const entry = readJsonFile<ServicePrincipalEntry[]>(paths.servicePrincipals(), []).find((e) => e.client_id === sub.user.name);
    if (!entry) throw new ToolExit(1, `ERROR: Could not retrieve credential from local cache for service principal ${sub.user.name}. Run \`az login\` for this service principal.\n`);
    try {
      const response = await tokenRequest(tenant, { grant_type: 'client_credentials', client_id: entry.client_id, client_secret: entry.client_secret, scope: scopes.join(' ') });
      cache.add(response, entry.client_id, tenant, scopes);
      cache.save();
      return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in };
    } catch (error) {
      throw new ToolExit(1, `ERROR: ${entraMessage(error)}\n`);
    }
  }
  const account = cache.accounts().find((a) => a.username?.toLowerCase() === sub.user.name.toLowerCase());
  const homeAccountId = account?.home_account_id;
  if (!homeAccountId) throw new ToolExit(1, `ERROR: User '${sub.user.name}' does not exist in MSAL token cache. Run \`az login\`.\n`);
  const cached = cache.findAccessToken(AZURE_CLI_CLIENT_ID, homeAccountId, tenant, scopes);
  if (cached) return { token: cached.secret, expiresOn: cached.expiresOn };
  const refreshToken = cache.findRefreshToken(homeAccountId, AZURE_CLI_CLIENT_ID);
  if (!refreshToken) throw new ToolExit(1, `ERROR: User '${sub.user.name}' does not exist in MSAL token cache. Run \`az login\`.\n`);
  try {
    const response = await tokenRequest(tenant, { grant_type: 'refresh_token', client_id: AZURE_CLI_CLIENT_ID, refresh_token: refreshToken, scope: `${scopes.join(' ')} offline_access openid profile`, client_info: '1' });
    cache.add(response, AZURE_CLI_CLIENT_ID, tenant, scopes, sub.user.name, { refresh: true });
    cache.save();
    return { token: response.access_token, expiresOn: Math.floor(Date.now() / 1000) + response.expires_in };
  } catch (error) {
    if (error instanceof EntraError) {
      // az 2.45 (azure/cli/core/auth/util.py aad_error_handler): the AADSTS text, then the re-login hint.
      throw new ToolExit(1, `ERROR: ${entraMessage(error)}\nInteractive authentication is needed. Please run:\naz login --scope ${scopes[0]}\n`);
    }
    throw error;
  }
}

async function getAccessToken(args: Args, version: string): Promise<string> {
  const profile = loadProfile();
  const sub = findSubscription(profile, args.get('--subscription'));
  const tenant = args.get('--tenant') ?? sub.tenantId;
  const scopes = args.all('--scope').length > 0 ? args.all('--scope') : [`${args.get('--resource') ?? DEFAULT_RESOURCE}/.default`];
  const { token, expiresOn } = await accessToken(sub, tenant, scopes);
  const result: Record<string, unknown> = {
    accessToken: token,
    expiresOn: localTimestamp(expiresOn),
    ...(versionAtLeast(version, '2.54.0') ? { expires_on: expiresOn } : {}),
    ...(args.has('--tenant') ? {} : { subscription: sub.id }),
    tenant,
    tokenType: 'Bearer',
  };
  return print(result, args);
}

async function signedInUser(args: Args): Promise<string> {
  const profile = loadProfile();
  const sub = findSubscription(profile, undefined);
  if (sub.user.type !== 'user') throw new ToolExit(1, "ERROR: /me request is only valid with delegated authentication flow.\n");
  const { token } = await accessToken(sub, sub.tenantId, ['https://graph.microsoft.com//.default']);
  const res = await fetch(`${sandboxUrl()}/graph/v1.0/me`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  const body = await res.json() as Record<string, unknown>;
  if (!res.ok) throw new ToolExit(1, `ERROR: ${JSON.stringify(body)}\n`);
  return print(body, args);
}

function versionText(version: string): string {
  return `azure-cli                         ${version}\n\ncore                              ${version}\ntelemetry                          1.1.0\n\nDependencies:\nmsal                              1.31.0\nazure-mgmt-resource               23.1.1\n\nPython location '/opt/az/bin/python3'\nExtensions directory '${join(homeDir(), '.azure', 'cliextensions')}'\n\nPython (Linux) 3.12.8\n\nLegal docs and information: aka.ms/AzureCliLegal\n\n\nYour CLI is up-to-date.\n`;
}

/** Acts out a failure mode chosen by a test; returns true when the mode took over the command. */
async function actOut(behaviour: Behaviour): Promise<string | undefined> {
  switch (behaviour.mode) {
    case 'hang': return hangForever();
    case 'error': throw new ToolExit(1, 'ERROR: The command failed with an unexpected error. Here is the traceback:\nERROR: simulated failure (fake az, mode=error)\n');
    case 'garbage': return 'this is not JSON {{{\n';
    case 'aadsts':
      throw new ToolExit(1, 'ERROR: AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued on 2024-06-02T14:27:05.8405153Z and the maximum allowed lifetime for this request is 86400.\r\nTrace ID: 0b5a1f0e-3c1e-4a8a-9d3e-5f2b8a7c6d00\r\nCorrelation ID: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\nTimestamp: 2024-06-03 14:30:00Z\nInteractive authentication is needed. Please run:\naz login --scope https://management.core.windows.net//.default\n');
    case 'not-logged-in': throw new ToolExit(1, NOT_LOGGED_IN);
    default: return undefined;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const behaviour = await behaviourFor('az', argv);
  if (behaviour.delayMs > 0) await sleep(behaviour.delayMs);
  const version = behaviour.version ?? DEFAULT_VERSION;
  const args = new Args(argv, { '-u': '--username', '-p': '--password', '-t': '--tenant', '-s': '--subscription', '-o': '--output', '-n': '--name' },
    ['--use-device-code', '--service-principal', '--allow-no-subscriptions', '--all', '--version', '--identity', '--only-show-errors']);
  const [group, command] = args.positional;
  let out: string;
  if (args.has('--version') && !group) out = versionText(version);
  else if (group === 'version') out = `${pythonJson({ 'azure-cli': version, 'azure-cli-core': version, 'azure-cli-telemetry': '1.1.0', extensions: {} })}\n`;
  else if (group === 'login') out = await login(args, version);
  else if (group === 'logout') out = logout(args);
  else if (group === 'account' && command === 'get-access-token') out = (await actOut(behaviour)) ?? await getAccessToken(args, version);
  else if (group === 'account' && command === 'show') out = (await actOut(behaviour)) ?? print(findSubscription(loadProfile(), args.get('--subscription')), args);
  else if (group === 'account' && command === 'list') {
    const profile = loadProfile();
    if (profile.subscriptions.length === 0) process.stderr.write('WARNING: Please run "az login" to access your accounts.\n');
    const shown = args.has('--all') ? profile.subscriptions : profile.subscriptions.filter((s) => s.state !== 'Disabled');
    out = print(shown.map(listView), args);
  } else if (group === 'account' && command === 'set') {
    const profile = loadProfile();
    const target = findSubscription(profile, args.get('--subscription') ?? args.get('--name'));
    if (!args.get('--subscription') && !args.get('--name')) throw new ToolExit(2, 'ERROR: the following arguments are required: --subscription/-s/--name/-n\n');
    for (const s of profile.subscriptions) s.isDefault = s === target;
    saveProfile(profile);
    out = '';
  } else if (group === 'account' && command === 'clear') {
    removeFile(paths.profile());
    removeFile(paths.cache());
    removeFile(paths.servicePrincipals());
    removeFile(paths.clouds());
    out = '';
  } else if (group === 'cloud' && command === 'set') out = cloudSet(args);
  else if (group === 'cloud' && command === 'show') out = print({ isActive: true, name: currentCloud(), profile: 'latest' }, args);
  else if (group === 'ad' && command === 'signed-in-user' && args.positional[2] === 'show') out = await signedInUser(args);
  else {
    throw new ToolExit(2, `ERROR: '${argv.join(' ')}' is misspelled or not recognized by the system.\n`);
  }
  process.stdout.write(out);
  return 0;
}

runTool(main);
