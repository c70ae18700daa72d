// Parsers and builders of Azure names that take outside strings: folder names become group names and mail
// nicknames, az's profile (a file) becomes the tenants the Sign In page offers, a token's payload becomes an
// identity. Generated hostile input never makes them throw or return something that is not valid by construction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { identityFromToken } from '../../src/core/chain/claims';
import { parseKnownTenants } from '../../src/core/signin/knownTenants';
import { tenantProblem } from '../../src/core/signin/signInPageCommands';
import { appSlug, defaultGroupName, groupNameProblem, mailNicknameFor, mailNicknameProblem } from '../../src/core/team/names';
import { hostileSync } from '../harness/hostileTally';

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('--x; touch f', '\u202eevil', '../..', '', ' ', '-', '@()[]";:<>,./\'', 'a'.repeat(5000)));

test('group names and mail nicknames derived from any folder name are valid, and never start with "-"', () => {
  fc.assert(fc.property(anyText, (folder) => hostileSync('names', () => {
    const name = defaultGroupName(folder);
    assert.equal(groupNameProblem(name), undefined);
    assert.match(name, /^[a-z0-9][a-z0-9-]*-local-dev$/);
    assert.match(appSlug(folder), /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    assert.equal(mailNicknameProblem(mailNicknameFor(name)), undefined);
    assert.equal(mailNicknameProblem(mailNicknameFor(folder)), undefined);
  })), { numRuns: 500 });
});

test('az\'s profile: hostile JSON gives only GUID tenants and usable domains, never an exception', () => {
  const entry = fc.record({
    tenantId: fc.oneof(fc.uuid(), anyText),
    tenantDisplayName: fc.oneof(anyText, fc.constant(null)),
    tenantDefaultDomain: fc.oneof(fc.domain(), anyText, fc.constant(null)),
  }, { requiredKeys: [] });
  const profile = fc.oneof(
    fc.record({ subscriptions: fc.array(fc.oneof(entry, fc.anything()), { maxLength: 20 }) }).map((p) => JSON.stringify(p)),
    anyText,
    fc.anything().map((v) => { try { return JSON.stringify(v) ?? ''; } catch { return ''; } }),
  );
  fc.assert(fc.property(profile, (text) => hostileSync('names', () => {
    for (const tenant of parseKnownTenants(text)) {
      assert.match(tenant.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(tenantProblem(tenant.id), null, 'an offered tenant id can be used as it is');
      if (tenant.domain !== null) assert.doesNotMatch(tenant.domain, /^-|\s/);
    }
  })), { numRuns: 400 });
});

test('a token payload from anywhere: the identity is read or refused, never an exception', () => {
  const segment = fc.oneof(anyText, fc.anything().map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')));
  fc.assert(fc.property(segment, segment, (header, payload) => hostileSync('names', () => {
    const identity = identityFromToken(`${header}.${payload}.sig`);
    if (identity) for (const value of Object.values(identity)) assert.equal(typeof value, 'string');
  })), { numRuns: 300 });
});
