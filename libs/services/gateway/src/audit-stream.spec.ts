import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { COLLECTIONS, type AuditEntry, type Queryable } from '@countersign/audit';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { auditCsv, auditNdjson } from './audit-csv.ts';
import { auditExport } from './audit-stream.ts';

const entry = (i: number): AuditEntry => ({
  _id: `a${i % 3}:${String(i).padStart(8, '0')}`, at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, actionId: `a${i % 3}`, seq: i, type: 'VoteRecorded',
  actor: 'bob', actorKind: 'human', action: 'data.export', resource: 'prod/x', requester: 'demo-agent', summary: `vote ${i}`, hash: 'h', prevHash: 'p',
});

async function rows(n: number): Promise<Queryable<AuditEntry>> {
  const store = createMemoryReadModelStore();
  const collection = store.collection<AuditEntry>(COLLECTIONS.audit);
  await collection.putMany(Array.from({ length: n }, (_, i) => entry(i + 1)));
  return collection;
}

/** Fails every find after the first `good` ones. */
const failing = (inner: Queryable<AuditEntry>, good: number): Queryable<AuditEntry> => {
  let calls = 0;
  return { find: (f, o) => (++calls > good ? Promise.reject(new Error('read model down')) : inner.find(f, o)), count: (f) => inner.count(f) };
};

describe('the audit trail streamed as a file', () => {
  it('given pages of one row each, then the file is the CSV or NDJSON of every row, filtered, in order', async () => {
    const all = Array.from({ length: 7 }, (_, i) => entry(i + 1));
    const csv = await auditExport(await rows(7), { query: {} }, 'csv', undefined, 1);
    assert.equal(await text(csv.getStream() as Readable), auditCsv(all));
    const ndjson = await auditExport(await rows(7), { query: { from: all[2].at } }, 'ndjson', undefined, 1);
    assert.equal(await text(ndjson.getStream() as Readable), auditNdjson(all.slice(2)));
    const byId = await auditExport(await rows(7), { query: {}, actionIds: ['a1'] }, 'ndjson', undefined, 1);
    assert.equal(await text(byId.getStream() as Readable), auditNdjson(all.filter((e) => e.actionId === 'a1')));
    const none = await auditExport(await rows(0), { query: {} }, 'csv', undefined, 1);
    assert.match(await text(none.getStream() as Readable), /^at,actionId,seq,[^\n]*\n$/);
  });

  it('given the read model failing before the first row, then the export fails before answering (a problem, not a file)', async () => {
    await assert.rejects(auditExport(failing(await rows(5), 0), { query: {} }, 'csv', undefined, 1), /read model down/);
  });

  it('given the read model failing after the first page, then the stream errors (the connection is cut), never ends as if whole', async () => {
    const file = await auditExport(failing(await rows(5), 1), { query: {} }, 'ndjson', undefined, 1);
    await assert.rejects(text(file.getStream() as Readable), /read model down/);
  });
});
