// Which identity the Access view follows, and what it shows in each phase of a load, read as a person reads it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { buildAccessReport } from '../../src/core/access/model';
import type { AccessReport } from '../../src/core/access/types';
import type { ChainReport, SourceResult } from '../../src/core/chain/types';
import {
  accessTarget, shownAccess, subjectKey, type AccessSnapshot, type AccessSubject, type CompletedAccess,
} from '../../src/core/presentation/accessSnapshot';
import { accessViewModel } from '../../src/core/presentation/accessViewModel';
import type { ChainSnapshot, CompletedCheck, SnapshotScope } from '../../src/core/presentation/snapshot';

const scope: SnapshotScope = { trusted: true, folder: { name: 'api', uri: 'file:///w/api', choice: 'only' }, multiRoot: false };
const at = (h: number, m: number) => new Date(2026, 0, 5, h, m).getTime();

function source(credential: SourceResult['credential'], change: Partial<SourceResult> = {}): SourceResult {
  return { credential, status: 'unavailable', reached: true, decisive: false, message: 'not signed in', identity: null, expiresOn: null, elapsedMs: 5, ...change };
}

function chainReport(upn: string | null, objectId = 'oid-alice'): ChainReport {
  return {
    azureIdentityVersion: '1.23.1', versionSource: 'python', verification: null,
    sources: [
      source('EnvironmentCredential'),
      upn
        ? source('AzureCliCredential', { status: 'succeeded', decisive: true, message: '', identity: { upn, objectId, tenantId: 't-1' } })
        : source('AzureCliCredential', { message: "Please run 'az login' to set up an account" }),
    ],
    verdict: upn ? { outcome: 'token', credential: 'AzureCliCredential', message: '' } : { outcome: 'failure', credential: null, message: 'DefaultAzureCredential failed to retrieve a token' },
  };
}

const check = (report: ChainReport): CompletedCheck => ({
  report, python: { kind: 'answered', interpreter: { path: '/usr/bin/python3', source: 'path' }, azureIdentityVersion: '1.23.1', brokerInstalled: false }, checkedAt: at(14, 0),
});

const subject: AccessSubject = { source: 'AzureCliCredential', objectId: 'oid-alice', tenantId: 't-1', who: 'alice@contoso.example', folderUri: 'file:///w/api' };

const report: AccessReport = buildAccessReport({
  cloud: KNOWN_CLOUDS.AzureCloud,
  identity: { kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: 'oid-alice', tenantId: 't-1', tenantName: null, source: 'AzureCliCredential', expiresOn: null },
  groups: [], groupsProblem: null,
  subscriptions: [{
    subscriptionId: 'sub-1', displayName: 'Dev', tenantId: 't-1', problems: [], definitions: [
      { id: '/providers/Microsoft.Authorization/roleDefinitions/owner', roleName: 'Owner', description: '', type: 'BuiltInRole', permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }] },
    ],
    assignments: [{ id: '/subscriptions/sub-1/providers/Microsoft.Authorization/roleAssignments/a1', scope: '/subscriptions/sub-1', roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/owner', principalId: 'oid-alice', principalType: 'User', condition: null, conditionVersion: null, createdOn: null }],
  }],
  references: [], problems: [], requests: 3, tokenIssuedAt: null, now: at(14, 0),
});
const loaded: CompletedAccess = { report, cloud: KNOWN_CLOUDS.AzureCloud, loadedAt: at(14, 2) };

describe('which identity the view follows', () => {
  test('the active source with its object id and tenant; the same sign-in gives the same key', () => {
    const target = accessTarget({ phase: 'ready', scope, check: check(chainReport('alice@contoso.example')) });
    assert.equal(target.kind, 'subject');
    if (target.kind !== 'subject') return;
    assert.deepEqual(target.subject, subject);
    const again = accessTarget({ phase: 'ready', scope, check: check(chainReport('alice@contoso.example')) });
    assert.equal(again.kind === 'subject' && subjectKey(again.subject), subjectKey(subject));
  });

  test('another user through the same tool is another subject', () => {
    const erin = accessTarget({ phase: 'ready', scope, check: check(chainReport('erin@contoso.example', 'oid-erin')) });
    assert.ok(erin.kind === 'subject' && subjectKey(erin.subject) !== subjectKey(subject));
  });

  test('no token: nobody to describe, and why; a chain being checked changes nothing yet', () => {
    const none = accessTarget({ phase: 'ready', scope, check: check(chainReport(null)) });
    assert.deepEqual(none, { kind: 'none', why: { kind: 'chainFails', headline: 'The chain fails: no source can provide a token' } });
    const probing: ChainSnapshot = { phase: 'probing', scope, interpreter: undefined, python: undefined, order: [], finished: new Map(), previous: undefined };
    assert.deepEqual(accessTarget(probing), { kind: 'wait' });
    assert.deepEqual(accessTarget({ phase: 'idle', scope }), { kind: 'idle' });
  });

  test('a failed chain check keeps the identity of its stale answer, or says the check failed', () => {
    const failed = (stale: CompletedCheck | undefined): ChainSnapshot => ({
      phase: 'failed', scope, interpreter: undefined, python: undefined, failure: { kind: 'timeout', seconds: 60, during: 'sources' }, failedAt: at(14, 5), stale,
    });
    assert.equal(accessTarget(failed(check(chainReport('alice@contoso.example')))).kind, 'subject');
    assert.deepEqual(accessTarget(failed(undefined)), { kind: 'none', why: { kind: 'checkFailed', reason: 'it did not finish within 60 s' } });
  });
});

