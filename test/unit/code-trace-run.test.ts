import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readTrace, requestText, traceHeadline, traceLogLines, traceRows } from '../../src/core/code/traceRun';

const T0 = Date.UTC(2026, 0, 5, 12, 3, 41) / 1000;
const ALICE = { tid: '72f988bf-0000-4000-8000-000000000001', oid: 'a1', upn: 'alice@contoso.com' };
const line = (o: object) => JSON.stringify({ v: 1, pid: 7, time: T0, ...o });

test('a trace reads back as requests: credential, scopes, tenant and claims', () => {
  const trace = readTrace([
    line({ kind: 'start' }),
    line({ kind: 'token', chain: 'DefaultAzureCredential', credential: 'AzureCliCredential', scopes: ['https://storage.azure.com/.default'], tenant: null, claims: ALICE }),
    line({ kind: 'token', chain: 'DefaultAzureCredential', credential: 'AzureCliCredential', scopes: ['https://storage.azure.com/.default'], tenant: null, claims: ALICE }),
    line({ kind: 'failed', chain: 'ChainedTokenCredential', scopes: ['https://vault.azure.net/.default'], tenant: 'fabrikam.example' }),
    '',
  ].join('\n'));
  assert.equal(trace.started, 1);
  assert.equal(trace.rejectedLines, 0);
  assert.equal(requestText(trace.requests[0]!), `AzureCliCredential → alice@contoso.com · https://storage.azure.com/.default · tenant ${ALICE.tid}`);
  assert.equal(requestText(trace.requests[2]!), 'ChainedTokenCredential found no credential · https://vault.azure.net/.default · tenant fabrikam.example (requested)');
  const ended = T0 * 1000 + 5000;
  assert.match(traceHeadline(trace, 'app.py', ended), /^Traced run of app\.py at \d\d:\d\d:\d\d: 2 tokens from Azure CLI, 1 failed$/);
  const rows = traceRows(trace, 'app.py', ended);
  // The headline, then one row per distinct request, with how often it happened.
  assert.equal(rows.length, 3);
  assert.match(rows[0]!.label, /^Traced run · \d\d:\d\d:\d\d$/);
  assert.equal(rows[0]!.description, 'app.py · 2 tokens from Azure CLI, 1 failed');
  assert.equal(rows[1]!.label, 'Azure CLI → alice@contoso.com');
  assert.match(rows[1]!.description, new RegExp(`^https://storage\\.azure\\.com/\\.default · tenant ${ALICE.tid} · ×2 · \\d\\d:\\d\\d:\\d\\d$`));
  assert.equal(rows[2]!.label, 'ChainedTokenCredential found no credential');
  assert.equal(rows[2]!.icon, 'error');
  assert.equal(traceLogLines(trace, 'app.py', ended).length, 4);
});

test('a run that asks for no token, and a trace that never started, say so', () => {
  assert.match(traceHeadline(readTrace(line({ kind: 'start' })), 'x.py', T0 * 1000), /no token requested through a credential chain$/);
  assert.match(traceHeadline(readTrace(''), 'x.py', T0 * 1000), /the trace did not start$/);
});

test('lines that are not the trace\'s are counted and ignored; shown text is redacted and inert', () => {
  const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln';
  const trace = readTrace([
    'not json',
    JSON.stringify({ v: 1, kind: 'token', time: 'soon' }),
    line({ kind: 'token', chain: 'DefaultAzureCredential', credential: `Evil\u001b]8;;https://x\u0007Credential ${jwt}`, scopes: ['s'], tenant: null, claims: { upn: `bob\u001b[2J ${jwt}` } }),
    line({ kind: 'token', chain: 'D', credential: 'C', scopes: ['x'.repeat(600)], tenant: null, claims: null }),
  ].join('\n'));
  assert.equal(trace.rejectedLines, 3);
  const text = traceLogLines(trace, 'p.py', T0 * 1000).join('\n') + traceRows(trace, 'p.py', T0 * 1000).map((r) => r.label + r.description + r.tooltip).join('\n');
  assert.ok(!text.includes(jwt));
  assert.ok(!text.includes('\u001b'));
  assert.ok(!text.includes('\u0007'));
  assert.match(text, /<redacted>/);
});

test('no input makes the reader throw, and nothing shown carries a control character', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({
    v: fc.constant(1), kind: fc.constantFrom('token', 'failed', 'start'), time: fc.double({ noNaN: true, min: 0, max: 4e9 }), pid: fc.nat(),
    chain: fc.string(), credential: fc.string(), scopes: fc.array(fc.string(), { maxLength: 3 }), tenant: fc.option(fc.string()),
    claims: fc.option(fc.record({ upn: fc.string(), tid: fc.string() })),
  }).map((o) => JSON.stringify(o)))), (lines) => {
    const trace = readTrace(lines.join('\n'));
    for (const shown of [...traceLogLines(trace, 'p.py', 0), ...traceRows(trace, 'p.py', 0).flatMap((r) => [r.label, r.description])]) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f]/);
    }
  }));
});
