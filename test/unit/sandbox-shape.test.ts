// The structural comparison the conformance tests rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeDifferences } from '../integration/helpers/sandboxShape';

test('missing keys and type changes are differences; values are not', () => {
  assert.deepEqual(shapeDifferences({ a: 'x', b: { c: 1 } }, { a: 'y', b: { c: 2 } }), []);
  assert.deepEqual(shapeDifferences({ a: 'x', b: { c: 1 } }, { a: 1, b: {} }), ['$.a: expected string, got number', '$.b.c: missing']);
});

test('extra keys only matter when exact, unless optional', () => {
  assert.deepEqual(shapeDifferences({ a: 1 }, { a: 1, z: 2 }), []);
  assert.deepEqual(shapeDifferences({ a: 1 }, { a: 1, z: 2 }, { exact: true }), ['$.z: not in the capture']);
  assert.deepEqual(shapeDifferences({ a: 1 }, { a: 1, z: 2 }, { exact: true, optionalKeys: ['z'] }), []);
});

test('null is compatible with scalars, not with objects', () => {
  assert.deepEqual(shapeDifferences({ a: null, b: 's' }, { a: 'x', b: null }), []);
  assert.deepEqual(shapeDifferences({ a: null }, { a: {} }), ['$.a: expected null, got object']);
});

test('array items are compared with the capture item of the same @odata.type', () => {
  const capture = [{ '@odata.type': '#g', displayName: 'x' }, { '@odata.type': '#r', roleTemplateId: 'y' }];
  assert.deepEqual(shapeDifferences(capture, [{ '@odata.type': '#r', roleTemplateId: 'z' }, { '@odata.type': '#g', displayName: 'q' }]), []);
  assert.deepEqual(shapeDifferences(capture, [{ '@odata.type': '#r', displayName: 'z' }]), ['$[0].roleTemplateId: missing']);
  assert.deepEqual(shapeDifferences([], [{ anything: 1 }]), []);
});
