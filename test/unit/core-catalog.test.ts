// Core's texts in another language: the catalog module picks the translation the user's locale asks for (the CLI's
// way) or the one it is handed (the extension host's way, vscode.l10n.bundle), and the rows the Credential Chain and
// Access views draw then carry no English of core's own. The translation is a pseudo-translation of
// l10n/bundle.l10n.json (every message wrapped in ⟦ ⟧), written where a shipped translation would be.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { requestedLocales, useCatalog, useLocaleCatalog } from '../../src/core/catalog';
import { describeSource, displayName, markdownText, verdictHeadline, type PresentableSource } from '../../src/core/presentation/chainRows';
import { problemRow } from '../../src/core/presentation/accessRows';
import { accessViewModel } from '../../src/core/presentation/accessViewModel';
import { explainSignInFailure } from '../../src/core/signin/signInFailures';
import { administratorRequest, renderCommand } from '../../src/core/team/commands';
import { groupNameProblem, mailNicknameProblem } from '../../src/core/team/names';
import type { CanAnswer } from '../../src/core/access/types';
import { clientDiagnosticMessage, clientHoverMarkdown, inertMarkdown, type ClientAccess } from '../../src/core/code/clientAccess';
import { tokenCredentialsProblem, trackedSecretProblem } from '../../src/core/code/codeProblems';
import { dotEnvEntry } from '../../src/core/code/dotEnvLines';
import { legacyAuthProblems, type LegacyUsage } from '../../src/core/code/legacyAuth';
import { AzureRequestError, classifyAzureError, type AzureErrorKind } from '../../src/core/azure/errors';
import { ALL_CREDENTIALS } from '../../src/core/chain/types';
import { AccessUnavailableError, loadAccess } from '../../src/core/access/load';
import { KNOWN_CLOUDS } from '../../src/core/access/clouds';
import { localAuthInsights, networkInsights, PUBLIC_IP_PLACEHOLDER, type ResourceNetwork } from '../../src/core/access/networkLayer';
import { compareWithReport, verifyWithPython, type PythonOutcome } from '../../src/core/python/verify';
import type { ChainReport, SourceResult, Verdict } from '../../src/core/chain/types';
import { FileRefusedError, handOverProblem, readBoundedFile, type FileKind } from '../../src/core/files/boundedRead';
import { chainedMembersOf } from '../../src/core/chain/chained';
import { mergeDotEnv } from '../../src/core/chain/env';
import { evaluateChain } from '../../src/core/chain/engine';
import { WorkspaceProgramError } from '../../src/core/chain/workspacePrograms';
import { notCheckedMessage, notCheckedVerdict, type NotCheckedReason } from '../../src/core/chain/notChecked';
import { findCredentialCalls } from '../../src/core/code/credentialCalls';

const english = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
const pseudo = Object.fromEntries(Object.keys(english).map((message) => [message, `⟦${message}⟧`]));
// A translation that keeps the placeholders and turns every letter of the message into "ø": what the product wrote
// itself can be told apart from the data put into it even when that data is itself a translated message.
const opaque = Object.fromEntries(Object.keys(english).map((message) => [message, message.replace(/\{\d+\}|\p{L}/gu, (c) => (c.startsWith('{') ? c : 'ø'))]));
const dir = mkdtempSync(join(tmpdir(), 'core-catalog-'));
writeFileSync(join(dir, 'bundle.l10n.json'), JSON.stringify(english));
writeFileSync(join(dir, 'bundle.l10n.qps-ploc.json'), JSON.stringify(pseudo));
after(() => { useCatalog(undefined); rmSync(dir, { recursive: true, force: true }); });

const source: PresentableSource = {
  credential: 'AzureCliCredential', status: 'succeeded', reached: true, decisive: true, message: '',
  identity: { upn: 'alice@contoso.example', objectId: 'o-1', tenantId: 't-1' }, expiresOn: '2030-01-01T00:00:00Z', elapsedMs: 42,
};
const VARIANTS: PresentableSource[] = [
  source,
  { ...source, reached: false, decisive: false },
  { ...source, status: 'failed', identity: null, message: 'AADSTS50173: The provided grant has expired.' },
  { ...source, status: 'unavailable', decisive: false, identity: null, message: 'Azure CLI not found on path' },
  { ...source, status: 'excluded', reached: false, decisive: false, identity: null },
  { ...source, status: 'not-checked', identity: null, unverifiedHost: 'evil.example', unverifiedSecret: 'federated token', notCheckedReason: 'secret', message: 'would send the federated token to evil.example: not checked' },
  { ...source, status: 'not-checked', identity: null, notCheckedReason: 'interactive', message: 'opens a browser for sign-in' },
  { ...source, status: 'not-checked', identity: null, notCheckedReason: 'arcKeyFile', message: 'would send /etc/shadow' },
  { ...source, status: 'not-checked', identity: null, unverifiedProgram: '/w/bin/az', notCheckedReason: 'program', message: 'would run /w/bin/az' },
];

