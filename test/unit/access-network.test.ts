// The network layer beside the roles: what ARM's storage and key vault properties say (read from the real captures),
// which insights follow from them and the roles (all 928 built-in role definitions), which accounts are read at all,
// and the administrator requests, run by real bash with a recording fake `az`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { storageToRead } from '../../src/core/access/load';
import { buildAccessReport, type AccessInputs, type RawResource, type RawRoleAssignment, type RawRoleDefinition, type RawSubscription } from '../../src/core/access/model';
import {
  accountKeyUses, accountKeyUsesInTexts, allowLocalAuthCommand, allowMachineCommands, allowSharedKeyCommand, bashLines, mergeAccountKeyUses, networkFromProperties, pastedWords,
  type ResourceNetwork,
} from '../../src/core/access/networkLayer';
import type { AccessIdentity } from '../../src/core/access/types';
import { accessRows, codeBlock } from '../../src/core/presentation/accessRows';
import { formatRoles } from '../../src/cli/access';

const fixtures = join(__dirname, '..', 'fixtures', 'realdata', 'arm-resources');
const capture = (file: string): Record<string, unknown> => (JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as { responses: { 200: { body: Record<string, unknown> } } }).responses[200].body;

interface BuiltIn { name: string; roleName: string; description: string; roleType: string; permissions: RawRoleDefinition['permissions'] }
const BUILT_INS = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'sandbox', 'data', 'builtin-roles.json'), 'utf8')) as BuiltIn[]);
const SUB = '11111111-1111-1111-1111-111111111111';
const DEFINITIONS: RawRoleDefinition[] = BUILT_INS.map((r) => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`, roleName: r.roleName, description: r.description, type: r.roleType, permissions: r.permissions,
}));
const roleDef = (roleName: string): string => `/providers/Microsoft.Authorization/roleDefinitions/${BUILT_INS.find((r) => r.roleName === roleName)!.name}`;

const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const STORAGE = `${RG}/providers/Microsoft.Storage/storageAccounts/stapp`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-app`;
const SUBNET = `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-app`;

const identity: AccessIdentity = {
  kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: ME, tenantId: 'tenant-1', tenantName: 'Contoso',
  source: 'AzureCliCredential', expiresOn: null,
};

let n = 0;
function assignment(scope: string, roleName: string): RawRoleAssignment {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${String(++n).padStart(8, '0')}-0000-0000-0000-000000000000`,
    scope, roleDefinitionId: roleDef(roleName), principalId: ME, principalType: 'User', condition: null, conditionVersion: null, createdOn: '2026-01-01T00:00:00Z',
  };
}

const OPEN: ResourceNetwork = { publicNetworkAccess: 'Enabled', defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [], privateEndpoints: [], allowSharedKeyAccess: null };
const FIREWALL: ResourceNetwork = { ...OPEN, defaultAction: 'Deny', ipRules: ['203.0.113.0/24', '198.51.100.16/28', '192.0.2.44'], virtualNetworkRules: [SUBNET], allowSharedKeyAccess: false };
const PRIVATE: ResourceNetwork = { ...OPEN, publicNetworkAccess: 'Disabled', privateEndpoints: [`${RG}/providers/Microsoft.Network/privateEndpoints/pe-kv-app`] };

function inputs(resources: RawResource[], assignments: RawRoleAssignment[], extra: Partial<AccessInputs> = {}): AccessInputs {
  const subscription: RawSubscription = { subscriptionId: SUB, displayName: 'Dev', tenantId: 'tenant-1', definitions: DEFINITIONS, assignments, resources, problems: [] };
  return {
    cloud: KNOWN_CLOUDS.AzureCloud, identity, groups: [], groupsProblem: null, subscriptions: [subscription],
    references: [], problems: [], requests: 0, tokenIssuedAt: null, now: Date.parse('2026-06-01T00:00:00Z'), ...extra,
  };
}

const storage = (network: ResourceNetwork): RawResource => ({ id: STORAGE, name: 'stapp', type: 'Microsoft.Storage/storageAccounts', network });
const vault = (network: ResourceNetwork): RawResource => ({ id: VAULT, name: 'kv-app', type: 'Microsoft.KeyVault/vaults', vault: { enableRbacAuthorization: true, accessPolicies: [] }, network });
const networkInsightsOf = (i: AccessInputs) => buildAccessReport(i).insights.filter((x) => x.kind.startsWith('network-') || x.kind === 'shared-key-disabled');

describe('ARM properties → network layer (real captures)', () => {
  test('a storage account that accepts every address (StorageAccountGetProperties)', () => {
    const network = networkFromProperties(capture('storage-getProperties-2023-05-01.json').properties as Record<string, unknown>);
    assert.deepEqual(network, { publicNetworkAccess: null, defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [], privateEndpoints: [], allowSharedKeyAccess: null });
  });

  test('a vault firewall: default Deny, two address rules, one subnet (createVaultWithNetworkAcls)', () => {
    const network = networkFromProperties(capture('keyvault-createVaultWithNetworkAcls-2019-09-01.json').properties as Record<string, unknown>);
    assert.equal(network.defaultAction, 'Deny');
    assert.deepEqual(network.ipRules, ['124.56.78.91/32', "'10.91.4.0/24'"]);
    assert.deepEqual(network.virtualNetworkRules, ['/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/virtualnetworks/test-vnet/subnets/subnet1']);
  });

  test('approved private endpoint connections are counted; pending or rejected ones are not', () => {
    const approved = capture('keyvault-getPrivateEndpointConnection-2023-07-01.json');
    const pending = { ...approved, properties: { ...(approved.properties as object), privateLinkServiceConnectionState: { status: 'Pending' } } };
    const network = networkFromProperties({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [approved, pending, capture('storage-getPrivateEndpointConnection-2023-05-01.json')] });
    assert.equal(network.publicNetworkAccess, 'Disabled');
    assert.deepEqual(network.privateEndpoints, [
      '/subscriptions/00000000-0000-0000-1234-000000000000/resourceGroups/sample-group/providers/Microsoft.Network/privateEndpoints/sample-pe',
      '/subscriptions/{subscription-id}/resourceGroups/res7231/providers/Microsoft.Network/privateEndpoints/petest01',
    ]);
  });

  test('garbage in the properties gives an open network, never a throw', () => {
    assert.deepEqual(networkFromProperties({ networkAcls: 'x', privateEndpointConnections: {}, publicNetworkAccess: 3, allowSharedKeyAccess: 'false' }),
      { publicNetworkAccess: null, defaultAction: null, bypass: null, ipRules: [], virtualNetworkRules: [], privateEndpoints: [], allowSharedKeyAccess: null });
  });
});

describe('insights', () => {
  test('roles allow writing blobs, but a firewall keeps this machine out', () => {
    const found = networkInsightsOf(inputs([storage(FIREWALL)], [assignment(STORAGE, 'Storage Blob Data Contributor')]));
    const firewall = found.find((i) => i.kind === 'network-firewall')!;
    assert.equal(firewall.title, 'Roles allow writing blobs, but the account only accepts its virtual network and 3 IP ranges: requests from this machine get 403 (AuthorizationFailure)');
    assert.equal(firewall.label, 'stapp: firewall');
    assert.match(firewall.detail, /203\.0\.113\.0\/24, 198\.51\.100\.16\/28, 192\.0\.2\.44/);
    assert.match(firewall.detail, /vnet-app\/snet-app/);
    assert.equal(firewall.scope, STORAGE);
    assert.equal(firewall.adminRequest, `az storage account network-rule add --subscription ${SUB} --resource-group rg-app --account-name stapp --ip-address MY_PUBLIC_IP`);
  });

  test('read-only roles say reading; an inherited role counts; the same account open to all gives nothing', () => {
    const reading = networkInsightsOf(inputs([storage(FIREWALL)], [assignment(RG, 'Storage Blob Data Reader')]));
    assert.match(reading[0]!.title, /^Roles allow reading blobs, but the account only accepts/);
    assert.deepEqual(networkInsightsOf(inputs([storage({ ...OPEN })], [assignment(RG, 'Storage Blob Data Contributor')])), []);
  });

  test('no data role and not named: no network insight; named in the workspace: the firewall is explained all the same', () => {
    assert.deepEqual(networkInsightsOf(inputs([storage(FIREWALL)], [assignment(RG, 'Reader')])), []);
    const named = networkInsightsOf(inputs([storage(FIREWALL)], [assignment(RG, 'Reader')], { references: [{ service: 'storage', name: 'stapp', host: 'stapp.blob.core.windows.net' }] }));
    assert.equal(named[0]!.title, 'stapp only accepts its virtual network and 3 IP ranges: requests from this machine get 403 (AuthorizationFailure)');
  });

  test('a deny assignment on the data takes the roles away, and with them the insight', () => {
    const report = buildAccessReport({
      ...inputs([storage(FIREWALL)], [assignment(STORAGE, 'Storage Blob Data Contributor')]),
      subscriptions: [{
        ...inputs([storage(FIREWALL)], [assignment(STORAGE, 'Storage Blob Data Contributor')]).subscriptions[0]!,
        deny: [{
          id: 'deny-1', name: 'no data', description: '', scope: STORAGE, doNotApplyToChildScopes: false, principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }], excludePrincipals: [],
          permissions: [{ actions: [], notActions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'], notDataActions: [] }],
        }],
      }],
    });
    assert.deepEqual(report.insights.filter((i) => i.kind === 'network-firewall'), []);
  });

  test('a key vault with public access disabled is reachable only through its private endpoint', () => {
    const found = networkInsightsOf(inputs([vault(PRIVATE)], [assignment(VAULT, 'Key Vault Secrets User')]));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.kind, 'network-private');
    assert.equal(found[0]!.title, 'Roles allow reading secrets, but kv-app has public network access disabled, reachable only through its private endpoint: requests from this machine get 403 (ForbiddenByConnection)');
    assert.equal(found[0]!.label, 'kv-app: private only');
    assert.match(found[0]!.detail, /pe-kv-app/);
    assert.equal(found[0]!.adminRequest, [
      `az keyvault update --subscription ${SUB} --resource-group rg-app --name kv-app --public-network-access Enabled --default-action Deny`,
      `az keyvault network-rule add --subscription ${SUB} --resource-group rg-app --name kv-app --ip-address MY_PUBLIC_IP`,
    ].join('\n'));
  });

  test('a vault firewall (public access on, default Deny) names ForbiddenByFirewall; no private endpoint at all says so', () => {
    const firewall = networkInsightsOf(inputs([vault({ ...OPEN, defaultAction: 'Deny', ipRules: ['192.0.2.0/24'] })], [assignment(VAULT, 'Key Vault Secrets Officer')]));
    assert.equal(firewall[0]!.title, 'Roles allow writing secrets, but the vault only accepts 1 IP range: requests from this machine get 403 (ForbiddenByFirewall)');
    const closed = networkInsightsOf(inputs([vault({ ...OPEN, publicNetworkAccess: 'Disabled' })], [assignment(VAULT, 'Key Vault Secrets User')]));
    assert.match(closed[0]!.title, /reachable from no network \(it has no approved private endpoint\)/);
  });

  test('an access-policy vault behind its private endpoint: the policy\'s get counts as reading', () => {
    const legacy: RawResource = { ...vault(PRIVATE), vault: { enableRbacAuthorization: false, accessPolicies: [{ objectId: ME, permissions: { secrets: ['get', 'list'], keys: [], certificates: [] } }] } };
    const found = networkInsightsOf(inputs([legacy], []));
    assert.match(found[0]!.title, /^Roles allow reading secrets, but kv-app has public network access disabled/);
  });

  test('shared key access disabled while the environment holds a connection string with an AccountKey', () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=stapp;AccountKey=c2VjcmV0a2V5;EndpointSuffix=core.windows.net' };
    const found = networkInsightsOf(inputs([storage({ ...OPEN, allowSharedKeyAccess: false })], [], { accountKeys: accountKeyUses(env) }));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.kind, 'shared-key-disabled');
    assert.equal(found[0]!.title, 'Shared key access is disabled on stapp, but AZURE_STORAGE_CONNECTION_STRING holds a connection string with an AccountKey');
    assert.match(found[0]!.detail, /KeyBasedAuthenticationNotPermitted/);
    assert.match(found[0]!.detail, /https:\/\/stapp\.blob\.core\.windows\.net/);
    assert.ok(!JSON.stringify(found).includes('c2VjcmV0a2V5'), 'the key never appears');
    assert.equal(found[0]!.adminRequest, `az storage account update --subscription ${SUB} --resource-group rg-app --name stapp --allow-shared-key-access true`);
    // Allowed (or not reported), or a key for another account: nothing to say.
    assert.deepEqual(networkInsightsOf(inputs([storage({ ...OPEN, allowSharedKeyAccess: null })], [], { accountKeys: accountKeyUses(env) })), []);
    assert.deepEqual(networkInsightsOf(inputs([storage({ ...OPEN, allowSharedKeyAccess: false })], [], { accountKeys: [{ account: 'other', variable: 'X' }] })), []);
  });

  test('a connection string counts as naming the account: its firewall is explained too', () => {
    const found = networkInsightsOf(inputs([storage(FIREWALL)], [], { accountKeys: [{ account: 'stapp', variable: 'STORAGE' }] }));
    assert.deepEqual(found.map((i) => i.kind).sort(), ['network-firewall', 'shared-key-disabled']);
  });
});

describe('what is read', () => {
  test('connection strings: AccountName with an AccountKey, never SAS-only or key-less ones', () => {
    assert.deepEqual(accountKeyUses({
      B: 'AccountName=stapp;AccountKey=abc==;EndpointSuffix=core.windows.net',
      A: 'DefaultEndpointsProtocol=https;AccountName=STOTHER;AccountKey=x',
      SAS: 'BlobEndpoint=https://stapp.blob.core.windows.net/;SharedAccessSignature=sv=2022',
      NOKEY: 'AccountName=stapp;EndpointSuffix=core.windows.net',
      BAD: 'AccountName=st-app;AccountKey=x',
    }), [{ account: 'stother', variable: 'A' }, { account: 'stapp', variable: 'B' }]);
  });

  test('only storage accounts the workspace names or a storage data role reaches', () => {
    const account = (name: string, rg = 'rg-app'): RawResource => ({ id: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts' });
    const resources = [account('stdata'), account('stnamed', 'rg-other'), account('stcontrol', 'rg-other'), account('stelse', 'rg-other'), vault(OPEN)];
    const read = storageToRead(resources, [
      assignment(`/subscriptions/${SUB}/resourceGroups/rg-app`, 'Storage Blob Data Reader'),
      assignment(`/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/stcontrol`, 'Storage Account Contributor'),
    ], DEFINITIONS, new Set(['stnamed']));
    assert.deepEqual([...read].map((id) => id.split('/').pop()).sort(), ['stdata', 'stnamed']);
  });
});

describe('administrator requests, run by real bash', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'network-requests-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  // The fake az writes its argument vector, NUL-separated, to a new numbered file per call, and does nothing else.
  const bin = join(scratch, 'bin');
  const calls = join(scratch, 'calls');
  mkdirSync(bin);
  writeFileSync(join(bin, 'az'), '#!/bin/sh\nn=$(ls "$AZ_CALLS" | wc -l)\nprintf \'%s\\0\' "$@" > "$AZ_CALLS/$n"\n', { mode: 0o755 });
  // Names lose their slashes (they are resource-id segments): the canary is a bare name in bash's working folder.
  const canary = 'pwned';

  function bashCalls(text: string): string[][] {
    rmSync(calls, { recursive: true, force: true });
    mkdirSync(calls);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-c', text], { cwd: scratch, encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, AZ_CALLS: calls, HOME: scratch } });
    assert.equal(r.status, 0, `bash ran the text: ${r.stderr}`);
    return readdirSync(calls).sort((a, b) => Number(a) - Number(b)).map((f) => {
      const raw = readFileSync(join(calls, f), 'utf8');
      return raw === '' ? [] : raw.slice(0, -1).split('\0');
    });
  }

  test('the requests of the insights reach az as the intended vectors, with MY_PUBLIC_IP as one word', () => {
    const text = bashLines(allowMachineCommands('storage', STORAGE, 'private'));
    assert.deepEqual(bashCalls(text), [
      ['storage', 'account', 'update', '--subscription', SUB, '--resource-group', 'rg-app', '--name', 'stapp', '--public-network-access', 'Enabled', '--default-action', 'Deny'],
      ['storage', 'account', 'network-rule', 'add', '--subscription', SUB, '--resource-group', 'rg-app', '--account-name', 'stapp', '--ip-address', 'MY_PUBLIC_IP'],
    ]);
    assert.deepEqual(bashCalls(bashLines([allowSharedKeyCommand(STORAGE)])), [['storage', 'account', 'update', '--subscription', SUB, '--resource-group', 'rg-app', '--name', 'stapp', '--allow-shared-key-access', 'true']]);
  });

  test('hostile resource and group names stay values: az receives exactly the intended words, nothing else runs', () => {
    const piece = fc.constantFrom(`; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, "'", '"', '\\', ' ', '\n', '-', '--x', '$HOME', '*', '#', '&', '|', '漢', 'a');
    const name = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('').replace(/\//g, ''));
    fc.assert(fc.property(name, name, fc.constantFrom('storage', 'keyVault'), fc.constantFrom('private', 'firewall'), (resource, group, kind, blocked) => {
      const id = `/subscriptions/${SUB}/resourceGroups/${group}/providers/${kind === 'storage' ? 'Microsoft.Storage/storageAccounts' : 'Microsoft.KeyVault/vaults'}/${resource}`;
      const commands = allowMachineCommands(kind as 'storage' | 'keyVault', id, blocked as 'private' | 'firewall');
      assert.deepEqual(bashCalls(bashLines(commands)), commands.map((c) => pastedWords(c).slice(1)));
      assert.equal(existsSync(join(scratch, canary)), false, 'nothing else ran');
    }), { numRuns: 150 });
  });
});

