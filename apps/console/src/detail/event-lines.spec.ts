import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventLine } from './event-lines.ts';

const event = (type: string, data: Record<string, unknown>) => ({ type, seq: 1, occurredAt: '2026-12-03T12:00:00Z', actor: { id: 'bob', kind: 'human' }, data });

describe('event lines', () => {
  it('given votes and decisions, when shown on the timeline, then each says who did what', () => {
    assert.equal(eventLine(event('VoteRecorded', { voter: 'bob', decision: 'approve', onBehalfOf: 'alice', comment: 'ok' })), 'bob voted approve on behalf of alice: ok');
    assert.equal(eventLine(event('ActionDenied', { reason: 'no ticket' })), 'denied: no ticket');
    assert.equal(eventLine(event('NotificationFailed', { purpose: 'request', channel: 'webhook:siem', attempt: 2, reason: 'HTTP 503' })), 'request to webhook:siem failed (attempt 2): HTTP 503');
    assert.equal(eventLine(event('SomethingNew', {})), 'SomethingNew');
  });
});