/** What is left of a text once every translation (⟦…⟧, nested ones too) and the given data are taken out. */
function untranslatedWords(text: string, data: readonly string[]): string[] {
  let rest = text;
  for (let before = ''; before !== rest;) { before = rest; rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' '); }
  // Longest first, as they are and as Markdown-escaped text (the tooltips escape what came from outside).
  for (const value of [...data, ...data.map(markdownText)].sort((a, b) => b.length - a.length)) rest = rest.split(value).join(' ');
  return rest.match(/\p{L}{3,}/gu) ?? [];
}

/** The English words (three letters or more) left in a text under `opaque` once the given data is taken out. */
function englishWords(text: string, data: readonly string[]): string[] {
  let rest = text;
  for (const value of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(value).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}

test('the locale comes from LC_ALL, then LC_MESSAGES, then LANG; C and POSIX mean English; only a well-formed tag names a file', () => {
  assert.deepEqual(requestedLocales({ LANG: 'de_DE.UTF-8' }), ['de-de', 'de']);
  assert.deepEqual(requestedLocales({ LC_ALL: 'fr_FR@euro', LC_MESSAGES: 'de_DE', LANG: 'ja_JP' }), ['fr-fr', 'fr']);
  assert.deepEqual(requestedLocales({ LC_ALL: '', LC_MESSAGES: 'zh_CN.GB2312', LANG: 'ja_JP' }), ['zh-cn', 'zh']);
  assert.deepEqual(requestedLocales({ LANG: 'qps_ploc.UTF-8' }), ['qps-ploc', 'qps']);
  assert.deepEqual(requestedLocales({ LANG: 'C.UTF-8' }), []);
  assert.deepEqual(requestedLocales({ LC_ALL: 'POSIX', LANG: 'de_DE' }), []);
  assert.deepEqual(requestedLocales({}), []);
  assert.deepEqual(requestedLocales({ LANG: '../../etc/passwd' }), []);
});

test('a locale the product ships a translation for is used; any other, or a broken file, is English', () => {
  assert.equal(useLocaleCatalog({ LANG: 'de_DE.UTF-8' }, dir), undefined);
  assert.equal(describeSource(source).description, 'alice · active');
  writeFileSync(join(dir, 'bundle.l10n.fr.json'), '{ not json');
  assert.equal(useLocaleCatalog({ LANG: 'fr_FR.UTF-8' }, dir), undefined);
  assert.equal(describeSource(source).description, 'alice · active');
  assert.equal(useLocaleCatalog({ LANG: 'qps_ploc.UTF-8' }, dir), 'qps-ploc');
  assert.equal(describeSource(source).description, '⟦{0} · active⟧'.replace('{0}', 'alice'));
  useCatalog(undefined);
  assert.equal(describeSource(source).description, 'alice · active');
});

test("with a translation, the Credential Chain view's rows and headlines carry no English of core's own", () => {
  useLocaleCatalog({ LANG: 'qps_ploc' }, dir);
  try {
    const data = ['AzureCliCredential', 'ClientAuthenticationError', 'DefaultAzureCredential', displayName('AzureCliCredential'), 'alice@contoso.example', 'alice',
      'AADSTS50173: The provided grant has expired.', 'Azure CLI not found on path', 'would send the federated token to evil.example: not checked',
      'the federated token', 'evil.example', 'text', 'opens a browser for sign-in', 'would send /etc/shadow', 'would run /w/bin/az', '/w/bin/az'];
    for (const variant of VARIANTS) {
      const row = describeSource(variant, false, Date.parse('2029-12-31T23:00:00Z'));
      assert.deepEqual(untranslatedWords(`${row.description}\n${row.tooltip}`, data), [], `${variant.status}: ${row.description}\n${row.tooltip}`);
      const outcome = variant.status === 'succeeded' ? 'token' : variant.status === 'not-checked' ? 'not-checked' : 'failure';
      const headline = verdictHeadline({ outcome, credential: variant.credential, message: variant.message }, [variant]);
      assert.deepEqual(untranslatedWords(headline, data), [], headline);
      assert.match(headline, /⟦/);
    }
  } finally {
    useCatalog(undefined);
  }
});

test("with a translation, the Access view's status and problem rows carry no English of core's own", () => {
  useCatalog(pseudo);
  try {
    const scope = { trusted: true, folder: undefined, multiRoot: false };
    const model = accessViewModel({ phase: 'no-source', scope, why: { kind: 'chainFails', headline: '⟦The chain fails⟧' } } as Parameters<typeof accessViewModel>[0]);
    const problem = problemRow('p', { kind: 'forbidden', message: 'AuthorizationFailed: no read access.', fix: 'Ask for Reader.' });
    for (const row of [...model.rows, problem]) {
      const data = ['az login', 'azd auth login', 'Connect-AzAccount', 'AuthorizationFailed: no read access.', 'Ask for Reader.'];
      assert.deepEqual(untranslatedWords(`${row.label}\n${row.description}\n${row.tooltip}\n${(row.links ?? []).map((l) => l.title).join('\n')}`, data), [], row.label);
    }
  } finally {
    useCatalog(undefined);
  }
  assert.equal(problemRow('p', { kind: 'forbidden', message: 'm', fix: 'f' }).children[0]!.label, 'Fix: f');
});

test("with a translation, the Sign In page's explanation of a failed sign-in carries no English of core's own", () => {
  useCatalog(pseudo);
  try {
    const ending = { tool: 'az', output: 'ERROR: AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.', exitCode: 1, cancelled: false, timedOut: false, notFound: false };
    const data = [ending.output, 'AADSTS50076', 'az', 'https://aka.ms/installazurecli'];
    for (const variant of [ending, { ...ending, notFound: true }, { ...ending, output: 'ERROR: AADSTS99999: nope' }, { ...ending, output: 'boom' }]) {
      const failure = explainSignInFailure(variant)!;
      const text = `${failure.title}\n${failure.meaning}\n${failure.fix}`;
      assert.deepEqual(untranslatedWords(text, [...data, variant.output, 'AADSTS99999']), [], text);
      assert.match(failure.title, /⟦/);
    }
  } finally {
    useCatalog(undefined);
  }
  assert.equal(explainSignInFailure({ tool: 'az', output: 'AADSTS50076', exitCode: 1, cancelled: false, timedOut: false, notFound: false })!.title, 'Multi-factor authentication required');
});

test('with a translation, the request for an administrator and the group wizard\'s checks carry no English of core\'s own', () => {
  useCatalog(pseudo);
  try {
    const command = ['az', 'ad', 'group', 'create', '--display-name', 'app-local-dev', '--mail-nickname', 'app-local-dev'];
    const request = administratorRequest('⟦create the group⟧', '⟦The team needs it.⟧', [command]);
    const data = [renderCommand(command, 'bash'), renderCommand(command, 'powershell')];
    assert.deepEqual(untranslatedWords(request, data), [], request);
    for (const problem of [mailNicknameProblem('a b'), mailNicknameProblem(''), groupNameProblem('')]) assert.deepEqual(untranslatedWords(problem!, []), [], problem);
  } finally {
    useCatalog(undefined);
  }
  assert.match(administratorRequest('do it', 'why', []), /^Hello, could you do it\?/);
});

test("with a translation, the client-access hover and the code's Problems carry no English of core's own", () => {
  useCatalog(opaque);
  const range = { startLine: 0, startColumn: 0, endLine: 0, endColumn: 1 };
  const answer = (verdict: CanAnswer['verdict']) => ({ verdict, sentence: 'øøø' }) as CanAnswer;
  const scope = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stapp';
  const answered = (read: CanAnswer['verdict'], write: CanAnswer['verdict'], endpoint: Extract<ClientAccess, { kind: 'answered' }>['endpoint']): ClientAccess => ({
    kind: 'answered', client: 'BlobServiceClient', host: 'stapp.blob.core.windows.net', name: 'stapp', label: 'x', scope, who: 'alice@contoso.example', readWord: 'read',
    endpoint, read: answer(read), write: answer(write), suggestion: { roleName: 'Storage Blob Data Contributor', scope }, command: null,
  });
  try {
    const data = ['alice@contoso.example', 'stapp.blob.core.windows.net', 'stapp', 'Storage Blob Data Contributor', 'STORAGE_URL', 'account_url', 'AuthorizationFailed', 'BlobServiceClient'];
    const inert = [...data, ...data.map(inertMarkdown)];
    const accesses: ClientAccess[] = [
      answered('yes', 'no', { kind: 'environment', variable: 'STORAGE_URL', via: 'account_url' }),
      answered('no', 'no', { kind: 'literal', value: 'https://stapp.blob.core.windows.net', via: 'account_url' }),
      answered('depends', 'no', { kind: 'environment', variable: 'STORAGE_URL' }),
      { kind: 'notByRoles', client: 'BlobServiceClient', host: 'h', name: 'stapp', label: 'x', scope, why: 'øøø', fix: 'AuthorizationFailed' },
      { kind: 'connectionString', client: 'BlobServiceClient' },
    ];
    for (const access of accesses) {
      // The label a real access carries is the service's, in the user's language.
      const hover = clientHoverMarkdown(access.kind === 'answered' || access.kind === 'notByRoles' ? { ...access, label: 'øøø' } : access, 'azureDevAuth.assignRole')
        .replace(/\(command:[^)]*\)/g, ' ').replace('**Azure Dev Auth**', ' ');
      assert.deepEqual(englishWords(hover, inert), [], hover);
      const message = clientDiagnosticMessage(access);
      if (message !== undefined) assert.deepEqual(englishWords(message, data), [], message);
    }

    const problems = [
      ...legacyAuthProblems([
        { kind: 'client-factory', name: 'get_client_from_cli_profile', range, clientClass: 'ComputeManagementClient' },
        { kind: 'track1-credential', name: 'ServicePrincipalCredentials', module: 'azure.common.credentials', range, replacement: 'ClientSecretCredential(tenant_id=t, client_id=c, client_secret=s)', importNeeded: undefined },
        { kind: 'track1-credential', name: 'UserPassCredentials', module: 'azure.common.credentials', range, replacement: undefined, importNeeded: undefined },
        { kind: 'mgmt-client', name: 'ComputeManagementClient', distribution: 'azure-mgmt-compute', range, credentialsKeyword: undefined },
        { kind: 'mgmt-client', name: 'StorageManagementClient', distribution: 'azure-mgmt-storage', range, credentialsKeyword: range },
      ] satisfies LegacyUsage[], [{ name: 'azure-mgmt-compute', version: '4.6.2' }]),
      tokenCredentialsProblem(dotEnvEntry('AZURE_TOKEN_CREDENTIALS=AzureCliCredential\n', 'AZURE_TOKEN_CREDENTIALS')!, '1.23.0')!,
      tokenCredentialsProblem(dotEnvEntry('AZURE_TOKEN_CREDENTIALS=dev\n', 'AZURE_TOKEN_CREDENTIALS')!, '1.19.0')!,
      trackedSecretProblem(dotEnvEntry('AZURE_CLIENT_SECRET=s3cret\n', 'AZURE_CLIENT_SECRET')!, { kind: 'tracked', repositoryRoot: '/repo', relativePath: '.env' }, (r, n) => `${r}/${n}`)!,
    ];
    const code = ['get_client_from_cli_profile', 'ComputeManagementClient(DefaultAzureCredential(), subscription_id).', 'ComputeManagementClient', 'ServicePrincipalCredentials',
      'ClientSecretCredential', 'UserPassCredentials', 'azure-mgmt-compute', 'azure-mgmt-storage', 'AzureCliCredential', 'AZURE_TOKEN_CREDENTIALS', '/repo', '.env', '/.env', '(azure)', '=dev', '"dev"', 'git -C /repo rm --cached -- .env'];
    assert.equal(problems.length, 8);
    for (const problem of problems) {
      const text = [problem.message, ...problem.fixes.map((f) => f.title)].join('\n');
      assert.deepEqual(englishWords(text, code), [], text);
      assert.match(problem.message, /ø/);
    }
  } finally {
    useCatalog(undefined);
  }
  assert.equal(clientDiagnosticMessage(answered('yes', 'no', { kind: 'literal', value: 'v' })), 'alice@contoso.example cannot do everything this client offers on x stapp: read yes, write no — add Storage Blob Data Contributor.');
});

