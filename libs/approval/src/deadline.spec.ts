import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
