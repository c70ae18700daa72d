/** A promise that did not settle in time. The message says what was waited for and how long. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} did not answer within ${Math.round(ms / 1000)} s`);
  }
}

/** Rejects with a TimeoutError when `promise` has not settled after `ms`; the work itself is not stopped. */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}

/**
 * `promise`'s value, or `fallback` when it fails or takes longer than `ms`; `onFallback` says why (for the log).
 * For calls into other extensions, whose hang must not stall a check.
 */
export async function withFallback<T>(promise: PromiseLike<T>, ms: number, what: string, fallback: T, onFallback: (why: string) => void): Promise<T> {
  try {
    return await withTimeout(promise, ms, what);
  } catch (error) {
    onFallback(error instanceof Error ? error.message : String(error));
    return fallback;
  }
}
