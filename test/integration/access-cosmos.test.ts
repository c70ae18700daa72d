// `roles` against the sandbox for a Cosmos DB account the workspace names: the Access load reads the account's own
// role definitions and assignments (Cosmos DB's data is granted by them, never by Azure roles), answers read and
// write through the identity's groups and at the account or a database, and gives the command that assigns the
// missing role; an account nobody names is never read. Its own sandbox: the seed has the two accounts from the start.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AccessReport } from '../../src/core/access/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { defaultSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

const ACCOUNT = 'cosmos-sandbox-app';
const ENV = `COSMOS_ENDPOINT=https://${ACCOUNT}.documents.azure.com:443/\n`;
let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'access-cosmos-'));
const homes: Record<string, string> = {};
const CLI = join(repoRoot, 'dist', 'cli.js');

/** Two Cosmos DB accounts in rg-app: the one the workspace names, with its own assignments, and one nobody names. */
function cosmosSeed(): ReturnType<typeof defaultSeed> {
  const seed = structuredClone(defaultSeed());
  const rgApp = seed.subscriptions.find((sub) => sub.displayName === 'Sandbox Dev')!.resourceGroups!.find((g) => g.name === 'rg-app')!;
  rgApp.resources!.push(
    { type: 'Microsoft.DocumentDB/databaseAccounts', name: ACCOUNT, location: 'westeurope', sqlRoleAssignments: [
      { name: '6f1c2a57-3d2e-4c59-9a4e-0c1d2b3e4f50', role: 'Cosmos DB Built-in Data Reader', scope: '/', principal: 'dev-team' },
      { name: '7a2d3b68-4e3f-4d6a-8b5f-1d2e3c4f5a61', role: 'Cosmos DB Built-in Data Contributor', scope: '/dbs/appdb', principal: 'bob' },
    ] },
    { type: 'Microsoft.DocumentDB/databaseAccounts', name: 'cosmos-sandbox-other', location: 'westeurope' },
  );
  return seed;
}

before(async () => {
  await ensureToolsBuilt();
  assert.ok(existsSync(CLI), 'dist/cli.js is built by npm test before the suites run');
  sb = await startSandbox({ seed: cosmosSeed() });
  for (const user of ['bob', 'erin']) {
    homes[user] = join(scratch, user);
    mkdirSync(homes[user]!);
    await signInDemoDeveloper(sb, homes[user]!, user, ['az']);
    writeFileSync(join(homes[user]!, '.env'), ENV);
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

async function roles(home: string, json: boolean): Promise<{ code: number | null; stdout: string; stderr: string; report: AccessReport | undefined }> {
  const env: Record<string, string> = { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile };
  const result = await run(process.execPath, [CLI, 'roles', '--azure-identity-version', '1.23.1', '--cloud', cloudJson(), '--workspace', home, ...(json ? ['--json'] : [])], {
    env, cwd: home, timeoutMs: 120_000,
  });
  return { ...result, report: json && result.code === 0 ? JSON.parse(result.stdout) as AccessReport : undefined };
}

describe('Cosmos DB: the account\'s own role assignments', () => {

  test('bob: read yes through sg-dev-team at the account, write only in appdb; only the named account\'s lists are read', async () => {
    const { report, stderr } = await roles(homes.bob!, true);
    assert.ok(report, stderr);
    const cosmos = report.cosmos?.find((c) => c.name === ACCOUNT);
    assert.equal(cosmos?.read?.verdict, 'yes');
    assert.equal(cosmos?.write?.verdict, 'depends');
    assert.deepEqual(cosmos?.write?.grantedBy, [{ roleName: 'Cosmos DB Built-in Data Contributor', scope: '/dbs/appdb', via: null }]);
    assert.deepEqual(cosmos?.read?.grantedBy.map((g) => g.via).sort(), [null, 'sg-dev-team'], 'the reader role through the group, the contributor role (which reads too) directly');
    const insight = report.insights.find((i) => i.kind === 'workspace-resource' && i.scope?.endsWith(`/${ACCOUNT}`));
    assert.equal(insight?.title, `${ACCOUNT} (named in the workspace): read yes, write in some databases`);
    assert.equal(insight?.suggestion, `az cosmosdb sql role assignment create --account-name ${ACCOUNT} --resource-group rg-app --scope / --principal-id ${sb.users.bob!.objectId} --role-definition-id 00000000-0000-0000-0000-000000000002`);
    const listed = sb.control.requestLog().filter((e) => e.route.startsWith('arm.cosmos.')).map((e) => e.path.split('?')[0]!.split('/').slice(-2).join('/'));
    assert.deepEqual(listed.sort(), [`${ACCOUNT}/sqlRoleAssignments`, `${ACCOUNT}/sqlRoleDefinitions`], 'two requests, for the named account only');
  });

  test('erin, Contributor only: control-plane only on the named account, with the command that assigns its data role; the text output prints it', async () => {
    const { report, stderr } = await roles(homes.erin!, true);
    assert.ok(report, stderr);
    const fix = `az cosmosdb sql role assignment create --account-name ${ACCOUNT} --resource-group rg-app --scope / --principal-id ${sb.users.erin!.objectId} --role-definition-id 00000000-0000-0000-0000-000000000002`;
    const plane = report.insights.find((i) => i.kind === 'control-plane-only' && i.scope?.endsWith(`/${ACCOUNT}`));
    assert.equal(plane?.suggestion, fix);
    assert.equal(report.insights.find((i) => i.kind === 'workspace-resource' && i.scope?.endsWith(`/${ACCOUNT}`))?.title, `${ACCOUNT} (named in the workspace): read no, write no`);
    // The account nobody names: control-plane only as well, from Azure roles alone, its lists never read.
    assert.match(report.insights.find((i) => i.kind === 'control-plane-only' && i.scope?.endsWith('/cosmos-sandbox-other'))?.suggestion ?? '', /--account-name cosmos-sandbox-other --resource-group rg-app /);
    const text = await roles(homes.erin!, false);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.replace(/ \\\n +/g, ' ').includes(fix), text.stdout);
  });
});
