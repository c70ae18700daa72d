// The question box of "Can … Do …?": "write blobs on stsandboxapp" and the operation written out read as the same
// question; every offered question reads back as itself; hostile text (control and direction characters, markup,
// shell words, very long lines) never throws and never yields an action or scope that was not offered or well formed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_QUESTION_LENGTH, offeredActions, parseQuestion, questionText, suggestQuestions, type QuestionScope } from '../../src/core/access/question';

const SUB = '/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const SCOPES: QuestionScope[] = [
  { name: 'Sandbox on demand', scope: SUB, kind: 'subscription', type: null },
  { name: 'rg-app', scope: `${SUB}/resourceGroups/rg-app`, kind: 'resourceGroup', type: null },
  { name: 'stsandboxapp', scope: `${SUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`, kind: 'resource', type: 'Microsoft.Storage/storageAccounts' },
  { name: 'kv-sandbox-app', scope: `${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-sandbox-app`, kind: 'resource', type: 'Microsoft.KeyVault/vaults' },
  { name: 'sb-sandbox-app', scope: `${SUB}/resourceGroups/rg-app/providers/Microsoft.ServiceBus/namespaces/sb-sandbox-app`, kind: 'resource', type: 'Microsoft.ServiceBus/namespaces' },
  // The same name twice, in two resource groups.
  { name: 'twin', scope: `${SUB}/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/twin`, kind: 'resource', type: 'Microsoft.Storage/storageAccounts' },
  { name: 'twin', scope: `${SUB}/resourceGroups/rg-b/providers/Microsoft.Storage/storageAccounts/twin`, kind: 'resource', type: 'Microsoft.Storage/storageAccounts' },
];
const BLOB_WRITE = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write';
const ST = SCOPES[2]!;

function ok(text: string): { action: string; scope: string } {
  const parsed = parseQuestion(text, SCOPES);
  assert.ok(parsed.ok, `"${text}" reads as a question: ${parsed.ok ? '' : parsed.message}`);
  return { action: parsed.question.action, scope: parsed.question.scope.scope };
}

describe('question box', () => {
  test('the operation written out and the offered phrase read as the same question', () => {
    assert.deepEqual(ok(`${BLOB_WRITE} on stsandboxapp`), { action: BLOB_WRITE, scope: ST.scope });
    assert.deepEqual(ok('write blobs on stsandboxapp'), { action: BLOB_WRITE, scope: ST.scope });
    assert.deepEqual(ok('  Write   Blobs on STSANDBOXAPP ? '), { action: BLOB_WRITE, scope: ST.scope });
    assert.deepEqual(ok(`write blobs on ${ST.scope}`), { action: BLOB_WRITE, scope: ST.scope });
  });

  test('phrases belong to a resource type; subscriptions and groups have their own', () => {
    assert.deepEqual(ok('send messages on sb-sandbox-app'), { action: 'Microsoft.ServiceBus/namespaces/messages/send/action', scope: SCOPES[4]!.scope });
    assert.deepEqual(ok('read secrets on kv-sandbox-app'), { action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action', scope: SCOPES[3]!.scope });
    assert.deepEqual(ok('assign roles on rg-app'), { action: 'Microsoft.Authorization/roleAssignments/write', scope: SCOPES[1]!.scope });
    // A subscription's display name may itself contain " on ": the first " on " ends the action.
    assert.deepEqual(ok('read resource groups on Sandbox on demand'), { action: 'Microsoft.Resources/subscriptions/resourceGroups/read', scope: SUB });
    const wrong = parseQuestion('send messages on stsandboxapp', SCOPES);
    assert.ok(!wrong.ok && /not offered for Microsoft\.Storage\/storageAccounts/.test(wrong.message), JSON.stringify(wrong));
  });

  test('refusals say what is understood', () => {
    const cases: [string, RegExp][] = [
      ['write blobs', /Ask "<action> on <resource>"/],
      ['fly on stsandboxapp', /neither an operation/],
      ['Microsoft.Storage/*/write on stsandboxapp', /neither an operation/],
      ['write blobs on ', /Name a resource/],
      ['write blobs on nowhere', /No resource, resource group or subscription of that name/],
      ['write blobs on twin', /2 scopes have that name/],
      ['write blobs on /subscriptions/x/../../etc', /No resource/],
      [`write blobs on stsandboxapp${' '.repeat(MAX_QUESTION_LENGTH)}`, /longer than/],
      ['write blobs on stsandbox\u202eppa', /control or direction/],
    ];
    for (const [text, expected] of cases) {
      const parsed = parseQuestion(text, SCOPES);
      assert.ok(!parsed.ok, `"${text}" is refused`);
      assert.match(parsed.message, expected, text);
    }
  });

  test('an id the report does not list is asked as given when it is well formed', () => {
    const id = `${SUB}/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/stother`;
    assert.deepEqual(ok(`write blobs on ${id}`), { action: BLOB_WRITE, scope: id });
  });

  test('every offered question reads back as itself', () => {
    const unique = SCOPES.filter((s) => SCOPES.filter((o) => o.name.toLowerCase() === s.name.toLowerCase()).length === 1);
    for (const scope of unique) {
      for (const offered of offeredActions(scope.type)) {
        const text = questionText({ ...offered, scope });
        assert.deepEqual(ok(text), { action: offered.action, scope: scope.scope }, text);
      }
    }
  });

  test('suggestions: the scopes that offer a phrase, then the scopes whose names start with what follows "on"', () => {
    assert.deepEqual(suggestQuestions('write bl', SCOPES).map(questionText), ['write blobs on stsandboxapp', 'write blobs on twin', 'write blobs on twin']);
    assert.deepEqual(suggestQuestions('write blobs on sts', SCOPES).map(questionText), ['write blobs on stsandboxapp']);
    assert.deepEqual(suggestQuestions(`${BLOB_WRITE} on s`, SCOPES).map((q) => q.scope.name), ['Sandbox on demand', 'stsandboxapp', 'sb-sandbox-app']);
    assert.equal(suggestQuestions('stsandboxapp', SCOPES).length, 0, 'a scope name alone suggests no question (the box picks the scope)');
    assert.ok(suggestQuestions('r', SCOPES, 3).length <= 3);
  });

  test('hostile text never throws, and only offered or well-formed actions and listed or well-formed scopes come out', () => {
    const pieces = fc.constantFrom('write blobs', ' on ', 'stsandboxapp', '$(rm -rf ~)', '<img src=x onerror=alert(1)>', '\u001b[31m', '\u202e', '`id`', '"', "'", ';', '*', '/', '..', BLOB_WRITE, SUB, '?', '\n', 'twin');
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.array(pieces, { maxLength: 8 }).map((p) => p.join('')));
    const offered = new Set(SCOPES.flatMap((s) => offeredActions(s.type).map((o) => o.action)));
    fc.assert(fc.property(text, (t) => {
      const parsed = parseQuestion(t, SCOPES);
      for (const q of suggestQuestions(t, SCOPES)) assert.ok(SCOPES.includes(q.scope));
      if (!parsed.ok) return;
      const { action, scope } = parsed.question;
      assert.ok(offered.has(action) || /^[A-Za-z][A-Za-z0-9.]*(\/[A-Za-z0-9._-]+)+$/.test(action), action);
      assert.ok(SCOPES.includes(scope) || /^\/subscriptions\/[0-9a-f-]{36}(\/resourceGroups\/[-\w.()]+(\/providers(\/[-\w.()]+)+)?)?$/i.test(scope.scope), scope.scope);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\s<>`$;"'\u001b\u202e]/.test(action + scope.scope));
    }), { numRuns: 2_000 });
  });
});
