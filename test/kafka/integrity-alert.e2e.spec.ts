import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { computeEventHash, TOPICS, type EventEnvelope, type IntegrityMismatchDetected } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { distributedEnv, removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

// The production shape only (test/kafka): someone with write access to the brokers forges an event.
const ENV = { ...E2E_ENV, COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/standing-principals'), COUNTERSIGN_CHECKPOINT_INTERVAL: '1h' };

async function proposeRead(agent: Client): Promise<string> {
  const res = await agent.propose({ action: 'data.read', resource: `prod/proofs-${randomUUID().slice(0, 8)}`, params: { rows: 1 } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'approved');
  return res.body.id;
}

/**
 * The production shape's projector checks as it projects: an event forged onto the events topic
 * (here appended to Kafka directly, as someone with write access to the brokers could) is raised
 * as IntegrityMismatchDetected on the security topic and counted, and projecting goes on. The
 * embedded default refuses to start on a tampered log instead, and its log has no writer but
 * itself: the projector's checks there are covered by unit tests (checkpoint-projector.spec.ts).
 */
describe(`the projector raises what does not link (${SHAPE})`, () => {
  before(() => assert.equal(SHAPE, 'distributed', 'test/kafka runs in the distributed shape only'));
  let cs: RunningCountersign;
  let kafka: EventLog;
  let log: EventLog;
  before(async () => {
    cs = await startCountersign({ env: ENV });
    const brokers = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
    kafka = await createKafkaEventLog({ brokers, clientId: `proofs-e2e-${randomUUID().slice(0, 8)}`, log: () => undefined });
    log = namespacedEventLog(kafka, distributedEnv(cs.dataDir).COUNTERSIGN_KAFKA_NAMESPACE);
  });
  after(async () => {
    await cs?.stop();
    await kafka?.close();
    if (cs) await removeDir(cs.dataDir);
  });

  it('given a decided action, when another event at its last seq is forged onto the events topic, then an alert names the stream and seq, the metric counts it, and projecting goes on', async () => {
    const agent = client(cs.url, KEYS.agent);
    const id = await proposeRead(agent);
    let events: EventEnvelope[] = [];
    await until(async () => (events = (await agent.get(`/v1/actions/${id}/events`)).body.events ?? []).length === 3, 'the action\'s events in /events');
    // when: the decision rewritten, its hash recomputed so that it passes on its own
    const forged = structuredClone(events[2]);
    (forged.data as { reason: string }).reason = 'approved by nobody';
    forged.hash = computeEventHash(forged);
    await log.append(TOPICS.events, [{ key: id, value: forged }]);
    // then: the security topic says what and where
    let alert: IntegrityMismatchDetected | undefined;
    await until(async () => {
      const found: IntegrityMismatchDetected[] = [];
      await log.readAll(TOPICS.security, (records) => void found.push(...records.map((r) => r.value as IntegrityMismatchDetected)));
      alert = found.find((r) => r.type === 'IntegrityMismatchDetected' && r.streamId === id);
      return alert !== undefined;
    }, 'an IntegrityMismatchDetected record about the action');
    assert.deepEqual([alert!.kind, alert!.seq, alert!.detectedBy], ['chain-broken', 3, 'audit-projector']);
    assert.match(alert!.detail, /another event is stored at this seq/);
    await until(async () => /countersign_audit_integrity_mismatches_total\{[^}]*kind="chain-broken"[^}]*\} [1-9]/.test(
      await (await fetch(`${cs.serviceUrl('audit-projector')}/metrics`)).text()), 'the mismatch counted on the projector\'s /metrics');
    // and projecting goes on: the stored chain is the original, and later actions are projected
    assert.deepEqual((await agent.get(`/v1/actions/${id}/events`)).body.events, events);
    const next = await proposeRead(agent);
    await until(async () => (await agent.get(`/v1/actions/${next}/events`)).body.events?.length === 3, 'a later action projected');
  });
});
