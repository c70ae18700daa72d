// The Azure SDK clients a Python file builds, read by the real Python grammar: multi-line calls, aliases of the class
// and of its module, endpoints as literals, from the environment (os.environ[…], os.environ.get, os.getenv, the
// names imported from os), and what cannot be known (f-strings, variables); from_connection_string is told apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointText, findClientCalls, type ClientCall } from '../../src/core/code/clientCalls';

const summary = (calls: ClientCall[]) => calls.map((c) => ({ client: c.client, service: c.service, calledAs: c.calledAs, line: c.range.startLine, construction: c.construction, endpoint: c.endpoint }));

test('a multi-line call through an aliased class, with the endpoint from os.environ', async () => {
  const calls = await findClientCalls([
    'import os',
    'from azure.identity import DefaultAzureCredential',
    'from azure.storage.blob import BlobServiceClient as BSC',
    '',
    'blobs = BSC(',
    '    # the account',
    '    account_url=os.environ["AZURE_STORAGE_ACCOUNT_URL"],',
    '    credential=DefaultAzureCredential(),',
    ')',
  ].join('\n'));
  assert.deepEqual(summary(calls), [{
    client: 'BlobServiceClient', service: 'storage', calledAs: 'BSC', line: 4, construction: 'endpoint',
    endpoint: { kind: 'environment', variable: 'AZURE_STORAGE_ACCOUNT_URL' },
  }]);
  assert.deepEqual(calls[0]!.range, { startLine: 4, startColumn: 8, endLine: 8, endColumn: 1 });
});

test('every service, positional and keyword endpoints, module aliases, aio, and the names imported from os', async () => {
  const calls = await findClientCalls([
    'from os import getenv, environ as env',
    'import os as o',
    'import azure.keyvault.secrets as kvs',
    'from azure.servicebus.aio import ServiceBusClient',
    'from azure import cosmos',
    'from azure.appconfiguration import *',
    'from openai import AzureOpenAI',
    'from azure.eventhub import EventHubProducerClient',
    'secrets = kvs.SecretClient("https://kv-app.vault.azure.net/", cred)',
    'bus = ServiceBusClient(fully_qualified_namespace=getenv("SB_NS", "x"), credential=cred)',
    'db = cosmos.CosmosClient(url=env.get("COSMOS"), credential=cred)',
    'conf = AzureAppConfigurationClient(o.environ["APPCONFIG"], cred)',
    'ai = AzureOpenAI(azure_endpoint=o.getenv("AOAI"), azure_ad_token_provider=p, api_version="2024-06-01")',
    'hub = EventHubProducerClient("evh-app.servicebus.windows.net", "hub", cred)',
  ].join('\n'));
  assert.deepEqual(summary(calls).map((c) => [c.client, c.service, c.calledAs, c.endpoint]), [
    ['SecretClient', 'keyVault', 'kvs.SecretClient', { kind: 'literal', value: 'https://kv-app.vault.azure.net/' }],
    ['ServiceBusClient', 'serviceBus', 'ServiceBusClient', { kind: 'environment', variable: 'SB_NS' }],
    ['CosmosClient', 'cosmosDb', 'cosmos.CosmosClient', { kind: 'environment', variable: 'COSMOS' }],
    ['AzureAppConfigurationClient', 'appConfiguration', 'AzureAppConfigurationClient', { kind: 'environment', variable: 'APPCONFIG' }],
    ['AzureOpenAI', 'openAI', 'AzureOpenAI', { kind: 'environment', variable: 'AOAI' }],
    ['EventHubProducerClient', 'eventHubs', 'EventHubProducerClient', { kind: 'literal', value: 'evh-app.servicebus.windows.net' }],
  ]);
});

test('what only running the code tells is unknown, with why; a missing endpoint is undefined; from_connection_string is no token client', async () => {
  const calls = await findClientCalls([
    'import os',
    'from azure.storage.blob import BlobServiceClient, ContainerClient',
    'account = os.environ["ACCOUNT"]',
    'a = BlobServiceClient(f"https://{account}.blob.core.windows.net", credential=c)',
    'b = BlobServiceClient(account_url=url, credential=c)',
    'c = BlobServiceClient(settings.url(), c)',
    'd = ContainerClient(**options)',
    'e = BlobServiceClient.from_connection_string(os.environ["CONN"])',
    'f = environ["X"]  # environ was not imported: not os.environ',
    'g = BlobServiceClient(environ["X"])',
  ].join('\n'));
  assert.deepEqual(summary(calls).map((c) => [c.line, c.construction, c.endpoint]), [
    [3, 'endpoint', { kind: 'unknown', text: 'f"https://{account}.blob.core.windows.net"', why: '{account} reads the environment variable ACCOUNT inside an f-string' }],
    [4, 'endpoint', { kind: 'unknown', text: 'url', why: 'url is not assigned in this file' }],
    [5, 'endpoint', { kind: 'unknown', text: 'settings.url()' }],
    [6, 'endpoint', undefined],
    [7, 'connectionString', undefined],
    [9, 'endpoint', { kind: 'unknown', text: 'environ["X"]' }],
  ]);
});

test('names that merely look like clients are not: strings, comments, another module\'s class, an unimported name', async () => {
  const calls = await findClientCalls([
    'from mylib import BlobServiceClient',
    'import azure.storage.queue as q',
    '# BlobServiceClient("https://x.blob.core.windows.net")',
    's = "SecretClient(\'https://kv.vault.azure.net\')"',
    'x = BlobServiceClient("https://stapp.blob.core.windows.net")',
    'y = SecretClient("https://kv.vault.azure.net")',
    'z = q.BlobServiceClient("https://stapp.blob.core.windows.net")',
  ].join('\n'));
  assert.deepEqual(calls, []);
});

test('a file that does not parse still yields the calls that are readable', async () => {
  const calls = await findClientCalls([
    'from azure.keyvault.secrets import SecretClient',
    'def broken(:',
    '    pass',
    'client = SecretClient(vault_url="https://kv-app.vault.azure.net", credential=c)',
  ].join('\n'));
  assert.deepEqual(calls.map((c) => c.endpoint), [{ kind: 'literal', value: 'https://kv-app.vault.azure.net' }]);
});

test('the endpoint text: a literal as written, an environment variable through the run\'s environment (.env over the process)', () => {
  assert.equal(endpointText({ kind: 'literal', value: 'https://a.blob.core.windows.net' }, {}), 'https://a.blob.core.windows.net');
  assert.equal(endpointText({ kind: 'environment', variable: 'URL' }, { URL: 'https://b.blob.core.windows.net' }), 'https://b.blob.core.windows.net');
  assert.equal(endpointText({ kind: 'environment', variable: 'URL' }, {}), undefined);
  assert.equal(endpointText({ kind: 'environment', variable: 'URL' }, { URL: '' }), undefined);
  assert.equal(endpointText({ kind: 'unknown', text: 'url' }, { url: 'https://c.blob.core.windows.net' }), undefined);
  assert.equal(endpointText(undefined, {}), undefined);
});
