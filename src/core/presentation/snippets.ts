// Python snippets the user can paste: install azure-identity plus the client of their choice, then use
// DefaultAzureCredential with it. Each entry names the real PyPI package and the real client class. Outside the public
// cloud the snippet names the cloud's authority (azure-identity's AzureAuthorityHosts, or the host itself) and the
// cloud's endpoints, as the Access view uses them (setting azureDevAuth.cloud).
import { KNOWN_CLOUDS, type CloudEndpoints } from '../access/clouds';

export interface PythonClientChoice {
  readonly id: string;
  readonly label: string;
  readonly packages: readonly string[];
  /** The code after the imports of azure-identity; uses `credential`. */
  readonly imports: string;
  /** The code that uses `credential`, with this cloud's endpoints. */
  readonly body: (cloud: CloudEndpoints) => string;
}

/** Cosmos DB's account host suffix per cloud (not part of the ARM metadata the clouds carry). */
function cosmosSuffix(cloud: CloudEndpoints): string {
  if (cloud.name === 'AzureChinaCloud') return 'documents.azure.cn';
  if (cloud.name === 'AzureUSGovernment') return 'documents.azure.us';
  return 'documents.azure.com';
}

const isPublic = (cloud: CloudEndpoints): boolean => cloud.resourceManager === KNOWN_CLOUDS.AzureCloud.resourceManager;

/**
 * A custom cloud's values go into Python string literals and comments the user pastes: a host suffix must be a host
 * suffix, a name one line of plain text.
 */
function safeCloud(cloud: CloudEndpoints): CloudEndpoints {
  const suffix = (value: string, fallback: string): string => (/^[a-z0-9.-]+$/i.test(value) ? value : fallback);
  const base = KNOWN_CLOUDS.AzureCloud;
  return {
    ...cloud,
    name: cloud.name.replace(/[^\w .()-]/g, '_'),
    storageSuffix: suffix(cloud.storageSuffix, base.storageSuffix),
    keyVaultSuffix: suffix(cloud.keyVaultSuffix, base.keyVaultSuffix),
    serviceBusSuffix: suffix(cloud.serviceBusSuffix, base.serviceBusSuffix),
  };
}

export const PYTHON_CLIENTS: readonly PythonClientChoice[] = [
  {
    id: 'blob', label: 'Azure Blob Storage', packages: ['azure-storage-blob'],
    imports: 'from azure.storage.blob import BlobServiceClient',
    body: (cloud) => [
      `service = BlobServiceClient("https://<storage-account>.blob.${cloud.storageSuffix}", credential=credential)`,
      'for container in service.list_containers():',
      '    print(container.name)',
    ].join('\n'),
  },
  {
    id: 'keyvault', label: 'Azure Key Vault secrets', packages: ['azure-keyvault-secrets'],
    imports: 'from azure.keyvault.secrets import SecretClient',
    body: (cloud) => [
      `secrets = SecretClient("https://<key-vault>.${cloud.keyVaultSuffix}", credential=credential)`,
      'for secret in secrets.list_properties_of_secrets():',
      '    print(secret.name)',
    ].join('\n'),
  },
  {
    id: 'servicebus', label: 'Azure Service Bus', packages: ['azure-servicebus'],
    imports: 'from azure.servicebus import ServiceBusClient, ServiceBusMessage',
    body: (cloud) => [
      `with ServiceBusClient("<namespace>.${cloud.serviceBusSuffix}", credential=credential) as client:`,
      '    with client.get_queue_sender("<queue>") as sender:',
      '        sender.send_messages(ServiceBusMessage("hello"))',
    ].join('\n'),
  },
  {
    id: 'cosmos', label: 'Azure Cosmos DB', packages: ['azure-cosmos'],
    imports: 'from azure.cosmos import CosmosClient',
    body: (cloud) => [
      `cosmos = CosmosClient("https://<account>.${cosmosSuffix(cloud)}:443/", credential=credential)`,
      'for database in cosmos.list_databases():',
      '    print(database["id"])',
    ].join('\n'),
  },
  {
    id: 'arm', label: 'Azure Resource Manager (resource groups)', packages: ['azure-mgmt-resource'],
    imports: 'from azure.mgmt.resource import ResourceManagementClient',
    body: (cloud) => [
      isPublic(cloud)
        ? 'resources = ResourceManagementClient(credential, "<subscription-id>")'
        : `resources = ResourceManagementClient(credential, "<subscription-id>", base_url="${cloud.resourceManager}", credential_scopes=["${cloud.resourceManagerAudience}/.default"])`,
      'for group in resources.resource_groups.list():',
      '    print(group.name)',
    ].join('\n'),
  },
  {
    id: 'token', label: 'Just a token (any Azure API)', packages: [],
    imports: '',
    body: (cloud) => [
      `token = credential.get_token("${cloud.resourceManagerAudience}/.default")`,
      'print("token expires at", token.expires_on)  # never print the token itself',
    ].join('\n'),
  },
];

/** azure-identity's constant for a Microsoft authority host, or undefined for any other host. */
function authorityConstant(authorityHost: string): string | undefined {
  const host = authorityHost.replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  if (host === 'login.microsoftonline.com') return 'AZURE_PUBLIC_CLOUD';
  if (host === 'login.chinacloudapi.cn') return 'AZURE_CHINA';
  if (host === 'login.microsoftonline.us') return 'AZURE_GOVERNMENT';
  return undefined;
}

/** The `pip install` line and the Python code for this cloud (the public cloud by default), ready to paste. */
export function pythonSnippet(client: PythonClientChoice, chosen: CloudEndpoints = KNOWN_CLOUDS.AzureCloud): string {
  const cloud = safeCloud(chosen);
  const install = ['azure-identity', ...client.packages].join(' ');
  const constant = authorityConstant(cloud.authorityHost);
  const publicAuthority = constant === 'AZURE_PUBLIC_CLOUD';
  const host = cloud.authorityHost.replace(/^https:\/\//i, '');
  const known = cloud.name === 'AzureChinaCloud' || cloud.name === 'AzureUSGovernment';
  // The authority reaches the credentials that talk to Entra ID themselves (environment, workload identity, browser);
  // the developer tools sign in to the cloud they are set to.
  const toolsNote = known ? `# az, azd and Azure PowerShell use the cloud they are set to (az cloud set --name ${cloud.name}).` : undefined;
  let construct: string[];
  if (publicAuthority) {
    construct = ['credential = DefaultAzureCredential()'];
  } else if (constant) {
    construct = [
      `# ${cloud.name}: Entra ID at ${host} (the same as AZURE_AUTHORITY_HOST=${host}).`,
      ...(toolsNote ? [toolsNote] : []),
      `credential = DefaultAzureCredential(authority=AzureAuthorityHosts.${constant})`,
    ];
  } else {
    construct = [
      `# ${cloud.name}: Entra ID at ${host} (the same as AZURE_AUTHORITY_HOST=${cloud.authorityHost}).`,
      `credential = DefaultAzureCredential(authority="${cloud.authorityHost}")`,
    ];
  }
  return [
    `# pip install ${install}`,
    constant && !publicAuthority ? 'from azure.identity import AzureAuthorityHosts, DefaultAzureCredential' : 'from azure.identity import DefaultAzureCredential',
    ...(client.imports ? [client.imports] : []),
    '',
    '# Locally this signs in through the first source of the chain that has a token (for example `az login`);',
    '# in Azure it uses the app\'s managed identity. Azure Dev Auth shows which source wins and why.',
    ...construct,
    client.body(cloud),
    '',
  ].join('\n');
}
