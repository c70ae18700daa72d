// A service principal signs in by app id; once the Access view has Graph's name for it, the chain row, the status bar
// and their tooltips show that name, and a hostile name cannot become markup, a new line or reversed text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ChainReport, SourceResult } from '../../src/core/chain/types';
import type { AccessIdentity } from '../../src/core/access/types';
import type { ChainSnapshot, SnapshotScope } from '../../src/core/presentation/snapshot';
import { chainViewRows, statusBarModel } from '../../src/core/presentation/snapshotView';
import {
  MAX_NAMED_PRINCIPALS, namedApplication, namedSnapshot, printableName, withName, type PrincipalNames,
} from '../../src/core/presentation/principalNames';

const APP_ID = '65b3768b-bd59-423f-9bbc-24ae4fd26fbf';
const scope: SnapshotScope = { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false };
const interpreter = { path: '/w/api/.venv/bin/python', source: 'setting' as const };
const now = new Date(2026, 0, 5, 14, 30).getTime();

function source(credential: SourceResult['credential'], change: Partial<SourceResult> = {}): SourceResult {
  return { credential, status: 'unavailable', reached: true, decisive: false, message: 'not configured', identity: null, expiresOn: null, elapsedMs: 5, ...change };
}

const servicePrincipalReport: ChainReport = {
  azureIdentityVersion: '1.23.1', versionSource: 'python', verification: null,
  sources: [
    source('EnvironmentCredential', { status: 'succeeded', decisive: true, message: '', identity: { appId: APP_ID, objectId: 'f0f1', tenantId: 't-1' } }),
    source('AzureCliCredential', { status: 'succeeded', reached: false, identity: { upn: 'alice@contoso.example', tenantId: 't-1' } }),
  ],
  verdict: { outcome: 'token', credential: 'EnvironmentCredential', message: '' },
};
const ready: ChainSnapshot = {
  phase: 'ready', scope,
  check: { report: servicePrincipalReport, python: { kind: 'answered', interpreter, azureIdentityVersion: '1.23.1', brokerInstalled: false }, checkedAt: now },
};

function accessIdentity(change: Partial<AccessIdentity>): AccessIdentity {
  return {
    kind: 'servicePrincipal', displayName: 'orders-api-local-dev', upn: null, appId: APP_ID, objectId: 'f0f1', tenantId: 't-1',
    tenantName: null, source: 'EnvironmentCredential', expiresOn: null, ...change,
  };
}

const names = (appId: string, name: string): PrincipalNames => withName(new Map(), appId, name);
const rowOf = (snapshot: ChainSnapshot, label: string) => chainViewRows(snapshot, { signInSources: new Set(), now }).find((r) => r.model.label === label)?.model;

test('before Graph has named it, a service principal shows as its app id, and the row says why', () => {
  assert.equal(statusBarModel(ready, now).text, '$(azure) app 65b3768b… · Environment');
  assert.match(rowOf(ready, 'Environment')!.description!, /^app 65b3768b… · active/);
  assert.match(rowOf(ready, 'Environment')!.tooltip, /Service principal: name not known yet \(a token carries only the app id; the Access view reads the name from Microsoft Graph/);
});

test('with the name from the Access view, the row, status bar and tooltip name the service principal', () => {
  const named = namedSnapshot(ready, names(APP_ID, 'orders-api-local-dev'));
  const status = statusBarModel(named, now);
  assert.equal(status.text, '$(azure) orders-api-local-dev · Environment');
  assert.match(status.tooltip, /service principal orders\\-api\\-local\\-dev \\\(65b3768b\\-bd59\\-423f\\-9bbc\\-24ae4fd26fbf\\\)/);
  assert.match(rowOf(named, 'Environment')!.description!, /^orders-api-local-dev · active/);
  assert.match(rowOf(named, 'Environment')!.tooltip, /Service principal: orders\\-api\\-local\\-dev\n- Application \(client\) ID: 65b3768b/);
  // A user keeps their UPN: only application identities are named this way.
  assert.equal(named.phase === 'ready' && named.check.report.sources[1]!.identity?.displayName, undefined);
});

test('an app id the names do not know, or no names at all, leaves the very same snapshot', () => {
  assert.equal(namedSnapshot(ready, new Map()), ready);
  assert.equal(namedSnapshot(ready, names('00000000-0000-0000-0000-000000000000', 'other')), ready);
  const once = namedSnapshot(ready, names(APP_ID, 'orders-api-local-dev'));
  assert.equal(namedSnapshot(once, names(APP_ID, 'orders-api-local-dev')), once, 'naming again changes nothing, so nothing is redrawn');
});

test('a stale check shown after a failure is named too', () => {
  const failed: ChainSnapshot = {
    phase: 'failed', scope, interpreter, python: undefined, failure: { kind: 'interpreter', message: 'gone' }, failedAt: now,
    stale: ready.phase === 'ready' ? ready.check : undefined,
  };
  const named = namedSnapshot(failed, names(APP_ID, 'orders-api-local-dev'));
  assert.match(statusBarModel(named, now).tooltip, /orders\\-api\\-local\\-dev/);
});

test('only an application identity with an app id and a name gives a name; the app id is compared without case', () => {
  assert.deepEqual(namedApplication(accessIdentity({ appId: APP_ID.toUpperCase() })), { appId: APP_ID, displayName: 'orders-api-local-dev' });
  assert.equal(namedApplication(accessIdentity({ kind: 'user', upn: 'alice@contoso.example', appId: null })), undefined);
  assert.equal(namedApplication(accessIdentity({ displayName: null })), undefined);
  assert.equal(namedApplication(accessIdentity({ displayName: '\u202e\u0007 ' })), undefined, 'nothing printable: no name');
  assert.deepEqual(namedApplication(accessIdentity({ kind: 'managedIdentity', displayName: 'id-orders' })), { appId: APP_ID, displayName: 'id-orders' });
});

test('a hostile name reaches the status bar as one escaped line of text', () => {
  const hostile = printableName('evil\u202e\n[click](command:workbench.action.terminal.new) **x**\u001b[31m')!;
  const status = statusBarModel(namedSnapshot(ready, names(APP_ID, hostile)), now);
  const unsafe = (text: string) => ['\n', '\u202e', '\u001b'].filter((c) => text.includes(c));
  assert.deepEqual(unsafe(status.text), []);
  assert.doesNotMatch(status.tooltip, /\[click\]\(command:/);
  assert.deepEqual(unsafe(status.tooltip.replace(/\n/g, ' ')), []);
});

test('printable names: no control or format characters, one line, bounded', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
    const name = printableName(text);
    if (name === undefined) return;
    assert.doesNotMatch(name, /[\p{Cc}\p{Cf}\u2028\u2029]/u);
    assert.ok(name.length <= 120 && name.trim() === name && name.length > 0);
  }));
});

test('the names are bounded: the oldest is forgotten first, a renamed app keeps its newest name', () => {
  let all: PrincipalNames = new Map();
  for (let i = 0; i < MAX_NAMED_PRINCIPALS + 10; i++) all = withName(all, `app-${i}`, `name-${i}`);
  assert.equal(all.size, MAX_NAMED_PRINCIPALS);
  assert.equal(all.has('app-0'), false);
  all = withName(all, 'app-20', 'renamed');
  assert.equal(all.get('app-20'), 'renamed');
  assert.equal([...all.keys()].at(-1), 'app-20');
});
