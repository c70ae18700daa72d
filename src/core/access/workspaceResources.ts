// Resources a workspace's code or .env names by endpoint ("https://stapp.blob.core.windows.net",
// "kv-app.vault.azure.net", "sb-app.servicebus.windows.net"), in the cloud the view talks to. Reading files is the
// caller's business (bounded, text only); this only recognises names.
import type { CloudEndpoints } from './clouds';
import type { DataService } from './permissions';

export interface ResourceReference {
  readonly service: DataService['key'];
  /** The resource's name as its endpoint spells it (lower case). */
  readonly name: string;
  /** The endpoint host that named it, e.g. "stapp.blob.core.windows.net". */
  readonly host: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patterns(cloud: CloudEndpoints): { service: ResourceReference['service']; regex: RegExp }[] {
  const appConfig = cloud.name === 'AzureChinaCloud' ? 'azconfig\\.azure\\.cn' : cloud.name === 'AzureUSGovernment' ? 'azconfig\\.azure\\.us' : 'azconfig\\.io';
  const cosmos = cloud.name === 'AzureChinaCloud' ? 'documents\\.azure\\.cn' : cloud.name === 'AzureUSGovernment' ? 'documents\\.azure\\.us' : 'documents\\.azure\\.com';
  return [
    { service: 'storage', regex: new RegExp(`\\b([a-z0-9]{3,24})\\.(?:blob|queue|table|dfs|file)\\.${escape(cloud.storageSuffix)}\\b`, 'gi') },
    { service: 'keyVault', regex: new RegExp(`\\b([a-z0-9][a-z0-9-]{1,22}[a-z0-9])\\.${escape(cloud.keyVaultSuffix)}\\b`, 'gi') },
    { service: 'serviceBus', regex: new RegExp(`\\b([a-z][a-z0-9-]{4,48}[a-z0-9])\\.${escape(cloud.serviceBusSuffix)}\\b`, 'gi') },
    { service: 'appConfiguration', regex: new RegExp(`\\b([a-z0-9][a-z0-9-]{3,48}[a-z0-9])\\.${appConfig}\\b`, 'gi') },
    { service: 'cosmosDb', regex: new RegExp(`\\b([a-z0-9][a-z0-9-]{1,42}[a-z0-9])\\.${cosmos}\\b`, 'gi') },
  ];
}

/** Every distinct resource the texts name. Service Bus and Event Hubs share a host suffix: both are tried. */
export function resourceReferences(texts: readonly string[], cloud: CloudEndpoints): ResourceReference[] {
  const found = new Map<string, ResourceReference>();
  for (const text of texts) {
    for (const { service, regex } of patterns(cloud)) {
      for (const match of text.matchAll(regex)) {
        const name = match[1]!.toLowerCase();
        const key = `${service}:${name}`;
        if (!found.has(key)) found.set(key, { service, name, host: match[0].toLowerCase() });
        if (service === 'serviceBus' && !found.has(`eventHubs:${name}`)) found.set(`eventHubs:${name}`, { service: 'eventHubs', name, host: match[0].toLowerCase() });
      }
    }
  }
  return [...found.values()];
}
