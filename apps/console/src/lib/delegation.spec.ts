import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delegatorFor } from './delegation.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const delegation = (over = {}) => ({ delegator: 'alice', delegate: 'bob', from: '2026-12-01T00:00:00Z', until: '2026-12-10T00:00:00Z', status: 'active', ...over });

describe('delegation', () => {
  it('given I am eligible myself, when voting, then I vote as myself', () => {
    assert.equal(delegatorFor({ approval: { eligible: ['bob', 'alice'] }, votes: [] }, 'bob', [delegation()], NOW), undefined);
  });

  it('given an active delegation from an eligible approver, when voting, then I vote on their behalf', () => {
    assert.equal(delegatorFor({ approval: { eligible: ['alice'] }, votes: [] }, 'bob', [delegation()], NOW), 'alice');
  });

  it('given the delegation expired, revoked, not started or the delegator voted, when voting, then nobody', () => {
    const action = { approval: { eligible: ['alice'] }, votes: [] };
    assert.equal(delegatorFor(action, 'bob', [delegation({ until: '2026-12-02T00:00:00Z' })], NOW), undefined);
    assert.equal(delegatorFor(action, 'bob', [delegation({ status: 'revoked' })], NOW), undefined);
    assert.equal(delegatorFor(action, 'bob', [delegation({ from: '2026-12-05T00:00:00Z' })], NOW), undefined);
    assert.equal(delegatorFor({ approval: { eligible: ['alice'] }, votes: [{ voter: 'alice' }] }, 'bob', [delegation()], NOW), undefined);
  });
});
