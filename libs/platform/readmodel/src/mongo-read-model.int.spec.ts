/**
 * The MongoDB read-model store against a real MongoDB-wire server: FerretDB v1 locally
 * (`bash deploy/local/infra.sh up`), MongoDB 7 elsewhere, via COUNTERSIGN_MONGO_URL. Every run
 * uses its own database and drops it at the end.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createMemoryReadModelStore } from './memory-read-model.ts';
import { mongoBulkReplace, type Stored } from './mongo/bulk-replace.ts';
import { createMongoReadModelStore, type MongoReadModelOptions } from './mongo/mongo-read-model.ts';
import { READ_MODEL_INDEXES } from './mongo/read-model-indexes.ts';
import { readModelContract } from './read-model.contract.ts';
import type { Doc, Filter, FindOptions, ReadModelStore } from './read-model.port.ts';

const URL = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const DATABASE = `countersign_test_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
const open = (options: Partial<MongoReadModelOptions> = {}) =>
  createMongoReadModelStore({ url: URL, database: DATABASE, indexes: {}, serverSelectionTimeoutMs: 3000, ...options });
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

// Unreachable is a failure with one line that says what to do, not a skip.
const admin = await mongoose.createConnection(URL, { dbName: DATABASE, serverSelectionTimeoutMS: 3000 }).asPromise().catch((error: Error) => {
  const line = `no MongoDB-wire server at ${URL} (${error.message}); start one with \`bash deploy/local/infra.sh up\` or set COUNTERSIGN_MONGO_URL`;
  throw Object.assign(new Error(line), { stack: `Error: ${line}` });
});
after(async () => {
  await admin.dropDatabase();
  await admin.close();
});

const indexKeys = async (collection: string) =>
  (await admin.db!.collection(collection).indexes()).map((index) => JSON.stringify(index.key));

readModelContract('mongo', async () => ({ store: await open(), cleanup: async () => undefined }));

/** Runs `test` with a store of its own, closed whatever happens (an open one keeps the run alive). */
async function withStore(options: Partial<MongoReadModelOptions>, test: (store: ReadModelStore) => Promise<void>) {
  const store = await open(options);
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

const oneKb = (i: number, version = 1) => ({
  _id: `act-${String(i).padStart(5, '0')}`,
  requester: `agent-${i % 100}`,
  createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  status: i % 3 === 0 ? 'pending' : 'approved',
  involved: [`agent-${i % 100}`, 'alice', 'bob'],
  params: { table: 'customers', rows: i, note: 'x'.repeat(800) },
  version,
});

describe('mongo read model', () => {
  it('is durable, so the projector resumes from its checkpoint', () =>
    withStore({}, async (store) => assert.equal(store.durable, true)));

  it('given READ_MODEL_INDEXES, every index exists after start; a restart creates none; drop keeps them', async () => {
    const created: string[] = [];
    await (await createMongoReadModelStore({ url: URL, database: DATABASE, log: (m) => created.push(m) })).close();
    assert.equal(created.filter((m) => m.includes('created indexes')).length, Object.keys(READ_MODEL_INDEXES).length);
    const logs: string[] = [];
    const again = await createMongoReadModelStore({ url: URL, database: DATABASE, log: (m) => logs.push(m) });
    try {
      assert.deepEqual(logs.filter((m) => m.includes('created indexes')), []);
      await again.collection('actions').drop();
    } finally {
      await again.close();
    }
    for (const [collection, keys] of Object.entries(READ_MODEL_INDEXES)) {
      const existing = await indexKeys(collection);
      for (const key of keys) assert.ok(existing.includes(JSON.stringify(key)), `${collection} lacks index ${JSON.stringify(key)}`);
    }
  });

  it('given 10,000 documents of about 1 KB in one putMany, all are stored, found by an indexed field, and a redelivery changes nothing', (t) => {
    const name = unique('bulk');
    return withStore({ indexes: { [name]: [{ requester: 1, createdAt: 1 }] } }, async (store) => {
      const docs = Array.from({ length: 10_000 }, (_, i) => oneKb(i));
      assert.ok(JSON.stringify(docs[0]).length >= 950);
      const bulk = store.collection(name);
      const started = performance.now();
      await bulk.putMany(docs);
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`putMany of 10,000 ~1 KB new documents: ${Math.round(docs.length / seconds)} docs/s (${seconds.toFixed(2)} s)`);
      assert.equal(await bulk.count({}), 10_000);
      const found = await bulk.find({ requester: 'agent-7' }, { sort: { createdAt: -1 }, limit: 5 });
      assert.deepEqual(found.map((d) => d._id), ['act-09907', 'act-09807', 'act-09707', 'act-09607', 'act-09507']);
      assert.deepEqual(found[0], docs[9907]);
      const again = performance.now();
      await bulk.putMany([...docs.slice(0, 1000), oneKb(7, 2)]);
      t.diagnostic(`putMany of 1,000 stored documents and 1 changed one: ${Math.round(performance.now() - again)} ms`);
      assert.equal(await bulk.count({ requester: 'agent-7' }), 100);
      assert.equal(await bulk.count({}), 10_000);
      assert.equal((await bulk.get('act-00007'))?.version, 2);
    });
  });

  it('given 150 existing documents replaced in one putMany, it completes (FerretDB v1 hangs on >100 replaces in one command)', { timeout: 60_000 }, () =>
    withStore({}, async (store) => {
      const docs = store.collection(unique('many'));
      await docs.putMany(Array.from({ length: 150 }, (_, i) => ({ ...oneKb(i), params: {} })));
      await docs.putMany(Array.from({ length: 150 }, (_, i) => ({ ...oneKb(i, 2), params: {} })));
      assert.equal(await docs.count({ version: 2 }), 150);
    }));

  it('the MongoDB write plan (upserting replaces in batches) inserts new documents and replaces stored ones', async () => {
    const native = admin.db!.collection<Stored>(unique('plan'));
    const replace = mongoBulkReplace(2);
    await replace(native, [{ _id: 'a', v: 1 }, { _id: 'b', v: 1 }, { _id: 'c', v: 1 }]);
    await replace(native, [{ _id: 'b', w: 2 }, { _id: 'd', v: 2 }]);
    assert.deepEqual(await native.find({}, { sort: { _id: 1 } }).toArray(), [{ _id: 'a', v: 1 }, { _id: 'b', w: 2 }, { _id: 'c', v: 1 }, { _id: 'd', v: 2 }]);
  });

  it('given two writers putting the same new documents at once, both succeed and each document is stored once', async () => {
    const name = unique('race');
    const batch = Array.from({ length: 300 }, (_, i) => ({ _id: `doc-${i}`, n: i }));
    const [a, b] = [await open(), await open()];
    try {
      await Promise.all([a.collection(name).putMany(batch), b.collection(name).putMany(batch)]);
      assert.equal(await a.collection(name).count({}), 300);
      assert.deepEqual(await b.collection(name).get('doc-299'), { _id: 'doc-299', n: 299 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('given the same id twice in one batch, the later document wins', () =>
    withStore({}, async (store) => {
      const docs = store.collection(unique('dup'));
      await docs.putMany([{ _id: 'a', v: 1 }, { _id: 'b', v: 1 }, { _id: 'a', v: 2 }]);
      assert.deepEqual(await docs.find({}, { sort: { _id: 1 } }), [{ _id: 'a', v: 2 }, { _id: 'b', v: 1 }]);
    }));

  it('given a document without a string _id, putMany refuses the whole batch', () =>
    withStore({}, async (store) => {
      const docs = store.collection(unique('bad'));
      await assert.rejects(docs.putMany([{ _id: 'ok' }, { _id: 7 } as never]), TypeError);
      assert.equal(await docs.count({}), 0);
    }));

  it('given JSON FerretDB v1 refuses (dotted and $ keys, nested arrays, undefined), it comes back exactly as put', () =>
    withStore({}, async (store) => {
      const events = store.collection(unique('events'));
      const event = { _id: 'act-1:00000001', streamId: 'act-1', data: { params: { 'a.b': 1, $where: 'x', '50%': 2, grid: [[1, 2], [3]] }, gone: undefined } };
      await events.putMany([event]);
      const { gone: _gone, ...json } = event.data;
      assert.deepEqual(await events.get('act-1:00000001'), { ...event, data: json });
      assert.deepEqual(await events.find({ streamId: 'act-1' }), [{ ...event, data: json }]);
    }));

  it('given action views, the gateway approver=me query ("votes.voter" $ne me) finds what mingo finds', async () => {
    const pending = (id: string, hour: number, eligible: string[], voters: string[]) => ({
      _id: id, status: 'pending', createdAt: `2026-03-01T${hour}:00:00.000Z`, requester: 'agent',
      involved: ['agent', ...eligible], approval: { eligible }, votes: voters.map((voter) => ({ voter, decision: 'approve' })),
    });
    const views = [
      pending('a1', 10, ['alice', 'bob'], []),
      pending('a2', 11, ['alice', 'bob'], ['bob']),
      pending('a3', 12, ['alice', 'bob', 'x'], ['x', 'alice']), // FerretDB v1 gets $ne wrong here
      pending('a4', 13, ['alice'], ['alice']),
      pending('a5', 14, ['bob'], []),
      { ...pending('a6', 15, ['alice'], []), status: 'approved' },
    ];
    const filter = { $and: [{ involved: 'alice' }, { status: 'pending', 'approval.eligible': 'alice', 'votes.voter': { $ne: 'alice' } }] };
    await assertSameAsMemory(views, filter, { sort: { createdAt: -1, _id: -1 }, limit: 51 }, ['a2', 'a1']);
  });

  it('given audit rows, the audit API filters and (at, _id) cursor find what mingo finds', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      _id: `act-${i % 7}:${String(i).padStart(8, '0')}`, at: `2026-03-01T10:${String(i % 30).padStart(2, '0')}:00.000Z`,
      type: i % 4 === 0 ? 'ActionApproved' : 'VoteRecorded', outcome: i % 4 === 0 ? 'approved' : undefined,
      approvers: i % 2 ? ['bob'] : ['alice', 'bob'], requester: `agent-${i % 3}`, action: i % 5 ? 'data.export' : 'iam.escalate',
    }));
    const after = [rows[20].at, rows[20]._id];
    const filter = { $and: [
      { at: { $gte: '2026-03-01T10:05:00.000Z' } }, { at: { $lt: '2026-03-01T10:25:00.000Z' } }, { approvers: 'alice' },
      { action: 'data.export' }, { $or: [{ at: { $gt: after[0] } }, { at: after[0], _id: { $gt: after[1] } }] },
    ] };
    await assertSameAsMemory(rows, filter, { sort: { at: 1, _id: 1 }, limit: 11 });
    await assertSameAsMemory(rows, { $and: [{ outcome: 'approved' }, { requester: { $in: ['agent-1', 'agent-2'] } }] }, { sort: { at: 1, _id: 1 } });
  });
});

/** Puts `docs` in both stores and asserts both give the same answers (and `expected`, if given). */
async function assertSameAsMemory(docs: Doc[], filter: Filter, options: FindOptions, expected?: string[]) {
  const mongo = await open();
  const name = unique('same');
  try {
    const [inMongo, inMemory] = [mongo.collection(name), createMemoryReadModelStore().collection(name)];
    await Promise.all([inMongo.putMany(docs), inMemory.putMany(docs)]);
    const found = (await inMongo.find(filter, options)).map((d) => d._id);
    assert.ok(found.length > 0, 'the query should find something');
    assert.deepEqual(found, (await inMemory.find(filter, options)).map((d) => d._id));
    assert.equal(await inMongo.count(filter), await inMemory.count(filter));
    if (expected) assert.deepEqual(found, expected);
  } finally {
    await mongo.close();
  }
}
