// "Can … do …?": the wildcard and notActions arithmetic against a reference (random operations and patterns), and
// the answers on the 928 built-in roles: yes with the granting assignment, no with the narrowest built-in role and
// its command (run by bash), depends with the condition quoted, and a deny assignment turning a yes into a no.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { answerCan, conditionRestricts, narrowestRole, permissionsGrant, resolveScope } from '../../src/core/access/can';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { buildAccessReport, roleInfo, type RawDenyAssignment, type RawRoleAssignment, type RawRoleDefinition } from '../../src/core/access/model';
import { operationMatches, permissionsOf } from '../../src/core/access/permissions';
import type { AccessIdentity, RoleInfo, RolePermissions } from '../../src/core/access/types';

// ---- Wildcards and notActions against a reference --------------------------------------------------------------

/** Glob matching by dynamic programming over characters: an independent reference for operationMatches. */
function refMatches(pattern: string, operation: string): boolean {
  const p = pattern.toLowerCase();
  const o = operation.toLowerCase();
  const dp: boolean[][] = Array.from({ length: p.length + 1 }, () => new Array<boolean>(o.length + 1).fill(false));
  dp[0]![0] = true;
  for (let i = 1; i <= p.length; i++) {
    if (p[i - 1] === '*') dp[i]![0] = dp[i - 1]![0]!;
    for (let j = 1; j <= o.length; j++) {
      dp[i]![j] = p[i - 1] === '*' ? dp[i - 1]![j]! || dp[i]![j - 1]! : dp[i - 1]![j - 1]! && p[i - 1] === o[j - 1];
    }
  }
  return dp[p.length]![o.length]!;
}

const segment = fc.constantFrom('Microsoft.Storage', 'storageAccounts', 'blobServices', 'containers', 'blobs', 'read', 'write', 'delete', 'action', 'Microsoft.KeyVault', 'vaults', 'secrets', 'getSecret', 'a.b', 'X');
const operation = fc.array(segment, { minLength: 2, maxLength: 6 }).map((parts) => parts.join('/'));
/** A pattern: an operation's segments, some replaced by "*" or cut short with "/*", case changed at random. */
const patternFrom = (op: string) => fc.tuple(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.nat({ max: 6 }), fc.boolean()).map(([stars, cut, upper]) => {
  const parts = op.split('/').map((s, i) => (stars[i] ? '*' : s));
  const text = cut > 0 && cut < parts.length ? `${parts.slice(0, cut).join('/')}/*` : parts.join('/');
  return upper ? text.toUpperCase() : text;
});
const pattern = fc.oneof(operation.chain(patternFrom), operation, fc.constant('*'), fc.constant('*/read'));

describe('operation patterns', () => {
  test('operationMatches agrees with a character-level glob reference', () => {
    fc.assert(fc.property(pattern, operation, (p, o) => operationMatches(p, o) === refMatches(p, o)), { numRuns: 3000 });
  });

  test('a pattern made from an operation (segments starred, cut short, case changed) always matches it', () => {
    fc.assert(fc.property(operation.chain((o) => fc.tuple(fc.constant(o), patternFrom(o))), ([o, p]) => operationMatches(p, o)), { numRuns: 2000 });
  });

  test('a block grants exactly when one of its actions matches and none of its notActions does; blocks are a union', () => {
    const block = fc.record({
      actions: fc.array(pattern, { maxLength: 3 }), notActions: fc.array(pattern, { maxLength: 2 }),
      dataActions: fc.array(pattern, { maxLength: 3 }), notDataActions: fc.array(pattern, { maxLength: 2 }),
    });
    fc.assert(fc.property(fc.array(block, { maxLength: 3 }), operation, fc.boolean(), (blocks: RolePermissions[], op, data) => {
      const expected = blocks.some((b) => (data ? b.dataActions : b.actions).some((a) => refMatches(a, op)) && !(data ? b.notDataActions : b.notActions).some((n) => refMatches(n, op)));
      return permissionsGrant(blocks, op, data) === expected;
    }), { numRuns: 2000 });
  });

  test('notActions of one block do not take away what another block grants; actions never grant data actions', () => {
    fc.assert(fc.property(operation, (op) => {
      const excluded: RolePermissions = { actions: ['*'], notActions: [op], dataActions: [], notDataActions: [] };
      const other: RolePermissions = { actions: [op], notActions: [], dataActions: [], notDataActions: [] };
      return !permissionsGrant([excluded], op, false) && permissionsGrant([excluded, other], op, false) && !permissionsGrant([other], op, true);
    }), { numRuns: 500 });
  });
});

