// Creating a role assignment against the sandbox's ARM, through @azure/arm-authorization: a deterministic name makes
// a double click or a retry idempotent; PrincipalNotFound (a new group not yet replicated) is waited out;
// RoleAssignmentExists counts as success; AuthorizationFailed names the roles that may assign.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { assignmentName } from '../../src/core/team/roleAssignments';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { repoRoot, run } from './helpers/sandbox';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
let sb: Sandbox;

before(async () => { sb = await startSandbox(); });
after(async () => { await sb?.stop(); });
beforeEach(() => sb.control.reset());

interface Result { outcomes?: { kind: string; assignmentId: string }[]; error?: { kind: string; message: string }; waits: number[] }

async function assign(input: Record<string, unknown>): Promise<Result> {
  const cloud = { name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com', graph: sb.graph, graphAudience: 'https://graph.microsoft.com', portal: sb.url, storageSuffix: 'core.windows.net', keyVaultSuffix: 'vault.azure.net', serviceBusSuffix: 'servicebus.windows.net' };
  const r = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'teamRun.ts'), JSON.stringify({
    cloud, tenantId: sb.tenantId, clientId: sb.servicePrincipal.clientId, clientSecret: sb.servicePrincipal.clientSecret,
    scope: `/subscriptions/${SUB}/resourceGroups/rg-app`, principalType: 'User', roleDefinitionId: READER, ...input,
  })], { env: { ...sb.env(), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: repoRoot, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const creates = (): number => sb.control.requestLog().filter((e) => e.route === 'arm.roleAssignments.create' && e.status === 201).length;

test('the assignment name is a GUID fixed by scope, principal and role', () => {
  const a = assignmentName('/subscriptions/s/resourceGroups/RG/', 'P', `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
  assert.equal(a, assignmentName('/subscriptions/s/resourceGroups/rg', 'p', READER));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, assignmentName('/subscriptions/s/resourceGroups/rg', 'q', READER));
});

test('a double click creates one assignment; both clicks succeed', async () => {
  const result = await assign({ principalId: sb.users.dave!.objectId, twice: true });
  assert.equal(result.error, undefined, result.error?.message);
  // The same name twice: ARM creates once (201) and answers the second PUT with the same assignment.
  assert.deepEqual(result.outcomes!.map((o) => o.kind), ['created', 'created']);
  assert.equal(new Set(result.outcomes!.map((o) => o.assignmentId)).size, 1);
  assert.equal(creates(), 1);
});

test('RoleAssignmentExists (the same role under another name, e.g. made by az) is "already assigned"', async () => {
  // alice holds User Access Administrator on rg-app through a seeded assignment with its own name.
  const again = await assign({ principalId: sb.users.alice!.objectId, roleDefinitionId: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9' });
  assert.equal(again.outcomes?.[0]?.kind, 'exists', again.error?.message);
  assert.equal(creates(), 0);
});

test('PrincipalNotFound twice, then success: the waits are announced', async () => {
  sb.control.injectFault({ route: 'arm.roleAssignments.create', status: 400, times: 2, body: { error: { code: 'PrincipalNotFound', message: 'Principal 00 does not exist in the directory.' } } });
  const result = await assign({ principalId: sb.users.bob!.objectId, principalType: 'User' });
  assert.equal(result.outcomes?.[0]?.kind, 'created', result.error?.message);
  assert.equal(result.waits.length, 2);
});

test('AuthorizationFailed names the roles that may assign', async () => {
  sb.control.injectFault({ route: 'arm.roleAssignments.create', status: 403, body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.Authorization/roleAssignments/write.' } } });
  const result = await assign({ principalId: sb.users.bob!.objectId });
  assert.equal(result.error?.kind, 'forbidden');
  assert.match(result.error!.message, /Owner, User Access Administrator, Role Based Access Control Administrator/);
});
