// Recommended roles for the resources of a scope, from the built-in role definitions' dataActions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RoleInfo } from '../../src/core/access/types';
import { appliesAt, recommendedRoles } from '../../src/core/team/recommend';

interface RawRole { name: string; roleName: string; description: string; roleType: string; permissions: RoleInfo['permissions'] }
const raw = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as RawRole[];
const roles: RoleInfo[] = raw.map((r) => ({ guid: r.name, roleName: r.roleName, description: r.description, type: r.roleType, permissions: r.permissions }));
const names = (map: Map<string, string>) => [...map.keys()].map((g) => roles.find((r) => r.guid === g)!.roleName);

test('a storage account, a key vault and a Service Bus namespace get their narrow data roles', () => {
  const picked = recommendedRoles(roles, [
    { name: 'stapp', type: 'Microsoft.Storage/storageAccounts' },
    { name: 'kv-app', type: 'Microsoft.KeyVault/vaults' },
    { name: 'sb-app', type: 'Microsoft.ServiceBus/namespaces' },
  ]);
  assert.deepEqual(names(picked), [
    'Storage Blob Data Contributor', 'Storage Blob Data Reader', 'Storage Queue Data Contributor', 'Key Vault Secrets User',
    'Azure Service Bus Data Sender', 'Azure Service Bus Data Receiver',
  ]);
  assert.match([...picked.values()][0]!, /read, write and delete blobs in stapp/);
});

test('an assignment applies at its scope and below only', () => {
  assert.ok(appliesAt('/subscriptions/s', '/subscriptions/s/resourceGroups/rg'));
  assert.ok(appliesAt('/subscriptions/S/resourceGroups/RG', '/subscriptions/s/resourceGroups/rg'));
  assert.equal(appliesAt('/subscriptions/s/resourceGroups/rg', '/subscriptions/s'), false);
  assert.equal(appliesAt('/subscriptions/s/resourceGroups/rg', '/subscriptions/s/resourceGroups/rg2'), false);
});

test('a key vault in access-policy mode gets no data role: roles do not reach its data', () => {
  const picked = recommendedRoles(roles, [
    { name: 'kv-rbac', type: 'Microsoft.KeyVault/vaults' },
    { name: 'kv-legacy', type: 'Microsoft.KeyVault/vaults', accessPolicies: true },
  ]);
  assert.deepEqual(names(picked), ['Key Vault Secrets User']);
  assert.equal([...picked.values()][0], 'read secrets in kv-rbac');
  assert.equal(recommendedRoles(roles, [{ name: 'kv-legacy', type: 'Microsoft.KeyVault/vaults', accessPolicies: true }]).size, 0);
});