describe('views', () => {
  const report = buildAccessReport(inputs([storage(FIREWALL), vault(PRIVATE)], [assignment(STORAGE, 'Storage Blob Data Contributor'), assignment(VAULT, 'Key Vault Secrets User')]));

  test('Access view: a short label, the sentence and the request in the tooltip, and Copy Administrator Request', () => {
    const insights = accessRows(report, KNOWN_CLOUDS.AzureCloud).find((r) => r.kind === 'insights')!.children;
    const firewall = insights.find((r) => r.id.startsWith('insight|network-firewall|'))!;
    assert.equal(firewall.label, 'stapp: firewall');
    assert.equal(firewall.description, '403 from this machine');
    assert.equal(firewall.icon, 'warning');
    assert.ok(firewall.flags.includes('hasAdminRequest') && firewall.flags.includes('hasScope'));
    assert.equal(firewall.adminRequest, report.insights.find((i) => i.kind === 'network-firewall')!.adminRequest);
    assert.match(firewall.tooltip, /Roles allow writing blobs, but the account only accepts its virtual network and 3 IP ranges/);
    assert.ok(firewall.tooltip.includes(`\`\`\`bash\n${firewall.adminRequest}\n\`\`\``));
    const closed = insights.find((r) => r.id.startsWith('insight|network-private|'))!;
    assert.equal(closed.label, 'kv-app: private only');
    assert.equal(closed.description, '403 · private endpoint only');
    // Other insights offer no request.
    assert.ok(insights.filter((r) => !r.id.startsWith('insight|network-')).every((r) => !r.flags.includes('hasAdminRequest')));
  });

  test('a code block no backtick run in the request can close', () => {
    assert.equal(codeBlock('a ``` b', 'bash'), '````bash\na ``` b\n````');
  });

  test('roles (CLI) prints each insight with its request, one command a line', () => {
    const text = formatRoles(report, undefined);
    assert.ok(text.includes('  • Roles allow writing blobs, but the account only accepts its virtual network and 3 IP ranges: requests from this machine get 403 (AuthorizationFailure)\n'));
    assert.ok(text.includes(`    Administrator request (bash; replace MY_PUBLIC_IP with this machine's public address):\n      az keyvault update --subscription ${SUB} --resource-group rg-app --name kv-app --public-network-access Enabled --default-action Deny\n      az keyvault network-rule add`));
  });
});

