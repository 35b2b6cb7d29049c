import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '@countersign/sdk';
import { pending, refusal, unavailable } from './messages.ts';

const base: Action = { id: '01a2b3c4-0000-7000-8000-000000000001', status: 'pending', action: 'mcp.github.merge_pull_request', resource: 'repos/acme/web' };
const text = (r: { content: unknown[] }) => (r.content[0] as { text: string }).text;

describe('what the model sees', () => {
  it('given a denial, when answered, then it is an error naming the rule, the reason and the action', () => {
    const r = refusal({ ...base, status: 'denied', decision: { outcome: 'denied', at: 'now', by: ['alice'], automatic: false, rule: 'merges', reason: 'not before the release' } });
    assert.equal(r.isError, true);
    assert.match(text(r), /^Countersign denied this call \(rule merges\): not before the release\. The tool did not run; action 01a2b3c4-.* \(mcp\.github\.merge_pull_request on repos\/acme\/web\)/);
  });

  it('given an expiry or a cancel, when answered, then the error says which, with the deadline or the reason', () => {
    assert.match(text(refusal({ ...base, status: 'expired', approval: { groups: ['maintainers'], quorum: 1, eligible: [], deadline: '2026-12-03T12:00:00Z', approvals: 0 } })), /expired at 2026-12-03T12:00:00Z before anyone approved it/);
    assert.match(text(refusal({ ...base, status: 'cancelled', decision: { outcome: 'cancelled', at: 'now', by: ['demo-agent'], automatic: false, reason: 'changed my mind' } })), /cancelled: changed my mind/);
  });

  it('given a call still pending, when answered, then it is not an error and says who must approve and how to resume', () => {
    const r = pending({ ...base, approval: { groups: ['maintainers'], quorum: 2, eligible: ['alice', 'bob'], deadline: '2026-12-03T16:00:00Z', approvals: 1 } });
    assert.equal(r.isError, undefined);
    assert.match(text(r), /maintainers \(quorum 2; eligible: alice, bob; 1 approval\(s\) so far\) before 2026-12-03T16:00:00Z/);
    assert.match(text(r), /countersign_wait with \{"actionId": "01a2b3c4-0000-7000-8000-000000000001"\}/);
  });

  it('given Countersign unreachable, when answered, then it is an error saying the tool did not run', () => {
    const r = unavailable(new Error('connect ECONNREFUSED'));
    assert.equal(r.isError, true);
    assert.match(text(r), /could not be reached.*did not run \(fail closed\): connect ECONNREFUSED/);
  });
});
