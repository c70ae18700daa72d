// The team wizards' session and Remove Role Assignment follow VS Code's http.proxy, as the Access view's load does:
// given the proxy setting (and nothing in the environment), every ARM and Graph request goes through that proxy;
// without it, none does. A real CONNECT proxy and a real TLS server on loopback; the token comes from a stand-in `az`
// on PATH, as AzureCliCredential runs it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEngineFacade } from '../../src/core/engineFacade';
import { resolveCloud, type CloudEndpoints } from '../../src/core/azure/clouds';
import { createTeamFacade } from '../../src/core/team/facade';
import { createHostTls } from '../../src/sandbox/tls';

const OBJECT_ID = 'cb2be4d1-2705-475d-83e6-02d82fdd105f';
const TENANT = '48337339-9daf-40bb-b2c4-6fdbad938cad';
const ASSIGNMENT = `/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc/providers/Microsoft.Authorization/roleAssignments/0a1b2c3d-0000-4000-8000-000000000001`;

const scratch = mkdtempSync(join(tmpdir(), 'proxy-wiring-'));
let azure: Server;
let graph: Server;
let proxy: HttpServer;
let cloud: CloudEndpoints;
let proxyUrl = '';
/** What reached Azure, and the targets the proxy was asked to tunnel to. */
const reached: string[] = [];
const tunnels: string[] = [];
const saved: Record<string, string | undefined> = {};

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

before(async () => {
  const tls = await createHostTls(['localhost']);
  writeFileSync(join(scratch, 'ca.pem'), tls.ca.certPem);
  // ARM and Graph on two origins, so the proxy's log tells which went through it.
  const serve = async (service: 'arm' | 'graph'): Promise<Server> => {
    const server = createServer({ cert: tls.server.certPem, key: tls.server.keyPem }, (req, res) => {
      reached.push(`${service} ${req.method} ${req.url}`);
      const body = service === 'arm' && req.url?.startsWith('/subscriptions?') ? { value: [{ subscriptionId: 'adca4246-6e3e-4a79-a53f-26fe8244f8bc', displayName: 'Sandbox Dev' }] }
        : req.method === 'DELETE' ? { id: ASSIGNMENT } : { value: [] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  azure = await serve('arm');
  graph = await serve('graph');
  const armPort = (azure.address() as AddressInfo).port;
  const graphPort = (graph.address() as AddressInfo).port;
  proxy = createHttpServer();
  proxy.on('connect', (req, socket) => {
    const target = req.url ?? '';
    tunnels.push(target === `localhost:${armPort}` ? 'arm' : target === `localhost:${graphPort}` ? 'graph' : target);
    const upstream = connect(Number(target.split(':').pop()), '127.0.0.1', () => { socket.write('HTTP/1.1 200 Connection Established\r\n\r\n'); upstream.pipe(socket); socket.pipe(upstream); });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  cloud = resolveCloud({ name: 'Loopback', authorityHost: `https://localhost:${armPort}`, resourceManager: `https://localhost:${armPort}`, graph: `https://localhost:${graphPort}` });
  // A stand-in az: AzureCliCredential runs `az account get-access-token` and reads its JSON.
  const bin = join(scratch, 'bin');
  const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ oid: OBJECT_ID, tid: TENANT, upn: 'alice@contoso.example', name: 'Alice', exp: 4_070_908_800, iat: 1_700_000_000 })}.sig`;
  mkdirSync(bin);
  writeFileSync(join(bin, 'az'), `#!/bin/sh\necho '${JSON.stringify({ accessToken: token, expiresOn: '2099-01-01 00:00:00.000000', expires_on: 4_070_908_800, tenant: TENANT, tokenType: 'Bearer' })}'\n`);
  chmodSync(join(bin, 'az'), 0o755);
  // Nothing from the environment: only the setting may send requests through the proxy.
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'PATH']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  process.env.PATH = `${bin}:${saved.PATH ?? '/usr/bin:/bin'}`;
  process.env.NODE_EXTRA_CA_CERTS = join(scratch, 'ca.pem');
});

after(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const server of [azure, graph]) { server?.closeAllConnections(); server?.close(); }
  proxy?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: scratch });

describe('VS Code\'s http.proxy reaches every Azure request of the wizards and of Remove Role Assignment', () => {
  test('team session: ARM (scopes) and Graph (groups) through the proxy named by the setting', async () => {
    tunnels.length = 0;
    reached.length = 0;
    const opened = await createTeamFacade().openSession({
      env: env(), cloudSetting: cloud, processTimeoutSeconds: 10, tools: ['AzureCliCredential'], workspaceFolder: undefined, proxy: { proxy: proxyUrl },
    });
    assert.ok(opened.ok, opened.ok ? '' : opened.message);
    const scopes = await opened.session.listScopes(undefined);
    assert.deepEqual(scopes.items.map((s) => s.name), ['Sandbox Dev']);
    await opened.session.findGroups('sg-dev-team');
    assert.ok(reached.some((r) => r.startsWith('arm GET /subscriptions?')) && reached.some((r) => r.startsWith('graph GET /v1.0/groups?')), reached.join('\n'));
    assert.deepEqual([...new Set(tunnels)].sort(), ['arm', 'graph']);
  });

  test('team session without the setting: no request goes through the proxy', async () => {
    tunnels.length = 0;
    const opened = await createTeamFacade().openSession({ env: env(), cloudSetting: cloud, processTimeoutSeconds: 10, tools: ['AzureCliCredential'], workspaceFolder: undefined });
    assert.ok(opened.ok, opened.ok ? '' : opened.message);
    await opened.session.listScopes(undefined);
    assert.deepEqual(tunnels, []);
  });

  test('Remove Role Assignment: the DELETE goes through the proxy named by the setting, and only then', async () => {
    const engine = createEngineFacade();
    const remove = (withProxy: boolean) => engine.removeRoleAssignment({
      source: 'AzureCliCredential', env: env(), processTimeoutSeconds: 10, allowedHosts: [], cloud, assignmentId: ASSIGNMENT, signal: new AbortController().signal,
      ...(withProxy ? { proxy: { proxy: proxyUrl } } : {}),
    });
    tunnels.length = 0;
    reached.length = 0;
    const through = await remove(true);
    assert.deepEqual(through, { ok: true, removed: true });
    assert.ok(reached.some((r) => r.startsWith(`arm DELETE ${ASSIGNMENT}?api-version=`)), reached.join('\n'));
    assert.deepEqual(tunnels, ['arm']);
    tunnels.length = 0;
    assert.equal((await remove(false)).ok, true);
    assert.deepEqual(tunnels, []);
  });

  test('http.noProxy covering the host goes direct, even with the proxy set', async () => {
    tunnels.length = 0;
    const opened = await createTeamFacade().openSession({
      env: env(), cloudSetting: cloud, processTimeoutSeconds: 10, tools: ['AzureCliCredential'], workspaceFolder: undefined, proxy: { proxy: proxyUrl, noProxy: ['localhost'] },
    });
    assert.ok(opened.ok);
    await opened.session.listScopes(undefined);
    assert.deepEqual(tunnels, []);
  });
});
