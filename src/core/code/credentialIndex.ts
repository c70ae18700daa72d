// What the Python files of a whole workspace build — credential constructions, SDK clients, track-1 authentication —
// kept per file and re-read only for files whose modification time or size changed, so that a save re-parses one
// file and an unchanged workspace costs one look-up per file. Each file is parsed once for all three readers.
// Enumerating and reading files is the caller's (the extension through VS Code's file search, the CLI and the
// benchmark through the file system): this class only decides what to parse and keeps the answers.
import type { Tree } from '@vscode/tree-sitter-wasm';
import { clientCallsOf, type ClientCall } from './clientCalls';
import type { CredentialCall } from './credentialCalls';
import { credentialCallsOf } from './credentialCalls';
import { legacyAuthOf, type LegacyUsage } from './legacyAuth';
import { parsePython } from './pythonParser';

export interface SourceFile {
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Files larger than this are not Python a developer wrote by hand (generated, vendored): skipped. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/** What one parse of a file tells. */
export interface FileFacts {
  readonly calls: readonly CredentialCall[];
  readonly clients: readonly ClientCall[];
  /**
   * For each client, where its first line ends (the column): a file that is not open has no document to ask, and
   * the Problems panel marks a client on the line where its construction starts.
   */
  readonly clientLineEnds: readonly number[];
  readonly legacy: readonly LegacyUsage[];
}

const NO_FACTS: FileFacts = { calls: [], clients: [], clientLineEnds: [], legacy: [] };

export interface IndexUpdate {
  /** Files read in this update (changed or new); the rest came from the index. */
  readonly read: number;
  /**
   * Of the files read, those that were parsed: a file whose text names neither the Azure SDKs nor openai builds
   * nothing the readers look for and is never parsed.
   */
  readonly parsed: number;
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  /** Files whose facts were re-read, and files that are gone: what a caller showing the facts redraws. */
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/**
 * How many files are read ahead of the one being parsed: with 8, the parse still waited on reads about a tenth of
 * the time in a workspace of small files; with 32 it hardly waits. Bounded, as each read holds a file (at most 1 MB).
 */
const READ_AHEAD = 32;
/** The longest stretch of parsing between two turns of the event loop. */
const SLICE_MS = 10;
/** Parses handed out before waiting for one to end: enough to keep a few workers busy, bounded in memory. */
const PARSES_IN_FLIGHT = 16;

/** A file that names neither the Azure SDKs nor openai builds nothing these readers look for: no parse needed. */
const mayBuildAnything = (text: string): boolean => text.includes('azure') || text.includes('openai');

/** Reads what one file's text builds: in this thread (`factsOfText`) or in the parse workers (`ParsePool`). */
export type FactsReader = (text: string, signal?: AbortSignal) => Promise<FileFacts>;

export class CredentialIndex {
  private readonly files = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly facts: FileFacts }>();
  private readonly readFacts: FactsReader;

  /** `readFacts`: where files are parsed; by default in this thread. */
  constructor(readFacts?: FactsReader) {
    this.readFacts = readFacts ?? ((text) => factsOfText(text));
  }

  /**
   * Brings the index in line with `files` (the workspace's Python files now): parses what changed, forgets what is
   * gone. `read` returns a file's text; it is called only for files that are parsed.
   */
  async update(files: readonly SourceFile[], read: (path: string) => Promise<string>, signal?: AbortSignal): Promise<IndexUpdate> {
    const present = new Set<string>();
    const skipped: { path: string; reason: string }[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const toRead: SourceFile[] = [];
    for (const file of files) {
      present.add(file.path);
      const known = this.files.get(file.path);
      if (known && known.mtimeMs === file.mtimeMs && known.size === file.size) continue;
      changed.push(file.path);
      if (file.size > MAX_SOURCE_BYTES) {
        skipped.push({ path: file.path, reason: `larger than ${MAX_SOURCE_BYTES / 1024} KB` });
        this.files.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, facts: NO_FACTS });
        continue;
      }
      toRead.push(file);
    }
    // A few reads run ahead of the parse: reading waits on the disk (or, in VS Code, on another process), parsing on
    // this thread, so overlapping them saves most of the waiting. A rejected read is kept as its error, never thrown
    // unobserved.
    const reads = new Map<number, Promise<string | Error>>();
    const startRead = (i: number): void => {
      const file = toRead[i];
      if (!file || reads.has(i)) return;
      reads.set(i, read(file.path).then((text) => text, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
    };
    let readCount = 0;
    let parsed = 0;
    let sliceStart = performance.now();
    // Parses run while the next files are read: up to PARSES_IN_FLIGHT at once, which keeps every parse worker busy
    // (in this thread, one runs at a time anyway). Facts are stored in the order the parses end.
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    for (let i = 0; i < toRead.length; i++) {
      // Reads that already arrived do not give the event loop a turn: the thread is handed back every few
      // milliseconds so that the extension host stays responsive while a large workspace is read.
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      signal?.throwIfAborted();
      if (failure) throw failure;
      for (let ahead = i; ahead < i + READ_AHEAD; ahead++) startRead(ahead);
      const file = toRead[i]!;
      const text = await reads.get(i)!;
      reads.delete(i);
      if (text instanceof Error) {
        skipped.push({ path: file.path, reason: text.message });
        this.files.delete(file.path);
        continue;
      }
      readCount++;
      if (!mayBuildAnything(text)) {
        this.files.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, facts: NO_FACTS });
        continue;
      }
      parsed++;
      const parse: Promise<void> = this.readFacts(text, signal).then(
        (facts) => { this.files.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, facts }); },
        (error: unknown) => { failure ??= error; },
      ).finally(() => inFlight.delete(parse));
      inFlight.add(parse);
      if (inFlight.size >= PARSES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    for (const path of [...this.files.keys()]) {
      if (present.has(path)) continue;
      this.files.delete(path);
      removed.push(path);
    }
    return { read: readCount, parsed, skipped, changed, removed };
  }


  /** The calls of one file, from the last update. */
  callsIn(path: string): readonly CredentialCall[] {
    return this.files.get(path)?.facts.calls ?? [];
  }

  /** Everything one file builds, from the last update (undefined for a file the index does not hold). */
  factsIn(path: string): FileFacts | undefined {
    return this.files.get(path)?.facts;
  }

  /** The paths the index holds, in no particular order. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Every file with at least one credential construction, in path order. */
  all(): { readonly path: string; readonly calls: readonly CredentialCall[] }[] {
    return [...this.files].filter(([, f]) => f.facts.calls.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, f]) => ({ path, calls: f.facts.calls }));
  }
}

/** What one file's text builds, parsed in this thread. */
export async function factsOfText(text: string, wasmDir?: string): Promise<FileFacts> {
  const tree = await parsePython(text, wasmDir);
  try {
    return factsOf(tree, text);
  } finally {
    tree.delete();
  }
}

function factsOf(tree: Tree, text: string): FileFacts {
  const clients = clientCallsOf(tree);
  let lines: string[] | undefined;
  const clientLineEnds = clients.map((c) => {
    if (c.range.endLine === c.range.startLine) return c.range.endColumn;
    lines ??= text.split('\n');
    return (lines[c.range.startLine] ?? '').replace(/\r$/, '').length;
  });
  return { calls: credentialCallsOf(tree), clients, clientLineEnds, legacy: legacyAuthOf(tree) };
}
