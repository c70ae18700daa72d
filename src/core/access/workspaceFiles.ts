// The texts of a workspace that may name Azure resources: `.env` files and Python sources, read with bounds (file
// count, size, depth) and never following links out of the folder, so a large or hostile repository costs little.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', 'env', '__pycache__', '.tox', '.mypy_cache', 'site-packages', 'dist', 'build']);
const WANTED = /(^\.env(\..+)?$)|(\.(py|toml|ini|cfg|json|yaml|yml)$)/i;

export interface WorkspaceLimits {
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: WorkspaceLimits = { maxFiles: 400, maxBytes: 256 * 1024, maxDepth: 6 };

export function readWorkspaceTexts(root: string, limits: WorkspaceLimits = DEFAULT_LIMITS): string[] {
  const texts: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > limits.maxDepth || texts.length >= limits.maxFiles) return;
    let entries: string[];
    try { entries = readdirSync(dir); } catch { return; }
    for (const name of entries.sort()) {
      if (texts.length >= limits.maxFiles) return;
      const path = join(dir, name);
      let stat;
      try { stat = lstatSync(path); } catch { continue; }
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (!SKIP.has(name)) walk(path, depth + 1);
      } else if (stat.isFile() && WANTED.test(name) && stat.size <= limits.maxBytes) {
        try { texts.push(readFileSync(path, 'utf8')); } catch { /* unreadable: skipped */ }
      }
    }
  };
  walk(root, 0);
  return texts;
}
