// Small pieces of Python behaviour the messages depend on: repr() of decoded JSON (azure-identity formats
// unexpected responses with it), shutil.which, and datetime parsing of tool output.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a value json.loads produced. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** shutil.which(name) with the modelled PATH (os.defpath when PATH is absent). */
export function which(name: string, env: Readonly<Record<string, string>>): string | undefined {
  return whichEntry(name, env)?.file;
}

/** which(), and the PATH entry (as written in PATH) the program was found through; undefined entry for a path. */
export function whichEntry(
  name: string, env: Readonly<Record<string, string>>, cwd: string = process.cwd(),
): { file: string; entry: string | undefined } | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? { file: name, entry: undefined } : undefined;
  const path = env.PATH ?? '/bin:/usr/bin';
  for (const dir of path.split(delimiter)) {
    // An empty PATH entry means the current directory, as for the shell; a relative entry is relative to the
    // directory the app runs in (`cwd`), which for the user's app is the workspace folder, not ours.
    const candidate = resolve(cwd, dir || '.', name);
    if (isExecutableFile(candidate)) return { file: candidate, entry: dir };
  }
  return undefined;
}

/**
 * datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp(): a naive *local* time, as azure-identity reads
 * az's "expiresOn". Returns epoch seconds or undefined when Python would raise ValueError.
 */
export function parseLocalAzTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})\.(\d{1,6})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1) return undefined;
  return Math.floor(date.getTime() / 1000);
}

/** datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timestamp() — azd's format, also read as naive local time. */
export function parseAzdTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})Z$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1) return undefined;
  return Math.floor(date.getTime() / 1000);
}

/** int(x) for a JSON value the way Python would accept it (ints and digit strings). */
export function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
  return undefined;
}

function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  return typeof value === 'string' ? value : pythonRepr(value);
}

interface ODataError { code: unknown; message: unknown; target: unknown; details: ODataError[]; innererror: unknown }

function parseOData(node: unknown): ODataError | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  let obj = node as Record<string, unknown>;
  if ('error' in obj) {
    const inner = obj.error;
    // Python calls .get on it: a string or list there raises, and azure-core then gives up on the body.
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return undefined;
    obj = inner as Record<string, unknown>;
  }
  if (!obj.code && !obj.message) return undefined;
  const details = Array.isArray(obj.details) ? obj.details.map(parseOData).filter((d): d is ODataError => d !== undefined) : [];
  return { code: obj.code, message: obj.message, target: obj.target, details, innererror: obj.innererror };
}

function odataText(e: ODataError): string {
  let details = `Code: ${pyStr(e.code)}\nMessage: ${pyStr(e.message)}`;
  if (e.target) details += `\nTarget: ${pyStr(e.target)}`;
  if (e.details.length) {
    details += '\nException Details:';
    for (const d of e.details) details += odataText(d).split('\n').map((l) => `\t${l}`).join('\n');
  }
  if (e.innererror && (typeof e.innererror !== 'object' || Object.keys(e.innererror as object).length)) {
    details += `\nInner error: ${JSON.stringify(e.innererror, null, 4)}`;
  }
  return `(${pyStr(e.code)}) ${pyStr(e.message)}\n${details}`;
}

/**
 * str() of an azure-core HttpResponseError (ClientAuthenticationError) raised with the response attached: the
 * body's OData error when it has one, else the message followed by "\nContent: <body>", cut at 2048 characters.
 */
export function httpResponseErrorText(message: string, body: string): string {
  let parsed: ODataError | undefined;
  try { parsed = parseOData(JSON.parse(body)); } catch { parsed = undefined; }
  if (parsed) return odataText(parsed);
  return body ? `${message}\nContent: ${body}`.slice(0, 2048) : message;
}
