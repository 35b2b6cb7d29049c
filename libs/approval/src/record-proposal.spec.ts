import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REQUIREMENT, evaluate, propose, recordProposal, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

describe('a proposal recorded with its evaluation (one step)', () => {
  it('given nothing, when policy allows, then proposal, evaluation and approval are one append', () => {
    const outcome = given().when(recordProposal('allow'));
    const [proposed] = outcome.then(['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    assert.deepEqual(proposed.actor, { id: 'rita', kind: 'human' }, 'the requester proposed it, not the evaluator');
    assert.equal(outcome.state.status, 'approved');
  });

  it('given nothing, when policy requires approval, then the request is opened in the same append', () => {
    const outcome = given().when(recordProposal('require_approval', DEFAULT_REQUIREMENT));
    draftOf(outcome.then(['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested']), 'ApprovalRequested');
    assert.equal(outcome.state.status, 'pending');
  });

  it('given nothing, when policy denies, then the action is denied at once', () => {
    given().when(recordProposal('deny')).then(['ActionProposed', 'PolicyEvaluated', 'ActionDenied']);
  });

  it('given a recorded proposal, when the same one arrives again (evaluated twice), then nothing happens', () => {
    const first = recordProposal('allow');
    given(first).when(first).then([]);
    given(first).when({ ...first, id: 'another-evaluation' }).then([]);
  });

  it('given an action proposed on the two-step path, when a recorded proposal for it arrives, then nothing happens', () => {
    given(propose(), evaluate('require_approval', DEFAULT_REQUIREMENT)).when(recordProposal('allow')).then([]);
  });

  it('given a request opened in one step, when an eligible approver votes, then it is approved', () => {
    given(recordProposal('require_approval', DEFAULT_REQUIREMENT)).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });
});
