// The one HTTP layer to Azure against real TLS servers on loopback: tokens only to their origin, bounded retries that
// honour Retry-After up to a cap, deadlines, paging that stops at loops and foreign hosts, claims challenges, the
// proxy (with NO_PROXY) and extra certificate authorities.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { AzureClient, azureOperation, productUserAgent, scopePath } from '../../src/core/azure/client';
import { AzureRequestError, classifyAzureError, parseClaimsChallenge, reauthCommand } from '../../src/core/azure/errors';
import { bypassesProxy, networkSettings, type NetworkSettings } from '../../src/core/azure/network';
import { createHostTls } from '../../src/sandbox/tls';

const TOKEN = 'token-for-the-origin-only';
const credential: TokenCredential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };

interface Seen { url: string; authorization: string | undefined; userAgent: string | undefined }

type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void;

let ca = '';
let serverPem = { certPem: '', keyPem: '' };
const servers: Server[] = [];

async function listen(handler: Handler): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer({ cert: serverPem.certPem, key: serverPem.keyPem }, (req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'] });
    handler(req, res, base);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://localhost:${(server.address() as AddressInfo).port}`;
  return { base, seen };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(base: string, network?: Partial<NetworkSettings>, extra: Partial<ConstructorParameters<typeof AzureClient>[0]> = {}): AzureClient {
  return new AzureClient({
    credential, baseUrl: base, scope: 'https://management.azure.com/.default', service: 'Azure Resource Manager', nextLinkKey: 'nextLink',
    network: { proxy: undefined, noProxy: [], extraCaPem: ca, ...network }, requestTimeoutMs: 5_000, ...extra,
  });
}

before(async () => {
  const tls = await createHostTls(['localhost']);
  ca = tls.ca.certPem;
  serverPem = tls.server;
});

after(() => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
});

describe('AzureClient', () => {
  test('sends the token and a User-Agent naming the product to its own origin, trusting the extra authority', async () => {
    const { base, seen } = await listen((_req, res) => json(res, 200, { value: [1] }));
    const arm = client(base);
    const body = await arm.get<{ value: number[] }>(azureOperation(10_000), 'subscriptions', { 'api-version': '2022-12-01' });
    assert.deepEqual(body.value, [1]);
    assert.equal(seen[0]!.authorization, `Bearer ${TOKEN}`);
    assert.match(seen[0]!.userAgent ?? '', /^azure-dev-auth\/\d+\.\d+\.\d+/);
    assert.equal(productUserAgent().startsWith('azure-dev-auth/'), true);
    assert.equal(seen[0]!.url, '/subscriptions?api-version=2022-12-01');
    arm.close();
  });

  test('without the extra authority the server is not trusted', async () => {
    const { base } = await listen((_req, res) => json(res, 200, {}));
    const arm = client(base, { extraCaPem: undefined }, { maxRetries: 0 });
    await assert.rejects(arm.get(azureOperation(10_000), 'x'), (error: unknown) => error instanceof AzureRequestError && error.kind === 'network');
  });

  test('NODE_EXTRA_CA_CERTS is read on first use, asynchronously; a FIFO there reads as no extra authority', async () => {
    const { base } = await listen((_req, res) => json(res, 200, { value: [2] }));
    const dir = mkdtempSync(join(tmpdir(), 'ada-ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca);
      const fromFile = client(base, networkSettings({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }));
      assert.deepEqual((await fromFile.get<{ value: number[] }>(azureOperation(10_000), 'x')).value, [2]);
      fromFile.close();
      execFileSync('mkfifo', [join(dir, 'fifo.pem')]);
      const fromFifo = client(base, networkSettings({ NODE_EXTRA_CA_CERTS: join(dir, 'fifo.pem') }), { maxRetries: 0 });
      await assert.rejects(fromFifo.get(azureOperation(10_000), 'x'), (error: unknown) => error instanceof AzureRequestError && error.kind === 'network');
      fromFifo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a scope never makes an empty path segment', async () => {
    const { base, seen } = await listen((_req, res) => json(res, 200, { value: [] }));
    const arm = client(base);
    await arm.list(azureOperation(10_000), scopePath('/subscriptions/s1/', 'providers/Microsoft.Authorization/roleDefinitions'), { 'api-version': '2022-04-01' });
    assert.equal(seen[0]!.url, '/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01');
    assert.throws(() => arm.resolve('subscriptions//x'), /empty segment/);
    assert.throws(() => scopePath('/subscriptions/../x'), /Not a scope/);
  });

  test('a next link that loops ends the list with an error after one repeat', async () => {
    const { base, seen } = await listen((req, res, b) => json(res, 200, { value: [req.url], nextLink: `${b}/loop?page=2` }));
    const arm = client(base);
    await assert.rejects(arm.list(azureOperation(10_000), 'loop', { page: '1' }), (error: unknown) =>
      error instanceof AzureRequestError && error.kind === 'paging' && /already given/.test(error.message));
    assert.equal(seen.length, 2);
  });

  test('a next link on another host gets no request and no token', async () => {
    const other = await listen((_req, res) => json(res, 200, { value: [] }));
    const { base, seen } = await listen((_req, res) => json(res, 200, { value: [1], nextLink: `${other.base}/stolen` }));
    const arm = client(base);
    await assert.rejects(arm.list(azureOperation(10_000), 'items'), (error: unknown) =>
      error instanceof AzureRequestError && error.kind === 'paging' && /another host/.test(error.message));
    assert.equal(seen.length, 1);
    assert.equal(other.seen.length, 0);
    await assert.rejects(arm.get(azureOperation(10_000), `${other.base}/direct`), (error: unknown) => error instanceof AzureRequestError && error.kind === 'off-origin');
    assert.equal(other.seen.length, 0);
  });

  test('a huge Retry-After ends at once with an error naming the wait', async () => {
    const { base, seen } = await listen((_req, res) => json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '100000' }));
    const arm = client(base);
    const started = Date.now();
    await assert.rejects(arm.get(azureOperation(10_000), 'x'), (error: unknown) =>
      error instanceof AzureRequestError && error.kind === 'throttled' && /100000 s/.test(error.message) && error.retryAfterSeconds === 100000);
    assert.ok(Date.now() - started < 15_000, 'not the 100,000 s asked for');
    assert.equal(seen.length, 1);
  });

  test('a short Retry-After is waited for, then the request succeeds', async () => {
    let calls = 0;
    const { base } = await listen((_req, res) => (++calls === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, { ok: true })));
    const waits: string[] = [];
    const arm = client(base, {}, { onWait: (m) => waits.push(m) });
    const started = Date.now();
    assert.deepEqual(await arm.get(azureOperation(10_000), 'x'), { ok: true });
    assert.ok(Date.now() - started >= 900);
    assert.equal(calls, 2);
    assert.match(waits[0] ?? '', /throttling.*1 s/);
  });

  test('retries stop at the cap: the last 503 is the error', async () => {
    const { base, seen } = await listen((_req, res) => json(res, 503, { error: { code: 'ServerBusy', message: 'busy' } }, { 'retry-after-ms': '10' }));
    const arm = client(base, {}, { maxRetries: 2 });
    await assert.rejects(arm.get(azureOperation(10_000), 'x'), (error: unknown) => error instanceof AzureRequestError && error.status === 503);
    assert.equal(seen.length, 3);
  });

  test('the operation deadline ends a request that never answers', async () => {
    const { base } = await listen(() => { /* never answers */ });
    const arm = client(base, {}, { requestTimeoutMs: 60_000 });
    const started = Date.now();
    await assert.rejects(arm.get(azureOperation(400), 'x'), (error: unknown) => error instanceof AzureRequestError && error.kind === 'deadline');
    assert.ok(Date.now() - started < 15_000, 'the deadline, not the 60 s request timeout');
  });

  test('cancellation ends a wait for Retry-After at once', async () => {
    const { base } = await listen((_req, res) => json(res, 429, {}, { 'retry-after': '30' }));
    const arm = client(base);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(arm.get(azureOperation(60_000, controller.signal), 'x'), (error: unknown) => error instanceof AzureRequestError && error.kind === 'cancelled');
    assert.ok(Date.now() - started < 15_000, 'not the 30 s Retry-After');
  });

  test('a claims challenge becomes an error with the claims and the tools\' re-authentication', async () => {
    const claims = Buffer.from('{"access_token":{"acrs":{"essential":true,"values":["p1"]}}}').toString('base64');
    const { base } = await listen((_req, res) => json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'MFA required' } }, {
      'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${claims}"`,
    }));
    const arm = client(base);
    const error = await arm.send(azureOperation(10_000), { method: 'PUT', path: 'x', body: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof AzureRequestError && error.kind === 'claims-challenge');
    assert.equal(error.claims?.encoded, claims);
    const tenant = '11111111-2222-3333-4444-555555555555';
    assert.equal(reauthCommand('az', error.claims!, tenant, 'https://management.azure.com/.default'),
      `az login --tenant ${tenant} --scope https://management.azure.com/.default --claims-challenge ${claims}`);
    assert.equal(reauthCommand('pwsh', error.claims!, tenant, 'https://management.azure.com/.default'), `Connect-AzAccount -Tenant ${tenant} -ClaimsChallenge ${claims}`);
    const problem = classifyAzureError(error, 'The role was not assigned', { tool: 'az', tenantId: tenant });
    assert.equal(problem.kind, 'claims-challenge');
    assert.match(problem.fix, /az login --tenant .* --claims-challenge /);
    assert.match(problem.message, /"acrs"/);
    assert.equal(parseClaimsChallenge('Bearer error="invalid_token"'), undefined);
    assert.equal(parseClaimsChallenge('Bearer error="insufficient_claims", claims="$(rm -rf ~)"'), undefined);
  });
});