// ---- Answers on the built-in roles ------------------------------------------------------------------------------

const builtins: RawRoleDefinition[] = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as Record<string, unknown>[])
  .map((r) => ({ id: `/providers/Microsoft.Authorization/roleDefinitions/${String(r.name)}`, roleName: String(r.roleName), description: String(r.description), type: String(r.roleType), permissions: permissionsOf(r.permissions) }));
const roles: RoleInfo[] = builtins.map(roleInfo);
const byName = (name: string): RawRoleDefinition => builtins.find((r) => r.roleName === name)!;

const SUB = '11111111-1111-1111-1111-111111111111';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/stapp`;
const BLOB_WRITE = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write';
const BLOB_READ = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
const ALICE: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.com', appId: null, objectId: 'aaaaaaaa-0000-0000-0000-000000000001', tenantId: 't', tenantName: null,
  source: 'AzureCliCredential', expiresOn: null,
};
const GROUP = 'bbbbbbbb-0000-0000-0000-000000000002';

function assignment(id: string, scope: string, role: string, principalId = ALICE.objectId, condition: string | null = null): RawRoleAssignment {
  return { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${id}`, scope, roleDefinitionId: byName(role).id, principalId, principalType: 'User', condition, conditionVersion: condition ? '2.0' : null, createdOn: null };
}

function report(assignments: RawRoleAssignment[], deny: RawDenyAssignment[] = []) {
  return buildAccessReport({
    cloud: KNOWN_CLOUDS.AzureCloud, identity: ALICE, groups: [{ id: GROUP, displayName: 'sg-team', path: ['sg-team'] }], groupsProblem: null,
    subscriptions: [{ subscriptionId: SUB, displayName: 'Dev', tenantId: 't', assignments, definitions: builtins, deny, problems: [], resources: [{ id: ACCOUNT, name: 'stapp', type: 'Microsoft.Storage/storageAccounts' }] }],
    references: [], problems: [], requests: 0, tokenIssuedAt: null, now: Date.now(),
  });
}

