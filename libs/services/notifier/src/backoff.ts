/** How often and how patiently a failed delivery is tried again. */
export interface RetryPolicy {
  /** Delay before the second attempt; each later one doubles it. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 6 };

/** ± this share of the delay is random, so receivers that come back are not hit all at once. */
const JITTER = 0.2;

/**
 * The delay after failed attempt `attempt` (1-based): base · 2^(attempt−1), capped, with jitter;
 * undefined when that was the last attempt. `random` is in [0, 1).
 */
export function retryDelay(attempt: number, policy: RetryPolicy, random: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = nominal * (1 - JITTER + 2 * JITTER * random);
  return Math.max(0, Math.round(Math.min(policy.maxMs, jittered)));
}
