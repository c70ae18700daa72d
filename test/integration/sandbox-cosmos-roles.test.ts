// Cosmos DB (NoSQL) grants data access through SQL role assignments kept under the account, not through Azure RBAC.
// A real peer on the sandbox: Debian's `az` 2.45, signed in with a password, lists the account's SQL role definitions
// and assignments, creates one as a user who may write them (Contributor on rg-app) and is refused as a user with
// Reader only; the resource provider's own refusals (a role definition of another account, a scope outside the
// account, a principal id that is not a GUID) answer 400. What az prints must be what the sandbox holds.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startSandbox, type Sandbox, type SandboxSeed } from '../../src/sandbox/server';
import { defaultSeed, parseSeed } from '../../src/sandbox/seed';
import { run, sandboxFetch, userToken, type HttpsResult } from './helpers/sandbox';

const REAL_AZ = '/usr/bin/az';
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const SUB = 'adca4246-6e3e-4a79-a53f-26fe8244f8bc';
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-sandbox-app`;
const OTHER_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-sandbox-other`;
const READER_ROLE = '00000000-0000-0000-0000-000000000001';
const CONTRIBUTOR_ROLE = '00000000-0000-0000-0000-000000000002';
const DEV_TEAM = 'dcbefc24-c999-4e98-b6c0-9b8d4ba50fc4';
const BOB = '2f6d3b9f-98dd-45e4-933f-dac45a046fa7';
const ALICE = 'cb2be4d1-2705-475d-83e6-02d82fdd105f';
const SEEDED = { devTeamReader: '6f1c2a57-3b8e-4d0a-9e61-c1d2e3f4a501', bobContributor: '6f1c2a57-3b8e-4d0a-9e61-c1d2e3f4a502' };
/** A user with Reader on rg-app and nothing else: may read the account's SQL roles, may not write them. */
const RILEY = { key: 'riley', objectId: '0c6f3f0e-5d5e-4f7d-8b1e-7a0e2c9d4b61', upn: 'riley@contososandbox.onmicrosoft.com', password: 'Riley-Sandbox-Pa55!' };
const API = 'api-version=2024-05-15';

/** The default tenant plus a Cosmos DB account in rg-app with two SQL role assignments, another account, and riley. */
function cosmosSeed(): SandboxSeed {
  const seed = defaultSeed();
  const dev = seed.subscriptions.find((s) => s.id === SUB)!;
  const group = (name: string) => dev.resourceGroups!.find((g) => g.name === name)!;
  group('rg-app').resources!.push({
    type: 'Microsoft.DocumentDB/databaseAccounts', name: 'cosmos-sandbox-app', location: 'eastus', kind: 'GlobalDocumentDB',
    sqlRoleAssignments: [
      { name: SEEDED.devTeamReader, role: 'Cosmos DB Built-in Data Reader', scope: '/', principal: 'dev-team' },
      { name: SEEDED.bobContributor, role: CONTRIBUTOR_ROLE, scope: '/dbs/appdb', principal: 'bob' },
    ],
  });
  group('rg-shared').resources!.push({ type: 'Microsoft.DocumentDB/databaseAccounts', name: 'cosmos-sandbox-other', location: 'eastus', kind: 'GlobalDocumentDB' });
  seed.users.push({ key: RILEY.key, objectId: RILEY.objectId, userPrincipalName: RILEY.upn, displayName: 'Riley Reader', password: RILEY.password });
  seed.roleAssignments!.push({ name: '6f1c2a57-3b8e-4d0a-9e61-c1d2e3f4a5ff', scope: `/subscriptions/${SUB}/resourceGroups/rg-app`, role: 'Reader', principal: RILEY.key });
  return seed;
}

