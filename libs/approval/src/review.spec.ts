import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { breakGlass, propose, requireApproval, review, secondsAfter, T0, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

/** Approved alone by olga at T0; alice, carol and erin must review within a day. */
const brokenGlass = () => [
  propose(),
  requireApproval({ quorum: 2, breakGlass: { groups: ['oncall'], reviewGroups: ['oncall', 'security'], reviewWithinSeconds: 86_400 } }),
  breakGlass('olga', 'checkout is down'),
];
const DUE = secondsAfter(T0, 86_400);

describe('recording the review of a break-glass approval', () => {
  it('given a break-glass approval, when a reviewer upholds it in time, then the review is recorded, on time, by the reviewer', () => {
    const outcome = given(...brokenGlass()).when(review('erin', 'upheld', '  incident INC-1 confirms it  '), { now: secondsAfter(T0, 3600) });
    const [recorded] = outcome.then(['ReviewRecorded']);
    assert.deepEqual(draftOf([recorded], 'ReviewRecorded').data, { reviewer: 'erin', verdict: 'upheld', comment: 'incident INC-1 confirms it', late: false });
    assert.deepEqual(recorded.actor, { id: 'erin', kind: 'human' });
    assert.equal(outcome.state.status, 'approved');
    assert.equal(outcome.state.status === 'approved' && outcome.state.reviewed?.verdict, 'upheld');
  });

  it('given a break-glass approval, when a reviewer raises concerns after the due time, then it is recorded and flagged late', () => {
    const drafts = given(...brokenGlass()).when(review('carol', 'concerns', 'no incident ticket'), { now: secondsAfter(DUE, 1) }).then(['ReviewRecorded']);
    assert.deepEqual(draftOf(drafts, 'ReviewRecorded').data, { reviewer: 'carol', verdict: 'concerns', comment: 'no incident ticket', late: true });
  });

  it('given a review exactly at its due time, then it is not late', () => {
    const drafts = given(...brokenGlass()).when(review('alice'), { now: DUE }).drafts;
    assert.equal(draftOf(drafts, 'ReviewRecorded').data.late, false);
  });

  it('given a break-glass approval, when the approver, the requester or an outsider reviews it, then they are not eligible', () => {
    given(...brokenGlass()).when(review('olga')).thenRejected('not_eligible', /olga may not review.*other than olga and the requester, that is alice, carol or erin/);
    given(...brokenGlass()).when(review('rita')).thenRejected('not_eligible');
    given(...brokenGlass()).when(review('zed')).thenRejected('not_eligible');
  });

  it('given a recorded review, when another reviewer reviews too, then it is refused as already reviewed', () => {
    const reason = given(...brokenGlass(), review('erin')).when(review('carol', 'concerns', 'me too')).thenRejected('already_reviewed', /already reviewed by erin/);
    assert.doesNotMatch(reason, /checked the incident/, 'the refusal does not repeat the review');
  });

  it('given a break-glass approval, when the review comment is blank, then it is refused and nothing is recorded', () => {
    const outcome = given(...brokenGlass()).when(review('erin', 'upheld', ' \n '));
    outcome.thenRejected('reason_required', /needs a comment/);
    assert.equal(outcome.state.status === 'approved' && outcome.state.reviewed, undefined);
  });

  it('given an action still pending, an ordinary approval or no action at all, then there is no review to record', () => {
    const pending = [propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } })];
    given(...pending).when(review('erin')).thenRejected('no_review_requested', /not been decided yet/);
    given(propose(), requireApproval(), vote('alice')).when(review('erin')).thenRejected('no_review_requested', /not approved under break-glass/);
    given().when(review('erin')).thenRejected('no_review_requested', /not been proposed/);
  });

  it('given a recorded review, when the same command is redelivered, then nothing changes', () => {
    const command = review('erin');
    const reviewed = given(...brokenGlass(), command);
    assert.deepEqual(reviewed.when(command).drafts, []);
  });

  it('given a review event where none was requested, when folded in, then the stream is refused as corrupt', () => {
    const stray = { type: 'ReviewRecorded' as const, data: { reviewer: 'erin', verdict: 'upheld' as const, comment: 'x', late: false }, actor: { id: 'erin', kind: 'human' as const } };
    assert.throws(() => given(propose(), requireApproval(), vote('alice'), stray), /ReviewRecorded .* cannot follow status "approved"/);
  });
});
