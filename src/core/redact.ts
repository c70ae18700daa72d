// The one place that decides what a secret looks like in text. Every message that can reach a person (a chain
// row, its tooltip, Copy Details, the log, `--json`, a verification difference) passes through `redactSecrets`
// where it is built. Python prints some of these verbatim (a managed-identity body quoted after "Content:", an
// unparsable `az` output); we never do.

/** What replaces a secret. Short, and obviously not the value. */
export const REDACTED = '<redacted>';

// A compact JWS/JWT: base64url header starting with '{"' ("eyJ"), payload and (possibly empty) signature.
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

// Field names whose values are secrets, in JSON, Python repr and form/query encodings. Matched case-insensitively.
const SECRET_FIELDS = [
  'access_token', 'accessToken', 'refresh_token', 'refreshToken', 'id_token', 'idToken',
  'client_secret', 'clientSecret', 'client_assertion', 'password', 'secretText', 'token',
];
const FIELD_NAMES = SECRET_FIELDS.join('|');
// "name": "value"  and  'name': 'value'  (JSON and Python repr of a dict; escaped quotes inside the value kept).
const QUOTED_FIELD = new RegExp(`(["'])(${FIELD_NAMES})\\1(\\s*:\\s*)(["'])((?:\\\\.|(?!\\4)[^\\\\])*)\\4`, 'gi');
// name=value in a query string or form body (up to & or whitespace).
const ENCODED_FIELD = new RegExp(`(^|[?&\\s])(${FIELD_NAMES})=([^&\\s"']+)`, 'gi');
// Header lines: "Authorization: Bearer …", "Secret: …", "X-IDENTITY-HEADER: …" (and their repr in a dict).
const HEADER_LINE = /\b(authorization|proxy-authorization|secret|x-identity-header|x-ms-identity-header)(["']?\s*[:=]\s*["']?)([^\r\n"',}]+)/gi;
// A bearer or basic credential anywhere else ("Bearer eyJ…", "Basic dXNlcjpwYXNz").
const SCHEME_CREDENTIAL = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
// Azure PowerShell's token protocol line: azsdk%<token>%<expiry>.
const AZSDK_LINE = /azsdk%[^%\s]+%/g;

/** Values of these variables are secrets wherever they appear in text (an endpoint may echo them back). */
export const SECRET_VARIABLES = [
  'AZURE_CLIENT_SECRET', 'AZURE_PASSWORD', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'IDENTITY_HEADER', 'MSI_SECRET',
] as const;

/** The secrets an environment holds, for `redactSecrets` (values shorter than 4 characters would redact noise). */
export function secretsOf(env: Readonly<Record<string, string | undefined>>, extra: readonly string[] = []): string[] {
  const values = [...SECRET_VARIABLES.map((name) => env[name]), ...extra];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 4).map((v) => v.trim()))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
}

/**
 * Replaces tokens, secret fields, credential headers and every known secret value in `text`. Idempotent, and
 * keeps everything else byte for byte, so redacted texts from the engine and from Python compare equal.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(JWT, REDACTED)
    .replace(QUOTED_FIELD, (_m, q: string, name: string, sep: string, vq: string) => `${q}${name}${q}${sep}${vq}${REDACTED}${vq}`)
    .replace(ENCODED_FIELD, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED}`)
    .replace(AZSDK_LINE, `azsdk%${REDACTED}%`)
    .replace(HEADER_LINE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}
