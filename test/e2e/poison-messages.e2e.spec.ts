import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TOPICS, type DeadLetter } from '@countersign/contracts';
import { createFileEventLog, createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { client, KEYS } from '../support/api-client.ts';
import { distributedEnv, removeDir, SHAPE, startCountersign, tempDataDir } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { parsePrometheusText } from '../support/prometheus-text.ts';

/** Opens the stopped system's log from the test, as an operator's tool would. */
async function openLog(dataDir: string): Promise<EventLog> {
  if (SHAPE === 'embedded') return createFileEventLog({ dir: join(dataDir, 'log'), log: () => undefined });
  const env = distributedEnv(dataDir);
  const kafka = await createKafkaEventLog({ brokers: env.COUNTERSIGN_KAFKA_BROKERS.split(','), clientId: 'e2e-operator', log: () => undefined });
  return namespacedEventLog(kafka, env.COUNTERSIGN_KAFKA_NAMESPACE);
}

async function withLog<T>(dataDir: string, use: (log: EventLog) => Promise<T>): Promise<T> {
  const log = await openLog(dataDir);
  try {
    return await use(log);
  } finally {
    await log.close();
  }
}

describe(`poison messages are dead-lettered with the reason; consumers move on (${SHAPE})`, () => {
  let dataDir: string;
  before(async () => (dataDir = await tempDataDir()));
  after(async () => removeDir(dataDir));

  it('garbage on the proposals, commands and events topics neither crashes nor blocks the services', async () => {
    let cs = await startCountersign({ dataDir, env: E2E_ENV });
    const pending = (await client(cs.url, KEYS.agent).propose({ action: 'data.export', resource: 'prod/poison' })).body.id;
    assert.equal(await cs.stop(), 0);

    await withLog(dataDir, async (log) => {
      await log.appendRaw!(TOPICS.commands, [
        { key: pending, raw: 'this is not JSON' },
        { key: pending, raw: JSON.stringify({ type: 'CastVote', actionId: pending }) },
      ]);
      // The events are evidence: the embedded default, the file log's only writer, refuses to start
      // on a malformed one (audit-verify.e2e). Kafka has other producers: there it is dead-lettered.
      if (SHAPE === 'distributed') await log.appendRaw!(TOPICS.events, [{ key: 'x', raw: JSON.stringify({ type: 'ActionProposed', hash: 'nope' }) }]);
      await log.appendRaw!(TOPICS.proposals, [
        { key: 'y', raw: JSON.stringify({ type: 'ProposeAction', actionId: 'y' }) },
        { key: pending, raw: JSON.stringify({ id: 'v-1', type: 'CancelAction', actionId: pending, issuedAt: '2026-01-01T00:00:00.000Z', actor: { id: 'x', kind: 'agent' }, correlationId: pending, data: { by: 'x' } }) },
      ]);
    });

    cs = await startCountersign({ dataDir, env: E2E_ENV });
    try {
      const approved = await client(cs.url, KEYS.bob).post(`/v1/actions/${pending}/approve`, {});
      assert.equal(approved.body.status, 'approved', 'the router got past the poison commands');
      const fresh = await client(cs.url, KEYS.agent).propose({ action: 'data.read', resource: 'prod/after-poison' });
      assert.equal(fresh.body.status, 'approved', 'the evaluator and projector got past the poison records');
      // The router committed its dead letters before it decided the vote behind them: counted, by reason.
      const metrics = parsePrometheusText(await (await fetch(`${cs.serviceUrl('approval-router')}/metrics`)).text());
      const deadLetters = (reason: string) => metrics.find((m) => m.name === 'countersign_consumer_dead_letters_total' &&
        m.labels.group === 'approval-router' && m.labels.reason === reason)?.value;
      assert.deepEqual([deadLetters('not_json'), deadLetters('invalid'), deadLetters('unprocessable')], [1, 1, undefined]);
    } finally {
      assert.equal(await cs.stop(), 0);
    }

    const letters = await withLog(dataDir, async (log) => {
      const all: DeadLetter[] = [];
      await log.readAll(TOPICS.deadLetter, (records) => void all.push(...records.map((r) => r.value as DeadLetter)));
      return all;
    });
    const router = letters.filter((l) => l.consumerGroup === 'approval-router');
    assert.deepEqual(router.map((l) => l.value), ['this is not JSON', JSON.stringify({ type: 'CastVote', actionId: pending })]);
    assert.match(router[0].reason, /not JSON/);
    assert.match(router[1].reason, /\/id|issuedAt|data/);
    const projector = letters.find((l) => l.consumerGroup === 'audit-projector');
    if (SHAPE === 'distributed') {
      assert.ok(projector, 'the projector dead-lettered the bad event');
      assert.equal(projector.topic, TOPICS.events);
      assert.match(projector.reason, /must have required property/);
    } else {
      assert.equal(projector, undefined, 'no bad event on the file log, none dead-lettered');
    }
    const evaluator = letters.filter((l) => l.consumerGroup === 'policy-evaluator');
    assert.deepEqual(evaluator.map((l) => l.topic), [TOPICS.proposals, TOPICS.proposals], 'the evaluator dead-lettered both bad proposals');
    // Neither is signed: the proposals topic carries signed proposals only (docs/kafka-producers.md).
    assert.match(evaluator[0].reason, /\/protected is required|must have required property 'protected'/);
    assert.match(evaluator[1].reason, /\/protected is required|must have required property 'protected'/);
  });
});
