// The role-definition cache: bounded by the memory its lists take (10 MB), the list used longest ago out first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AccessCache, DEFAULT_DEFINITION_CACHE_BYTES, definitionBytes } from '../../src/core/access/definitionCache';
import type { RawRoleDefinition } from '../../src/core/access/model';

interface BuiltIn { name: string; roleName: string; description: string; roleType: string; permissions: RawRoleDefinition['permissions'] }
const BUILT_INS = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as BuiltIn[];

/** One subscription's full list, as ARM returns it: every built-in role with that subscription's ids. */
function fullList(subscription: number): RawRoleDefinition[] {
  const sid = `00000000-0000-4000-8000-${String(subscription).padStart(12, '0')}`;
  return BUILT_INS.map((r) => ({
    id: `/subscriptions/${sid}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, roleName: r.roleName, description: r.description,
    type: r.roleType, permissions: r.permissions,
  }));
}

describe('role-definition cache', () => {
  test('a full list is counted at no less than its size as JSON', () => {
    const list = fullList(1);
    assert.equal(list.length, BUILT_INS.length);
    assert.ok(definitionBytes(list) >= JSON.stringify(list).length, `${definitionBytes(list)} bytes estimated`);
  });

  test('the lists of 50 subscriptions stay within 10 MB; the most recently used stay, the oldest go', () => {
    const cache = new AccessCache();
    for (let s = 0; s < 50; s++) {
      cache.setDefinitions(`cloud|${s}`, fullList(s));
      // The first subscription is read on every load: it stays.
      assert.ok(cache.getDefinitions('cloud|0'), `subscription 0 is still cached after ${s + 1} lists`);
    }
    assert.ok(cache.size <= DEFAULT_DEFINITION_CACHE_BYTES, `${(cache.size / 1_048_576).toFixed(1)} MB`);
    assert.ok(cache.getDefinitions('cloud|49'), 'the last list is kept');
    assert.equal(cache.getDefinitions('cloud|1'), undefined, 'the list used longest ago is gone');
    const kept = Array.from({ length: 50 }, (_, s) => cache.getDefinitions(`cloud|${s}`)).filter(Boolean).length;
    assert.ok(kept >= 2 && kept < 50, `${kept} lists kept`);
  });

  test('a list larger than the whole budget is not kept; clear empties it', () => {
    const cache = new AccessCache(60_000, 1000);
    cache.setDefinitions('big', fullList(1));
    assert.equal(cache.getDefinitions('big'), undefined);
    assert.equal(cache.size, 0);
    const roomy = new AccessCache();
    roomy.setDefinitions('a', fullList(1));
    roomy.clear();
    assert.equal(roomy.getDefinitions('a'), undefined);
    assert.equal(roomy.size, 0);
  });

  test('an entry older than its time to live is not returned', () => {
    const cache = new AccessCache(0);
    cache.setDefinitions('a', fullList(1));
    assert.equal(cache.getDefinitions('a'), undefined);
    assert.equal(cache.size, 0);
  });
});
