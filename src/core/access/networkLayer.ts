// The network layer beside the roles: a storage account's or key vault's public network access, firewall rules and
// private endpoints, and a storage account's shared-key switch, as ARM reports them; and what they mean for calls
// from this machine, with the request an administrator would run. The machine's public address is never looked up
// (no outside service is asked): the request carries the placeholder MY_PUBLIC_IP for the developer to fill in.
import { quoteBash } from '../team/commands';
import type { Insight } from './types';
import * as l10n from '@vscode/l10n';

/** What decides whether this machine reaches a resource's data plane over the network. */
export interface ResourceNetwork {
  /** Null when ARM does not say (older accounts): the same as enabled. */
  readonly publicNetworkAccess: 'Enabled' | 'Disabled' | 'SecuredByPerimeter' | null;
  /** Null when the resource reports no network rule set: every address is accepted. */
  readonly defaultAction: 'Allow' | 'Deny' | null;
  readonly bypass: string | null;
  /** Addresses and CIDR ranges the firewall lets in. */
  readonly ipRules: readonly string[];
  /** Subnet resource ids the firewall lets in. */
  readonly virtualNetworkRules: readonly string[];
  /** Resource ids of the approved private endpoints. */
  readonly privateEndpoints: readonly string[];
  /** Storage accounts: false when account keys (connection strings with AccountKey, SAS from keys) are refused. */
  readonly allowSharedKeyAccess: boolean | null;
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(record) : []);
const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The network layer from a storage account's or key vault's ARM `properties` (storage and key vault spell the rules alike). */
export function networkFromProperties(properties: Record<string, unknown>): ResourceNetwork {
  const acls = record(properties.networkAcls);
  const access = text(properties.publicNetworkAccess);
  const action = text(acls.defaultAction);
  return {
    publicNetworkAccess: access === 'Enabled' || access === 'Disabled' || access === 'SecuredByPerimeter' ? access : null,
    defaultAction: action === 'Allow' || action === 'Deny' ? action : null,
    bypass: text(acls.bypass),
    ipRules: list(acls.ipRules).map((r) => text(r.value)).filter((v): v is string => v !== null),
    virtualNetworkRules: list(acls.virtualNetworkRules).map((r) => text(r.id)).filter((v): v is string => v !== null),
    privateEndpoints: list(properties.privateEndpointConnections).map(record)
      .filter((c) => text(record(record(c.properties).privateLinkServiceConnectionState).status) === 'Approved')
      .map((c) => text(record(record(c.properties).privateEndpoint).id))
      .filter((v): v is string => v !== null),
    allowSharedKeyAccess: typeof properties.allowSharedKeyAccess === 'boolean' ? properties.allowSharedKeyAccess : null,
  };
}

/** Does the network layer keep this machine out (unless its address is in a rule, which is not looked up)? */
export function networkBlocks(network: ResourceNetwork): 'private' | 'firewall' | null {
  if (network.publicNetworkAccess === 'Disabled') return 'private';
  if (network.defaultAction === 'Deny') return 'firewall';
  return null;
}

/** The placeholder the administrator request leaves for the developer's public address. */
export const PUBLIC_IP_PLACEHOLDER = 'MY_PUBLIC_IP';

/** One `az` command as an argument vector. */
export type AzCommand = readonly string[];

/** The resource id's parts an `az` command names: subscription, resource group, name. */
function partsOf(resourceId: string): { subscription: string; group: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(resourceId);
  return m ? { subscription: m[1]!, group: m[2]!, name: m[3]! } : { subscription: '', group: '', name: resourceId.split('/').pop() ?? resourceId };
}

/** The commands that let this machine in: public access back on behind the firewall where it was off, then this address. */
export function allowMachineCommands(kind: 'storage' | 'keyVault', resourceId: string, blocked: 'private' | 'firewall'): AzCommand[] {
  const { subscription, group, name } = partsOf(resourceId);
  const where = ['--subscription', subscription, '--resource-group', group];
  const commands: AzCommand[] = [];
  if (kind === 'storage') {
    if (blocked === 'private') commands.push(['az', 'storage', 'account', 'update', ...where, '--name', name, '--public-network-access', 'Enabled', '--default-action', 'Deny']);
    commands.push(['az', 'storage', 'account', 'network-rule', 'add', ...where, '--account-name', name, '--ip-address', PUBLIC_IP_PLACEHOLDER]);
  } else {
    if (blocked === 'private') commands.push(['az', 'keyvault', 'update', ...where, '--name', name, '--public-network-access', 'Enabled', '--default-action', 'Deny']);
    commands.push(['az', 'keyvault', 'network-rule', 'add', ...where, '--name', name, '--ip-address', PUBLIC_IP_PLACEHOLDER]);
  }
  return commands;
}

