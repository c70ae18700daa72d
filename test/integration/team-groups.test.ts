// The team wizard's Graph side against the sandbox, as the signed-in developer (fake az): user search by display-name
// prefix across pages, a double click on Create making one group, members added one by one ("already a member"
// counts), and a tenant where users may not create security groups answering with Authorization_RequestDenied.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'team-groups-'));
const homes: Record<string, string> = {};

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  for (const user of ['alice', 'bob']) {
    homes[user] = join(scratch, user);
    mkdirSync(homes[user]!);
    await signInDemoDeveloper(sb, homes[user]!, user, ['az']);
  }
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Result { found: string[]; pages: number; before: number; after: number; created: { sameGroup: boolean; id: string } | null; members: { id: string; outcome: string }[] | null; error: { kind: string; message: string } | null }

async function wizard(user: string, name: string, members: string[]): Promise<Result> {
  const cloud = { name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com', graph: sb.graph, graphAudience: 'https://graph.microsoft.com', portal: sb.url, storageSuffix: 'core.windows.net', keyVaultSuffix: 'vault.azure.net', serviceBusSuffix: 'servicebus.windows.net' };
  const r = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'teamGroupRun.ts'), JSON.stringify({ cloud, name, members, searchPrefix: '' })], {
    env: { ...sb.toolEnv(homes[user]!), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: repoRoot, timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

test('a Groups Administrator creates the group once although Create is clicked twice, and adds the members', async () => {
  const alice = sb.users.alice!.objectId;
  const result = await wizard('bob', 'orders-api-local-dev', [alice, sb.users.bob!.objectId, alice]);
  assert.equal(result.error, null, result.error?.message);
  assert.equal(result.before, 0);
  assert.equal(result.after, 1, 'one group in the directory');
  assert.equal(result.created?.sameGroup, true);
  assert.deepEqual(result.members?.map((m) => m.outcome), ['added', 'added', 'already-member']);
  assert.ok(result.found.includes(sb.users.alice!.upn) && result.found.includes(sb.users.dave!.upn), 'the search finds every user');
  assert.ok(result.pages > 1, 'the search followed the next-page link');
});

test('a tenant where users may not create security groups: Authorization_RequestDenied, nothing created', async () => {
  const result = await wizard('alice', 'billing-local-dev', [sb.users.alice!.objectId]);
  assert.equal(result.error?.kind, 'forbidden', JSON.stringify(result));
  assert.match(result.error!.message, /insufficient privileges/i);
  assert.equal(result.after, 0);
});
