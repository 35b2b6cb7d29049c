/**
 * The Kafka adapter against a real broker (COUNTERSIGN_KAFKA_BROKERS, default 127.0.0.1:19092;
 * `bash deploy/local/infra.sh up` starts one). The shared contract runs on one-partition topics:
 * it checks the order of a whole topic, which Kafka keeps only within a partition. The tests after
 * it use several partitions and transactions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { TOPICS } from '@countersign/contracts';
import { eventLogContract } from './event-log.contract.ts';
import type { DeliveredRecord, EventLog } from './event-log.port.ts';
import { KafkaScope, suiteScopes, rawKafka, rawProducer, requireBroker, unique, waitFor } from './kafka/kafka-test-kit.ts';

await requireBroker();

const n = (r: { value: unknown }) => (r.value as { n: number }).n;
const records = (from: number, to: number, key = (i: number) => `key-${i}`) => Array.from({ length: to - from }, (_, i) => ({ key: key(from + i), value: { n: from + i } }));

function contractFixture(options: { transactional: boolean }) {
  return async () => {
    const scope = new KafkaScope();
    // A reopened log is the same instance restarted: same transactional id.
    const transactionalId = options.transactional ? unique('contract-tx') : undefined;
    // The transactional variant subscribes every group transactionally, as the router does.
    const open = async (): Promise<EventLog> => {
      const log = await scope.open({ topics: { partitions: 1 }, transactionalId });
      return options.transactional ? { ...log, subscribe: (o) => log.subscribe({ ...o, transactional: true }) } : log;
    };
    return { log: await open(), reopen: open, cleanup: () => scope.cleanup() };
  };
}

eventLogContract('kafka', contractFixture({ transactional: false }));
eventLogContract('kafka, transactional batches', contractFixture({ transactional: true }));

describe('kafka event log', () => {
  const scope = suiteScopes();

  it('keeps the events, checkpoints, dead-letter and security topics forever: they are the source of truth and the evidence; the checkpoints in one partition', async () => {
    const log = await scope().open({ topics: { partitions: 3 } });
    const ns = unique('retention');
    const [events, commands, security, checkpoints] = ['events', 'commands', 'security', 'checkpoints'].map((t) => `${ns}.countersign.${t}`);
    const topics = [events, commands, security, checkpoints];
    await log.ensureTopics(topics);
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
      });
      const retention = Object.fromEntries(described.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
      assert.equal(retention[events], '-1');
      assert.equal(retention[security], '-1');
      assert.equal(retention[checkpoints], '-1');
      assert.notEqual(retention[commands], '-1', 'commands keep the broker default');
      const partitions = Object.fromEntries((await admin.fetchTopicMetadata({ topics })).topics.map((t) => [t.name, t.partitions.length]));
      assert.deepEqual([partitions[events], partitions[checkpoints]], [3, 1]);
    } finally {
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('given an instance that died inside a transaction, its restart aborts it and the output appears exactly once', async () => {
    const s = scope();
    const [input, output, group, transactionalId] = [unique('in'), unique('out'), unique('g'), unique('router-tx')];
    const writer = await s.open({ topics: { partitions: 1 } });
    await writer.append(input, records(0, 5));
    await writer.ensureTopics([output]);
    // The "dead" instance: it produced and sent offsets, then vanished without commit or abort.
    const zombie = rawProducer(transactionalId);
    await zombie.connect();
    const transaction = await zombie.transaction();
    await transaction.send({ topic: output, messages: [0, 1, 2, 3, 4].map((i) => ({ key: `key-${i}`, value: JSON.stringify({ n: i, zombie: true }) })) });
    await transaction.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
    await zombie.disconnect();

    const started = Date.now();
    const restarted = await s.open({ topics: { partitions: 1 }, transactionalId });
    const committed: number[] = [];
    const sub = await restarted.subscribe({
      transactional: true,
      group, topic: input,
      handler: async (batch, context) => {
        context.append(output, batch.map((r) => ({ key: r.key, value: r.value })));
        context.afterCommit(() => committed.push(...batch.map(n)));
      },
    });
    await waitFor(() => committed.length >= 5, 'the restarted instance to handle the input');
    await sub.close();
    const written: unknown[] = [];
    await writer.readAll(output, (batch) => void written.push(...batch.map((r) => r.value)));
    assert.deepEqual(written, [0, 1, 2, 3, 4].map((i) => ({ n: i })), 'only the restarted instance output, once');
    assert.ok(Date.now() - started < 15_000, 'not held back until the transaction timeout');
    const [{ high }] = await offsetsOf(output);
    assert.ok(Number(high) >= 12, `five aborted records and their abort marker precede the output (end offset ${high})`);
  });

  it('given concurrent partitions, the batches of several partitions are in the handler at once and their output commits exactly once', async () => {
    const s = scope();
    const log = await s.open({ topics: { partitions: 4 }, transactionalId: unique('group-tx') });
    const [input, output, group] = [unique('in'), unique('out'), unique('g')];
    await log.append(input, records(0, 40));
    await log.ensureTopics([output]);
    const inHandler = new Set<number>();
    let most = 0;
    const committed: number[] = [];
    const handler = async (batch: DeliveredRecord[], context: Parameters<Parameters<EventLog['subscribe']>[0]['handler']>[1]) => {
      inHandler.add(batch[0].partition);
      most = Math.max(most, inHandler.size);
      // Hold the first batches until another partition's batch has come in beside them.
      if (most < 2) await waitFor(() => most >= 2, 'a second partition beside the first', 5000).catch(() => undefined);
      inHandler.delete(batch[0].partition);
      context.append(output, batch.map((r) => ({ key: r.key, value: r.value })));
      context.afterCommit(() => committed.push(...batch.map(n)));
    };
    const sub = await log.subscribe({ group, topic: input, transactional: true, concurrentPartitions: 4, handler });
    await waitFor(() => committed.length >= 40, 'every record handled');
    await sub.close();
    assert.ok(most >= 2, 'batches of two partitions were handled side by side');
    const written: number[] = [];
    await log.readAll(output, (batch) => void written.push(...batch.map(n)));
    assert.deepEqual(written.sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i), 'each output once');
    const again: number[] = [];
    const resumed = await log.subscribe({ group, topic: input, transactional: true, handler: async (batch) => void again.push(...batch.map(n)) });
    await log.append(input, [{ key: 'key-last', value: { n: 99 } }]);
    await waitFor(() => again.includes(99), 'the next record');
    await resumed.close();
    assert.deepEqual(again, [99], 'every position was committed with its output');
  });

  it('when a subscription closes during a batch, close waits until the batch and its output are committed', async () => {
    const s = scope();
    const log = await s.open({ topics: { partitions: 1 }, transactionalId: unique('close-tx') });
    const [input, output, group] = [unique('in'), unique('out'), unique('g')];
    await log.append(input, records(0, 3));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    const sub = await log.subscribe({
      group, topic: input, transactional: true,
      handler: async (batch, context) => {
        entered = true;
        await released;
        context.append(output, batch.map((r) => ({ key: r.key, value: r.value })));
      },
    });
    await waitFor(() => entered, 'the handler to start');
    const closed = sub.close();
    release();
    await closed;
    const written: number[] = [];
    await log.readAll(output, (batch) => void written.push(...batch.map(n)));
    assert.deepEqual(written, [0, 1, 2]);
    const again: DeliveredRecord[] = [];
    await log.append(input, records(3, 4));
    const resumed = await log.subscribe({ group, topic: input, handler: async (batch) => void again.push(...batch) });
    await waitFor(() => again.length >= 1, 'the record after the committed batch');
    await resumed.close();
    assert.deepEqual(again.map(n), [3]);
  });

  it('a foreign non-JSON or empty record reaches the handler with value undefined and its raw text', async () => {
    const s = scope();
    const log = await s.open({ topics: { partitions: 1 } });
    const topic = unique('poison');
    await log.ensureTopics([topic]);
    const producer = rawProducer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'not json {' }, { key: null, value: null }, { key: 'k', value: '{"n":1}' }] });
    await producer.disconnect();
    const seen: DeliveredRecord[] = [];
    const sub = await log.subscribe({ group: unique('g'), topic, handler: async (batch) => void seen.push(...batch) });
    await waitFor(() => seen.length >= 3, 'the three records');
    await sub.close();
    assert.deepEqual(seen.map((r) => [r.key, r.raw, r.value]), [['k', 'not json {', undefined], ['', '', undefined], ['k', '{"n":1}', { n: 1 }]]);
  });

  it('readPartition stops at the committed end, leaving out an open transaction and what follows it', async () => {
    const s = scope();
    const log = await s.open({ topics: { partitions: 1 }, readSettleMs: 300 });
    const topic = unique('open-tx');
    await log.append(topic, records(0, 3));
    const other = rawProducer(unique('other-tx'));
    await other.connect();
    const open = await other.transaction();
    await open.send({ topic, messages: [{ key: 'x', value: JSON.stringify({ n: 100 }) }] });
    await log.append(topic, records(3, 5));
    try {
      const started = Date.now();
      const read: number[] = [];
      await log.readPartition(topic, 0, (batch) => void read.push(...batch.map(n)));
      assert.deepEqual(read, [0, 1, 2], 'nothing at or after the open transaction');
      assert.ok(Date.now() - started < 5000, `returned in ${Date.now() - started} ms`);
    } finally {
      await open.abort();
      await other.disconnect();
    }
    const after: number[] = [];
    await log.readPartition(topic, 0, (batch) => void after.push(...batch.map(n)));
    assert.deepEqual(after, [0, 1, 2, 3, 4], 'once aborted, the records after it are read and the aborted one is not');
  });

  it('commands and events must have the same partition count; a missing one is created to match', async () => {
    const s = scope();
    const admin = rawKafka().admin();
    await admin.connect();
    const [bad, good] = [unique('ns'), unique('ns')];
    await admin.createTopics({ topics: [
      { topic: s.track(`${bad}.${TOPICS.commands}`), numPartitions: 2 },
      { topic: s.track(`${bad}.${TOPICS.events}`), numPartitions: 3 },
      { topic: s.track(`${good}.${TOPICS.commands}`), numPartitions: 2 },
    ] });
    const log = await s.open({ topics: { partitions: 6 } });
    await assert.rejects(log.ensureTopics([`${bad}.${TOPICS.commands}`, `${bad}.${TOPICS.events}`]), /has \d partitions but .* has \d; they must have the same count/);
    await log.ensureTopics([`${good}.${TOPICS.events}`]);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [`${good}.${TOPICS.events}`] })).topics;
    await admin.disconnect();
    assert.equal(metadata.partitions.length, 2);
  });

  it('readPartition of 10,000 records (timing)', async (t) => {
    const s = scope();
    const log = await s.open({ topics: { partitions: 1 } });
    const topic = unique('big');
    for (let i = 0; i < 10_000; i += 1000) await log.append(topic, records(i, i + 1000, (k) => `key-${k % 50}`).map((r) => ({ ...r, value: { ...r.value as object, pad: 'x'.repeat(200) } })));
    const started = performance.now();
    let count = 0;
    await log.readPartition(topic, 0, (batch) => void (count += batch.length));
    const ms = performance.now() - started;
    assert.equal(count, 10_000);
    const emptyStarted = performance.now();
    await log.readPartition(unique('empty'), 0, () => undefined);
    t.diagnostic(`readPartition: 10,000 records in ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))}/s); empty partition in ${(performance.now() - emptyStarted).toFixed(0)} ms (incl. topic creation)`);
  });
});

async function offsetsOf(topic: string) {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
}
