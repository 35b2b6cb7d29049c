/**
 * The transport against real logs (the embedded file log, and Kafka when COUNTERSIGN_KAFKA_BROKERS
 * is set, as in the int tier): a Nest microservice whose controllers declare their handlers with
 * the log patterns, fed with real records, including hostile ones.
 */
import 'reflect-metadata';
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { TOPICS, type ActionCommand, type DeadLetter } from '@countersign/contracts';
import { createFileEventLog, type EventLog } from '@countersign/eventlog';
import { KafkaScope } from '@countersign/eventlog/testing';
import { createReadiness, type Readiness } from '@countersign/runtime';
import {
  EventLogServer, LogContext, OnDeadLetter, OnLogBatch, OnLogMessage, RethrowFilter, UnavailableError, UnprocessableMessage,
  type ConsumerOptions, type DeadLettered, type LogMessage,
} from './index.ts';

const cancel = (n: number, reason: string): ActionCommand => ({
  id: `cmd-${n}`, type: 'CancelAction', actionId: 'act-1', issuedAt: '2026-01-01T00:00:00.000Z',
  actor: { id: 'alice', kind: 'human' }, correlationId: 'act-1', data: { by: 'alice', reason },
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the handlers saw and did, shared with the controllers of one test. */
const seen = { handled: [] as number[], batches: [] as number[][], letters: [] as string[], unavailable: 0, followed: [] as number[] };
const n = (c: ActionCommand) => Number(c.id.slice(4));
const G: ConsumerOptions = { group: 'g-messages', topic: TOPICS.commands };
const B: ConsumerOptions = { group: 'g-batch', topic: TOPICS.commands };
const OUT = 'out';

@Controller()
class MessageHandlers {
  @OnLogMessage({ ...G, type: 'CancelAction' })
  cancel(@Payload() command: ActionCommand, @Ctx() context: LogContext): void {
    const reason = (command.data as { reason?: string }).reason;
    if (reason === 'poison') throw new Error('cannot handle this one');
    if (reason === 'unprocessable') throw new UnprocessableMessage('never processable');
    if (reason === 'unavailable' && seen.unavailable > 0) {
      seen.unavailable -= 1;
      throw new UnavailableError('the store is away');
    }
    seen.handled.push(n(command));
    context.append(OUT, [{ key: command.actionId, value: { n: n(command) } }]);
  }

  @OnDeadLetter(G)
  letter(@Payload() letter: DeadLettered, @Ctx() context: LogContext): void {
    seen.letters.push(letter.reason);
    context.append(OUT, [{ key: 'letters', value: { deadLettered: letter.record.offset } }]);
  }
}

@Controller()
class BatchHandlers {
  @OnLogBatch(B)
  batch(@Payload() messages: LogMessage<ActionCommand>[], @Ctx() context: LogContext): void {
    seen.batches.push(messages.map((m) => n(m.message)));
    if (messages.some((m) => (m.message.data as { reason?: string }).reason === 'poison')) throw new Error('a poisoned batch');
    context.append(`${OUT}-batch`, messages.map((m) => ({ key: 'k', value: { n: n(m.message) } })));
  }
}

/** A live follower: every instance, from the end, looking only at the records of act-2. */
const F: ConsumerOptions = { group: 'g-follow', topic: TOPICS.commands, start: 'end', broadcast: true, accept: (record) => record.key === 'act-2' };

@Controller()
class FollowHandlers {
  @OnLogBatch(F)
  follow(@Payload() messages: LogMessage<ActionCommand>[]): void {
    seen.followed.push(...messages.map((m) => n(m.message)));
  }
}

@Module({ controllers: [FollowHandlers] })
class FollowModule {}
@Module({ controllers: [MessageHandlers] })
class MessagesModule {}
@Module({ controllers: [BatchHandlers] })
class BatchModule {}

async function start(log: EventLog, module: unknown, readiness: Readiness): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module as never, {
    strategy: new EventLogServer({
      log, readiness, facts: { storeDurable: true, instanceId: 'test' },
      health: { stuckAfterMs: 300, maxLag: 1000 }, lagCheckMs: 100,
    }),
    logger: false,
  });
  app.useGlobalFilters(new RethrowFilter());
  await app.listen();
  return app;
}

