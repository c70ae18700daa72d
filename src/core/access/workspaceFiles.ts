// The texts of a workspace that may name Azure resources: `.env` files and Python sources, read with bounds (file
// count, size, depth) and never following links out of the folder, so a large or hostile repository costs little.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readBoundedText } from '../files/boundedRead';

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', 'env', '__pycache__', '.tox', '.mypy_cache', 'site-packages', 'dist', 'build']);
const WANTED = /(^\.env(\..+)?$)|(\.(py|toml|ini|cfg|json|yaml|yml)$)/i;

export interface WorkspaceLimits {
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: WorkspaceLimits = { maxFiles: 400, maxBytes: 256 * 1024, maxDepth: 6 };

/**
 * The texts, read asynchronously (nothing blocks the extension host) and cancellably: symbolic links are not followed,
 * only regular files are opened (a FIFO or device named like `.env` is skipped without blocking), each is bounded.
 */
export async function readWorkspaceTexts(root: string, limits: WorkspaceLimits = DEFAULT_LIMITS, signal?: AbortSignal): Promise<string[]> {
  const texts: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth || texts.length >= limits.maxFiles) return;
    let entries: string[];
    try { entries = await readdir(dir); } catch { return; }
    for (const name of entries.sort()) {
      signal?.throwIfAborted();
      if (texts.length >= limits.maxFiles) return;
      const path = join(dir, name);
      let stat;
      try { stat = await lstat(path); } catch { continue; }
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (!SKIP.has(name)) await walk(path, depth + 1);
      } else if (stat.isFile() && WANTED.test(name) && stat.size <= limits.maxBytes) {
        try { texts.push(await readBoundedText(path, 'workspaceSource', { signal, maxBytes: limits.maxBytes })); } catch (error) {
          if (error instanceof Error && error.name === 'AbortError') throw error;
          // Unreadable, replaced by something else since the lstat, or grown too large: skipped.
        }
      }
    }
  };
  await walk(root, 0);
  return texts;
}
