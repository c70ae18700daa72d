// What the identity may do with the resource a client of the code talks to, answered by the "Can … Do …?" logic on
// the 928 built-in roles: the endpoint (a literal, or os.environ through .env) names the host, the host a resource
// of the Access report in the current cloud; read yes / write no with the narrowest role that would write; the
// diagnostics' conditions; and the hover's Markdown rendered by markdown-it with hostile names (fast-check): the only
// link is the product's own command, its JSON arguments are exactly the role and scope, and no name becomes markup.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { buildAccessReport, roleInfo, type RawResource, type RawRoleAssignment, type RawRoleDefinition } from '../../src/core/access/model';
import type { RawCosmosRoles } from '../../src/core/access/cosmosRoles';
import { permissionsOf } from '../../src/core/access/permissions';
import type { AccessIdentity, AccessReport, RoleInfo } from '../../src/core/access/types';
import { clientAccess, clientDiagnosticMessage, clientHoverMarkdown, clientLimited, clientUnreachable, type ClientAccess } from '../../src/core/code/clientAccess';
import type { ClientCall } from '../../src/core/code/clientCalls';
import { parseAssignRoleArgs } from '../../src/core/code/assignRoleArgs';

const builtins: RawRoleDefinition[] = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as Record<string, unknown>[])
  .map((r) => ({ id: `/providers/Microsoft.Authorization/roleDefinitions/${String(r.name)}`, roleName: String(r.roleName), description: String(r.description), type: String(r.roleType), permissions: permissionsOf(r.permissions) }));
const roles: RoleInfo[] = builtins.map(roleInfo);
const byName = (name: string): RawRoleDefinition => builtins.find((r) => r.roleName === name)!;

const SUB = '11111111-1111-1111-1111-111111111111';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/stapp`;
const COSMOS = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-app`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-app`;
const BUS = `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-app`;
const HUBS = `${RG}/providers/Microsoft.EventHub/namespaces/evh-app`;
const OPENAI = `${RG}/providers/Microsoft.CognitiveServices/accounts/aoai-app`;
const ALICE: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.com', appId: null, objectId: 'aaaaaaaa-0000-0000-0000-000000000001', tenantId: 't', tenantName: null,
  source: 'AzureCliCredential', expiresOn: null,
};

function assignment(id: string, scope: string, role: string): RawRoleAssignment {
  return { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${id}`, scope, roleDefinitionId: byName(role).id, principalId: ALICE.objectId, principalType: 'User', condition: null, conditionVersion: null, createdOn: null };
}

function report(assignments: RawRoleAssignment[], identity: AccessIdentity = ALICE, accountName = 'stapp', more: { id: string; name: string; type: string }[] = []): AccessReport {
  const account = ACCOUNT.replace(/stapp$/, accountName);
  return buildAccessReport({
    cloud: KNOWN_CLOUDS.AzureCloud, identity, groups: [], groupsProblem: null,
    subscriptions: [{
      subscriptionId: SUB, displayName: 'Dev', tenantId: 't', assignments, definitions: builtins, deny: [], problems: [],
      resources: [{ id: account, name: accountName, type: 'Microsoft.Storage/storageAccounts' }, { id: COSMOS, name: 'cosmos-app', type: 'Microsoft.DocumentDB/databaseAccounts' }, ...more],
    }],
    // What the workspace names (its code and .env, as the Access load reads them).
    references: [
      { service: 'storage', name: accountName.toLowerCase(), host: `${accountName.toLowerCase()}.blob.core.windows.net` },
      { service: 'eventHubs', name: 'evh-app', host: 'evh-app.servicebus.windows.net' },
    ], problems: [], requests: 0, tokenIssuedAt: null, now: Date.now(),
  });
}

const call = (endpoint: ClientCall['endpoint'], over: Partial<ClientCall> = {}): ClientCall => ({
  client: 'BlobServiceClient', service: 'storage', calledAs: 'BlobServiceClient', range: { startLine: 0, startColumn: 0, endLine: 0, endColumn: 1 },
  construction: 'endpoint', endpoint, ...over,
});