/** What `az cosmosdb sql role assignment list` prints of one assignment (az flattens `properties`). */
interface AzAssignment { id: string; name: string; principalId: string; roleDefinitionId: string; scope: string; type: string; resourceGroup: string }
interface AzDefinition { id: string; name: string; roleName: string; typePropertiesType: string; assignableScopes: string[]; permissions: { dataActions: string[]; notDataActions: string[] }[] }

const assignment = (name: string, role: string, principalId: string, scope: string): AzAssignment => ({
  id: `${ACCOUNT}/sqlRoleAssignments/${name}`, name, principalId, roleDefinitionId: `${ACCOUNT}/sqlRoleDefinitions/${role}`, scope,
  type: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments', resourceGroup: 'rg-app',
});
const SEEDED_ASSIGNMENTS = [
  assignment(SEEDED.devTeamReader, READER_ROLE, DEV_TEAM, ACCOUNT),
  assignment(SEEDED.bobContributor, CONTRIBUTOR_ROLE, BOB, `${ACCOUNT}/dbs/appdb`),
];
const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

let sb: Sandbox;
const scratch = mkdtempSync(join(tmpdir(), 'cosmos-roles-'));

before(async () => {
  sb = await startSandbox();
  sb.control.reseed(cosmosSeed());
});
after(async () => {
  await sb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});
// Back to the reseeded state before every test (sign-ins stay valid): created assignments are gone.
beforeEach(() => sb.control.reset());

function arm(method: string, path: string, token: string, json?: unknown): Promise<HttpsResult> {
  return sandboxFetch(sb, method, `${sb.url}/arm${path}`, { headers: { Authorization: `Bearer ${token}` }, ...(json !== undefined ? { json } : {}) });
}

describe('the seed refuses SQL role assignments that Cosmos DB could not hold', () => {
  const withAssignment = (resource: string, entry: Record<string, string>): SandboxSeed => {
    const seed = cosmosSeed();
    const rg = seed.subscriptions.find((s) => s.id === SUB)!.resourceGroups!.find((g) => g.name === 'rg-app')!;
    const target = rg.resources!.find((r) => r.name === resource)!;
    target.sqlRoleAssignments = [{ name: '6f1c2a57-3b8e-4d0a-9e61-c1d2e3f4a5aa', role: READER_ROLE, scope: '/', principal: 'alice', ...entry }];
    return seed;
  };

  test('an unknown role, a scope that is not /, /dbs/{db} or /dbs/{db}/colls/{coll}, a storage account, an unknown principal', () => {
    assert.doesNotThrow(() => parseSeed(withAssignment('cosmos-sandbox-app', { scope: '/dbs/appdb/colls/orders' })));
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { role: 'Cosmos DB Built-in Data Owner' })), /a built-in Cosmos DB SQL role: 'Cosmos DB Built-in Data Reader' \(0{8}-0{4}-0{4}-0{4}-0{11}1\) or 'Cosmos DB Built-in Data Contributor'.*\n.*resources\[5\]\.sqlRoleAssignments\[0\]\.role/);
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { role: 'Reader' })), /a built-in Cosmos DB SQL role/);
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { scope: '/dbs/appdb/' })), /a scope inside the account: '\/', '\/dbs\/\{database\}' or '\/dbs\/\{database\}\/colls\/\{container\}'\n.*sqlRoleAssignments\[0\]\.scope/);
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { scope: `${ACCOUNT}` })), /a scope inside the account/);
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { scope: '/colls/orders' })), /a scope inside the account/);
    assert.throws(() => parseSeed(withAssignment('stsandboxapp', {})), /only Cosmos DB accounts \(Microsoft\.DocumentDB\/databaseAccounts\) have SQL role assignments, not Microsoft\.Storage\/storageAccounts/);
    assert.throws(() => parseSeed(withAssignment('cosmos-sandbox-app', { principal: 'nobody' })), /SQL role assignment .* of 'cosmos-sandbox-app' names unknown principal 'nobody'/);
    // A refused reseed leaves the running sandbox as it was.
    assert.throws(() => sb.control.reseed(withAssignment('stsandboxapp', {})), /invalid sandbox seed/);
  });
});

