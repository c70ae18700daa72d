// DefaultAzureCredential's `exclude_*` keywords (and `require_envvar`) for the keyword arguments the user's code passes. The names are the
// same in every azure-identity version that has the credential at all (EXCLUDE_KEYWORDS, the shared contract);
// whether the installed version knows a keyword is decided in the interpreter (see VERIFY_SCRIPT), not from a
// version table.
import { EXCLUDE_KEYWORDS, STRING_KEYWORDS, type CredentialName, type KeywordArguments, type StringKeyword } from '../chain/types';

/** `{exclude_cli_credential: true, …}` for the credentials the caller set either way; unset ones keep the library default. */
export function excludeKeywords(keywordArguments: KeywordArguments): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(keywordArguments.exclude ?? {})) {
    if (typeof value !== 'boolean') continue;
    const keyword = EXCLUDE_KEYWORDS[name as CredentialName];
    if (keyword) out[keyword] = value;
  }
  return out;
}

/** Every True/False keyword the caller passes: the `exclude_*` ones and `require_envvar`. */
export function booleanKeywords(keywordArguments: KeywordArguments): Record<string, boolean> {
  const out = excludeKeywords(keywordArguments);
  if (keywordArguments.requireEnvvar !== undefined) out.require_envvar = keywordArguments.requireEnvvar;
  return out;
}

/** The string keywords the caller passes, by their Python name (`{managed_identity_client_id: "…"}`). */
export function stringKeywords(keywordArguments: KeywordArguments): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, keyword] of Object.entries(STRING_KEYWORDS) as [StringKeyword, string][]) {
    const value = keywordArguments[field];
    if (value !== undefined) out[keyword] = value;
  }
  return out;
}

/** A Python string literal for `value` (JSON's escapes are Python's too); "" reads as the None it may stand for. */
function pythonString(value: string): string {
  return value === '' ? 'None' : JSON.stringify(value);
}

/** The Python call the keyword arguments stand for, e.g. `DefaultAzureCredential(exclude_cli_credential=True, process_timeout=5)`. */
export function describeCall(keywordArguments: KeywordArguments): string {
  const parts = Object.entries(booleanKeywords(keywordArguments)).map(([k, v]) => `${k}=${v ? 'True' : 'False'}`);
  if (keywordArguments.processTimeoutSeconds !== undefined) parts.push(`process_timeout=${keywordArguments.processTimeoutSeconds}`);
  for (const [keyword, value] of Object.entries(stringKeywords(keywordArguments))) parts.push(`${keyword}=${pythonString(value)}`);
  if (keywordArguments.tenantIdWritten) parts.push('tenant_id=…');
  return `DefaultAzureCredential(${parts.join(', ')})`;
}