describe('connection strings in workspace texts', () => {
  test('.env lines, exported or quoted, and Python assignments; names only', () => {
    const found = accountKeyUsesInTexts([
      'A=1\nexport STORAGE_CONN="DefaultEndpointsProtocol=https;AccountName=stapp;AccountKey=k1==;EndpointSuffix=core.windows.net"\n',
      "CONN: str = 'AccountName=stother;AccountKey=k2'\nURL = 'https://stapp.blob.core.windows.net'\n",
      'SAS=BlobEndpoint=https://x.blob.core.windows.net/;SharedAccessSignature=sv\n',
    ]);
    assert.deepEqual(found.sort((a, b) => a.variable.localeCompare(b.variable)), [{ account: 'stother', variable: 'CONN' }, { account: 'stapp', variable: 'STORAGE_CONN' }]);
    assert.deepEqual(mergeAccountKeyUses(found, [{ account: 'stapp', variable: 'STORAGE_CONN' }]).length, 2);
  });
});

describe('local authentication disabled: Service Bus, Event Hubs, App Configuration, Cosmos DB', () => {
  const BUS = `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-app`;
  const HUBS = `${RG}/providers/Microsoft.EventHub/namespaces/evh-app`;
  const STORE = `${RG}/providers/Microsoft.AppConfiguration/configurationStores/appcs-app`;
  const COSMOS = `${RG}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-app`;
  const ENV = {
    SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://sb-app.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2Itc2VjcmV0',
    EVENTHUB_CONN: 'Endpoint=sb://EVH-APP.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=ZXZoLXNlY3JldA=;EntityPath=orders',
    APPCONFIG_CONNECTION_STRING: 'Endpoint=https://appcs-app.azconfig.io;Id=abcd-l0-s0:Xy;Secret=YXBwY3Mtc2VjcmV0',
    COSMOS_CONNECTION_STRING: 'AccountEndpoint=https://cosmos-app.documents.azure.com:443/;AccountKey=Y29zbW9zLXNlY3JldA==;',
    // Without a key, or a token instead of one: nothing to say.
    BUS_NO_KEY: 'Endpoint=sb://sb-app.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x',
    COSMOS_NO_KEY: 'AccountEndpoint=https://cosmos-app.documents.azure.com:443/;',
  };
  const SECRETS = ['c2Itc2VjcmV0', 'ZXZoLXNlY3JldA', 'YXBwY3Mtc2VjcmV0', 'Y29zbW9zLXNlY3JldA'];
  const resource = (id: string, type: string, disableLocalAuth: boolean | null | undefined): RawResource => ({ id, name: id.split('/').pop()!, type, ...(disableLocalAuth === undefined ? {} : { disableLocalAuth }) });
  const all = (disable: boolean | null | undefined): RawResource[] => [
    resource(BUS, 'Microsoft.ServiceBus/namespaces', disable), resource(HUBS, 'Microsoft.EventHub/namespaces', disable),
    resource(STORE, 'Microsoft.AppConfiguration/configurationStores', disable), resource(COSMOS, 'Microsoft.DocumentDB/databaseAccounts', disable),
  ];
  const localAuthOf = (i: AccessInputs) => buildAccessReport(i).insights.filter((x) => x.kind === 'local-auth-disabled');

  test('connection strings with a key name the resource and its host, never the key', () => {
    const uses = accountKeyUses(ENV);
    assert.deepEqual(uses.map((u) => [u.variable, u.service, u.account, u.host]), [
      ['APPCONFIG_CONNECTION_STRING', 'appConfiguration', 'appcs-app', 'appcs-app.azconfig.io'],
      ['COSMOS_CONNECTION_STRING', 'cosmosDb', 'cosmos-app', 'cosmos-app.documents.azure.com'],
      ['EVENTHUB_CONN', 'messaging', 'evh-app', 'evh-app.servicebus.windows.net'],
      ['SERVICEBUS_CONNECTION_STRING', 'messaging', 'sb-app', 'sb-app.servicebus.windows.net'],
    ]);
    assert.ok(!SECRETS.some((secret) => JSON.stringify(uses).includes(secret)));
  });

  test('each service with disableLocalAuth and its connection string in .env: the insight, its fix and the request', () => {
    const found = localAuthOf(inputs(all(true), [], { accountKeys: accountKeyUses(ENV) }));
    assert.deepEqual(found.map((i) => i.label), ['sb-app: no access keys', 'evh-app: no access keys', 'appcs-app: no access keys', 'cosmos-app: no access keys']);
    const [bus, hubs, store, cosmos] = found;
    assert.equal(bus!.title, 'Local authentication is disabled on sb-app, but SERVICEBUS_CONNECTION_STRING holds a connection string with a key');
    assert.match(bus!.detail, /The Service Bus namespace sb-app accepts Microsoft Entra ID alone and refuses shared access keys \(SharedAccessKey\)/);
    assert.match(bus!.detail, /ServiceBusClient\("sb-app\.servicebus\.windows\.net", credential\)/);
    assert.match(hubs!.detail, /The Event Hubs namespace evh-app .*EventHubProducerClient\("evh-app\.servicebus\.windows\.net"/);
    assert.match(store!.detail, /The App Configuration store appcs-app .*refuses access keys \(Id and Secret\).*AzureAppConfigurationClient\("https:\/\/appcs-app\.azconfig\.io", credential\)/);
    assert.match(cosmos!.detail, /The Cosmos DB account cosmos-app .*refuses account keys \(AccountKey\).*CosmosClient\("https:\/\/cosmos-app\.documents\.azure\.com:443\/", credential\)/);
    assert.equal(store!.adminRequest, `az resource update --ids ${STORE} --set properties.disableLocalAuth=false`);
    assert.ok(!SECRETS.some((secret) => JSON.stringify(found).includes(secret)), 'no key appears');
    // The Access view shows them with the network insights: a short label, Copy Administrator Request.
    const rows = accessRows(buildAccessReport(inputs(all(true), [], { accountKeys: accountKeyUses(ENV) })), KNOWN_CLOUDS.AzureCloud).find((r) => r.kind === 'insights')!.children;
    const row = rows.find((r) => r.label === 'sb-app: no access keys')!;
    assert.ok(row.flags.includes('hasAdminRequest'), JSON.stringify(row.flags));
  });

  test('nothing to say: local authentication allowed or not reported, no connection string, or one for another resource or family', () => {
    assert.deepEqual(localAuthOf(inputs(all(false), [], { accountKeys: accountKeyUses(ENV) })), []);
    assert.deepEqual(localAuthOf(inputs(all(null), [], { accountKeys: accountKeyUses(ENV) })), []);
    assert.deepEqual(localAuthOf(inputs(all(undefined), [], { accountKeys: accountKeyUses(ENV) })), []);
    assert.deepEqual(localAuthOf(inputs(all(true), [])), []);
    assert.deepEqual(localAuthOf(inputs(all(true), [], { accountKeys: [{ account: 'sb-other', variable: 'X', service: 'messaging' }, { account: 'sb-app', variable: 'Y', service: 'cosmosDb' }, { account: 'sb-app', variable: 'Z' }] })), []);
  });

  test('the request reaches az as the intended words through real bash, whatever the resource id holds', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'local-auth-'));
    try {
      const bin = join(scratch, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'az'), '#!/bin/sh\nprintf \'%s\\0\' "$@" >> "$AZ_CALLS"\n', { mode: 0o755 });
      const piece = fc.constantFrom('; touch pwned', '$(touch pwned)', '`touch pwned`', "'", '"', '\\', ' ', '-', '--x', '$HOME', '*', '#', '漢', 'a');
      const name = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('').replace(/\//g, ''));
      fc.assert(fc.property(name, (n) => {
        const calls = join(scratch, 'calls');
        rmSync(calls, { force: true });
        const command = allowLocalAuthCommand(`${RG}/providers/Microsoft.ServiceBus/namespaces/${n}`);
        const r = spawnSync('bash', ['--noprofile', '--norc', '-c', bashLines([command])], { cwd: scratch, encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, AZ_CALLS: calls } });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(readFileSync(calls, 'utf8').slice(0, -1).split('\0'), command.slice(1));
        assert.equal(existsSync(join(scratch, 'pwned')), false);
      }), { numRuns: 100 });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('hostile connection strings never throw and never yield anything but a lower-case name and host', () => {
    const piece = fc.constantFrom('Endpoint=sb://', 'Endpoint=https://', 'AccountEndpoint=https://', '.servicebus.windows.net/', '.azconfig.io', '.documents.azure.com:443/', ';SharedAccessKey=k', ';Secret=s', ';AccountKey=a', 'sb-app', '<b>', '\u001b[31m', ';', '=', ' ', '\n', '$(x)');
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }).map((p) => p.join('')), (value) => {
      for (const use of accountKeyUses({ V: value })) {
        assert.match(use.account, /^[a-z0-9-]+$/);
        if (use.host) assert.match(use.host, /^[a-z0-9.-]+$/);
      }
    }), { numRuns: 1_000 });
  });
});