describe('Cosmos DB SQL roles through the real az 2.45', { skip: !inCI && !existsSync(REAL_AZ) && 'azure-cli is not installed' }, () => {
  const signedIn: Record<string, (args: string[]) => ReturnType<typeof run>> = {};

  before(async () => {
    for (const [key, upn, password] of [['alice', sb.users.alice!.upn, sb.users.alice!.password], [RILEY.key, RILEY.upn, RILEY.password]] as const) {
      const env = { ...sb.toolEnv(join(scratch, key)), PATH: '/usr/bin:/bin', AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
      const az = (args: string[]) => run(REAL_AZ, [...args, '--output', 'json'], { env, timeoutMs: 120_000 });
      const login = await az(['login', '--username', upn, '--password', password]);
      assert.equal(login.code, 0, login.stderr);
      assert.equal((JSON.parse(login.stdout) as { id: string; isDefault: boolean }[]).find((s) => s.isDefault)?.id, SUB, `${key}'s default subscription`);
      signedIn[key] = az;
    }
  });

  async function azJson<T>(who: string, args: string[]): Promise<T> {
    const res = await signedIn[who]!(args);
    assert.equal(res.code, 0, `az ${args.join(' ')}: ${res.stderr}`);
    return JSON.parse(res.stdout) as T;
  }
  const listAssignments = (who: string) => azJson<AzAssignment[]>(who, ['cosmosdb', 'sql', 'role', 'assignment', 'list', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app']);

  test('role definition list prints the two built-in roles with their data actions, assignable on the account', async () => {
    const definitions = await azJson<AzDefinition[]>('alice', ['cosmosdb', 'sql', 'role', 'definition', 'list', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app']);
    assert.deepEqual(definitions.map(({ id, name, roleName, typePropertiesType, assignableScopes, permissions }) => ({ id, name, roleName, typePropertiesType, assignableScopes, permissions })), [
      {
        id: `${ACCOUNT}/sqlRoleDefinitions/${READER_ROLE}`, name: READER_ROLE, roleName: 'Cosmos DB Built-in Data Reader', typePropertiesType: 'BuiltInRole',
        assignableScopes: [ACCOUNT],
        permissions: [{
          dataActions: [
            'Microsoft.DocumentDB/databaseAccounts/readMetadata',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read',
          ],
          notDataActions: [],
        }],
      },
      {
        id: `${ACCOUNT}/sqlRoleDefinitions/${CONTRIBUTOR_ROLE}`, name: CONTRIBUTOR_ROLE, roleName: 'Cosmos DB Built-in Data Contributor', typePropertiesType: 'BuiltInRole',
        assignableScopes: [ACCOUNT],
        permissions: [{
          dataActions: [
            'Microsoft.DocumentDB/databaseAccounts/readMetadata',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*',
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*',
          ],
          notDataActions: [],
        }],
      },
    ]);
    assert.ok(sb.control.requestLog().some((e) => e.route === 'arm.cosmos.sqlRoleDefinitions.list' && e.status === 200));
  });

  test('role assignment list prints exactly the seeded assignments, as the sandbox serves them', async () => {
    const printed = await listAssignments('alice');
    assert.deepEqual([...printed].sort(byName), SEEDED_ASSIGNMENTS);
    // The same facts straight from the REST answer az read.
    const rest = await arm('GET', `${ACCOUNT}/sqlRoleAssignments?${API}`, await userToken(sb, 'alice'));
    assert.equal(rest.status, 200, rest.text);
    const value = (rest.json as { value: { id: string; name: string; type: string; properties: { roleDefinitionId: string; scope: string; principalId: string } }[] }).value;
    assert.deepEqual(value.map((v) => ({ id: v.id, name: v.name, type: v.type, ...v.properties, resourceGroup: 'rg-app' })).sort(byName), printed.sort(byName));
  });

  test('alice (Contributor on rg-app) creates a Data Contributor assignment on the whole account; the list shows it until it is deleted', async () => {
    const created = await azJson<AzAssignment>('alice', ['cosmosdb', 'sql', 'role', 'assignment', 'create', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app',
      '--scope', '/', '--principal-id', ALICE, '--role-definition-id', CONTRIBUTOR_ROLE]);
    assert.match(created.name, /^[0-9a-f-]{36}$/);
    assert.deepEqual(created, assignment(created.name, CONTRIBUTOR_ROLE, ALICE, ACCOUNT), 'az sent the account id with a trailing slash for --scope /; the account id is stored');
    const puts = sb.control.requestLog().filter((e) => e.route === 'arm.cosmos.sqlRoleAssignments.put');
    assert.deepEqual(puts.map((e) => e.status), [200], 'one PUT, answered at once (no polling)');
    assert.deepEqual((await listAssignments('alice')).sort(byName), [...SEEDED_ASSIGNMENTS, created].sort(byName));

    const deleted = await signedIn.alice!(['cosmosdb', 'sql', 'role', 'assignment', 'delete', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app', '--role-assignment-id', created.name, '--yes']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.ok(sb.control.requestLog().some((e) => e.route === 'arm.cosmos.sqlRoleAssignments.delete' && e.status === 200));
    assert.deepEqual((await listAssignments('alice')).sort(byName), SEEDED_ASSIGNMENTS);
  });

  test('riley (Reader on rg-app only) reads the assignments but is refused a create with AuthorizationFailed', async () => {
    assert.deepEqual((await listAssignments(RILEY.key)).sort(byName), SEEDED_ASSIGNMENTS);
    const refused = await signedIn[RILEY.key]!(['cosmosdb', 'sql', 'role', 'assignment', 'create', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app',
      '--scope', '/', '--principal-id', RILEY.objectId, '--role-definition-id', CONTRIBUTOR_ROLE]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /\(AuthorizationFailed\) The client 'riley@contososandbox\.onmicrosoft\.com' with object id '0c6f3f0e-5d5e-4f7d-8b1e-7a0e2c9d4b61' does not have authorization to perform action 'Microsoft\.DocumentDB\/databaseAccounts\/sqlRoleAssignments\/write' over scope '\/subscriptions\/adca4246-6e3e-4a79-a53f-26fe8244f8bc\/resourceGroups\/rg-app\/providers\/Microsoft\.DocumentDB\/databaseAccounts\/cosmos-sandbox-app\/sqlRoleAssignments\/[0-9a-f-]{36}'/);
    assert.deepEqual(sb.control.requestLog().filter((e) => e.route === 'arm.cosmos.sqlRoleAssignments.put').map((e) => e.status), [403]);
    assert.deepEqual((await listAssignments('alice')).sort(byName), SEEDED_ASSIGNMENTS, 'nothing was created');
  });

  test('a role definition of another account or a scope outside the account is refused with 400 BadRequest', async () => {
    const create = (extra: string[]) => signedIn.alice!(['cosmosdb', 'sql', 'role', 'assignment', 'create', '--account-name', 'cosmos-sandbox-app', '--resource-group', 'rg-app',
      '--principal-id', ALICE, ...extra]);
    const foreignRole = await create(['--scope', '/', '--role-definition-id', `${OTHER_ACCOUNT}/sqlRoleDefinitions/${CONTRIBUTOR_ROLE}`]);
    assert.notEqual(foreignRole.code, 0);
    assert.match(foreignRole.stderr, /\(BadRequest\) The provided role definition ID \[[^\]]*cosmos-sandbox-other\/sqlRoleDefinitions\/0{8}-0{4}-0{4}-0{4}-0{11}2\] does not belong to database account/);
    const foreignScope = await create(['--scope', OTHER_ACCOUNT, '--role-definition-id', CONTRIBUTOR_ROLE]);
    assert.notEqual(foreignScope.code, 0);
    assert.match(foreignScope.stderr, /\(BadRequest\) The provided scope \[[^\]]*cosmos-sandbox-other\] is not valid for database account/);
    assert.deepEqual(sb.control.requestLog().filter((e) => e.route === 'arm.cosmos.sqlRoleAssignments.put').map((e) => e.status), [400, 400]);
    assert.deepEqual((await listAssignments('alice')).sort(byName), SEEDED_ASSIGNMENTS, 'nothing was created');
  });

  test('an unknown account is ARM\'s 404 ResourceNotFound', async () => {
    const missing = await signedIn.alice!(['cosmosdb', 'sql', 'role', 'assignment', 'list', '--account-name', 'cosmos-missing', '--resource-group', 'rg-app']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /\(ResourceNotFound\) The Resource 'Microsoft\.DocumentDB\/databaseAccounts\/cosmos-missing' under resource group 'rg-app' was not found/);
  });
});

describe('the SQL role assignment REST routes, as strict as the resource provider', () => {
  let alice: string;
  before(async () => { alice = await userToken(sb, 'alice'); });
  const put = (name: string, properties: Record<string, unknown> | undefined, token = alice) =>
    arm('PUT', `${ACCOUNT}/sqlRoleAssignments/${name}?${API}`, token, properties === undefined ? {} : { properties });
  const valid = { roleDefinitionId: `${ACCOUNT}/sqlRoleDefinitions/${READER_ROLE}`, scope: `${ACCOUNT}/dbs/appdb/colls/orders`, principalId: ALICE };
  const NEW = '6f1c2a57-3b8e-4d0a-9e61-c1d2e3f4a5b0';

  test('PUT answers 200 with the assignment and no asynchronous-operation headers; GET, list and DELETE follow it; a reset forgets it', async () => {
    const created = await put(NEW, valid);
    assert.equal(created.status, 200, created.text);
    assert.equal(created.headers['azure-asyncoperation'], undefined);
    assert.equal(created.headers.location, undefined);
    const item = {
      id: `${ACCOUNT}/sqlRoleAssignments/${NEW}`, name: NEW,
      properties: { roleDefinitionId: valid.roleDefinitionId, principalId: ALICE, scope: valid.scope },
      type: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    };
    assert.deepEqual(created.json, item);
    assert.deepEqual((await arm('GET', `${ACCOUNT}/sqlRoleAssignments/${NEW}?${API}`, alice)).json, item);
    assert.equal(((await arm('GET', `${ACCOUNT}/sqlRoleAssignments?${API}`, alice)).json as { value: unknown[] }).value.length, 3);
    sb.control.reset();
    assert.equal((await arm('GET', `${ACCOUNT}/sqlRoleAssignments/${NEW}?${API}`, alice)).status, 404, 'reset goes back to the seed');
    assert.equal((await put(NEW, valid)).status, 200);
    assert.equal((await arm('DELETE', `${ACCOUNT}/sqlRoleAssignments/${NEW}?${API}`, alice)).status, 200);
    assert.equal((await arm('DELETE', `${ACCOUNT}/sqlRoleAssignments/${NEW}?${API}`, alice)).status, 204, 'nothing left to delete');
    const routes = sb.control.requestLog().map((e) => `${e.route} ${e.status}`);
    assert.deepEqual(routes, ['arm.cosmos.sqlRoleAssignments.get 404', 'arm.cosmos.sqlRoleAssignments.put 200', 'arm.cosmos.sqlRoleAssignments.delete 200', 'arm.cosmos.sqlRoleAssignments.delete 204']);
  });

  test('the body, the role definition, the scope and the principal id are checked; each failure is 400 BadRequest and creates nothing', async () => {
    const cases: [string, string, Record<string, unknown> | undefined][] = [
      ['no properties', NEW, undefined],
      ['no principal id', NEW, { ...valid, principalId: undefined }],
      ['role definition of another account', NEW, { ...valid, roleDefinitionId: `${OTHER_ACCOUNT}/sqlRoleDefinitions/${READER_ROLE}` }],
      ['role definition given by GUID only', NEW, { ...valid, roleDefinitionId: READER_ROLE }],
      ['unknown role definition', NEW, { ...valid, roleDefinitionId: `${ACCOUNT}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000003` }],
      ['scope of another account', NEW, { ...valid, scope: OTHER_ACCOUNT }],
      ['scope of the resource group', NEW, { ...valid, scope: `/subscriptions/${SUB}/resourceGroups/rg-app` }],
      ['relative scope', NEW, { ...valid, scope: '/' }],
      ['scope below a container', NEW, { ...valid, scope: `${ACCOUNT}/dbs/appdb/colls/orders/docs/1` }],
      ['principal id that is not a GUID', NEW, { ...valid, principalId: 'alice@contososandbox.onmicrosoft.com' }],
      ['assignment id that is not a GUID', 'my-assignment', valid],
    ];
    for (const [label, name, properties] of cases) {
      const res = await put(name, properties);
      assert.equal(res.status, 400, `${label}: ${res.text}`);
      const error = (res.json as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'BadRequest', label);
      assert.match(error.message, /\r\nActivityId: [0-9a-f-]{36}, Microsoft\.Azure\.Documents\.Common\/2\.14\.0$/, label);
    }
    assert.equal(((await arm('GET', `${ACCOUNT}/sqlRoleAssignments?${API}`, alice)).json as { value: unknown[] }).value.length, 2);
  });

  test('role definitions by id; api-version is required and checked; a Reader may read but not delete', async () => {
    const reader = await arm('GET', `${ACCOUNT}/sqlRoleDefinitions/${READER_ROLE}?${API}`, alice);
    assert.equal(reader.status, 200, reader.text);
    assert.equal((reader.json as { properties: { roleName: string } }).properties.roleName, 'Cosmos DB Built-in Data Reader');
    assert.equal((await arm('GET', `${ACCOUNT}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000003?${API}`, alice)).status, 404);
    const noVersion = await arm('GET', `${ACCOUNT}/sqlRoleAssignments`, alice);
    assert.deepEqual([noVersion.status, (noVersion.json as { error: { code: string } }).error.code], [400, 'MissingApiVersionParameter']);
    const badVersion = await arm('GET', `${ACCOUNT}/sqlRoleAssignments?api-version=2019-01-01`, alice);
    assert.deepEqual([badVersion.status, (badVersion.json as { error: { code: string } }).error.code], [400, 'NoRegisteredProviderFound']);
    // riley holds Reader on rg-app: ARM lets him read the account's SQL roles, not delete an assignment.
    const riley = await sandboxFetch(sb, 'POST', `${sb.url}/organizations/oauth2/v2.0/token`, {
      form: { grant_type: 'password', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', username: RILEY.upn, password: RILEY.password, scope: 'https://management.azure.com/.default' },
    });
    const rileyToken = (riley.json as { access_token: string }).access_token;
    assert.equal((await arm('GET', `${ACCOUNT}/sqlRoleDefinitions?${API}`, rileyToken)).status, 200);
    const refused = await arm('DELETE', `${ACCOUNT}/sqlRoleAssignments/${SEEDED.bobContributor}?${API}`, rileyToken);
    assert.equal(refused.status, 403, refused.text);
    assert.equal((refused.json as { error: { code: string } }).error.code, 'AuthorizationFailed');
    assert.equal(refused.headers['x-ms-failure-cause'], 'gateway');
    assert.equal(((await arm('GET', `${ACCOUNT}/sqlRoleAssignments?${API}`, alice)).json as { value: unknown[] }).value.length, 2, 'nothing was deleted');
  });
});
