// The Access view's rows from a report built with real role definitions: ids VS Code accepts, how each assignment is
// attributed, what a menu may offer, and that names from Azure stay text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KNOWN_CLOUDS, resolveCloud } from '../../src/core/access/clouds';
import { buildAccessReport, type AccessInputs, type RawRoleAssignment, type RawRoleDefinition, type RawSubscription } from '../../src/core/access/model';
import type { AccessIdentity } from '../../src/core/access/types';
import { accessRows, codeSpan, equivalentCommands, linkTarget, type AccessRowModel } from '../../src/core/presentation/accessRows';

interface BuiltIn { name: string; roleName: string; description: string; roleType: string; permissions: RawRoleDefinition['permissions'] }
const BUILT_INS = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as BuiltIn[]);
const definitions = (sub: string): RawRoleDefinition[] => BUILT_INS.map((r) => ({
  id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, roleName: r.roleName, description: r.description, type: r.roleType, permissions: r.permissions,
}));
const roleDef = (roleName: string): string => `/providers/Microsoft.Authorization/roleDefinitions/${BUILT_INS.find((r) => r.roleName === roleName)!.name}`;

const DEV = '11111111-1111-1111-1111-111111111111';
const PROD = '22222222-2222-2222-2222-222222222222';
const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const SG_DEV = 'bbbbbbbb-0000-0000-0000-000000000001';
const SG_PLATFORM = 'bbbbbbbb-0000-0000-0000-000000000002';
const SG_MARKUP = 'bbbbbbbb-0000-0000-0000-000000000003';
const RG = `/subscriptions/${DEV}/resourceGroups/rg-app`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stapp`;
const MG = '/providers/Microsoft.Management/managementGroups/mg-platform';
const MARKUP = '<img src=x onerror=alert(1)>';

const identity: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: ME, tenantId: 'tenant-1', tenantName: 'Contoso',
  source: 'AzureCliCredential', expiresOn: null,
};

let n = 0;
function assignment(scope: string, roleName: string, principalId: string): RawRoleAssignment {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${String(++n).padStart(8, '0')}-0000-0000-0000-000000000000`,
    scope, roleDefinitionId: roleDef(roleName), principalId, principalType: principalId === ME ? 'User' : 'Group',
    condition: null, conditionVersion: null, createdOn: '2026-01-01T00:00:00Z',
  };
}

function subscription(id: string, displayName: string, change: Partial<RawSubscription>): RawSubscription {
  return { subscriptionId: id, displayName, tenantId: 'tenant-1', definitions: definitions(id), problems: [], ...change };
}

function inputs(subscriptions: RawSubscription[]): AccessInputs {
  return {
    cloud: KNOWN_CLOUDS.AzureCloud, identity,
    groups: [
      { id: SG_DEV, displayName: 'sg-dev-team', path: ['sg-dev-team'] },
      { id: SG_PLATFORM, displayName: 'sg-platform-readers', path: ['sg-dev-team', 'sg-platform-readers'] },
      { id: SG_MARKUP, displayName: MARKUP, path: [MARKUP] },
    ],
    groupsProblem: null, subscriptions, references: [], problems: [], requests: 0, tokenIssuedAt: null, now: Date.parse('2026-06-01T00:00:00Z'),
  };
}

const report = buildAccessReport(inputs([
  subscription(DEV, 'Sandbox Dev', {
    assignments: [
      assignment(RG, 'Contributor', SG_DEV),
      assignment(RG, 'User Access Administrator', ME),
      assignment(STORAGE, 'Storage Blob Data Reader', ME),
      assignment(`/subscriptions/${DEV}`, 'Reader', SG_MARKUP),
      assignment(MG, 'Cost Management Reader', SG_PLATFORM),
    ],
    problems: [{ kind: 'forbidden', message: 'Deny assignments could not be read: not allowed (AuthorizationFailed).', fix: 'Ask for Reader.', scope: `/subscriptions/${DEV}` }],
  }),
  subscription(PROD, 'Sandbox Prod', { assignments: [assignment(MG, 'Cost Management Reader', SG_PLATFORM), assignment(`/subscriptions/${PROD}`, 'Reader', SG_PLATFORM)] }),
]));
const rows = accessRows(report, KNOWN_CLOUDS.AzureCloud);

function all(list: readonly AccessRowModel[]): AccessRowModel[] {
  return list.flatMap((r) => [r, ...all(r.children)]);
}
function find(list: readonly AccessRowModel[], predicate: (r: AccessRowModel) => boolean): AccessRowModel {
  const found = all(list).find(predicate);
  assert.ok(found, 'row not found');
  return found;
}
const scopeRow = (scope: string, sub = DEV) => find(rows, (r) => r.kind === 'scope' && r.scope === scope && r.id.startsWith(sub));
const assignmentIn = (scopeNode: AccessRowModel, role: string) => find(scopeNode.children, (r) => r.kind === 'assignment' && r.label === role);

