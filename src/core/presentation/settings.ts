// The extension's settings as plain data, and what follows from them. The extension reads VS Code's configuration
// into these shapes (src/extension/settings.ts); everything that decides something from a setting lives here, so
// it is the same in every caller and testable without VS Code.
import { isAbsolute, resolve } from 'node:path';
import { ALL_CREDENTIALS, type CredentialName, type KeywordArguments } from '../chain/types';

/** `azureDevAuth.defaultAzureCredential.*`: the keyword arguments the user's code passes, as settings. */
export interface DefaultAzureCredentialSettings {
  /** `exclude<Credential>`: true/false as the code passes it; null (or absent) leaves the library default. */
  readonly exclude: Readonly<Partial<Record<CredentialName, boolean | null>>>;
  /** `processTimeout` in seconds; null leaves the library default. */
  readonly processTimeout: number | null;
  /** `requireEnvvar`: require_envvar= as the code passes it (1.25+); null/absent: not passed. */
  readonly requireEnvvar?: boolean | null;
}

/** Every `azureDevAuth.*` setting as one workspace folder sees it (plus the Python extension's `python.envFile`). */
export interface FolderSettings {
  readonly checkOnStartup: boolean;
  /** Empty when not set. */
  readonly pythonPath: string;
  /** Overall limit of one check (interpreter plus every source), in seconds. */
  readonly checkTimeoutSeconds: number;
  readonly defaultAzureCredential: DefaultAzureCredentialSettings;
  /** `python.envFile` as written, e.g. "${workspaceFolder}/.env". */
  readonly pythonEnvFile: string;
}

export const DEFAULT_CHECK_TIMEOUT_SECONDS = 60;
export const DEFAULT_ENV_FILE = '${workspaceFolder}/.env';

/** The setting key of a credential's exclusion, e.g. "excludeAzureCliCredential". */
export function excludeSettingKey(credential: CredentialName): string {
  return `exclude${credential}`;
}

/** All `exclude<Credential>` keys, for reading them one by one. */
export const EXCLUDE_SETTING_KEYS: readonly { readonly credential: CredentialName; readonly key: string }[] =
  ALL_CREDENTIALS.map((credential) => ({ credential, key: excludeSettingKey(credential) }));

/** The keyword arguments the settings model: only the exclusions set either way, and a positive timeout. */
export function keywordArgumentsFromSettings(settings: DefaultAzureCredentialSettings): KeywordArguments {
  const exclude: Partial<Record<CredentialName, boolean>> = {};
  for (const credential of ALL_CREDENTIALS) {
    const value = settings.exclude[credential];
    if (typeof value === 'boolean') exclude[credential] = value;
  }
  const timeout = settings.processTimeout;
  return {
    exclude,
    processTimeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    ...(typeof settings.requireEnvvar === 'boolean' ? { requireEnvvar: settings.requireEnvvar } : {}),
  };
}

/** The `azureDevAuth.defaultAzureCredential.*` keys that are set (not null), e.g. "excludeAzureCliCredential". */
export function setDefaultAzureCredentialKeys(settings: DefaultAzureCredentialSettings): string[] {
  const keys = EXCLUDE_SETTING_KEYS.filter(({ credential }) => typeof settings.exclude[credential] === 'boolean').map(({ key }) => key);
  if (typeof settings.processTimeout === 'number') keys.push('processTimeout');
  if (typeof settings.requireEnvvar === 'boolean') keys.push('requireEnvvar');
  return keys;
}

/** A usable overall timeout: a setting of 0, a negative or a non-number falls back to the default. */
export function checkTimeoutMs(settings: Pick<FolderSettings, 'checkTimeoutSeconds'>): number {
  const seconds = settings.checkTimeoutSeconds;
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_CHECK_TIMEOUT_SECONDS) * 1000;
}

/** `process.env` without its undefined entries: the environment a child process really gets. */
export function definedEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') out[name] = value;
  return out;
}

/** The `.env` file `python.envFile` names for a folder, as an absolute path. */
export function envFilePath(setting: string, folderPath: string): string {
  const path = (setting.trim() || DEFAULT_ENV_FILE).replace(/\$\{workspaceFolder\}/g, folderPath);
  return isAbsolute(path) ? path : resolve(folderPath, path);
}

/**
 * The keyword arguments a check models: the ones the code's own `DefaultAzureCredential(...)` passes, with the
 * settings on top wherever a setting is set (they are overrides for what the code does not say, or says otherwise
 * at run time).
 */
export function withCodeKeywords(code: KeywordArguments | undefined, settings: KeywordArguments): KeywordArguments {
  if (!code) return settings;
  const processTimeoutSeconds = settings.processTimeoutSeconds ?? code.processTimeoutSeconds;
  const requireEnvvar = settings.requireEnvvar ?? code.requireEnvvar;
  // The code's string keywords and tenant_id have no setting: they come from the code alone.
  const { exclude: _exclude, processTimeoutSeconds: _timeout, requireEnvvar: _require, ...codeOnly } = code;
  return {
    ...codeOnly,
    exclude: { ...code.exclude, ...settings.exclude },
    ...(processTimeoutSeconds !== undefined ? { processTimeoutSeconds } : {}),
    ...(requireEnvvar !== undefined ? { requireEnvvar } : {}),
  };
}
