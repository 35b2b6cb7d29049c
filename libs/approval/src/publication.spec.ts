import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@countersign/contracts';
import { POLICY_EVALUATOR, ROUTER } from './context.ts';
import { approvalRequest } from './approval-request.ts';
import {
  breakGlass, directory, evaluate, PUBLICATION, propose, proposePublish, requireApproval, rita, T0, vote,
} from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

const twoApprovals = () => requireApproval({ quorum: 2 });

describe('publishing a policy set', () => {
  it('given a publication approved by its quorum, then PolicyPublished follows the approval in the same batch, with its content', () => {
    const outcome = given(proposePublish(), twoApprovals(), vote('alice')).when(vote('bob'));
    const [, , published] = outcome.then(['VoteRecorded', 'ActionApproved', 'PolicyPublished']);
    assert.deepEqual(published.actor, ROUTER);
    assert.deepEqual(draftOf([published], 'PolicyPublished').data, { ...PUBLICATION, author: 'rita', approvers: ['alice', 'bob'] });
    assert.equal(outcome.state.status, 'approved');
    assert.equal(outcome.state.status === 'approved' && outcome.state.publication?.version, PUBLICATION.version);
  });

  it('given a rollback, then the publication says which version it restores', () => {
    const rollback = { ...PUBLICATION, rollbackOf: contentHash('an older set') };
    const drafts = given(proposePublish(rollback), requireApproval()).when(vote('alice')).drafts;
    assert.equal(draftOf(drafts, 'PolicyPublished').data.rollbackOf, rollback.rollbackOf);
  });

  it('given a publication approved in an emergency, then the review comes with the approval and the publication last', () => {
    const breakGlassRule = requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 3600 } });
    given(proposePublish(), breakGlassRule).when(breakGlass('olga', 'bad rule blocks every deploy'))
      .then(['VoteRecorded', 'ActionApproved', 'ReviewRequested', 'PolicyPublished']);
  });

  it('given a publication that policy allows outright (the loader forbids it, but), then it is published all the same', () => {
    const drafts = given(proposePublish()).when(evaluate('allow')).then(['PolicyEvaluated', 'ActionApproved', 'PolicyPublished']);
    assert.deepEqual(draftOf(drafts, 'PolicyPublished').data.approvers, []);
  });

  it('given any other action approved, then nothing is published, whatever its params look like', () => {
    given(propose(rita, 'data.export', PUBLICATION), requireApproval()).when(vote('alice')).then(['VoteRecorded', 'ActionApproved']);
    given(propose(rita, 'data.export', PUBLICATION)).when(evaluate('allow')).then(['PolicyEvaluated', 'ActionApproved']);
  });
});

describe('params that are not a publication: denied, never half-published (fail closed)', () => {
  const malformed: Record<string, { params: Record<string, unknown>; says: RegExp }> = {
    'a version that is not a content hash': { params: { ...PUBLICATION, version: 'v2' }, says: /\/params\/version must match pattern/ },
    'no files': { params: { version: PUBLICATION.version, files: [] }, says: /\/params\/files must NOT have fewer than 1 items/ },
    'a file without text': { params: { ...PUBLICATION, files: [{ path: 'a.yaml' }] }, says: /\/params\/files\/0\/text/ },
    'no version': { params: { files: PUBLICATION.files }, says: /\/params\/version/ },
    'an unexpected parameter': { params: { ...PUBLICATION, author: 'mallory' }, says: /unexpected parameter\(s\) author/ },
  };

  for (const [name, { params, says }] of Object.entries(malformed)) {
    it(`given a publication with ${name}, when policy requires approval, then it is denied at once and says why`, () => {
      const outcome = given(proposePublish(params)).when(twoApprovals());
      const denied = draftOf(outcome.then(['PolicyEvaluated', 'ActionDenied']), 'ActionDenied');
      assert.equal(denied.data.automatic, true);
      assert.match(denied.data.reason, /not a policy publication/);
      assert.match(denied.data.reason, says);
    });
  }

  it('given a malformed publication that policy allows, then it is denied instead of approved', () => {
    given(proposePublish({ version: 'v2' })).when(evaluate('allow')).then(['PolicyEvaluated', 'ActionDenied']);
  });

  it('given a malformed publication somehow pending (an older router asked), when its quorum approves, then it is denied instead', () => {
    const proposal = proposePublish({ ...PUBLICATION, version: 'v2' });
    const evaluation = { outcome: 'require_approval' as const, policyVersion: 'pv-1', matchedRules: ['r'], rule: 'r', reason: 'r',
      approval: { groups: ['sre'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 60 } };
    const requester = proposal.type === 'ProposeAction' ? proposal.data.requester : rita;
    const request = approvalRequest(evaluation, requester, T0, directory);
    assert.ok(!('impossible' in request));
    const outcome = given(
      proposal,
      { type: 'PolicyEvaluated', data: evaluation, actor: POLICY_EVALUATOR },
      { type: 'ApprovalRequested', data: request, actor: ROUTER },
    ).when(vote('alice'));
    const denied = draftOf(outcome.then(['VoteRecorded', 'ActionDenied']), 'ActionDenied');
    assert.deepEqual(denied.actor, ROUTER);
    assert.equal(denied.data.automatic, true);
    assert.match(denied.data.reason, /not a policy publication.*\/params\/version/);
    assert.equal(outcome.state.status, 'denied');
  });
});

describe('publications belong to approved publish actions only', () => {
  it('given an approved export, when a publication is folded in, then the stream is refused as corrupt', () => {
    const published = { type: 'PolicyPublished' as const, data: { ...PUBLICATION, author: 'rita', approvers: ['alice'] }, actor: ROUTER };
    assert.throws(() => given(propose(), requireApproval(), vote('alice'), published), /PolicyPublished .* cannot follow status "approved"/);
  });

  it('given a published policy set, when a second publication is folded in, then the stream is refused as corrupt', () => {
    const published = { type: 'PolicyPublished' as const, data: { ...PUBLICATION, author: 'rita', approvers: ['alice'] }, actor: ROUTER };
    assert.throws(() => given(proposePublish(), requireApproval(), vote('alice'), published), /PolicyPublished .* cannot follow/);
  });
});
