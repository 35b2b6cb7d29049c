/**
 * Which way a partition loads, on the real file log: from its heads when they cover its last event,
 * else by replaying its events once and writing the heads (the upgrade, and a crash between the
 * events and the heads append, which the file log writes one after the other).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@countersign/contracts';
import { createFileEventLog, type EventLog } from '@countersign/eventlog';
import { loadPartition } from './partition-loader.ts';
import { StreamTable } from './stream-table.ts';
import { decidedAction } from './testing/decided-actions.ts';

const AT = new Date('2026-01-01T00:00:00.000Z');
const actions = Array.from({ length: 50 }, (_, i) => decidedAction('loader', i, AT));
const events = (from: number, to: number) => actions.slice(from, to).flatMap((a) => a.events.map((e) => ({ key: a.actionId, value: e })));
const heads = (from: number, to: number) => actions.slice(from, to).map((a) => ({ key: a.actionId, value: a.head }));

async function withLog(test: (log: EventLog) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loader-'));
  const log = await createFileEventLog({ dir, log: () => undefined });
  try {
    await test(log);
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const load = (log: EventLog, table = new StreamTable()) => loadPartition(log, table, 0, () => undefined).then((loaded) => ({ loaded, table }));

describe('loading a partition', () => {
  it('given events and heads that cover them, then the heads are loaded', () =>
    withLog(async (log) => {
      await log.append(TOPICS.events, events(0, 50));
      await log.append(TOPICS.heads, heads(0, 50));
      const { loaded, table } = await load(log);
      assert.deepEqual(loaded, { from: 'heads', streams: 50 });
      assert.deepEqual(table.census(), { full: 0, settled: 50, ledgers: 0 });
    }));

  it('given events written by a router without heads (the upgrade), then they are replayed once, the heads written, and the next load reads the heads', () =>
    withLog(async (log) => {
      await log.append(TOPICS.events, events(0, 50));
      const first = await load(log);
      assert.equal(first.loaded.from, 'events');
      assert.equal(first.loaded.events, 300);
      assert.match(first.loaded.reason!, /no stream heads/);
      const second = await load(log);
      assert.deepEqual(second.loaded, { from: 'heads', streams: 50 });
      for (const a of actions) assert.equal(second.table.headOf(a.actionId)?.hash, a.events.at(-1)!.hash);
    }));

  it('given a crash between the events and the heads of the last batch, then the events are replayed and nothing is lost', () =>
    withLog(async (log) => {
      await log.append(TOPICS.events, events(0, 40));
      await log.append(TOPICS.heads, heads(0, 40));
      await log.append(TOPICS.events, events(40, 50)); // its heads never written
      const { loaded, table } = await load(log);
      assert.equal(loaded.from, 'events');
      assert.match(loaded.reason!, /has no head/);
      assert.equal(table.headOf(actions[45].actionId)?.seq, actions[45].events.length);
      assert.equal((await load(log)).loaded.from, 'heads');
    }));

  it('given a head record that is not a head, then no head of the partition is trusted: the events are replayed', () =>
    withLog(async (log) => {
      await log.append(TOPICS.events, events(0, 50));
      await log.append(TOPICS.heads, [...heads(0, 50), { key: actions[3].actionId, value: { v: 1, seq: 'six' } }]);
      const { loaded } = await load(log);
      assert.equal(loaded.from, 'events');
      assert.match(loaded.reason!, /malformed: head\.seq must be a positive integer/);
      assert.equal((await load(log)).loaded.from, 'heads', 'the heads written after the replay replace it');
    }));

  it('given an empty partition, then nothing is loaded and nothing replayed', () =>
    withLog(async (log) => {
      assert.deepEqual((await load(log)).loaded, { from: 'heads', streams: 0 });
    }));
});
