// The one way the chain, the wizards and the CLI read a file that a workspace, its .env or the environment names.
// Such a path is attacker-controlled: it may name a FIFO (an open() that never returns, a read that never ends),
// /dev/zero (a read that never ends and fills memory), a socket, a directory or a 1 GB file. So every read here is
// asynchronous (the extension host and the CLI's signal handlers keep running), opens with O_NONBLOCK before
// looking at the file (a FIFO without a writer cannot hang the open), refuses anything but a regular file, stops at
// a size limit chosen per kind of file, and stops when its AbortSignal fires.
import * as l10n from '@vscode/l10n';
import { constants } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';

/** What a file is for, which decides how large it may be. */
export type FileKind =
  | 'dotenv' | 'federatedToken' | 'certificate' | 'caBundle' | 'toolCache' | 'toolSettings' | 'authRecord' | 'arcKey' | 'workspaceSource' | 'gitIndex';

interface KindRule {
  readonly maxBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Limits far above any real file of the kind (a Kubernetes service account token is about 1 KB, a PEM or PKCS#12
 * certificate a few KB, a CA bundle about 250 KB, an MSAL cache some hundred KB), far below what hurts a process.
 */
export const FILE_RULES: Readonly<Record<FileKind, KindRule>> = {
  dotenv: { maxBytes: 1 * MiB },
  federatedToken: { maxBytes: 64 * KiB },
  certificate: { maxBytes: 1 * MiB },
  caBundle: { maxBytes: 16 * MiB },
  toolCache: { maxBytes: 32 * MiB },
  toolSettings: { maxBytes: 4 * MiB },
  authRecord: { maxBytes: 64 * KiB },
  arcKey: { maxBytes: 4 * KiB },
  workspaceSource: { maxBytes: 1 * MiB },
  // A repository of a few hundred thousand files has an index of tens of MB.
  gitIndex: { maxBytes: 64 * MiB },
};

/** How a file of the kind is named inside a sentence: "the .env file", "the federated token file". */
function labelOf(kind: FileKind): string {
  switch (kind) {
    case 'dotenv': return l10n.t('the .env file');
    case 'federatedToken': return l10n.t('the federated token file');
    case 'certificate': return l10n.t('the certificate file');
    case 'caBundle': return l10n.t('the CA bundle');
    case 'toolCache': return l10n.t('the token cache');
    case 'toolSettings': return l10n.t('the settings file');
    case 'authRecord': return l10n.t('the authentication record');
    case 'arcKey': return l10n.t('the Azure Arc key file');
    case 'workspaceSource': return l10n.t('the source file');
    case 'gitIndex': return l10n.t("git's index");
  }
}

/** The same name starting a sentence: its own message, since not every language capitalises the way English does. */
function subjectOf(kind: FileKind): string {
  switch (kind) {
    case 'dotenv': return l10n.t('The .env file');
    case 'federatedToken': return l10n.t('The federated token file');
    case 'certificate': return l10n.t('The certificate file');
    case 'caBundle': return l10n.t('The CA bundle');
    case 'toolCache': return l10n.t('The token cache');
    case 'toolSettings': return l10n.t('The settings file');
    case 'authRecord': return l10n.t('The authentication record');
    case 'arcKey': return l10n.t('The Azure Arc key file');
    case 'workspaceSource': return l10n.t('The source file');
    case 'gitIndex': return l10n.t("Git's index");
  }
}

export type RefusalReason = 'missing' | 'denied' | 'not-regular' | 'too-large' | 'unreadable';

/** A file that was not read, with a sentence a row can show. `code` keeps the system's errno name when there is one. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
  constructor(
    readonly path: string,
    readonly kind: FileKind,
    readonly reason: RefusalReason,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** What a non-regular file is, in words. */
function typeOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isSymbolicLink(): boolean }): string {
  if (stats.isDirectory()) return l10n.t('a directory');
  if (stats.isFIFO()) return l10n.t('a named pipe (FIFO)');
  if (stats.isCharacterDevice()) return l10n.t('a character device');
  if (stats.isBlockDevice()) return l10n.t('a block device');
  if (stats.isSocket()) return l10n.t('a socket');
  return l10n.t('not a regular file');
}

/** "Azure Dev Auth did not read the .env file /w/.env: it is a named pipe (FIFO), not a regular file." */
function notRegularText(path: string, kind: FileKind, what: string): string {
  return l10n.t('Azure Dev Auth did not read {0} {1}: it is {2}, not a regular file.', labelOf(kind), path, what);
}

function abortError(): Error {
  return new DOMException('The read was cancelled.', 'AbortError');
}

function sizeText(bytes: number): string {
  return bytes >= MiB ? l10n.t('{0} MB', Math.round(bytes / MiB)) : l10n.t('{0} KB', Math.max(1, Math.round(bytes / KiB)));
}

