import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sealEvents, type ActionEvent, type EventDraft } from '@countersign/contracts';
import { checkLog, type Outcome } from './log-invariants.ts';

const actor = { id: 'demo-agent', kind: 'agent' as const };
let ids = 0;

/** A sealed stream of the given event types (data is irrelevant to the checker). */
function stream(streamId: string, types: string[], head?: { seq: number; hash: string }): ActionEvent[] {
  const drafts = types.map((type) => ({ type, actor, data: {} }) as unknown as EventDraft);
  return sealEvents(drafts, { streamId, head, causationId: 'c', correlationId: streamId, now: () => new Date(0), newId: () => `e${(ids += 1)}` }) as unknown as ActionEvent[];
}

const expect = (entries: Array<[string, Outcome]>) => new Map(entries);

describe('checkLog', () => {
  it('passes a sound log and counts its decisions', () => {
    const events = [...stream('a', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']), ...stream('b', ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'ActionDenied'])];
    const report = checkLog(events, expect([['a', 'approved'], ['b', 'denied']]));
    assert.deepEqual(report, {
      streams: 2, events: 8, decisions: { ActionApproved: 1, ActionDenied: 1 }, undecided: [], problems: [],
      types: { ActionProposed: 2, PolicyEvaluated: 2, ActionApproved: 1, ApprovalRequested: 1, VoteRecorded: 1, ActionDenied: 1 },
    });
  });

  it('lists an accepted action without a decision, or without a stream, as undecided', () => {
    const report = checkLog(stream('a', ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested']), expect([['a', 'approved'], ['gone', 'denied']]));
    assert.deepEqual(report.undecided, ['a', 'gone']);
    assert.deepEqual(report.problems, []);
  });

  it('reports a second decision, appended after the first with an intact chain', () => {
    const first = stream('a', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    const again = stream('a', ['ActionDenied'], { seq: 3, hash: first[2].hash });
    const report = checkLog([...first, ...again], expect([['a', 'approved']]));
    assert.deepEqual(report.problems, ['a: decided 2 times (ActionApproved #3, ActionDenied #4)']);
  });

  it('reports a second proposal of one action', () => {
    const first = stream('a', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    const again = stream('a', ['ActionProposed'], { seq: 3, hash: first[2].hash });
    assert.deepEqual(checkLog([...first, ...again], expect([['a', 'approved']])).problems, ['a: proposed 2 times']);
  });

  it('reports a gap in seq, a changed event and a record written twice', () => {
    const gap = stream('a', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    assert.match(checkLog([gap[0], gap[2]], expect([['a', 'approved']])).problems[0], /^a: chain broken at seq 3: expected seq 2/);
    const edited = stream('b', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    edited[1] = { ...edited[1], actor: { id: 'mallory', kind: 'human' } };
    assert.match(checkLog(edited, expect([['b', 'approved']])).problems[0], /^b: chain broken at seq 2: hash does not match/);
    const twice = stream('c', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved']);
    const problems = checkLog([twice[0], twice[0], twice[1], twice[2]], expect([['c', 'approved']])).problems;
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^event e\d+ \(ActionProposed #1 of c\) is in the log twice$/);
    assert.match(problems[1], /^c: chain broken at seq 1/);
    assert.equal(problems[2], 'c: proposed 2 times');
  });

  it('reports an outcome other than the one the client was promised, and an action no client asked for', () => {
    const events = [...stream('a', ['ActionProposed', 'PolicyEvaluated', 'ActionDenied']), ...stream('x', ['ActionProposed', 'PolicyEvaluated', 'ActionApproved'])];
    assert.deepEqual(checkLog(events, expect([['a', 'approved']])).problems, [
      'a: ActionDenied, but the client expects approved',
      'x: in the log, but no client was told it was accepted',
    ]);
  });

  it('reports a stream that does not start with its proposal', () => {
    const events = stream('a', ['PolicyEvaluated', 'ActionApproved']);
    assert.deepEqual(checkLog(events, expect([['a', 'approved']])).problems, ['a: starts with PolicyEvaluated, not ActionProposed']);
  });
});
