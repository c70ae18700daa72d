// Counts the hostile inputs the suites feed the product (files that never end, terminal escapes, shell syntax in
// names, …) and how many were handled as intended. Each test file appends its counts to one file; test/run.mjs
// sums them into "hostile inputs: N tried, N handled" after the suites.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TALLY_FILE = join(fileURLToPath(new URL('../..', import.meta.url)), '.test-output', 'hostile-inputs.jsonl');

const counts = new Map<string, { tried: number; handled: number }>();
let flushing = false;

function flush(): void {
  if (counts.size === 0) return;
  mkdirSync(join(TALLY_FILE, '..'), { recursive: true });
  const lines = [...counts].map(([category, c]) => JSON.stringify({ category, ...c })).join('\n');
  appendFileSync(TALLY_FILE, `${lines}\n`);
  counts.clear();
}

/**
 * Runs one hostile input's check: counted as tried, and as handled when `check` returns without throwing. The
 * error (an assertion) is rethrown, so the test fails as usual.
 */
export async function hostile<T>(category: string, check: () => T | Promise<T>): Promise<T> {
  const entry = counts.get(category) ?? { tried: 0, handled: 0 };
  counts.set(category, entry);
  if (!flushing) { flushing = true; process.once('exit', flush); }
  entry.tried++;
  const result = await check();
  entry.handled++;
  return result;
}

/** The synchronous form, for fast-check properties (each generated value is one input). */
export function hostileSync<T>(category: string, check: () => T): T {
  const entry = counts.get(category) ?? { tried: 0, handled: 0 };
  counts.set(category, entry);
  if (!flushing) { flushing = true; process.once('exit', flush); }
  entry.tried++;
  const result = check();
  entry.handled++;
  return result;
}