test("with a translation, the explanation and fix of a refused or failed Azure request carry no English of the product's own", () => {
  useCatalog(opaque);
  try {
    const azure = 'AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.';
    const claims = { encoded: 'eyJhY2Nlc3NfdG9rZW4iOnt9fQ==', decoded: '{"access_token":{}}' };
    const errors: unknown[] = [
      ...(['cancelled', 'deadline', 'timeout', 'throttled', 'network', 'paging', 'off-origin', 'claims-challenge', 'http'] as AzureErrorKind[])
        .map((kind) => new AzureRequestError(kind, azure, kind === 'claims-challenge' ? { claims } : {})),
      new AzureRequestError('claims-challenge', azure),
      Object.assign(new Error(azure), { name: 'AbortError' }), new Error(`${azure} timed out`),
      Object.assign(new Error(azure), { code: 'InvalidAuthenticationTokenTenant' }), Object.assign(new Error(azure), { statusCode: 403, code: 'AuthorizationFailed' }),
      Object.assign(new Error(azure), { statusCode: 429 }), Object.assign(new Error(azure), { statusCode: 401 }), new Error(`${azure} ECONNREFUSED`), new Error(azure),
    ];
    // Commands, names of roles, permissions and variables, and Azure's own words stay as they are.
    const data = [azure, claims.decoded, 'az login', 'azd auth login', 'Connect-AzAccount', 'Reader', 'Directory Readers', 'Directory.Read.All', 'https://management.azure.com/.default',
      'ECONNREFUSED', 'timed out', 'AuthorizationFailed', claims.encoded, 'az login --tenant <tenant-id>', 'azd auth login --tenant-id <tenant-id>', 'Connect-AzAccount -Tenant <tenant-id>', '--scope', '--claims-challenge', '-ClaimsChallenge'];
    let checked = 0;
    for (const source of [undefined, ...ALL_CREDENTIALS]) {
      for (const api of ['arm', 'graph'] as const) {
        for (const error of errors) {
          const problem = classifyAzureError(error, 'øøø', { source, api, tool: source === 'AzurePowerShellCredential' ? 'pwsh' : 'az', audience: 'https://management.azure.com' });
          const text = `${problem.message}\n${problem.fix}`;
          assert.deepEqual(englishWords(text, data), [], text);
          assert.match(problem.fix, /ø/, problem.fix);
          checked++;
        }
      }
    }
    assert.equal(checked, 11 * 2 * 18);
  } finally {
    useCatalog(undefined);
  }
  assert.equal(classifyAzureError(Object.assign(new Error('no'), { statusCode: 403 }), 'Listing', { source: 'EnvironmentCredential' }).fix,
    'Ask an owner of the scope for an Azure role for the service principal that can read role assignments here (Reader is enough).');
});

