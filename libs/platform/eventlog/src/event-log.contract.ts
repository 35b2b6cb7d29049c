/**
 * The behaviour every EventLog adapter must show (embedded file log, Kafka). An adapter's test
 * calls `eventLogContract('kafka', open)`; `open` gives a fresh log, and optionally `reopen` (a new
 * log over the same storage, e.g. after a restart). Each test uses its own topics and groups, so
 * adapters may share one server between tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { EventLog } from './event-log.port.ts';
import { collectDeliveries } from './testing/delivery-collector.ts';

export interface EventLogFixture {
  log: EventLog;
  /** Opens the same storage again; the suite closes the previous log first. */
  reopen?: () => Promise<EventLog>;
  cleanup(): Promise<void>;
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const values = (from: number, to: number, key = (n: number) => `k${n % 3}`) =>
  Array.from({ length: to - from }, (_, i) => ({ key: key(from + i), value: { n: from + i } }));
const ns = (records: { value: unknown }[]) => records.map((r) => (r.value as { n: number }).n);

export function eventLogContract(name: string, open: () => Promise<EventLogFixture>): void {
  /** Runs a test on a fresh fixture; `reopen` swaps in a reopened log. */
  async function withLog(test: (ctx: { log: EventLog; canReopen: boolean; reopen(): Promise<EventLog> }) => Promise<void>) {
    const fixture = await open();
    let current = fixture.log;
    try {
      await test({
        canReopen: Boolean(fixture.reopen),
        get log() {
          return current;
        },
        async reopen() {
          assert.ok(fixture.reopen, 'fixture has no reopen');
          await current.close();
          current = await fixture.reopen();
          return current;
        },
      });
    } finally {
      await current.close();
      await fixture.cleanup();
    }
  }

  describe(`EventLog contract: ${name}`, () => {
    it('given records appended before and after subscribing, a new group gets all of them in append order', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 5));
        const seen = collectDeliveries();
        const sub = await log.subscribe({ group: unique('g'), topic, handler: seen.handler });
        await log.append(topic, values(5, 8));
        await log.append(topic, values(8, 10));
        await seen.until(10, 'all ten records');
        await sub.close();
        assert.deepEqual(ns(seen.records), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const offsets = seen.records.map((r) => BigInt(r.offset));
        assert.ok(offsets.every((o, i) => i === 0 || o > offsets[i - 1]), `offsets increase: ${offsets.join(',')}`);
        for (const r of seen.records) {
          assert.equal(r.topic, topic);
          assert.equal(r.key, `k${(r.value as { n: number }).n % 3}`);
          assert.deepEqual(JSON.parse(r.raw), r.value);
        }
      }));

    it('every group sees every record', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        const [a, b] = [collectDeliveries(), collectDeliveries()];
        const subs = [await log.subscribe({ group: unique('a'), topic, handler: a.handler }), await log.subscribe({ group: unique('b'), topic, handler: b.handler })];
        await log.append(topic, values(0, 20));
        await Promise.all([a.until(20, 'group a'), b.until(20, 'group b')]);
        await Promise.all(subs.map((s) => s.close()));
        assert.deepEqual(ns(a.records), ns(b.records));
      }));

    it('when a group subscribes again, it resumes after its last handled batch', () =>
      withLog(async ({ log }) => {
        const [topic, group] = [unique('t'), unique('g')];
        await log.append(topic, values(0, 3));
        const first = collectDeliveries();
        const sub1 = await log.subscribe({ group, topic, handler: first.handler });
        await first.until(3, 'first run');
        await sub1.close();
        await log.append(topic, values(3, 5));
        const second = collectDeliveries();
        const sub = await log.subscribe({ group, topic, handler: second.handler });
        await second.until(2, 'records after the checkpoint');
        await sub.close();
        assert.deepEqual(ns(second.records), [3, 4]);
      }));

    it('when the log is reopened, a group resumes after its last handled batch', (t) =>
      withLog(async (ctx) => {
        if (!ctx.canReopen) return t.skip('adapter fixture has no reopen');
        const [topic, group] = [unique('t'), unique('g')];
        await ctx.log.append(topic, values(0, 4));
        const first = collectDeliveries();
        const sub = await ctx.log.subscribe({ group, topic, handler: first.handler });
        await first.until(4, 'first run');
        await sub.close();
        await ctx.log.append(topic, values(4, 6));
        const log = await ctx.reopen();
        const second = collectDeliveries();
        const again = await log.subscribe({ group, topic, handler: second.handler });
        await second.until(2, 'records after the checkpoint');
        await again.close();
        assert.deepEqual(ns(second.records), [4, 5]);
      }));

    it('fromBeginning replays a group from the first record; fromEnd skips history', () =>
      withLog(async ({ log }) => {
        const [topic, group] = [unique('t'), unique('g')];
        await log.append(topic, values(0, 3));
        const first = collectDeliveries();
        const sub = await log.subscribe({ group, topic, handler: first.handler });
        await first.until(3, 'first run');
        await sub.close();
        const replay = collectDeliveries();
        const live = collectDeliveries();
        const subs = [
          await log.subscribe({ group, topic, fromBeginning: true, handler: replay.handler }),
          await log.subscribe({ group: unique('live'), topic, fromEnd: true, handler: live.handler }),
        ];
        await log.append(topic, values(3, 4));
        await Promise.all([replay.until(4, 'the replay'), live.until(1, 'the live record')]);
        await Promise.all(subs.map((s) => s.close()));
        assert.deepEqual(ns(replay.records), [0, 1, 2, 3]);
        assert.deepEqual(ns(live.records), [3]);
      }));

    it('when the handler throws, the same batch is delivered again', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 3));
        let failures = 0;
        const failedBatches: number[][] = [];
        const seen = collectDeliveries((batch) => {
          if (failures++ === 0) {
            failedBatches.push(ns(batch));
            throw new Error('handler failure (expected by the test)');
          }
        });
        const sub = await log.subscribe({ group: unique('g'), topic, handler: seen.handler });
        await seen.until(3, 'redelivery');
        await sub.close();
        assert.deepEqual(ns(seen.batches[0]), failedBatches[0]);
        assert.deepEqual(ns(seen.records), [0, 1, 2]);
      }));

    it('batches never exceed maxBatch', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 25));
        const seen = collectDeliveries();
        const sub = await log.subscribe({ group: unique('g'), topic, maxBatch: 4, handler: seen.handler });
        await seen.until(25, 'all records');
        await sub.close();
        assert.ok(seen.batches.every((b) => b.length >= 1 && b.length <= 4), `batch sizes ${seen.batches.map((b) => b.length)}`);
        assert.deepEqual(ns(seen.records), Array.from({ length: 25 }, (_, i) => i));
      }));

    it('a handler that takes only the first records of a batch gets the rest again, with only its staged output for those', () =>
      withLog(async ({ log }) => {
        const [input, output] = [unique('in'), unique('out')];
        await log.append(input, values(0, 5, () => 'one-key'));
        const seen: number[][] = [];
        const committed: number[] = [];
        const sub = await log.subscribe({
          group: unique('g'), topic: input,
          handler: async (records, context) => {
            seen.push(ns(records));
            // Takes one record per call: stages output for it alone.
            context.append(output, [{ key: records[0].key, value: records[0].value }]);
            context.afterCommit(() => committed.push(ns(records)[0]));
            return { handled: 1 };
          },
        });
        const deadline = Date.now() + 30_000;
        while (committed.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await sub.close();
        assert.deepEqual(committed, [0, 1, 2, 3, 4]);
        assert.deepEqual(seen.map((batch) => batch[0]), [0, 1, 2, 3, 4], `each call starts after the last handled record: ${JSON.stringify(seen)}`);
        const written: number[] = [];
        await log.readAll(output, (records) => void written.push(...ns(records)));
        assert.deepEqual(written, [0, 1, 2, 3, 4]);
      }));

    it('lag counts the records the group has not handled yet', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 4));
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const seen = collectDeliveries(() => gate);
        const sub = await log.subscribe({ group: unique('g'), topic, handler: seen.handler });
        // Nothing is handled while the gate is shut: the whole topic is behind.
        let lag: number | undefined;
        const deadline = Date.now() + 20_000;
        while (lag !== 4 && Date.now() < deadline) {
          lag = await sub.lag();
          if (lag !== 4) await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(lag, 4);
        const partitions = (await sub.partitionLag())!;
        assert.equal(partitions.reduce((sum, p) => sum + p.lag, 0), 4, `per partition: ${JSON.stringify(partitions)}`);
        assert.ok(partitions.every((p) => Number.isSafeInteger(p.partition) && p.partition >= 0), JSON.stringify(partitions));
        release();
        await seen.until(4, 'all records');
        while (lag !== 0 && Date.now() < deadline + 20_000) {
          lag = await sub.lag();
          if (lag !== 0) await new Promise((r) => setTimeout(r, 50));
        }
        const drained = await sub.partitionLag();
        await sub.close();
        assert.equal(lag, 0);
        assert.ok(drained?.every((p) => p.lag === 0), `per partition: ${JSON.stringify(drained)}`);
      }));

    it('readAll sees every record appended before it, in order; an unknown topic has none', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 1200));
        const read: number[] = [];
        await log.readAll(topic, (batch) => void read.push(...ns(batch)));
        assert.deepEqual(read, Array.from({ length: 1200 }, (_, i) => i));
        let batches = 0;
        await log.readAll(unique('never-written'), () => void batches++);
        assert.equal(batches, 0);
      }));

    it('output staged by a handler is written before the batch counts as handled; afterCommit runs after', () =>
      withLog(async ({ log }) => {
        const [input, output] = [unique('in'), unique('out')];
        await log.append(input, values(0, 6));
        const committed: number[] = [];
        let failOnce = true;
        const sub = await log.subscribe({
          group: unique('g'), topic: input, maxBatch: 3,
          handler: async (records, context) => {
            context.append(output, records.map((r) => ({ key: r.key, value: r.value })));
            context.afterCommit(() => committed.push(...ns(records)));
            // The first attempt fails after staging: its output must be dropped, not half-written.
            if (failOnce) {
              failOnce = false;
              throw new Error('handler failed after staging');
            }
          },
        });
        const deadline = Date.now() + 30_000;
        while (committed.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await sub.close();
        assert.deepEqual(committed, [0, 1, 2, 3, 4, 5]);
        const written: number[] = [];
        await log.readAll(output, (records) => void written.push(...ns(records)));
        assert.deepEqual([...written].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5], 'each record written exactly once');
      }));

    it('partitions are announced before their records are delivered, and readPartition reads each to its end', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        await log.append(topic, values(0, 30, (n) => `key-${n}`));
        const assigned: number[] = [];
        let deliveredBeforeAssignment = false;
        const seen = collectDeliveries();
        const sub = await log.subscribe({
          group: unique('g'), topic,
          onPartitionsAssigned: async (partitions) => void assigned.push(...partitions),
          handler: async (records, context) => {
            if (records.some((r) => !assigned.includes(r.partition))) deliveredBeforeAssignment = true;
            await seen.handler(records, context);
          },
        });
        await seen.until(30, 'all records');
        await sub.close();
        assert.equal(deliveredBeforeAssignment, false);
        const read: number[] = [];
        for (const partition of assigned) await log.readPartition(topic, partition, (records) => void read.push(...ns(records)));
        assert.deepEqual(read.sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
      }));

    it('lastRecord gives the last record of each partition, after any handler output; a partition never written has none', () =>
      withLog(async ({ log }) => {
        const [topic, output] = [unique('t'), unique('out')];
        const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
        await log.append(topic, values(0, 40, (n) => keys[n]));
        await log.append(topic, values(40, 80, (n) => keys[n - 40]));
        const partitions = new Set<number>();
        const lastOf = new Map<number, number>();
        await log.readAll(topic, (records) => {
          for (const r of records) {
            partitions.add(r.partition);
            lastOf.set(r.partition, (r.value as { n: number }).n);
          }
        });
        for (const partition of partitions) {
          const last = await log.lastRecord(topic, partition);
          assert.equal((last?.value as { n: number } | undefined)?.n, lastOf.get(partition), `partition ${partition}`);
          assert.equal(last?.topic, topic);
        }
        // Output written by a (transactional, on Kafka) handler is the last record once committed.
        const seen = collectDeliveries();
        const sub = await log.subscribe({
          group: unique('g'), topic, maxBatch: 1000,
          handler: async (records, context) => {
            context.append(output, [{ key: 'only', value: { n: records.length } }]);
            await seen.handler(records, context);
          },
        });
        await seen.until(80, 'all records');
        await sub.close();
        let outputPartition = -1;
        await log.readAll(output, (records) => void (outputPartition = records[0].partition));
        assert.ok(outputPartition >= 0);
        assert.equal(typeof ((await log.lastRecord(output, outputPartition))?.value as { n: number }).n, 'number');
        assert.equal(await log.lastRecord(unique('never-written'), 0), undefined);
      }));

    it('an append is one batch: readers see all of its records at once, contiguous and in order, never part of it', () =>
      withLog(async ({ log }) => {
        const topic = unique('t');
        const seen = collectDeliveries();
        const sub = await log.subscribe({ group: unique('g'), topic, handler: seen.handler });
        const sizes = Array.from({ length: 24 }, (_, b) => 1 + (b % 5));
        const batch = (b: number) => Array.from({ length: sizes[b] }, (_, i) => ({ key: 'k', value: { b, i } }));
        let writing = true;
        const appends = Promise.all(sizes.map((_, b) => log.append(topic, batch(b)))).finally(() => (writing = false));
        const snapshots: { b: number; i: number }[][] = [];
        while (writing) {
          const read: { b: number; i: number }[] = [];
          await log.readAll(topic, (records) => void read.push(...records.map((r) => r.value as { b: number; i: number })));
          snapshots.push(read);
          await new Promise((resolve) => setImmediate(resolve)); // a read may finish without IO: let the appends run
        }
        await appends;
        const total = sizes.reduce((a, n) => a + n, 0);
        await seen.until(total, 'every record');
        await sub.close();
        const whole = (read: { b: number; i: number }[], what: string) => {
          for (let at = 0; at < read.length; at += sizes[read[at].b]) {
            const { b } = read[at];
            assert.deepEqual(read.slice(at, at + sizes[b]), batch(b).map((r) => r.value), `${what}: batch ${b} at ${at} is whole and in order`);
          }
        };
        for (const [n, read] of snapshots.entries()) whole(read, `readAll #${n}`);
        whole(seen.records.map((r) => r.value as { b: number; i: number }), 'the subscription');
        assert.equal(seen.records.length, total);
      }));

    it('text that is not JSON reaches the handler with value undefined and the raw text', async (t) => {
      await withLog(async ({ log }) => {
        if (!log.appendRaw) return t.skip('adapter has no appendRaw');
        const topic = unique('t');
        await log.appendRaw(topic, [{ key: 'k', raw: 'not json {' }, { key: 'k', raw: '{"n":1}' }]);
        const seen = collectDeliveries();
        const sub = await log.subscribe({ group: unique('g'), topic, handler: seen.handler });
        await seen.until(2, 'both records');
        await sub.close();
        assert.deepEqual(seen.records.map((r) => [r.raw, r.value]), [['not json {', undefined], ['{"n":1}', { n: 1 }]]);
      });
    });
  });
}
