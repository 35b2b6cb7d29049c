import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayGuard } from './replay-guard.ts';
import { slackSignature, verifySlackSignature } from './slack-signature.ts';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = Buffer.from('payload=%7B%22type%22%3A%22block_actions%22%7D');
const now = 1_700_000_000;

describe('Slack request signature', () => {
  it('matches Slack\'s documented example', () => {
    // Slack's "Verifying requests" guide: this secret, timestamp and body give this signature.
    const docBody = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(slackSignature(secret, '1531420618', docBody), 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('accepts a fresh, correct signature', () => {
    const signature = slackSignature(secret, String(now), body);
    assert.deepEqual(verifySlackSignature(secret, { timestamp: String(now - 299), signature: slackSignature(secret, String(now - 299), body), rawBody: body }, now), { ok: true });
    assert.deepEqual(verifySlackSignature(secret, { timestamp: String(now), signature, rawBody: body }, now), { ok: true });
  });

  it('names why it refuses: missing, malformed, stale, mismatch', () => {
    const sign = (ts: number, b = body, s = secret) => slackSignature(s, String(ts), b);
    const cases: [Parameters<typeof verifySlackSignature>[1], string][] = [
      [{ timestamp: undefined, signature: sign(now), rawBody: body }, 'missing'],
      [{ timestamp: String(now), signature: undefined, rawBody: body }, 'missing'],
      [{ timestamp: 'soon', signature: sign(now), rawBody: body }, 'malformed'],
      [{ timestamp: String(now), signature: 'v1=abc', rawBody: body }, 'malformed'],
      [{ timestamp: String(now - 301), signature: sign(now - 301), rawBody: body }, 'stale'],
      [{ timestamp: String(now + 301), signature: sign(now + 301), rawBody: body }, 'stale'],
      [{ timestamp: String(now), signature: sign(now, body, 'another-secret'), rawBody: body }, 'mismatch'],
      [{ timestamp: String(now), signature: sign(now), rawBody: Buffer.concat([body, Buffer.from('x')]) }, 'mismatch'],
      [{ timestamp: String(now - 1), signature: sign(now), rawBody: body }, 'mismatch'],
    ];
    for (const [request, reason] of cases) assert.deepEqual(verifySlackSignature(secret, request, now), { ok: false, reason });
  });
});

describe('ReplayGuard', () => {
  it('refuses a signature seen before, and forgets it once the timestamp check would refuse it anyway', () => {
    // given
    const guard = new ReplayGuard(1000);
    // when / then
    assert.equal(guard.replayed('v0=a', 0), false);
    assert.equal(guard.replayed('v0=b', 10), false);
    assert.equal(guard.replayed('v0=a', 500), true);
    assert.equal(guard.replayed('v0=a', 1011), false, 'expired entries are forgotten');
    assert.equal(guard.size, 1, 'v0=b expired too; v0=a remembered again');
  });

  it('stays within its capacity, forgetting the oldest first', () => {
    const guard = new ReplayGuard(60_000, 2);
    for (const s of ['a', 'b', 'c']) guard.replayed(s, 0);
    assert.equal(guard.size, 2);
    assert.equal(guard.replayed('c', 1), true);
    assert.equal(guard.replayed('a', 1), false);
  });
});
