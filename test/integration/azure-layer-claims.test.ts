// Mandatory MFA for resource changes: ARM answers a write from a token without the authentication context with a
// claims challenge. The role wizard and Remove Role Assignment show the message with the re-authentication command
// of the tool in use (az login --claims-challenge …), the command works when pasted into a shell, and the same
// request sent again succeeds: exactly one assignment is created, and it is removed once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'claims-'));
let home = '';

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  home = join(scratch, 'alice');
  mkdirSync(home);
  await signInDemoDeveloper(sb, home, 'alice', ['az']);
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Outcome {
  firstAssignError?: { kind: string; message: string }; assignCommand: string | null; assignRelogin?: { code: number | null; stderr: string };
  retryAssign?: { kind: string; assignmentId: string }; retryAssignError?: { kind: string; message: string };
  policyChanged: number;
  firstRemove: { ok: boolean; problem?: { kind: string; message: string; fix: string; command?: string } };
  removeCommand: string | null; removeRelogin?: { code: number | null; stderr: string };
  retryRemove: { ok: boolean; removed?: boolean; problem?: { message: string } };
}

test('a claims challenge on assigning and removing a role: the message, the command, the retry, one assignment', async () => {
  // ARM writes need the "p1" authentication context; the fake az's browser sign-in completes as alice by itself.
  sb.control.settings({ armWritesRequireAcrs: 'p1', autoSignInAs: 'alice' });
  const cloud = { name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com', graph: sb.graph, graphAudience: 'https://graph.microsoft.com' };
  const r = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'claimsRun.ts'), JSON.stringify({
    cloud, scope: `/subscriptions/${SUB}/resourceGroups/rg-app`, principalId: sb.users.dave!.objectId, roleId: READER,
    control: sb.url, secondContext: 'p2',
  })], { env: { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none') }, cwd: repoRoot, timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome;

  // The wizard's message: what Azure asked for, and the command for the Azure CLI.
  assert.equal(out.firstAssignError?.kind, 'claims-challenge', JSON.stringify(out.firstAssignError));
  assert.match(out.firstAssignError!.message, /multi-factor authentication/);
  assert.match(out.firstAssignError!.message, /"acrs"/);
  assert.match(out.assignCommand ?? '', new RegExp(`^az login --tenant ${sb.tenantId} --scope https://management\\.azure\\.com/\\.default --claims-challenge [A-Za-z0-9+/=]+$`));
  assert.equal(out.assignRelogin?.code, 0, out.assignRelogin?.stderr);
  assert.equal(out.retryAssignError, undefined, out.retryAssignError?.message);
  assert.equal(out.retryAssign?.kind, 'created');

  // Remove Role Assignment under a second policy: the challenge, the command, the retry.
  assert.equal(out.policyChanged, 200);
  assert.equal(out.firstRemove.ok, false);
  assert.equal(out.firstRemove.problem?.kind, 'claims-challenge');
  assert.match(out.firstRemove.problem?.fix ?? '', /az login .*--claims-challenge /);
  assert.match(out.firstRemove.problem?.message ?? '', /"p2"/);
  assert.ok(out.removeCommand);
  assert.equal(out.removeRelogin?.code, 0, out.removeRelogin?.stderr);
  assert.deepEqual({ ok: out.retryRemove.ok, removed: out.retryRemove.removed }, { ok: true, removed: true }, out.retryRemove.problem?.message);

  // In the sandbox: two writes refused with the challenge, exactly one assignment created and removed once.
  const log = sb.control.requestLog();
  const refused = log.filter((e) => (e.route === 'arm.roleAssignments.create' || e.route === 'arm.roleAssignments.delete') && e.status === 401);
  assert.equal(refused.length, 2);
  assert.equal(log.filter((e) => e.route === 'arm.roleAssignments.create' && e.status === 201).length, 1);
  assert.equal(log.filter((e) => e.route === 'arm.roleAssignments.delete' && e.status === 200).length, 1);
  const claimsLogins = sb.control.toolInvocations().filter((i) => i.tool === 'az' && i.argv.includes('--claims-challenge'));
  assert.equal(claimsLogins.length, 2, 'the tool signed in again with the claims, twice');
});