test("with a translation, the Access view's problem when the load gets no usable token (or no source it can use) carries no English of the product's own", async () => {
  // The VS Code account is the one source the extension hands the load as a credential: here one that refuses, and
  // one whose token names nobody. Neither reaches the network.
  const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  const refusal = 'AADSTS700082: The refresh token has expired due to inactivity.';
  const accounts = [
    { getToken: () => Promise.reject(new Error(refusal)) },
    { getToken: () => Promise.resolve({ token: jwt({ aud: 'https://management.azure.com' }), expiresOnTimestamp: Date.now() + 3_600_000 }) },
  ];
  const problems = [];
  useCatalog(opaque);
  try {
    for (const vsCodeAccount of accounts) {
      const error = await loadAccess({
        source: 'VisualStudioCodeCredential', vsCodeAccount, env: {}, cloud: KNOWN_CLOUDS.AzureCloud, processTimeoutSeconds: 10, allowedHosts: [],
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof AccessUnavailableError, String(error));
      problems.push(error.problem);
    }
    // Sources the view cannot take a token from, and a service principal whose secret would go to a host nobody allowed.
    const sp = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'https://login.evil.example' };
    for (const [source, env] of [['SharedTokenCacheCredential', {}], ['VisualStudioCodeCredential', {}], ['InteractiveBrowserCredential', {}], ['EnvironmentCredential', {}],
      ['WorkloadIdentityCredential', {}], ['EnvironmentCredential', sp]] as const) {
      const error = await loadAccess({ source, env, cloud: KNOWN_CLOUDS.AzureCloud, processTimeoutSeconds: 10, allowedHosts: [] }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof AccessUnavailableError, String(error));
      problems.push(error.problem);
    }
  } finally {
    useCatalog(undefined);
  }
  assert.deepEqual(problems.map((p) => p.kind), ['sign-in-expired', 'no-token', ...Array<string>(6).fill('no-token')]);
  for (const problem of problems) {
    const text = `${problem.message}\n${problem.fix}`;
    assert.deepEqual(englishWords(text, [refusal, 'EnvironmentCredential', 'login.evil.example', '`az login`']), [], text);
    assert.match(problem.message, /ø/, text);
  }
});

