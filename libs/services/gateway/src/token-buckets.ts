/**
 * One token bucket per key (a principal): `capacity` tokens, refilled at a steady rate, so a key
 * may spend its whole allowance at once and then `capacity` per window. Kept in this process's
 * memory only: each gateway instance has its own buckets (the quota is per instance). Keys are
 * authenticated principals, so the map is bounded by the directory.
 */
export type Take = { ok: true } | { ok: false; waitMs: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly capacity: number, windowMs: number) {
    this.perMs = capacity / windowMs;
  }

  /** How long until `key`'s bucket holds `cost` tokens at `nowMs` (0: it does now); takes nothing. */
  waitMs(key: string, cost: number, nowMs: number): number {
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.capacity, bucket.tokens + Math.max(0, nowMs - bucket.at) * this.perMs) : this.capacity;
    return tokens + 1e-6 >= cost ? 0 : Math.ceil((Math.min(cost, this.capacity) - tokens) / this.perMs);
  }

  /** Takes `cost` tokens from `key`'s bucket at `nowMs`, or says how long until there are enough. */
  take(key: string, cost: number, nowMs: number): Take {
    const bucket = this.buckets.get(key);
    const elapsed = bucket ? Math.max(0, nowMs - bucket.at) : 0;
    const tokens = bucket ? Math.min(this.capacity, bucket.tokens + elapsed * this.perMs) : this.capacity;
    // A hair of tolerance: a caller who waited the whole `waitMs` given must pass despite rounding.
    if (tokens + 1e-6 >= cost) {
      this.buckets.set(key, { tokens: Math.max(0, tokens - cost), at: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: nowMs });
    return { ok: false, waitMs: Math.ceil((Math.min(cost, this.capacity) - tokens) / this.perMs) };
  }
}
