// Requests sent together through Graph's JSON batching, against a real TLS server on loopback: at most 20 to a
// batch, answers matched by id (not order), a throttled request sent again after its own Retry-After, errors kept per
// request, a service without batching asked one request at a time, and a list continued from a batched first page.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { AzureClient, azureOperation, GRAPH_BATCH_SIZE } from '../../src/core/azure/client';
import { AzureRequestError } from '../../src/core/azure/errors';
import { createHostTls } from '../../src/sandbox/tls';

const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) };
let ca = '';
let pem = { certPem: '', keyPem: '' };
const servers: Server[] = [];

interface Inner { id: string; method: string; url: string; headers?: Record<string, string> }
interface Received { url: string; method: string; batch?: Inner[] }

/** A server whose $batch answers each request with `answer(inner, attempt)`, in reverse order; other paths with `plain`. */
async function listen(answer: (inner: Inner, batchNumber: number) => { status: number; headers?: Record<string, string>; body?: unknown }, options: { batch?: boolean; plain?: (url: string) => unknown } = {}): Promise<{ base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer({ cert: pem.certPem, key: pem.keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'POST' && url === '/v1.0/$batch') {
        if (options.batch === false) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":{"code":"BadRequest","message":"no batch"}}'); return; }
        const batch = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requests: Inner[] }).requests;
        received.push({ url, method: 'POST', batch });
        const number = received.filter((r) => r.batch).length;
        const responses = batch.map((inner) => ({ id: inner.id, ...answer(inner, number) })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ responses }));
        return;
      }
      received.push({ url, method: req.method ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(options.plain ? options.plain(url) : { alone: url }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `https://localhost:${(server.address() as AddressInfo).port}`, received };
}

function graph(base: string, extra: Partial<ConstructorParameters<typeof AzureClient>[0]> = {}): AzureClient {
  return new AzureClient({
    credential, baseUrl: `${base}/v1.0`, scope: 'https://graph.microsoft.com/.default', service: 'Microsoft Graph', nextLinkKey: '@odata.nextLink',
    batchPath: '$batch', network: { proxy: undefined, noProxy: [], extraCaPem: ca }, requestTimeoutMs: 5_000, ...extra,
  });
}

before(async () => {
  const tls = await createHostTls(['localhost']);
  ca = tls.ca.certPem;
  pem = tls.server;
});
after(() => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
});

