// `roles` and `whoami` against the sandbox tenant, through the real SDK clients (@azure/identity,
// @azure/arm-authorization, @azure/arm-resources, @microsoft/microsoft-graph-client) in a child process that trusts
// the sandbox's CA from its start (NODE_EXTRA_CA_CERTS is only read then). Each test checks what a user sees: the
// `--json` report the Access view renders, or the text.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { describePath } from '../../src/core/access/model';
import type { AccessReport, AppliedAssignment, ScopeNode } from '../../src/core/access/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { defaultSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'access-'));
const homes: Record<string, string> = {};
const CLI = join(repoRoot, 'dist', 'cli.js');

before(async () => {
  await ensureToolsBuilt();
  assert.ok(existsSync(CLI), 'dist/cli.js is built by npm test before the suites run');
  // Small pages, so every list is followed across pages.
  sb = await startSandbox({ pageSize: 2 });
  for (const user of ['alice', 'bob', 'erin']) {
    homes[user] = join(scratch, user);
    mkdirSync(homes[user]!);
    await signInDemoDeveloper(sb, homes[user]!, user, ['az']);
  }
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => sb.control.reset());

function cloudJson(): string {
  return JSON.stringify({
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
}

interface CliRun { code: number | null; stdout: string; stderr: string; report: AccessReport | undefined }

async function cli(command: 'roles' | 'whoami', home: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile, ...extraEnv,
  };
  const result = await run(process.execPath, [CLI, command, '--azure-identity-version', '1.23.1', '--cloud', cloudJson(), ...args], {
    env, cwd: home, timeoutMs: 120_000,
  });
  let report: AccessReport | undefined;
  if (args.includes('--json') && result.code === 0) report = JSON.parse(result.stdout) as AccessReport;
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, report };
}

function allNodes(nodes: readonly ScopeNode[]): ScopeNode[] {
  return nodes.flatMap((n) => [n, ...allNodes(n.children)]);
}

function assignmentsAt(report: AccessReport, scopeSuffix: string): AppliedAssignment[] {
  const node = report.subscriptions.flatMap((s) => allNodes(s.scopes)).find((n) => n.scope.toLowerCase().endsWith(scopeSuffix.toLowerCase()));
  assert.ok(node, `no scope row ending in ${scopeSuffix}`);
  return [...node.assignments];
}

function line(a: AppliedAssignment, at: string): string {
  return `${a.role.roleName} · ${describePath(a.via)}${a.scope.toLowerCase().endsWith(at.toLowerCase()) ? '' : ' · inherited'}`;
}

describe('alice through the Azure CLI', () => {
  let alice: CliRun;
  before(async () => { alice = await cli('roles', homes.alice!, ['--json']); });

  test('whoami: the identity of the active source, its tenant and expiry', async () => {
    const who = await cli('whoami', homes.alice!);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, /Alice Developer \(alice@contososandbox\.onmicrosoft\.com\)/);
    assert.match(who.stdout, /tenant: {4}Contoso Sandbox \(48337339-9daf-40bb-b2c4-6fdbad938cad\)/);
    assert.match(who.stdout, /source: {4}Azure CLI/);
    assert.match(who.stdout, /token until \d{4}-/);
  });

  test('direct, through a group, inherited from the subscription and the resource group', () => {
    assert.equal(alice.code, 0, alice.stderr);
    const report = alice.report!;
    assert.equal(report.identity.upn, 'alice@contososandbox.onmicrosoft.com');
    const atStorage = assignmentsAt(report, '/storageAccounts/stsandboxapp').map((a) => line(a, '/storageAccounts/stsandboxapp'));
    assert.ok(atStorage.includes('Storage Blob Data Reader · direct'), atStorage.join('\n'));
    assert.ok(atStorage.includes('Contributor · via group sg-dev-team · inherited'), atStorage.join('\n'));
    const atRg = assignmentsAt(report, '/resourceGroups/rg-app').map((a) => line(a, '/resourceGroups/rg-app'));
    assert.ok(atRg.includes('Contributor · via group sg-dev-team'), atRg.join('\n'));
  });

  test('nested groups: the path, and the role that comes through it', () => {
    const report = alice.report!;
    const nested = report.groups.items.find((g) => g.displayName === 'sg-platform-readers');
    assert.deepEqual(nested?.path, ['sg-dev-team', 'sg-platform-readers']);
    const viaNested = report.subscriptions.flatMap((s) => allNodes(s.scopes)).flatMap((n) => n.assignments)
      .find((a) => a.via.kind === 'group' && a.via.path.join(' → ') === 'sg-dev-team → sg-platform-readers');
    assert.ok(viaNested, 'a role through sg-dev-team → sg-platform-readers');
    assert.equal(report.groups.count, report.groups.items.length);
  });

  test('inherited from a management group, through a nested group', () => {
    const atSubscription = assignmentsAt(alice.report!, '/subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc');
    const cost = atSubscription.find((a) => a.role.roleName === 'Cost Management Reader');
    assert.ok(cost, atSubscription.map((a) => a.role.roleName).join(', '));
    assert.equal(cost.scope, '/providers/Microsoft.Management/managementGroups/mg-sandbox-platform');
    assert.equal(describePath(cost.via), 'via sg-dev-team → sg-platform-readers');
  });

  test('an ABAC condition is carried to the row that shows it', () => {
    const conditioned = assignmentsAt(alice.report!, '/storageAccounts/stsandboxshared').find((a) => a.condition !== null);
    assert.match(conditioned?.condition ?? '', /StringEquals 'reports'/);
    assert.equal(conditioned?.conditionVersion, '2.0');
  });

  test('eligible roles (PIM): direct and through a group, with the activation link', () => {
    const eligible = alice.report!.subscriptions.flatMap((s) => s.eligible);
    const blob = eligible.find((e) => e.roleName === 'Storage Blob Data Contributor');
    assert.equal(blob?.via.kind, 'direct');
    assert.ok(blob?.scope.endsWith('/stsandboxapp'));
    const officer = eligible.find((e) => e.roleName === 'Key Vault Secrets Officer');
    assert.equal(officer && describePath(officer.via), 'via group sg-dev-team');
    assert.match(blob!.activateUrl, /PIM/i);
  });

  test('a deny assignment that applies to everyone but the CI principal', () => {
    const deny = alice.report!.subscriptions.flatMap((s) => s.deny);
    const lock = deny.find((d) => d.scope.endsWith('/stsandboxapp'));
    assert.ok(lock, JSON.stringify(alice.report!.subscriptions.map((s) => s.problems)));
    assert.equal(lock.appliesThrough, 'everyone');
    assert.ok(lock.permissions.some((p) => p.actions.some((a) => /delete/i.test(a))));
  });

  test('a group whose name is markup is data, kept as sent', () => {
    assert.ok(alice.report!.groups.items.some((g) => g.displayName === '<img src=x onerror=alert(1)>'));
  });

  test('the text output says the same, with the equivalent az command', async () => {
    const text = await cli('roles', homes.alice!);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Storage Blob Data Reader · direct/);
    assert.match(text.stdout, /\nEquivalent:\n {2}az role assignment list --assignee cb2be4d1-2705-475d-83e6-02d82fdd105f --all --include-groups --include-inherited\n/);
  });
});

