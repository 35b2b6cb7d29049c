import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkChallenge, issueChallenge, type ChallengeBinding } from './step-up-challenge.ts';

const SECRET = new Uint8Array(32).fill(7);
const NOW = new Date('2026-12-03T12:00:00.000Z');
const LATER = new Date(NOW.getTime() + 120_000);
const binding: ChallengeBinding = { purpose: 'step-up', actionId: 'act-1', paramsHash: 'a'.repeat(64), principal: 'alice' };

describe('step-up challenges', () => {
  it('given a challenge issued for an action, when it is checked for the same binding before expiry, then it holds', () => {
    const { encoded } = issueChallenge(SECRET, binding, LATER);
    assert.deepEqual(checkChallenge(SECRET, encoded, binding, NOW), { ok: true, expiresAt: LATER });
  });

  it('given a challenge, when it is checked at its expiry, then it is expired', () => {
    const { encoded } = issueChallenge(SECRET, binding, LATER);
    assert.deepEqual(checkChallenge(SECRET, encoded, binding, LATER), { ok: false, reason: 'expired' });
  });

  it('given a challenge made with another secret, when it is checked, then it is not bound', () => {
    const { encoded } = issueChallenge(new Uint8Array(32).fill(8), binding, LATER);
    assert.deepEqual(checkChallenge(SECRET, encoded, binding, NOW), { ok: false, reason: 'not-bound' });
  });

  it('given a registration challenge, when it is presented as a step-up, then it is not bound', () => {
    const { encoded } = issueChallenge(SECRET, { purpose: 'register', principal: 'alice' }, LATER);
    assert.equal(checkChallenge(SECRET, encoded, binding, NOW).ok, false);
  });

  it('property: any change of action, params hash, voter or expiry fails the check', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(fc.property(
      text, fc.stringMatching(/^[0-9a-f]{64}$/), text, fc.integer({ min: 1, max: 3_600_000 }),
      fc.constantFrom('actionId', 'paramsHash', 'principal', 'expiry'), text, fc.uint8Array({ minLength: 16, maxLength: 16 }),
      (actionId, paramsHash, principal, ttl, changed, other, nonce) => {
        const original: ChallengeBinding = { purpose: 'step-up', actionId, paramsHash, principal };
        const expiresAt = new Date(NOW.getTime() + ttl);
        const { encoded } = issueChallenge(SECRET, original, expiresAt, Buffer.from(nonce));
        assert.equal(checkChallenge(SECRET, encoded, original, NOW).ok, true);
        if (changed === 'expiry') {
          // Move the expiry later in the challenge itself: the MAC no longer matches.
          const raw = Buffer.from(encoded, 'base64url');
          raw.writeBigUInt64BE(BigInt(expiresAt.getTime() + 1 + ttl), 16);
          assert.deepEqual(checkChallenge(SECRET, raw.toString('base64url'), original, NOW), { ok: false, reason: 'not-bound' });
          return;
        }
        const value = changed === 'paramsHash' ? (paramsHash[0] === 'a' ? 'b' : 'a') + paramsHash.slice(1) : original[changed] + other;
        assert.deepEqual(checkChallenge(SECRET, encoded, { ...original, [changed]: value }, NOW), { ok: false, reason: 'not-bound' });
      },
    ), { numRuns: 300 });
  });

  it('property: any string that is not an issued challenge is refused, never thrown on', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      assert.equal(checkChallenge(SECRET, s, binding, NOW).ok, false);
    }), { numRuns: 500 });
  });
});
