import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalRequirement } from '@countersign/contracts';
import { ROUTER } from './context.ts';
import { agent7, breakGlass, deny, PARAMS_HASH, propose, requireApproval, secondsAfter, T0, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

/** Two sre approvals as usual; in an emergency one on-call engineer may approve alone, reviewed within a day. */
const withBreakGlass = (extra: Partial<ApprovalRequirement> = {}) =>
  requireApproval({
    quorum: 2,
    breakGlass: { groups: ['oncall'], reviewGroups: ['oncall', 'security'], reviewWithinSeconds: 86_400 },
    ...extra,
  });
const pending = () => [propose(), withBreakGlass()];
const OUTAGE = 'checkout is down, the fix needs this export';

describe('break-glass: who may approve alone', () => {
  it('given a rule with a break-glass clause, then the request names who may break glass: on-call humans, requester excluded', () => {
    const request = draftOf(given(propose()).when(withBreakGlass()).drafts, 'ApprovalRequested').data;
    // rita is on call but requested it; lead-bot is an agent.
    assert.deepEqual(request.breakGlass, { groups: ['oncall'], eligible: ['alice', 'olga'], reviewGroups: ['oncall', 'security'], reviewWithinSeconds: 86_400 });
  });

  it('given a pending action, when an on-call engineer breaks glass with a justification, then it is approved alone, flagged, and a review is requested', () => {
    const now = secondsAfter(T0, 60);
    const outcome = given(...pending()).when(breakGlass('olga', `  ${OUTAGE} `), { now });
    const [recorded, approved, review] = outcome.then(['VoteRecorded', 'ActionApproved', 'ReviewRequested']);
    assert.deepEqual(draftOf([recorded], 'VoteRecorded').data, { voter: 'olga', decision: 'approve', via: 'api', comment: `  ${OUTAGE} `, breakGlass: true });
    const reason = `Break-glass approval by olga: ${OUTAGE}`;
    assert.deepEqual(approved.actor, { id: 'olga', kind: 'human' });
    assert.deepEqual(draftOf([approved], 'ActionApproved').data, {
      rule: 'exports', policyVersion: 'pv-1', paramsHash: PARAMS_HASH, reason, automatic: false, approvers: ['olga'], breakGlass: true,
    });
    assert.deepEqual(review.actor, ROUTER);
    assert.deepEqual(draftOf([review], 'ReviewRequested').data, {
      reason, approvedBy: 'olga', reviewGroups: ['oncall', 'security'], reviewers: ['alice', 'carol', 'erin'],
      due: secondsAfter(now, 86_400).toISOString(),
    });
    assert.equal(outcome.state.status, 'approved');
    assert.equal(outcome.state.status === 'approved' && outcome.state.review?.approvedBy, 'olga');
  });

  it('given a break-glass approval, then the reviewers never include the approver nor the requester', () => {
    const drafts = given(...pending()).when(breakGlass('alice', OUTAGE)).drafts;
    assert.deepEqual(draftOf(drafts, 'ReviewRequested').data.reviewers, ['carol', 'erin', 'olga']);
  });

  it('given the requester is on call, when she breaks glass on her own action, then it is self-approval', () => {
    given(...pending()).when(breakGlass('rita', OUTAGE)).thenRejected('self_approval', /rita requested this action/);
  });

  it('given an agent acting for dave, when dave breaks glass, then it is self-approval too', () => {
    given(propose(agent7), withBreakGlass()).when(breakGlass('dave', OUTAGE)).thenRejected('self_approval');
  });

  it('given a pending action, when someone not on call breaks glass, then they are refused and told who may', () => {
    given(...pending()).when(breakGlass('zed', OUTAGE))
      .thenRejected('not_eligible', /zed may not break glass.*only members of oncall other than the requester may approve alone/);
    // A usual approver is not a break-glass one either.
    given(...pending()).when(breakGlass('bob', OUTAGE)).thenRejected('not_eligible', /bob may not break glass/);
  });

  it('given a rule without a break-glass clause, when someone breaks glass, then they are refused and told what the rule needs', () => {
    given(propose(), requireApproval({ quorum: 2 })).when(breakGlass('alice', OUTAGE))
      .thenRejected('not_eligible', /no break-glass clause; it needs 2 approval\(s\) from members of sre/);
  });

  it('given a pending action, when an on-call engineer breaks glass without a justification, then it is refused and nothing is recorded', () => {
    for (const comment of [undefined, '', ' \n ']) {
      const outcome = given(...pending()).when(breakGlass('olga', comment));
      outcome.thenRejected('reason_required', /justification/);
      assert.equal(outcome.state.status === 'pending' && outcome.state.votes.length, 0);
    }
  });

  it('given an on-call engineer who already approved the usual way, when she breaks glass, then it is a duplicate vote', () => {
    given(...pending(), vote('alice')).when(breakGlass('alice', OUTAGE)).thenRejected('duplicate_vote');
  });

  it('given an action already decided, when someone breaks glass, then it is refused as already decided', () => {
    given(...pending(), breakGlass('olga', OUTAGE)).when(breakGlass('alice', OUTAGE)).thenRejected('already_decided');
  });
});

describe('break-glass members outside the usual approvers', () => {
  it('given an on-call engineer who is no usual approver, when she votes the usual way, then she is not eligible', () => {
    given(...pending()).when(vote('olga')).thenRejected('not_eligible');
  });

  it('given an on-call engineer who is also a usual approver, when she approves the usual way, then it is an ordinary vote', () => {
    const outcome = given(...pending()).when(vote('alice'));
    assert.deepEqual(draftOf(outcome.then(['VoteRecorded']), 'VoteRecorded').data, { voter: 'alice', decision: 'approve', via: 'api' });
  });
});

describe('a break-glass denial is an ordinary denial', () => {
  it('given a usual approver, when she denies with the break-glass flag, then it is recorded and decided as a plain denial', () => {
    const drafts = given(...pending()).when(vote('bob', 'deny', { breakGlass: true, comment: 'no' })).then(['VoteRecorded', 'ActionDenied']);
    assert.equal('breakGlass' in draftOf(drafts, 'VoteRecorded').data, false);
    assert.equal(draftOf(drafts, 'ActionDenied').data.deniedBy, 'bob');
  });

  it('given an on-call engineer who is no usual approver, when she denies with the flag, then she is not eligible', () => {
    given(...pending()).when(vote('olga', 'deny', { breakGlass: true, comment: 'no' })).thenRejected('not_eligible');
  });

  it('given a plain denial without the flag, then nothing about break-glass changes it', () => {
    given(...pending()).when(deny('bob')).then(['VoteRecorded', 'ActionDenied']);
  });
});

describe('reviews belong to break-glass approvals only', () => {
  it('given an approval by quorum, when a review request is folded in, then the stream is refused as corrupt', () => {
    const review = {
      type: 'ReviewRequested' as const,
      data: { reason: 'x', approvedBy: 'alice', reviewGroups: [], reviewers: [], due: T0.toISOString() },
      actor: ROUTER,
    };
    assert.throws(() => given(propose(), requireApproval(), vote('alice'), review), /ReviewRequested .* cannot follow status "approved"/);
  });
});