describe('insights', () => {
  test('erin, Contributor only: control-plane only on the storage account, Storage Blob Data Contributor suggested', async () => {
    const { report, stderr } = await cli('roles', homes.erin!, ['--json']);
    assert.ok(report, stderr);
    const insight = report.insights.find((i) => i.kind === 'control-plane-only' && i.scope?.endsWith('/stsandboxapp'));
    assert.ok(insight, JSON.stringify(report.insights.map((i) => i.title)));
    assert.equal(insight.suggestion, 'Storage Blob Data Contributor');
  });

  test('a key vault in access-policy mode: its policy for alice, and that data roles do not apply', async () => {
    const { report } = await cli('roles', homes.alice!, ['--json']);
    const vault = report!.insights.find((i) => i.kind === 'access-policy-vault' && i.scope?.endsWith('/kv-sandbox-legacy'));
    assert.match(vault?.detail ?? '', /secrets get, list/);
    assert.match(vault!.detail, /Data roles such as Key Vault Secrets User do not apply/);
  });

  test('alice with .env naming the storage account: reads work, writes do not', async () => {
    writeFileSync(join(homes.alice!, '.env'), 'AZURE_STORAGE_ACCOUNT_URL=https://stsandboxapp.blob.core.windows.net/\n');
    try {
      const { report, stderr } = await cli('roles', homes.alice!, ['--json', '--workspace', homes.alice!]);
      assert.ok(report, stderr);
      const insight = report.insights.find((i) => i.kind === 'workspace-resource' && i.scope?.endsWith('/stsandboxapp'));
      assert.equal(insight?.title, 'stsandboxapp (named in the workspace): read yes, write no');
      assert.equal(insight?.suggestion, 'Storage Blob Data Contributor');
    } finally {
      rmSync(join(homes.alice!, '.env'), { force: true });
    }
  });
});