/** Lets a storage account take account keys again (what a connection string with AccountKey needs). */
export function allowSharedKeyCommand(resourceId: string): AzCommand {
  const { subscription, group, name } = partsOf(resourceId);
  return ['az', 'storage', 'account', 'update', '--subscription', subscription, '--resource-group', group, '--name', name, '--allow-shared-key-access', 'true'];
}

/** The options these commands use; each takes one value. Every other word is quoted as a value. */
const OPTIONS = new Set(['--ids', '--set', '--subscription', '--resource-group', '--name', '--account-name', '--ip-address', '--public-network-access', '--default-action', '--allow-shared-key-access']);

/** The words az receives: an option and its value, or `--option=value` when the value starts with "-" (az reads it as a value only so). */
export function pastedWords(args: AzCommand): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (OPTIONS.has(arg) && i + 1 < args.length) {
      const value = args[++i]!;
      if (value.startsWith('-')) words.push(`${arg}=${value}`);
      else words.push(arg, value);
    } else words.push(arg);
  }
  return words;
}

/** One bash line per command, every word quoted for bash (the placeholder stays a bare word to replace). */
export function bashLines(commands: readonly AzCommand[]): string {
  return commands.map((args) => pastedWords(args).map(quoteBash).join(' ')).join('\n');
}

/** Services other than storage whose connection strings carry a key: Service Bus and Event Hubs share one shape. */
export type KeyedService = 'messaging' | 'appConfiguration' | 'cosmosDb';

/** A resource a connection string with a key names (a storage account unless `service` says otherwise), with the variable that holds it. */
export interface AccountKeyUse {
  /** The storage account, namespace, configuration store or Cosmos DB account, lower-case. */
  readonly account: string;
  /** The variable (from .env or the environment) that holds the connection string; never its value. */
  readonly variable: string;
  /** Absent for storage accounts. */
  readonly service?: KeyedService;
  /** The endpoint's host the connection string names (never its key): what the code should connect to instead. */
  readonly host?: string;
}

/** The connection-string family of a data service (Service Bus and Event Hubs share one); undefined for storage and key vaults. */
export function keyedServiceOf(service: string): KeyedService | undefined {
  if (service === 'serviceBus' || service === 'eventHubs') return 'messaging';
  if (service === 'appConfiguration' || service === 'cosmosDb') return service;
  return undefined;
}

/** The resource types a connection string of this family may name. */
export const KEYED_RESOURCE_TYPES: Record<KeyedService, readonly string[]> = {
  messaging: ['microsoft.servicebus/namespaces', 'microsoft.eventhub/namespaces'],
  appConfiguration: ['microsoft.appconfiguration/configurationstores'],
  cosmosDb: ['microsoft.documentdb/databaseaccounts'],
};

/** Connection strings with a key, per service: the key's field and where the resource's name is. */
const KEYED_STRINGS: readonly { readonly service: KeyedService; readonly key: RegExp; readonly endpoint: RegExp }[] = [
  // Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…
  { service: 'messaging', key: /(?:^|;)\s*SharedAccessKey\s*=/i, endpoint: /(?:^|;)\s*Endpoint\s*=\s*sb:\/\/(([a-z][a-z0-9-]{4,48}[a-z0-9])\.servicebus\.[a-z0-9.-]+?)\/?\s*(?:;|$)/i },
  // Endpoint=https://<store>.azconfig.io;Id=…;Secret=…
  { service: 'appConfiguration', key: /(?:^|;)\s*Secret\s*=/i, endpoint: /(?:^|;)\s*Endpoint\s*=\s*https:\/\/(([a-z0-9][a-z0-9-]{3,48}[a-z0-9])\.azconfig\.[a-z0-9.-]+?)\/?\s*(?:;|$)/i },
  // AccountEndpoint=https://<account>.documents.azure.com:443/;AccountKey=…
  { service: 'cosmosDb', key: /(?:^|;)\s*AccountKey\s*=/i, endpoint: /(?:^|;)\s*AccountEndpoint\s*=\s*https:\/\/(([a-z0-9][a-z0-9-]{1,48}[a-z0-9])\.documents\.[a-z0-9.-]+?)(?::\d{1,5})?\/?\s*(?:;|$)/i },
];

