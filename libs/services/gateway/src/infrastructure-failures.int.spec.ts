/**
 * The gateway against a real Kafka and a real MongoDB-wire server whose connections are cut under
 * it (see testing/cut-network.ts): a failed or hanging log or read model costs the request a 503
 * with Retry-After, never the process, and service resumes when the server is back.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { COLLECTIONS, type ActionView } from '@countersign/audit';
import { DEFAULT_GATEWAY_LIMITS, DEMO_WORKSPACE, loadWorkspace } from '@countersign/config';
import { TOPICS } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type KafkaEventLog } from '@countersign/eventlog';
import { loadDirectory } from '@countersign/identity';
import { loadPolicySet } from '@countersign/policy';
import { createMongoReadModelStore, type ReadModelStore } from '@countersign/readmodel';
import { ephemeralProposalKeys, RuntimeModule } from '@countersign/runtime';
import { waitFor } from '@countersign/testing';
import { configureHttp, GatewayModule } from './gateway.module.ts';
import { kafkaSockets, tcpProxy } from './testing/cut-network.ts';

const BROKERS = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim());
const MONGO_URL = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const RUN = `gwfail_${randomUUID().slice(0, 8)}`;
const LIMITS = { ...DEFAULT_GATEWAY_LIMITS, logTimeoutMs: 1000, readTimeoutMs: 1000, answerWaitMs: 300 };

/** A pending action of the demo agent that bob may vote on, as the projector would have stored it. */
const seeded: ActionView = {
  _id: randomUUID(), status: 'pending', action: 'data.export', resource: 'prod/x', params: {}, paramsHash: 'p', requestHash: 'r',
  requester: 'demo-agent', requesterKind: 'agent', correlationId: 'c', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  votes: [], rejections: [], notifications: [], delivery: { delivered: 0, failures: 0, failing: [] },
  approval: { groups: ['data-stewards'], quorum: 1, distinctGroups: false, eligible: ['alice', 'bob'], eligibleGroups: {}, deadline: '2026-01-01T01:00:00.000Z' },
  involved: ['demo-agent', 'alice', 'bob'], handled: [], lastSeq: 3, headHash: 'h',
};

describe('the gateway when the event log or the read models fail (real servers, connections cut)', () => {
  let app: INestApplication;
  let url: string;
  let kafka: KafkaEventLog;
  let store: ReadModelStore;
  let direct: ReadModelStore;
  let kafkaNet: Awaited<ReturnType<typeof kafkaSockets>>;
  let mongoNet: Awaited<ReturnType<typeof tcpProxy>>;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => void unhandled.push(reason);
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined };
  };
  const assertUnavailable = (res: Awaited<ReturnType<typeof call>>, what: 'event-log' | 'read-model') => {
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.body.type, `https://countersign.dev/problems/${what}-unavailable`);
    assert.equal(res.retryAfter, '5');
  };

  before(async () => {
    process.on('unhandledRejection', recordUnhandled);
    kafkaNet = await kafkaSockets(BROKERS);
    kafka = await createKafkaEventLog({ brokers: BROKERS, clientId: RUN, topics: { partitions: 1 }, socketFactory: kafkaNet.factory, log: () => undefined });
    await kafka.ensureTopics([`${RUN}.${TOPICS.commands}`]);
    const [host, port] = new URL(MONGO_URL).host.split(':');
    mongoNet = await tcpProxy({ host, port: Number(port) });
    direct = await createMongoReadModelStore({ url: MONGO_URL, database: RUN, indexes: {} });
    await direct.collection<ActionView>(COLLECTIONS.actions).putMany([seeded]);
    store = await createMongoReadModelStore({ url: `mongodb://127.0.0.1:${mongoNet.port}/`, database: RUN, indexes: {}, serverSelectionTimeoutMs: 500 });
    const workspace = loadWorkspace(DEMO_WORKSPACE, { loadDirectory, loadPolicySet });
    const runtime = RuntimeModule.register({ eventLog: namespacedEventLog(kafka, RUN), readModels: store, directory: workspace.directory, policy: workspace.policy, proposalKeys: await ephemeralProposalKeys() });
    @Module({})
    class GatewayUnderTest {
      static module(): DynamicModule {
        return { module: GatewayUnderTest, imports: [runtime, GatewayModule.register(LIMITS)] };
      }
    }
    app = await NestFactory.create(GatewayUnderTest.module(), { bodyParser: false, logger: false });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await kafkaNet.heal();
    await app?.close();
    await store?.close();
    await kafka?.close();
    const db = direct as ReadModelStore;
    await Promise.all(Object.values(COLLECTIONS).map((name) => db.collection(name).drop().catch(() => undefined)));
    await db.close();
    await Promise.all([kafkaNet.close(), mongoNet.close()]);
  });

  it('given Kafka unreachable, a proposal and a vote are answered 503 within the log timeout, and the gateway serves on', async () => {
    await kafkaNet.cut();
    const started = Date.now();
    assertUnavailable(await call('POST', '/v1/actions', 'demo-agent-key', { action: 'data.read', resource: 'prod/orders' }), 'event-log');
    assert.ok(Date.now() - started < 4000, `answered after ${Date.now() - started} ms`);
    assertUnavailable(await call('POST', `/v1/actions/${seeded._id}/approve`, 'bob-key', {}), 'event-log');
    assert.equal((await call('GET', '/v1/actions', 'demo-agent-key')).status, 200, 'reads still work');
    // when Kafka is back, then proposals are taken again (202: no router runs in this test)
    await kafkaNet.heal();
    const accepted = await waitFor(async () => {
      const res = await call('POST', '/v1/actions', 'demo-agent-key', { action: 'data.read', resource: 'prod/orders' });
      return res.status === 202 ? res : undefined;
    }, { what: 'a proposal accepted once Kafka is reachable', timeoutMs: 30_000 });
    assert.equal(accepted.body.status, 'proposed');
    assert.deepEqual(unhandled, []);
  });

  it('given the read models unreachable, a long-poll, a list and a proposal are answered 503, and nothing is left unhandled', async () => {
    // when the server goes away (a long-poll already waiting reads nothing more: the decision
    // would come from the events topic; one that starts now cannot read the action)
    await mongoNet.cut();
    // then
    assertUnavailable(await call('GET', `/v1/actions/${seeded._id}?wait=20s`, 'demo-agent-key'), 'read-model');
    assertUnavailable(await call('GET', '/v1/actions', 'demo-agent-key'), 'read-model');
    assertUnavailable(await call('GET', '/v1/audit', 'carol-key'), 'read-model');
    assertUnavailable(await call('POST', '/v1/actions', 'demo-agent-key', { action: 'data.read', resource: 'prod/orders' }), 'read-model');
    assert.deepEqual(unhandled, []);
    // when it is back, then the same process answers again
    await mongoNet.heal();
    await waitFor(async () => (await call('GET', `/v1/actions/${seeded._id}`, 'demo-agent-key')).status === 200, { what: 'reads once MongoDB is reachable', timeoutMs: 30_000 });
  });
});
