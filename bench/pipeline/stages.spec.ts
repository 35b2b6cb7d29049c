import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Outcome } from './open-loop.ts';
import { recordLogMessage, stagePoints, stageTable, type LogStamps } from './stages.ts';

const T = Date.parse('2026-12-03T10:00:00.000Z');
const iso = (ms: number) => new Date(T + ms).toISOString();
const command = (type: string, actionId: string, ms: number) => JSON.stringify({ id: `c-${type}`, type, actionId, issuedAt: iso(ms), data: {} });
const event = (type: string, streamId: string, ms: number) => JSON.stringify({ id: `e-${type}`, type, streamId, seq: 1, occurredAt: iso(ms), data: {} });
const outcome = (actionId: string, extra: Partial<Outcome> = {}): Outcome =>
  ({ scheduled: T, sent: T + 1, finished: T + 50, status: 201, actionId, actionStatus: 'approved', ...extra });

function fold(records: string[]): Map<string, LogStamps> {
  const stamps = new Map<string, LogStamps>();
  for (const r of records) recordLogMessage(stamps, r);
  return stamps;
}

describe('per-stage timings from the log', () => {
  it('the flow before issue 10: gateway, router ActionProposed, evaluator, router decision', () => {
    const stamps = fold([
      command('ProposeAction', 'a', 3), event('ActionProposed', 'a', 10), command('RecordPolicyEvaluation', 'a', 14),
      event('PolicyEvaluated', 'a', 30), event('ActionApproved', 'a', 30), event('NotificationDelivered', 'a', 40),
    ]);
    assert.deepEqual(stagePoints(outcome('a'), stamps.get('a')).map((p) => [p.name, p.at - T]), [
      ['scheduled', 0], ['sent', 1], ['gateway command', 3], ['router ActionProposed', 10],
      ['evaluator RecordPolicyEvaluation', 14], ['router decision', 30], ['201 received', 50],
    ]);
  });

  it('the flow after: evaluator RecordProposal ahead of the router, ActionProposed in the decision transaction', () => {
    const stamps = fold([command('ProposeAction', 'b', 2), command('RecordProposal', 'b', 5), event('ActionProposed', 'b', 9), event('ActionApproved', 'b', 9)]);
    assert.deepEqual(stagePoints(outcome('b'), stamps.get('b')).map((p) => p.name),
      ['scheduled', 'sent', 'gateway command', 'evaluator RecordProposal', 'router decision', '201 received']);
  });

  it('keeps the first stamp of a redelivered record and ignores what is not JSON or not a stage', () => {
    const stamps = fold([command('ProposeAction', 'c', 2), 'not json', '{"type":1}', command('CastVote', 'c', 4), command('ProposeAction', 'c', 99)]);
    assert.deepEqual(stamps.get('c'), { gateway: T + 2 });
  });

  it('a 202 contributes its log stages but no answer stage; requests without an action id contribute nothing', () => {
    const stamps = fold([command('ProposeAction', 'd', 2), command('RecordProposal', 'd', 5), event('ActionApproved', 'd', 9)]);
    const rows = stageTable([outcome('d', { status: 202, actionStatus: 'proposed' }), outcome('x', { actionId: undefined, status: 503 })], stamps);
    assert.deepEqual(rows.map((r) => [r.stage, r.n, r.p50]), [
      ['scheduled → sent', 1, 1], ['sent → gateway command', 1, 1], ['gateway command → evaluator RecordProposal', 1, 3],
      ['evaluator RecordProposal → router decision', 1, 4],
    ]);
  });

  it('p50 and p99 per stage over many requests', () => {
    const records: string[] = [];
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 100; i++) {
      records.push(command('ProposeAction', `a${i}`, 1), command('RecordProposal', `a${i}`, 1 + i), event('ActionApproved', `a${i}`, 1 + i + 1));
      outcomes.push(outcome(`a${i}`, { sent: T, finished: T + 200 }));
    }
    const row = stageTable(outcomes, fold(records)).find((r) => r.stage === 'gateway command → evaluator RecordProposal');
    assert.deepEqual(row, { stage: 'gateway command → evaluator RecordProposal', n: 100, p50: 50, p99: 99 });
  });
});