async function readTopic(log: EventLog, topic: string): Promise<unknown[]> {
  const values: unknown[] = [];
  await log.readAll(topic, (records) => void values.push(...records.map((r) => r.value)));
  return values;
}

const adapters: Array<[string, () => Promise<{ log: EventLog; cleanup(): Promise<void> }>]> = [
  ...(process.env.TRANSPORT_ONLY === 'kafka' ? [] : [['file log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'transport-'));
    const log = await createFileEventLog({ dir, log: () => undefined });
    return { log, cleanup: async () => { await log.close(); await rm(dir, { recursive: true, force: true }); } };
  }] as [string, () => Promise<{ log: EventLog; cleanup(): Promise<void> }>]]),
];
if (process.env.COUNTERSIGN_KAFKA_BROKERS) {
  adapters.push(['kafka', async () => {
    const scope = new KafkaScope();
    const log = await scope.open({ topics: { partitions: 1 } });
    return { log, cleanup: () => scope.cleanup() };
  }]);
}

for (const [name, open] of adapters) {
  describe(`event log server on the ${name}`, () => {
    let cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.reverse()) await c();
      cleanups = [];
    });

    it('routes valid messages to their handlers in order; dead-letters invalid records with the reason, once, and goes on', async () => {
      Object.assign(seen, { handled: [], letters: [], unavailable: 0 });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [{ key: 'act-1', value: cancel(1, 'a') }]);
      await log.appendRaw!(TOPICS.commands, [{ key: 'act-1', raw: 'not json' }, { key: 'act-1', raw: '{"reason":"bye \\ud800"}' }]);
      await log.append(TOPICS.commands, [{ key: 'act-1', value: { ...cancel(2, 'b'), data: { by: 'alice', reason: 'bye \ud800' } } }, { key: 'act-1', value: cancel(3, 'c') }]);
      const readiness = createReadiness();
      const app = await start(log, MessagesModule, readiness);
      cleanups.push(() => app.close());
      await until(() => seen.handled.length === 2, 'the two valid commands');
      assert.deepEqual(seen.handled, [1, 3]);
      await until(async () => (await readTopic(log, TOPICS.deadLetter)).length === 3, 'three dead letters');
      await until(async () => (await readTopic(log, OUT)).length === 2, 'the output of the valid commands');
      const letters = (await readTopic(log, TOPICS.deadLetter)) as DeadLetter[];
      assert.deepEqual(letters.map((l) => l.consumerGroup), ['g-messages', 'g-messages', 'g-messages']);
      assert.equal(letters[0].reason, 'not JSON');
      assert.match(letters[2].reason, /\/data\/reason has a string that is not well-formed Unicode/);
      assert.deepEqual(await readTopic(log, OUT), [{ n: 1 }, { n: 3 }]);
      await until(() => readiness.notReady().length === 0, 'ready');
    });

    it('dead-letters a record its handler keeps failing on, after bounded attempts, with the consequence its group records; the rest once each', async () => {
      Object.assign(seen, { handled: [], letters: [], unavailable: 0 });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [1, 2, 3, 4].map((i) => ({ key: 'act-1', value: cancel(i, i === 3 ? 'poison' : 'ok') })));
      const app = await start(log, MessagesModule, createReadiness());
      cleanups.push(() => app.close());
      await until(() => seen.letters.length === 1 && seen.handled.includes(4), 'the poison dead-lettered and the rest handled');
      assert.match(seen.letters[0], /^failed 3 times: cannot handle this one$/);
      await until(async () => (await readTopic(log, OUT)).length === 4, 'output of the handled records and the consequence');
      const out = await readTopic(log, OUT);
      assert.deepEqual(out.filter((o) => 'n' in (o as object)), [{ n: 1 }, { n: 2 }, { n: 4 }], 'each handled record\'s output exactly once');
      assert.equal(out.filter((o) => 'deadLettered' in (o as object)).length, 1);
      const letters = (await readTopic(log, TOPICS.deadLetter)) as DeadLetter[];
      assert.deepEqual(letters.map((l) => [l.offset, l.reason]), [['0/2', 'failed 3 times: cannot handle this one']]);
      assert.equal(JSON.parse(letters[0].value).id, 'cmd-3', 'the raw record, unchanged');
    });

    it('dead-letters an unprocessable message at once and keeps the output of the rest of its batch', async () => {
      Object.assign(seen, { handled: [], letters: [], unavailable: 0 });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [1, 2, 3].map((i) => ({ key: 'act-1', value: cancel(i, i === 2 ? 'unprocessable' : 'ok') })));
      const app = await start(log, MessagesModule, createReadiness());
      cleanups.push(() => app.close());
      await until(async () => (await readTopic(log, TOPICS.deadLetter)).length === 1, 'the dead letter');
      assert.equal(((await readTopic(log, TOPICS.deadLetter)) as DeadLetter[])[0].reason, 'never processable');
      await until(async () => (await readTopic(log, OUT)).length === 2, 'the output of the others');
      assert.deepEqual(await readTopic(log, OUT), [{ n: 1 }, { n: 3 }]);
    });

    it('retries a handler whose store is away for as long as it takes, never dead-letters, and reports the group stuck meanwhile', async () => {
      Object.assign(seen, { handled: [], letters: [], unavailable: 4 });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [{ key: 'act-1', value: cancel(1, 'unavailable') }]);
      const readiness = createReadiness();
      const app = await start(log, MessagesModule, readiness);
      cleanups.push(() => app.close());
      await until(() => readiness.problems()['consumer g-messages'] !== undefined, 'the group reported stuck');
      assert.match(readiness.problems()['consumer g-messages'], /^stuck for \d+ s: partition 0 offsets \d+\.\.\d+: the store is away$/);
      await until(() => seen.handled.length === 1, 'handled once the store is back');
      await until(() => readiness.problems()['consumer g-messages'] === undefined, 'the problem cleared');
      assert.deepEqual(await readTopic(log, TOPICS.deadLetter), []);
    });

    it('a group that starts at the end gets only later records, and only those it accepts: the others are not even validated', async () => {
      Object.assign(seen, { followed: [] });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [{ key: 'act-2', value: cancel(1, 'before the start') }]);
      const readiness = createReadiness();
      const app = await start(log, FollowModule, readiness);
      cleanups.push(() => app.close());
      await until(() => readiness.notReady().length === 0, 'ready once positioned at the end');
      await log.appendRaw!(TOPICS.commands, [{ key: 'act-1', raw: 'not json, and nobody follows act-1' }]);
      await log.append(TOPICS.commands, [{ key: 'act-1', value: cancel(2, 'not followed') }, { key: 'act-2', value: cancel(3, 'followed') }]);
      await log.appendRaw!(TOPICS.commands, [{ key: 'act-2', raw: 'not json, on a followed key' }]);
      await log.append(TOPICS.commands, [{ key: 'act-2', value: cancel(4, 'followed') }]);
      await until(() => seen.followed.includes(4), 'the last followed record');
      assert.deepEqual(seen.followed, [3, 4]);
      await until(async () => (await readTopic(log, TOPICS.deadLetter)).length === 1, 'the dead letter of the followed key');
      const letters = (await readTopic(log, TOPICS.deadLetter)) as DeadLetter[];
      assert.deepEqual(letters.map((l) => [l.consumerGroup, l.value]), [['g-follow', 'not json, on a followed key']]);
    });

    it('walks a batch that keeps failing one record at a time, dead-letters the poison, and commits the rest once', async () => {
      Object.assign(seen, { batches: [] });
      const { log, cleanup } = await open();
      cleanups.push(cleanup);
      await log.append(TOPICS.commands, [1, 2, 3, 4, 5].map((i) => ({ key: 'act-1', value: cancel(i, i === 4 ? 'poison' : 'ok') })));
      const app = await start(log, BatchModule, createReadiness());
      cleanups.push(() => app.close());
      await until(async () => (await readTopic(log, TOPICS.deadLetter)).length === 1, 'the poison dead-lettered');
      await until(async () => (await readTopic(log, `${OUT}-batch`)).length === 4, 'the rest handled');
      assert.deepEqual((await readTopic(log, `${OUT}-batch`)).map((o) => (o as { n: number }).n), [1, 2, 3, 5]);
      assert.deepEqual(seen.batches.slice(0, 3), [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], 'three attempts of the whole batch first');
      // Then every record of the failing batch on its own (the poison as often as it takes).
      assert.deepEqual(seen.batches.slice(3).filter((b) => b.length === 1).map((b) => b[0]).filter((v, i, a) => a.indexOf(v) === i), [1, 2, 3, 4, 5]);
    });
  });
}
