export interface WaitOptions {
  /** What is being waited for, in words: the failure message starts with it. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Thrown by a predicate to stop waiting at once (the awaited thing can no longer happen). */
export class WaitAborted extends Error {}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` until it returns a truthy value (which is returned), or fails after `timeoutMs` with a
 * message naming what it waited for. A predicate that throws counts as "not yet" and its last error is
 * reported, except WaitAborted, which fails at once.
 */
export async function waitUntil<T>(predicate: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const { what, timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      if (error instanceof WaitAborted) throw new Error(`gave up waiting for ${what}: ${error.message}`, { cause: error });
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(intervalMs);
  }
}

/** Resolves as `promise` does, or fails after `timeoutMs` with a message naming what it waited for. */
export async function withTimeout<T>(promise: Promise<T>, options: Omit<WaitOptions, 'intervalMs'>): Promise<T> {
  const { what, timeoutMs = 10_000 } = options;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
