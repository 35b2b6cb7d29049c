// `countersign audit verify` without PATH on Kafka: the checkpoints topic, then every partition of
// the events topic from the beginning to its end as of the start (committed records only), through
// the verifier batch by batch: memory stays one batch plus the verifier's per-stream state.
import type { EnvConfig } from '@countersign/config';
import { EvidenceVerifier, TOPICS, type CheckpointKeys, type EventEnvelope, type LogVerdict } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';

export async function verifyKafka(config: EnvConfig, keys: CheckpointKeys): Promise<LogVerdict> {
  const kafka = await createKafkaEventLog({
    brokers: config.kafkaBrokers!,
    clientId: `countersign-verify-${config.instanceId}`,
    topics: { partitions: config.kafkaPartitions },
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const log = config.kafkaNamespace ? namespacedEventLog(kafka, config.kafkaNamespace) : kafka;
  try {
    return await verifyEventLog(log, keys);
  } finally {
    await log.close();
  }
}

/** Any event log read through the port: the checkpoints collected first (they are few), then the events streamed. */
export async function verifyEventLog(log: EventLog, keys: CheckpointKeys): Promise<LogVerdict> {
  const checkpoints: EventEnvelope[] = [];
  await log.readAll(TOPICS.checkpoints, (records) => {
    for (const r of records) checkpoints.push((r.value ?? r.raw) as EventEnvelope);
  });
  const verifier = await EvidenceVerifier.start({ checkpoints, keys, scope: 'complete' });
  await log.readAll(TOPICS.events, (records) => {
    for (const r of records) verifier.event(r.value ?? r.raw);
  });
  return verifier.finish();
}