test("with a translation, the network layer's insights (private only, firewall, keys refused) carry no English of the product's own", () => {
  const account = '/subscriptions/s/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stapp';
  const vault = '/subscriptions/s/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app';
  const subnet = '/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-dev/subnets/apps';
  const open: ResourceNetwork = { publicNetworkAccess: 'Enabled', defaultAction: 'Allow', bypass: null, ipRules: [], virtualNetworkRules: [], privateEndpoints: [], allowSharedKeyAccess: null };
  const networks: ResourceNetwork[] = [
    { ...open, publicNetworkAccess: 'Disabled' },
    { ...open, publicNetworkAccess: 'Disabled', privateEndpoints: [`${account}/privateEndpointConnections/pe-1`] },
    { ...open, publicNetworkAccess: 'Disabled', privateEndpoints: ['pe-1', 'pe-2'] },
    { ...open, defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['203.0.113.0/24'], virtualNetworkRules: [subnet, `${subnet}2`], privateEndpoints: ['pe-1', 'pe-2'] },
    { ...open, defaultAction: 'Deny', ipRules: ['203.0.113.0/24', '198.51.100.7'], virtualNetworkRules: [subnet] },
    { ...open, defaultAction: 'Deny' },
    { ...open, allowSharedKeyAccess: false },
  ];
  const insights = [];
  useCatalog(opaque);
  try {
    for (const network of networks) {
      for (const [kind, resourceId, name] of [['storage', account, 'stapp'], ['keyVault', vault, 'kv-app']] as const) {
        for (const [read, write] of [[false, false], [true, false], [true, true]]) {
          insights.push(...networkInsights({ kind, resourceId, name, network, read: read!, write: write!, named: true, accountKeys: [{ account: 'stapp', variable: 'STORAGE_CONNECTION' }], storageSuffix: 'core.windows.net' }));
        }
      }
    }
    for (const service of ['serviceBus', 'eventHubs', 'appConfiguration', 'cosmosDb'] as const) {
      insights.push(...localAuthInsights({ service, label: 'øøø', resourceId: account, name: 'sb-app', disableLocalAuth: true, uses: [{ account: 'sb-app', variable: 'BUS_CONNECTION', host: 'sb-app.servicebus.windows.net' }] }));
    }
  } finally {
    useCatalog(undefined);
  }
  assert.deepEqual(new Set(insights.map((i) => i.kind)), new Set(['network-private', 'network-firewall', 'shared-key-disabled', 'local-auth-disabled']));
  const data = ['stapp', 'kv-app', 'sb-app.servicebus.windows.net', 'sb-app', 'STORAGE_CONNECTION', 'BUS_CONNECTION', PUBLIC_IP_PLACEHOLDER, 'vnet-dev/apps2', 'vnet-dev/apps', 'AzureServices', 'pe-1', 'pe-2',
    '403 (AuthorizationFailure)', '403 (ForbiddenByFirewall)', '403 (ForbiddenByConnection)', 'https://stapp.blob.core.windows.net', 'credential', 'eventhub_name',
    'ServiceBusClient', 'EventHubProducerClient', 'AzureAppConfigurationClient', 'CosmosClient', 'https'];
  for (const insight of insights) {
    const text = [insight.title, insight.label, insight.detail, insight.suggestion ?? ''].join('\n');
    assert.deepEqual(englishWords(text, data), [], text);
    assert.match(insight.title, /ø/, text);
  }
});