describe('proxy', () => {
  let proxy: HttpServer;
  const tunnels: string[] = [];
  let proxyUrl = '';
  before(async () => {
    proxy = createHttpServer((_req, res) => { res.statusCode = 405; res.end(); });
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const [, port] = /:(\d+)$/.exec(req.url ?? '') ?? [];
      const upstream = netConnect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(() => { proxy.closeAllConnections(); proxy.close(); });

  test('requests go through HTTPS_PROXY, with the extra authority applied inside the tunnel', async () => {
    const { base, seen } = await listen((_req, res) => json(res, 200, { via: 'tunnel' }));
    const settings = networkSettings({ HTTPS_PROXY: proxyUrl });
    const arm = client(base, { proxy: settings.proxy, noProxy: settings.noProxy });
    tunnels.length = 0;
    assert.deepEqual(await arm.get(azureOperation(10_000), 'x'), { via: 'tunnel' });
    assert.match(tunnels[0]!, /^localhost:\d+$/);
    // The tunnel is kept alive: the next requests reuse it instead of a CONNECT and a TLS handshake each.
    await arm.get(azureOperation(10_000), 'y');
    await arm.get(azureOperation(10_000), 'z');
    assert.equal(seen.length, 3);
    assert.equal(tunnels.length, 1);
    arm.close();
  });

  test('NO_PROXY covering the host goes direct', async () => {
    const { base } = await listen((_req, res) => json(res, 200, { via: 'direct' }));
    const settings = networkSettings({ HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1,localhost' });
    const arm = client(base, { proxy: settings.proxy, noProxy: settings.noProxy });
    tunnels.length = 0;
    assert.deepEqual(await arm.get(azureOperation(10_000), 'x'), { via: 'direct' });
    assert.equal(tunnels.length, 0);
    arm.close();
  });

  test('NO_PROXY rules', () => {
    const u = (s: string): URL => new URL(s);
    assert.equal(bypassesProxy(u('https://management.azure.com'), ['.azure.com']), true);
    assert.equal(bypassesProxy(u('https://management.azure.com'), ['azure.com']), true);
    assert.equal(bypassesProxy(u('https://management.azure.com'), ['*.azure.com']), true);
    assert.equal(bypassesProxy(u('https://evilazure.com'), ['azure.com']), false);
    assert.equal(bypassesProxy(u('https://localhost:8443'), ['localhost:8443']), true);
    assert.equal(bypassesProxy(u('https://localhost:9443'), ['localhost:8443']), false);
    assert.equal(bypassesProxy(u('https://graph.microsoft.com'), ['*']), true);
    assert.equal(networkSettings({ https_proxy: 'proxy.corp:3128' }).proxy, 'http://proxy.corp:3128/');
    assert.equal(networkSettings({ HTTPS_PROXY: 'socks5://x:1' }).proxy, undefined);
    assert.equal(networkSettings({}, { proxy: 'http://vscode-proxy:8080' }).proxy, 'http://vscode-proxy:8080/');
  });
});
