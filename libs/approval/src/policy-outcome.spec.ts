import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Directory } from './context.ts';
import { isFinal, nextDeadline } from './state.ts';
import { agent7, DEADLINE, evaluate, PARAMS_HASH, propose, requireApproval } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

const ROUTER = { id: 'approval-router', kind: 'service' };

describe('proposal', () => {
  it('given nothing, when an action is proposed, then it is recorded as proposed by its requester', () => {
    const outcome = given().when(propose());
    const [proposed] = outcome.then(['ActionProposed']);
    assert.deepEqual(proposed.actor, { id: 'rita', kind: 'human' });
    assert.equal(outcome.state.status, 'proposed');
  });

  it('given a proposed action, when the same actionId is proposed again, then nothing happens', () => {
    given(propose()).when(propose()).then([]);
  });
});

describe('policy outcome (rule 1)', () => {
  it('given a proposal, when policy allows, then the action is approved automatically with the policy facts', () => {
    const outcome = given(propose()).when(evaluate('allow'));
    const drafts = outcome.then(['PolicyEvaluated', 'ActionApproved']);
    assert.deepEqual(drafts[0].actor, { id: 'policy-evaluator', kind: 'service' });
    const approved = draftOf(drafts, 'ActionApproved');
    assert.deepEqual(approved.actor, ROUTER);
    assert.deepEqual(approved.data, {
      rule: 'exports', policyVersion: 'pv-1', paramsHash: PARAMS_HASH, reason: 'exports of customer data: allow',
      automatic: true, approvers: [],
    });
    assert.equal(outcome.state.status, 'approved');
    assert.ok(isFinal(outcome.state));
  });

  it('given a proposal, when policy denies, then the action is denied automatically', () => {
    const outcome = given(propose()).when(evaluate('deny'));
    const denied = draftOf(outcome.then(['PolicyEvaluated', 'ActionDenied']), 'ActionDenied');
    assert.deepEqual(denied.actor, ROUTER);
    assert.equal(denied.data.automatic, true);
    assert.equal(denied.data.deniedBy, undefined);
    assert.equal(denied.data.paramsHash, PARAMS_HASH);
    assert.equal(outcome.state.status, 'denied');
  });

  it('given a proposal, when policy requires approval, then approval is requested of eligible humans until a deadline', () => {
    const outcome = given(propose()).when(requireApproval({ groups: ['sre', 'security'], principals: ['zed'], quorum: 2 }));
    const request = draftOf(outcome.then(['PolicyEvaluated', 'ApprovalRequested']), 'ApprovalRequested');
    assert.deepEqual(request.actor, ROUTER);
    // rita requested it; agent-7 and bot-1 are agents: none of them may vote.
    assert.deepEqual(request.data.eligible, ['alice', 'bob', 'carol', 'dave', 'erin', 'rita-admin', 'zed']);
    assert.deepEqual(request.data.eligibleGroups.erin, ['sre', 'security']);
    assert.deepEqual(request.data.eligibleGroups.zed, []);
    assert.equal(request.data.deadline, DEADLINE.toISOString());
    assert.equal(request.data.quorum, 2);
    assert.equal(outcome.state.status, 'pending');
    assert.equal(nextDeadline(outcome.state), DEADLINE.toISOString());
  });

  it('given an agent acting for dave, when approval is required, then neither the agent nor dave is eligible', () => {
    const request = draftOf(given(propose(agent7)).when(requireApproval()).drafts, 'ApprovalRequested');
    assert.deepEqual(request.data.eligible, ['alice', 'bob', 'erin', 'rita', 'rita-admin']);
  });

  it('given a named approver missing from the directory, when approval is required, then they are not eligible (cannot be known human)', () => {
    const request = draftOf(given(propose()).when(requireApproval({ groups: [], principals: ['ghost', 'carol'] })).drafts, 'ApprovalRequested');
    assert.deepEqual(request.data.eligible, ['carol']);
  });
});

describe('not enough eligible approvers: denied at once, never left hanging', () => {
  it('given fewer eligible humans than the quorum, then the action is denied automatically and says why', () => {
    const outcome = given(propose()).when(requireApproval({ groups: ['security'], quorum: 3 }));
    const denied = draftOf(outcome.then(['PolicyEvaluated', 'ActionDenied']), 'ActionDenied');
    assert.equal(denied.data.automatic, true);
    assert.match(denied.data.reason, /Not enough eligible approvers.*3 approval\(s\).*only 2 eligible/);
    assert.equal(nextDeadline(outcome.state), undefined);
  });

  it('given the only eligible approver is the requester, then the action is denied at once', () => {
    given(propose()).when(requireApproval({ groups: [], principals: ['rita'] })).then(['PolicyEvaluated', 'ActionDenied']);
  });

  it('given enough people but too few distinct groups among them, then the action is denied at once', () => {
    const drafts = given(propose()).when(requireApproval({ groups: ['sre', 'dba'], quorum: 2, distinctGroups: true })).drafts;
    assert.match(draftOf(drafts, 'ActionDenied').data.reason, /distinct groups of sre and dba.*only 1/);
  });

  it('given two eligible people of whom one is in both groups, then they cannot cover two distinct groups', () => {
    const small: Directory = {
      principals: { erin: { kind: 'human', groups: ['sre', 'security'] }, zed: { kind: 'human', groups: [] } },
    };
    const requirement = { groups: ['sre', 'security'], principals: ['zed'], quorum: 2, distinctGroups: true };
    const drafts = given(propose()).when(requireApproval(requirement), { directory: small }).then(['PolicyEvaluated', 'ActionDenied']);
    assert.match(draftOf(drafts, 'ActionDenied').data.reason, /eligible approvers can cover only 1/);
    // Without the distinct-groups condition the same two people suffice.
    given(propose()).when(requireApproval({ ...requirement, distinctGroups: false }), { directory: small })
      .then(['PolicyEvaluated', 'ApprovalRequested']);
  });

  it('given policy requires approval but names no requirement, then it is denied (fail closed)', () => {
    const drafts = given(propose()).when(evaluate('require_approval')).then(['PolicyEvaluated', 'ActionDenied']);
    assert.match(draftOf(drafts, 'ActionDenied').data.reason, /names no approvers/);
  });
});

describe('evaluation arriving out of place', () => {
  it('given nothing proposed, when an evaluation arrives, then nothing happens', () => {
    given().when(evaluate('allow')).then([]);
  });

  it('given an evaluated action, when a second evaluation arrives, then nothing happens', () => {
    given(propose(), evaluate('allow')).when(evaluate('deny')).then([]);
    given(propose(), requireApproval()).when(evaluate('allow')).then([]);
  });
});