test("with a translation, Verify with Python's differences and reasons carry no English of the product's own", async () => {
  const PY = '/usr/bin/python3';
  const row = (credential: SourceResult['credential'], status: SourceResult['status'], reached: boolean, message = '', extra: Partial<SourceResult> = {}): SourceResult =>
    ({ credential, status, reached, decisive: false, message, identity: null, expiresOn: null, elapsedMs: 1, ...extra });
  const report = (verdict: Verdict, sources: SourceResult[]): ChainReport => ({ azureIdentityVersion: '1.23.1', versionSource: 'python', sources, verdict, verification: null });
  const python = (partial: Partial<PythonOutcome>): PythonOutcome => ({
    python: PY, azureIdentityVersion: '1.25.0', pythonVersion: '3.13.1', executable: PY, ignoredKeywords: [], chain: ['EnvironmentCredential', 'AzureCliCredential'],
    attempts: [], verdict: null, identity: null, expiresOn: null, elapsedMs: 100, ...partial,
  });
  const token: Verdict = { outcome: 'token', credential: 'AzureCliCredential', message: 'DefaultAzureCredential acquired a token from AzureCliCredential' };
  const raised: Verdict = { outcome: 'constructor-error', credential: 'WorkloadIdentityCredential', message: 'ValueError: bad', exceptionType: 'ValueError' };
  const engine = report(token, [
    row('EnvironmentCredential', 'unavailable', true, 'env unavailable'), row('ManagedIdentityCredential', 'excluded', false),
    row('AzureCliCredential', 'succeeded', true, '', { decisive: true, identity: { upn: 'alice@contoso.example', objectId: 'o-1', tenantId: 't-1' } }),
    row('AzurePowerShellCredential', 'failed', true, 'pwsh failed'),
  ]);
  const pythons = [
    python({ verdict: { outcome: 'failure', credential: 'AzureCliCredential', message: 'x' }, attempts: [
      { credential: 'EnvironmentCredential', status: 'failed', message: 'ERROR: boom' }, { credential: 'ManagedIdentityCredential', status: 'unavailable', message: 'mi unavailable' },
      { credential: 'AzureCliCredential', status: 'failed', message: 'ERROR: boom' }] }),
    python({ verdict: token, identity: { upn: 'bob@contoso.example', objectId: 'o-2', tenantId: 't-2' }, attempts: [{ credential: 'EnvironmentCredential', status: 'unavailable', message: 'other text' }, { credential: 'AzureCliCredential', status: 'succeeded', message: '' }] }),
    python({ verdict: { outcome: 'failure', credential: null, message: 'x' }, chain: [] }),
    python({ verdict: raised, chain: null }),
    python({ azureIdentityVersion: null, problem: undefined }),
  ];
  const unchecked = [
    row('WorkloadIdentityCredential', 'not-checked', true, 'would send', { unverifiedHost: 'evil.example' }),
    row('AzureCliCredential', 'not-checked', true, 'would run', { unverifiedProgram: '/repo/bin/az' }),
    row('InteractiveBrowserCredential', 'not-checked', true, 'would open a browser'),
    row('ManagedIdentityCredential', 'not-checked', true, 'would read a file'),
  ];
  const texts: string[] = [];
  useCatalog(opaque);
  try {
    for (const outcome of pythons) {
      const { differences, notes } = compareWithReport(engine, outcome);
      texts.push(...differences, ...notes);
    }
    const constructorEngine = report({ ...raised, exceptionType: 'TypeError', message: 'TypeError: other' }, []);
    texts.push(...Object.values(compareWithReport(constructorEngine, python({ verdict: raised, chain: null }))).flat());
    texts.push(...Object.values(compareWithReport(report({ outcome: 'not-checked', credential: null, message: '' }, []), python({ verdict: { outcome: 'not-checked', credential: null, message: '' } }))).flat());
    for (const source of unchecked) {
      const verification = await verifyWithPython({ python: PY, env: {}, keywordArguments: {}, report: report(token, [source]) });
      texts.push(verification.problem!);
    }
    // An interpreter that is not there: why the real library could not be run.
    const missing = await verifyWithPython({ python: '/nonexistent/python3', env: {}, keywordArguments: {}, report: report(token, []) });
    assert.equal(missing.agrees, false);
    texts.push(...missing.differences);
  } finally {
    useCatalog(undefined);
  }
  assert.ok(texts.length >= 15, String(texts.length));
  const data = ['EnvironmentCredential', 'ManagedIdentityCredential', 'AzureCliCredential', 'AzurePowerShellCredential', 'WorkloadIdentityCredential', 'InteractiveBrowserCredential',
    'ERROR: boom', 'env unavailable', 'mi unavailable', 'other text', 'pwsh failed', 'alice@contoso.example', 'bob@contoso.example', 'ValueError: bad', 'ValueError', 'TypeError: other', 'TypeError',
    'evil.example', '/repo/bin/az', 'would send', 'would run', 'would open a browser', 'would read a file',
    'unavailable', 'failed', '/nonexistent/python3'];
  for (const text of texts) {
    assert.deepEqual(englishWords(text, data), [], text);
    assert.match(text, /ø/, text);
  }
});