/** Connection strings with a key in the app's environment (.env included): storage (`AccountName=…;…AccountKey=…`), Service Bus and Event Hubs, App Configuration, Cosmos DB. */
export function accountKeyUses(env: Readonly<Record<string, string | undefined>>): AccountKeyUse[] {
  const uses: AccountKeyUse[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!value || value.length > 4_000) continue;
    const account = /AccountKey\s*=/i.test(value) ? /(?:^|;)\s*AccountName\s*=\s*([a-z0-9]{3,24})\s*(?:;|$)/i.exec(value)?.[1] : undefined;
    if (account) uses.push({ account: account.toLowerCase(), variable });
    for (const keyed of KEYED_STRINGS) {
      const endpoint = keyed.key.test(value) ? keyed.endpoint.exec(value) : null;
      if (endpoint) uses.push({ account: endpoint[2]!.toLowerCase(), variable, service: keyed.service, host: endpoint[1]!.toLowerCase() });
    }
  }
  return uses.sort((a, b) => a.variable.localeCompare(b.variable));
}

/**
 * The same in workspace texts (.env files, code): `NAME=…AccountKey=…` lines and `NAME = "…AccountKey=…"`
 * assignments, so `roles --workspace` finds what the view finds without --dotenv. Only names leave, never values.
 */
