import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionEvent } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { approvedExport } from '../testing/action-streams.ts';
import { StreamTap } from './stream-tap.ts';

const events = approvedExport('act-1');
const record = (event: ActionEvent, offset: number, partition = 0): DeliveredRecord =>
  ({ topic: 'countersign.events', key: event.streamId, offset: String(offset), partition, raw: JSON.stringify(event), value: event });

describe('the streams tap on the follower', () => {
  it('given nobody streams, when records pass, then none is accepted, and the position is noted', () => {
    const tap = new StreamTap();
    assert.equal(tap.accepts(record(events[0], 7)), false);
    assert.equal(tap.accepts(record(events[2], 9, 1)), false);
    assert.deepEqual([...tap.position()], [[0, { topic: 'countersign.events', offset: 7 }], [1, { topic: 'countersign.events', offset: 9 }]]);
  });

  it('given a stream on an action, when its records pass, then they are accepted and delivered to it alone, until it stops', () => {
    const tap = new StreamTap();
    const got: number[] = [];
    const stop = tap.watchAction('act-1', (e) => void got.push(e.seq));
    const other = approvedExport('act-2');
    assert.equal(tap.accepts(record(events[0], 1)), true);
    assert.equal(tap.accepts(record(other[0], 2)), false);
    tap.deliver([events[0], other[0], events[1]].map((e, i) => ({ message: e, record: record(e, i) })));
    assert.deepEqual(got, [1, 2]);
    stop();
    assert.equal(tap.accepts(record(events[2], 3)), false);
    assert.equal(tap.watchedActions, 0);
  });

  it('given an open feed, when records pass, then feed events of any action are accepted and handed to the hub once', () => {
    const tap = new StreamTap();
    const hub: string[] = [];
    let open = false;
    tap.connectFeeds((e) => void hub.push(`${e.streamId}:${e.type}`), () => open);
    assert.equal(tap.accepts(record(events[2], 1)), false, 'no feed open: not even validated');
    open = true;
    assert.equal(tap.accepts(record(events[0], 2)), false, 'ActionProposed is no feed event');
    assert.equal(tap.accepts(record(events[2], 3)), true, 'ApprovalRequested');
    assert.equal(tap.accepts(record(events[5], 4)), true, 'ActionApproved');
    tap.deliver(events.map((e, i) => ({ message: e, record: record(e, i) })));
    assert.deepEqual(hub, ['act-1:ApprovalRequested', 'act-1:ActionApproved']);
  });
});
