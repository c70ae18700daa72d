// Shared machinery of the fake `az`, `azd` and `pwsh`: finding the sandbox, test-controlled behaviour (env vars
// first, then the control API), calls to the sandbox's Entra endpoints, sign-in flows (password, device code,
// browser with PKCE, client secret), an MSAL-format token cache file, and the output conventions of the real tools.
// Every network call has a timeout; no token or secret is ever printed except where the real tool prints it.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

export type ToolName = 'az' | 'azd' | 'pwsh';
export type ToolMode = 'ok' | 'error' | 'garbage' | 'aadsts' | 'hang' | 'not-logged-in' | 'no-module' | 'execution-policy';
const MODES: readonly ToolMode[] = ['ok', 'error', 'garbage', 'aadsts', 'hang', 'not-logged-in', 'no-module', 'execution-policy'];

export interface Behaviour { mode: ToolMode; delayMs: number; version: string | undefined }

/** The public client id Azure CLI (and azd) sign in with. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const AZURE_POWERSHELL_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
/** What MSAL records as the environment of tokens: the public cloud the real tools talk to. */
export const CLOUD_ENVIRONMENT = 'login.microsoftonline.com';

const NETWORK_TIMEOUT_MS = 15_000;

export class ToolExit extends Error {
  constructor(readonly code: number, readonly stderr: string, readonly stdout = '') { super(stderr); }
}

export function sandboxUrl(): string {
  const url = process.env.AZURE_DEV_AUTH_SANDBOX_URL;
  if (!url) throw new ToolExit(1, 'ERROR: AZURE_DEV_AUTH_SANDBOX_URL is not set: this fake tool only talks to the Azure Dev Auth sandbox.\n');
  return url.replace(/\/+$/, '');
}

export function homeDir(): string {
  const home = process.env.HOME;
  if (!home) throw new ToolExit(1, 'ERROR: HOME is not set.\n');
  return home;
}

function envNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Reports this invocation to the sandbox (argv is redacted there) and returns the behaviour to act out.
 * Env vars win over the control API: AZURE_DEV_AUTH_FAKE_<TOOL>_MODE / _DELAY_MS / _VERSION, then the same
 * without the tool name (AZURE_DEV_AUTH_FAKE_MODE, AZURE_DEV_AUTH_FAKE_DELAY_MS).
 */
export async function behaviourFor(tool: ToolName, argv: string[]): Promise<Behaviour> {
  let remote: { mode?: string; delayMs?: number; version?: string } = {};
  try {
    const res = await fetch(`${sandboxUrl()}/_sandbox/tools/${tool}/invocations`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ argv, cwd: process.cwd() }), signal: AbortSignal.timeout(5000),
    });
    if (res.ok) remote = await res.json() as typeof remote;
  } catch {
    // The sandbox being down shows up as the real network error on the first real call.
  }
  const upper = tool.toUpperCase();
  const modeText = process.env[`AZURE_DEV_AUTH_FAKE_${upper}_MODE`] || process.env.AZURE_DEV_AUTH_FAKE_MODE || remote.mode || 'ok';
  const mode = (MODES as readonly string[]).includes(modeText) ? modeText as ToolMode : 'ok';
  const delayMs = envNumber(`AZURE_DEV_AUTH_FAKE_${upper}_DELAY_MS`) ?? envNumber('AZURE_DEV_AUTH_FAKE_DELAY_MS') ?? remote.delayMs ?? 0;
  const version = process.env[`AZURE_DEV_AUTH_FAKE_${upper}_VERSION`] || remote.version;
  return { mode, delayMs, version };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The longest a "hung" fake tool stays alive when nobody kills it. */
const HANG_LIMIT_MS = 10 * 60_000;

/**
 * Never returns: the process stays alive until its caller's timeout kills it. Callers such as azure-identity run
 * the tool through `/bin/sh -c` and kill only that shell on timeout; the orphaned tool then notices that its parent
 * is gone and exits, and it gives up after HANG_LIMIT_MS in any case, so a test run leaves no process behind.
 */
