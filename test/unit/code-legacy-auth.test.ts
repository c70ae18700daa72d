// Track-1 authentication in real-world shapes, read by the real Python grammar: azure-common's retired client
// factories, msrestazure's credentials (and the azure-identity credential that replaces them, with its import), and
// azure-mgmt-* clients built with credentials= — a problem whatever they are given when the interpreter's library is
// itself track-1. Hostile text is read as data and bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { legacyAuthOf, legacyAuthProblems } from '../../src/core/code/legacyAuth';
import { parsePython } from '../../src/core/code/pythonParser';

async function read(text: string) {
  const tree = await parsePython(text);
  try {
    return legacyAuthOf(tree);
  } finally {
    tree.delete();
  }
}

function applyEdit(text: string, range: { startLine: number; startColumn: number; endLine: number; endColumn: number }, replacement: string): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  return text.slice(0, offset(range.startLine, range.startColumn)) + replacement + text.slice(offset(range.endLine, range.endColumn));
}

test('azure-common client factories, through an alias and through the module', async () => {
  const usages = await read([
    'from azure.common.client_factory import get_client_from_cli_profile as from_cli, get_client_from_auth_file',
    'import azure.common.client_factory as cf',
    'from azure.mgmt.compute import ComputeManagementClient',
    '',
    'compute = from_cli(ComputeManagementClient)',
    'other = get_client_from_auth_file(',
    '    ComputeManagementClient, auth_path="/secrets/auth.json")',
    'third = cf.get_client_from_json_dict(ComputeManagementClient, config)',
    'text = "get_client_from_cli_profile(ComputeManagementClient)"  # a string, not a call',
  ].join('\n'));
  assert.deepEqual(usages.map((u) => [u.kind, u.name, u.range.startLine, u.kind === 'client-factory' ? u.clientClass : '']), [
    ['client-factory', 'get_client_from_cli_profile', 4, 'ComputeManagementClient'],
    ['client-factory', 'get_client_from_auth_file', 5, 'ComputeManagementClient'],
    ['client-factory', 'get_client_from_json_dict', 7, 'ComputeManagementClient'],
  ]);
  const [problem] = legacyAuthProblems(usages, []);
  assert.equal(problem!.rule, 'retired-client-factory');
  assert.match(problem!.message, /^get_client_from_cli_profile \(azure-common\) is retired.*ComputeManagementClient\(DefaultAzureCredential\(\), subscription_id\)\.$/);
});

test('msrestazure ServicePrincipalCredentials: the fix writes ClientSecretCredential with the same values and imports it', async () => {
  const text = [
    '"""Deploys the app."""',
    'import os',
    'from msrestazure.azure_active_directory import ServicePrincipalCredentials, MSIAuthentication',
    'from azure.common.credentials import get_azure_cli_credentials',
    '',
    'credentials = ServicePrincipalCredentials(',
    '    client_id=os.environ["AZURE_CLIENT_ID"],',
    '    secret=os.environ["AZURE_CLIENT_SECRET"],',
    '    tenant=os.environ["AZURE_TENANT_ID"],',
    ')',
    'msi = MSIAuthentication()',
    'cli, subscription = get_azure_cli_credentials()',
    '',
  ].join('\n');
  const usages = await read(text);
  assert.deepEqual(usages.map((u) => u.name), ['ServicePrincipalCredentials', 'MSIAuthentication', 'get_azure_cli_credentials']);
  const problems = legacyAuthProblems(usages, undefined);
  assert.equal(problems.length, 3);
  const fix = problems[0]!.fixes[0]!;
  assert.equal(fix.kind, 'edit');
  if (fix.kind !== 'edit') return;
  let fixed = applyEdit(text, fix.range, fix.text);
  fixed = applyEdit(fixed, { startLine: fix.insert!.line, startColumn: 0, endLine: fix.insert!.line, endColumn: 0 }, fix.insert!.text);
  assert.equal(fixed.split('\n').slice(0, 7).join('\n'), [
    '"""Deploys the app."""',
    'from azure.identity import ClientSecretCredential',
    'import os',
    'from msrestazure.azure_active_directory import ServicePrincipalCredentials, MSIAuthentication',
    'from azure.common.credentials import get_azure_cli_credentials',
    '',
    'credentials = ClientSecretCredential(tenant_id=os.environ["AZURE_TENANT_ID"], client_id=os.environ["AZURE_CLIENT_ID"], client_secret=os.environ["AZURE_CLIENT_SECRET"])',
  ].join('\n'));
  // The fixed file has nothing track-1 left where the fix was.
  assert.deepEqual((await read(fixed)).map((u) => u.name), ['MSIAuthentication', 'get_azure_cli_credentials']);
  assert.equal(problems[1]!.fixes[0]!.kind === 'edit' && problems[1]!.fixes[0]!.text, 'ManagedIdentityCredential()');
  assert.deepEqual(problems[2]!.fixes, []);
});