interface MarkdownIt { render(text: string): string }
const MarkdownItClass = createRequire(__filename)('markdown-it') as new (options: Record<string, unknown>) => MarkdownIt;
const markdown = new MarkdownItClass({ html: false, linkify: true });

const READER = [assignment('1', ACCOUNT, 'Storage Blob Data Reader'), assignment('2', RG, 'Contributor')];
const ctx = (r: AccessReport | undefined, env: Record<string, string> = {}) => ({ access: r && { report: r, cloud: KNOWN_CLOUDS.AzureCloud }, definitions: roles, env });

describe('client access', () => {
  test('read yes, write no — add Storage Blob Data Contributor, on the account the .env variable names', () => {
    const access = clientAccess(call({ kind: 'environment', variable: 'URL' }), ctx(report(READER), { URL: 'https://stapp.blob.core.windows.net/' }));
    assert.equal(access.kind, 'answered');
    if (access.kind !== 'answered') return;
    assert.equal(access.scope, ACCOUNT);
    assert.equal(access.read.verdict, 'yes');
    assert.equal(access.write?.verdict, 'no');
    assert.deepEqual(access.suggestion, { roleName: 'Storage Blob Data Contributor', scope: ACCOUNT });
    assert.equal(clientUnreachable(access), false);
    assert.equal(clientLimited(access), true);
    assert.equal(clientDiagnosticMessage(access), 'Alice cannot do everything this client offers on storage account stapp: read yes, write no — add Storage Blob Data Contributor.');
    assert.match(markdown.render(clientHoverMarkdown(access, 'x.assign')), /<strong>read yes, write no — add Storage Blob Data Contributor<\/strong>/);
  });

  test('only Contributor (control plane): no data role reaches it, a warning; Contributor on the data: nothing to say', () => {
    const none = clientAccess(call({ kind: 'literal', value: 'https://STAPP.blob.core.windows.net' }), ctx(report([assignment('2', RG, 'Contributor')])));
    assert.ok(none.kind === 'answered' && clientUnreachable(none));
    assert.match(clientDiagnosticMessage(none)!, /^Alice holds no data role that reaches storage account stapp: read no, write no — add Storage Blob Data Contributor\.$/);
    const all = clientAccess(call({ kind: 'literal', value: 'https://stapp.blob.core.windows.net' }), ctx(report([assignment('3', RG, 'Storage Blob Data Contributor')])));
    assert.ok(all.kind === 'answered' && all.read.verdict === 'yes' && all.write?.verdict === 'yes' && all.suggestion === null);
    assert.equal(clientDiagnosticMessage(all), undefined);
  });

  test('without the tenant\'s role definitions at hand, no answer (Contributor\'s "*" would pass for a blob write)', () => {
    const access = clientAccess(call({ kind: 'literal', value: 'https://stapp.blob.core.windows.net' }), { ...ctx(report(READER)), definitions: undefined });
    assert.equal(access.kind, 'noReport');
  });

  test('Key Vault, Service Bus (send without receive), Event Hubs on the shared suffix, Azure OpenAI: each answered on its own resource', () => {
    const more = [
      { id: VAULT, name: 'kv-app', type: 'Microsoft.KeyVault/vaults' }, { id: BUS, name: 'sb-app', type: 'Microsoft.ServiceBus/namespaces' },
      { id: HUBS, name: 'evh-app', type: 'Microsoft.EventHub/namespaces' }, { id: OPENAI, name: 'aoai-app', type: 'Microsoft.CognitiveServices/accounts' },
    ];
    const r = report([assignment('1', VAULT, 'Key Vault Secrets User'), assignment('2', BUS, 'Azure Service Bus Data Sender'), assignment('3', OPENAI, 'Cognitive Services OpenAI User')], ALICE, 'stapp', more);
    const answered = (c: ClientCall) => {
      const a = clientAccess(c, ctx(r));
      assert.equal(a.kind, 'answered', JSON.stringify(a));
      return a.kind === 'answered' ? a : assert.fail();
    };
    const vault = answered(call({ kind: 'literal', value: 'https://kv-app.vault.azure.net/' }, { client: 'SecretClient', service: 'keyVault' }));
    assert.deepEqual([vault.scope, vault.read.verdict, vault.write?.verdict, vault.suggestion?.roleName], [VAULT, 'yes', 'no', 'Key Vault Secrets Officer']);
    const bus = answered(call({ kind: 'literal', value: 'sb-app.servicebus.windows.net' }, { client: 'ServiceBusClient', service: 'serviceBus' }));
    assert.deepEqual([bus.scope, bus.read.verdict, bus.write?.verdict, bus.suggestion?.roleName], [BUS, 'no', 'yes', 'Azure Service Bus Data Receiver']);
    const hubs = answered(call({ kind: 'literal', value: 'evh-app.servicebus.windows.net' }, { client: 'EventHubProducerClient', service: 'eventHubs' }));
    assert.deepEqual([hubs.scope, hubs.read.verdict, hubs.write?.verdict], [HUBS, 'no', 'no']);
    assert.ok(clientUnreachable(hubs));
    const ai = answered(call({ kind: 'literal', value: 'https://aoai-app.openai.azure.com/' }, { client: 'AzureOpenAI', service: 'openAI' }));
    assert.deepEqual([ai.scope, ai.readWord, ai.read.verdict, ai.write, ai.suggestion], [OPENAI, 'use', 'yes', null, null]);
    assert.equal(clientDiagnosticMessage(ai), undefined);
  });

  test('the Assign Role… arguments: what the hover writes is read back; anything else is refused', () => {
    const access = clientAccess(call({ kind: 'literal', value: 'https://stapp.blob.core.windows.net' }), ctx(report(READER)));
    const href = /\(command:x\.assign\?([^)]*)\)/.exec(clientHoverMarkdown(access, 'x.assign'))![1]!;
    assert.deepEqual(parseAssignRoleArgs(JSON.parse(decodeURIComponent(href))), { roleName: 'Storage Blob Data Contributor', scope: ACCOUNT });
    for (const bad of [
      undefined, null, 'x', [], [{}], { roleName: 'Owner' }, { roleName: 'Owner', scope: `/subscriptions/${SUB}` },
      { roleName: 'Owner', scope: `${ACCOUNT}/../../x` }, { roleName: 'Owner', scope: `${ACCOUNT}?x=1` }, { roleName: 'Owner\n[x](y)', scope: ACCOUNT },
      { roleName: 'Owner', scope: `${ACCOUNT}/blobServices/default` }, { roleName: 7, scope: ACCOUNT }, { roleName: 'x'.repeat(200), scope: ACCOUNT },
    ]) assert.equal(parseAssignRoleArgs(bad), undefined, JSON.stringify(bad));
    fc.assert(fc.property(fc.string(), fc.string(), (roleName, scope) => {
      const parsed = parseAssignRoleArgs({ roleName, scope });
      return parsed === undefined || (parsed.scope.startsWith('/subscriptions/') && !/[\s?#]/.test(parsed.scope) && !/[\n\r[\]<>`]/.test(parsed.roleName));
    }), { numRuns: 2000 });
  });

  test('what cannot be answered says why: connection string, unknown endpoint, unset variable, another cloud\'s host, no report, not visible, Cosmos DB', () => {
    const r = report(READER);
    const kinds = (a: ClientAccess) => a.kind;
    assert.equal(kinds(clientAccess(call(undefined, { construction: 'connectionString' }), ctx(r))), 'connectionString');
    assert.equal(kinds(clientAccess(call({ kind: 'unknown', text: 'url' }), ctx(r))), 'unknownEndpoint');
    assert.equal(kinds(clientAccess(call({ kind: 'environment', variable: 'NOPE' }), ctx(r))), 'unsetVariable');
    const secret = clientAccess(call({ kind: 'environment', variable: 'CONN' }), ctx(r, { CONN: 'AccountKey=c2VjcmV0' }));
    assert.deepEqual(secret, { kind: 'otherHost', client: 'BlobServiceClient', endpoint: 'The value of CONN', cloud: 'AzureCloud' }, 'a value from the environment is never shown');
    assert.equal(kinds(clientAccess(call({ kind: 'literal', value: 'https://stapp.blob.core.chinacloudapi.cn' }), ctx(r))), 'otherHost');
    assert.equal(kinds(clientAccess(call({ kind: 'literal', value: 'https://kv-app.vault.azure.net' }), ctx(r))), 'otherHost', 'a vault URL given to a blob client');
    assert.equal(kinds(clientAccess(call({ kind: 'literal', value: 'https://stapp.blob.core.windows.net' }), ctx(undefined))), 'noReport');
    assert.equal(kinds(clientAccess(call({ kind: 'literal', value: 'https://kv-app.vault.azure.net' }, { client: 'SecretClient', service: 'keyVault' }), ctx(r))), 'notFound');
    const cosmos = clientAccess(call({ kind: 'literal', value: 'https://cosmos-app.documents.azure.com:443/' }, { client: 'CosmosClient', service: 'cosmosDb' }), ctx(r));
    assert.equal(cosmos.kind, 'notByRoles');
    assert.equal(cosmos.kind === 'notByRoles' && cosmos.why, 'Cosmos DB accounts grant their data through their own SQL role assignments, not Azure roles.');
    assert.equal(clientDiagnosticMessage(cosmos), undefined);
  });
});

// ---- The hover's Markdown, as VS Code's renderer (markdown-it, no HTML, links detected) sees it ----------------

const COMMAND = 'azureDevAuth.assignRoleForClient';

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('[x](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)', '<img src=x onerror=alert(1)>', '`code`', '$(zap)', '**bold**', '&lt;b&gt;', '\u202e\u0007\n# heading', 'javascript:alert(1)', '![i](https://evil.example/p.png)', '<https://evil.example>', '\\'),
);

