// Runs a program with an argument vector (never a shell string), a hard timeout and cancellation. Everything the
// engine learns from `az`, `azd`, `pwsh` and Python comes through here.
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Written to stdin, which is closed afterwards (stdin is /dev/null-like when absent). */
  readonly input?: string;
  /** Output beyond this many bytes per stream is dropped (default 4 MiB). */
  readonly maxOutputBytes?: number;
}

export interface RunResult {
  /** null when the process did not exit on its own (timeout, cancellation, spawn failure). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  readonly spawnError: NodeJS.ErrnoException | undefined;
  readonly elapsedMs: number;
}

export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const limit = options.maxOutputBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let cancelled = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let settled = false;
    const child = spawn(file, [...args], {
      env: { ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      detached: process.platform !== 'win32',
    });
    const killTree = (): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        try { child.kill('SIGKILL'); } catch { /* already gone */ }
      }
    };
    const timer = setTimeout(() => { timedOut = true; killTree(); }, options.timeoutMs);
    const onAbort = (): void => { cancelled = true; killTree(); };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode: timedOut || cancelled ? null : exitCode, stdout, stderr, timedOut, cancelled, spawnError, elapsedMs: Math.round(performance.now() - started) });
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => { if (stdout.length < limit) stdout += chunk; });
    child.stderr.on('data', (chunk: string) => { if (stderr.length < limit) stderr += chunk; });
    child.stdin.on('error', () => { /* the program may exit without reading its input */ });
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => { spawnError = error; finish(null); });
    child.on('close', (code) => finish(code));
  });
}