test('azure-mgmt-* clients: credentials= is renamed; a track-1 library in the interpreter is an error whatever the client gets', async () => {
  const text = [
    'from azure.identity import DefaultAzureCredential',
    'from azure.mgmt.resource import ResourceManagementClient',
    'import azure.mgmt.storage as storage',
    '',
    'resources = ResourceManagementClient(credentials=DefaultAzureCredential(), subscription_id=sub)',
    'accounts = storage.StorageManagementClient(DefaultAzureCredential(), sub)',
  ].join('\n');
  const usages = await read(text);
  assert.deepEqual(usages.map((u) => [u.name, u.kind === 'mgmt-client' ? u.distribution : '']), [
    ['ResourceManagementClient', 'azure-mgmt-resource'], ['storage.StorageManagementClient', 'azure-mgmt-storage'],
  ]);
  // Track 2 (or not known): only the keyword is wrong.
  const [rename, ...none] = legacyAuthProblems(usages, []);
  assert.equal(none.length, 0);
  assert.equal(rename!.fixes[0]!.kind === 'edit' && applyEdit(text, rename!.fixes[0]!.range, rename!.fixes[0]!.text).split('\n')[4],
    'resources = ResourceManagementClient(credential=DefaultAzureCredential(), subscription_id=sub)');
  // The interpreter has a track-1 azure-mgmt-storage: its client cannot take DefaultAzureCredential at all.
  const track1 = legacyAuthProblems(usages, [{ name: 'azure-mgmt-storage', version: '11.2.0' }]);
  assert.equal(track1.length, 2);
  assert.equal(track1[1]!.severity, 'error');
  assert.match(track1[1]!.message, /^azure-mgmt-storage 11\.2\.0 in this interpreter is a track-1 library/);
  assert.deepEqual(track1[1]!.fixes.map((f) => f.kind === 'copy' && f.text), ['python -m pip install --upgrade azure-mgmt-storage']);
});

test('what only looks like track-1: other modules, unimported names, a file without Azure imports', async () => {
  assert.deepEqual(await read('from mylib import ServicePrincipalCredentials\nServicePrincipalCredentials(a, b, tenant=c)\n'), []);
  assert.deepEqual(await read('get_client_from_cli_profile(X)\n'), []);
  assert.deepEqual(await read('from azure.mgmt.compute import models\nmodels.VirtualMachine(credentials=1)\n'), []);
});

test('property: hostile text around and inside the calls never breaks the reader, and what it reports is bounded', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), async (before, inside) => {
    const text = `${before}\nfrom msrestazure.azure_active_directory import ServicePrincipalCredentials as S\nS(client_id=${JSON.stringify(inside)}, secret=x, tenant=y)\nfrom azure.mgmt.a import BClient\nBClient(credentials=${JSON.stringify(inside)})\n`;
    const usages = await read(text);
    for (const problem of legacyAuthProblems(usages, [{ name: 'azure-mgmt-a', version: '1' }])) {
      assert.ok(problem.message.length < 1000);
      for (const fix of problem.fixes) if (fix.kind === 'edit') assert.ok(!/[\r\n]/.test(fix.text) && fix.text.length < 600);
    }
  }), { numRuns: 100 });
});
