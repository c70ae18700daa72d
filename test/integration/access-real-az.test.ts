// A real peer on the same data: Debian's `az` 2.45 signs in to the sandbox through its egress proxy and lists each
// seeded user's role assignments with `az role assignment list --assignee <oid> --all --include-groups
// --include-inherited`, per subscription; `azure-dev-auth roles` must find exactly the same assignments. Debian's az
// crashes on its own role commands (a newer azure-mgmt-authorization renamed `config` to `_config`); a sitecustomize
// on PYTHONPATH, in these az processes only, adds the alias without changing a request.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccessReport, ScopeNode } from '../../src/core/access/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

const REAL_AZ = '/usr/bin/az';
const ALIAS = join(repoRoot, 'test', 'fixtures', 'az-authorization-alias');
const inCI = process.env.CI === 'true' || process.env.CI === '1';
let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'access-real-az-'));

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function nodes(list: readonly ScopeNode[]): ScopeNode[] {
  return list.flatMap((n) => [n, ...nodes(n.children)]);
}

const USERS = ['alice', 'bob', 'dave'] as const;

describe('the real az 2.45 and roles agree on every seeded user', { skip: !inCI && !existsSync(REAL_AZ) && 'azure-cli is not installed' }, () => {
  for (const user of USERS) {
    test(user, { timeout: 300_000 }, async () => {
      const seeded = sb.users[user]!;
      const azHome = join(scratch, `${user}-az`);
      const env = { ...sb.toolEnv(azHome), PATH: '/usr/bin:/bin', PYTHONPATH: ALIAS, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
      const az = (args: string[]) => run(REAL_AZ, [...args, '--output', 'json'], { env, timeoutMs: 120_000 });
      const login = await az(['login', '-u', seeded.upn, '-p', seeded.password, '--allow-no-subscriptions']);
      assert.equal(login.code, 0, login.stderr);
      // With no subscription az records a tenant-level account (its id is the tenant's): not a subscription.
      const subscriptions = (JSON.parse(login.stdout) as { id: string; name: string }[]).filter((s) => s.id !== sb.tenantId);
      const theirs = new Map<string, string[]>();
      for (const s of subscriptions) {
        const list = await az(['role', 'assignment', 'list', '--assignee', seeded.objectId, '--all', '--include-groups', '--include-inherited', '--subscription', s.id]);
        assert.equal(list.code, 0, list.stderr);
        theirs.set(s.id, (JSON.parse(list.stdout) as { id: string }[]).map((a) => a.id.toLowerCase()).sort());
      }

      const ourHome = join(scratch, `${user}-ours`);
      await signInDemoDeveloper(sb, ourHome, user, ['az']).catch(() => undefined);
      const cloud = JSON.stringify({
        authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
        graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
      });
      const ours = await run(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'roles', '--json', '--source', 'AzureCliCredential', '--azure-identity-version', '1.23.1', '--cloud', cloud], {
        env: { ...sb.toolEnv(ourHome), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: ourHome, timeoutMs: 120_000,
      });
      if (subscriptions.length === 0) {
        // Nothing to compare but the answer itself: no subscription, said as such.
        assert.ok(ours.code === 0 || ours.code === 1, ours.stderr);
        return;
      }
      assert.equal(ours.code, 0, ours.stderr);
      const report = JSON.parse(ours.stdout) as AccessReport;
      for (const s of subscriptions) {
        const sub = report.subscriptions.find((x) => x.subscriptionId === s.id);
        assert.ok(sub, `roles does not show subscription ${s.name}`);
        const found = [...new Set(nodes(sub.scopes).flatMap((n) => n.assignments.map((a) => a.assignmentId.toLowerCase())))].sort();
        assert.deepEqual(found, theirs.get(s.id), `${user} in ${s.name}: az and roles list different assignments`);
        assert.ok(found.length > 0 || user !== 'alice');
      }
    });
  }
});
