import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecyclingProducer, type SendingProducer } from './recycling-producer.ts';

/** Producers that answer as scripted, each remembering its number, whether it was disconnected. */
function factory(answer: (producer: number, send: number) => Error | undefined) {
  const made: Array<{ sends: number; disconnected: boolean }> = [];
  const create = (): SendingProducer<string> => {
    const me = { sends: 0, disconnected: false };
    const n = made.push(me);
    return {
      connect: async () => undefined,
      disconnect: async () => void (me.disconnected = true),
      sendBatch: async () => {
        me.sends += 1;
        const error = answer(n, me.sends);
        if (error) throw error;
      },
    };
  };
  return { made, create };
}

const protocolError = (type: string) => Object.assign(new Error(`broker says ${type}`), { type });
/** kafkajs wraps the broker's answer: a retries-exceeded error whose cause is the protocol error. */
const wrapped = (type: string) => Object.assign(new Error('retries exceeded'), { cause: protocolError(type) });

describe('the log\'s producer, replaced when it cannot recover', () => {
  it('given the broker refuses the producer id for good, then the next send uses a new producer, and the old one is disconnected', async () => {
    const { made, create } = factory((producer, send) => (producer === 1 && send === 2 ? wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER') : undefined));
    const log: string[] = [];
    const p = new RecyclingProducer(create, { log: (l) => log.push(l) });
    await p.sendBatch('a');
    await assert.rejects(p.sendBatch('b'), /retries exceeded/);
    await p.sendBatch('c');
    assert.equal(made.length, 2);
    assert.deepEqual(made.map((m) => m.sends), [2, 1]);
    assert.equal(made[0]!.disconnected, true);
    assert.match(log[0]!, /OUT_OF_ORDER_SEQUENCE_NUMBER/);
  });

  it('given failures that outlast the bound, then it is replaced; given a short blip, then it is kept', async () => {
    let now = 0;
    let failing = true;
    const { made, create } = factory(() => (failing ? new Error('connection refused') : undefined));
    const p = new RecyclingProducer(create, { maxFailures: 3, minFailingMs: 10_000, now: () => now });
    for (let i = 0; i < 5; i += 1) {
      await assert.rejects(p.sendBatch('x'));
      now += 1_000;
    }
    assert.equal(made.length, 1, 'five failures within 5 s: a blip, kafkajs reconnects by itself');
    now += 10_000;
    await assert.rejects(p.sendBatch('x'));
    failing = false;
    await p.sendBatch('y');
    assert.equal(made.length, 2, 'failing for over 10 s: replaced');
    await p.sendBatch('z');
    assert.equal(made.length, 2, 'a success resets the count');
  });

  it('given a producer that cannot connect, then the failure is the caller\'s, and the next send tries a new one', async () => {
    let attempts = 0;
    const p = new RecyclingProducer<string>(() => ({
      connect: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('no brokers');
      },
      disconnect: async () => undefined,
      sendBatch: async () => undefined,
    }));
    await assert.rejects(p.connect(), /no brokers/);
    await p.sendBatch('a');
    assert.equal(attempts, 2);
  });
});
