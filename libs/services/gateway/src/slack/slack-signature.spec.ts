import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplayGuard, SlackRequestGate } from './replay-guard.ts';
import { SLACK_FUTURE_SKEW_SECONDS, SLACK_TOLERANCE_SECONDS, slackSignature, verifySlackSignature } from './slack-signature.ts';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = Buffer.from('payload=%7B%22type%22%3A%22block_actions%22%7D');
const now = 1_700_000_000;

describe('Slack request signature', () => {
  it('matches Slack\'s documented example', () => {
    // Slack's "Verifying requests" guide: this secret, timestamp and body give this signature.
    const docBody = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(slackSignature(secret, '1531420618', docBody), 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('accepts a correct signature stamped up to 5 minutes ago or up to a minute ahead, and says when', () => {
    for (const ts of [now - SLACK_TOLERANCE_SECONDS, now, now + SLACK_FUTURE_SKEW_SECONDS]) {
      assert.deepEqual(verifySlackSignature(secret, { timestamp: String(ts), signature: slackSignature(secret, String(ts), body), rawBody: body }, now), { ok: true, timestamp: ts });
    }
  });

  it('names why it refuses: missing, malformed, stale, future, mismatch', () => {
    const sign = (ts: number, b = body, s = secret) => slackSignature(s, String(ts), b);
    const cases: [Parameters<typeof verifySlackSignature>[1], string][] = [
      [{ timestamp: undefined, signature: sign(now), rawBody: body }, 'missing'],
      [{ timestamp: String(now), signature: undefined, rawBody: body }, 'missing'],
      [{ timestamp: 'soon', signature: sign(now), rawBody: body }, 'malformed'],
      [{ timestamp: String(now), signature: 'v1=abc', rawBody: body }, 'malformed'],
      [{ timestamp: String(now - 301), signature: sign(now - 301), rawBody: body }, 'stale'],
      [{ timestamp: String(now + 61), signature: sign(now + 61), rawBody: body }, 'future'],
      [{ timestamp: String(now + 299), signature: sign(now + 299), rawBody: body }, 'future'],
      [{ timestamp: String(now), signature: sign(now, body, 'another-secret'), rawBody: body }, 'mismatch'],
      [{ timestamp: String(now), signature: sign(now), rawBody: Buffer.concat([body, Buffer.from('x')]) }, 'mismatch'],
      [{ timestamp: String(now - 1), signature: sign(now), rawBody: body }, 'mismatch'],
    ];
    for (const [request, reason] of cases) assert.deepEqual(verifySlackSignature(secret, request, now), { ok: false, reason });
  });
});

describe('ReplayGuard', () => {
  it('refuses a signature while it is remembered, and forgets it at the instant given', () => {
    // given
    const guard = new ReplayGuard();
    // when / then
    assert.equal(guard.replayed('v0=a', 1000, 0), false);
    assert.equal(guard.replayed('v0=b', 5000, 10), false);
    assert.equal(guard.replayed('v0=a', 1000, 999), true);
    assert.equal(guard.replayed('v0=a', 3000, 1000), false, 'expired at 1000: remembered again, until 3000');
    assert.equal(guard.replayed('v0=b', 5000, 4999), true, 'b outlives a: expiries are per signature');
    assert.equal(guard.size, 2);
  });

  it('stays within its capacity, forgetting the oldest first', () => {
    const guard = new ReplayGuard(2);
    for (const s of ['a', 'b', 'c']) guard.replayed(s, 60_000, 0);
    assert.equal(guard.size, 2);
    assert.equal(guard.replayed('c', 60_000, 1), true);
    assert.equal(guard.replayed('a', 60_000, 1), false);
  });
});

describe('SlackRequestGate (signature, timestamp window, replays) on an injected clock', () => {
  const signed = (ts: number) => ({ timestamp: String(ts), signature: slackSignature(secret, String(ts), body), rawBody: body });
  const at = (seconds: number) => seconds * 1000;

  it('given a request stamped 50 s ahead, accepted once; its replay is refused until its window closes, then refused as stale', () => {
    // given
    const gate = new SlackRequestGate();
    const request = signed(now + 50);
    // when / then
    assert.deepEqual(gate.check(secret, request, at(now)), { ok: true });
    assert.deepEqual(gate.check(secret, request, at(now + 1)), { ok: false, reason: 'replayed' });
    assert.deepEqual(gate.check(secret, request, at(now + 50 + 300) + 999), { ok: false, reason: 'replayed' }, 'the last acceptable millisecond');
    assert.deepEqual(gate.check(secret, request, at(now + 50 + 301)), { ok: false, reason: 'stale' });
  });

  it('given the reviewed attack (stamped 299 s ahead, sent again at +370 s): it counts at most once', () => {
    const gate = new SlackRequestGate();
    const request = signed(now + 299);
    // was: accepted now and again at +370 s (remembered for 360 s from arrival, still within ±300 s of its stamp)
    assert.deepEqual(gate.check(secret, request, at(now)), { ok: false, reason: 'future' });
    assert.deepEqual(gate.check(secret, request, at(now + 370)), { ok: true }, 'at +370 s it is 71 s old: its first acceptance');
    assert.deepEqual(gate.check(secret, request, at(now + 371)), { ok: false, reason: 'replayed' });
  });

  it('never accepts the same signed request twice, whatever its timestamp and whenever it is sent again', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400, max: 400 }), // timestamp, relative to the first delivery
        fc.array(fc.integer({ min: 0, max: 900_000 }), { minLength: 1, maxLength: 5 }), // later deliveries, ms after the first
        fc.integer({ min: 0, max: 999 }), // where in its second the first delivery lands
        (offset, later, firstMs) => {
          const gate = new SlackRequestGate();
          const request = signed(now + offset);
          const start = at(now) + firstMs;
          const accepted = [start, ...later.map((d) => start + d).sort((a, b) => a - b)].filter((t) => gate.check(secret, request, t).ok);
          assert.ok(accepted.length <= 1, `accepted at ${accepted.join(', ')}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
