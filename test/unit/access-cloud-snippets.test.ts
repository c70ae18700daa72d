// Copy Python Snippet follows the cloud the Access view uses (azureDevAuth.cloud): the authority Python needs and that
// cloud's endpoints, with azure-identity's own constants where it has them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveCloud } from '../../src/core/access/clouds';
import { PYTHON_CLIENTS, pythonSnippet } from '../../src/core/presentation/snippets';

const client = (id: string) => PYTHON_CLIENTS.find((c) => c.id === id)!;

test('the public cloud: DefaultAzureCredential() as it is', () => {
  const code = pythonSnippet(client('blob'), resolveCloud('AzureCloud'));
  assert.match(code, /^from azure\.identity import DefaultAzureCredential$/m);
  assert.match(code, /^credential = DefaultAzureCredential\(\)$/m);
  assert.match(code, /"https:\/\/<storage-account>\.blob\.core\.windows\.net"/);
  assert.equal(code, pythonSnippet(client('blob')));
});

test('Azure China: AzureAuthorityHosts.AZURE_CHINA and the China endpoints', () => {
  const china = resolveCloud('AzureChinaCloud');
  const blob = pythonSnippet(client('blob'), china);
  assert.match(blob, /^from azure\.identity import AzureAuthorityHosts, DefaultAzureCredential$/m);
  assert.match(blob, /^credential = DefaultAzureCredential\(authority=AzureAuthorityHosts\.AZURE_CHINA\)$/m);
  assert.match(blob, /az cloud set --name AzureChinaCloud/);
  assert.match(blob, /<storage-account>\.blob\.core\.chinacloudapi\.cn/);
  assert.match(pythonSnippet(client('keyvault'), china), /<key-vault>\.vault\.azure\.cn/);
  assert.match(pythonSnippet(client('cosmos'), china), /<account>\.documents\.azure\.cn/);
  assert.match(pythonSnippet(client('arm'), china),
    /ResourceManagementClient\(credential, "<subscription-id>", base_url="https:\/\/management\.chinacloudapi\.cn", credential_scopes=\["https:\/\/management\.chinacloudapi\.cn\/\.default"\]\)/);
  assert.match(pythonSnippet(client('token'), china), /get_token\("https:\/\/management\.chinacloudapi\.cn\/\.default"\)/);
});

test('Azure Government: AZURE_GOVERNMENT', () => {
  const code = pythonSnippet(client('servicebus'), resolveCloud('AzureUSGovernment'));
  assert.match(code, /authority=AzureAuthorityHosts\.AZURE_GOVERNMENT/);
  assert.match(code, /<namespace>\.servicebus\.usgovcloudapi\.net/);
});

test('a custom cloud: its authority host, the same as AZURE_AUTHORITY_HOST, and its Resource Manager', () => {
  const custom = resolveCloud({
    name: 'Sandbox\nimport os', authorityHost: 'https://127.0.0.1:8443', resourceManager: 'https://127.0.0.1:8443/arm',
    resourceManagerAudience: 'https://management.azure.com', graph: 'https://127.0.0.1:8443/graph', storageSuffix: 'x"); import os; ("',
  });
  const code = pythonSnippet(client('arm'), custom);
  assert.match(code, /^credential = DefaultAzureCredential\(authority="https:\/\/127\.0\.0\.1:8443"\)$/m);
  assert.match(code, /AZURE_AUTHORITY_HOST=https:\/\/127\.0\.0\.1:8443/);
  assert.match(code, /base_url="https:\/\/127\.0\.0\.1:8443\/arm", credential_scopes=\["https:\/\/management\.azure\.com\/\.default"\]/);
  assert.doesNotMatch(code, /^import os/m, 'a name cannot add a line of code');
  assert.doesNotMatch(code, /AzureAuthorityHosts/);
  assert.match(pythonSnippet(client('blob'), custom), /<storage-account>\.blob\.core\.windows\.net/, 'an odd suffix falls back to the public one');
});