// O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever. It changes nothing for a regular
// file. O_NOCTTY: a terminal device named by a hostile path must not become the process's controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
  /** A smaller limit than the kind's (never a larger one). */
  readonly maxBytes?: number;
}

/**
 * The bytes of a regular file of at most the kind's size. Throws FileRefusedError with a readable message for a
 * missing, unreadable, non-regular or too large file, and an AbortError when the signal fires.
 */
export async function readBoundedFile(path: string, kind: FileKind, options: ReadOptions = {}): Promise<Buffer> {
  const { signal } = options;
  const rule = FILE_RULES[kind];
  const maxBytes = Math.min(rule.maxBytes, options.maxBytes ?? rule.maxBytes);
  if (signal?.aborted) throw abortError();
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw await openFailure(path, kind, error);
  }
  try {
    const stats = await handle.stat();
    if (signal?.aborted) throw abortError();
    if (!stats.isFile()) {
      throw new FileRefusedError(path, kind, 'not-regular', notRegularText(path, kind, typeOf(stats)), stats.isDirectory() ? 'EISDIR' : undefined);
    }
    if (stats.size > maxBytes) throw tooLarge(path, kind, maxBytes);
    // The size can change between fstat and the reads (a file still being written): read at most one byte past
    // the limit, so a file that grew is refused too instead of being read without end.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = 64 * KiB;
    for (;;) {
      if (signal?.aborted) throw abortError();
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path, kind, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof FileRefusedError || (error instanceof Error && error.name === 'AbortError')) throw error;
    throw failure(path, kind, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** readBoundedFile as UTF-8 text. */
export async function readBoundedText(path: string, kind: FileKind, options: ReadOptions = {}): Promise<string> {
  return (await readBoundedFile(path, kind, options)).toString('utf8');
}

function tooLarge(path: string, kind: FileKind, maxBytes: number): FileRefusedError {
  return new FileRefusedError(path, kind, 'too-large',
    l10n.t('Azure Dev Auth did not read {0} {1}: it is larger than {2}, far more than such a file holds.', labelOf(kind), path, sizeText(maxBytes)));
}

async function openFailure(path: string, kind: FileKind, error: unknown): Promise<FileRefusedError> {
  const code = (error as NodeJS.ErrnoException).code;
  // open() of a Unix socket fails with ENXIO; say what the path is rather than the errno.
  if (code === 'ENXIO' || code === 'EOPNOTSUPP') {
    const stats = await lstat(path).catch(() => undefined);
    if (stats) {
      return new FileRefusedError(path, kind, 'not-regular', notRegularText(path, kind, typeOf(stats)), code);
    }
  }
  return failure(path, kind, error);
}

function failure(path: string, kind: FileKind, error: unknown): FileRefusedError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileRefusedError(path, kind, 'missing', l10n.t('{0} {1} does not exist.', subjectOf(kind), path), code);
  if (code === 'EACCES' || code === 'EPERM') return new FileRefusedError(path, kind, 'denied', l10n.t('{0} {1} cannot be read: permission denied.', subjectOf(kind), path), code);
  if (code === 'EISDIR') return new FileRefusedError(path, kind, 'not-regular', notRegularText(path, kind, l10n.t('a directory')), code);
  // The system's own words (errno text) stay as the system wrote them.
  return new FileRefusedError(path, kind, 'unreadable', l10n.t('{0} {1} cannot be read: {2}', subjectOf(kind), path, (error as Error).message), code);
}

/** Whether a path names an existing file system entry (following links; stat never opens, so a FIFO cannot hang it). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/**
 * The text of a file, or undefined for any file that is not read (missing, not regular, too large, unreadable):
 * for optional configuration files (az's profile and config) where absence and refusal mean the same thing.
 */
export async function readOptionalText(path: string, kind: FileKind, options: ReadOptions = {}): Promise<string | undefined> {
  try {
    return await readBoundedText(path, kind, options);
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    return undefined;
  }
}

/**
 * Why a library that reads `path` itself (without limits) must not be handed it: not a regular file (a FIFO would
 * hang it, /dev/zero exhaust memory) or larger than the kind allows. Undefined when the file may be handed over or
 * does not exist (the library then reports that itself). Never blocks: O_NONBLOCK open, fstat, no read.
 */
export async function handOverProblem(path: string, kind: FileKind): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENXIO' || code === 'EOPNOTSUPP' ? (await openFailure(path, kind, error)).message : undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return notRegularText(path, kind, typeOf(stats));
    if (stats.size > FILE_RULES[kind].maxBytes) return tooLarge(path, kind, FILE_RULES[kind].maxBytes).message;
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
