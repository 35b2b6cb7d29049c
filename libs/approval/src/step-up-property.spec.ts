import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StepUpRecord } from '@countersign/contracts';
import { breakGlass, PARAMS_HASH, propose, requireApproval, T0, vote } from './testing/fixtures.ts';
import { given } from './testing/given.ts';

// Property: whatever votes arrive under a step-up rule, in any order and shape, no approval counts
// (no VoteRecorded approve, no ActionApproved) unless it carries a user-verified webauthn step-up
// for the proposal's params hash with a challenge no earlier vote used; denials count without one.
const voters = ['alice', 'bob', 'erin', 'olga', 'carol', 'rita'];
const challenges = ['Y2gtMQ', 'Y2gtMg', 'Y2gtMw'];
const stepUps = fc.option(fc.record({
  method: fc.constant('webauthn' as const), credentialId: fc.constantFrom('cred-a', 'cred-b'), challenge: fc.constantFrom(...challenges),
  verifiedAt: fc.constant(T0.toISOString()), userVerified: fc.boolean(),
}), { nil: undefined });
const votes = fc.record({
  voter: fc.constantFrom(...voters),
  decision: fc.constantFrom('approve' as const, 'deny' as const),
  glass: fc.boolean(),
  stepUp: stepUps,
  hash: fc.constantFrom(PARAMS_HASH, undefined, 'f'.repeat(64)),
});

describe('step-up, property', () => {
  it('no approval ever counts without a valid, unused step-up for the proposal\'s parameters', () => {
    fc.assert(fc.property(fc.array(votes, { maxLength: 8 }), fc.integer({ min: 1, max: 3 }), (sequence, quorum) => {
      let scenario = given(propose(), requireApproval({
        quorum, stepUp: 'webauthn', breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 },
      }));
      const used = new Set<string>();
      for (const v of sequence) {
        const extra = { ...(v.stepUp ? { stepUp: v.stepUp as StepUpRecord } : {}), ...(v.hash ? { paramsHash: v.hash } : {}) };
        const command = v.glass && v.decision === 'approve'
          ? vote(v.voter, 'approve', { ...breakGlass(v.voter, 'outage').data as object, ...extra })
          : vote(v.voter, v.decision, { ...(v.decision === 'deny' ? { comment: 'no' } : {}), ...extra });
        const outcome = scenario.when(command);
        for (const draft of outcome.drafts) {
          if (draft.type !== 'VoteRecorded' || draft.data.decision !== 'approve') continue;
          const s = draft.data.stepUp;
          assert.ok(s && s.method === 'webauthn' && s.userVerified, 'an approval counted without a verified step-up');
          assert.equal(draft.data.paramsHash, PARAMS_HASH);
          assert.ok(!used.has(s.challenge), 'a challenge counted twice');
          used.add(s.challenge);
        }
        if (outcome.drafts.some((d) => d.type === 'ActionApproved')) {
          assert.ok(outcome.drafts.some((d) => d.type === 'VoteRecorded' && d.data.decision === 'approve' && d.data.stepUp));
        }
        scenario = outcome;
      }
    }), { numRuns: 300 });
  });
});
