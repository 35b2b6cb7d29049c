import { Kafka, logLevel } from 'kafkajs';

export interface RawResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

/**
 * The baseline: what kafkajs alone does on this broker in this run — produce N messages of
 * `size` bytes with sendBatch, and consume them all in one group, end to end.
 */
export async function rawKafkaThroughput(brokers: string[], messages: number, size: number, partitions: number): Promise<RawResult> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-raw-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 20 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  const payload = 'x'.repeat(size);
  let seen = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= messages) done();
    },
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages; i += 500) {
    const n = Math.min(500, messages - i);
    await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, k) => ({ key: `k${i + k}`, value: payload })) });
  }
  await all;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.deleteGroups([`${topic}-g`]).catch(() => undefined);
  await admin.disconnect();
  return { messages, seconds, perSecond: messages / seconds };
}
