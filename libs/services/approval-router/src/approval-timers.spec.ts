import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalTimer } from '@countersign/approval';
import { ApprovalTimers } from './approval-timers.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('approval timers', () => {
  let fired: Array<[string, ApprovalTimer]>;
  let timers: ApprovalTimers;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 });
    fired = [];
    timers = new ApprovalTimers(() => new Date(), (id, due) => fired.push([id, due]));
  });
  afterEach(() => {
    timers.clear();
    mock.timers.reset();
  });

  it('given an escalation timer, when its time comes, then it fires that command, once', () => {
    const escalation: ApprovalTimer = { at: at(900), command: 'EscalateApproval' };
    timers.set('act-1', escalation);
    mock.timers.tick(899_999);
    assert.deepEqual(fired, []);
    mock.timers.tick(1);
    assert.deepEqual(fired, [['act-1', escalation]]);
    assert.equal(timers.size, 0);
  });

  it('given an armed escalation, when the next timer becomes the deadline, then only the deadline fires', () => {
    timers.set('act-1', { at: at(900), command: 'EscalateApproval' });
    timers.set('act-1', { at: at(3600), command: 'ExpireAction' });
    mock.timers.tick(3_600_000);
    assert.deepEqual(fired, [['act-1', { at: at(3600), command: 'ExpireAction' }]]);
  });

  it('given the same timer set twice, then it is armed once and keeps its original schedule', () => {
    const expiry: ApprovalTimer = { at: at(60), command: 'ExpireAction' };
    timers.set('act-1', expiry);
    mock.timers.tick(30_000);
    timers.set('act-1', { ...expiry });
    mock.timers.tick(30_000);
    assert.equal(fired.length, 1);
  });

  it('given a timer already past due, then it fires at once', () => {
    timers.set('act-1', { at: at(-5), command: 'ExpireAction' });
    mock.timers.tick(0);
    assert.equal(fired.length, 1);
  });

  it('given an armed timer, when it is disarmed, then nothing fires', () => {
    timers.set('act-1', { at: at(60), command: 'ExpireAction' });
    timers.set('act-1', undefined);
    mock.timers.tick(120_000);
    assert.deepEqual(fired, []);
    assert.equal(timers.get('act-1'), undefined);
  });

  it('given a deadline beyond what setTimeout can wait, then it is re-armed in steps and fires on time', () => {
    const far: ApprovalTimer = { at: at(40 * 86_400), command: 'ExpireAction' };
    timers.set('act-1', far);
    mock.timers.tick(2 ** 31 - 1);
    assert.deepEqual(fired, []);
    assert.deepEqual(timers.get('act-1'), far);
    mock.timers.tick(40 * 86_400_000 - (2 ** 31 - 1));
    assert.deepEqual(fired, [['act-1', far]]);
  });
});
