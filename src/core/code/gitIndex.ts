// Whether git tracks a file, answered by reading the repository's index (`.git/index`) directly, never by running
// git: a workspace is hostile, and git run inside it runs the programs its config names (core.fsmonitor, hooks,
// filters, credential helpers…). The index is read with a bounded parser: its size is capped, every field is
// bounds-checked, and a file that does not parse gives "unknown", never a guess.
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { stat } from 'node:fs/promises';
import { FileRefusedError, readBoundedFile, readBoundedText } from '../files/boundedRead';

export type TrackedAnswer =
  | { readonly kind: 'tracked'; readonly repositoryRoot: string; readonly relativePath: string }
  | { readonly kind: 'untracked'; readonly repositoryRoot: string; readonly relativePath: string }
  | { readonly kind: 'no-repository' }
  /** There is a repository, but its index could not be read or understood. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** At most this many folders are walked up from the file to find its repository. */
const MAX_DEPTH = 64;
/** An index with more entries than this is not one (the largest monorepos have a few million files). */
const MAX_ENTRIES = 10_000_000;

export class GitIndexError extends Error {
  override readonly name = 'GitIndexError';
}

/**
 * The paths an index lists (as bytes, UTF-8 as git stores them), each passed to `visit`, which stops the walk by
 * returning true. Versions 2, 3 and 4 (prefix-compressed paths), SHA-1 and SHA-256 object names. Throws
 * GitIndexError on anything malformed.
 */
export function walkIndexPaths(index: Uint8Array, visit: (path: Uint8Array) => boolean): void {
  // The hash length is not in the index itself (it is in the config, which is not read): the layout that parses is the one.
  let firstError: unknown;
  for (const hashLength of [20, 32]) {
    try {
      walkWithHash(index, hashLength, visit);
      return;
    } catch (error) {
      if (!(error instanceof GitIndexError)) throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}

function walkWithHash(index: Uint8Array, hashLength: number, visit: (path: Uint8Array) => boolean): void {
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  const need = (offset: number, length: number) => {
    if (offset + length > index.byteLength) throw new GitIndexError('the index ends in the middle of an entry');
  };
  need(0, 12);
  if (index[0] !== 0x44 || index[1] !== 0x49 || index[2] !== 0x52 || index[3] !== 0x43) throw new GitIndexError('not a git index (no DIRC signature)');
  const version = view.getUint32(4);
  if (version < 2 || version > 4) throw new GitIndexError(`index version ${version} is not known`);
  const count = view.getUint32(8);
  if (count > MAX_ENTRIES) throw new GitIndexError(`the index claims ${count} entries`);
  // The fixed part: ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each), the object name, flags (2).
  const fixed = 40 + hashLength + 2;
  let offset = 12;
  let previous: Uint8Array = new Uint8Array(0);
  // First pass validates the whole layout with this hash length before anything is reported: a wrong guess must not
  // report paths read from the wrong offsets.
  const paths: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = offset;
    need(offset, fixed);
    const flags = view.getUint16(offset + 40 + hashLength);
    const nameLength = flags & 0x0fff;
    offset += fixed;
    if (flags & 0x4000) {
      if (version < 3) throw new GitIndexError('an extended entry in a version 2 index');
      need(offset, 2);
      offset += 2;
    }
    let path: Uint8Array;
    if (version === 4) {
      // The number of bytes to drop from the previous path (git's offset varint), then the rest, NUL-terminated.
      let strip = 0;
      for (let n = 0; ; n++) {
        need(offset, 1);
        const byte = index[offset++]!;
        if (n > 0) strip += 1;
        strip = strip * 128 + (byte & 0x7f);
        if (!(byte & 0x80)) break;
        if (n > 8) throw new GitIndexError('a path prefix length that does not end');
      }
      if (strip > previous.length) throw new GitIndexError('a path prefix longer than the previous path');
      const end = index.indexOf(0, offset);
      if (end < 0) throw new GitIndexError('a path that does not end');
      const suffix = index.subarray(offset, end);
      path = new Uint8Array(previous.length - strip + suffix.length);
      path.set(previous.subarray(0, previous.length - strip));
      path.set(suffix, previous.length - strip);
      offset = end + 1;
    } else {
      const end = index.indexOf(0, offset);
      if (end < 0) throw new GitIndexError('a path that does not end');
      path = index.subarray(offset, end);
      // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
      const length = end - start;
      offset = start + (Math.floor(length / 8) + 1) * 8;
      need(start, offset - start);
      for (let p = end; p < offset; p++) if (index[p] !== 0) throw new GitIndexError('an entry whose padding is not zero');
    }
    if (nameLength !== 0x0fff && nameLength !== path.length) throw new GitIndexError('an entry whose path length does not match its flags');
    if (path.length === 0) throw new GitIndexError('an entry without a path');
    paths.push(path);
    previous = path;
  }
  // Extensions and the trailing checksum follow; what they hold (split index, sparse directories) is not needed.
  need(offset, hashLength);
  for (const path of paths) if (visit(path)) return;
}

/** Whether the index lists `relativePath` ('/'-separated, from the repository's root). */
export function indexLists(index: Uint8Array, relativePath: string): boolean {
  const wanted = new TextEncoder().encode(relativePath);
  let found = false;
  walkIndexPaths(index, (path) => {
    found = path.length === wanted.length && path.every((b, i) => b === wanted[i]);
    return found;
  });
  return found;
}

/** The repository's git directory for a work tree root: `.git` itself, or where a `.git` file (`gitdir: …`) points. */
async function gitDirOf(root: string): Promise<string | undefined> {
  const dotGit = join(root, '.git');
  let info;
  try {
    info = await stat(dotGit);
  } catch {
    return undefined;
  }
  if (info.isDirectory()) return dotGit;
  if (!info.isFile()) return undefined;
  const text = await readBoundedText(dotGit, 'toolSettings', { maxBytes: 4096 });
  const match = /^gitdir: (.+?)\s*$/m.exec(text);
  if (!match) return undefined;
  return isAbsolute(match[1]!) ? match[1]! : resolve(root, match[1]!);
}

/** Whether git tracks `file` (an absolute path): looks for the nearest repository above it and reads its index. */
export async function isTrackedByGit(file: string, signal?: AbortSignal): Promise<TrackedAnswer> {
  let folder = dirname(file);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    let gitDir: string | undefined;
    try {
      gitDir = await gitDirOf(folder);
    } catch (error) {
      return { kind: 'unknown', reason: error instanceof Error ? error.message : String(error) };
    }
    if (gitDir) {
      const relativePath = relative(folder, file).split(sep).join('/');
      let index: Buffer;
      try {
        index = await readBoundedFile(join(gitDir, 'index'), 'gitIndex', { signal });
      } catch (error) {
        // A repository with nothing staged yet has no index: nothing is tracked.
        if (error instanceof FileRefusedError && error.reason === 'missing') return { kind: 'untracked', repositoryRoot: folder, relativePath };
        if (error instanceof FileRefusedError) return { kind: 'unknown', reason: error.message };
        throw error;
      }
      try {
        return { kind: indexLists(index, relativePath) ? 'tracked' : 'untracked', repositoryRoot: folder, relativePath };
      } catch (error) {
        if (error instanceof GitIndexError) return { kind: 'unknown', reason: `git's index in ${gitDir} could not be read: ${error.message}` };
        throw error;
      }
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return { kind: 'no-repository' };
}
