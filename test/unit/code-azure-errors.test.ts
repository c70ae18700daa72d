// Azure errors in a Python program's output, recognised line by line (what a terminal link sees) and in a whole
// output (what a debug session sees): texts shaped as azure-identity, azure-core, storage, Key Vault and ARM print
// them (bodies from the captures in test/fixtures/realdata where one exists), ordinary output that must stay
// unrecognised, hostile text (bounded, no pattern blow-up), and the explanation each error gets from the chain's and
// the Access view's answers, redacted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  distinctErrors, findAzureErrors, findAzureErrorsInText, MAX_LINE_CHARS, type AzureErrorMatch,
} from '../../src/core/code/azureErrors';
import { explainAzureError, keyVaultRoleFor, type ExplanationContext } from '../../src/core/code/errorExplanation';
import type { AccessReport } from '../../src/core/access/types';
import type { ChainReport } from '../../src/core/chain/types';

const realdata = (path: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/realdata', path), 'utf8'));
const field = (value: unknown, ...path: string[]): string => {
  let v = value;
  for (const key of path) v = v && typeof v === 'object' ? Reflect.get(v, key) : undefined;
  if (typeof v !== 'string') throw new Error(`no string at ${path.join('.')}`);
  return v;
};
/** How azure-core prints an ODataV4 error body: "(code) message\nCode: code\nMessage: message". */
const azureCoreError = (code: string, message: string) =>
  `azure.core.exceptions.HttpResponseError: (${code}) ${message}\nCode: ${code}\nMessage: ${message}`;
const kinds = (matches: readonly AzureErrorMatch[]) => matches.map((m) => m.kind);

const TENANT_A = '5c0ffee0-1111-4a4a-8b8b-0123456789ab';
const TENANT_B = '7d1e2f30-2222-4c4c-9d9d-abcdef012345';

const DAC_FAILURE = [
  'Traceback (most recent call last):',
  '  File "/home/dev/app/main.py", line 12, in <module>',
  '    token = credential.get_token("https://storage.azure.com/.default")',
  'azure.core.exceptions.ClientAuthenticationError: DefaultAzureCredential failed to retrieve a token from the included credentials.',
  'Attempted credentials:',
  '\tEnvironmentCredential: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.',
  'Visit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot this issue.',
  '\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.',
  '\tSharedTokenCacheCredential: SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.',
  "\tAzureCliCredential: Please run 'az login' to set up an account",
  '\tAzurePowerShellCredential: Az.Account module >= 2.2.0 is not installed',
  "\tAzureDeveloperCliCredential: Azure Developer CLI could not be found. Please visit https://aka.ms/azure-dev for installation instructions and then,once installed, authenticate to your Azure account using 'azd auth login'.",
  'To mitigate this issue, please refer to the troubleshooting guidelines here at https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot.',
].join('\n');

const STORAGE_403 = [
  "INFO:azure.core.pipeline.policies.http_logging_policy:Request URL: 'https://contosodata.blob.core.windows.net/uploads/report.csv'",
  "Request method: 'PUT'",
  'INFO:azure.core.pipeline.policies.http_logging_policy:Response status: 403',
  'Traceback (most recent call last):',
  '  File "/home/dev/app/upload.py", line 8, in <module>',
  '    blob.upload_blob(data, overwrite=True)',
  'azure.core.exceptions.HttpResponseError: This request is not authorized to perform this operation using this permission.',
  'RequestId:0b6e4c1a-301e-0042-7a1c-3f5e8d000000',
  'Time:2026-12-05T07:20:00.1234567Z',
  'ErrorCode:AuthorizationPermissionMismatch',
  'Content: <?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.',
].join('\n');

const KEY_VAULT_RBAC = [
  'azure.core.exceptions.HttpResponseError: (Forbidden) Caller is not authorized to perform action on resource.',
  'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
  `Caller: appid=04b07795-8ddb-461a-bbee-02f9e1bf7b46;oid=11111111-2222-3333-4444-555555555555;iss=https://sts.windows.net/${TENANT_A}/`,
  "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
  "Resource: '/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/kv-contoso-dev/secrets/db-password'",
  'Assignment: (not found)',
  'DenyAssignmentId: null',
  'DecisionReason: null',
  'Vault: kv-contoso-dev;location=westeurope',
  'Code: Forbidden',
  'Inner error: {',
  '    "code": "ForbiddenByRbac"',
  '}',
].join('\n');

const KEY_VAULT_POLICY = [
  `azure.core.exceptions.HttpResponseError: (Forbidden) The user, group or application 'appid=04b07795-8ddb-461a-bbee-02f9e1bf7b46;oid=11111111-2222-3333-4444-555555555555;iss=https://sts.windows.net/${TENANT_A}/' does not have secrets get permission on key vault 'kv-legacy;location=eastus'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
  'Code: Forbidden',
  'Inner error: {',
  '    "code": "AccessDenied"',
  '}',
].join('\n');

test('a DefaultAzureCredential failure: the headline and each credential\'s line, with its words', () => {
  const found = findAzureErrorsInText(DAC_FAILURE);
  assert.deepEqual(kinds(found), ['chain-failed', ...Array(6).fill('credential-attempt')]);
  assert.equal(found[0]!.credential, 'DefaultAzureCredential');
  assert.equal(found[0]!.line, 3);
  const cli = found.find((f) => f.credential === 'AzureCliCredential')!;
  assert.equal(cli.message, "Please run 'az login' to set up an account");
  // The link covers the credential's name, after the tab.
  const line = DAC_FAILURE.split('\n')[cli.line]!;
  assert.equal(line.slice(cli.start, cli.start + cli.length), 'AzureCliCredential');
  // A debug session tells about the failure once, not about each of its lines.
  assert.deepEqual(kinds(distinctErrors(found)), ['chain-failed']);
  // ChainedTokenCredential prints the same sentence.
  assert.equal(findAzureErrors('ChainedTokenCredential failed to retrieve a token from the included credentials.')[0]?.credential, 'ChainedTokenCredential');
});

test('a credential built on its own: its CredentialUnavailableError names it by its words, and opens its row', () => {
  const traceback = [
    'Traceback (most recent call last):',
    '  File "/w/app.py", line 4, in <module>',
    '    token = AzureCliCredential().get_token("https://management.azure.com/.default")',
    "azure.identity._exceptions.CredentialUnavailableError: Please run 'az login' to set up an account",
  ].join('\n');
  const [cli] = findAzureErrorsInText(traceback);
  assert.equal(cli?.kind, 'credential-attempt');
  assert.equal(cli?.credential, 'AzureCliCredential');
  assert.equal(cli?.message, "Please run 'az login' to set up an account");
  const line = traceback.split('\n')[cli!.line]!;
  assert.equal(line.slice(cli!.start, cli!.start + cli!.length), 'CredentialUnavailableError', 'the link covers the exception');
  const explained = explainAzureError(cli!, ctx);
  assert.deepEqual(explained.reveal, { view: 'chain', credential: 'AzureCliCredential' });
  assert.deepEqual(explained.actions[0], { kind: 'signIn', credential: 'AzureCliCredential' });
  const by = (text: string) => findAzureErrors(`CredentialUnavailableError: ${text}`)[0]?.credential;
  assert.equal(by('ManagedIdentityCredential authentication unavailable, no response from the IMDS endpoint.'), 'ManagedIdentityCredential');
  assert.equal(by('EnvironmentCredential authentication unavailable. Environment variables are not fully configured.'), 'EnvironmentCredential');
  assert.equal(by("Please run 'azd auth login' from a command prompt to authenticate before using this credential."), 'AzureDeveloperCliCredential');
  assert.equal(by('Please run "Connect-AzAccount" to set up account'), 'AzurePowerShellCredential');
  // A message that names no source is not guessed; a name that is not a credential is not taken.
  assert.equal(findAzureErrors('CredentialUnavailableError: something else went wrong').length, 0);
  assert.equal(findAzureErrors('CredentialUnavailableError: EvilCredential authentication unavailable').length, 0);
  // Inside a DefaultAzureCredential message the credential's own line is what counts, once.
  assert.deepEqual(findAzureErrors("\tAzureCliCredential: CredentialUnavailableError: Please run 'az login'").map((f) => f.start), [1]);
});

test('ClientAuthenticationError with AADSTS codes, from the Entra captures', () => {
  const mfa = field(realdata('entra-token/errors/AADSTS50076_50079_mfa_required_400.json'), 'body_50076_msal_go_issue', 'error_description');
  const expired = field(realdata('entra-token/errors/AADSTS70043_700082_refresh_token_expired_400.json'), 'body_700082', 'error_description');
  for (const description of [mfa, expired]) {
    const line = `azure.core.exceptions.ClientAuthenticationError: Authentication failed: ${description.split(/\r?\n/)[0]}`;
    const found = findAzureErrors(line);
    assert.deepEqual(kinds(found), ['aadsts']);
    assert.match(found[0]!.code!, /^AADSTS\d{5,7}$/);
    assert.equal(line.slice(found[0]!.start, found[0]!.start + found[0]!.length), found[0]!.code);
  }
  // azure-identity's CLI message quoting az's stderr, with the code inside.
  const inCli = findAzureErrors("\tAzureCliCredential: ERROR: AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.");
  assert.deepEqual(kinds(inCli), ['credential-attempt', 'aadsts']);
  assert.equal(inCli[1]!.code, 'AADSTS70043');
});

test('storage: AuthorizationPermissionMismatch names the account from the request URL above it; AuthorizationFailure is its own kind', () => {
  const found = findAzureErrorsInText(STORAGE_403);
  assert.ok(found.length >= 2);
  assert.ok(found.every((f) => f.kind === 'storage-permission' && f.resourceName === 'contosodata'), JSON.stringify(found));
  assert.deepEqual(kinds(distinctErrors(found)), ['storage-permission']);

  const firewall = findAzureErrorsInText([
    "Request URL: 'https://contosodata.blob.core.windows.net/uploads?restype=container&comp=list'",
    'azure.core.exceptions.HttpResponseError: This request is not authorized to perform this operation.',
    'RequestId:0b6e4c1a-301e-0042-7a1c-3f5e8d000001',
    'ErrorCode:AuthorizationFailure',
  ].join('\n'));
  assert.deepEqual([...new Set(kinds(firewall))], ['storage-authorization']);
  assert.equal(firewall[0]!.resourceName, 'contosodata');
});

test('Key Vault: role-based Forbidden keeps the action and the resource; an access-policy vault names the vault and the permission', () => {
  const rbac = distinctErrors(findAzureErrorsInText(KEY_VAULT_RBAC));
  assert.deepEqual(kinds(rbac), ['key-vault-forbidden']);
  assert.equal(rbac[0]!.resourceName, 'kv-contoso-dev');
  assert.equal(rbac[0]!.action, 'Microsoft.KeyVault/vaults/secrets/getSecret/action');
  assert.match(rbac[0]!.scope!, /\/vaults\/kv-contoso-dev\/secrets\/db-password$/);

  const policy = distinctErrors(findAzureErrorsInText(KEY_VAULT_POLICY));
  assert.deepEqual(kinds(policy), ['key-vault-access-policy']);
  assert.equal(policy[0]!.resourceName, 'kv-legacy');
  assert.equal(policy[0]!.action, 'secrets get');
});

test('ARM AuthorizationFailed (the recorded body), InvalidAuthenticationTokenTenant and AKV10032 with the tenant they expect', () => {
  const body = realdata('arm-authorization/errors/AuthorizationFailed_403.json');
  const arm = distinctErrors(findAzureErrorsInText(azureCoreError(field(body, 'body', 'error', 'code'), field(body, 'body', 'error', 'message'))));
  assert.deepEqual(kinds(arm), ['arm-authorization']);
  assert.equal(arm[0]!.action, 'Microsoft.Authorization/roleDefinitions/write');
  assert.equal(arm[0]!.scope, '/subscriptions/azure_subscription_id/resourcegroups/myjstest/providers/Microsoft.Authorization/roleDefinitions/roleDefinitionId');

  const wrongTenant = `The access token is from the wrong issuer 'https://sts.windows.net/${TENANT_A}/'. It must match the tenant 'https://sts.windows.net/${TENANT_B}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${TENANT_B}' to get the token.`;
  const tenant = distinctErrors(findAzureErrorsInText(azureCoreError('InvalidAuthenticationTokenTenant', wrongTenant)));
  assert.deepEqual(kinds(tenant), ['wrong-tenant']);
  assert.equal(tenant[0]!.tenantId, TENANT_B);

  const issuer = distinctErrors(findAzureErrorsInText([
    "Request URL: 'https://kv-contoso-dev.vault.azure.net/secrets/db-password/?api-version=7.5'",
    azureCoreError('Unauthorized', `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${TENANT_B}/, https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/, found https://sts.windows.net/${TENANT_A}/.`),
  ].join('\n')));
  assert.deepEqual(kinds(issuer), ['key-vault-issuer']);
  assert.equal(issuer[0]!.tenantId, TENANT_B);
  assert.equal(issuer[0]!.resourceName, 'kv-contoso-dev');
});

