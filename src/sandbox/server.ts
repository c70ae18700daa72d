// The sandbox tenant: one HTTPS server on 127.0.0.1 serving Entra ID, ARM, Microsoft Graph, managed identity and a
// control API, plus a loopback egress proxy, with fake `az`, `azd` and `pwsh` shims. Tests, benchmarks and
// `npm start` all use it instead of real Azure.
//
// Loopback layout (https://127.0.0.1:<port>):
//   /{tenant}/...                    Entra ID (AZURE_AUTHORITY_HOST = <url>/)
//   /arm/...                         Azure Resource Manager (AZURE_DEV_AUTH_RESOURCE_MANAGER)
//   /graph/v1.0/...                  Microsoft Graph (AZURE_DEV_AUTH_GRAPH)
//   /_mi/appservice                  App Service managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER)
//   /metadata/identity/oauth2/token  IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST = <url>)
//   /_mi/unassigned/metadata/...     an IMDS without an assigned identity (AZURE_POD_IDENTITY_AUTHORITY_HOST = <url>/_mi/unassigned)
//   /devicelogin                     the device-code page a person (or a browser test) completes
//   /_sandbox/...                    control API (controlApi.ts)
// Requests tunnelled through the egress proxy to login.microsoftonline.com, management.azure.com or
// graph.microsoft.com reach the same services without a prefix (proxy.ts); the proxy refuses every other host.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { armError, armNotFound, armRequestHeaders, armRoutes, type ArmRuntime } from './arm';
import { ControlState, redactPath, type ActiveFault, type FaultSpec, type RequestLogEntry, type SandboxSettings, type ToolBehaviour, type ToolInvocation, type ToolName } from './control';
import { controlRoutes } from './controlApi';
import { entraRoutes, settleDeviceCode } from './entra';
import { graphFault, graphNotFound, graphRoutes } from './graph';
import { BLOB_HOST, blobRoutes } from './blob';
import { handleGraphBatch, type InnerRequest, type InnerResponse } from './graphBatch';
import { HttpError, newRequestId, readBody, sendJson, type RequestContext, type Route, type Service } from './http';
import { arcEndpointPath, arcKeySecret, managedIdentityRoutes } from './managedIdentity';
import { createEgressProxy } from './proxy';
import { EntraSessions } from './runtime';
import { defaultSeed, parseSeed, type ParsedSeed, type SandboxSeed } from './seed';
import { TenantState } from './state';
import { createSandboxTls, INTERCEPTED_HOSTS } from './tls';
import { createSigningKey } from './tokens';

export type { SandboxSeed } from './seed';
export { defaultSeed } from './seed';
export { demoSeed } from './demoSeed';
export { largeSeed, LARGE_SEED_SIZE } from './largeSeed';
export type { FaultSpec, RequestLogEntry, SandboxSettings, ToolBehaviour, ToolInvocation, ToolName } from './control';

export type ManagedIdentityKind = 'appservice' | 'imds' | 'none' | 'cloudshell' | 'azureml' | 'servicefabric' | 'arc';

export interface SandboxOptions {
  /** HTTPS port on 127.0.0.1 (default: any free port). */
  port?: number;
  /** Where the CA, the client certificate and the tool shims are written (default: a fresh temp folder, removed on stop). */
  stateDir?: string;
  seed?: SandboxSeed;
  /** Items per ARM list page before a nextLink (default 1000: real lists of this size come in one page). */
  pageSize?: number;
  /** Port of the loopback egress proxy (default: any free port). */
  proxyPort?: number;
  /** Folder with the built fake tools (default: <repo>/dist/tools). */
  toolsDistDir?: string;
}

