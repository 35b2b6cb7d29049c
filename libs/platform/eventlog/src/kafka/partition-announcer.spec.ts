import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionAnnouncer } from './partition-announcer.ts';

function announcer(options: { failAssignOnce?: boolean } = {}) {
  const calls: string[] = [];
  let failNext = options.failAssignOnce ?? false;
  const warnings: string[] = [];
  const subject = new PartitionAnnouncer(
    {
      onPartitionsAssigned: async (ps) => {
        if (failNext) {
          failNext = false;
          throw new Error('replay failed');
        }
        calls.push(`+${ps.join(',')}`);
      },
      onPartitionsRevoked: async (ps) => void calls.push(`-${ps.join(',')}`),
    },
    'group g on t',
    (m) => void warnings.push(m),
  );
  return { subject, calls, warnings };
}

describe('partition announcer', () => {
  it('given a first join, announces the assignment (even an empty one)', async () => {
    const { subject, calls } = announcer();
    subject.joined('m1', [2, 0]);
    await subject.settled();
    const empty = announcer();
    empty.subject.joined('m1', []);
    await empty.subject.settled();
    assert.deepEqual(calls, ['+0,2']);
    assert.deepEqual(empty.calls, ['+']);
  });

  it('when the same member rejoins, only partitions that changed hands are revoked or announced', async () => {
    const { subject, calls } = announcer();
    subject.joined('m1', [0, 1, 2, 3]);
    subject.joined('m1', [1, 3]);
    subject.joined('m1', [1, 3, 4]);
    subject.joined('m1', [1, 3, 4]);
    await subject.settled();
    assert.deepEqual(calls, ['+0,1,2,3', '-0,2', '+4']);
  });

  it('when the member id changes (expelled, crashed), everything is revoked and announced again', async () => {
    const { subject, calls } = announcer();
    subject.joined('m1', [0, 1]);
    subject.joined('m2', [1, 2]);
    await subject.settled();
    assert.deepEqual(calls, ['+0,1', '-0,1', '+1,2']);
  });

  it('when the member leaves, what it holds is revoked once', async () => {
    const { subject, calls } = announcer();
    subject.joined('m1', [0, 1]);
    subject.left();
    subject.left();
    await subject.settled();
    assert.deepEqual(calls, ['+0,1', '-0,1']);
  });

  it('when announcing fails, the partition is announced before its first batch instead', async () => {
    const { subject, calls, warnings } = announcer({ failAssignOnce: true });
    subject.joined('m1', [0]);
    await subject.settled();
    assert.equal(subject.isAnnounced(0), false);
    assert.match(warnings[0], /onPartitionsAssigned\(\[0\]\) failed/);
    await subject.ready(0);
    await subject.ready(0);
    assert.deepEqual(calls, ['+0']);
    assert.equal(subject.isAnnounced(0), true);
  });

  it('a batch waits for the announcement queued before it', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const subject = new PartitionAnnouncer(
      { onPartitionsAssigned: async () => new Promise<void>((resolve) => (release = () => (order.push('assigned'), resolve()))) },
      'g', () => undefined,
    );
    subject.joined('m1', [0]);
    const ready = subject.ready(0).then(() => order.push('batch'));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await ready;
    assert.deepEqual(order, ['assigned', 'batch']);
  });
});