test('ordinary output is not an Azure error', () => {
  for (const line of [
    'Uploaded 12 files to the container.',
    'print("AuthorizationFailedError is our own class")',
    'class MyCredential:  # not azure-identity',
    'Credential: ok',
    'AzureCliCredential:',
    'status: 403 Forbidden (nginx)',
    'The request is authorized.',
    'AADSTS is the prefix of Entra codes',
  ]) assert.deepEqual(findAzureErrors(line), [], line);
});

test('hostile text: matches lie inside the line, names and scopes are checked, messages carry no control characters', { timeout: 60_000 }, () => {
  const fragments = fc.constantFrom(
    'AADSTS', '50076', 'AuthorizationFailed', 'AuthorizationPermissionMismatch', 'AuthorizationFailure', '(Forbidden) Caller is not authorized to perform action on resource',
    "does not have secrets get permission on key vault '", "does not have authorization to perform action '", "' over scope '", 'AKV10032',
    'Expected one of https://sts.windows.net/', 'InvalidAuthenticationTokenTenant', "It must match the tenant 'https://sts.windows.net/",
    'DefaultAzureCredential failed to retrieve a token from the included credentials', '\tAzureCliCredential: ', 'https://', '.blob.core.windows.net',
    '.vault.azure.net', "'", ' ', '\t', '\u001b[31m', '\u202e', 'a', '-', '/', ';location=', 'ForbiddenByPolicy', TENANT_B,
  );
  const hostileLine = fc.array(fragments, { maxLength: 60 }).map((parts) => parts.join(''));
  fc.assert(fc.property(fc.oneof(hostileLine, fc.string({ maxLength: 300 })), (line) => {
    for (const m of findAzureErrors(line)) {
      assert.ok(m.start >= 0 && m.length > 0 && m.start + m.length <= Math.min(line.length, MAX_LINE_CHARS));
      if (m.resourceName) assert.match(m.resourceName, /^[A-Za-z0-9-]{3,24}$/);
      if (m.scope) assert.match(m.scope, /^\/[A-Za-z0-9._()~:@/-]+$/);
      if (m.tenantId) assert.match(m.tenantId, /^[0-9a-f-]{36}$/);
      if (m.message) assert.doesNotMatch(m.message, /[\p{Cc}\p{Cf}]/u);
    }
  }), { numRuns: 400 });
  // Long repetitions of the patterns' own prefixes: each pattern meets them once per position at most.
  for (const piece of ["does not have authorization to perform action '", "' over scope '", '\t', ' ', 'AADSTS1', "permission on key vault '", 'https://a', 'Expected one of https://sts.windows.net/']) {
    const line = piece.repeat(Math.ceil(200_000 / piece.length));
    assert.ok(findAzureErrors(line).length <= 8);
    assert.ok(findAzureErrorsInText(`${line}\n`.repeat(3)).length <= 64);
  }
});