export interface SandboxControl {
  /**
   * Back to the seed: created groups and assignments gone, no faults, empty log and counters, default settings and
   * tool behaviour. Issued refresh tokens stay valid, so HOMEs signed in with the fake tools keep working.
   */
  reset(): void;
  /** What the second listener received. */
  foreign(): { url: string; requests: number; withBearer: number };
  reseed(seed: SandboxSeed): void;
  /** Returns the fault's id. */
  injectFault(spec: FaultSpec): string;
  /** All faults, or the one with this id. */
  clearFaults(id?: string): void;
  faults(): ActiveFault[];
  requestLog(): RequestLogEntry[];
  clearLog(): void;
  counters(): Record<string, number>;
  /** Reads the runtime settings; with an argument, changes them first. */
  settings(patch?: Partial<SandboxSettings>): SandboxSettings;
  toolBehaviour(tool: ToolName): ToolBehaviour;
  /** Replaces a fake tool's behaviour (env vars in the tool's process still win). */
  setToolBehaviour(tool: ToolName, behaviour: ToolBehaviour): void;
  toolInvocations(): ToolInvocation[];
  /** What the fake tools report about each run (argv with secrets redacted). */
  recordToolInvocation(tool: ToolName, argv: string[], cwd: string): void;
  pendingDeviceCodes(): { userCode: string; clientId: string; createdAt: string }[];
  /** Completes the newest pending device code (or the one given) as a seeded user; returns its user code. */
  approveDeviceCode(user: string, userCode?: string): string;
  declineDeviceCode(userCode?: string): string;
  updateUser(key: string, change: { mfaRequired?: boolean; password?: string; conditionalAccessBlocked?: boolean }): void;
  /** Makes the user's refresh tokens fail with AADSTS700082; returns how many were affected. */
  expireRefreshTokens(userKey: string): number;
  /** A workload-identity assertion the seeded service principal's federated credential accepts. */
  federatedToken(subject: string, audience?: string): Promise<{ token: string; issuer: string }>;
}

export interface SandboxUser { upn: string; objectId: string; password: string; displayName: string }

export interface Sandbox {
  url: string;
  authorityHost: string;
  resourceManager: string;
  graph: string;
  caFile: string;
  /** Chromium trusts the sandbox's server certificate with these flags (it does not read NODE_EXTRA_CA_CERTS). */
  chromiumFlags: string[];
  /** http://127.0.0.1:<port>: HTTPS_PROXY/HTTP_PROXY value (see proxy.ts). */
  proxyUrl: string;
  /**
   * https://localhost:<port>: a second listener, another origin under the same CA, where the 'foreign' next-link
   * fault points; it answers an empty list and counts requests and bearer tokens (control.foreign()).
   */
  foreignUrl: string;
  toolsBinDir: string;
  tenantId: string;
  servicePrincipal: { clientId: string; clientSecret: string; objectId: string; certificatePath: string };
  users: Record<string, SandboxUser>;
  managedIdentities: Record<string, { clientId: string; objectId: string; resourceId: string; kind: 'systemAssigned' | 'userAssigned' }>;
  env(): Record<string, string>;
  toolEnv(home: string): Record<string, string>;
  /**
   * Loopback managed-identity knobs: 'appservice' (IDENTITY_ENDPOINT + IDENTITY_HEADER), 'imds'
   * (AZURE_POD_IDENTITY_AUTHORITY_HOST, the seed's system-assigned identity), or 'none' (an IMDS that answers
   * "Identity not found", so the credential reports itself unavailable as on a machine without one); the other
   * hosts: 'cloudshell' (MSI_ENDPOINT), 'azureml' (MSI_ENDPOINT + MSI_SECRET), 'servicefabric' (IDENTITY_ENDPOINT +
   * IDENTITY_HEADER + IDENTITY_SERVER_THUMBPRINT, the SHA-1 thumbprint of the sandbox's server certificate) and
   * 'arc' (IDENTITY_ENDPOINT + IMDS_ENDPOINT; the challenge names `arcKeyFile`, see arcKeySecret).
   */
  managedIdentityEnv(kind: ManagedIdentityKind, arcKeyFile?: string): Record<string, string>;
  /** What the Azure Arc endpoint expects to find in the key file its challenge names. */
  arcKeySecret(keyFile: string): string;
  control: SandboxControl;
  stop(): Promise<void>;
}