describe('the Access tree', () => {
  test('every id is unique, although a management group reaches two subscriptions', () => {
    const ids = all(rows).map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, ids.filter((id, i) => ids.indexOf(id) !== i).join('\n'));
  });

  test('a management group is a scope of its own: the subscription below it is not shown twice', () => {
    const dev = find(rows, (r) => r.id === `subscription|${DEV}`);
    const mg = dev.children.find((r) => r.kind === 'scope' && r.scope === MG)!;
    assert.deepEqual(mg.children.map((r) => r.kind), ['assignment']);
    assert.equal(all(dev.children).filter((r) => r.kind === 'scope' && r.scope === `/subscriptions/${DEV}`).length, 1);
  });

  test('each assignment says how it reaches the identity, and inherited ones where they come from', () => {
    const rg = scopeRow(RG);
    assert.equal(assignmentIn(rg, 'Contributor').description, 'via group sg-dev-team');
    assert.equal(assignmentIn(rg, 'User Access Administrator').description, 'direct');
    assert.equal(assignmentIn(rg, 'Reader').description, `via group ${MARKUP} · inherited from subscription Sandbox Dev`);
    assert.equal(assignmentIn(rg, 'Cost Management Reader').description, 'via sg-dev-team → sg-platform-readers · inherited from management group mg-platform');
    const storage = scopeRow(STORAGE);
    assert.equal(assignmentIn(storage, 'Storage Blob Data Reader').description, 'direct');
    assert.equal(assignmentIn(storage, 'Contributor').description, 'via group sg-dev-team · inherited from rg-app');
  });

  test('removal is offered where the identity may remove assignments, never on inherited rows', () => {
    const rg = scopeRow(RG);
    assert.ok(assignmentIn(rg, 'Contributor').flags.includes('canRemove'));
    assert.ok(!assignmentIn(rg, 'Reader').flags.includes('canRemove'), 'inherited from the subscription');
    assert.ok(assignmentIn(scopeRow(STORAGE), 'Storage Blob Data Reader').flags.includes('canRemove'));
    const sub = scopeRow(`/subscriptions/${DEV}`);
    assert.ok(!assignmentIn(sub, 'Reader').flags.includes('canRemove'), 'User Access Administrator at rg-app does not reach the subscription');
    assert.equal(assignmentIn(rg, 'Contributor').principal, 'group sg-dev-team');
    assert.equal(assignmentIn(rg, 'User Access Administrator').principal, 'you (alice@contoso.example)');
    assert.equal(assignmentIn(rg, 'Cost Management Reader').principal, 'group sg-platform-readers (you are in it through sg-dev-team)');
  });

  test('scope rows and assignments link to the portal of the cloud', () => {
    const china = resolveCloud('AzureChinaCloud');
    const chinaRows = accessRows(report, china);
    const rg = find(chinaRows, (r) => r.kind === 'scope' && r.scope === RG);
    assert.equal(rg.portalUrl, `https://portal.azure.cn/#@/resource${RG}`);
    assert.ok(rg.flags.includes('hasScope'));
    assert.match(rg.tooltip, /\[Open in the portal\]\(https:\/\/portal\.azure\.cn\/#@\/resource\/subscriptions\//);
  });

  test('a problem is a row with its fix under it, and offers what fixes it', () => {
    const problem = find(rows, (r) => r.kind === 'problem');
    assert.match(problem.label, /^Deny assignments could not be read/);
    assert.equal(problem.children[0]?.label, 'Fix: Ask for Reader.');
    assert.deepEqual(problem.flags, ['refresh']);
    assert.equal(problem.expanded, true);
  });

  test('names from Azure are text: a label as it is, tooltips escaped', () => {
    const group = find(rows, (r) => r.kind === 'group' && r.id === `group|${SG_MARKUP}`);
    assert.equal(group.label, MARKUP);
    assert.doesNotMatch(group.tooltip, /(^|[^\\])</, 'every < is escaped');
    assert.match(group.tooltip, /\\<img src=x onerror=alert\\\(1\\\)\\>/);
    assert.equal(codeSpan('a`](command:evil)`'), "`a'](command:evil)'`");
    assert.equal(linkTarget('https://portal.azure.com/#@/resource/subscriptions/x/resourceGroups/a) [b](https://evil'), 'https://portal.azure.com/#@/resource/subscriptions/x/resourceGroups/a%29%20%5Bb%5D%28https://evil');
    assert.equal(linkTarget('javascript:alert(1)'), undefined);
  });
});

describe('Copy az Command', () => {
  test('one assignment list per subscription, and the groups', () => {
    const text = equivalentCommands(report, KNOWN_CLOUDS.AzureCloud);
    assert.equal(text, [
      `az role assignment list --assignee ${ME} --all --include-groups --include-inherited --subscription ${DEV} --output table`,
      `az role assignment list --assignee ${ME} --all --include-groups --include-inherited --subscription ${PROD} --output table`,
      `az ad user get-member-groups --id ${ME} --security-enabled-only true --output table`,
      '',
    ].join('\n'));
  });

  test('a sovereign cloud sets az to it first; odd values are quoted for the shell', () => {
    const odd = { ...report, identity: { ...identity, kind: 'servicePrincipal' as const, objectId: "x'; rm -rf ~ #" } };
    const text = equivalentCommands(odd, resolveCloud('AzureUSGovernment'));
    assert.match(text, /^az cloud set --name AzureUSGovernment\n/);
    assert.ok(text.includes(`--assignee 'x'\\''; rm -rf ~ #'`), text);
    assert.ok(text.includes("--url 'https://graph.microsoft.us/v1.0/servicePrincipals/x'\\''; rm -rf ~ #/transitiveMemberOf'"), text);
  });
});
