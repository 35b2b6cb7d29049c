import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StepUpRecord } from '@countersign/contracts';
import { breakGlass, deny, PARAMS_HASH, propose, requireApproval, T0, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

// Step-up for risky approvals (docs/step-up.md): the gateway verifies the passkey ceremony, the
// router alone decides whether an approval counts, and under a step-up rule only one that carries
// a verified step-up for exactly the proposed parameters does.
const stepUp = (overrides: Partial<StepUpRecord> = {}): StepUpRecord => ({
  method: 'webauthn', credentialId: 'cred-alice', challenge: 'Y2hhbGxlbmdlLTE', verifiedAt: T0.toISOString(), userVerified: true, ...overrides,
});
const approveWith = (voter: string, record: StepUpRecord | undefined, paramsHash: string | null = PARAMS_HASH) =>
  vote(voter, 'approve', { ...(record ? { stepUp: record } : {}), ...(paramsHash ? { paramsHash } : {}) });

describe('step-up for risky approvals', () => {
  const pending = (quorum = 1) => [propose(), requireApproval({ quorum, stepUp: 'webauthn' })];

  it('given a rule with stepUp, when the action becomes pending, then the request says the rule requires it', () => {
    const scenario = given(...pending());
    assert.equal(scenario.state.status === 'pending' && scenario.state.request.stepUp, 'webauthn');
  });

  it('given a step-up rule, when an approval carries a verified step-up for the params, then it counts and the vote records the step-up', () => {
    const drafts = given(...pending()).when(approveWith('alice', stepUp())).then(['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(draftOf(drafts, 'VoteRecorded').data.stepUp, stepUp());
  });

  it('given a step-up rule, when an approval carries no step-up, then it is refused as step_up_required and nothing counts', () => {
    const outcome = given(...pending()).when(approveWith('alice', undefined));
    outcome.thenRejected('step_up_required', /requires a step-up.*console/);
    assert.equal(outcome.state.status === 'pending' && outcome.state.votes.length, 0);
  });

  it('given a step-up rule, when the step-up did not verify the user, then it is refused', () => {
    given(...pending()).when(approveWith('alice', stepUp({ userVerified: false }))).thenRejected('step_up_required', /verified the user/);
  });

  it('given a step-up rule, when the approval names no params hash, then it is refused: the assertion was bound to one', () => {
    given(...pending()).when(approveWith('alice', stepUp(), null)).thenRejected('step_up_required', /params hash/);
  });

  it('given a step-up rule, when the approval names other params, then it is refused as params_mismatch', () => {
    given(...pending()).when(approveWith('alice', stepUp(), 'f'.repeat(64))).thenRejected('params_mismatch');
  });

  it('given a step-up approval counted, when another approver presents the same challenge, then it is refused: each assertion counts once', () => {
    given(...pending(2), approveWith('alice', stepUp())).when(approveWith('bob', stepUp({ credentialId: 'cred-bob' }))).thenRejected('step_up_required', /already used/);
  });

  it('given a step-up rule, when a voter denies without a step-up, then the denial counts: stopping an action needs none', () => {
    given(...pending()).when(deny('alice')).then(['VoteRecorded', 'ActionDenied']);
  });

  it('given a step-up rule with break-glass, when the emergency approval carries no step-up, then it is refused', () => {
    const clause = requireApproval({ stepUp: 'webauthn', breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
    given(propose(), clause).when(breakGlass('olga', 'outage')).thenRejected('step_up_required');
  });

  it('given a step-up rule with break-glass, when the emergency approval carries a verified step-up, then it approves and records it', () => {
    const clause = requireApproval({ stepUp: 'webauthn', breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
    const glass = vote('olga', 'approve', { breakGlass: true, comment: 'outage', stepUp: stepUp({ credentialId: 'cred-olga' }), paramsHash: PARAMS_HASH });
    const drafts = given(propose(), clause).when(glass).then(['VoteRecorded', 'ActionApproved', 'ReviewRequested']);
    assert.equal(draftOf(drafts, 'VoteRecorded').data.stepUp?.credentialId, 'cred-olga');
  });

  it('given a rule without stepUp, when an approval carries none, then it counts as before', () => {
    given(propose(), requireApproval()).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });
});
