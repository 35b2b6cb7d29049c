import type { OutsiderRefusal } from '@countersign/approval';
import type { ActionCommand, CommandRefused } from '@countersign/contracts';

export interface SecurityLogLimits {
  /** Records per author at most this often on average… */
  perMinute: number;
  /** …with bursts up to this many. */
  burst: number;
  /** Authors remembered at once (the oldest are forgotten first). */
  authors: number;
}

export const DEFAULT_SECURITY_LOG_LIMITS: SecurityLogLimits = { perMinute: 30, burst: 30, authors: 10_000 };

/**
 * Turns refusals that stay out of action chains into security records, rate-limited per author
 * (a token bucket each), so refused commands cannot flood this stream either: what is dropped is
 * counted and said in the author's next record. In memory per router instance.
 */
export class SecurityLog {
  private readonly buckets = new Map<string, { tokens: number; at: number; suppressed: number }>();

  constructor(private readonly limits: SecurityLogLimits = DEFAULT_SECURITY_LOG_LIMITS) {}

  records(refusals: ReadonlyArray<OutsiderRefusal & { command: ActionCommand }>, now: Date): CommandRefused[] {
    const out: CommandRefused[] = [];
    for (const { command, kind, author, rejection } of refusals) {
      const bucket = this.bucket(author, now.getTime());
      if (bucket.tokens < 1) {
        bucket.suppressed += 1;
        continue;
      }
      bucket.tokens -= 1;
      out.push({
        type: 'CommandRefused', at: now.toISOString(), actionId: command.actionId, commandId: command.id, command: command.type,
        author, kind, code: rejection.data.code, reason: rejection.data.reason,
        ...(bucket.suppressed > 0 ? { suppressed: bucket.suppressed } : {}),
      });
      bucket.suppressed = 0;
    }
    return out;
  }

  private bucket(author: string, nowMs: number) {
    let bucket = this.buckets.get(author);
    if (bucket) {
      this.buckets.delete(author); // re-inserted below: most recently used last
      bucket.tokens = Math.min(this.limits.burst, bucket.tokens + ((nowMs - bucket.at) / 60_000) * this.limits.perMinute);
      bucket.at = nowMs;
    } else {
      bucket = { tokens: this.limits.burst, at: nowMs, suppressed: 0 };
      if (this.buckets.size >= this.limits.authors) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(author, bucket);
    return bucket;
  }
}
