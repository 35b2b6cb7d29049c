/**
 * The Kafka adapter with several members in one consumer group (real broker, see
 * ../kafka-event-log.int.spec.ts): partitions shared and handed over, and the router's pattern of
 * rebuilding a partition's state from the events topic when it is assigned.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS } from '@countersign/contracts';
import type { DeliveredRecord } from '../event-log.port.ts';
import { suiteScopes, requireBroker, unique, waitFor } from './kafka-test-kit.ts';

await requireBroker();

const records = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ key: `key-${from + i}`, value: { n: from + i } }));

describe('kafka event log: consumer groups', () => {
  const scope = suiteScopes();

  it('two subscribers in one group share the partitions: each record handled once, hand-overs announced', async () => {
    const s = scope();
    const topic = unique('shared');
    const group = unique('g');
    const [a, b] = [await s.open({ topics: { partitions: 4 } }), await s.open({ topics: { partitions: 4 } })];
    const handled = new Map<string, string[]>();
    const events: string[] = [];
    const owned = { a: new Set<number>(), b: new Set<number>() };
    const member = (name: 'a' | 'b') => ({
      group, topic,
      onPartitionsAssigned: async (ps: number[]) => {
        events.push(`${name}+${ps.join(',')}`);
        for (const p of ps) owned[name].add(p);
      },
      onPartitionsRevoked: async (ps: number[]) => {
        events.push(`${name}-${ps.join(',')}`);
        for (const p of ps) owned[name].delete(p);
      },
      handler: async (batch: DeliveredRecord[]) => {
        for (const r of batch) {
          assert.ok(owned[name].has(r.partition), `${name} got a record of partition ${r.partition} it was not given`);
          const id = `${r.partition}/${r.offset}`;
          handled.set(id, [...(handled.get(id) ?? []), name]);
        }
      },
    });
    const subA = await a.subscribe(member('a'));
    await a.append(topic, records(0, 40));
    await waitFor(() => handled.size >= 40, 'a to handle the first records');
    const subB = await b.subscribe(member('b'));
    await waitFor(() => owned.a.size > 0 && owned.b.size > 0 && owned.a.size + owned.b.size === 4, 'the partitions to be split');
    await b.append(topic, records(40, 100));
    await waitFor(() => handled.size >= 100, 'all records');
    await Promise.all([subA.close(), subB.close()]);
    const twice = [...handled].filter(([, by]) => by.length > 1);
    assert.deepEqual(twice, [], 'no record handled twice');
    assert.deepEqual([...owned.a, ...owned.b], [], 'everything revoked on close');
    assert.ok(events.some((e) => e.startsWith('a-')), `a gave partitions up: ${events.join(' ')}`);
    assert.ok(events.some((e) => e.startsWith('b+')), `b was given partitions: ${events.join(' ')}`);
  });

  it('router-style hand-over: a new owner rebuilds from the events partition and no command yields two events', async (t) => {
    const s = scope();
    const ns = unique('ns');
    const [commands, events, group] = [`${ns}.${TOPICS.commands}`, `${ns}.${TOPICS.events}`, unique('router')];
    let committed = 0;
    let redelivered = 0; // already decided: the idempotent handler skips them
    const instance = async (name: string) => {
      const log = await s.open({ topics: { partitions: 4 }, transactionalId: unique(`${name}-tx`) });
      const decided = new Map<number, Set<string>>(); // partition -> commands with an event
      const sub = await log.subscribe({
        group, topic: commands, transactional: true,
        onPartitionsAssigned: async (ps) => {
          for (const p of ps) {
            const seen = new Set<string>();
            await log.readPartition(events, p, (batch) => batch.forEach((r) => seen.add((r.value as { command: string }).command)));
            decided.set(p, seen);
          }
        },
        onPartitionsRevoked: async (ps) => ps.forEach((p) => decided.delete(p)),
        handler: async (batch, context) => {
          const seen = decided.get(batch[0].partition)!;
          const fresh = batch.filter((r) => !seen.has(r.offset + '@' + r.partition)).map((r) => r.offset + '@' + r.partition);
          redelivered += batch.length - fresh.length;
          context.append(events, batch.filter((r) => fresh.includes(r.offset + '@' + r.partition)).map((r) => ({ key: r.key, value: { command: r.offset + '@' + r.partition } })));
          context.afterCommit(() => {
            fresh.forEach((c) => seen.add(c));
            committed += fresh.length;
          });
        },
      });
      return { log, sub };
    };
    const a = await instance('a');
    await a.log.ensureTopics([events]);
    let sent = 0;
    const send = async (count: number) => {
      for (let i = 0; i < count; i += 1) await a.log.append(commands, [{ key: `action-${sent++}`, value: { i } }]);
    };
    await send(50);
    const b = await instance('b');
    await send(100); // while the group rebalances
    await a.sub.close(); // and a second hand-over: everything to b
    await send(50);
    await waitFor(() => committed >= sent, 'an event per command');
    await b.sub.close();
    const counted = new Map<string, number>();
    await b.log.readAll(events, (batch) => batch.forEach((r) => {
      const c = (r.value as { command: string }).command;
      counted.set(c, (counted.get(c) ?? 0) + 1);
    }));
    assert.equal(counted.size, sent, 'every command has an event');
    assert.deepEqual([...counted].filter(([, times]) => times > 1), [], 'no command has two');
    t.diagnostic(`${sent} commands, ${redelivered} redelivered after a hand-over`);
  });
});
