import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PasskeyView } from '@countersign/audit';
import { Problem } from '../problem.ts';
import { Ceremonies } from './ceremonies.ts';
import { issueChallenge } from './step-up-challenge.ts';

// Whatever a client sends as a step-up or registration response, the gateway answers with a
// problem naming the field, never with a crash, and never with a verified record.
const SECRET = new Uint8Array(32).fill(3);
const NOW = new Date('2026-12-03T12:00:00.000Z');
const ceremonies = new Ceremonies({ rpID: 'localhost', origin: 'http://localhost:3000', rpName: 'Countersign', challengeTtlMs: 120_000 }, SECRET);
const binding = { purpose: 'step-up' as const, actionId: 'act-1', paramsHash: 'a'.repeat(64), principal: 'alice' };
const passkey: PasskeyView = {
  _id: 'alice:cred', principal: 'alice', credentialId: 'Y3JlZA', publicKey: 'pQECAyYgASFYIA', counter: 0, transports: [], name: 'x', registeredAt: NOW.toISOString(), ledgerId: 'l', lastSeq: 1,
};
const valid = issueChallenge(SECRET, binding, new Date(NOW.getTime() + 60_000)).encoded;
const b64 = (s: string) => Buffer.from(s).toString('base64url');

const responses = fc.oneof(
  fc.jsonValue(),
  fc.record({
    id: fc.oneof(fc.constant('Y3JlZA'), fc.string()),
    rawId: fc.string(),
    type: fc.constantFrom('public-key', 'other'),
    response: fc.record({
      clientDataJSON: fc.oneof(fc.string(), fc.jsonValue().map((v) => b64(JSON.stringify(v))), fc.constant(b64(JSON.stringify({ type: 'webauthn.get', challenge: valid, origin: 'http://localhost:3000' })))),
      authenticatorData: fc.string(),
      signature: fc.string(),
      attestationObject: fc.string(),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
);

describe('step-up and registration responses, fuzzed', () => {
  it('property: any step-up response that is not a real assertion is refused with a problem at /stepUp/response', async () => {
    await fc.assert(fc.asyncProperty(responses, async (response) => {
      const outcome = await ceremonies.verifyStepUp(binding, response, [passkey], NOW).then(() => 'verified', (error: unknown) => error);
      assert.ok(outcome instanceof Problem, `not a problem: ${String(outcome)}`);
      assert.ok(outcome.errors?.[0]?.pointer?.startsWith('/stepUp/response'));
    }), { numRuns: 300 });
  });

  it('property: any registration response that is not a real attestation is refused with a problem at /response', async () => {
    await fc.assert(fc.asyncProperty(responses, async (response) => {
      const outcome = await ceremonies.verifyRegistration('alice', 'laptop', response, NOW).then(() => 'verified', (error: unknown) => error);
      assert.ok(outcome instanceof Problem, `not a problem: ${String(outcome)}`);
      assert.ok(outcome.errors?.[0]?.pointer?.startsWith('/response'));
    }), { numRuns: 300 });
  });
});