test("with a translation, a file refused unread (FIFO, device, directory, too large, missing) is explained with no English of the product's own", async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'core-catalog-files-'));
  try {
    const pipe = join(scratch, 'pipe.env');
    execFileSync('mkfifo', [pipe]);
    const huge = join(scratch, 'token');
    writeFileSync(huge, '');
    truncateSync(huge, 65 * 1024);
    const big = join(scratch, 'app.py');
    writeFileSync(big, '');
    truncateSync(big, 2 * 1024 * 1024);
    const missing = join(scratch, 'missing.pem');
    const cases: [string, FileKind][] = [[pipe, 'dotenv'], ['/dev/zero', 'federatedToken'], [scratch, 'certificate'], [huge, 'federatedToken'], [missing, 'certificate'], [big, 'workspaceSource']];
    const texts: string[] = [];
    useCatalog(opaque);
    try {
      for (const [path, kind] of cases) {
        const refused = await readBoundedFile(path, kind).then(() => undefined, (error: unknown) => error);
        assert.ok(refused instanceof FileRefusedError, `${kind} ${path}`);
        texts.push(refused.message);
        const handOver = await handOverProblem(path, kind);
        if (handOver !== undefined) texts.push(handOver);
      }
      // The .env the chain merges: its refusal reaches the rows and the CLI as it is.
      await mergeDotEnv({}, join(scratch, 'missing.env')).then(() => assert.fail('a missing .env is refused'), (error: Error) => texts.push(error.message));
    } finally {
      useCatalog(undefined);
    }
    assert.equal(texts.length, 12, texts.join('\n'));
    for (const text of texts) {
      assert.deepEqual(englishWords(text, [pipe, huge, big, missing, join(scratch, 'missing.env'), scratch, '/dev/zero']), [], text);
      assert.match(text, /ø/, text);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test("with a translation, the chain's notes (keywords ignored, members not modelled, AZURE_AUTH_LOCATION) and a workspace's program carry no English of the product's own", async () => {
  const home = mkdtempSync(join(tmpdir(), 'core-catalog-chain-'));
  const allExcluded = Object.fromEntries(ALL_CREDENTIALS.map((name) => [name, true])) as Record<(typeof ALL_CREDENTIALS)[number], boolean>;
  const env = { PATH: '/usr/bin:/bin', HOME: home };
  const chainedOf = async (written: string) => {
    const calls = await findCredentialCalls(`from azure.identity import *\nimport app\ncredential = ${written}\n`);
    return chainedMembersOf(calls.find((c) => c.credential === 'ChainedTokenCredential')!);
  };
  const members = await Promise.all([
    'ChainedTokenCredential(EnvironmentCredential(additionally_allowed_tenants=["*"]), app.fallback)',
    'ChainedTokenCredential(EnvironmentCredential(), ClientSecretCredential("t", "c", "s"))',
    'ChainedTokenCredential(EnvironmentCredential(), *extra)',
  ].map(chainedOf));
  const texts: string[] = [];
  const data = ['EnvironmentCredential', 'additionally_allowed_tenants', 'require_envvar', 'exclude_broker_credential', 'exclude_workload_identity_credential',
    'exclude_developer_cli_credential', 'process_timeout', 'app.fallback', 'ClientSecretCredential', '*args',
    'AZURE_AUTH_LOCATION', 'DefaultAzureCredential', 'get_client_from_auth_file', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', '/w/bin/az', '"./bin"'];
  useCatalog(opaque);
  try {
    const reports = [
      await evaluateChain({ env: { ...env, AZURE_AUTH_LOCATION: '/w/auth.json' }, keywordArguments: { exclude: allExcluded, requireEnvvar: true }, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false }),
      await evaluateChain({ env, keywordArguments: { exclude: allExcluded, processTimeoutSeconds: 30 }, azureIdentityVersion: '1.13.0b2', versionSource: 'flag', brokerInstalled: false }),
      ...await Promise.all(members.map((chained) => evaluateChain({ env, keywordArguments: {}, azureIdentityVersion: '1.23.1', versionSource: 'flag', brokerInstalled: false, chained }))),
    ];
    for (const report of reports) data.push(...(report.behaviour ?? '').split(' '));
    texts.push(...reports.flatMap((report) => report.notes ?? []));
    texts.push(...reports.slice(2).map((report) => { assert.equal(report.verdict.outcome, 'not-checked'); return report.verdict.message; }));
    texts.push(new WorkspaceProgramError('az', '/w/bin/az', './bin').message);
  } finally {
    useCatalog(undefined);
    rmSync(home, { recursive: true, force: true });
  }
  // Keywords the version ignores (require_envvar, exclude_* it does not know), no process_timeout, AZURE_AUTH_LOCATION, a member's keywords, three
  // unknown members (note and verdict each), the program.
  for (const kind of [/^require_envvar /, /^azure-identity ≤ 1\.12 ø+ 1\.13 ø+ ø+ /, /^ø{5}_ø{4}_ø{8} /, /\(EnvironmentCredential\)/, /\(app\.fallback\)/, /\(\*args\)/, /\(ClientSecretCredential\(…\)\)/, /^[ø ]+ \/w\/bin\/az,/]) {
    assert.ok(texts.some((text) => kind.test(text)), `${kind}: ${texts.join('\n')}`);
  }
  assert.equal(texts.length, 15, texts.join('\n'));
  for (const text of texts) {
    assert.deepEqual(englishWords(text, data), [], text);
    assert.match(text, /ø/, text);
  }
});

test("with a translation, a source held back (each secret to a host nobody allowed, a workspace's program, an interactive sign-in, an Azure Arc key file) is one sentence in its row and one in the verdict, with no English of the product's own", () => {
  const signInAt = 'https://login.microsoftonline.com/organizations';
  const problem = "The file path must have a '.key' extension.";
  const reasons: NotCheckedReason[] = [
    ...(['client secret', 'certificate assertion', 'password', 'federated token', 'refresh token'] as const).map((secret) => ({ kind: 'secret' as const, secret, host: 'evil.example' })),
    { kind: 'program', program: 'az', file: '/w/bin/az', entry: './bin' },
    { kind: 'interactive', browser: null, signInAt },
    { kind: 'interactive', browser: 'xdg-open', signInAt },
    { kind: 'arcKeyFile', family: '1.13', keyFile: '/etc/shadow', origin: 'http://127.0.0.1:40342', problem },
  ];
  const data = ['WorkloadIdentityCredential', 'evil.example', '/w/bin/az', '"./bin"', 'az', signInAt, 'xdg-open', '/etc/shadow', 'http://127.0.0.1:40342', problem, 'azure-identity', 'MSAL'];
  useCatalog(opaque);
  try {
    for (const reason of reasons) {
      const message = notCheckedMessage(reason);
      const verdict = notCheckedVerdict('WorkloadIdentityCredential', reason);
      for (const text of [message, verdict]) {
        assert.deepEqual(englishWords(text, data), [], text);
        assert.match(text, /ø/, text);
      }
    }
    // The source's name is inside the verdict's one message, where the translation puts it, not glued in front.
    useCatalog(pseudo);
    for (const reason of reasons) {
      const verdict = notCheckedVerdict('WorkloadIdentityCredential', reason);
      assert.match(verdict, /^⟦[^⟦⟧]*WorkloadIdentityCredential/, verdict);
    }
  } finally {
    useCatalog(undefined);
  }
});
