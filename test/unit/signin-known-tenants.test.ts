// The tenants the Sign In page offers: az's profile, read defensively.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { knownTenants, parseKnownTenants } from '../../src/core/signin/knownTenants';

const A = '48337339-9daf-40bb-b2c4-6fdbad938cad';
const B = '0f7c2d1e-1111-4222-8333-944455556666';

test('one entry per tenant, in the profile order, with name and default domain when az recorded them', () => {
  const profile = {
    installationId: 'x',
    subscriptions: [
      { id: 's1', tenantId: A, tenantDisplayName: 'Contoso Sandbox', tenantDefaultDomain: 'contososandbox.onmicrosoft.com', user: { name: 'alice' } },
      { id: 's2', tenantId: A.toUpperCase(), tenantDisplayName: 'Contoso Sandbox', tenantDefaultDomain: 'contososandbox.onmicrosoft.com' },
      { id: 's3', tenantId: B },
    ],
  };
  // az writes a byte-order mark.
  assert.deepEqual(parseKnownTenants(`\uFEFF${JSON.stringify(profile)}`), [
    { id: A, name: 'Contoso Sandbox', domain: 'contososandbox.onmicrosoft.com' },
    { id: B, name: null, domain: null },
  ]);
});

test('entries that are not what az writes are skipped; a file that is not a profile gives nothing', () => {
  const profile = { subscriptions: [{ tenantId: 'not-a-guid' }, 42, { tenantId: B, tenantDefaultDomain: 'evil domain<script>' }, { tenantId: A, tenantDisplayName: '<b>x</b>' }] };
  assert.deepEqual(parseKnownTenants(JSON.stringify(profile)), [{ id: A, name: '<b>x</b>', domain: null }]);
  assert.deepEqual(parseKnownTenants('{"subscriptions": "no"}'), []);
  assert.deepEqual(parseKnownTenants('not json'), []);
});

test('read from AZURE_CONFIG_DIR, else ~/.azure; none when az has no profile', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ada-tenants-'));
  try {
    assert.deepEqual(await knownTenants({ HOME: home }), []);
    mkdirSync(join(home, '.azure'));
    writeFileSync(join(home, '.azure', 'azureProfile.json'), JSON.stringify({ subscriptions: [{ tenantId: A }] }));
    assert.deepEqual((await knownTenants({ HOME: home })).map((t) => t.id), [A]);
    mkdirSync(join(home, 'cfg'));
    writeFileSync(join(home, 'cfg', 'azureProfile.json'), JSON.stringify({ subscriptions: [{ tenantId: B }] }));
    assert.deepEqual((await knownTenants({ HOME: home, AZURE_CONFIG_DIR: join(home, 'cfg') })).map((t) => t.id), [B]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
