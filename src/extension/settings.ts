import * as vscode from 'vscode';
import {
  DEFAULT_CHECK_TIMEOUT_SECONDS, DEFAULT_ENV_FILE, EXCLUDE_SETTING_KEYS, type FolderSettings,
} from '../core/presentation/settings';
import type { CredentialName } from '../core/chain/types';
import type { CloudEndpoints, CloudSetting } from '../core/access/clouds';

const SECTION = 'azureDevAuth';
const DAC_SECTION = 'azureDevAuth.defaultAzureCredential';

/**
 * Every `azureDevAuth.*` setting as one workspace folder sees it (folder settings over workspace over user), read
 * in one place into a plain object. What follows from the values is decided in core/presentation/settings.ts.
 */
export function readSettings(folder: vscode.WorkspaceFolder | undefined): FolderSettings {
  const scope = folder?.uri;
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const dac = vscode.workspace.getConfiguration(DAC_SECTION, scope);
  const exclude: Partial<Record<CredentialName, boolean | null>> = {};
  for (const { credential, key } of EXCLUDE_SETTING_KEYS) {
    const value = dac.get<unknown>(key);
    exclude[credential] = typeof value === 'boolean' ? value : null;
  }
  const processTimeout = dac.get<unknown>('processTimeout');
  const requireEnvvar = dac.get<unknown>('requireEnvvar');
  const checkTimeout = config.get<unknown>('checkTimeout');
  const pythonPath = config.get<unknown>('pythonPath');
  const envFile = vscode.workspace.getConfiguration('python', scope).get<unknown>('envFile');
  return {
    checkOnStartup: config.get<unknown>('checkOnStartup') !== false,
    pythonPath: typeof pythonPath === 'string' ? pythonPath.trim() : '',
    checkTimeoutSeconds: typeof checkTimeout === 'number' ? checkTimeout : DEFAULT_CHECK_TIMEOUT_SECONDS,
    defaultAzureCredential: {
      exclude,
      processTimeout: typeof processTimeout === 'number' ? processTimeout : null,
      requireEnvvar: typeof requireEnvvar === 'boolean' ? requireEnvvar : null,
    },
    pythonEnvFile: typeof envFile === 'string' ? envFile : DEFAULT_ENV_FILE,
  };
}

/** `azureDevAuth.cloud` and `azureDevAuth.access.*`: what the Access view asks, and where. */
export interface AccessSettings {
  /** A cloud's name, custom endpoints, or null (the cloud az is set to, else AzureCloud). */
  readonly cloud: CloudSetting;
  /** Subscription ids to show; empty: every subscription in the token's tenant. */
  readonly subscriptions: readonly string[];
}

const CLOUD_FIELDS = ['name', 'authorityHost', 'resourceManager', 'resourceManagerAudience', 'graph', 'graphAudience', 'portal', 'storageSuffix', 'keyVaultSuffix', 'serviceBusSuffix'] as const;

/** The cloud setting as written: a string, an object of endpoint strings (other keys dropped), or null. */
function cloudSetting(value: unknown): CloudSetting {
  if (typeof value === 'string') return value.trim() || null;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const endpoints: { -readonly [K in keyof CloudEndpoints]?: string } = {};
  for (const field of CLOUD_FIELDS) {
    const v: unknown = Reflect.get(value, field);
    if (typeof v === 'string') endpoints[field] = v;
  }
  return endpoints;
}

export function readAccessSettings(folder: vscode.WorkspaceFolder | undefined): AccessSettings {
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const subscriptions = config.get<unknown>('access.subscriptions');
  return {
    cloud: cloudSetting(config.get<unknown>('cloud')),
    subscriptions: Array.isArray(subscriptions) ? subscriptions.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : [],
  };
}

/** Whether a configuration change alters what the Access view asks. */
export function affectsAccess(event: vscode.ConfigurationChangeEvent, folder: vscode.WorkspaceFolder | undefined): boolean {
  return event.affectsConfiguration(`${SECTION}.cloud`, folder?.uri) || event.affectsConfiguration(`${SECTION}.access`, folder?.uri);
}

/** Whether a configuration change can alter what a check of this folder finds. */
export function affectsCheck(event: vscode.ConfigurationChangeEvent, folder: vscode.WorkspaceFolder | undefined): boolean {
  return event.affectsConfiguration(SECTION, folder?.uri) || event.affectsConfiguration('python.envFile', folder?.uri);
}

/**
 * Where a setting the extension writes for a folder goes: that folder's settings in a multi-root workspace (each
 * folder has its own interpreter and keywords), the workspace's otherwise, the user's in a window without folders.
 */
function targetFor(folder: vscode.WorkspaceFolder | undefined): vscode.ConfigurationTarget {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  return folder && (vscode.workspace.workspaceFolders?.length ?? 0) > 1
    ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
}

export async function writePythonPath(folder: vscode.WorkspaceFolder | undefined, path: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION, folder?.uri).update('pythonPath', path, targetFor(folder));
}

export async function writeExclusions(
  folder: vscode.WorkspaceFolder | undefined, exclusions: Readonly<Partial<Record<CredentialName, boolean>>>,
): Promise<void> {
  const config = vscode.workspace.getConfiguration(DAC_SECTION, folder?.uri);
  for (const { credential, key } of EXCLUDE_SETTING_KEYS) {
    const excluded = exclusions[credential];
    if (typeof excluded === 'boolean') await config.update(key, excluded, targetFor(folder));
  }
}

/**
 * VS Code's own proxy settings (http.proxy, http.noProxy), from the user's settings only: the Azure layer sends
 * through them, over HTTPS_PROXY / NO_PROXY. A workspace's settings never choose where tokens travel.
 */
export function readProxySettings(): { proxy?: string; noProxy?: readonly string[] } {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.inspect<string>('proxy')?.globalValue;
  const noProxy = http.inspect<unknown>('noProxy')?.globalValue;
  return {
    ...(typeof proxy === 'string' && proxy.trim() ? { proxy: proxy.trim() } : {}),
    ...(Array.isArray(noProxy) ? { noProxy: noProxy.filter((h): h is string => typeof h === 'string') } : {}),
  };
}