// ---------- explanations ----------

const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-00000000aaaa';
const STORAGE_ID = `${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/contosodata`;
const LEGACY_VAULT_ID = `${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-legacy`;

const chainWithCli = {
  azureIdentityVersion: '1.23.1', versionSource: 'installed',
  sources: [
    { credential: 'EnvironmentCredential', status: 'unavailable', reached: true, decisive: false, message: 'EnvironmentCredential authentication unavailable.', identity: null, expiresOn: null, elapsedMs: 0 },
    { credential: 'AzureCliCredential', status: 'succeeded', reached: true, decisive: true, message: 'Token for alice@contoso.example', identity: { upn: 'alice@contoso.example', tenantId: TENANT_A, objectId: '11111111-2222-3333-4444-555555555555' }, expiresOn: null, elapsedMs: 5 },
  ],
  verdict: { outcome: 'token', credential: 'AzureCliCredential', message: 'AzureCliCredential gives the token' },
  verification: null,
} as unknown as ChainReport;

const access = {
  identity: { kind: 'user', displayName: 'Alice', upn: 'alice@contoso.example', appId: null, objectId: '11111111-2222-3333-4444-555555555555', tenantId: TENANT_A, tenantName: null, source: 'AzureCliCredential', expiresOn: null },
  insights: [
    { kind: 'workspace-resource', scope: STORAGE_ID, title: 'contosodata (named in the workspace): read yes, write no', label: 'contosodata: read only', detail: 'Reads work; writes do not.', suggestion: 'Storage Blob Data Contributor' },
    { kind: 'access-policy-vault', scope: LEGACY_VAULT_ID, title: 'kv-legacy uses access policies, not roles', label: 'kv-legacy: policies', detail: 'No access policy names this identity or its groups, so it cannot read secrets, keys or certificates.', suggestion: 'az keyvault set-policy --name kv-legacy --object-id 11111111-2222-3333-4444-555555555555 --secret-permissions get list' },
  ],
} as unknown as AccessReport;

