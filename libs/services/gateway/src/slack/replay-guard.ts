import { SLACK_TOLERANCE_SECONDS } from './slack-signature.ts';

/** Far more than Slack sends in five minutes to one app; beyond it the oldest are forgotten first. */
const DEFAULT_CAPACITY = 100_000;

/**
 * Remembers the signatures of recent requests: a second request with the same signature is a
 * replay. Signatures older than the timestamp tolerance need not be kept (the timestamp check
 * refuses them). This process's memory only: the router's command-id check backs it across
 * restarts and replicas.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = (SLACK_TOLERANCE_SECONDS + 60) * 1000,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** True when the signature was seen already; otherwise remembers it and returns false. */
  replayed(signature: string, nowMs: number): boolean {
    this.forgetBefore(nowMs);
    if (this.seen.has(signature)) return true;
    this.seen.set(signature, nowMs + this.ttlMs);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Entries expire in insertion order (one TTL for all), so the oldest are at the front. */
  private forgetBefore(nowMs: number): void {
    for (const [signature, expires] of this.seen) {
      if (expires > nowMs) return;
      this.seen.delete(signature);
    }
  }
}
