// The wizard protocol: what passes the schemas on both sides, what is rejected, and that a rejection is described
// by its type only, never by its content.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRejected, parseResult, toExtensionSchema, toWebviewSchema } from '../../src/webview/protocol';

const GROUP = { id: 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', displayName: '<img src=x onerror=alert(1)>', description: null };

test('requests with ids pass; unknown methods, wrong types and extra envelopes do not', () => {
  assert.ok(toExtensionSchema.safeParse({ type: 'ready' }).success);
  assert.ok(toExtensionSchema.safeParse({ type: 'request', id: 1, request: { method: 'createGroup', name: 'a-local-dev', mailNickname: 'a-local-dev', description: '' } }).success);
  assert.ok(toExtensionSchema.safeParse({ type: 'request', id: 2, request: { method: 'searchUsers', prefix: 'Al' } }).success);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 3, request: { method: 'runShell', command: 'rm -rf /' } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 4, request: { method: 'createGroup', name: 'x', mailNickname: 42, description: '' } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: -1, request: { method: 'whoAmI' } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 5, request: { method: 'listRoles', scope: 'https://evil.example/', principalId: GROUP.id } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 6, request: { method: 'addMembers', groupId: 'not-a-guid', members: [] } }).success, false);
  assert.equal(toExtensionSchema.safeParse('ready').success, false);
});

test('responses, errors and events pass on the page side; results are checked per method', () => {
  assert.ok(toWebviewSchema.safeParse({ type: 'init', init: { wizard: 'group', folderName: 'orders' } }).success);
  assert.ok(toWebviewSchema.safeParse({ type: 'response', id: 1, method: 'findGroups', ok: true, result: { groups: [GROUP] } }).success);
  assert.ok(toWebviewSchema.safeParse({ type: 'response', id: 1, method: 'createGroup', ok: false, error: { kind: 'forbidden', message: 'Insufficient privileges' } }).success);
  assert.ok(toWebviewSchema.safeParse({ type: 'event', event: { event: 'waiting', requestId: 3, seconds: 2, attempt: 1 } }).success);
  assert.equal(toWebviewSchema.safeParse({ type: 'response', id: 1, method: 'x', ok: false, error: { kind: 'boom', message: '' } }).success, false);
  assert.deepEqual(parseResult('findGroups', { groups: [GROUP] }), { groups: [GROUP] });
  assert.equal(parseResult('findGroups', { groups: [{ ...GROUP, id: 'x' }] }), undefined);
  assert.equal(parseResult('assignRole', { outcome: 'maybe', assignmentId: '' }), undefined);
});

test('a rejected message is described by its type, never its content', () => {
  assert.equal(describeRejected({ type: 'request', request: { name: 'SECRET' } }), 'a "request" message');
  assert.equal(describeRejected({ type: '<script>SECRET</script>' }), 'a message of an unknown type');
  assert.equal(describeRejected('SECRET'), 'a message that is not an object with a type');
  assert.equal(describeRejected(null), 'a message that is not an object with a type');
});

test('Check Access from a wizard\'s result names a principal by its object id, and nothing else', () => {
  const principal = { id: GROUP.id, type: 'Group', displayName: '<img src=x onerror=alert(1)>', detail: 'group' };
  assert.ok(toExtensionSchema.safeParse({ type: 'request', id: 7, request: { method: 'checkAccessFor', principal } }).success);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 8, request: { method: 'checkAccessFor', principal: { ...principal, id: 'bob@contoso' } } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 9, request: { method: 'checkAccessFor', principal: { ...principal, type: 'Tenant' } } }).success, false);
  assert.equal(toExtensionSchema.safeParse({ type: 'request', id: 10, request: { method: 'checkAccessFor' } }).success, false);
});
