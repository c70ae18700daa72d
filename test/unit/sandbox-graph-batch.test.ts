// The sandbox's Graph $batch refuses what real Graph refuses (the documented rules of JSON batching) and answers a
// parseable batch with each request's own status, correlated by id, with failed dependencies as 424.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GRAPH_BATCH_LIMIT, handleGraphBatch, parseBatch, type InnerRequest } from '../../src/sandbox/graphBatch';
import { HttpError, type RequestContext } from '../../src/sandbox/http';

function context(body: unknown = undefined): { ctx: RequestContext; sent: () => { status: number; body: unknown } } {
  let status = 0;
  let text = '';
  const res = {
    writeHead(code: number) { status = code; return res; },
    end(chunk?: Buffer) { text = chunk ? chunk.toString('utf8') : ''; return res; },
  };
  const ctx = {
    requestId: 'batch-1', res, body: () => Promise.resolve(Buffer.from(body === undefined ? '' : JSON.stringify(body))),
  } as unknown as RequestContext;
  return { ctx, sent: () => ({ status, body: text ? JSON.parse(text) as unknown : undefined }) };
}

function refused(raw: unknown, message: RegExp): void {
  assert.throws(() => parseBatch(context().ctx, raw), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 400);
    assert.match((error.payload as { error: { message: string } }).error.message, message);
    return true;
  });
}

const get = (id: string, url = '/me'): Record<string, unknown> => ({ id, method: 'GET', url });

describe('sandbox Graph $batch: what it refuses', () => {
  test('not a batch: no requests array, or an empty one', () => {
    refused(undefined, /Invalid batch payload/);
    refused({ requests: {} }, /Invalid batch payload/);
    refused({ requests: [] }, /no requests/);
  });

  test(`more than ${GRAPH_BATCH_LIMIT} requests`, () => {
    const twenty = Array.from({ length: GRAPH_BATCH_LIMIT }, (_, i) => get(String(i)));
    assert.equal(parseBatch(context().ctx, { requests: twenty }).requests.length, GRAPH_BATCH_LIMIT);
    refused({ requests: [...twenty, get('20')] }, /at most 20/);
  });

  test('ids: required, strings, unique without regard to case', () => {
    refused({ requests: [{ method: 'GET', url: '/me' }] }, /string id/);
    refused({ requests: [{ id: 1, method: 'GET', url: '/me' }] }, /string id/);
    refused({ requests: [get('a'), get('A')] }, /more than once/);
  });

  test('method and url required; the url relative to the version root; no batch inside a batch', () => {
    refused({ requests: [{ id: '1', url: '/me' }] }, /no valid method/);
    refused({ requests: [{ id: '1', method: 'TRACE', url: '/me' }] }, /no valid method/);
    refused({ requests: [{ id: '1', method: 'GET' }] }, /no url/);
    refused({ requests: [get('1', 'https://graph.microsoft.com/v1.0/me')] }, /relative/);
    refused({ requests: [get('1', '//evil.example/me')] }, /relative/);
    refused({ requests: [get('1', '/$batch')] }, /do not nest/);
  });

  test('a write needs a body and a Content-Type header', () => {
    refused({ requests: [{ id: '1', method: 'POST', url: '/groups', body: {} }] }, /Write request id : 1 does not contain Content-Type header or body/);
    refused({ requests: [{ id: '1', method: 'POST', url: '/groups', headers: { 'Content-Type': 'application/json' } }] }, /does not contain Content-Type header or body/);
    const ok = parseBatch(context().ctx, { requests: [{ id: '1', method: 'POST', url: 'groups', body: { a: 1 }, headers: { 'content-type': 'application/json' } }] });
    assert.equal(ok.requests[0]!.path, '/groups');
    assert.equal(ok.requests[0]!.body?.toString(), '{"a":1}');
  });

  test('dependsOn: earlier ids only, and either every request after the first or none', () => {
    refused({ requests: [{ ...get('1'), dependsOn: ['2'] }, get('2')] }, /not an earlier request/);
    refused({ requests: [get('1'), { ...get('2'), dependsOn: ['nope'] }] }, /not an earlier request/);
    refused({ requests: [get('1'), { ...get('2'), dependsOn: [] }] }, /not a list of ids/);
    refused({ requests: [get('1'), { ...get('2'), dependsOn: ['1'] }, get('3')] }, /fully sequential or fully parallel/);
    const chain = parseBatch(context().ctx, { requests: [get('1'), { ...get('2'), dependsOn: ['1'] }, { ...get('3'), dependsOn: ['2'] }] });
    assert.deepEqual([...chain.dependsOn.entries()], [['2', ['1']], ['3', ['2']]]);
  });

  test('query and headers of a request are kept (header names in lower case)', () => {
    const { requests } = parseBatch(context().ctx, { requests: [{ ...get('1', '/me/memberOf?$top=999&$count=true'), headers: { ConsistencyLevel: 'eventual' } }] });
    assert.deepEqual({ path: requests[0]!.path, search: requests[0]!.search, headers: requests[0]!.headers }, { path: '/me/memberOf', search: '?$top=999&$count=true', headers: { consistencylevel: 'eventual' } });
  });
});

describe('sandbox Graph $batch: the answer', () => {
  test('each request answered by id, not in request order', async () => {
    const { ctx, sent } = context({ requests: [get('a', '/one'), get('b', '/two'), get('c', '/three')] });
    const seen: string[] = [];
    await handleGraphBatch(ctx, (r: InnerRequest) => {
      seen.push(r.path);
      return Promise.resolve({ status: r.path === '/two' ? 404 : 200, headers: { 'Content-Type': 'application/json' }, body: { path: r.path } });
    });
    const answer = sent();
    assert.equal(answer.status, 200);
    const responses = (answer.body as { responses: { id: string; status: number; body: { path: string } }[] }).responses;
    assert.deepEqual(seen.sort(), ['/one', '/three', '/two']);
    assert.notDeepEqual(responses.map((r) => r.id), ['a', 'b', 'c']);
    assert.deepEqual(Object.fromEntries(responses.map((r) => [r.id, [r.status, r.body.path]])), { a: [200, '/one'], b: [404, '/two'], c: [200, '/three'] });
  });

  test('a failed dependency: the requests after it are 424 and never run', async () => {
    const { ctx, sent } = context({ requests: [get('1', '/ok'), { ...get('2', '/fails'), dependsOn: ['1'] }, { ...get('3', '/after'), dependsOn: ['2'] }] });
    const ran: string[] = [];
    await handleGraphBatch(ctx, (r) => {
      ran.push(r.path);
      return Promise.resolve({ status: r.path === '/fails' ? 403 : 200, headers: {}, body: {} });
    });
    const responses = (sent().body as { responses: { id: string; status: number }[] }).responses;
    assert.deepEqual(ran, ['/ok', '/fails'], 'sequential, and the dependent request is not run');
    assert.deepEqual(Object.fromEntries(responses.map((r) => [r.id, r.status])), { 1: 200, 2: 403, 3: 424 });
  });
});
