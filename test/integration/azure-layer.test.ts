// The one way to Azure, as a user meets it: `whoami` and `roles` with the sandbox's printed environment and the default
// cloud reached through its egress proxy (as in a corporate network), with NO_PROXY, and against servers that
// misbehave (a next link that loops or points at another host, a huge Retry-After, a 429). Each run must end within
// its deadline with a clear message, send no token off its origin, and exit by itself. A workspace .env naming a
// cloud is ignored with a note.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AccessReport, ScopeNode } from '../../src/core/access/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'azure-layer-'));
const CLI = join(repoRoot, 'dist', 'cli.js');
let home = '';

before(async () => {
  await ensureToolsBuilt();
  assert.ok(existsSync(CLI), 'dist/cli.js is built by npm test before the suites run');
  // Small pages, so lists are followed across pages and the next-link faults apply.
  sb = await startSandbox({ pageSize: 2 });
  home = join(scratch, 'alice');
  mkdirSync(home);
  await signInDemoDeveloper(sb, home, 'alice', ['az']);
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => sb.control.reset());

function loopbackCloud(): string {
  return JSON.stringify({
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
}

interface CliRun { code: number | null; stdout: string; stderr: string; ms: number; timedOut: boolean; report: AccessReport | undefined }

/** The CLI with the sandbox's printed environment (its proxy, CA and fake tools), no --cloud unless given. */
async function cli(command: 'roles' | 'whoami', args: string[] = [], extraEnv: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliRun> {
  const env: Record<string, string> = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), ...extraEnv };
  const started = Date.now();
  const result = await run(process.execPath, [CLI, command, '--azure-identity-version', '1.23.1', ...args], { env, cwd: home, timeoutMs });
  let report: AccessReport | undefined;
  if (args.includes('--json') && result.code === 0) report = JSON.parse(result.stdout) as AccessReport;
  // Messages are laid out for a 120-column terminal: their continuation lines are joined again for matching.
  return { code: result.code, stdout: result.stdout, stderr: result.stderr.replace(/\n +/g, ' '), ms: Date.now() - started, timedOut: result.timedOut, report };
}

function allNodes(nodes: readonly ScopeNode[]): ScopeNode[] {
  return nodes.flatMap((n) => [n, ...allNodes(n.children)]);
}

function roleNames(report: AccessReport): string[] {
  return [...new Set(report.subscriptions.flatMap((s) => allNodes(s.scopes)).flatMap((n) => n.assignments.map((a) => a.role.roleName)))];
}

function assertNamedReport(report: AccessReport): void {
  assert.ok(report.groups.count > 0, 'alice is in groups');
  assert.equal(report.groups.problem, null, 'Graph listed the groups');
  for (const g of report.groups.items) assert.ok(g.displayName && !/^[0-9a-f-]{36}$/i.test(g.displayName), `group ${g.id} has a name`);
  const roles = roleNames(report);
  assert.ok(roles.includes('Reader') || roles.includes('Contributor'), `roles by name: ${roles.join(', ')}`);
  for (const role of roles) assert.ok(!/^[0-9a-f-]{36}$/i.test(role), `role ${role} is a name, not a GUID`);
  const vaults = report.insights.filter((i) => i.kind === 'access-policy-vault');
  assert.ok(vaults.length > 0, 'the key vault insight is there');
  for (const v of vaults) assert.match(v.title, /^\S+ uses access policies, not roles$/);
  assert.deepEqual(report.problems, []);
}

describe('the default cloud behind the egress proxy', () => {
  test('roles: groups, roles and key vault insights by name, every request through the proxy to the public names', async () => {
    const r = await cli('roles', ['--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.report);
    assert.equal(r.report.cloud, 'AzureCloud');
    assertNamedReport(r.report);
    const log = sb.control.requestLog();
    const arm = log.filter((e) => e.host === 'management.azure.com');
    const graph = log.filter((e) => e.host === 'graph.microsoft.com');
    assert.ok(arm.length > 0 && graph.length > 0, 'ARM and Graph were reached by their public names, through the proxy');
    assert.deepEqual([...arm, ...graph].filter((e) => e.status === 400).map((e) => e.path), [], 'no request to ARM or Graph was refused as malformed');
    assert.ok(!log.some((e) => e.path.includes('//')), 'no request path has an empty segment');
  });

  test('whoami names where the cloud came from', async () => {
    const r = await cli('whoami');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /cloud: {5}AzureCloud \(the default\)/);
    assert.match(r.stdout, /Alice Developer/);
  });
});

describe('NO_PROXY', () => {
  test('covering the sandbox: requests go direct, so a dead proxy does not matter', async () => {
    const dead = 'http://127.0.0.1:9';
    const r = await cli('roles', ['--json', '--cloud', loopbackCloud()], { HTTPS_PROXY: dead, HTTP_PROXY: dead, NO_PROXY: '127.0.0.1,localhost' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.report);
    assertNamedReport(r.report);
  });

  test('not covering it: the dead proxy is used, and the message says the network failed', async () => {
    const dead = 'http://127.0.0.1:9';
    const r = await cli('roles', ['--cloud', loopbackCloud(), '--timeout', '30'], { HTTPS_PROXY: dead, HTTP_PROXY: dead, NO_PROXY: 'example.invalid' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not be reached|proxy|ECONNREFUSED/i);
    assert.ok(r.ms < 35_000);
  });
});

describe('servers that misbehave', () => {
  test('an ARM next link pointing at itself: the list stops with a message, the requests are bounded', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions/*/providers/Microsoft.Authorization/roleAssignments', nextLink: 'loop' });
    const r = await cli('roles', ['--json', '--cloud', loopbackCloud(), '--timeout', '60']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.report);
    const problems = r.report.subscriptions.flatMap((s) => s.problems);
    assert.ok(problems.some((p) => /paging loop/.test(p.message)), JSON.stringify(problems));
    const hits = sb.control.requestLog().filter((e) => /roleAssignments\?/.test(e.path)).length;
    assert.ok(hits <= 2 * r.report.subscriptions.length + 2, `${hits} role-assignment requests`);
    assert.ok(r.ms < 60_000);
  });

  test('a Graph next link pointing at itself: the groups row says so', async () => {
    sb.control.injectFault({ route: '/graph/v1.0/me/transitiveMemberOf/microsoft.graph.group', nextLink: 'loop' });
    const r = await cli('roles', ['--json', '--cloud', loopbackCloud(), '--timeout', '60']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.report?.groups.problem?.message ?? '', /paging loop/);
    assert.ok(sb.control.requestLog().filter((e) => e.path.includes('transitiveMemberOf')).length <= 3);
  });

  test('a next link on another host: not followed, and no bearer token arrives there', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions', nextLink: 'foreign' });
    sb.control.injectFault({ route: '/graph/v1.0/me/transitiveMemberOf/microsoft.graph.group', nextLink: 'foreign' });
    const r = await cli('roles', ['--cloud', loopbackCloud(), '--timeout', '60']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /next link on another host/);
    const foreign = sb.control.foreign();
    assert.equal(foreign.requests, 0, 'the other host got no request');
    assert.equal(foreign.withBearer, 0, 'the other host got no token');
  });

  test('Retry-After: 100000 ends at once with a message naming the wait', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions', status: 429, retryAfter: 100_000 });
    const r = await cli('roles', ['--cloud', loopbackCloud(), '--timeout', '60']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /asked to wait 100000 s/);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });

  test('a Graph 429 with a short Retry-After: waited for, then the report, and the process exits by itself', async () => {
    sb.control.injectFault({ route: '/graph/v1.0/me/transitiveMemberOf/microsoft.graph.group', status: 429, retryAfter: 1, times: 1 });
    const r = await cli('roles', ['--cloud', loopbackCloud(), '--timeout', '60'], {}, 30_000);
    assert.equal(r.timedOut, false, 'the CLI exited by itself');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Azure is throttling requests; waiting 1 s before retrying/);
    assert.match(r.stdout, /Groups \(\d+\)\n/);
  });

  test('the whole command ends at its deadline when a server never answers', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions', latencyMs: 60_000 });
    const r = await cli('roles', ['--cloud', loopbackCloud(), '--timeout', '5'], {}, 40_000);
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not finish before the operation's deadline|did not answer within/);
    assert.ok(r.ms < 20_000, `${r.ms} ms`);
  });
});

describe('cloud trust', () => {
  test('a workspace .env naming a cloud is ignored, with a note; its endpoints get nothing', async () => {
    const dir = join(scratch, 'cloned-repo');
    mkdirSync(dir, { recursive: true });
    const hostile = JSON.stringify({ name: 'Hostile', authorityHost: sb.foreignUrl, resourceManager: sb.foreignUrl, graph: sb.foreignUrl });
    writeFileSync(join(dir, '.env'), `AZURE_DEV_AUTH_CLOUD='${hostile}'\n`);
    const r = await cli('whoami', ['--env-file', join(dir, '.env')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Note: AZURE_DEV_AUTH_CLOUD in the workspace's \.env is ignored/);
    assert.match(r.stdout, /cloud: {5}AzureCloud \(the default\)/);
    assert.equal(sb.control.foreign().requests, 0);
  });

  test('AZURE_DEV_AUTH_CLOUD of the shell itself is used, and said so', async () => {
    const r = await cli('whoami', [], { AZURE_DEV_AUTH_CLOUD: loopbackCloud() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /cloud: {5}Sandbox \(from AZURE_DEV_AUTH_CLOUD in this process's environment\)/);
  });
});