test('hostile identity and resource names never become markup; the one link runs the product\'s command with the role and scope only', () => {
  fc.assert(fc.property(hostile, hostile, (who, name) => {
    const access: ClientAccess = clientAccess(call({ kind: 'environment', variable: 'URL' }), ctx(report(READER, { ...ALICE, displayName: who.length ? who : 'x' }), { URL: 'https://stapp.blob.core.windows.net' }));
    assert.equal(access.kind, 'answered');
    const hostileAccess = access.kind === 'answered' ? { ...access, name, label: name, host: name } : access;
    const html = markdown.render(clientHoverMarkdown(hostileAccess, COMMAND));
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!);
    const images = [...html.matchAll(/<img/g)];
    assert.deepEqual(images, []);
    assert.ok(!/<(script|b|h1|code>[^<]*zap)/i.test(html.replace(/<code>BlobServiceClient<\/code>/, '')), html);
    assert.ok(!/<h[1-6]/.test(html), html);
    assert.equal(links.length, 1, html);
    const href = links[0]!.replace(/&amp;/g, '&');
    assert.ok(href.startsWith(`command:${COMMAND}?`), href);
    assert.deepEqual(JSON.parse(decodeURIComponent(href.slice(`command:${COMMAND}?`.length))), [{ roleName: 'Storage Blob Data Contributor', scope: ACCOUNT }]);
    // The names are still there, as text.
    const text = html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const printable = (s: string) => s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ');
    if (who.trim()) assert.ok(text.replace(/\s+/g, ' ').includes(printable(who).replace(/\s+/g, ' ').trim()), `${who} in ${text}`);
  }), { numRuns: 400 });
});

