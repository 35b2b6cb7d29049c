/**
 * The MongoDB read-model store when its server keeps the pooled connections open but never
 * answers on them again (as a CI chaos run saw after FerretDB was restarted under load): through
 * a proxy that drops every answer on the connections open at that moment, while new connections
 * pass. The driver alone would wait for its socket timeout (60 s) on each call; the store
 * replaces its client instead (silent-server-watch.ts) and answers again within seconds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import mongoose from 'mongoose';
import { createMongoReadModelStore } from './mongo/mongo-read-model.ts';
import type { ReadModelStore } from './read-model.port.ts';

const URL = process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const DATABASE = `countersign_silent_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;

/** A TCP proxy to `target`; `silence()` drops the server's answers on every connection open now. */
async function silencingProxy(target: { host: string; port: number }) {
  const open = new Set<{ client: Socket; server: Socket; silent: boolean }>();
  const proxy = createServer((client) => {
    const pair = { client, server: connect(target), silent: false };
    open.add(pair);
    client.on('data', (chunk) => pair.server.write(chunk));
    pair.server.on('data', (chunk) => pair.silent || client.write(chunk));
    const end = () => {
      open.delete(pair);
      client.destroy();
      pair.server.destroy();
    };
    client.on('close', end).on('error', end);
    pair.server.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    silence: () => void open.forEach((pair) => (pair.silent = true)),
    close: () => new Promise<void>((resolve) => {
      for (const pair of open) {
        pair.client.destroy();
        pair.server.destroy();
      }
      proxy.close(() => resolve());
    }),
  };
}

describe('the mongo read model when its server stops answering on the open connections', () => {
  let proxy: Awaited<ReturnType<typeof silencingProxy>>;
  let store: ReadModelStore;
  const logs: string[] = [];

  before(async () => {
    const { hostname, port } = new globalThis.URL(URL);
    proxy = await silencingProxy({ host: hostname, port: Number(port) });
    store = await createMongoReadModelStore({
      url: `mongodb://127.0.0.1:${proxy.port}/`, database: DATABASE, indexes: {}, serverSelectionTimeoutMs: 3000,
      replaceSilentClient: { stuckAfterMs: 1500, minGapMs: 3000, checkEveryMs: 100 },
      log: (line) => logs.push(line),
    });
  });

  after(async () => {
    await store?.close();
    await proxy?.close();
    const admin = await mongoose.createConnection(URL, { dbName: DATABASE, serverSelectionTimeoutMS: 3000 }).asPromise();
    await admin.dropDatabase();
    await admin.close();
  });

  it('given reads that go unanswered, then the client is replaced: they fail within seconds, not at the 60 s socket timeout, and the next reads are answered', async () => {
    const docs = store.collection<{ _id: string; n: number }>('docs');
    await docs.putMany([{ _id: 'a', n: 1 }]);
    // several connections in the pool, all of which go silent
    await Promise.all(Array.from({ length: 4 }, () => docs.get('a')));
    await Promise.all(Array.from({ length: 4 }, () => docs.get('a')));

    proxy.silence();
    const started = Date.now();
    const stuck = await Promise.allSettled(Array.from({ length: 4 }, () => docs.get('a')));
    const failedAfter = Date.now() - started;

    // (a read that found a connection opened after the silence may be answered)
    assert.ok(stuck.some((r) => r.status === 'rejected'), JSON.stringify(stuck.map((r) => r.status)));
    assert.ok(failedAfter < 15_000, `the silent reads failed after ${failedAfter} ms`);
    assert.ok(logs.some((l) => /replacing the MongoDB client \(no answer for \d+ ms/.test(l)), logs.join('\n'));
    assert.deepEqual(await docs.get('a'), { _id: 'a', n: 1 });
    assert.ok(Date.now() - started < 20_000, `answered again after ${Date.now() - started} ms`);
  });
});