export function accountKeyUsesInTexts(texts: readonly string[]): AccountKeyUse[] {
  const found = new Map<string, AccountKeyUse>();
  for (const text of texts) {
    for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*(.*)$/gm)) {
      for (const use of accountKeyUses({ [m[1]!]: m[2]!.replace(/^["']|["']\s*$/g, '') })) found.set(`${use.service ?? 'storage'}|${use.account}|${use.variable}`, use);
    }
  }
  return [...found.values()];
}

/** Both lists, each account and variable once. */
export function mergeAccountKeyUses(...lists: readonly (readonly AccountKeyUse[])[]): AccountKeyUse[] {
  const found = new Map<string, AccountKeyUse>();
  for (const list of lists) for (const use of list) found.set(`${use.service ?? 'storage'}|${use.account}|${use.variable}`, use);
  return [...found.values()].sort((a, b) => a.variable.localeCompare(b.variable) || a.account.localeCompare(b.account));
}

/** "its virtual network and 3 IP ranges", "2 virtual network subnets", "no address". */
export function acceptedSources(network: ResourceNetwork): string {
  const parts: string[] = [];
  const subnets = network.virtualNetworkRules.length;
  if (subnets === 1) parts.push(l10n.t('its virtual network'));
  else if (subnets > 1) parts.push(l10n.t('{0} virtual network subnets', subnets));
  const ranges = network.ipRules.length;
  if (ranges) parts.push(ranges === 1 ? l10n.t('{0} IP range', ranges) : l10n.t('{0} IP ranges', ranges));
  const endpoints = network.privateEndpoints.length;
  if (endpoints) parts.push(endpoints === 1 ? l10n.t('its private endpoint') : l10n.t('{0} private endpoints', endpoints));
  // At most three parts: one message per shape of the list, so a language orders and joins them its own way.
  if (parts.length === 0) return l10n.t('no public address');
  if (parts.length === 1) return parts[0]!;
  return parts.length === 2 ? l10n.t('{0} and {1}', parts[0]!, parts[1]!) : l10n.t('{0}, {1} and {2}', parts[0]!, parts[1]!, parts[2]!);
}

/** What the identity may do with the resource's data (model.ts DataAccess, or an access policy's answer). */
export interface NetworkInsightInput {
  readonly kind: 'storage' | 'keyVault';
  readonly resourceId: string;
  readonly name: string;
  readonly network: ResourceNetwork;
  readonly read: boolean;
  readonly write: boolean;
  /** Named by the workspace's code or .env (an endpoint or a connection string). */
  readonly named: boolean;
  /** Connection strings with an account key that name this account. */
  readonly accountKeys: readonly AccountKeyUse[];
  /** The cloud's storage suffix ("core.windows.net"), for the account URL to use instead. */
  readonly storageSuffix: string;
}

/** The status code and error code a data call from outside the accepted networks gets. */
const REFUSAL = {
  storage: { firewall: '403 (AuthorizationFailure)', private: '403 (AuthorizationFailure)' },
  keyVault: { firewall: '403 (ForbiddenByFirewall)', private: '403 (ForbiddenByConnection)' },
} as const;

/** What the roles allow with the data ("Roles allow writing blobs"), or null when they allow nothing. */
function rolesAllow(kind: NetworkInsightInput['kind'], read: boolean, write: boolean): string | null {
  if (write) return kind === 'storage' ? l10n.t('Roles allow writing blobs') : l10n.t('Roles allow writing secrets');
  if (read) return kind === 'storage' ? l10n.t('Roles allow reading blobs') : l10n.t('Roles allow reading secrets');
  return null;
}

function shortName(resourceId: string): string {
  return resourceId.replace(/\/+$/, '').split('/').pop() ?? resourceId;
}

/**
 * The insights the network layer gives for one storage account or key vault the workspace names or the identity
 * holds data roles on: closed to the public (private endpoints only), behind a firewall, or refusing the account
 * key a connection string in the app's environment uses. Each carries the administrator request (bash).
 */
export function networkInsights(input: NetworkInsightInput): Insight[] {
  const { kind, resourceId, name, network } = input;
  const insights: Insight[] = [];
  const words = REFUSAL[kind];
  const roles = rolesAllow(kind, input.read, input.write);
  const blocked = networkBlocks(network);
  if ((input.read || input.write || input.named) && blocked) {
    const code = words[blocked];
    const request = bashLines(allowMachineCommands(kind, resourceId, blocked));
    if (blocked === 'private') {
      const endpoints = network.privateEndpoints.map(shortName);
      const reach = endpoints.length > 1 ? l10n.t('reachable only through its private endpoints')
        : endpoints.length ? l10n.t('reachable only through its private endpoint')
        : l10n.t('reachable from no network (it has no approved private endpoint)');
      insights.push({
        kind: 'network-private', scope: resourceId,
        title: roles
          ? l10n.t('{0}, but {1} has public network access disabled, {2}: requests from this machine get {3}', roles, name, reach, code)
          : l10n.t('{0} has public network access disabled, {1}: requests from this machine get {2}', name, reach, code),
        label: l10n.t('{0}: private only', name),
        detail: endpoints.length
          ? l10n.t('Public network access is disabled: only clients in the network of {0} reach it (a VPN into that network, or a machine inside it). From this machine every data call gets {1}, whatever the roles allow. An administrator can instead enable public access behind the firewall and let your address in: replace {2} with this machine\'s public address.', endpoints.join(', '), code, PUBLIC_IP_PLACEHOLDER)
          : l10n.t('Public network access is disabled. From this machine every data call gets {0}, whatever the roles allow. An administrator can instead enable public access behind the firewall and let your address in: replace {1} with this machine\'s public address.', code, PUBLIC_IP_PLACEHOLDER),
        suggestion: null,
        adminRequest: request,
      });
    } else {
      const accepted = acceptedSources(network);
      const ranges = network.ipRules.length ? ` (${network.ipRules.join(', ')})` : '';
      const subnets = network.virtualNetworkRules.length ? l10n.t('; subnets: {0}', network.virtualNetworkRules.map((id) => id.split('/').slice(-3).filter((_, i) => i !== 1).join('/')).join(', ')) : '';
      const bypass = network.bypass && network.bypass !== 'None' ? l10n.t('; bypass: {0}', network.bypass) : '';
      insights.push({
        kind: 'network-firewall', scope: resourceId,
        title: !roles ? l10n.t('{0} only accepts {1}: requests from this machine get {2}', name, accepted, code)
          : kind === 'storage' ? l10n.t('{0}, but the account only accepts {1}: requests from this machine get {2}', roles, accepted, code)
          : l10n.t('{0}, but the vault only accepts {1}: requests from this machine get {2}', roles, accepted, code),
        label: l10n.t('{0}: firewall', name),
        detail: l10n.t('The firewall of {0} denies by default and lets in {1}. Unless this machine\'s public address is in those ranges, your app\'s data calls get {2}. Ask an administrator to add your address (replace {3} with it), or run the app from the allowed network.',
          name, `${accepted}${ranges}${subnets}${bypass}`, code, PUBLIC_IP_PLACEHOLDER),
        suggestion: null,
        adminRequest: request,
      });
    }
  }
  if (kind === 'storage' && network.allowSharedKeyAccess === false && input.accountKeys.length) {
    const variables = input.accountKeys.map((k) => k.variable);
    insights.push({
      kind: 'shared-key-disabled', scope: resourceId,
      title: l10n.t('Shared key access is disabled on {0}, but {1} holds a connection string with an AccountKey', name, variables.join(', ')),
      label: l10n.t('{0}: no account keys', name),
      detail: l10n.t('{0} refuses requests signed with its account key: code that uses {1} (from .env or the environment) gets 403 (KeyBasedAuthenticationNotPermitted). Sign in with Microsoft Entra ID instead: the account URL {2} with DefaultAzureCredential() and a data role. Or an administrator allows shared keys again.',
        name, variables.join(', '), `https://${name}.blob.${input.storageSuffix}`),
      suggestion: l10n.t('use the account URL with DefaultAzureCredential instead of {0}', variables[0]!),
      adminRequest: bashLines([allowSharedKeyCommand(resourceId)]),
    });
  }
  return insights;
}

/** Lets a resource take its keys again (what a connection string with a key needs): ARM's generic update, the same for every service. */
export function allowLocalAuthCommand(resourceId: string): AzCommand {
  return ['az', 'resource', 'update', '--ids', resourceId, '--set', 'properties.disableLocalAuth=false'];
}

/** The services whose `disableLocalAuth` the insight explains: what their keys are called, and the client to use instead. */
// Functions, so the words are looked up when an insight is made (in the language of the catalog set at start).
const LOCAL_AUTH: Record<'serviceBus' | 'eventHubs' | 'appConfiguration' | 'cosmosDb', { readonly keys: () => string; readonly use: (host: string) => string }> = {
  serviceBus: {
    keys: () => l10n.t('shared access keys (SharedAccessKey)'),
    use: (host) => l10n.t('the fully qualified namespace {0} with DefaultAzureCredential() ({1})', host, `ServiceBusClient(${JSON.stringify(host)}, credential)`),
  },
  eventHubs: {
    keys: () => l10n.t('shared access keys (SharedAccessKey)'),
    use: (host) => l10n.t('the fully qualified namespace {0} with DefaultAzureCredential() ({1})', host, `EventHubProducerClient(${JSON.stringify(host)}, eventhub_name, credential)`),
  },
  appConfiguration: {
    keys: () => l10n.t('access keys (Id and Secret)'),
    use: (host) => l10n.t('the endpoint {0} with DefaultAzureCredential() ({1})', `https://${host}`, `AzureAppConfigurationClient(${JSON.stringify(`https://${host}`)}, credential)`),
  },
  cosmosDb: {
    keys: () => l10n.t('account keys (AccountKey)'),
    use: (host) => l10n.t('the endpoint {0} with DefaultAzureCredential() ({1})', `https://${host}:443/`, `CosmosClient(${JSON.stringify(`https://${host}:443/`)}, credential)`),
  },
};

export interface LocalAuthInsightInput {
  readonly service: keyof typeof LOCAL_AUTH;
  /** "Service Bus namespace", "App Configuration store", … */
  readonly label: string;
  readonly resourceId: string;
  readonly name: string;
  /** ARM's `disableLocalAuth`: true when the resource accepts Microsoft Entra ID alone. */
  readonly disableLocalAuth: boolean | null;
  /** Connection strings with a key that name this resource. */
  readonly uses: readonly AccountKeyUse[];
}

/**
 * A Service Bus or Event Hubs namespace, App Configuration store or Cosmos DB account with local authentication
 * disabled while a connection string with its key is in the app's environment: every call with it is refused.
 */
export function localAuthInsights(input: LocalAuthInsightInput): Insight[] {
  if (input.disableLocalAuth !== true || input.uses.length === 0) return [];
  const { name } = input;
  const words = LOCAL_AUTH[input.service];
  const variables = input.uses.map((u) => u.variable);
  const host = input.uses.find((u) => u.host)?.host ?? name;
  return [{
    kind: 'local-auth-disabled', scope: input.resourceId,
    title: l10n.t('Local authentication is disabled on {0}, but {1} holds a connection string with a key', name, variables.join(', ')),
    label: l10n.t('{0}: no access keys', name),
    detail: l10n.t('The {0} {1} accepts Microsoft Entra ID alone and refuses {2}: code that connects with {3} (from .env or the environment) is refused as unauthorized, whatever the roles allow. Connect with {4} and a data role instead. Or an administrator enables local authentication again.',
      input.label, name, words.keys(), variables.join(', '), words.use(host)),
    suggestion: l10n.t('connect with DefaultAzureCredential instead of {0}', variables[0]!),
    adminRequest: bashLines([allowLocalAuthCommand(input.resourceId)]),
  }];
}
