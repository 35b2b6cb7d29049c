import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@countersign/contracts';
import { policyVersionInForce } from './publication.ts';
import { breakGlass, evaluate, PUBLICATION, propose, proposePublish, requireApproval, rita, vote } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

// Two proposals made on the same version: approving the second after the first took effect would
// silently undo the first. Publication is compare-and-set on the version it was proposed against.
describe('publishing is compare-and-set on the version in force', () => {
  const NEWER = contentHash('the version published since');

  it('given a publication proposed against pv-1, when its quorum approves while pv-1 is still in force, then it is published', () => {
    given(proposePublish(), requireApproval()).when(vote('alice'), { policyInForce: 'pv-1' })
      .then(['VoteRecorded', 'ActionApproved', 'PolicyPublished']);
  });

  it('given a publication proposed against pv-1, when its quorum approves after another version took effect, then it is denied naming both', () => {
    const outcome = given(proposePublish(), requireApproval()).when(vote('alice'), { policyInForce: NEWER });
    const denied = draftOf(outcome.then(['VoteRecorded', 'ActionDenied']), 'ActionDenied');
    assert.equal(denied.data.automatic, true);
    assert.equal(denied.data.reason, `This policy publication was proposed against pv-1 but ${NEWER} is in force; propose it again. Denied (fail closed).`);
    assert.equal(outcome.state.status, 'denied');
  });

  it('given a stale publication approved under break-glass, then it is denied and no review is asked for', () => {
    const clause = requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } });
    given(proposePublish(), clause).when(breakGlass('olga', 'urgent fix'), { policyInForce: NEWER }).then(['VoteRecorded', 'ActionDenied']);
  });

  it('given a publication that names no previous version, when another version is in force, then it is denied', () => {
    const { previousVersion: _, ...unanchored } = PUBLICATION;
    const drafts = given(proposePublish(unanchored), requireApproval()).when(vote('alice'), { policyInForce: 'pv-1' }).then(['VoteRecorded', 'ActionDenied']);
    assert.match(draftOf(drafts, 'ActionDenied').data.reason, /proposed against no recorded version but pv-1 is in force/);
  });

  it('given a publication proposed against an older version, when policy asks for approval, then it is denied at once: nobody is asked', () => {
    const outcome = given(proposePublish()).when(requireApproval(), { policyInForce: NEWER });
    assert.match(draftOf(outcome.then(['PolicyEvaluated', 'ActionDenied']), 'ActionDenied').data.reason, /proposed against pv-1/);
  });

  it('given a stale publication that policy allows outright, then it is denied instead', () => {
    given(proposePublish()).when(evaluate('allow'), { policyInForce: NEWER }).then(['PolicyEvaluated', 'ActionDenied']);
  });

  it('given any other action, when it is approved, then the version in force does not matter', () => {
    given(propose(rita, 'data.export', PUBLICATION), requireApproval()).when(vote('alice'), { policyInForce: NEWER }).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given no version in force supplied, then the check is not made (as before)', () => {
    given(proposePublish(), requireApproval()).when(vote('alice')).then(['VoteRecorded', 'ActionApproved', 'PolicyPublished']);
  });
});

describe('the version in force', () => {
  const published = (id: string, occurredAt: string, version: string) => ({ id, occurredAt, data: { version } });

  it('given no publication, then the seed is in force', () => {
    assert.equal(policyVersionInForce('seed', []), 'seed');
  });

  it('given publications in any order, then the latest by time, then event id, is in force', () => {
    const a = published('0190-a', '2026-03-01T10:00:00.000Z', 'v-a');
    const b = published('0190-b', '2026-03-01T11:00:00.000Z', 'v-b');
    const c = published('0190-c', '2026-03-01T11:00:00.000Z', 'v-c');
    assert.equal(policyVersionInForce('seed', [a, b, c]), 'v-c');
    assert.equal(policyVersionInForce('seed', [c, b, a]), 'v-c');
    assert.equal(policyVersionInForce('seed', [b, a]), 'v-b');
  });
});
