import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@countersign/contracts';
import { breakGlass, PARAMS_HASH, propose, requireApproval, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

// A chat button approves what its message showed: the params hash travels with the vote, and a
// vote for other parameters than those proposed never counts.
describe('votes bound to the params hash', () => {
  const pending = () => [propose(), requireApproval({ quorum: 2 })];
  const other = contentHash({ table: 'customers', format: 'csv', rows: 999_999 });

  it('given a pending action, when a vote names another params hash, then it is refused as params_mismatch and nothing is recorded', () => {
    const outcome = given(...pending()).when(vote('alice', 'approve', { paramsHash: other }));
    outcome.thenRejected('params_mismatch', new RegExp(`hash ${other}.*hash to ${PARAMS_HASH}`));
    assert.equal(outcome.state.status === 'pending' && outcome.state.votes.length, 0);
  });

  it('given a pending action, when a vote names the proposal\'s params hash, then it counts and the hash is recorded on the vote', () => {
    const drafts = given(...pending()).when(vote('alice', 'approve', { paramsHash: PARAMS_HASH })).then(['VoteRecorded']);
    assert.equal(draftOf(drafts, 'VoteRecorded').data.paramsHash, PARAMS_HASH);
  });

  it('given a pending action, when a vote names no params hash (the API), then it counts and records none', () => {
    const drafts = given(...pending()).when(vote('alice')).then(['VoteRecorded']);
    assert.equal('paramsHash' in draftOf(drafts, 'VoteRecorded').data, false);
  });

  it('given a break-glass clause, when the emergency approval names another params hash, then it is refused too', () => {
    const clause = requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
    const glass = { ...breakGlass('olga', 'outage') };
    if (glass.type === 'CastVote') glass.data = { ...glass.data, paramsHash: other };
    given(propose(), clause).when(glass).thenRejected('params_mismatch');
  });

  it('given a pending action, when a denial names another params hash, then it does not deny', () => {
    const outcome = given(...pending()).when(vote('alice', 'deny', { comment: 'no', paramsHash: other }));
    outcome.thenRejected('params_mismatch');
    assert.equal(outcome.state.status, 'pending');
  });
});