describe('AzureClient.batchGet', () => {
  test(`45 GETs go in 3 batches of at most ${GRAPH_BATCH_SIZE}; outcomes follow the requests, not the answers' order`, async () => {
    const { base, received } = await listen((inner) => (inner.url.endsWith('/7') ? { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'gone' } } } : { status: 200, body: { url: inner.url } }));
    const client = graph(base);
    const paths = Array.from({ length: 45 }, (_, i) => ({ path: `groups/${i}`, headers: { ConsistencyLevel: 'eventual' } }));
    const outcomes = await client.batchGet<{ url: string }>(azureOperation(10_000), paths);
    assert.equal(received.length, 3);
    assert.deepEqual(received.map((r) => r.batch!.length), [20, 20, 5]);
    assert.equal(client.requests, 3);
    assert.deepEqual(received[0]!.batch![0], { id: '0', method: 'GET', url: '/groups/0', headers: { ConsistencyLevel: 'eventual' } });
    outcomes.forEach((o, i) => {
      if (i === 7) {
        assert.ok(!o.ok && o.error instanceof AzureRequestError && o.error.status === 404 && /gone \(Request_ResourceNotFound\)/.test(o.error.message));
      } else {
        assert.ok(o.ok && o.body.url === `/groups/${i}`, `outcome ${i}`);
      }
    });
    client.close();
  });

  test('a request throttled inside the batch is sent again alone after its Retry-After; the others are not', async () => {
    const { base, received } = await listen((inner, number) => (inner.id === '1' && number === 1 ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } } : { status: 200, body: { ok: inner.url } }));
    const waits: string[] = [];
    const client = graph(base, { onWait: (m) => waits.push(m) });
    const started = Date.now();
    const outcomes = await client.batchGet(azureOperation(10_000), [{ path: 'a' }, { path: 'b' }, { path: 'c' }]);
    assert.ok(outcomes.every((o) => o.ok));
    assert.deepEqual(received.map((r) => r.batch!.map((i) => i.url)), [['/a', '/b', '/c'], ['/b']]);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    assert.match(waits[0] ?? '', /throttling requests; waiting 1 s/);
    client.close();
  });

  test('a Retry-After above the cap is that request\'s error at once', async () => {
    const { base, received } = await listen(() => ({ status: 429, headers: { 'retry-after': '100000' }, body: {} }));
    const client = graph(base);
    const started = Date.now();
    const [outcome] = await client.batchGet(azureOperation(10_000), [{ path: 'a' }]);
    assert.ok(outcome && !outcome.ok && outcome.error.kind === 'throttled' && /100000 s/.test(outcome.error.message));
    assert.ok(Date.now() - started < 2_000);
    assert.equal(received.length, 1);
    client.close();
  });

  test('a request the batch did not answer is an error of its own', async () => {
    const { base } = await listen((inner) => (inner.id === '0' ? { status: 200, body: {} } : { status: 0 }));
    const client = graph(base, { maxRetries: 0 });
    const outcomes = await client.batchGet(azureOperation(10_000), [{ path: 'a' }, { path: 'b' }]);
    assert.equal(outcomes[0]!.ok, true);
    assert.equal(outcomes[1]!.ok, false);
    client.close();
  });

  test('without a batching endpoint (404) the same requests go one by one', async () => {
    const { base, received } = await listen(() => ({ status: 500 }), { batch: false });
    const client = graph(base);
    const outcomes = await client.batchGet<{ alone: string }>(azureOperation(10_000), [{ path: 'a?$top=1' }, { path: 'b' }]);
    assert.deepEqual(outcomes.map((o) => o.ok && o.body.alone), ['/v1.0/a?$top=1', '/v1.0/b']);
    assert.deepEqual(received.map((r) => r.url).sort(), ['/v1.0/a?$top=1', '/v1.0/b']);
    client.close();
  });

  test('a client without batching sends each request alone', async () => {
    const { base, received } = await listen(() => ({ status: 500 }));
    const client = graph(base, { batchPath: undefined });
    const outcomes = await client.batchGet(azureOperation(10_000), [{ path: 'a' }, { path: 'b' }, { path: 'c' }]);
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(received.filter((r) => r.batch).length, 0);
    assert.equal(received.length, 3);
    client.close();
  });
});

describe('AzureClient.listFrom', () => {
  test('continues a batched first page through its next links, and stops at a loop', async () => {
    const { base, received } = await listen(() => ({ status: 200 }), {
      plain: (url) => (url.includes('page=2') ? { value: [3], '@odata.nextLink': `${base}/v1.0/me/memberOf?page=3` } : url.includes('page=3') ? { value: [4] } : { value: [] }),
    });
    const client = graph(base);
    const first = { value: [1, 2], '@odata.nextLink': `${base}/v1.0/me/memberOf?page=2` };
    assert.deepEqual(await client.listFrom<number>(azureOperation(10_000), 'me/memberOf', first), [1, 2, 3, 4]);
    assert.deepEqual(received.map((r) => r.url), ['/v1.0/me/memberOf?page=2', '/v1.0/me/memberOf?page=3']);
    const loop = { value: [1], '@odata.nextLink': `${base}/v1.0/me/memberOf` };
    await assert.rejects(client.listFrom(azureOperation(10_000), 'me/memberOf', loop), (error: unknown) => error instanceof AzureRequestError && error.kind === 'paging');
    const foreign = { value: [1], '@odata.nextLink': 'https://elsewhere.example/v1.0/me/memberOf?page=2' };
    await assert.rejects(client.listFrom(azureOperation(10_000), 'me/memberOf', foreign), (error: unknown) => error instanceof AzureRequestError && /another host/.test(error.message));
    client.close();
  });
});
