import { SLACK_TOLERANCE_SECONDS, verifySlackSignature, type SignatureRefusal, type SignedRequest } from './slack-signature.ts';

/** Far more than Slack sends in six minutes to one app; beyond it the oldest are forgotten first. */
const DEFAULT_CAPACITY = 100_000;

/**
 * Remembers the signatures of recent requests: a second request with the same signature is a
 * replay. Each signature is kept until the moment the timestamp check starts refusing it anyway
 * (given by the caller), never less. This process's memory only: the router's command-id check
 * backs it across restarts and replicas.
 */
export class ReplayGuard {
  /** Signature → the instant (ms) from which it need not be remembered. Insertion order ≈ expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** True when the signature was seen and is still remembered; otherwise remembers it until `untilMs`. */
  replayed(signature: string, untilMs: number, nowMs: number): boolean {
    this.forgetExpired(nowMs);
    const known = this.seen.get(signature);
    if (known !== undefined && known > nowMs) return true;
    this.seen.delete(signature);
    this.seen.set(signature, untilMs);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * Forgets expired entries from the front. Timestamps of accepted requests lie within a few
   * minutes of each other, so an unexpired entry near the front holds back only a few expired
   * ones behind it; `replayed` compares the expiry itself, so those are never mistaken for live.
   */
  private forgetExpired(nowMs: number): void {
    for (const [signature, until] of this.seen) {
      if (until > nowMs) return;
      this.seen.delete(signature);
    }
  }
}

export type GateRefusal = SignatureRefusal | 'replayed';

/**
 * Slack's authentication of one request: the signature and its timestamp, then the replay check.
 * A signature is remembered until its own timestamp leaves the acceptance window, so a replay is
 * refused as a replay inside the window and as stale after it, whatever its timestamp was.
 */
export class SlackRequestGate {
  constructor(private readonly replays = new ReplayGuard()) {}

  check(signingSecret: string, request: SignedRequest, nowMs: number): { ok: true } | { ok: false; reason: GateRefusal } {
    const verified = verifySlackSignature(signingSecret, request, Math.floor(nowMs / 1000));
    if (!verified.ok) return verified;
    // Accepted while floor(now / 1000) - timestamp <= tolerance, i.e. until (timestamp + tolerance + 1) s.
    const acceptableUntilMs = (verified.timestamp + SLACK_TOLERANCE_SECONDS + 1) * 1000;
    return this.replays.replayed(request.signature!, acceptableUntilMs, nowMs) ? { ok: false, reason: 'replayed' } : { ok: true };
  }
}