const ctx: ExplanationContext = { chain: chainWithCli, access, knownSecrets: [] };

test('a storage 403 opens the Access insight of that account and offers its data role, prefilled with the account\'s scope', () => {
  const match = distinctErrors(findAzureErrorsInText(STORAGE_403))[0]!;
  const explanation = explainAzureError(match, ctx);
  assert.deepEqual(explanation.reveal, { view: 'access', insight: access.insights[0] });
  assert.deepEqual(explanation.actions[0], { kind: 'assignRole', roleName: 'Storage Blob Data Contributor', scope: STORAGE_ID });
  assert.match(explanation.title, /alice@contoso\.example .*no data role on storage account contosodata/);
  // A terminal line without the account's name: the one account the workspace names.
  const [bare] = findAzureErrors("azure.core.exceptions.HttpResponseError: Operation returned an invalid status 'This request is not authorized to perform this operation using this permission.'");
  const withOther = { ...access, insights: [...access.insights, { ...access.insights[0]!, kind: 'control-plane-only', scope: STORAGE_ID.replace('contosodata', 'otherdata') }] } as unknown as AccessReport;
  assert.deepEqual(explainAzureError(bare!, { ...ctx, access: withOther }).actions[0], { kind: 'assignRole', roleName: 'Storage Blob Data Contributor', scope: STORAGE_ID });
  // Without an Access report: the usual data role, the scope left to the wizard.
  const alone = explainAzureError(match, { chain: undefined, access: undefined, knownSecrets: [] });
  assert.deepEqual(alone.actions[0], { kind: 'assignRole', roleName: 'Storage Blob Data Contributor', scope: null });
});

