import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileEventLog } from './file-event-log.ts';
import { eventLogContract } from './event-log.contract.ts';
import { collectDeliveries } from './testing/delivery-collector.ts';

const quiet = () => undefined;

eventLogContract('embedded file log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eventlog-contract-'));
  return {
    log: await createFileEventLog({ dir, log: quiet }),
    reopen: () => createFileEventLog({ dir, log: quiet }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('file event log', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventlog-'));
    dirs.push(dir);
    return dir;
  };
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('given appends, offsets are 0-based record indexes on partition 0, and the topic is one file of lines', async () => {
    const dir = await freshDir();
    const log = await createFileEventLog({ dir, log: quiet });
    await log.append('orders', [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    await log.append('orders', [{ key: 'a', value: 3 }]);
    const seen: [string, number][] = [];
    await log.readAll('orders', (batch) => void seen.push(...batch.map((r) => [r.offset, r.partition] as [string, number])));
    await log.close();
    assert.deepEqual(seen, [['0', 0], ['1', 0], ['2', 0]]);
    const file = await readFile(join(dir, 'topics', 'orders.log'), 'utf8');
    assert.equal(file.split('\n').length, 4);
  });

  it("given a handler's output staged to one topic in several calls, it is written as one batch", async () => {
    const dir = await freshDir();
    const log = await createFileEventLog({ dir, log: quiet });
    await log.append('in', [{ key: 'a', value: 'vote' }]);
    let handled!: () => void;
    const done = new Promise<void>((resolve) => (handled = resolve));
    const sub = await log.subscribe({
      group: 'router', topic: 'in',
      handler: async (_records, context) => {
        context.append('out', [{ key: 'a', value: 'VoteRecorded' }]);
        context.append('dead', [{ key: 'a', value: 'elsewhere' }]);
        context.append('out', [{ key: 'a', value: 'ActionDenied' }]);
        context.afterCommit(handled);
      },
    });
    await done;
    await sub.close();
    await log.close();
    const lines = (await readFile(join(dir, 'topics', 'out.log'), 'utf8')).split('\n').slice(0, -1);
    assert.deepEqual(lines.map((l) => [l[8], JSON.parse(l.slice(9)).value]), [['+', 'VoteRecorded'], [' ', 'ActionDenied']]);
  });

  it('when a subscription closes, its position is saved in the checkpoint file', async () => {
    const dir = await freshDir();
    const log = await createFileEventLog({ dir, log: quiet });
    await log.append('orders', [{ key: 'a', value: 1 }, { key: 'a', value: 2 }]);
    const seen = collectDeliveries();
    const sub = await log.subscribe({ group: 'projector', topic: 'orders', handler: seen.handler });
    await seen.until(2, 'both records');
    await sub.close();
    await log.close();
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'checkpoints', 'projector@orders.json'), 'utf8')), { nextOffset: 2 });
  });

  it('a group may have one active subscription per topic in a process; after close, another', async () => {
    const log = await createFileEventLog({ dir: await freshDir(), log: quiet });
    const handler = async () => undefined;
    const sub = await log.subscribe({ group: 'g', topic: 't', handler });
    await assert.rejects(log.subscribe({ group: 'g', topic: 't', handler }), /already has an active subscription/);
    await sub.close();
    await (await log.subscribe({ group: 'g', topic: 't', handler })).close();
    await log.close();
  });

  it('refuses values that are not JSON, names that are not file-safe, and appends after close', async () => {
    const log = await createFileEventLog({ dir: await freshDir(), log: quiet });
    await assert.rejects(log.append('t', [{ key: 'k', value: undefined }]), TypeError);
    await assert.rejects(log.append('../escape', [{ key: 'k', value: 1 }]), /invalid topic name/);
    await assert.rejects(log.subscribe({ group: 'a@b', topic: 't', handler: async () => undefined }), /invalid group name/);
    await log.close();
    await assert.rejects(log.append('t', [{ key: 'k', value: 1 }]), /closed/);
  });

  it('when closed while a batch keeps failing, the position stays put and the next subscription gets the batch', async () => {
    const dir = await freshDir();
    const messages: string[] = [];
    const log = await createFileEventLog({ dir, log: (m) => messages.push(m) });
    await log.append('t', [{ key: 'k', value: 1 }]);
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const sub = await log.subscribe({ group: 'g', topic: 't', handler: async () => (failed(), Promise.reject(new Error('down'))) });
    await firstFailure;
    await sub.close();
    const seen = collectDeliveries();
    const again = await log.subscribe({ group: 'g', topic: 't', handler: seen.handler });
    await seen.until(1, 'the batch again');
    await again.close();
    await log.close();
    assert.equal(seen.records[0].offset, '0');
  });

  it('a failing handler is logged with the group, topic and offsets', async () => {
    const messages: string[] = [];
    const log = await createFileEventLog({ dir: await freshDir(), log: (m) => messages.push(m) });
    await log.append('t', [{ key: 'k', value: 1 }]);
    let calls = 0;
    const seen = collectDeliveries(() => {
      if (calls++ === 0) throw new Error('boom');
    });
    const sub = await log.subscribe({ group: 'g', topic: 't', handler: seen.handler });
    await seen.until(1, 'the redelivered record');
    await sub.close();
    await log.close();
    assert.match(messages.join('\n'), /group g failed on t offsets 0\.\.0 \(attempt 1\); redelivering in 100 ms: Error: boom/);
  });
});

describe('file event log: one process per directory', () => {
  it('refuses a second open of a live directory, and takes over a lock left by a dead process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-lock-'));
    try {
      const first = await createFileEventLog({ dir, log: () => undefined });
      await assert.rejects(() => createFileEventLog({ dir, log: () => undefined }), /in use by process/);
      await first.close();
      // A pid that cannot be alive stands for a process killed with -9.
      await writeFile(join(dir, 'LOCK'), '2147483646\n');
      const second = await createFileEventLog({ dir, log: () => undefined });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
