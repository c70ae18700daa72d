// The benchmark tenant (largeSeed: 50 subscriptions, 300 groups, 5,000 role assignments): deterministic, served by
// startSandbox({ seed }) and by `sandbox --seed-preset large`, with lists that page and answers that stay quick.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LARGE_SEED_SIZE, largeSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { parseSeed } from '../../src/sandbox/seed';
import { repoRoot, sandboxFetch, userToken } from './helpers/sandbox';

let sb: Sandbox;
const tokens: Record<string, string> = {};

before(async () => {
  sb = await startSandbox({ seed: largeSeed() });
  tokens.arm = await userToken(sb, 'alice');
  tokens.graph = await userToken(sb, 'alice', 'https://graph.microsoft.com/.default');
});
after(async () => { await sb?.stop(); });

/** Follows nextLink / @odata.nextLink to the end; returns the items and the number of pages. */
async function all(url: string, token: string, linkName: 'nextLink' | '@odata.nextLink', headers: Record<string, string> = {}): Promise<{ items: Record<string, unknown>[]; pages: number; ms: number }> {
  const started = Date.now();
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const res = await sandboxFetch(sb, 'GET', next, { headers: { Authorization: `Bearer ${token}`, ...headers }, timeoutMs: 60_000 });
    assert.equal(res.status, 200, res.text.slice(0, 500));
    const body = res.json as Record<string, unknown> & { value: Record<string, unknown>[] };
    items.push(...body.value);
    next = body[linkName] as string | undefined;
    pages++;
  }
  return { items, pages, ms: Date.now() - started };
}

describe('largeSeed()', () => {
  test('is deterministic and has the promised size, on top of every default fact', () => {
    const a = largeSeed();
    assert.deepEqual(a, largeSeed());
    const parsed = parseSeed(a);
    assert.equal(parsed.subscriptions.length, LARGE_SEED_SIZE.subscriptions);
    assert.equal(parsed.groups.length, LARGE_SEED_SIZE.groups);
    assert.equal(parsed.roleAssignments.length, LARGE_SEED_SIZE.roleAssignments);
    assert.equal(new Set(parsed.roleAssignments.map((r) => r.name)).size, LARGE_SEED_SIZE.roleAssignments);
    assert.ok(parsed.users.some((u) => u.key === 'alice') && parsed.groups.some((g) => g.displayName === 'sg-dev-team'));
  });

  test("alice's subscriptions, her role assignments in one of them, and all of them across the tenant", async () => {
    const subscriptions = await all(`${sb.resourceManager}/subscriptions?api-version=2022-12-01`, tokens.arm!, 'nextLink');
    assert.equal(subscriptions.items.length, 49, 'every subscription but Sandbox Finance');
    const bench = subscriptions.items.map((s) => s.subscriptionId as string).find((id) => !['adca4246-6e3e-4a79-a53f-26fe8244f8bc', '03b6d5ca-c618-452a-93e3-2b4ab99f3253'].includes(id))!;
    const alice = sb.users.alice!.objectId;
    const one = await all(`${sb.resourceManager}/subscriptions/${bench}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=assignedTo('${alice}')`, tokens.arm!, 'nextLink');
    assert.ok(one.items.length > 20, `through her nested groups: ${one.items.length}`);
    const started = Date.now();
    let total = 0;
    for (const s of subscriptions.items) {
      total += (await all(`${sb.resourceManager}/subscriptions/${String(s.subscriptionId)}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=assignedTo('${alice}')`, tokens.arm!, 'nextLink')).items.length;
    }
    const elapsed = Date.now() - started;
    console.log(`assignedTo(alice) over ${subscriptions.items.length} subscriptions: ${total} assignments in ${elapsed} ms`);
    assert.ok(total > 1000, String(total));
    assert.ok(elapsed < 30_000, `${elapsed} ms`);
  });

  test('the 5,000 assignments page with nextLink (1,000 per page) for a tenant-wide reader', async () => {
    const reader = await userToken(sb, 'bench-user-01');
    const root = `/providers/Microsoft.Management/managementGroups/${sb.tenantId}`;
    const listed = await all(`${sb.resourceManager}${root}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, reader, 'nextLink');
    assert.equal(listed.items.length, LARGE_SEED_SIZE.roleAssignments);
    assert.equal(new Set(listed.items.map((a) => a.name)).size, LARGE_SEED_SIZE.roleAssignments);
    assert.equal(listed.pages, 5);
    console.log(`5,000 assignments in ${listed.pages} pages: ${listed.ms} ms`);
    const denied = await sandboxFetch(sb, 'GET', `${sb.resourceManager}${root}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, { headers: { Authorization: `Bearer ${tokens.arm}` } });
    assert.equal(denied.status, 403, 'alice may not read every assignment in the tenant');
  });

  test('Graph: 248 transitive groups page by $top with nextLink; $top=999 returns them at once; getByIds takes them back', async () => {
    const cast = `${sb.graph}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$count=true&$select=id,displayName`;
    const paged = await all(`${cast}&$top=100`, tokens.graph!, '@odata.nextLink', { ConsistencyLevel: 'eventual' });
    assert.equal(paged.pages, 3);
    assert.equal(paged.items.length, 248);
    assert.equal(new Set(paged.items.map((g) => g.id)).size, 248);
    const whole = await all(`${cast}&$top=999`, tokens.graph!, '@odata.nextLink', { ConsistencyLevel: 'eventual' });
    assert.deepEqual([whole.pages, whole.items.length], [1, 248]);
    const ids = whole.items.map((g) => g.id as string);
    const byIds = await sandboxFetch(sb, 'POST', `${sb.graph}/v1.0/directoryObjects/getByIds`, { headers: { Authorization: `Bearer ${tokens.graph}` }, json: { ids, types: ['group'] } });
    assert.equal((byIds.json as { value: unknown[] }).value.length, 248);
  });
});

