// `countersign audit verify` on Kafka: a fixture log written to the events and checkpoints topics of
// a namespace of its own (events spread over partitions by stream), read back and verified.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readEnvConfig } from '@countersign/config';
import { TOPICS } from '@countersign/contracts';
import { EvidenceWriter, rechain, rotatingKeys, type EvidenceLog } from '@countersign/contracts/testing';
import { namespacedEventLog } from '@countersign/eventlog';
import { BROKERS, KafkaScope, requireBroker } from '@countersign/eventlog/testing';
import { verifyKafka } from './audit-verify-kafka.ts';

await requireBroker();
const keys = await rotatingKeys();

async function fixtureLog(): Promise<EvidenceLog> {
  const w = new EvidenceWriter(keys, 'kafka');
  for (const s of ['a', 'b', 'c', 'd']) w.write(s, 2);
  await w.checkpoint(10);
  w.write('a', 1); w.write('e', 1);
  await w.checkpoint(40);
  w.write('b', 1);
  return { events: w.events, checkpoints: w.checkpoints };
}

describe('audit verify on Kafka', () => {
  const scope = new KafkaScope();
  after(() => scope.cleanup());

  async function write(log: EvidenceLog) {
    const namespace = `verify-${randomUUID().slice(0, 8)}`;
    const scoped = namespacedEventLog(await scope.open({ topics: { partitions: 3 } }), namespace);
    for (const t of [TOPICS.events, TOPICS.checkpoints]) scope.track(`${namespace}.${t}`);
    await scoped.append(TOPICS.events, log.events.map((e) => ({ key: e.streamId, value: e })));
    await scoped.append(TOPICS.checkpoints, log.checkpoints.map((e) => ({ key: e.streamId, value: e })));
    return readEnvConfig({ COUNTERSIGN_KAFKA_BROKERS: BROKERS.join(','), COUNTERSIGN_KAFKA_NAMESPACE: namespace, COUNTERSIGN_KAFKA_PARTITIONS: '3' });
  }

  it('given the topics of an untampered log over several partitions, it verifies from the beginning to the end at the start', async () => {
    const config = await write(await fixtureLog());
    const v = await verifyKafka(config, keys.keys);
    assert.deepEqual([v.verdict, v.covered, v.tail, v.checkpoint?.number], ['verified', { events: 10, streams: 5 }, { events: 1, streams: 0 }, 2]);
  });

  it('when a stream was rewritten with recomputed hashes before it reached the topic, head-mismatch names it', async () => {
    const log = await fixtureLog();
    const c = log.events.filter((e) => e.streamId === 'c');
    (c[0].data as { reason: string }).reason = 'edited';
    rechain(c);
    const v = await verifyKafka(await write(log), keys.keys);
    assert.deepEqual(v.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.streamId, f.seq]), [['head-mismatch', 'c', 2]]);
  });
});
