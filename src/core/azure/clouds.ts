// The Azure clouds the Access view can talk to, with their endpoints as azure-cli 2.45 and azure-identity's
// AzureAuthorityHosts name them (see test/fixtures/realdata/clouds), and the default: the cloud `az` is set to.
import { join } from 'node:path';
import { readOptionalText } from '../files/boundedRead';

export interface CloudEndpoints {
  readonly name: string;
  /** Entra authority host, https://…, no trailing slash. */
  readonly authorityHost: string;
  readonly resourceManager: string;
  /** Token audience for ARM (the scope is `<audience>/.default`). */
  readonly resourceManagerAudience: string;
  readonly graph: string;
  readonly graphAudience: string;
  readonly portal: string;
  /** "core.windows.net": storage account hosts end in .blob.<suffix>. */
  readonly storageSuffix: string;
  /** "vault.azure.net". */
  readonly keyVaultSuffix: string;
  /** "servicebus.windows.net" (Service Bus and Event Hubs namespaces). */
  readonly serviceBusSuffix: string;
}

export const KNOWN_CLOUDS: Readonly<Record<'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment', CloudEndpoints>> = {
  AzureCloud: {
    name: 'AzureCloud', authorityHost: 'https://login.microsoftonline.com',
    resourceManager: 'https://management.azure.com', resourceManagerAudience: 'https://management.azure.com',
    graph: 'https://graph.microsoft.com', graphAudience: 'https://graph.microsoft.com', portal: 'https://portal.azure.com',
    storageSuffix: 'core.windows.net', keyVaultSuffix: 'vault.azure.net', serviceBusSuffix: 'servicebus.windows.net',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud', authorityHost: 'https://login.chinacloudapi.cn',
    resourceManager: 'https://management.chinacloudapi.cn', resourceManagerAudience: 'https://management.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn', graphAudience: 'https://microsoftgraph.chinacloudapi.cn', portal: 'https://portal.azure.cn',
    storageSuffix: 'core.chinacloudapi.cn', keyVaultSuffix: 'vault.azure.cn', serviceBusSuffix: 'servicebus.chinacloudapi.cn',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment', authorityHost: 'https://login.microsoftonline.us',
    resourceManager: 'https://management.usgovcloudapi.net', resourceManagerAudience: 'https://management.usgovcloudapi.net',
    graph: 'https://graph.microsoft.us', graphAudience: 'https://graph.microsoft.us', portal: 'https://portal.azure.us',
    storageSuffix: 'core.usgovcloudapi.net', keyVaultSuffix: 'vault.usgovcloudapi.net', serviceBusSuffix: 'servicebus.usgovcloudapi.net',
  },
};

export type CloudSetting = string | Partial<CloudEndpoints> | null | undefined;

const trim = (url: string): string => url.replace(/\/+$/, '');

/** The cloud `az cloud set` chose: `[cloud] name = …` in $AZURE_CONFIG_DIR/config or ~/.azure/config. */
export async function azConfiguredCloud(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const dir = env.AZURE_CONFIG_DIR || (env.HOME ? join(env.HOME, '.azure') : undefined);
  if (!dir) return undefined;
  // The config may be a FIFO or /dev/zero (a HOME or AZURE_CONFIG_DIR set up by someone else): read it bounded.
  const text = await readOptionalText(join(dir, 'config'), 'toolSettings');
  if (text === undefined) return undefined;
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) { section = header[1]!.trim().toLowerCase(); continue; }
    const pair = /^name\s*[=:]\s*(.+)$/i.exec(line);
    if (section === 'cloud' && pair) return pair[1]!.trim();
  }
  return undefined;
}

export class CloudSettingError extends Error {}

function httpsUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new CloudSettingError(`azureDevAuth.cloud.${field} is missing.`);
  let url: URL;
  try { url = new URL(value); } catch { throw new CloudSettingError(`azureDevAuth.cloud.${field} is not a URL: ${value}`); }
  if (url.protocol !== 'https:') throw new CloudSettingError(`azureDevAuth.cloud.${field} must be an https URL: ${value}`);
  return trim(url.toString());
}

/**
 * The cloud from the setting: a known name, custom endpoints (authority host, ARM endpoint and audience, Graph endpoint
 * and audience, portal), or nothing (`azCloud`, the cloud `az` is set to as azConfiguredCloud read it, else AzureCloud).
 */
