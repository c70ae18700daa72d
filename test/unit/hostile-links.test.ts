// The member search's follow-up link comes back from the webview: only a continuation of the user search on the
// session's own Graph origin is requested with the session's token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GraphWriteError, userSearchFollowUp } from '../../src/core/team/groups';
import { hostileSync } from '../harness/hostileTally';

const cloud = { graph: 'https://graph.microsoft.com' };
const proxied = { graph: 'https://127.0.0.1:8443/graph' };

test('follow-up links: the session\'s Graph origin and the user search only', () => {
  assert.equal(userSearchFollowUp('https://graph.microsoft.com/v1.0/users?$skiptoken=abc', cloud), 'https://graph.microsoft.com/v1.0/users?$skiptoken=abc');
  assert.ok(userSearchFollowUp('https://127.0.0.1:8443/graph/v1.0/users?$skiptoken=1', proxied));
  const refused = [
    'https://evil.example/v1.0/users?$skiptoken=abc',
    'http://graph.microsoft.com/v1.0/users',
    'https://graph.microsoft.com.evil.example/v1.0/users',
    'https://user:pw@graph.microsoft.com/v1.0/users',
    'https://graph.microsoft.com:444/v1.0/users',
    'https://graph.microsoft.com/v1.0/me/messages',
    'https://graph.microsoft.com/v1.0/users/../applications',
    'https://graph.microsoft.com/v1.0/users/someone/memberOf',
    '/v1.0/users?$skiptoken=abc',
    'javascript:alert(1)',
    'https://127.0.0.1:8443/v1.0/users',
  ];
  for (const link of refused) {
    hostileSync('links', () => assert.throws(() => userSearchFollowUp(link, link.includes('127.0.0.1') ? proxied : cloud),
      (error: unknown) => error instanceof GraphWriteError && error.kind === 'invalid', link));
  }
  fc.assert(fc.property(fc.webUrl({ withQueryParameters: true }), (link) => hostileSync('links', () => {
    let accepted: string | undefined;
    try { accepted = userSearchFollowUp(link, cloud); } catch (error) { assert.ok(error instanceof GraphWriteError); }
    if (accepted) assert.equal(new URL(accepted).origin, 'https://graph.microsoft.com');
  })), { numRuns: 200 });
});
