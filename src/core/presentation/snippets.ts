// Python snippets the user can paste: install azure-identity plus the client of their choice, then use
// DefaultAzureCredential with it. Each entry names the real PyPI package and the real client class.

export interface PythonClientChoice {
  readonly id: string;
  readonly label: string;
  readonly packages: readonly string[];
  /** The code after the imports of azure-identity; uses `credential`. */
  readonly imports: string;
  readonly body: string;
}

export const PYTHON_CLIENTS: readonly PythonClientChoice[] = [
  {
    id: 'blob', label: 'Azure Blob Storage', packages: ['azure-storage-blob'],
    imports: 'from azure.storage.blob import BlobServiceClient',
    body: [
      'service = BlobServiceClient("https://<storage-account>.blob.core.windows.net", credential=credential)',
      'for container in service.list_containers():',
      '    print(container.name)',
    ].join('\n'),
  },
  {
    id: 'keyvault', label: 'Azure Key Vault secrets', packages: ['azure-keyvault-secrets'],
    imports: 'from azure.keyvault.secrets import SecretClient',
    body: [
      'secrets = SecretClient("https://<key-vault>.vault.azure.net", credential=credential)',
      'for secret in secrets.list_properties_of_secrets():',
      '    print(secret.name)',
    ].join('\n'),
  },
  {
    id: 'servicebus', label: 'Azure Service Bus', packages: ['azure-servicebus'],
    imports: 'from azure.servicebus import ServiceBusClient, ServiceBusMessage',
    body: [
      'with ServiceBusClient("<namespace>.servicebus.windows.net", credential=credential) as client:',
      '    with client.get_queue_sender("<queue>") as sender:',
      '        sender.send_messages(ServiceBusMessage("hello"))',
    ].join('\n'),
  },
  {
    id: 'cosmos', label: 'Azure Cosmos DB', packages: ['azure-cosmos'],
    imports: 'from azure.cosmos import CosmosClient',
    body: [
      'cosmos = CosmosClient("https://<account>.documents.azure.com:443/", credential=credential)',
      'for database in cosmos.list_databases():',
      '    print(database["id"])',
    ].join('\n'),
  },
  {
    id: 'arm', label: 'Azure Resource Manager (resource groups)', packages: ['azure-mgmt-resource'],
    imports: 'from azure.mgmt.resource import ResourceManagementClient',
    body: [
      'resources = ResourceManagementClient(credential, "<subscription-id>")',
      'for group in resources.resource_groups.list():',
      '    print(group.name)',
    ].join('\n'),
  },
  {
    id: 'token', label: 'Just a token (any Azure API)', packages: [],
    imports: '',
    body: [
      'token = credential.get_token("https://management.azure.com/.default")',
      'print("token expires at", token.expires_on)  # never print the token itself',
    ].join('\n'),
  },
];

/** The `pip install` line and the Python code, ready to paste. */
export function pythonSnippet(client: PythonClientChoice): string {
  const install = ['azure-identity', ...client.packages].join(' ');
  return [
    `# pip install ${install}`,
    'from azure.identity import DefaultAzureCredential',
    ...(client.imports ? [client.imports] : []),
    '',
    '# Locally this signs in through the first source of the chain that has a token (for example `az login`);',
    '# in Azure it uses the app\'s managed identity. Azure Dev Auth shows which source wins and why.',
    'credential = DefaultAzureCredential()',
    client.body,
    '',
  ].join('\n');
}
