// Check access for someone else, against a real peer on the same data: Debian's `az` 2.45, signed in to the sandbox
// as bob, lists `az role assignment list --assignee <who> --all --include-groups --include-inherited` per
// subscription; `azure-dev-auth roles --principal <who>`, signed in as bob through the Azure CLI source, must list
// exactly the same assignments. The principal is named each way a user may name it: a user principal name, a
// group's display name, a service principal's application id and a managed identity's object id.
// ARM refuses assignedTo() (az's --include-groups) for a group, as real Azure does; a group's access is what az
// lists for the group and for each group it is in (its parents), which is what our report shows for it.
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
const VIEWER = 'bob';
let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'access-principal-'));

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

interface Case {
  readonly label: string;
  /** What the user types after --principal. */
  readonly given: () => string;
  readonly objectId: () => string;
  readonly kind: AccessReport['identity']['kind'];
  /** Ids az is asked about; a group's parents are asked about one by one (no --include-groups for groups). */
  readonly azAssignees: (report: AccessReport) => string[];
  /** Holds at least one role somewhere (so an empty comparison cannot pass by accident). */
  readonly holdsRoles: boolean;
}

const CASES: readonly Case[] = [
  { label: 'bob by user principal name', given: () => sb.users.bob!.upn, objectId: () => sb.users.bob!.objectId, kind: 'user', azAssignees: (r) => [r.identity.objectId], holdsRoles: true },
  {
    label: 'sg-dev-team by display name', given: () => 'sg-dev-team', objectId: () => 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4', kind: 'group',
    azAssignees: (r) => [r.identity.objectId, ...r.groups.items.map((g) => g.id)], holdsRoles: true,
  },
  { label: 'sandbox-ci by application id', given: () => '65b3768b-bd59-423f-9bbc-24ae4fd26fbf', objectId: () => 'f47ab2d2-a7f4-4983-a3a3-f25dcd2fe2a9', kind: 'servicePrincipal', azAssignees: (r) => [r.identity.objectId], holdsRoles: true },
  { label: 'id-sandbox-app (managed identity) by object id', given: () => '9b658117-0d7d-4028-8a46-e71dd70fda58', objectId: () => '9b658117-0d7d-4028-8a46-e71dd70fda58', kind: 'managedIdentity', azAssignees: (r) => [r.identity.objectId], holdsRoles: true },
];

describe('roles --principal lists what the real az 2.45 lists for the same principal', { skip: !inCI && !existsSync(REAL_AZ) && 'azure-cli is not installed' }, () => {
  let az: (args: string[]) => ReturnType<typeof run>;
  let subscriptions: { id: string; name: string }[] = [];
  let ourHome: string;
  let cloud: string;
  before(async () => {
    const viewer = sb.users[VIEWER]!;
    const azHome = join(scratch, 'az');
    const env = { ...sb.toolEnv(azHome), PATH: '/usr/bin:/bin', PYTHONPATH: ALIAS, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
    az = (args) => run(REAL_AZ, [...args, '--output', 'json'], { env, timeoutMs: 120_000 });
    const login = await az(['login', '-u', viewer.upn, '-p', viewer.password, '--allow-no-subscriptions']);
    assert.equal(login.code, 0, login.stderr);
    subscriptions = (JSON.parse(login.stdout) as { id: string; name: string }[]).filter((s) => s.id !== sb.tenantId);
    assert.ok(subscriptions.length > 0, `${VIEWER} sees no subscription`);
    ourHome = join(scratch, 'ours');
    await signInDemoDeveloper(sb, ourHome, VIEWER, ['az']);
    cloud = JSON.stringify({
      authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
      graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
    });
  });

  const roles = (given: string) => run(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'roles', '--json', '--principal', given, '--source', 'AzureCliCredential', '--azure-identity-version', '1.23.1', '--cloud', cloud], {
    env: { ...sb.toolEnv(ourHome), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile }, cwd: ourHome, timeoutMs: 120_000,
  });

  for (const c of CASES) {
    test(c.label, { timeout: 300_000 }, async () => {
      const ours = await roles(c.given());
      assert.equal(ours.code, 0, ours.stderr);
      const report = JSON.parse(ours.stdout) as AccessReport;
      assert.equal(report.identity.objectId, c.objectId(), 'the report names the principal asked about');
      assert.equal(report.identity.kind, c.kind);
      assert.equal(report.viewer?.objectId, sb.users[VIEWER]!.objectId, 'the report names who read it');
      let total = 0;
      for (const s of subscriptions) {
        const theirs = new Set<string>();
        for (const assignee of c.azAssignees(report)) {
          const args = ['role', 'assignment', 'list', '--assignee', assignee, '--all', '--include-inherited', '--subscription', s.id, ...(c.kind === 'group' ? [] : ['--include-groups'])];
          const list = await az(args);
          assert.equal(list.code, 0, `az ${args.join(' ')}: ${list.stderr}`);
          for (const a of JSON.parse(list.stdout) as { id: string }[]) theirs.add(a.id.toLowerCase());
        }
        const sub = report.subscriptions.find((x) => x.subscriptionId === s.id);
        assert.ok(sub, `roles does not show subscription ${s.name}`);
        assert.deepEqual(sub.problems, [], `problems in ${s.name}`);
        const found = [...new Set(nodes(sub.scopes).flatMap((n) => n.assignments.map((a) => a.assignmentId.toLowerCase())))].sort();
        assert.deepEqual(found, [...theirs].sort(), `${c.label} in ${s.name}: az and roles list different assignments`);
        total += found.length;
      }
      if (c.holdsRoles) assert.ok(total > 0, `${c.label}: no assignment found at all`);
      if (c.kind === 'group') {
        // sg-dev-team is in sg-platform-readers: that group's roles reach it, and say so.
        const inherited = report.subscriptions.flatMap((s) => nodes(s.scopes)).flatMap((n) => n.assignments).filter((a) => a.via.kind === 'group');
        assert.ok(inherited.some((a) => a.via.kind === 'group' && a.via.path.includes('sg-platform-readers')), 'no role through the parent group');
      }
    });
  }

  test('a name nobody has is a clear failure, exit 1', { timeout: 120_000 }, async () => {
    const ours = await roles('nobody-is-called-this');
    assert.equal(ours.code, 1, ours.stdout);
    assert.match(ours.stderr, /No user, group, service principal or managed identity is named nobody-is-called-this/);
  });
});
