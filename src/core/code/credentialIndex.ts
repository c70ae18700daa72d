// The credential constructions of a whole workspace, kept per file and re-read only for files whose modification
// time or size changed, so that a save re-parses one file and an unchanged workspace costs one stat per file.
// Enumerating and reading files is the caller's (the extension through VS Code's file search, the CLI and the
// benchmark through the file system): this class only decides what to parse and keeps the answers.
import type { CredentialCall } from './credentialCalls';
import { credentialCallsOf } from './credentialCalls';
import { parsePython } from './pythonParser';

export interface SourceFile {
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Files larger than this are not Python a developer wrote by hand (generated, vendored): skipped. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

export interface IndexUpdate {
  /** Files parsed in this update (changed or new); the rest came from the index. */
  readonly parsed: number;
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

export class CredentialIndex {
  private readonly files = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly calls: readonly CredentialCall[] }>();

  constructor(private readonly wasmDir?: string) {}

  /**
   * Brings the index in line with `files` (the workspace's Python files now): parses what changed, forgets what is
   * gone. `read` returns a file's text; it is called only for files that are parsed.
   */
  async update(files: readonly SourceFile[], read: (path: string) => Promise<string>, signal?: AbortSignal): Promise<IndexUpdate> {
    const present = new Set<string>();
    const skipped: { path: string; reason: string }[] = [];
    let parsed = 0;
    for (const file of files) {
      signal?.throwIfAborted();
      present.add(file.path);
      const known = this.files.get(file.path);
      if (known && known.mtimeMs === file.mtimeMs && known.size === file.size) continue;
      if (file.size > MAX_SOURCE_BYTES) {
        skipped.push({ path: file.path, reason: `larger than ${MAX_SOURCE_BYTES / 1024} KB` });
        this.files.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, calls: [] });
        continue;
      }
      let text: string;
      try {
        text = await read(file.path);
      } catch (error) {
        skipped.push({ path: file.path, reason: error instanceof Error ? error.message : String(error) });
        this.files.delete(file.path);
        continue;
      }
      // A file that does not name azure-identity cannot build one of its credentials: no parse needed.
      const calls = text.includes('azure') && text.includes('identity') ? await this.parse(text) : [];
      this.files.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, calls });
      parsed++;
    }
    for (const path of [...this.files.keys()]) if (!present.has(path)) this.files.delete(path);
    return { parsed, skipped };
  }

  private async parse(text: string): Promise<CredentialCall[]> {
    const tree = await parsePython(text, this.wasmDir);
    try {
      return credentialCallsOf(tree);
    } finally {
      tree.delete();
    }
  }

  /** The calls of one file, from the last update. */
  callsIn(path: string): readonly CredentialCall[] {
    return this.files.get(path)?.calls ?? [];
  }

  /** Every file with at least one credential construction, in path order. */
  all(): { readonly path: string; readonly calls: readonly CredentialCall[] }[] {
    return [...this.files].filter(([, f]) => f.calls.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, f]) => ({ path, calls: f.calls }));
  }
}
