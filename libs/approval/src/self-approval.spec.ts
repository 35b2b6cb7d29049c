import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agent7, deny, propose, requireApproval, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

// rita is in sre, the approver group: she is excluded from the eligible set at request time, and
// when she votes anyway she hears the real reason (self-approval), not "not eligible" (rule 2).
describe('no self-approval (rule 2)', () => {
  it('given rita requested the action and sits in the approver group, then she was never eligible', () => {
    const drafts = given(propose()).when(requireApproval()).drafts;
    assert.ok(!draftOf(drafts, 'ApprovalRequested').data.eligible.includes('rita'));
  });

  it('given rita requested the action, when she approves it, then she is refused as self-approval', () => {
    const outcome = given(propose(), requireApproval()).when(vote('rita'));
    outcome.thenRejected('self_approval', /rita requested this action/);
    assert.equal(outcome.state.status, 'pending');
    assert.equal(outcome.state.status === 'pending' && outcome.state.votes.length, 0);
  });

  it('given rita requested the action, when she denies it, then she is refused too and told to cancel instead', () => {
    given(propose(), requireApproval()).when(deny('rita')).thenRejected('self_approval', /cancel it instead/);
  });

  it('given rita requested the action, when her second account votes with one of her linked identities, then it is self-approval', () => {
    // rita-admin is eligible on its own (sre, admins): only the shared identity reveals it is rita.
    const setup = [propose(), requireApproval()];
    given(...setup).when(vote('rita-admin', 'approve', { voterIdentities: ['slack:URITA'] }))
      .thenRejected('self_approval', /slack:URITA is linked to its requester rita/);
    given(...setup).when(vote('rita-admin', 'approve', { voterIdentities: [], identity: 'apikey:rita-1' }))
      .thenRejected('self_approval');
  });

  it('given the linked identity is not the requester\'s, then the same account may approve', () => {
    given(propose(), requireApproval()).when(vote('rita-admin', 'approve', { voterIdentities: ['slack:UADMIN'] }))
      .then(['VoteRecorded', 'ActionApproved']);
  });

  it('given an agent acting for dave proposed the action, when dave approves, then it is self-approval', () => {
    given(propose(agent7), requireApproval()).when(vote('dave')).thenRejected('self_approval', /agent-7 requested it on their behalf/);
  });

  it('given an agent proposed the action, when the agent votes on it, then it is self-approval', () => {
    const outcome = given(propose(agent7), requireApproval()).when(vote('agent-7'));
    outcome.thenRejected('self_approval');
    assert.deepEqual(outcome.drafts[0].actor, { id: 'agent-7', kind: 'agent' });
  });

  it('given a refused self-approval, then the others can still decide', () => {
    given(propose(agent7), requireApproval(), vote('dave')).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given a quorum reached, then the approvers never include the requester or the human behind it', () => {
    const drafts = given(propose(agent7), requireApproval({ quorum: 2 }), vote('dave'), vote('agent-7'), vote('alice'))
      .when(vote('bob')).then(['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(draftOf(drafts, 'ActionApproved').data.approvers, ['alice', 'bob']);
  });
});
