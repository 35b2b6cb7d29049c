import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextTimer } from './state.ts';
import { breakGlass, DEADLINE, deny, expire, propose, requireApproval, secondsAfter, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

// The expiry timer usually reaches the router first, but nothing guarantees it: a vote decided at
// or after the deadline must never count, and must not leave the action pending past it.
describe('votes at or after the deadline', () => {
  const pending = () => [propose(), requireApproval({ quorum: 2 }), vote('alice')];

  it('given a pending action, when a vote is decided at the deadline, then it is refused and the action expires in the same batch', () => {
    const outcome = given(...pending()).when(vote('bob'), { now: DEADLINE });
    const [rejected, expired] = outcome.then(['CommandRejected', 'ActionExpired']);
    const refusal = draftOf([rejected], 'CommandRejected').data;
    assert.equal(refusal.code, 'past_deadline');
    assert.match(refusal.reason, new RegExp(`deadline ${DEADLINE.toISOString()} has passed`));
    assert.equal(draftOf([expired], 'ActionExpired').data.reason, `No decision before the deadline ${DEADLINE.toISOString()}: 1 of 2 required approval(s) given.`);
    assert.equal(outcome.state.status, 'expired');
    assert.equal(nextTimer(outcome.state), undefined);
  });

  it('given a pending action, when a vote issued after the deadline is decided by a router whose clock is behind, then it is refused too', () => {
    const late = { ...vote('bob'), issuedAt: secondsAfter(DEADLINE, 5).toISOString() };
    given(...pending()).when(late, { now: secondsAfter(DEADLINE, -60) }).then(['CommandRejected', 'ActionExpired']);
  });

  it('given a pending action, when a denial comes late, then it does not deny: the action expires', () => {
    const outcome = given(...pending()).when(deny('bob'), { now: secondsAfter(DEADLINE, 1) });
    outcome.then(['CommandRejected', 'ActionExpired']);
    assert.equal(outcome.state.status, 'expired');
  });

  it('given a break-glass clause, when the emergency approval comes late, then it is refused and the action expires', () => {
    const clause = requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
    given(propose(), clause).when(breakGlass('olga', 'outage'), { now: DEADLINE }).then(['CommandRejected', 'ActionExpired']);
  });

  it('given a late vote that expired the action, when the expiry timer fires afterwards, then nothing more happens', () => {
    given(...pending(), { ...vote('bob'), issuedAt: DEADLINE.toISOString() }).when(expire(DEADLINE)).then([]);
  });

  it('given a pending action, when a vote comes one millisecond before the deadline, then it counts', () => {
    given(...pending()).when(vote('bob'), { now: new Date(DEADLINE.getTime() - 1) }).then(['VoteRecorded', 'ActionApproved']);
  });

  it('property: whoever votes, however, a vote decided or issued at or after the deadline never counts and the action expires', () => {
    const voters = fc.constantFrom('alice', 'bob', 'erin', 'olga', 'zed', 'rita', 'mallory');
    fc.assert(
      fc.property(voters, fc.boolean(), fc.boolean(), fc.integer({ min: -120, max: 120 }), fc.integer({ min: -120, max: 120 }), (voter, approve, glass, nowOffset, issuedOffset) => {
        const clause = requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
        const command = { ...vote(voter, approve ? 'approve' : 'deny', { comment: 'why', ...(glass ? { breakGlass: true } : {}) }), issuedAt: secondsAfter(DEADLINE, issuedOffset).toISOString() };
        const outcome = given(propose(), clause).when(command, { now: secondsAfter(DEADLINE, nowOffset) });
        const late = nowOffset >= 0 || issuedOffset >= 0;
        if (late) assert.deepEqual(outcome.drafts.map((d) => d.type), ['CommandRejected', 'ActionExpired']);
        else assert.ok(!outcome.drafts.some((d) => d.type === 'ActionExpired'));
      }),
      { numRuns: 200 },
    );
  });
});
