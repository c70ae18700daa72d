// The default name of a developer's local-development app registration: `<app>-local-dev-<user>`, safe characters,
// at most 120 characters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDevAppName, localDevAppNameProblem } from '../../src/core/signin/servicePrincipals';

test('the folder slug, -local-dev-, and the user part of the sign-in name', () => {
  assert.equal(localDevAppName('Contoso Orders API', 'Alice.Smith@contoso.onmicrosoft.com'), 'contoso-orders-api-local-dev-alice-smith');
  assert.equal(localDevAppName('orders', 'bob@contoso.com'), 'orders-local-dev-bob');
  assert.equal(localDevAppName('ünïcode_app', 'Zoë@contoso.com'), 'unicode-app-local-dev-zoe');
});

test('guests, odd characters and missing parts', () => {
  assert.equal(localDevAppName('app', 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com'), 'app-local-dev-carol-fabrikam-com');
  assert.equal(localDevAppName('app', "o'brien+dev@contoso.com"), 'app-local-dev-o-brien-dev');
  assert.equal(localDevAppName('app', '<script>@x'), 'app-local-dev-script');
  assert.equal(localDevAppName('', ''), 'app-local-dev-user');
  assert.equal(localDevAppName('!!!', '@@@'), 'app-local-dev-user');
  assert.match(localDevAppName('a b', 'x y@z'), /^[a-z0-9-]+$/);
});

test('at most 120 characters: the user keeps up to 40, the app part is cut, no dash at a cut', () => {
  const name = localDevAppName('very long folder name '.repeat(20), `${'u'.repeat(70)}@contoso.com`);
  assert.ok(name.length <= 120, String(name.length));
  assert.match(name, /^very-long-folder-name-[a-z-]*[a-z]-local-dev-u{40}$/);
  const cutAtDash = localDevAppName(`${'a'.repeat(68)} b`, 'alice@x');
  assert.ok(!cutAtDash.includes('--'), cutAtDash);
  assert.equal(localDevAppNameProblem(name), undefined);
  assert.match(localDevAppNameProblem('x'.repeat(121)) ?? '', /120/);
  assert.match(localDevAppNameProblem('  ') ?? '', /required/);
  assert.match(localDevAppNameProblem('a\nb') ?? '', /control/);
});