export function hangForever(): Promise<never> {
  const parent = process.ppid;
  const started = Date.now();
  setInterval(() => {
    if (process.ppid !== parent || Date.now() - started > HANG_LIMIT_MS) process.exit(124);
  }, 250);
  return new Promise<never>(() => undefined);
}

/** Runs a tool's main function with the real tool's exit conventions. */
export function runTool(main: () => Promise<number>): void {
  main().then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    if (error instanceof ToolExit) {
      if (error.stdout) process.stdout.write(error.stdout);
      if (error.stderr) process.stderr.write(error.stderr);
      process.exitCode = error.code;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ERROR: ${message}\n`);
    process.exitCode = 1;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Argument parsing: `--name value`, `--name=value`, short aliases, repeatable flags.

export class Args {
  readonly positional: string[] = [];
  private readonly values = new Map<string, string[]>();

  constructor(argv: string[], aliases: Record<string, string> = {}, flags: string[] = []) {
    for (let i = 0; i < argv.length; i++) {
      const raw = argv[i]!;
      if (!raw.startsWith('-') || raw === '-') { this.positional.push(raw); continue; }
      const eq = raw.indexOf('=');
      let name = eq > 0 ? raw.slice(0, eq) : raw;
      name = aliases[name] ?? name;
      let value: string;
      if (eq > 0) value = raw.slice(eq + 1);
      else if (flags.includes(name)) value = 'true';
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
      else value = 'true';
      this.values.set(name, [...(this.values.get(name) ?? []), value]);
    }
  }

  get(name: string): string | undefined { return this.values.get(name)?.at(-1); }
  all(name: string): string[] { return this.values.get(name) ?? []; }
  has(name: string): boolean { return this.values.has(name); }
}

// ---------------------------------------------------------------------------------------------------------------
// Entra calls

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
  foci?: string;
}

export interface EntraErrorBody { error: string; error_description?: string; error_codes?: number[] }

export class EntraError extends Error {
  constructor(readonly body: EntraErrorBody) { super(body.error_description ?? body.error); }
}

async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(), signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ToolExit(1, `ERROR: HTTPSConnectionPool: Max retries exceeded with url: ${new URL(url).pathname} (Caused by ${error instanceof Error ? error.message : String(error)})\n`);
  }
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (body === undefined) throw new ToolExit(1, `ERROR: Unexpected response from the identity provider (HTTP ${res.status}).\n`);
  return { status: res.status, body };
}

export async function tokenRequest(tenant: string, form: Record<string, string>): Promise<TokenResponse> {
  const { status, body } = await post(`${sandboxUrl()}/${tenant}/oauth2/v2.0/token`, form);
  const record = body as Record<string, unknown>;
  if (status !== 200 || typeof record.access_token !== 'string') throw new EntraError(record as unknown as EntraErrorBody);
  return record as unknown as TokenResponse;
}

export async function armGet<T>(path: string, accessToken: string): Promise<T> {
  const res = await fetch(`${sandboxUrl()}/arm${path}`, { headers: { Authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
  const body = await res.json() as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ToolExit(1, `ERROR: (${body.error?.code ?? res.status}) ${body.error?.message ?? 'request failed'}\n`);
  return body;
}

export interface ArmSubscription { subscriptionId: string; displayName: string; state: string; tenantId: string; managedByTenants: { tenantId: string }[] }
export interface ArmTenant { tenantId: string; displayName: string; defaultDomain: string }

export async function listSubscriptions(accessToken: string): Promise<ArmSubscription[]> {
  const subscriptions: ArmSubscription[] = [];
  let path: string | undefined = '/subscriptions?api-version=2022-12-01';
  for (let pages = 0; path && pages < 50; pages++) {
    const body: { value: ArmSubscription[]; nextLink?: string } = await armGet(path, accessToken);
    subscriptions.push(...body.value);
    path = body.nextLink ? body.nextLink.slice(body.nextLink.indexOf('/subscriptions')) : undefined;
  }
  return subscriptions;
}

export async function listTenants(accessToken: string): Promise<ArmTenant[]> {
  const body: { value: ArmTenant[] } = await armGet('/tenants?api-version=2022-12-01', accessToken);
  return body.value;
}

export function decodeJwtClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in flows for public clients (users)

export interface UserSignIn { response: TokenResponse; tenantRealm: string }

/** `extra`: further token-request parameters, such as `claims` (a sign-in answering a claims challenge). */
export async function signInWithPassword(clientId: string, tenant: string, username: string, password: string, scope: string, extra: Record<string, string> = {}): Promise<TokenResponse> {
  return tokenRequest(tenant, { grant_type: 'password', client_id: clientId, username, password, scope: `${scope} offline_access openid profile`, client_info: '1', ...extra });
}

/** Device code flow: prints Entra's message on stderr (as the real tools do) and polls at Entra's interval. */
export async function signInWithDeviceCode(clientId: string, tenant: string, scope: string, announce: (message: string) => void, extra: Record<string, string> = {}): Promise<TokenResponse> {
  const { status, body } = await post(`${sandboxUrl()}/${tenant}/oauth2/v2.0/devicecode`, { client_id: clientId, scope: `${scope} offline_access openid profile` });
  const flow = body as { device_code?: string; message?: string; interval?: number; expires_in?: number } & EntraErrorBody;
  if (status !== 200 || !flow.device_code) throw new EntraError(flow);
  announce(flow.message ?? '');
  const deadline = Date.now() + Math.min(flow.expires_in ?? 900, 900) * 1000;
  for (;;) {
    await sleep(Math.max(flow.interval ?? 5, 0) * 1000 || 200);
    try {
      return await tokenRequest(tenant, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: clientId, device_code: flow.device_code, client_info: '1', ...extra });
    } catch (error) {
      if (error instanceof EntraError && error.body.error === 'authorization_pending' && Date.now() < deadline) continue;
      throw error;
    }
  }
}

/**
 * Browser sign-in with authorization code + PKCE and a loopback redirect, as `az login` and `azd auth login` do.
 * The fake plays the browser itself: if the sandbox signs a user in without a person (settings.autoSignInAs),
 * the authorize request redirects at once; otherwise the URL is printed and a person or a test's browser
 * completes it against the loopback listener.
 */
export async function signInWithBrowser(clientId: string, tenant: string, scope: string, announce: (url: string) => void, timeoutMs = 300_000, extra: Record<string, string> = {}): Promise<TokenResponse> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomUUID();
  let resolveCode: (code: string) => void = () => undefined;
  let rejectCode: (error: Error) => void = () => undefined;
  const codePromise = new Promise<string>((resolve, reject) => { resolveCode = resolve; rejectCode = reject; });
  const listener = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const code = url.searchParams.get('code');
    if (code && url.searchParams.get('state') === state) {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Authentication complete. You can return to the application. Feel free to close this browser tab.</body></html>');
      resolveCode(code);
    } else {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end('<html><body>Authentication failed.</body></html>');
      if (url.searchParams.get('error')) rejectCode(new ToolExit(1, `ERROR: ${url.searchParams.get('error_description') ?? url.searchParams.get('error')}\n`));
    }
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://localhost:${(listener.address() as AddressInfo).port}`;
  const authorize = new URL(`${sandboxUrl()}/${tenant}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({
    client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: `${scope} offline_access openid profile`,
    state, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'select_account', client_info: '1',
  })) authorize.searchParams.set(k, v);
  const timer = setTimeout(() => rejectCode(new ToolExit(1, 'ERROR: Timed out waiting for the browser sign-in to complete.\n')), timeoutMs);
  try {
    announce(authorize.toString());
    // Play the browser's first step: a sandbox that signs in without a person answers with the redirect.
    try {
      const res = await fetch(authorize, { redirect: 'manual', signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
      const location = res.headers.get('location');
      if (res.status === 302 && location) {
        const target = new URL(location);
        const code = target.searchParams.get('code');
        if (code && target.searchParams.get('state') === state) resolveCode(code);
        else if (target.searchParams.get('error')) rejectCode(new ToolExit(1, `ERROR: ${target.searchParams.get('error_description') ?? target.searchParams.get('error')}\n`));
      }
    } catch {
      // Leave it to the person with the browser.
    }
    const code = await codePromise;
    return await tokenRequest(tenant, {
      grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier,
      scope: `${scope} offline_access openid profile`, client_info: '1', ...extra,
    });
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The MSAL token cache, in the unified schema MSAL Python/Go/.NET write (keys and fields as msal/token_cache.py).

type CacheEntry = Record<string, string | null>;
export interface MsalCacheData {
  AccessToken: Record<string, CacheEntry>;
  RefreshToken: Record<string, CacheEntry>;
  IdToken: Record<string, CacheEntry>;
  Account: Record<string, CacheEntry>;
  AppMetadata: Record<string, CacheEntry>;
}

export class MsalCacheFile {
  data: MsalCacheData;

  constructor(readonly path: string) {
    this.data = { AccessToken: {}, RefreshToken: {}, IdToken: {}, Account: {}, AppMetadata: {} };
    if (existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as Partial<MsalCacheData>;
        this.data = { ...this.data, ...parsed };
      } catch {
        // A corrupt cache is treated like an empty one, as MSAL does.
      }
    }
  }

  save(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    writeFileSync(this.path, JSON.stringify(this.data, null, 4), { mode: 0o600 });
  }

  /** Records a token response the way MSAL's TokenCache.add does. */
  add(response: TokenResponse, clientId: string, realm: string, requestScopes: string[], username?: string, options: { refresh?: boolean } = {}): { homeAccountId: string | null } {
    const now = Math.floor(Date.now() / 1000);
    let homeAccountId: string | null = null;
    let clientInfo: { uid?: string; utid?: string } = {};
    if (response.client_info) {
      try { clientInfo = JSON.parse(Buffer.from(response.client_info, 'base64url').toString('utf8')) as typeof clientInfo; } catch { clientInfo = {}; }
      if (clientInfo.uid && clientInfo.utid) homeAccountId = `${clientInfo.uid}.${clientInfo.utid}`;
    }
    const target = (response.scope ? response.scope.split(' ') : requestScopes).join(' ');
    const key = (...parts: (string | null)[]): string => parts.map((p) => p ?? '').join('-').toLowerCase();
    const at: CacheEntry = {
      credential_type: 'AccessToken', secret: response.access_token, home_account_id: homeAccountId, environment: CLOUD_ENVIRONMENT,
      client_id: clientId, target, realm, token_type: response.token_type ?? 'Bearer', cached_at: String(now),
      expires_on: String(now + response.expires_in), extended_expires_on: String(now + response.expires_in),
    };
    this.data.AccessToken[key(homeAccountId, CLOUD_ENVIRONMENT, 'AccessToken', clientId, realm, target)] = at;
    // MSAL's silent refresh passes skip_account_creation: only interactive sign-ins create Account entries.
    if (homeAccountId && !options.refresh) {
      const idClaims = response.id_token ? decodeJwtClaims(response.id_token) : {};
      this.data.Account[key(homeAccountId, CLOUD_ENVIRONMENT, realm)] = {
        home_account_id: homeAccountId, environment: CLOUD_ENVIRONMENT, realm,
        local_account_id: String(idClaims.oid ?? clientInfo.uid ?? ''),
        username: String(idClaims.preferred_username ?? username ?? ''), authority_type: 'MSSTS',
      };
    }
    if (response.id_token) {
      this.data.IdToken[key(homeAccountId, CLOUD_ENVIRONMENT, 'IdToken', clientId, realm, '')] = {
        credential_type: 'IdToken', secret: response.id_token, home_account_id: homeAccountId, environment: CLOUD_ENVIRONMENT, realm, client_id: clientId,
      };
    }
    if (response.refresh_token) {
      const rt: CacheEntry = {
        credential_type: 'RefreshToken', secret: response.refresh_token, home_account_id: homeAccountId, environment: CLOUD_ENVIRONMENT,
        client_id: clientId, target, last_modification_time: String(now),
      };
      if (response.foci) rt.family_id = response.foci;
      // One refresh token per account and client: the newest replaces the older ones, as MSAL's update_rt does.
      for (const [k, v] of Object.entries(this.data.RefreshToken)) {
        if (v.home_account_id === homeAccountId && v.client_id === clientId) delete this.data.RefreshToken[k];
      }
      this.data.RefreshToken[key(homeAccountId, CLOUD_ENVIRONMENT, 'RefreshToken', clientId, '', target)] = rt;
    }
    const metadata: CacheEntry = { client_id: clientId, environment: CLOUD_ENVIRONMENT };
    if (response.foci) metadata.family_id = response.foci;
    this.data.AppMetadata[`appmetadata-${CLOUD_ENVIRONMENT}-${clientId}`] = metadata;
    return { homeAccountId };
  }

  /** A cached access token for these scopes that is good for at least five more minutes (MSAL's silent rule). */
  /** Forgets every access token of an account (the ones a claims challenge refused must not be handed out again). */
  dropAccessTokens(homeAccountId: string): void {
    for (const [k, v] of Object.entries(this.data.AccessToken)) if (v.home_account_id === homeAccountId) delete this.data.AccessToken[k];
  }

  findAccessToken(clientId: string, homeAccountId: string | null, realm: string, scopes: string[]): { secret: string; expiresOn: number } | undefined {
    const now = Math.floor(Date.now() / 1000);
    for (const entry of Object.values(this.data.AccessToken)) {
      if (entry.client_id !== clientId || entry.home_account_id !== homeAccountId || entry.realm !== realm) continue;
      const target = new Set((entry.target ?? '').toLowerCase().split(' '));
      if (!scopes.every((s) => target.has(s.toLowerCase()))) continue;
      const expiresOn = Number(entry.expires_on);
      if (expiresOn - 300 > now && entry.secret) return { secret: entry.secret, expiresOn };
    }
    return undefined;
  }

  findRefreshToken(homeAccountId: string, clientId: string): string | undefined {
    const entries = Object.values(this.data.RefreshToken).filter((e) => e.home_account_id === homeAccountId);
    const own = entries.find((e) => e.client_id === clientId) ?? entries.find((e) => e.family_id === '1');
    return own?.secret ?? undefined;
  }

  /** Removes everything that belongs to an account (az logout), or to an app when homeAccountId is null. */
  removeAccount(homeAccountId: string | null, clientId?: string): void {
    for (const section of Object.keys(this.data) as (keyof MsalCacheData)[]) {
      if (section === 'AppMetadata') continue;
      for (const [k, v] of Object.entries(this.data[section])) {
        const matches = homeAccountId === null ? v.home_account_id === null && v.client_id === clientId : v.home_account_id === homeAccountId;
        if (matches) delete this.data[section][k];
      }
    }
  }

  accounts(): CacheEntry[] {
    return Object.values(this.data.Account);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

export function readJsonFile<T>(path: string, fallback: T): T {
  if (!existsSync(path)) return fallback;
  try {
    return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as T;
  } catch {
    return fallback;
  }
}

export function writeFile(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode });
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** Local wall-clock time as Python's strftime('%Y-%m-%d %H:%M:%S.%f') prints it (what az's expiresOn holds). */
export function localTimestamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`;
}

/** Python's json.dumps(obj, indent=2, sort_keys=True), the layout of `az ... --output json`. */
export function pythonJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sortKeys(value), null, 2);
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export function entraMessage(error: unknown): string {
  if (error instanceof EntraError) return error.body.error_description ?? error.body.error;
  return error instanceof Error ? error.message : String(error);
}

/** Python's json.dumps(obj) with default separators (", " and ": "), the layout of az's own state files. */
export function pythonCompactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonCompactJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${pythonCompactJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}
