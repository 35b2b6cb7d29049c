import { Kafka, logLevel } from 'kafkajs';

/** Watches the events topic and reports when each action's decision event lands. */
export async function watchDecisions(brokers: string[], topic: string, onDecision: (actionId: string, at: number) => void) {
  const kafka = new Kafka({ clientId: 'bench-watch', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${topic}-bench-watch-${Date.now()}`, maxWaitTimeInMs: 5 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const text = String(message.value);
      // Cheap filter before parsing: only decisions matter here.
      if (!text.includes('"ActionApproved"') && !text.includes('"ActionDenied"')) return;
      const event = JSON.parse(text) as { type: string; streamId: string };
      if (event.type === 'ActionApproved' || event.type === 'ActionDenied') onDecision(event.streamId, performance.now());
    },
  });
  await ready;
  return { stop: () => consumer.disconnect() };
}