describe('what the view shows in each phase', () => {

  test('idle: nothing (the welcome content)', () => {
    assert.deepEqual(accessViewModel({ phase: 'idle', scope }).rows, []);
  });

  test('no source: why, and Sign In', () => {
    const model = accessViewModel({ phase: 'no-source', scope, why: { kind: 'chainFails', headline: 'The chain fails: no source can provide a token' } });
    assert.deepEqual(model.rows.map((r) => r.label), ['No token: The chain fails: no source can provide a token', 'Sign In…']);
    assert.equal(model.rows[1]!.click, 'signIn');
  });

  test('loading a new identity shows no earlier report; a refresh keeps every row in place, says so in the title; throttling is the message', () => {
    const first = accessViewModel({ phase: 'loading', scope, subject, previous: undefined, throttled: undefined }, at(14, 30));
    assert.deepEqual(first.rows.map((r) => r.label), ['Loading the access of alice@contoso.example…']);
    assert.equal(first.busy, true);
    const ready = accessViewModel({ phase: 'ready', scope, subject, access: loaded }, at(14, 30));
    const model = accessViewModel({ phase: 'loading', scope, subject, previous: loaded, throttled: 'Azure is throttling requests; waiting 10 s before retrying…' }, at(14, 30));
    // The same rows as before the refresh, so no row moves under the pointer and the tree has nothing to redraw.
    assert.deepEqual(model.rows, ready.rows);
    assert.equal(model.description, 'Refreshing…');
    assert.equal(model.busy, true);
    assert.equal(ready.busy, false);
    assert.equal(ready.description, undefined);
    assert.equal(model.message, 'Azure is throttling requests; waiting 10 s before retrying…');
    const twoFolders = { ...scope, multiRoot: true };
    assert.equal(accessViewModel({ phase: 'loading', scope: twoFolders, subject, previous: loaded, throttled: undefined }).description, 'api · Refreshing…');
  });

  test('ready: the report', () => {
    const model = accessViewModel({ phase: 'ready', scope, subject, access: loaded });
    assert.equal(model.rows[0]!.label, 'Alice');
    assert.equal(model.message, undefined);
    assert.equal(shownAccess({ phase: 'ready', scope, subject, access: loaded }), loaded);
  });

  test('failed: the problem with its fix first; the earlier report only marked stale, with nothing to remove', () => {
    const snapshot: AccessSnapshot = {
      phase: 'failed', scope, subject, failedAt: at(14, 30), stale: loaded,
      failure: { kind: 'problem', problem: { kind: 'sign-in-expired', message: 'No token for Azure Resource Manager: the sign-in is expired.', fix: 'Sign in again (Azure Dev Auth: Sign In…).' } },
    };
    const rows = accessViewModel(snapshot, at(14, 30)).rows;
    assert.equal(rows[0]!.label, 'Loading access failed: No token for Azure Resource Manager: the sign-in is expired. — showing the result from 14:02');
    assert.deepEqual(rows[0]!.flags, ['signIn']);
    assert.equal(rows[0]!.children[0]!.label, 'Fix: Sign in again (Azure Dev Auth: Sign In…).');
    assert.equal(rows[1]!.description, 'alice@contoso.example · Azure CLI (stale: from 14:02)');
    const flat = (list: readonly { flags: readonly string[]; children: readonly unknown[] }[]): string[] =>
      list.flatMap((r) => [...r.flags, ...flat(r.children as typeof list)]);
    assert.ok(!flat(rows).includes('canRemove'));
    const fresh = accessViewModel({ ...snapshot, stale: undefined }).rows;
    assert.deepEqual(fresh.map((r) => r.label), ['No token for Azure Resource Manager: the sign-in is expired.']);
  });

  test('an unusable cloud setting says which setting, and offers the settings', () => {
    const rows = accessViewModel({ phase: 'failed', scope, subject, failedAt: at(14, 30), stale: undefined, failure: { kind: 'cloudSetting', message: 'Unknown cloud "Mars".' } }).rows;
    assert.match(rows[0]!.label, /^The setting azureDevAuth\.cloud is not usable: Unknown cloud "Mars"\./);
    assert.deepEqual(rows[0]!.flags, ['openSettings']);
  });

  test('in a multi-root workspace the description names the folder', () => {
    assert.equal(accessViewModel({ phase: 'idle', scope: { ...scope, multiRoot: true } }).description, 'api');
  });
});
