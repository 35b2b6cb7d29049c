/**
 * The approved way for tests to wait on observable state: poll a probe with a short backoff
 * (1 ms doubling to 50 ms) until it gives a truthy value, instead of sleeping a fixed time.
 */

export interface WaitForOptions {
  /** What is being waited for, in words: it names the timeout error. */
  what: string;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

const MAX_DELAY_MS = 50;

/**
 * Resolves with the probe's first truthy result. A probe that throws counts as "not yet" (e.g. a
 * server not listening yet); the last error is reported if time runs out.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const result = await probe();
      if (result) return result as Exclude<T, false | null | undefined | 0 | ''>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const why = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${options.what}${why}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}
