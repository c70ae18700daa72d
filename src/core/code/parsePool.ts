// Parsing a workspace's Python files in worker threads: the parse (tree-sitter in WebAssembly) is most of a first
// analysis, and in the extension host it would hold the event loop that every other extension shares. A few workers
// parse side by side and send back plain facts (no tree crosses threads). Workers start on first use, never keep a
// process alive while idle (unref), and end after a while without work; a worker that fails is replaced, and its file fails
// with an error rather than hang.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from './credentialIndex';

/** The message a worker gets: one file's text. */
export interface ParseRequest { readonly id: number; readonly text: string; readonly wasmDir?: string }
/** The message a worker sends back. */
export type ParseAnswer = { readonly id: number; readonly facts: FileFacts } | { readonly id: number; readonly error: string };

/** Workers that end after this long without a file to parse; the next analysis starts them again. */
const IDLE_MS = 30_000;

/**
 * Two workers at least (a first analysis takes about half as long on two cores), one core left to VS Code beyond
 * that, three at most: the parse is background work.
 */
export function defaultPoolSize(): number {
  return Math.min(3, Math.max(2, availableParallelism() - 1));
}

/** A worker's entry: the bundled script, or (a checkout run through tsx) code that loads the TypeScript source. */
export interface WorkerEntry { readonly script: string; readonly eval?: string }

interface Pending { readonly resolve: (facts: FileFacts) => void; readonly reject: (error: Error) => void }

class ParseWorker {
  private readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  private ended = false;

  constructor(entry: WorkerEntry, private readonly onEnd: (worker: ParseWorker) => void) {
    this.worker = entry.eval
      ? new Worker(entry.eval, { eval: true, stdout: false, stderr: false })
      : new Worker(entry.script, { stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (answer: unknown) => this.answered(answer));
    this.worker.on('error', (error) => this.end(error));
    this.worker.on('exit', (code) => this.end(new Error(`the parse worker stopped (exit code ${code})`)));
  }

  send(request: ParseRequest, pending: Pending): void {
    // A worker with work keeps the process alive until it answers; an idle one never does.
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(request.id, pending);
    this.worker.postMessage(request);
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return pending;
  }

  private answered(answer: unknown): void {
    // Our own worker's message, still checked: an answer of another shape fails its file instead of being used.
    if (!answer || typeof answer !== 'object' || typeof (answer as { id?: unknown }).id !== 'number') return;
    const pending = this.settle((answer as { id: number }).id);
    if (!pending) return;
    if ('facts' in answer && isFacts((answer as { facts: unknown }).facts)) pending.resolve((answer as { facts: FileFacts }).facts);
    else pending.reject(new Error('error' in answer && typeof answer.error === 'string' ? answer.error.slice(0, 500) : 'the parse worker gave no facts'));
  }

  private end(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const p of pending) p.reject(error);
    this.onEnd(this);
  }

  terminate(): void {
    this.end(new Error('the parse worker was stopped'));
    void this.worker.terminate();
  }
}

function isFacts(value: unknown): value is FileFacts {
  if (!value || typeof value !== 'object') return false;
  const facts = value as Record<string, unknown>;
  return Array.isArray(facts.calls) && Array.isArray(facts.clients) && Array.isArray(facts.clientLineEnds) && Array.isArray(facts.legacy);
}

export class ParsePool {
  private readonly workers: ParseWorker[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  /** `entry`: the worker's code (`defaultParseWorker()`); `wasmDir`: where the grammar is, passed to each worker. */
  constructor(
    private readonly entry: WorkerEntry,
    private readonly options: { readonly size?: number; readonly wasmDir?: string } = {},
  ) {}

  /** What one file's text builds, from the least busy worker. */
  facts(text: string, signal?: AbortSignal): Promise<FileFacts> {
    if (this.disposed) return Promise.reject(new Error('the parse pool is closed'));
    signal?.throwIfAborted();
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    const worker = this.leastBusy();
    const id = this.nextId++;
    return new Promise<FileFacts>((resolve, reject) => {
      worker.send({ id, text, ...(this.options.wasmDir ? { wasmDir: this.options.wasmDir } : {}) }, {
        resolve: (facts) => { this.settled(); resolve(facts); },
        reject: (error) => { this.settled(); reject(error); },
      });
    });
  }

  /** Workers running now (for tests and the benchmark). */
  get size(): number {
    return this.workers.length;
  }

  dispose(): void {
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const worker of [...this.workers]) worker.terminate();
  }

  private leastBusy(): ParseWorker {
    const size = this.options.size ?? defaultPoolSize();
    const idle = this.workers.find((w) => w.pending.size === 0);
    if (idle) return idle;
    if (this.workers.length < size) {
      const worker = new ParseWorker(this.entry, (ended) => {
        const at = this.workers.indexOf(ended);
        if (at >= 0) this.workers.splice(at, 1);
      });
      this.workers.push(worker);
      return worker;
    }
    return this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  /** After the last answer, the workers end once they have been idle for a while (a timer that keeps nothing alive). */
  private settled(): void {
    if (this.disposed || this.workers.some((w) => w.pending.size > 0)) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      for (const worker of [...this.workers]) worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

/**
 * The worker's entry next to this code: `parseWorker.js` beside the bundle, or, in a checkout run through tsx, the
 * TypeScript source loaded the same way. Undefined when neither is there (files are then parsed in this thread).
 */
export function defaultParseWorker(): WorkerEntry | undefined {
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (!here) return undefined;
  const bundled = join(here, 'parseWorker.js');
  if (existsSync(bundled)) return { script: bundled };
  const source = join(here, 'parseWorker.ts');
  if (existsSync(source)) return { script: source, eval: `require('tsx/cjs'); require(${JSON.stringify(source)});` };
  return undefined;
}

let shared: ParsePool | undefined;

/** The process's parse pool (created on first use), or undefined when there is no worker to run. */
export function sharedParsePool(): ParsePool | undefined {
  if (shared) return shared;
  const worker = defaultParseWorker();
  if (!worker) return undefined;
  shared = new ParsePool(worker);
  return shared;
}
