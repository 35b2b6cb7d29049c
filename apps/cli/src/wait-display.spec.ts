import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionView } from './action-view.ts';
import { startWaitDisplay } from './wait-display.ts';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const at = (approvals: number, status = 'pending'): ActionView => ({
  id: 'a', status, approval: { groups: ['g'], quorum: 2, eligible: ['x', 'y'], deadline: '2026-11-02T10:00:00.000Z', approvals },
});

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (t: string) => written.push(t) } };
}

describe('the wait display', () => {
  it('given no terminal (a CI log), then a plain line per change of the approvals, none for the decision, no escape sequences', () => {
    const { written, stream } = sink(false);
    const display = startWaitDisplay(stream, at(0), { now: () => NOW, plainEveryMs: 3_600_000 });
    display.update(at(0));
    display.update(at(1));
    display.update(at(2, 'approved'));
    display.stop();
    assert.deepEqual(written, ['countersign: pending: 1/2 approvals · expires in 1h00m\n']);
  });

  it('given a terminal, then one line redrawn in place and cleared at the end', () => {
    const { written, stream } = sink(true);
    const display = startWaitDisplay(stream, at(0), { now: () => NOW, waitUntil: NOW.getTime() + 90_000 });
    display.update(at(1));
    display.note('countersign: a line of its own');
    display.stop();
    assert.deepEqual(written, [
      '\r\x1b[2Kcountersign: pending: 0/2 approvals · expires in 1h00m · --wait ends in 1m30s',
      '\r\x1b[2Kcountersign: pending: 1/2 approvals · expires in 1h00m · --wait ends in 1m30s',
      '\r\x1b[2Kcountersign: a line of its own\n',
      '\r\x1b[2Kcountersign: pending: 1/2 approvals · expires in 1h00m · --wait ends in 1m30s',
      '\r\x1b[2K',
    ]);
  });
});
