import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack signs every request with a timestamp; older than this, a valid signature is a replay. */
export const SLACK_TOLERANCE_SECONDS = 5 * 60;
/**
 * How far ahead of our clock a timestamp may be. Slack stamps a request as it sends it, so only
 * clock drift puts one in the future; a minute covers drift on hosts without NTP. Without this
 * bound a request stamped 299 s ahead stayed acceptable for ten minutes.
 */
export const SLACK_FUTURE_SKEW_SECONDS = 60;

export type SignatureRefusal = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';
/** `timestamp`: the request's, in Unix seconds, for the replay guard to know how long to remember it. */
export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureRefusal };

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256. */
  signature: string | undefined;
  /** The body exactly as received: the signature covers the bytes, not a re-encoding. */
  rawBody: Buffer;
}

/** `v0=` + HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), as Slack computes it. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * the timestamp at most five minutes old and at most a minute ahead, and the signature equal,
 * compared in constant time.
 */
export function verifySlackSignature(signingSecret: string, request: SignedRequest, nowSeconds: number): SignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^[0-9]{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const signedAt = Number(timestamp);
  if (nowSeconds - signedAt > SLACK_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  if (signedAt - nowSeconds > SLACK_FUTURE_SKEW_SECONDS) return { ok: false, reason: 'future' };
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true, timestamp: signedAt } : { ok: false, reason: 'mismatch' };
}
