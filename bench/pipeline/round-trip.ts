import { Kafka, logLevel } from 'kafkajs';
import { percentile, wallNow } from './proposals.ts';

export interface RoundTrip {
  rate: number;
  messages: number;
  /** Messages that never came back within the wait (should be none). */
  lost: number;
  p50: number;
  p99: number;
}

/**
 * The latency baseline for the HTTP figures: kafkajs alone, one 1 KB message produced (acks=all,
 * idempotent, as the services produce) on a constant schedule and consumed by a group (fetch wait
 * 20 ms, as the services consume), in this process. Latency = scheduled send → consumed.
 */
export async function rawRoundTrip(brokers: string[], rate: number, seconds: number, size: number, partitions: number): Promise<RoundTrip> {
  const kafka = new Kafka({ clientId: 'bench-rtt', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench-rtt-${Date.now()}`;
  const group = `${topic}-g`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 20, allowAutoTopicCreation: false });
  try {
    // A busy broker can answer the leader wait with UNKNOWN_TOPIC_OR_PARTITION: ask again, a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    const count = Math.max(1, Math.round(rate * seconds));
    const scheduled: number[] = [];
    const latencies = new Map<number, number>();
    let all: () => void = () => undefined;
    const allIn = new Promise<void>((r) => (all = r));
    const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const i = Number(message.key?.toString());
        if (scheduled[i] !== undefined && !latencies.has(i)) latencies.set(i, wallNow() - scheduled[i]);
        if (latencies.size === count) all();
      },
    });
    await joined;
    const payload = 'x'.repeat(size);
    const t0 = wallNow() + 20;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      scheduled[i] = t0 + (i * 1000) / rate;
      const wait = scheduled[i] - wallNow();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sends.push(producer.send({ topic, acks: -1, messages: [{ key: String(i), value: payload }] }));
    }
    await Promise.all(sends);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allIn, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    const sorted = [...latencies.values()].sort((a, b) => a - b);
    return { rate, messages: count, lost: count - sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  } finally {
    await Promise.all([producer.disconnect(), consumer.disconnect()]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
}
