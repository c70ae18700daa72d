// Writing a service principal's variables into a workspace `.env`, and keeping that file out of git. The edit is
// planned as text first (so the caller can confirm replacements) and every line it does not own stays byte for byte:
// comments, blank lines, other variables, `export ` prefixes, CRLF or LF endings, a missing final newline. Values are
// quoted so that python-dotenv (what the app loads), the `dotenv` package (what this extension reads) and the Python
// extension all read back exactly the value written; a value no quoting can carry that way is refused.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'dotenv';
import * as l10n from '@vscode/l10n';

export type EnvFileErrorKind = 'invalid-key' | 'invalid-value' | 'unquotable-value' | 'invalid-file-name' | 'not-a-file' | 'too-large' | 'not-utf8' | 'changed' | 'locked' | 'git';

/** Thrown for a refused edit or an unusable file. Messages name variables and files, never a value. */
export class EnvFileError extends Error {
  constructor(readonly kind: EnvFileErrorKind, message: string) {
    super(message);
    this.name = 'EnvFileError';
  }
}

export interface EnvUpdatePlan {
  /** The whole new file. */
  readonly text: string;
  /** Keys appended at the end, in the order given. */
  readonly added: string[];
  /** Keys whose current value differs and whose line is replaced in place (the caller confirms these first). */
  readonly replaced: string[];
  /** Keys that already hold the value; their lines are left alone. */
  readonly unchanged: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Whether the text holds a line break of any parser involved (dotenv's fast mode also breaks at U+2028/U+2029), NUL
 * or another control character (a tab is allowed).
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
const MAX_FILE_BYTES = 1024 * 1024;

function keyLabel(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}

/**
 * The value as it goes after `KEY=`. Single quotes: python-dotenv decodes only `\\` and `\'` there and interpolates
 * nothing, dotenv decodes nothing. Double quotes (for a value holding `'`): both decode only backslash escapes, so
 * the value may hold no backslash. `${` is refused everywhere: python-dotenv expands it in double quotes, and the
 * Python extension (and this extension's reader, which follows it) in any value; `\$` likewise turns into `$`.
 */
function quoted(key: string, value: string): string {
  if (hasControlCharacter(value)) throw new EnvFileError('invalid-value', l10n.t('The value of {0} contains a line break, NUL or another control character; .env cannot hold it.', keyLabel(key)));
  const unquotable = (): EnvFileError => new EnvFileError('unquotable-value',
    l10n.t('The value of {0} cannot be written so that python-dotenv and the dotenv package both read it back unchanged (it combines quotes, backslashes or "${"). Set it in the environment instead.', keyLabel(key)));
  if (value.includes('${')) throw unquotable();
  if (!value.includes("'")) {
    const backslashSafe = !/\\[\\'$]/.test(value) && !value.endsWith('\\');
    if (backslashSafe) return `'${value}'`;
    throw unquotable();
  }
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`;
  throw unquotable();
}

interface Assignment {
  readonly key: string;
  /** Offset of the line that assigns the key. */
  readonly start: number;
  /** Offset just after the value's last line, before its line ending. */
  readonly end: number;
  /** Indentation, a byte-order mark and `export `, kept when the line is replaced. */
  readonly prefix: string;
}

/** Offset of the next line ending at or after `from` (or the text's length) and the ending's length. */
function lineEnd(text: string, from: number): { at: number; length: number } {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return { at: i, length: 1 };
    if (c === 13) return { at: i, length: text.charCodeAt(i + 1) === 10 ? 2 : 1 };
  }
  return { at: text.length, length: 0 };
}

const ASSIGNMENT = /^(\uFEFF?[ \t]*(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(?:=|:(?=[ \t]))[ \t]*/;

/**
 * Every `KEY=value` of the text with the span it occupies. A quoted value may run over several lines (both parsers
 * allow that), so the lines up to its closing quote belong to it; `\'` (or `\"`) does not close it, as in
 * python-dotenv's grammar. An unclosed quote makes the assignment one line long, as both parsers treat it.
 */
function assignments(text: string): Assignment[] {
  const found: Assignment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const first = lineEnd(text, pos);
    const match = ASSIGNMENT.exec(text.slice(pos, first.at));
    if (!match) { pos = first.at + first.length; continue; }
    let end = first.at;
    let next = first.at + first.length;
    const valueStart = pos + match[0].length;
    const quote = text[valueStart];
    if (quote === "'" || quote === '"') {
      let i = valueStart + 1;
      while (i < text.length) {
        if (text[i] === '\\' && text[i + 1] === quote) { i += 2; continue; }
        if (text[i] === quote) break;
        i++;
      }
      if (i < text.length) {
        const last = lineEnd(text, i);
        end = last.at;
        next = last.at + last.length;
      }
    }
    found.push({ key: match[2]!, start: pos, end, prefix: match[1]! });
    pos = next;
  }
  return found;
}

/** The line ending new lines get: the file's own (CRLF when it has any), LF for a new file. */
function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function endsWithLineBreak(text: string): boolean {
  return text.endsWith('\n') || text.endsWith('\r');
}

/**
 * Plans setting `values` in a `.env` whose current text is `existing` (undefined: no file yet). A key already
 * assigned keeps its place: its last assignment (the one both parsers use) is replaced, earlier duplicates stay as
 * they are. New keys are appended. Throws EnvFileError for an invalid key or a value `.env` cannot carry.
 */
export function planEnvUpdate(existing: string | undefined, values: Readonly<Record<string, string>>): EnvUpdatePlan {
  const entries = Object.entries(values);
  const lines = new Map<string, string>();
  for (const [key, value] of entries) {
    if (!KEY.test(key)) throw new EnvFileError('invalid-key', l10n.t('{0} is not a valid variable name (letters, digits and _, not starting with a digit).', keyLabel(key)));
    if (typeof value !== 'string') throw new EnvFileError('invalid-value', l10n.t('The value of {0} is not text.', keyLabel(key)));
    lines.set(key, `${key}=${quoted(key, value)}`);
  }
  const text = existing ?? '';
  const current = parse(text);
  const spans = assignments(text);
  const added: string[] = [];
  const replaced: string[] = [];
  const unchanged: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const appended: string[] = [];
  for (const [key, value] of entries) {
    const last = spans.filter((s) => s.key === key).at(-1);
    const has = Object.prototype.hasOwnProperty.call(current, key);
    if (has && current[key] === value && last) { unchanged.push(key); continue; }
    if (last) {
      replaced.push(key);
      edits.push({ start: last.start, end: last.end, text: `${last.prefix}${lines.get(key)!}` });
    } else if (has) {
      // dotenv reads an assignment this plan cannot place (an unusual spelling): a later line wins in both parsers.
      replaced.push(key);
      appended.push(lines.get(key)!);
    } else {
      added.push(key);
      appended.push(lines.get(key)!);
    }
  }
  let result = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  if (appended.length > 0) {
    const eol = lineEnding(text);
    if (result.length > 0 && !endsWithLineBreak(result)) result += eol;
    result += appended.map((line) => `${line}${eol}`).join('');
  }
  return { text: result, added, replaced, unchanged };
}

export interface EnvRemovalPlan {
  /** The whole new file. */
  readonly text: string;
  /** Keys whose assignments were taken out, in the order given. */
  readonly removed: string[];
  /**
   * Keys the dotenv package still reads from the new text: an assignment in a spelling this plan does not place.
   * The caller says so rather than claiming the variable is gone.
   */
  readonly remaining: string[];
}

/**
 * Plans taking `keys` out of a `.env` whose current text is `existing`: every assignment of each key (earlier
 * duplicates too, which would otherwise become the value read) is removed with its line ending, and every other
 * byte stays as it is: comments, blank lines, other variables, CRLF or LF endings, a missing final newline.
 */
export function planEnvRemoval(existing: string, keys: readonly string[]): EnvRemovalPlan {
  for (const key of keys) {
    if (!KEY.test(key)) throw new EnvFileError('invalid-key', l10n.t('{0} is not a valid variable name (letters, digits and _, not starting with a digit).', keyLabel(key)));
  }
  const wanted = new Set(keys);
  const spans = assignments(existing).filter((s) => wanted.has(s.key));
  let text = '';
  let at = 0;
  for (const span of spans) {
    const ending = lineEnd(existing, span.end);
    // A byte-order mark belongs to the file, not to its first line.
    const start = span.start === 0 && existing.startsWith('\uFEFF') ? 1 : span.start;
    text += existing.slice(at, start);
    at = ending.at + ending.length;
  }
  text += existing.slice(at);
  const removedKeys = new Set(spans.map((s) => s.key));
  const left = parse(text);
  return {
    text,
    removed: keys.filter((k) => removedKeys.has(k)),
    remaining: keys.filter((k) => Object.prototype.hasOwnProperty.call(left, k)),
  };
}

/** A .gitignore pattern that matches exactly this file name (glob characters and a leading `!`/`#` escaped). */
function gitignorePattern(entry: string): string {
  return entry.replace(/[*?[\]\\]/g, (c) => `\\${c}`).replace(/^([!#])/, '\\$1');
}

/** `.gitignore` text with `entry` appended as its own line; every existing byte is kept. */
export function planGitignoreUpdate(existing: string | undefined, entry = '.env'): string {
  if (!entry || hasControlCharacter(entry) || entry.trim() !== entry) throw new EnvFileError('invalid-file-name', l10n.t('{0} cannot be a .gitignore entry.', keyLabel(entry)));
  const text = existing ?? '';
  const eol = lineEnding(text);
  return `${text}${text.length > 0 && !endsWithLineBreak(text) ? eol : ''}${gitignorePattern(entry)}${eol}`;
}

function checkFileName(fileName: string): void {
  if (!fileName || fileName === '.' || fileName === '..' || /[/\\\0]/.test(fileName) || hasControlCharacter(fileName)) {
    throw new EnvFileError('invalid-file-name', l10n.t('{0} is not a file name.', keyLabel(fileName)));
  }
}

/** The file's text, or undefined when it does not exist. Refuses links, non-files, files over 1 MiB and non-UTF-8. */
export async function readWorkspaceTextFile(folder: string, fileName = '.env'): Promise<string | undefined> {
  checkFileName(fileName);
  const path = join(folder, fileName);
  let info;
  try { info = await lstat(path); } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A link could point anywhere (a cloned repository chooses it): neither read through it nor replace it.
  if (info.isSymbolicLink()) throw new EnvFileError('not-a-file', l10n.t('{0} is a symbolic link; edit the file it points to yourself.', path));
  if (!info.isFile()) throw new EnvFileError('not-a-file', l10n.t('{0} is not a regular file.', path));
  if (info.size > MAX_FILE_BYTES) throw new EnvFileError('too-large', l10n.t('{0} is larger than 1 MiB.', path));
  const bytes = await readFile(path);
  try {
    // ignoreBOM keeps a byte-order mark in the text, so writing it back keeps it too.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new EnvFileError('not-utf8', l10n.t('{0} is not UTF-8 text; it is left as it is.', path));
  }
}

export interface WriteOptions {
  readonly fileName?: string;
  /**
   * The text the plan was made from (undefined: no file). When given, a file that changed since is not overwritten
   * (EnvFileError 'changed').
   */
  readonly expected?: string | undefined;
}

/** What a write did: whether it made the file, and the mode it had when that mode let others read a secret. */
export interface WriteOutcome {
  readonly created: boolean;
  /** The file's earlier mode (e.g. 0o644) when it was wider than owner-only and the write narrowed it to 0600. */
  readonly narrowedFrom?: number;
}

/** How long a writer waits for another one's lock before it gives up with a reason; a lock this old is stale. */
const LOCK_WAIT_MS = 3_000;
const STALE_LOCK_MS = 30_000;

/**
 * Holds `<folder>/<name>.lock` (created exclusively) while `task` runs: of two writers of the same file, the second
 * waits for the first, then sees its change (the `expected` check), instead of silently replacing it.
 */
async function withFileLock<T>(folder: string, fileName: string, task: () => Promise<T>): Promise<T> {
  const lock = join(folder, `${fileName}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await lstat(lock).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) { await unlink(lock).catch(() => undefined); continue; }
      if (Date.now() > deadline) {
        throw new EnvFileError('locked', l10n.t('Another write to {0} is in progress ({1} exists); nothing was written. Try again in a moment.', join(folder, fileName), lock));
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await task();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/**
 * Replaces the file atomically: a new file in the same folder (created exclusively, so nothing can be planted under
 * its name) is written, flushed and renamed over the old one, under the file's lock. A new file gets `newMode`; an
 * existing one keeps its mode, unless `ownerOnly` (the text holds a secret): then it becomes 0600.
 */
async function atomicWrite(folder: string, fileName: string, text: string, newMode: number, options: WriteOptions & { ownerOnly?: boolean }): Promise<WriteOutcome> {
  checkFileName(fileName);
  return withFileLock(folder, fileName, () => atomicWriteLocked(folder, fileName, text, newMode, options));
}

async function atomicWriteLocked(folder: string, fileName: string, text: string, newMode: number, options: WriteOptions & { ownerOnly?: boolean }): Promise<WriteOutcome> {
  const path = join(folder, fileName);
  let mode = newMode;
  let created = true;
  let narrowedFrom: number | undefined;
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) throw new EnvFileError('not-a-file', l10n.t('{0} is a symbolic link; edit the file it points to yourself.', path));
    if (!info.isFile()) throw new EnvFileError('not-a-file', l10n.t('{0} is not a regular file.', path));
    mode = info.mode & 0o7777;
    created = false;
    if (options.ownerOnly && (mode & 0o077) !== 0) {
      narrowedFrom = mode;
      mode = 0o600;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if ('expected' in options) {
    const now = await readWorkspaceTextFile(folder, fileName);
    if (now !== options.expected) throw new EnvFileError('changed', l10n.t('{0} changed since it was read; nothing was written.', path));
  }
  const temp = join(folder, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the creation mode; an existing file's mode is restored exactly.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return narrowedFrom === undefined ? { created } : { created, narrowedFrom };
}

/** Variables whose value is a secret: a file that holds one is readable by its owner only. */
const SECRET_KEYS = ['AZURE_CLIENT_SECRET', 'AZURE_PASSWORD', 'AZURE_CLIENT_CERTIFICATE_PASSWORD'];

/**
 * Writes a planned `.env`: mode 0600 when it is new, the existing mode otherwise — except that a file that holds a
 * secret afterwards is made 0600 (`narrowedFrom` tells its earlier, wider mode, so the developer can be told).
 */
export function writeEnvFile(folder: string, plan: Pick<EnvUpdatePlan, 'text'>, options: WriteOptions = {}): Promise<WriteOutcome> {
  const values = parse(plan.text);
  const ownerOnly = SECRET_KEYS.some((key) => Boolean(values[key]));
  return atomicWrite(folder, options.fileName ?? '.env', plan.text, 0o600, { ...options, ownerOnly });
}

/**
 * Sets `values` in the file, re-reading and re-planning when another writer changed it in between (its change is
 * kept). `mayReplace` says whether keys that now hold other values may be replaced (a confirmation the caller got
 * for the first plan); when it says no, the write is refused with 'changed'.
 */
export async function updateEnvFile(
  folder: string, values: Readonly<Record<string, string>>, options: { fileName?: string; mayReplace?: (keys: readonly string[]) => boolean } = {},
): Promise<WriteOutcome & { plan: EnvUpdatePlan }> {
  const fileName = options.fileName ?? '.env';
  for (let attempt = 0; ; attempt++) {
    const existing = await readWorkspaceTextFile(folder, fileName);
    const plan = planEnvUpdate(existing, values);
    if (plan.replaced.length && options.mayReplace && !options.mayReplace(plan.replaced)) {
      throw new EnvFileError('changed', plan.replaced.length > 1
        ? l10n.t('{0} changed: {1} now hold other values; nothing was written.', join(folder, fileName), plan.replaced.join(', '))
        : l10n.t('{0} changed: {1} now holds other values; nothing was written.', join(folder, fileName), plan.replaced.join(', ')));
    }
    try {
      return { ...await writeEnvFile(folder, plan, { fileName, expected: existing }), plan };
    } catch (error) {
      if (!(error instanceof EnvFileError && error.kind === 'changed') || attempt >= 4) throw error;
    }
  }
}

/** Writes a planned `.gitignore` (planGitignoreUpdate): mode 0644 when it is new, the existing mode otherwise. */
export function writeGitignore(folder: string, text: string, options: Omit<WriteOptions, 'fileName'> = {}): Promise<{ created: boolean }> {
  return atomicWrite(folder, '.gitignore', text, 0o644, options);
}

export interface GitIgnoreStatus {
  /** The folder is inside a git work tree (false also when git is not installed). */
  readonly inRepository: boolean;
  /** git's ignore rules match the file (whether or not it is tracked). */
  readonly ignored: boolean;
  /** The file is in git's index: committing would publish it, ignore rules or not. */
  readonly tracked: boolean;
}

export interface GitOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** The environment git runs in (default: this process's, without variables that would point git elsewhere). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface GitExit { readonly code: number; readonly stderr: string }

function gitEnvironment(base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|COMMON_DIR|NAMESPACE|CONFIG_PARAMETERS|CONFIG_COUNT)$/.test(name)) env[name] = value;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

function runGit(args: readonly string[], options: GitOptions): Promise<GitExit | 'not-installed'> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // A repository's own config can name a program for git to run (core.fsmonitor) when it reads the index; a
  // cloned repository must not get to run code this way, so the command line turns it off.
  const argv = ['-c', 'core.fsmonitor=false', ...args];
  return new Promise((resolve, reject) => {
    execFile('git', argv, { env: gitEnvironment(options.env ?? process.env), timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 64 * 1024, ...(options.signal ? { signal: options.signal } : {}) },
      (error, _stdout, stderr) => {
        if (!error) { resolve({ code: 0, stderr: String(stderr) }); return; }
        const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (e.name === 'AbortError' || options.signal?.aborted) { reject(new EnvFileError('git', l10n.t('The git check was cancelled.'))); return; }
        if (e.code === 'ENOENT') { resolve('not-installed'); return; }
        if (e.killed) { reject(new EnvFileError('git', l10n.t('git did not answer within {0} s.', Math.round(timeoutMs / 1000)))); return; }
        if (typeof e.code === 'number') { resolve({ code: e.code, stderr: String(stderr) }); return; }
        reject(new EnvFileError('git', l10n.t('git could not be run: {0}', e.message.split('\n')[0])));
      });
  });
}

/**
 * Whether git would ignore `<folder>/<fileName>` and whether it is tracked, from `git check-ignore` and
 * `git ls-files --error-unmatch`. `--no-index` makes check-ignore answer from the ignore rules even for a tracked
 * file, so a `.gitignore` entry is not added twice. No git, or a folder outside a work tree: `inRepository` false.
 * Rejects with EnvFileError('git') on timeout, cancellation or a git that cannot be started.
 */
export async function gitIgnoreStatus(folder: string, fileName = '.env', options: GitOptions = {}): Promise<GitIgnoreStatus> {
  checkFileName(fileName);
  const outside: GitIgnoreStatus = { inRepository: false, ignored: false, tracked: false };
  const ignore = await runGit(['-C', folder, 'check-ignore', '--no-index', '-q', '--', fileName], options);
  if (ignore === 'not-installed' || ignore.code > 1) return outside;
  const listed = await runGit(['-C', folder, 'ls-files', '--error-unmatch', '--', fileName], options);
  if (listed === 'not-installed' || listed.code > 1) return outside;
  return { inRepository: true, ignored: ignore.code === 0, tracked: listed.code === 0 };
}
