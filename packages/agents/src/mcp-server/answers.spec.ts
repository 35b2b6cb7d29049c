import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountersignUnavailable, RequestRejected, type Action } from '@countersign/sdk';
import { failure, summarize } from './answers.ts';

const pending: Action = {
  id: 'a-1', status: 'pending', action: 'asks.deploy', resource: 'prod/web',
  approval: { groups: ['data-stewards'], quorum: 1, eligible: ['alice', 'bob'], deadline: '2026-12-03T09:00:00Z', approvals: 0, distinctGroups: false },
};

describe('the MCP server\'s answers', () => {
  it('given a pending action, then it names who must approve and says to wait, not act', () => {
    const s = summarize(pending);
    assert.deepEqual(s.awaiting, { groups: ['data-stewards'], quorum: 1, approvals: 0, eligible: ['alice', 'bob'], deadline: '2026-12-03T09:00:00Z' });
    assert.match(s.next, /1 of alice, bob .*wait_for_decision with actionId a-1 to wait for it; do not act before it is approved/);
    assert.equal(s.decision, undefined);
  });

  it('given a decided action, then it carries outcome, by, rule and reason and no approvers', () => {
    const s = summarize({ ...pending, status: 'denied', decision: { outcome: 'denied', at: '', by: ['bob'], automatic: false, reason: 'not today', rule: 'asks-deploys' } });
    assert.deepEqual(s.decision, { outcome: 'denied', by: ['bob'], reason: 'not today', rule: 'asks-deploys' });
    assert.equal(s.awaiting, undefined);
    assert.match(s.next, /^Denied: do not go ahead/);
  });

  it('given Countersign unreachable or a 4xx problem, then the result is an error with a sentence the model can act on', () => {
    const down = failure(new CountersignUnavailable('connect ECONNREFUSED', { attempts: 3, mayHaveTakenEffect: false }), 'http://cs.test');
    assert.equal(down.isError, true);
    assert.match((down.content[0] as { text: string }).text, /^Countersign is unreachable at http:\/\/cs\.test .*do not go ahead/);
    const refused = failure(new RequestRejected(404, { type: 'https://countersign.dev/problems/not-found', title: 'Not found', status: 404, detail: 'No action a-2.' }), 'http://cs.test');
    assert.equal((refused.content[0] as { text: string }).text, 'Countersign refused the request: No action a-2. (404 not-found)');
  });
});