/** What bash hands to az for the text (az replaced by a recorder). */
function bashArgv(text: string): string[] {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', `az() { printf '%s\\0' "$@"; }\n${text}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('can answers', () => {
  test('no: Storage Blob Data Reader does not write blobs; the narrowest role that would is Storage Blob Data Contributor, and its command runs', () => {
    const answer = answerCan(report([assignment('1', ACCOUNT, 'Storage Blob Data Reader'), assignment('2', RG, 'Contributor')]), BLOB_WRITE, ACCOUNT, roles);
    assert.equal(answer.verdict, 'no');
    assert.equal(answer.dataAction, true);
    assert.equal(answer.suggestion?.roleName, 'Storage Blob Data Contributor');
    assert.deepEqual(bashArgv(answer.suggestion!.command), ['role', 'assignment', 'create', '--assignee-object-id', ALICE.objectId, '--assignee-principal-type', 'User', '--scope', ACCOUNT, '--role', 'Storage Blob Data Contributor']);
    assert.match(answer.sentence, /^No: /);
  });

  test('yes: the granting assignment, inherited from the resource group through a group', () => {
    const answer = answerCan(report([assignment('1', RG, 'Storage Blob Data Contributor', GROUP)]), BLOB_WRITE, ACCOUNT, roles);
    assert.equal(answer.verdict, 'yes');
    assert.equal(answer.grantedBy[0]?.role.roleName, 'Storage Blob Data Contributor');
    assert.deepEqual(answer.grantedBy[0]?.via, { kind: 'group', groupId: GROUP, path: ['sg-team'] });
    assert.equal(answer.suggestion, null);
  });

  test('an assignment below the scope does not reach it', () => {
    const answer = answerCan(report([assignment('1', ACCOUNT, 'Storage Blob Data Contributor')]), BLOB_WRITE, RG, roles);
    assert.equal(answer.verdict, 'no');
  });

  test('depends: a condition naming the action is quoted; one naming other actions only does not restrict it', () => {
    const condition = `((!(ActionMatches{'${BLOB_READ}'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'reports'))`;
    const depends = answerCan(report([assignment('1', ACCOUNT, 'Storage Blob Data Contributor', ALICE.objectId, condition)]), BLOB_READ, ACCOUNT, roles);
    assert.equal(depends.verdict, 'depends');
    assert.deepEqual(depends.conditions, [condition]);
    assert.ok(depends.sentence.includes(condition));
    const write = answerCan(report([assignment('1', ACCOUNT, 'Storage Blob Data Contributor', ALICE.objectId, condition)]), BLOB_WRITE, ACCOUNT, roles);
    assert.equal(write.verdict, 'yes');
    assert.equal(conditionRestricts("@Resource[x] StringEquals 'y'", BLOB_WRITE), true);
  });

  test('a deny assignment turns a yes into a no, unless it is not for child scopes', () => {
    const deny: RawDenyAssignment = {
      id: 'd', name: 'Deny blob writes', description: 'by stack', scope: RG, doNotApplyToChildScopes: false,
      permissions: [{ actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'], notDataActions: [] }],
      principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }], excludePrincipals: [],
    };
    const granted = [assignment('1', ACCOUNT, 'Storage Blob Data Owner')];
    const denied = answerCan(report(granted, [deny]), BLOB_WRITE, ACCOUNT, roles);
    assert.equal(denied.verdict, 'no');
    assert.equal(denied.deniedBy?.name, 'Deny blob writes');
    assert.equal(denied.suggestion, null);
    assert.equal(answerCan(report(granted, [{ ...deny, doNotApplyToChildScopes: true }]), BLOB_WRITE, ACCOUNT, roles).verdict, 'yes');
    assert.equal(answerCan(report(granted, [{ ...deny, excludePrincipals: [{ id: ALICE.objectId, type: 'User' }] }]), BLOB_WRITE, ACCOUNT, roles).verdict, 'yes');
  });

  test('control plane: Owner\'s "*" grants; Contributor\'s notActions keep role assignments out; the suggestion is narrower than Owner', () => {
    const write = 'Microsoft.Authorization/roleAssignments/write';
    assert.equal(answerCan(report([assignment('1', RG, 'Owner')]), write, ACCOUNT, roles).verdict, 'yes');
    const contributor = answerCan(report([assignment('1', RG, 'Contributor')]), write, ACCOUNT, roles);
    assert.equal(contributor.verdict, 'no');
    assert.equal(contributor.dataAction, false);
    assert.ok(contributor.suggestion && contributor.suggestion.roleName !== 'Owner', contributor.suggestion?.roleName);
    assert.ok(roles.find((r) => r.roleName === contributor.suggestion!.roleName)!.permissions.some((p) => p.actions.some((a) => operationMatches(a, write))));
    assert.equal(answerCan(report([assignment('1', RG, 'Contributor')]), 'Microsoft.Storage/storageAccounts/delete', ACCOUNT, roles).verdict, 'yes');
  });

  test('scopes by name: a resource, a resource group, a subscription; unknown and ids pass through', () => {
    const r = { ...report([]), subscriptions: report([]).subscriptions.map((s) => ({ ...s, resources: [{ id: ACCOUNT, name: 'stapp', type: 'Microsoft.Storage/storageAccounts' }] })) };
    assert.deepEqual(resolveScope(r, 'stapp'), { ok: true, scope: ACCOUNT });
    assert.deepEqual(resolveScope(r, 'RG-APP'), { ok: true, scope: RG });
    assert.deepEqual(resolveScope(r, 'Dev'), { ok: true, scope: `/subscriptions/${SUB}` });
    assert.deepEqual(resolveScope(r, `${ACCOUNT}/`), { ok: true, scope: ACCOUNT });
    assert.equal(resolveScope(r, 'nothing').ok, false);
  });
});

describe('the role suggested for a data action is one a person is meant to hold', () => {
  test('Key Vault secrets: Secrets User to read, Secrets Officer to write, never a service role or a preview', () => {
    assert.equal(narrowestRole(roles, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', true)?.roleName, 'Key Vault Secrets User');
    assert.equal(narrowestRole(roles, 'Microsoft.KeyVault/vaults/secrets/setSecret/action', true)?.roleName, 'Key Vault Secrets Officer');
    assert.equal(narrowestRole(roles, BLOB_WRITE, true)?.roleName, 'Storage Blob Data Contributor');
  });

  test('no data action of the built-in roles gets a service role or a preview role while a general one grants it', () => {
    const general = roles.filter((r) => !/\bservice role\b|\(preview\)/i.test(r.roleName));
    const actions = [...new Set(roles.flatMap((r) => r.permissions.flatMap((p) => p.dataActions)).filter((a) => !a.includes('*')))];
    for (const action of actions) {
      const suggested = narrowestRole(roles, action, true);
      const someGeneral = narrowestRole(general, action, true);
      if (someGeneral) assert.equal(suggested?.roleName, someGeneral.roleName, action);
    }
  });
});