describe('Cosmos DB: the account\'s own role assignments answer, not Azure roles', () => {
  const GROUP = 'gggggggg-0000-0000-0000-000000000001';
  const definitions = [
    { id: `${COSMOS}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001`, roleName: 'Cosmos DB Built-in Data Reader', notDataActions: [],
      dataActions: ['Microsoft.DocumentDB/databaseAccounts/readMetadata', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'] },
    { id: `${COSMOS}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`, roleName: 'Cosmos DB Built-in Data Contributor', notDataActions: [],
      dataActions: ['Microsoft.DocumentDB/databaseAccounts/readMetadata', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*'] },
  ];
  const sqlAssignment = (id: string, role: '1' | '2', scope: string, principalId: string) => ({ id: `${COSMOS}/sqlRoleAssignments/${id}`, roleDefinitionId: `${COSMOS}/sqlRoleDefinitions/00000000-0000-0000-0000-00000000000${role}`, scope, principalId });
  const cosmosReport = (cosmos: RawCosmosRoles, assignments: RawRoleAssignment[] = [assignment('2', RG, 'Contributor')]): AccessReport => buildAccessReport({
    cloud: KNOWN_CLOUDS.AzureCloud, identity: ALICE, groups: [{ id: GROUP, displayName: 'sg-dev-team', path: ['sg-dev-team'] }], groupsProblem: null,
    subscriptions: [{
      subscriptionId: SUB, displayName: 'Dev', tenantId: 't', assignments, definitions: builtins, deny: [], problems: [],
      resources: [{ id: COSMOS, name: 'cosmos-app', type: 'Microsoft.DocumentDB/databaseAccounts', cosmos } satisfies RawResource],
    }],
    references: [{ service: 'cosmosDb', name: 'cosmos-app', host: 'cosmos-app.documents.azure.com' }], problems: [], requests: 0, tokenIssuedAt: null, now: Date.now(),
  });
  const cosmosCall = call({ kind: 'literal', value: 'https://cosmos-app.documents.azure.com:443/' }, { client: 'CosmosClient', service: 'cosmosDb' });
  const FIX = `az cosmosdb sql role assignment create --account-name cosmos-app --resource-group rg-app --scope / --principal-id ${ALICE.objectId} --role-definition-id 00000000-0000-0000-0000-000000000002`;

  test('the reader role through a group at the account, the contributor role on one database: read yes, write in some databases — add the contributor role', () => {
    const r = cosmosReport({ ok: true, definitions, assignments: [sqlAssignment('a1', '1', COSMOS, GROUP), sqlAssignment('a2', '2', `${COSMOS}/dbs/appdb`, ALICE.objectId)] });
    const access = clientAccess(cosmosCall, ctx(r));
    assert.equal(access.kind, 'answered');
    if (access.kind !== 'answered') return;
    assert.equal(access.read.verdict, 'yes');
    assert.equal(access.write?.verdict, 'depends');
    assert.equal(access.read.sentence, 'Reading items: yes, in every database (Cosmos DB Built-in Data Reader on the whole account through sg-dev-team).');
    assert.equal(access.write?.sentence, 'Writing items: only where an assignment reaches (Cosmos DB Built-in Data Contributor on /dbs/appdb).');
    assert.equal(access.suggestion, null, 'the role wizard assigns Azure roles only');
    assert.deepEqual(access.command, { roleName: 'Cosmos DB Built-in Data Contributor', command: FIX });
    assert.equal(clientDiagnosticMessage(access), 'Alice cannot do everything this client offers on Cosmos DB account cosmos-app: read yes, write in some databases — add Cosmos DB Built-in Data Contributor.');
    const html = markdown.render(clientHoverMarkdown(access, 'azureDevAuth.assignRoleForClient', 'azureDevAuth.copyCosmosRoleCommand'));
    assert.ok(html.includes(`<code class="language-bash">${FIX}\n</code>`), html);
    // One link, Copy Command, naming the account alone; no Assign Role… (the wizard assigns Azure roles only).
    const links = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
    assert.deepEqual(links, [[`command:azureDevAuth.copyCosmosRoleCommand?${encodeURIComponent(JSON.stringify([{ account: COSMOS }]))}`, 'Copy Command']]);
    const insight = r.insights.find((i) => i.kind === 'workspace-resource');
    assert.equal(insight?.title, 'cosmos-app (named in the workspace): read yes, write in some databases');
    assert.equal(insight?.suggestion, FIX);
    assert.ok(!r.insights.some((i) => i.kind === 'control-plane-only'), 'it reaches the data');
  });

  test('the contributor role at the account: read yes, write yes, nothing to add; another principal\'s assignment does not count', () => {
    const r = cosmosReport({ ok: true, definitions, assignments: [sqlAssignment('a1', '2', COSMOS, ALICE.objectId), sqlAssignment('a2', '1', COSMOS, 'someone-else')] });
    const access = clientAccess(cosmosCall, ctx(r));
    assert.ok(access.kind === 'answered' && access.read.verdict === 'yes' && access.write?.verdict === 'yes');
    assert.equal(access.kind === 'answered' && access.command, null);
    assert.equal(clientDiagnosticMessage(access), undefined);
  });

  test('Contributor on the resource group and no Cosmos DB assignment: control-plane only, the diagnostic warns, the fix is the command with its resource group', () => {
    const r = cosmosReport({ ok: true, definitions, assignments: [sqlAssignment('a1', '2', COSMOS, 'someone-else')] });
    const access = clientAccess(cosmosCall, ctx(r));
    assert.ok(access.kind === 'answered' && access.read.verdict === 'no' && access.write?.verdict === 'no');
    assert.equal(clientUnreachable(access), true);
    const plane = r.insights.find((i) => i.kind === 'control-plane-only');
    assert.equal(plane?.suggestion, FIX);
    assert.match(plane?.detail ?? '', /no Cosmos DB role assignment of the account reaches it or its groups/);
  });

  test('a hostile server\'s role names, scopes, actions and ids never throw nor become markup; the one link names the account alone', () => {
    const item = fc.record({ roleName: hostile, scope: fc.oneof(hostile, fc.constantFrom(COSMOS, `${COSMOS}/dbs/x`, '/', '')), action: fc.oneof(hostile, fc.constantFrom('*', 'Microsoft.DocumentDB/*')), principal: fc.constantFrom(ALICE.objectId, GROUP, 'x') });
    fc.assert(fc.property(fc.array(item, { maxLength: 6 }), (items) => {
      const r = cosmosReport({
        ok: true,
        definitions: items.map((x, n) => ({ id: `${COSMOS}/sqlRoleDefinitions/${n}`, roleName: x.roleName, dataActions: [x.action], notDataActions: [] })),
        assignments: items.map((x, n) => ({ id: `a${n}`, roleDefinitionId: `${COSMOS}/sqlRoleDefinitions/${n}`, scope: x.scope, principalId: x.principal })),
      });
      const access = clientAccess(cosmosCall, ctx(r));
      assert.equal(access.kind, 'answered');
      const html = markdown.render(clientHoverMarkdown(access, COMMAND, 'azureDevAuth.copyCosmosRoleCommand'));
      assert.deepEqual([...html.matchAll(/<img|<script|<h[1-6]/g)], [], html);
      const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      assert.ok(links.length <= 1, html);
      for (const link of links) assert.deepEqual(JSON.parse(decodeURIComponent(link.slice('command:azureDevAuth.copyCosmosRoleCommand?'.length))), [{ account: COSMOS }]);
    }), { numRuns: 300 });
  });

  test('role assignments that could not be read: the hover says why and guesses nothing', () => {
    const r = cosmosReport({ ok: false, reason: 'AuthorizationFailed: no Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read.' });
    const access = clientAccess(cosmosCall, ctx(r));
    assert.equal(access.kind, 'notByRoles');
    assert.match(access.kind === 'notByRoles' ? access.why : '', /could not be read: AuthorizationFailed/);
    assert.equal(r.insights.find((i) => i.kind === 'workspace-resource')?.label, 'cosmos-app: data roles unknown');
  });
});