test('`sandbox --seed-preset large` serves the benchmark tenant; an unknown preset is refused', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sandbox-large-state-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'sandbox', 'main.ts'), '--print-env', '--state-dir', stateDir, '--seed-preset', 'large'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const deadline = Date.now() + 55_000;
    while (!stderr.includes('[sandbox] ready')) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`the sandbox did not get ready:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = /^export AZURE_DEV_AUTH_SANDBOX_URL=(\S+)$/m.exec(stdout)![1]!;
    const caFile = join(stateDir, 'ca.pem');
    const secret = /^export AZURE_CLIENT_SECRET=(\S+)$/m.exec(stdout)![1]!.replace(/^'(.*)'$/, '$1');
    const clientId = /^export AZURE_CLIENT_ID=(\S+)$/m.exec(stdout)![1]!;
    const tenant = /^export AZURE_TENANT_ID=(\S+)$/m.exec(stdout)![1]!;
    const token = await sandboxFetch({ caFile }, 'POST', `${url}/${tenant}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' } });
    const count = await sandboxFetch({ caFile }, 'GET', `${url}/graph/v1.0/groups?$count=true&$top=1`, { headers: { Authorization: `Bearer ${(token.json as { access_token: string }).access_token}`, ConsistencyLevel: 'eventual' } });
    assert.equal((count.json as { '@odata.count': number })['@odata.count'], LARGE_SEED_SIZE.groups);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
  const refused = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'sandbox', 'main.ts'), '--seed-preset', 'huge'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let refusal = '';
  refused.stderr.on('data', (c: Buffer) => { refusal += c.toString(); });
  const code = await new Promise<number | null>((resolve) => refused.on('exit', (c) => resolve(c)));
  assert.equal(code, 1);
  assert.match(refusal, /--seed-preset must be one of default, demo, large, got 'huge'/);
});