describe('the network layer', () => {
  test('alice: the firewall of the account she reads, the vault .env names behind its private endpoint, the refused account key; only those read', async () => {
    writeFileSync(join(homes.alice!, '.env'), 'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=stsandboxapp;AccountKey=a2V5LWZvci10ZXN0cw==;EndpointSuffix=core.windows.net"\n'
      + 'AZURE_KEY_VAULT_URL=https://kv-sandbox-app.vault.azure.net/\n');
    try {
      const json = await cli('roles', homes.alice!, ['--json', '--workspace', homes.alice!]);
      assert.ok(json.report, json.stderr);
      const kinds = json.report.insights.filter((i) => /^(network-|shared-key)/.test(i.kind)).map((i) => `${i.kind} ${i.scope?.split('/').pop()}`).sort();
      assert.deepEqual(kinds, ['network-firewall stsandboxapp', 'network-private kv-sandbox-app', 'shared-key-disabled stsandboxapp']);
      const firewall = json.report.insights.find((i) => i.kind === 'network-firewall')!;
      assert.equal(firewall.title, 'Roles allow reading blobs, but the account only accepts its virtual network and 3 IP ranges: requests from this machine get 403 (AuthorizationFailure)');
      assert.ok(!JSON.stringify(json.report).includes('a2V5LWZvci10ZXN0cw=='), 'the account key appears nowhere');
      // Storage accounts read one by one: stsandboxapp (named, and her data role) and stsandboxshared (her
      // conditioned data role), never stsandboxfinance or another account no role reaches.
      const reads = sb.control.requestLog().filter((e) => e.route === 'arm.resources.get' && /storageAccounts\//i.test(e.path)).map((e) => e.path.split('?')[0]!.split('/').pop()!.toLowerCase());
      assert.deepEqual([...new Set(reads)].sort(), ['stsandboxapp', 'stsandboxshared']);

      const text = await cli('roles', homes.alice!, ['--workspace', homes.alice!]);
      assert.equal(text.code, 0, text.stderr);
      // Sentences are elided to the terminal's width (the JSON above has them whole); requests are never cut, only
      // broken between words with bash line continuations (the same command once bash joins them).
      const joined = text.stdout.replace(/ \\\n +/g, ' ');
      assert.ok(text.stdout.includes('  • Roles allow reading blobs, but the account only accepts its virtual network and 3 IP ranges'), text.stdout);
      assert.ok(joined.includes(`      az storage account network-rule add --subscription adca4246-6e3e-4a79-a53f-26fe8244f8bc --resource-group rg-app --account-name stsandboxapp --ip-address MY_PUBLIC_IP\n`), text.stdout);
      assert.match(text.stdout, /kv-sandbox-app has public network access disabled, reachable only through its private endpoint/);
      assert.ok(joined.includes(`      az keyvault network-rule add --subscription adca4246-6e3e-4a79-a53f-26fe8244f8bc --resource-group rg-app --name kv-sandbox-app --ip-address MY_PUBLIC_IP\n`), text.stdout);
      assert.match(text.stdout, /Shared key access is disabled on stsandboxapp, but AZURE_STORAGE_CONNECTION_STRING holds/);
    } finally {
      rmSync(join(homes.alice!, '.env'), { force: true });
    }
  });
});

describe('local authentication disabled', () => {
  test('alice with a Service Bus connection string in .env: sb-sandbox-app takes Microsoft Entra ID alone, read once, the key nowhere', async () => {
    writeFileSync(join(homes.alice!, '.env'), 'SERVICEBUS_CONNECTION_STRING="Endpoint=sb://sb-sandbox-app.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2Ita2V5LWZvci10ZXN0cw="\n');
    try {
      const json = await cli('roles', homes.alice!, ['--json', '--workspace', homes.alice!]);
      assert.ok(json.report, json.stderr);
      const found = json.report.insights.filter((i) => i.kind === 'local-auth-disabled');
      assert.deepEqual(found.map((i) => i.scope?.split('/').pop()), ['sb-sandbox-app']);
      assert.equal(found[0]!.title, 'Local authentication is disabled on sb-sandbox-app, but SERVICEBUS_CONNECTION_STRING holds a connection string with a key');
      assert.match(found[0]!.detail, /ServiceBusClient\("sb-sandbox-app\.servicebus\.windows\.net", credential\)/);
      assert.ok(!JSON.stringify(json.report).includes('c2Ita2V5LWZvci10ZXN0cw='), 'the key appears nowhere');
      const reads = sb.control.requestLog().filter((e) => e.route === 'arm.resources.get' && /ServiceBus\/namespaces\//i.test(e.path));
      assert.ok(reads.length >= 1 && reads.every((e) => e.path.includes('api-version=2021-11-01')), JSON.stringify(reads.map((e) => e.path)));
      const text = await cli('roles', homes.alice!, ['--workspace', homes.alice!]);
      assert.equal(text.code, 0, text.stderr);
      const joined = text.stdout.replace(/ \\\n +/g, ' ');
      assert.ok(joined.includes('      az resource update --ids /subscriptions/adca4246-6e3e-4a79-a53f-26fe8244f8bc/resourceGroups/rg-app/providers/Microsoft.ServiceBus/namespaces/sb-sandbox-app --set properties.disableLocalAuth=false\n'), text.stdout);
    } finally {
      rmSync(join(homes.alice!, '.env'), { force: true });
    }
  });
});

describe('errors in place', () => {
  test('Graph denied: the groups row says why; group names come from getByIds, else the ids show', async () => {
    sb.control.injectFault({ route: '/graph/v1.0/me/transitiveMemberOf/**', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    const named = await cli('roles', homes.alice!, ['--json']);
    assert.ok(named.report, named.stderr);
    assert.equal(named.report.groups.problem?.kind, 'graph-denied');
    // A Graph refusal names a directory role for alice (az signs her in as a user), never an Azure role or another tool.
    assert.match(named.report.groups.problem!.fix, /Directory Readers directory role/);
    assert.doesNotMatch(named.report.groups.problem!.fix, /\bReader\b|az login/);
    const viaName = assignmentsAt(named.report, '/resourceGroups/rg-app').find((a) => a.role.roleName === 'Contributor')!;
    assert.equal(describePath(viaName.via), 'via group sg-dev-team');

    sb.control.injectFault({ route: '/graph/v1.0/directoryObjects/getByIds', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    const { report, stderr } = await cli('roles', homes.alice!, ['--json']);
    assert.ok(report, stderr);
    const contributor = assignmentsAt(report, '/resourceGroups/rg-app').find((a) => a.role.roleName === 'Contributor')!;
    assert.equal(contributor.via.kind, 'group');
    assert.match(describePath(contributor.via), /^via group [0-9a-f-]{36}$/);
  });

  test('a subscription where alice holds no role (named in the setting): 403 in its row, the others still show', async () => {
    const finance = '4aca7f34-d75b-4ecb-a89d-a6a5004cbbb9';
    const { report, stderr } = await cli('roles', homes.alice!, ['--json', '--subscription', 'adca4246-6e3e-4a79-a53f-26fe8244f8bc', '--subscription', finance]);
    assert.ok(report, stderr);
    const row = report.subscriptions.find((s) => s.subscriptionId === finance)!;
    assert.equal(row.problems[0]?.kind, 'forbidden', JSON.stringify(row.problems));
    assert.ok(report.subscriptions.find((s) => s.subscriptionId === 'adca4246-6e3e-4a79-a53f-26fe8244f8bc')!.scopes.length > 0);
  });

  test('a 403 on one subscription: its row says so, the other subscriptions still show', async () => {
    const first = (await cli('roles', homes.alice!, ['--json'])).report!.subscriptions[0]!;
    sb.control.injectFault({ route: `/arm/subscriptions/${first.subscriptionId}/providers/Microsoft.Authorization/roleAssignments`, status: 403,
      body: { error: { code: 'AuthorizationFailed', message: `The client 'alice' with object id 'cb2be4d1-2705-475d-83e6-02d82fdd105f' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/${first.subscriptionId}' or the scope is invalid.` } } });
    const { report, stderr } = await cli('roles', homes.alice!, ['--json']);
    assert.ok(report, stderr);
    const denied = report.subscriptions.find((s) => s.subscriptionId === first.subscriptionId)!;
    assert.equal(denied.problems[0]?.kind, 'forbidden');
    assert.match(denied.problems[0]!.fix, /Reader/);
    assert.ok(report.subscriptions.some((s) => s.subscriptionId !== first.subscriptionId && s.scopes.length > 0));
  });

  test('429 with Retry-After, then success: the user is told it waits, and the answer is complete', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions/*/providers/Microsoft.Authorization/roleAssignments', status: 429, retryAfter: 1, times: 1 });
    const text = await cli('roles', homes.alice!);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr, /throttling requests; waiting 1 s/);
    assert.match(text.stdout, /Storage Blob Data Reader · direct/);
  });

  test('a dropped connection, then success', async () => {
    sb.control.injectFault({ route: '/arm/subscriptions/*/providers/Microsoft.Authorization/roleAssignments', drop: true, times: 1 });
    const { report, stderr } = await cli('roles', homes.alice!, ['--json']);
    assert.ok(report, stderr);
    assert.ok(assignmentsAt(report, '/storageAccounts/stsandboxapp').some((a) => a.role.roleName === 'Storage Blob Data Reader'));
  });

  test('a token for the wrong tenant: said, with the fix', async () => {
    sb.control.injectFault({ route: 'arm.subscriptions.list', status: 401, body: { error: { code: 'InvalidAuthenticationTokenTenant', message: "The access token is from the wrong issuer 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/'." } } });
    const result = await cli('roles', homes.alice!);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the token is for another tenant/);
    assert.match(result.stderr, /az login --tenant/);
  });

  test('an identity with no subscription: said, with the fix', async () => {
    // Every subscription list comes back empty, as for a user nobody gave a role.
    sb.control.injectFault({ route: 'arm.subscriptions.list', status: 200, body: { value: [] } });
    const { report, stderr, code } = await cli('roles', homes.alice!, ['--json']);
    assert.equal(code, 0, stderr);
    assert.equal(report!.subscriptions.length, 0);
    assert.equal(report!.problems[0]?.kind, 'no-subscription');
    assert.match(report!.problems[0]!.fix, /assign this identity a role/);
  });
});

describe('other identities', () => {
  test('a service principal from the environment', async () => {
    const { report, stderr } = await cli('roles', join(scratch, 'alice'), ['--json'], {
      AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_SECRET: sb.servicePrincipal.clientSecret, AZURE_AUTHORITY_HOST: sb.authorityHost,
    });
    assert.ok(report, stderr);
    assert.equal(report.identity.kind, 'servicePrincipal');
    assert.equal(report.identity.source, 'EnvironmentCredential');
    assert.equal(report.identity.appId, sb.servicePrincipal.clientId);
  });

  test('a service principal that Microsoft Graph will not describe: the fix names a Graph permission for the app, not Reader or az', async () => {
    sb.control.injectFault({ route: '/graph/v1.0/servicePrincipals/**', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    const { report, stderr } = await cli('roles', join(scratch, 'alice'), ['--json'], {
      AZURE_TENANT_ID: sb.tenantId, AZURE_CLIENT_ID: sb.servicePrincipal.clientId, AZURE_CLIENT_SECRET: sb.servicePrincipal.clientSecret, AZURE_AUTHORITY_HOST: sb.authorityHost,
    });
    assert.ok(report, stderr);
    const described = report.problems.find((p) => p.message.startsWith('Microsoft Graph did not describe the identity'));
    assert.ok(described, JSON.stringify(report.problems));
    assert.match(described.fix, /Microsoft Graph application permission Application\.Read\.All/);
    assert.doesNotMatch(described.fix, /\bReader\b|role assignments|az login/);
  });

  test('a managed identity (App Service endpoint on loopback)', async () => {
    const { report, stderr } = await cli('roles', homes.bob!, ['--json', '--source', 'ManagedIdentityCredential'], sb.managedIdentityEnv('appservice'));
    assert.ok(report, stderr);
    assert.equal(report.identity.kind, 'managedIdentity');
    assert.equal(report.identity.source, 'ManagedIdentityCredential');
  });

  test('a source that cannot give the view a token names the fix', async () => {
    const result = await cli('roles', homes.alice!, ['--source', 'SharedTokenCacheCredential']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /az login/);
  });
});

describe('request economy', () => {
  const DEV = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
  const PROD = '03b6d5ca-c618-452a-93e3-2b4ab99f3253';

  test('alice: Graph in batches, definitions and eligibility once for the tenant, key vaults by list, no refused deny read', async () => {
    sb.control.clearLog();
    const { report, stderr } = await cli('roles', homes.alice!, ['--json']);
    assert.ok(report, stderr);
    const log = sb.control.requestLog().filter((e) => e.route.startsWith('arm.') || e.route.startsWith('graph.'));
    const alone = log.filter((e) => !e.inBatch);
    const routes = (list: typeof log, route: string) => list.filter((e) => e.route === route);
    // Graph: the identity, the organization, both group lists and the nested group's members, only inside batches.
    assert.deepEqual([...new Set(alone.filter((e) => e.route.startsWith('graph.')).map((e) => e.route))], ['graph.batch']);
    assert.equal(routes(alone, 'graph.batch').length, 2, 'one batch for the identity and groups, one for the nested group');
    assert.ok(routes(log, 'graph.groups.members').every((e) => e.inBatch));
    // Role definitions: the tenant's list (every page of it, 2 items a page here), never a subscription's.
    const definitions = routes(alone, 'arm.roleDefinitions.list');
    assert.ok(definitions.length > 0 && definitions.every((e) => e.path.startsWith('/arm/providers/Microsoft.Authorization/roleDefinitions')), definitions.map((e) => e.path).join('\n'));
    assert.equal(routes(alone, 'arm.roleDefinitions.get').length, 0);
    // Eligibility once, at the provider level.
    assert.ok(routes(alone, 'arm.roleEligibilityScheduleInstances.list').every((e) => e.path.startsWith('/arm/providers/')));
    // Key vaults: the provider's list per subscription, no vault read one by one.
    assert.equal(alone.filter((e) => e.route === 'arm.resources.get' && /Microsoft\.KeyVault/i.test(e.path)).length, 0);
    // Storage accounts are read one by one only where alice's data roles reach them (their network layer).
    assert.deepEqual(alone.filter((e) => e.route === 'arm.resources.get').map((e) => /storageAccounts\/([^/?]+)/.exec(e.path)?.[1]).sort(), ['stsandboxapp', 'stsandboxshared']);
    assert.ok(routes(alone, 'arm.resources.listByType').some((e) => e.path.includes(`/subscriptions/${DEV}/providers/Microsoft.KeyVault/vaults`)));
    // alice's roles at Sandbox Dev cannot read every deny assignment there: only those naming her are asked for.
    assert.equal(alone.filter((e) => e.route === 'arm.denyAssignments.list' && e.status === 403).length, 0);
    // The same answer as ever: the vault insight and the deny assignment.
    assert.ok(report.insights.some((i) => i.kind === 'access-policy-vault' && i.title.includes('kv-sandbox-legacy')));
    assert.ok(report.subscriptions.find((s) => s.subscriptionId === DEV)!.deny.some((d) => d.scope.endsWith('/stsandboxapp')));
  });

  test('an eligibility at a management group shows in the subscriptions below it; if the group cannot be read, in all', async () => {
    const seed = defaultSeed();
    seed.roleEligibilities = [...(seed.roleEligibilities ?? []), { name: '5b1c2d3e-0000-4000-8000-00000000e119', scope: '/providers/Microsoft.Management/managementGroups/mg-sandbox-platform', role: 'Monitoring Reader', principal: 'alice' }];
    sb.control.reseed(seed);
    try {
      const eligibleIn = (report: AccessReport, subscription: string) => report.subscriptions.find((s) => s.subscriptionId === subscription)!.eligible.some((e) => e.roleName === 'Monitoring Reader');
      const below = await cli('roles', homes.alice!, ['--json']);
      assert.ok(below.report, below.stderr);
      assert.deepEqual([eligibleIn(below.report, DEV), eligibleIn(below.report, PROD)], [true, false], 'Sandbox Dev sits in mg-sandbox-platform, Sandbox Prod does not');
      sb.control.injectFault({ route: 'arm.managementGroups.descendants', status: 403 });
      const unread = await cli('roles', homes.alice!, ['--json']);
      assert.ok(unread.report, unread.stderr);
      assert.deepEqual([eligibleIn(unread.report, DEV), eligibleIn(unread.report, PROD)], [true, true]);
    } finally {
      sb.control.reseed(defaultSeed());
    }
  });
});
