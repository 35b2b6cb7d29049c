/**
 * Publishes one signed proposal onto Countersign's proposals topic and waits for its decision on
 * the events topic: the same outcome as POST /v1/actions, without HTTP. Run it (see README.md):
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 PRINCIPAL=etl-pipeline KEY_ID=etl-1 PRIVATE_KEY=etl-1.pem \
 *     node --import tsx examples/kafka-producer/producer.ts data.read prod/orders
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importPKCS8 } from 'jose';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { describeCommand, proposeAction, signProposal, type ProposalInput } from './proposal.ts';

/** Countersign's topics, behind the optional namespace prefix (COUNTERSIGN_KAFKA_NAMESPACE). */
export const topics = (namespace?: string) => {
  const prefix = namespace ? `${namespace}.` : '';
  return { proposals: `${prefix}countersign.proposals`, events: `${prefix}countersign.events` };
};

const DECISIONS = new Set(['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled']);

export interface Decided {
  actionId: string;
  /** The decision event (ActionApproved, ActionDenied, …) as it is on the events topic. */
  decision: { type: string; streamId: string; data: Record<string, unknown> };
}

/**
 * Signs and publishes `record` (keyed by the action id, so one action stays on one partition) and
 * waits until the events topic carries the action's decision. The end of the events topic is read
 * before publishing, so a decision that comes quickly is not missed.
 */
export async function proposeAndWait(kafka: Kafka, namespace: string | undefined, value: unknown, actionId: string, timeoutMs = 30_000): Promise<Decided> {
  const { proposals, events } = topics(namespace);
  const admin = kafka.admin();
  await admin.connect();
  const from = await endOffsets(admin, events).finally(() => admin.disconnect());
  const consumer = kafka.consumer({ groupId: `kafka-producer-example-${randomUUID()}` });
  const producer = kafka.producer({ idempotent: true });
  try {
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: events });
    const decided = new Promise<Decided>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== actionId || !message.value) return;
          const event = JSON.parse(message.value.toString());
          if (DECISIONS.has(event.type)) resolve({ actionId, decision: event });
        },
      });
    });
    for (const { partition, offset } of from) consumer.seek({ topic: events, partition, offset });
    await producer.send({ topic: proposals, messages: [{ key: actionId, value: JSON.stringify(value) }] });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no decision on ${actionId} within ${timeoutMs} ms`)), timeoutMs)));
    return await Promise.race([decided, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<Array<{ partition: number; offset: string }>> {
  return (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
}

/** The command line: `producer.ts <action> <resource> [params JSON] [idempotency key]`. */
async function main(): Promise<void> {
  const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} must be set (see examples/kafka-producer/README.md)`); })();
  const [action, resource, params, idempotencyKey] = process.argv.slice(2);
  if (!action || !resource) throw new Error('usage: producer.ts <action> <resource> [params JSON] [idempotency key]');
  const input: ProposalInput = {
    principal: env('PRINCIPAL'), kind: (process.env.KIND as 'agent' | 'human' | undefined) ?? 'agent', action, resource,
    ...(params ? { params: JSON.parse(params) } : {}), ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  const privateKey = await importPKCS8(readFileSync(env('PRIVATE_KEY'), 'utf8'), 'EdDSA');
  const command = proposeAction(input);
  const record = await signProposal(command, { principal: input.principal, keyId: env('KEY_ID'), privateKey });
  const kafka = new Kafka({ clientId: 'kafka-producer-example', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
  process.stdout.write(`proposing ${describeCommand(command)}\n`);
  const { decision } = await proposeAndWait(kafka, process.env.COUNTERSIGN_KAFKA_NAMESPACE, record, command.actionId);
  process.stdout.write(`${decision.type}: ${String(decision.data.reason ?? '')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    process.stderr.write(`kafka-producer: ${error.message}\n`);
    process.exit(1);
  });
}
