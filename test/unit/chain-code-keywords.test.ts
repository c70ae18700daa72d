// DefaultAzureCredential's own keyword arguments, read from the code and applied as the library applies them:
// tenant_id= is refused by name, authority= moves only EnvironmentCredential and the shared cache, the managed and
// workload identity ids replace their variables. The chain agreement suite checks the same calls against the real
// azure-identity builds; these tests pin the parts that need no Python (the notes and the version boundary).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateChain } from '../../src/core/chain/engine';
import { ALL_CREDENTIALS, type CredentialName, type KeywordArguments } from '../../src/core/chain/types';
import { codeCallModel } from '../../src/core/code/codeModel';
import { tenantIdProblems } from '../../src/core/code/codeProblems';
import { findCredentialCalls, keywordArgumentsOf } from '../../src/core/code/credentialCalls';

const home = mkdtempSync(join(tmpdir(), 'ada-code-keywords-'));
// Nothing on PATH, and IMDS on a closed loopback port: no source reaches beyond this machine.
const BASE_ENV = { HOME: home, PATH: '', AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9' };

async function keywordsOf(source: string): Promise<KeywordArguments> {
  const [call] = await findCredentialCalls(`from azure.identity import DefaultAzureCredential\ncredential = ${source}\n`);
  assert.ok(call, source);
  return keywordArgumentsOf(call).keywordArguments;
}

function check(keywordArguments: KeywordArguments, version: string, env: Record<string, string> = {}, only: readonly CredentialName[] = ['AzureCliCredential']) {
  const exclude = Object.fromEntries(ALL_CREDENTIALS.filter((c) => !only.includes(c)).map((c) => [c, true]));
  return evaluateChain({
    env: { ...BASE_ENV, ...env }, trustedPath: '', keywordArguments: { ...keywordArguments, exclude: { ...exclude, ...keywordArguments.exclude } },
    azureIdentityVersion: version, versionSource: 'flag', brokerInstalled: false,
  });
}

test('the source gives the string keywords as written, None as "", and tenant_id whatever its value', async () => {
  assert.deepEqual(await keywordsOf('DefaultAzureCredential(managed_identity_client_id="abc", workload_identity_tenant_id=None, authority="login.microsoftonline.us")'), {
    managedIdentityClientId: 'abc', workloadIdentityTenantId: '', authority: 'login.microsoftonline.us',
  });
  assert.deepEqual(await keywordsOf('DefaultAzureCredential(tenant_id=settings.TENANT)'), { tenantIdWritten: true });
  const [call] = await findCredentialCalls('from azure.identity import DefaultAzureCredential\nDefaultAzureCredential(workload_identity_client_id=cid, additionally_allowed_tenants=["*"])\n');
  const model = codeCallModel(call!, 'app.py')!;
  assert.deepEqual(model.notKnown, ['workload_identity_client_id'], 'a variable is not known from the source');
  assert.deepEqual(model.notModelled, []);
  assert.deepEqual(model.noEffect, ['additionally_allowed_tenants'], 'it matters only for a token of another tenant');
  const written = codeCallModel((await findCredentialCalls('from azure.identity import DefaultAzureCredential\nDefaultAzureCredential(tenant_id=t, authority="https://login.microsoftonline.us")\n'))[0]!, 'app.py')!;
  assert.equal(written.call, 'DefaultAzureCredential(authority="https://login.microsoftonline.us", tenant_id=…)');
});

test('tenant_id= makes DefaultAzureCredential() raise TypeError from 1.9.0 on; before 1.9 a note says it is not modelled', async () => {
  for (const version of ['1.9.0', '1.13.0b2', '1.23.1', '1.26.0b3']) {
    const report = await check({ tenantIdWritten: true }, version);
    assert.equal(report.verdict.outcome, 'constructor-error', version);
    assert.equal(report.verdict.exceptionType, 'TypeError');
    assert.match(report.verdict.message, /'tenant_id' is not supported in DefaultAzureCredential\.$/);
  }
  const old = await check({ tenantIdWritten: true }, '1.8.0');
  assert.notEqual(old.verdict.outcome, 'constructor-error');
  assert.ok(old.notes?.some((n) => /1\.8\.0 passes tenant_id on .* not modelled/.test(n)), JSON.stringify(old.notes));
});

test('authority= that is not https raises ValueError; AZURE_AUTHORITY_HOST is then not what decides', async () => {
  const report = await check({ authority: 'http://login.example' }, '1.23.1');
  assert.equal(report.verdict.outcome, 'constructor-error');
  assert.match(report.verdict.message, /'http:\/\/login\.example' is an invalid authority\. The value must be a TLS protected \(https\) URL\./);
  // With a valid authority= of its own, an invalid AZURE_AUTHORITY_HOST is not DefaultAzureCredential's error.
  const own = await check({ authority: 'https://login.microsoftonline.us' }, '1.23.1', { AZURE_AUTHORITY_HOST: 'http://login.example' });
  assert.notEqual(own.verdict.outcome, 'constructor-error', own.verdict.message);
});

test('workload identity keywords in a version without WorkloadIdentityCredential are named as ignored', async () => {
  const report = await check({ workloadIdentityClientId: 'abc', workloadIdentityTenantId: 'def' }, '1.13.0b2');
  assert.deepEqual(report.notes?.filter((n) => /^workload_identity_/.test(n)), [
    'workload_identity_client_id is not a keyword of azure-identity ≤ 1.12 and 1.13 betas; it was ignored.',
    'workload_identity_tenant_id is not a keyword of azure-identity ≤ 1.12 and 1.13 betas; it was ignored.',
  ]);
});

test('workload_identity_client_id reaches WorkloadIdentityCredential; without managed_identity_client_id the managed identity still wants one', async () => {
  const env = { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com', AZURE_TENANT_ID: 'contoso', AZURE_FEDERATED_TOKEN_FILE: join(home, 'no-token-file') };
  const report = await check({ workloadIdentityClientId: 'abc' }, '1.23.1', env, ['WorkloadIdentityCredential', 'ManagedIdentityCredential']);
  // The WorkloadIdentityCredential row no longer asks for a client id; ManagedIdentityCredential's constructor does.
  const workload = report.sources.find((s) => s.credential === 'WorkloadIdentityCredential')!;
  assert.doesNotMatch(workload.message, /client_id/);
  assert.equal(report.verdict.outcome, 'constructor-error');
  assert.equal(report.verdict.credential, 'ManagedIdentityCredential');
});

test("the Problems panel: tenant_id= is an error where it is written, and its fix leaves a call the version builds", async () => {
  const code = 'from azure.identity import DefaultAzureCredential\ncredential = DefaultAzureCredential(\n    tenant_id=TENANT,\n    exclude_cli_credential=False,\n)\n';
  const [call] = await findCredentialCalls(code);
  const report = await check(keywordArgumentsOf(call!).keywordArguments, '1.23.1');
  const [problem, ...more] = tenantIdProblems(call!, report);
  assert.equal(more.length, 0);
  assert.equal(problem!.severity, 'error');
  assert.deepEqual(problem!.range, { startLine: 2, startColumn: 4, endLine: 2, endColumn: 20 });
  assert.match(problem!.message, /^DefaultAzureCredential takes no tenant_id: azure-identity 1\.23\.1 raises TypeError/);
  const removal = problem!.fixes[0]!;
  assert.ok(removal.kind === 'edit' && removal.preferred);
  const lines = code.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  const fixed = code.slice(0, offset(removal.range.startLine, removal.range.startColumn)) + removal.text + code.slice(offset(removal.range.endLine, removal.range.endColumn));
  assert.equal(fixed, 'from azure.identity import DefaultAzureCredential\ncredential = DefaultAzureCredential(\n    exclude_cli_credential=False,\n)\n');
  const [fixedCall] = await findCredentialCalls(fixed);
  const after = await check(keywordArgumentsOf(fixedCall!).keywordArguments, '1.23.1');
  assert.notEqual(after.verdict.outcome, 'constructor-error');
  assert.deepEqual(tenantIdProblems(fixedCall!, after), []);
  // A version that passes tenant_id on (before 1.9) gets no such problem: the chain did not raise.
  assert.deepEqual(tenantIdProblems(call!, await check(keywordArgumentsOf(call!).keywordArguments, '1.8.0')), []);
});

test('interactive_browser_tenant_id reaches InteractiveBrowserCredential: a tenant the library refuses makes the constructor raise', async () => {
  for (const version of ['1.13.0b2', '1.23.1', '1.26.0b3']) {
    const report = await check({ interactiveBrowserTenantId: 'not a tenant!', exclude: { InteractiveBrowserCredential: false } }, version, {}, ['InteractiveBrowserCredential']);
    assert.equal(report.verdict.outcome, 'constructor-error', `${version}: ${report.verdict.message}`);
    assert.equal(report.verdict.credential, 'InteractiveBrowserCredential');
    assert.equal(report.verdict.exceptionType, 'ValueError');
  }
});

test('shared_cache_username and shared_cache_tenant_id come from the code before the variables', async () => {
  assert.deepEqual(await keywordsOf('DefaultAzureCredential(shared_cache_username="bob@contoso.example", shared_cache_tenant_id="t1", interactive_browser_tenant_id="t2")'), {
    sharedCacheUsername: 'bob@contoso.example', sharedCacheTenantId: 't1', interactiveBrowserTenantId: 't2',
  });
});

test('broker and interactive sign-in keywords: read from the code, said to make no difference here, or named as ignored where the version has none', async () => {
  const keywords = await keywordsOf('DefaultAzureCredential(broker_tenant_id="contoso.onmicrosoft.com", broker_client_id="04b07795-8ddb-461a-bbee-02f9e1bf7b46", '
    + 'interactive_browser_client_id="04b07795-8ddb-461a-bbee-02f9e1bf7b46", visual_studio_code_tenant_id="contoso.onmicrosoft.com")');
  assert.deepEqual(keywords, {
    brokerTenantId: 'contoso.onmicrosoft.com', brokerClientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    interactiveBrowserClientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', visualStudioCodeTenantId: 'contoso.onmicrosoft.com',
  });
  const newer = await check(keywords, '1.26.0b3');
  const older = await check(keywords, '1.23.1');
  const notesOf = (r: typeof newer) => (r.notes ?? []).filter((n) => /^(broker_|interactive_browser_client_id|visual_studio_code_tenant_id)/.test(n));
  assert.deepEqual(notesOf(newer), [
    'broker_tenant_id goes to the authentication broker, which Azure Dev Auth cannot ask; the answer here does not depend on it.',
    'broker_client_id goes to the authentication broker, which Azure Dev Auth cannot ask; the answer here does not depend on it.',
    'interactive_browser_client_id names the app an interactive sign-in would use; the check does not sign in interactively, so the answer here does not depend on it.',
    'visual_studio_code_tenant_id goes to the authentication broker with the VS Code sign-in, which Azure Dev Auth cannot ask; the answer here does not depend on it.',
  ]);
  // 1.23 has no broker: those two are passed on and ignored; its VS Code credential takes the tenant (no note).
  assert.deepEqual(notesOf(older), [
    'broker_tenant_id is not a keyword of azure-identity 1.23; it was ignored.',
    'broker_client_id is not a keyword of azure-identity 1.23; it was ignored.',
    'interactive_browser_client_id names the app an interactive sign-in would use; the check does not sign in interactively, so the answer here does not depend on it.',
  ]);
});

test('visual_studio_code_tenant_id is the tenant of the Azure Account sign-in up to 1.23: one the library refuses makes the constructor raise', async () => {
  const include = { exclude: { VisualStudioCodeCredential: false } };
  const refused = await check({ ...include, visualStudioCodeTenantId: 'not a tenant' }, '1.23.1', {}, ['VisualStudioCodeCredential']);
  assert.equal(refused.verdict.outcome, 'constructor-error');
  assert.equal(refused.verdict.credential, 'VisualStudioCodeCredential');
  // Without the keyword AZURE_TENANT_ID is the tenant; the keyword comes before it.
  const fromVariable = await check(include, '1.23.1', { AZURE_TENANT_ID: 'not a tenant' }, ['VisualStudioCodeCredential']);
  assert.equal(fromVariable.verdict.outcome, 'constructor-error');
  const keywordFirst = await check({ ...include, visualStudioCodeTenantId: 'contoso.onmicrosoft.com' }, '1.23.1', { AZURE_TENANT_ID: 'not a tenant' }, ['VisualStudioCodeCredential']);
  assert.notEqual(keywordFirst.verdict.outcome, 'constructor-error', keywordFirst.verdict.message);
});