test('Key Vault: the role for the refused operation at the vault (not the secret); an access-policy vault offers its policy command, not a role', () => {
  const rbac = explainAzureError(distinctErrors(findAzureErrorsInText(KEY_VAULT_RBAC))[0]!, ctx);
  assert.deepEqual(rbac.actions[0], {
    kind: 'assignRole', roleName: 'Key Vault Secrets User',
    scope: '/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/kv-contoso-dev',
  });
  assert.equal(keyVaultRoleFor('Microsoft.KeyVault/vaults/secrets/setSecret/action'), 'Key Vault Secrets Officer');
  assert.equal(keyVaultRoleFor('keys get'), 'Key Vault Crypto User');
  const policy = explainAzureError(distinctErrors(findAzureErrorsInText(KEY_VAULT_POLICY))[0]!, ctx);
  assert.equal(policy.reveal.view, 'access');
  assert.ok(!policy.actions.some((a) => a.kind === 'assignRole'));
  assert.deepEqual(policy.actions[0], { kind: 'copy', label: 'Copy az Command', text: access.insights[1]!.suggestion });
});

test('a chain failure and a credential\'s line open the chain; a wrong tenant offers the sign-in to the expected tenant', () => {
  const found = findAzureErrorsInText(DAC_FAILURE);
  const failure = explainAzureError(found[0]!, ctx);
  assert.deepEqual(failure.reveal, { view: 'chain', credential: 'AzureCliCredential' });
  assert.match(failure.detail, /now finds one: Azure CLI/);
  const cli = explainAzureError(found.find((f) => f.credential === 'AzureCliCredential')!, ctx);
  assert.deepEqual(cli.reveal, { view: 'chain', credential: 'AzureCliCredential' });
  assert.deepEqual(cli.actions[0], { kind: 'signIn', credential: 'AzureCliCredential' });

  const tenant = explainAzureError({ kind: 'wrong-tenant', start: 0, length: 1, tenantId: TENANT_B }, ctx);
  assert.ok(tenant.actions.some((a) => a.kind === 'copy' && a.text === `az login --tenant ${TENANT_B}`));
  assert.match(tenant.detail, new RegExp(`tenant ${TENANT_B}.*from tenant ${TENANT_A}`));
});

test('what an explanation shows passes the redaction: a token or a known secret in the output never comes back', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  const [attempt] = findAzureErrors(`\tEnvironmentCredential: request failed with Authorization: Bearer ${jwt} and secret s3cr3t-value-42`);
  const explanation = explainAzureError(attempt!, { ...ctx, knownSecrets: ['s3cr3t-value-42'] });
  const shown = JSON.stringify(explanation);
  assert.ok(!shown.includes(jwt) && !shown.includes('s3cr3t-value-42'), shown);
  assert.match(explanation.title, /<redacted>/);
  // A notification turns "[label](command:…)" into a link: the program's words arrive without brackets or escapes.
  const [linky] = findAzureErrors(`\tAzureCliCredential: [Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) ${String.fromCharCode(27)}[2J`);
  const inert = explainAzureError(linky!, ctx);
  assert.ok(!/[[\]]/.test(inert.title) && !inert.title.includes(String.fromCharCode(27)), inert.title);
});