export function resolveCloud(setting: CloudSetting, azCloud?: string): CloudEndpoints {
  if (setting && typeof setting === 'object') {
    const base = KNOWN_CLOUDS.AzureCloud;
    const resourceManager = httpsUrl(setting.resourceManager, 'resourceManager');
    const graph = httpsUrl(setting.graph, 'graph');
    return {
      name: typeof setting.name === 'string' && setting.name ? setting.name : 'Custom',
      authorityHost: httpsUrl(setting.authorityHost, 'authorityHost'),
      resourceManager,
      resourceManagerAudience: setting.resourceManagerAudience ? httpsUrl(setting.resourceManagerAudience, 'resourceManagerAudience') : resourceManager,
      graph,
      graphAudience: setting.graphAudience ? httpsUrl(setting.graphAudience, 'graphAudience') : graph,
      portal: setting.portal ? httpsUrl(setting.portal, 'portal') : base.portal,
      storageSuffix: setting.storageSuffix ?? base.storageSuffix,
      keyVaultSuffix: setting.keyVaultSuffix ?? base.keyVaultSuffix,
      serviceBusSuffix: setting.serviceBusSuffix ?? base.serviceBusSuffix,
    };
  }
  const name = (typeof setting === 'string' && setting) ? setting : azCloud ?? 'AzureCloud';
  const known = Object.values(KNOWN_CLOUDS).find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!known) throw new CloudSettingError(`Unknown cloud "${name}": use AzureCloud, AzureChinaCloud, AzureUSGovernment or custom endpoints.`);
  return known;
}

/** The portal link for a scope (a resource, resource group or subscription). */
export function portalUrl(cloud: CloudEndpoints, scope: string): string {
  return `${cloud.portal}/#@/resource${scope}`;
}

/** Where the cloud's endpoints came from: never a workspace's files. */
export type CloudOrigin = 'setting' | 'flag' | 'environment' | 'az' | 'default';

export interface TrustedCloud {
  readonly cloud: CloudEndpoints;
  readonly origin: CloudOrigin;
  /** "from --cloud", "from the azureDevAuth.cloud setting", … */
  readonly from: string;
  /** What was ignored, and why (a workspace .env naming a cloud). */
  readonly notes: readonly string[];
}

const ORIGIN_WORDS: Record<CloudOrigin, string> = {
  setting: 'from the azureDevAuth.cloud setting',
  flag: 'from --cloud',
  environment: 'from AZURE_DEV_AUTH_CLOUD in this process\'s environment',
  az: 'the cloud az is set to (az cloud set)',
  default: 'the default',
};

/** Names a workspace .env could use to steer tokens; only the user's own settings, flags and environment count. */
export const CLOUD_VARIABLES = ['AZURE_DEV_AUTH_CLOUD'] as const;

function parsedSetting(raw: string | undefined): CloudSetting {
  if (raw && raw.trim().startsWith('{')) {
    try { return JSON.parse(raw) as CloudSetting; } catch { throw new CloudSettingError('AZURE_DEV_AUTH_CLOUD is not valid JSON.'); }
  }
  return raw;
}

/**
 * The cloud, from the user's setting or flag (`given`), else this process's environment (AZURE_DEV_AUTH_CLOUD, the
 * az configuration of its HOME / AZURE_CONFIG_DIR), else AzureCloud. `workspaceEnv` (the environment with a
 * workspace's .env merged in) is only read to say that a cloud it names is ignored: a cloned repository must not
 * decide where the user's ARM and Graph tokens go.
 */
export async function trustedCloud(options: {
  readonly given: CloudSetting;
  readonly givenBy: 'setting' | 'flag';
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  readonly workspaceEnv?: Readonly<Record<string, string | undefined>>;
}): Promise<TrustedCloud> {
  const notes: string[] = [];
  for (const name of CLOUD_VARIABLES) {
    const fromWorkspace = options.workspaceEnv?.[name];
    if (fromWorkspace !== undefined && fromWorkspace !== options.processEnv[name]) {
      notes.push(`${name} in the workspace's .env is ignored: the cloud's endpoints come only from your settings, --cloud or this process's environment.`);
    }
  }
  const given = options.given;
  const hasGiven = given !== undefined && given !== null && given !== '';
  let origin: CloudOrigin;
  let setting: CloudSetting;
  let azCloud: string | undefined;
  if (hasGiven) {
    origin = options.givenBy;
    setting = typeof given === 'string' && options.givenBy === 'flag' ? parsedSetting(given) : given;
  } else if (options.processEnv.AZURE_DEV_AUTH_CLOUD) {
    origin = 'environment';
    setting = parsedSetting(options.processEnv.AZURE_DEV_AUTH_CLOUD);
  } else {
    azCloud = await azConfiguredCloud(options.processEnv);
    origin = azCloud ? 'az' : 'default';
    setting = undefined;
  }
  const cloud = resolveCloud(setting, azCloud);
  return { cloud, origin, from: ORIGIN_WORDS[origin], notes };
}