/** The repository root, found from this file (src/sandbox when run with tsx, dist when bundled). */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"azure-dev-auth"/.test(readFileSync(pkg, 'utf8'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function writeToolShims(binDir: string, toolsDistDir: string, url: string, caFile: string): void {
  mkdirSync(binDir, { recursive: true });
  for (const tool of ['az', 'azd', 'pwsh'] as const) {
    const script = join(toolsDistDir, `${tool}.js`);
    const shim = [
      '#!/bin/sh',
      `# Fake \`${tool}\` of the Azure Dev Auth sandbox (src/sandbox/tools/${tool}.ts); keeps its state under $HOME.`,
      `: "\${AZURE_DEV_AUTH_SANDBOX_URL:=${url}}"`,
      `: "\${NODE_EXTRA_CA_CERTS:=${caFile}}"`,
      'export AZURE_DEV_AUTH_SANDBOX_URL NODE_EXTRA_CA_CERTS',
      `script=${shellQuote(script)}`,
      'if [ ! -f "$script" ]; then',
      `  echo "ERROR: the sandbox's fake ${tool} is not built ($script is missing). Run: npm run build" >&2`,
      '  exit 1',
      'fi',
      `exec ${shellQuote(process.execPath)} "$script" "$@"`,
      '',
    ].join('\n');
    const path = join(binDir, tool);
    writeFileSync(path, shim);
    chmodSync(path, 0o755);
  }
}

function listen(server: HttpsServer | HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const ENV_NAMES_TO_DROP = /^(AZURE_|IDENTITY_|MSI_|IMDS_|AZD_|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$|ALL_PROXY$|all_proxy$)/;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  let seed: ParsedSeed = parseSeed(options.seed ?? defaultSeed());
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'azure-dev-auth-sandbox-'));
  mkdirSync(stateDir, { recursive: true });
  const [tls, signingKey] = await Promise.all([createSandboxTls('CN=sandbox-ci'), createSigningKey()]);
  const caFile = join(stateDir, 'ca.pem');
  writeFileSync(caFile, tls.ca.certPem);
  // The service principal's certificate credential, as azure-identity wants it: private key and certificate in one PEM.
  const certificatePath = join(stateDir, 'service-principal.pem');
  writeFileSync(certificatePath, tls.clientCert.keyPem + tls.clientCert.certPem, { mode: 0o600 });

  const control = new ControlState();
  const runtime: ArmRuntime = {
    state: new TenantState(seed),
    control,
    signingKey,
    tls,
    sessions: new EntraSessions(),
    loopbackUrl: '',
    identityHeader: randomBytes(24).toString('hex'),
    armPageSize: options.pageSize ?? 1000,
    foreignUrl: '',
  };

  const server = createHttpsServer({ key: tls.server.keyPem, cert: tls.server.certPem, requestTimeout: 60_000, headersTimeout: 30_000 });
  const proxy = createEgressProxy(server, control);
  const port = await listen(server, options.port ?? 0);
  const proxyPort = await listen(proxy, options.proxyPort ?? 0);
  const foreign = createHttpsServer({ key: tls.server.keyPem, cert: tls.server.certPem, requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    control.foreign.requests++;
    if (req.headers.authorization) control.foreign.withBearer++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"value":[]}');
  });
  foreign.on('clientError', (_error, socket) => socket.destroy());
  const foreignUrl = `https://localhost:${await listen(foreign, 0)}`;
  runtime.foreignUrl = foreignUrl;
  const url = `https://127.0.0.1:${port}`;
  runtime.loopbackUrl = url;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const toolsBinDir = join(stateDir, 'bin');
  writeToolShims(toolsBinDir, options.toolsDistDir ?? join(repoRoot(), 'dist', 'tools'), url, caFile);

  const sandboxControl: SandboxControl = {
    foreign: () => ({ url: foreignUrl, ...control.foreign }),
    reset() {
      runtime.state = new TenantState(seed);
      control.reset();
    },
    reseed(next) {
      seed = parseSeed(next);
      runtime.state = new TenantState(seed);
      runtime.sessions.clear();
      control.reset();
    },
    injectFault: (spec) => control.addFault(spec).id,
    clearFaults(id) { control.faults = id ? control.faults.filter((f) => f.id !== id) : []; },
    faults: () => control.faults.map((f) => ({ ...f })),
    requestLog: () => control.log.map((e) => ({ ...e })),
    clearLog() { control.log = []; },
    counters: () => ({ ...control.counters }),
    settings(patch) {
      if (patch) control.settings = { ...control.settings, ...patch };
      return { ...control.settings };
    },
    toolBehaviour: (tool) => ({ ...control.tools[tool] }),
    setToolBehaviour(tool, behaviour) { control.tools[tool] = { ...behaviour }; },
    toolInvocations: () => control.toolInvocations.map((i) => ({ ...i, argv: [...i.argv] })),
    recordToolInvocation: (tool, argv, cwd) => control.recordToolInvocation(tool, argv, cwd),
    pendingDeviceCodes: () => [...runtime.sessions.deviceCodes.values()]
      .filter((d) => !d.redeemed && !d.approvedUserObjectId && !d.declined && Date.now() <= d.expiresAt)
      .map((d) => ({ userCode: d.userCode, clientId: d.clientAppId, createdAt: new Date(d.createdAt).toISOString() })),
    approveDeviceCode(user, userCode) {
      const result = settleDeviceCode(runtime, userCode, user, true);
      if (!result.ok) throw new Error(result.message);
      return result.userCode;
    },
    declineDeviceCode(userCode) {
      const result = settleDeviceCode(runtime, userCode, undefined, false);
      if (!result.ok) throw new Error(result.message);
      return result.userCode;
    },
    updateUser(key, change) {
      const user = runtime.state.user(key);
      if (!user) throw new Error(`unknown user '${key}'`);
      if (change.mfaRequired !== undefined) user.mfaRequired = change.mfaRequired;
      if (change.password !== undefined) user.password = change.password;
      if (change.conditionalAccessBlocked !== undefined) user.conditionalAccessBlocked = change.conditionalAccessBlocked;
    },
    expireRefreshTokens(userKey) {
      const user = runtime.state.user(userKey);
      let count = 0;
      for (const record of runtime.sessions.refreshTokens.values()) {
        if (user && record.userObjectId === user.objectId && !record.expired) { record.expired = true; count++; }
      }
      return count;
    },
    async federatedToken(subject, audience = 'api://AzureADTokenExchange') {
      const issuer = `${url}/federation`;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ sub: subject, aud: audience, iss: issuer, iat: now, nbf: now, exp: now + 3600 })
        .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'JWT' })
        .sign(signingKey.privateKey);
      return { token, issuer };
    },
  };

  const services: Record<Service, Route<ArmRuntime>[]> = {
    entra: entraRoutes,
    arm: armRoutes(),
    // JSON batching: each individual request is routed as if it had come alone (its token, its faults, its log entry).
    graph: [
      { name: 'graph.batch', method: 'POST', pattern: /^\/(v1\.0|beta)\/\$batch$/, handle: (ctx, p) => handleGraphBatch(ctx, (inner) => dispatchInnerGraph(ctx, p[0]!, inner, dispatch)) },
      ...graphRoutes,
    ],
    mi: managedIdentityRoutes,
    control: controlRoutes(sandboxControl, () => ({ url, tenantId: runtime.state.tenantId })) as Route<ArmRuntime>[],
    blob: blobRoutes(),
  };

  const dispatch: Dispatch = { url, runtime, services, control };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handleRequest(req, res, dispatch);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', (_error, socket) => socket.destroy());

  const sandbox: Sandbox = {
    url,
    authorityHost: `${url}/`,
    resourceManager: `${url}/arm`,
    graph: `${url}/graph`,
    caFile,
    chromiumFlags: [`--ignore-certificate-errors-spki-list=${spkiHash(tls.server.certPem)}`],
    proxyUrl,
    foreignUrl,
    toolsBinDir,
    get tenantId() { return runtime.state.tenantId; },
    get servicePrincipal() {
      const sp = seed.servicePrincipals[0];
      if (!sp) throw new Error('the seed has no service principal');
      return { clientId: sp.appId, clientSecret: sp.secrets[0] ?? '', objectId: sp.objectId, certificatePath };
    },
    get users() {
      return Object.fromEntries(seed.users.map((u) => [u.key, { upn: u.userPrincipalName, objectId: u.objectId, password: u.password, displayName: u.displayName }]));
    },
    get managedIdentities() {
      return Object.fromEntries(seed.managedIdentities.map((m) => [m.key, { clientId: m.appId, objectId: m.objectId, resourceId: m.resourceId, kind: m.kind }]));
    },
    env() {
      const sp = sandbox.servicePrincipal;
      return {
        AZURE_AUTHORITY_HOST: sandbox.authorityHost,
        AZURE_TENANT_ID: sandbox.tenantId,
        AZURE_CLIENT_ID: sp.clientId,
        AZURE_CLIENT_SECRET: sp.clientSecret,
        AZURE_DEV_AUTH_RESOURCE_MANAGER: sandbox.resourceManager,
        AZURE_DEV_AUTH_GRAPH: sandbox.graph,
        AZURE_DEV_AUTH_SANDBOX_URL: url,
        NODE_EXTRA_CA_CERTS: caFile,
        REQUESTS_CA_BUNDLE: caFile,
        ...proxyEnv(proxyUrl),
        PATH: `${toolsBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      };
    },
    toolEnv(home) {
      const inherited = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !ENV_NAMES_TO_DROP.test(e[0])));
      return {
        ...inherited,
        HOME: home,
        AZURE_DEV_AUTH_SANDBOX_URL: url,
        AZURE_DEV_AUTH_RESOURCE_MANAGER: sandbox.resourceManager,
        AZURE_DEV_AUTH_GRAPH: sandbox.graph,
        NODE_EXTRA_CA_CERTS: caFile,
        REQUESTS_CA_BUNDLE: caFile,
        ...proxyEnv(proxyUrl),
        PATH: `${toolsBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      };
    },
    managedIdentityEnv(kind, arcKeyFile): Record<string, string> {
      switch (kind) {
        case 'appservice': return { IDENTITY_ENDPOINT: `${url}/_mi/appservice`, IDENTITY_HEADER: runtime.identityHeader };
        case 'cloudshell': return { MSI_ENDPOINT: `${url}/_mi/cloudshell` };
        case 'azureml': return { MSI_ENDPOINT: `${url}/_mi/azureml`, MSI_SECRET: runtime.identityHeader };
        case 'servicefabric':
          return {
            IDENTITY_ENDPOINT: `${url}/_mi/servicefabric`, IDENTITY_HEADER: runtime.identityHeader,
            IDENTITY_SERVER_THUMBPRINT: new X509Certificate(tls.server.certPem).fingerprint.replace(/:/g, '').toLowerCase(),
          };
        case 'arc': {
          if (!arcKeyFile) throw new Error("managedIdentityEnv('arc') needs the key file its challenge names");
          // IMDS_ENDPOINT only selects the Arc mode; the token comes from IDENTITY_ENDPOINT.
          return { IDENTITY_ENDPOINT: `${url}${arcEndpointPath(arcKeyFile)}`, IMDS_ENDPOINT: url };
        }
        case 'imds': return { AZURE_POD_IDENTITY_AUTHORITY_HOST: url };
        case 'none': return { AZURE_POD_IDENTITY_AUTHORITY_HOST: `${url}/_mi/unassigned` };
      }
    },
    arcKeySecret(keyFile) {
      return arcKeySecret(runtime, keyFile);
    },
    control: sandboxControl,
    async stop() {
      await Promise.all([closeServer(server), closeServer(proxy), closeServer(foreign)]);
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return sandbox;
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, the pin Chromium's SPKI allow-list takes. */
function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** HTTPS_PROXY/HTTP_PROXY through the egress guard; loopback itself is reached directly. */
function proxyEnv(proxyUrl: string): Record<string, string> {
  return { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1,localhost' };
}

function closeServer(server: HttpsServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------------------------------

interface Dispatch {
  url: string;
  runtime: ArmRuntime;
  services: Record<Service, Route<ArmRuntime>[]>;
  control: ControlState;
}

const LOOPBACK_PREFIXES: { prefix: string; service: Service; strip: boolean }[] = [
  { prefix: '/_sandbox', service: 'control', strip: false },
  { prefix: '/arm', service: 'arm', strip: true },
  { prefix: '/graph', service: 'graph', strip: true },
  { prefix: '/_mi', service: 'mi', strip: false },
  { prefix: '/metadata', service: 'mi', strip: false },
];

function interceptedService(host: string): Service | undefined {
  if (BLOB_HOST.test(host)) return 'blob';
  if (!(INTERCEPTED_HOSTS as readonly string[]).includes(host)) return undefined;
  if (host.startsWith('management.')) return 'arm';
  if (host === 'graph.microsoft.com') return 'graph';
  return 'entra';
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, d: Dispatch): Promise<void> {
  const started = process.hrtime.bigint();
  const method = (req.method ?? 'GET').toUpperCase();
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  const loopback = new URL(d.url);
  const hostName = hostHeader.replace(/:\d+$/, '');
  let service: Service | undefined = interceptedService(hostName);
  const isLoopback = hostHeader === loopback.host || hostHeader === `localhost:${loopback.port}`;
  let parsed: URL | undefined;
  // The request target is parsed as a path (origin-form), never resolved as a reference: `//subscriptions/x` is a
  // path with an empty segment, not a URL whose host is "subscriptions".
  const target = req.url ?? '/';
  const base = `https://${isLoopback || service ? hostHeader : loopback.host}`;
  try { parsed = /^https?:\/\//i.test(target) ? new URL(target) : new URL(`${base}${target.startsWith('/') ? '' : '/'}${target}`); } catch { parsed = undefined; }
  const rawPath = parsed?.pathname ?? '/';
  const emptySegment = rawPath.includes('//');
  let path = rawPath;
  let prefix = '';
  if (!service && isLoopback) {
    const match = LOOPBACK_PREFIXES.find((p) => rawPath === p.prefix || rawPath.startsWith(`${p.prefix}/`));
    service = match?.service ?? 'entra';
    if (match?.strip) { prefix = match.prefix; path = rawPath.slice(prefix.length) || '/'; }
  }
  if (service === 'graph') path = path.replace(/%24/gi, '$');
  // Blob routes see the account (from the host name) as the path's first segment.
  if (service === 'blob') path = `/${BLOB_HOST.exec(hostName)?.[1] ?? ''}${path}`;
  const origin = `https://${isLoopback || !service ? loopback.host : hostName}`;
  let bodyPromise: Promise<Buffer> | undefined;
  const ctx: RequestContext = {
    req, res, method, path,
    query: parsed?.searchParams ?? new URLSearchParams(),
    origin,
    serviceBase: `${origin}${prefix}`,
    loopbackUrl: d.url,
    requestId: newRequestId(),
    routeName: `${service ?? 'unknown'}.notFound`,
    body: () => (bodyPromise ??= readBody(req)),
  };
  let fault: ActiveFault | undefined;
  // Requests that reached each service over HTTP (a $batch is one), for benchmarks that compare clients' costs.
  d.control.count(`http.${service ?? 'unknown'}`);
  res.on('close', () => {
    d.control.record({
      method, host: hostHeader.slice(0, 200), path: redactPath(`${prefix}${path}${parsed?.search ?? ''}`).slice(0, 2000),
      route: ctx.routeName, status: res.headersSent ? res.statusCode : 0,
      durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      ...(req.headers.authorization ? { authorization: `${req.headers.authorization.split(' ')[0] ?? ''} ***` } : {}),
      ...(ctx.details ? { details: ctx.details } : {}),
      ...(fault ? { fault: fault.id } : {}),
    });
  });
  try {
    if (!service) throw new HttpError(421, { error: { code: 'MisdirectedRequest', message: `This sandbox does not serve host '${hostHeader}'.` } });
    if (emptySegment) {
      // A client that joins a scope starting with '/' to '/{scope}' sends one; answered like any malformed request.
      const message = `The request path '${rawPath.slice(0, 200)}' has an empty segment.`;
      if (service === 'arm') throw armError(400, 'InvalidRequestUri', message);
      if (service === 'entra') throw new HttpError(400, { error: 'invalid_request', error_description: message });
      throw new HttpError(400, { error: { code: 'BadRequest', message } });
    }
    const routes = d.services[service];
    const candidates = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((c) => c.match !== null);
    const chosen = candidates.find((c) => c.route.method === method);
    if (chosen) ctx.routeName = chosen.route.name;
    if (service !== 'control') {
      fault = d.control.takeFault(method, ctx.routeName, `${prefix}${path}`);
      if (fault && await applyFault(ctx, fault, service, parsed?.search ?? '', d.runtime.foreignUrl)) return;
    }
    if (!chosen) {
      if (candidates.length > 0) throw new HttpError(405, { error: { code: 'MethodNotAllowed', message: `The requested resource does not support http method '${method}'.` } });
      if (service === 'arm') throw armNotFound(ctx);
      if (service === 'graph') throw graphNotFound(ctx);
      throw new HttpError(404, { error: 'not_found', error_description: `No sandbox endpoint at ${path}` });
    }
    if (service === 'arm') for (const [k, v] of Object.entries(armRequestHeaders())) res.setHeader(k, v);
    if (service === 'arm' && method !== 'GET' && method !== 'HEAD') claimsChallengeForWrite(ctx, d.control.settings.armWritesRequireAcrs);
    await chosen.route.handle(ctx, chosen.match!.slice(1).map((p) => p ?? ''), d.runtime);
  } catch (error) {
    if (res.headersSent) { res.destroy(); return; }
    if (error instanceof HttpError) {
      sendJson(ctx, error.status, error.payload, error.headers);
      return;
    }
    // A bug, not an answer: report it in the service's error shape without leaking request data.
    console.error(`[sandbox] ${method} ${ctx.routeName} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    if (service === 'arm') {
      const failure = armError(500, 'InternalServerError', 'The sandbox failed to process the request.');
      sendJson(ctx, 500, failure.payload);
    } else {
      sendJson(ctx, 500, { error: { code: 'InternalServerError', message: 'The sandbox failed to process the request.' } });
    }
  }
}

/**
 * One request of a Graph $batch, routed as if it had come alone: the batch's bearer token with the request's own
 * headers, the injected faults that match its path (status, latency, next link; a dropped or cut connection drops the
 * batch's), its own entry in the request log (marked with the batch's request id). Never throws: errors are answers.
 */
async function dispatchInnerGraph(outer: RequestContext, version: string, inner: InnerRequest, d: Dispatch): Promise<InnerResponse> {
  const started = process.hrtime.bigint();
  const prefix = outer.serviceBase.slice(outer.origin.length);
  const path = `/${version}${inner.path}`.replace(/%24/gi, '$');
  const headers: Record<string, string> = { ...inner.headers, host: outer.req.headers.host ?? '' };
  if (outer.req.headers.authorization) headers.authorization = outer.req.headers.authorization;
  else delete headers.authorization;
  let status = 0;
  let responseHeaders: Record<string, string> = {};
  let chunks: Buffer[] = [];
  const res = {
    headersSent: false,
    statusCode: 200,
    setHeader(name: string, value: string) { responseHeaders[name] = String(value); return res; },
    writeHead(code: number, h?: Record<string, string>) { status = code; res.statusCode = code; res.headersSent = true; responseHeaders = { ...responseHeaders, ...(h ?? {}) }; return res; },
    write(chunk: Buffer | string) { chunks.push(Buffer.from(chunk)); return true; },
    end(chunk?: Buffer | string) { if (chunk !== undefined) chunks.push(Buffer.from(chunk)); return res; },
    on() { return res; },
  };
  const ctx: RequestContext = {
    req: { headers, method: inner.method, url: `${path}${inner.search}`, socket: outer.req.socket } as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    method: inner.method, path,
    query: new URLSearchParams(inner.search),
    origin: outer.origin, serviceBase: outer.serviceBase, loopbackUrl: outer.loopbackUrl,
    requestId: newRequestId(), routeName: 'graph.notFound',
    body: () => Promise.resolve(inner.body ?? Buffer.alloc(0)),
  };
  let fault: ActiveFault | undefined;
  try {
    if (path.includes('//')) throw new HttpError(400, { error: { code: 'BadRequest', message: `The request path '${path.slice(0, 200)}' has an empty segment.` } });
    const candidates = d.services.graph.map((route) => ({ route, match: route.pattern.exec(path) })).filter((c) => c.match !== null && c.route.name !== 'graph.batch');
    const chosen = candidates.find((c) => c.route.method === inner.method);
    if (chosen) ctx.routeName = chosen.route.name;
    fault = d.control.takeFault(inner.method, ctx.routeName, `${prefix}${path}`);
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault!.latencyMs));
    if (fault && (fault.drop || fault.truncate)) {
      // A connection fault cannot hit one request of a batch: the batch's connection goes.
      outer.req.socket.destroy();
      throw new HttpError(0, null);
    }
    if (fault?.status !== undefined) {
      const shaped = graphFault(ctx, fault.status);
      throw new HttpError(fault.status, fault.body !== undefined ? fault.body : shaped.body, { ...shaped.headers, ...(fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}) });
    }
    if (!chosen) {
      if (candidates.length > 0) throw new HttpError(405, { error: { code: 'Request_BadRequest', message: 'Specified HTTP method is not allowed for the request target.' } });
      throw graphNotFound(ctx);
    }
    await chosen.route.handle(ctx, chosen.match!.slice(1).map((p) => p ?? ''), d.runtime);
  } catch (error) {
    chunks = [];
    if (error instanceof HttpError) {
      status = error.status;
      responseHeaders = { 'Content-Type': 'application/json', ...error.headers };
      if (error.payload !== null) chunks.push(Buffer.from(JSON.stringify(error.payload)));
    } else {
      console.error(`[sandbox] $batch ${inner.method} ${ctx.routeName} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      status = 500;
      responseHeaders = { 'Content-Type': 'application/json' };
      chunks.push(Buffer.from(JSON.stringify({ error: { code: 'InternalServerError', message: 'The sandbox failed to process the request.' } })));
    }
  }
  d.control.record({
    method: inner.method, host: (outer.req.headers.host ?? '').slice(0, 200), path: redactPath(`${prefix}${path}${inner.search}`).slice(0, 2000),
    route: ctx.routeName, status, durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n), inBatch: outer.requestId,
    ...(headers.authorization ? { authorization: `${headers.authorization.split(' ')[0] ?? ''} ***` } : {}),
    ...(fault ? { fault: fault.id } : {}),
  });
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown = undefined;
  if (text) { try { body = JSON.parse(text) as unknown; } catch { body = text; } }
  if (fault?.nextLink && status === 200 && isRecordBody(body) && Array.isArray(body.value)) {
    body = { ...body, '@odata.nextLink': fault.nextLink === 'loop' ? `${outer.serviceBase}${path}${inner.search}` : `${d.runtime.foreignUrl}${path}${inner.search}` };
  }
  // Only what describes the body travels inside the batch; transport headers stay with the batch's own response.
  const kept = Object.fromEntries(Object.entries(responseHeaders).filter(([name]) => !/^(content-length|connection|transfer-encoding)$/i.test(name)));
  return { status, headers: kept, body };
}

function isRecordBody(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A user token without the authentication context the setting names gets the claims challenge ARM sends for writes
 * under mandatory MFA. The token itself is verified by the route afterwards; here only its claims are read.
 */
function claimsChallengeForWrite(ctx: RequestContext, acrs: string | null): void {
  if (!acrs) return;
  const bearer = /^Bearer (\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
  if (!bearer) return;
  let claims: Record<string, unknown>;
  try { claims = decodeJwt(bearer) as Record<string, unknown>; } catch { return; }
  if (claims.idtyp === 'app' || typeof claims.upn !== 'string') return;
  if (Array.isArray(claims.acrs) && claims.acrs.includes(acrs)) return;
  const challenge = Buffer.from(JSON.stringify({ access_token: { acrs: { essential: true, values: [acrs] } } })).toString('base64');
  throw new HttpError(401, {
    error: { code: 'InvalidAuthenticationToken', message: 'The access token has insufficient claims: this operation requires multi-factor authentication. Sign in again with the claims challenge.' },
  }, {
    'WWW-Authenticate': `Bearer authorization_uri="${ctx.loopbackUrl}/common/oauth2/authorize", error="insufficient_claims", claims="${challenge}"`,
  });
}

/** Applies an injected fault; true when the fault answered (or dropped) the request itself. */
async function applyFault(ctx: RequestContext, fault: ActiveFault, service: Service, search: string, foreignUrl: string): Promise<boolean> {
  if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.nextLink) {
    // Let the real handler answer, then point its next link at the request itself or at another origin.
    const key = service === 'graph' ? '@odata.nextLink' : 'nextLink';
    const link = fault.nextLink === 'loop' ? `${ctx.serviceBase}${ctx.path}${search}` : `${foreignUrl}${ctx.path}${search}`;
    const res = ctx.res;
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => ServerResponse;
    res.writeHead = ((status: number, headers?: Record<string, string>) => {
      const rest = { ...(headers ?? {}) };
      delete rest['Content-Length'];
      return writeHead(status, rest);
    }) as typeof res.writeHead;
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown) => {
      if (Buffer.isBuffer(chunk) && res.statusCode === 200) {
        try {
          const body = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
          if (Array.isArray(body.value)) return end(Buffer.from(JSON.stringify({ ...body, [key]: link })));
        } catch { /* not JSON: sent as it was */ }
      }
      return end(chunk as Buffer);
    }) as typeof res.end;
    return false;
  }
  if (fault.drop) {
    ctx.req.socket.destroy();
    return true;
  }
  if (fault.truncate) {
    // Let the real handler answer, then cut its body in half and the connection with it.
    const res = ctx.res;
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown) => {
      if (Buffer.isBuffer(chunk) && chunk.length > 1) {
        res.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
        setImmediate(() => res.socket?.destroy());
        return res;
      }
      return end(chunk as Buffer);
    }) as typeof res.end;
    return false;
  }
  if (fault.status !== undefined) {
    // The service's own error shape and headers (request ids; Graph's request-id/client-request-id), so that a
    // client's throttling and retry handling sees what the real service sends.
    const serviceHeaders: Record<string, string> = service === 'arm' ? armRequestHeaders() : {};
    let body: unknown = fault.body !== undefined ? fault.body : defaultFaultBody(service, fault.status);
    if (service === 'graph') {
      const shaped = graphFault(ctx, fault.status);
      Object.assign(serviceHeaders, shaped.headers);
      if (fault.body === undefined) body = shaped.body;
    }
    if (service === 'arm' && fault.status === 429) serviceHeaders['x-ms-ratelimit-remaining-subscription-reads'] = '0';
    const headers: Record<string, string> = { ...serviceHeaders, ...(fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}) };
    sendJson(ctx, fault.status, body, headers);
    return true;
  }
  return false;
}

function defaultFaultBody(service: Service, status: number): unknown {
  if (service === 'entra') {
    return status === 429
      ? { error: 'temporarily_unavailable', error_description: 'AADSTS50196: The server terminated an operation because it encountered a client request loop.', error_codes: [50196] }
      : { error: 'server_error', error_description: 'AADSTS90033: A transient error has occurred. Please try again.', error_codes: [90033] };
  }
  if (service === 'arm') {
    return status === 429
      ? { error: { code: 'TooManyRequests', message: 'The request is being throttled as the limit has been reached for operation type - Read.' } }
      : { error: { code: 'InternalServerError', message: 'Encountered internal server error.' } };
  }
  return { error: { code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: status === 429 ? 'Too many requests.' : 'Service unavailable.' } };
}
