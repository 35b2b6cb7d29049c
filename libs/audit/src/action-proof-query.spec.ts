import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateKeyPair } from 'jose';
import { contentHash, verifyActionProof, type ActionEvent, type DomainEventBody, type StreamHead } from '@countersign/contracts';
import { buildActionProof, CommittedHeadsMismatch, CommittedTrees, storedAsWritten } from './action-proof-query.ts';
import { auditEntryId } from './audit-entry.ts';
import { findCheckpoints, latestCheckpoint, MissingCheckpoint, presentCheckpoint } from './checkpoint-query.ts';
import type { SignedCheckpointDoc, StoredEvent } from './collections.ts';
import { checkpointDocs } from './testing/checkpoints.ts';
import { memoryRows } from './testing/memory-rows.ts';
import { proposal, sealStream } from './testing/streams.ts';

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const signer = { kid: 'cp-1', privateKey };
const keys = new Map([['cp-1', { publicKey, notBefore: '2026-01-01T00:00:00.000Z' }]]);

const cancelled: DomainEventBody = { type: 'ActionCancelled', data: { cancelledBy: 'demo-agent', reason: 'no longer needed', rule: 'r', policyVersion: 'v1', paramsHash: contentHash({}) } };
const streams = new Map<string, ActionEvent[]>(['a1', 'a2', 'a3'].map((id) => [id, sealStream([proposal('data.export'), cancelled], { streamId: id })]));
const headOf = (id: string, seq: number): StreamHead => {
  const e = streams.get(id)![seq - 1];
  return { streamId: id, seq, hash: e.hash };
};
const stored = (events: ActionEvent[]): StoredEvent[] => events.map((e) => ({ ...e, _id: auditEntryId(e.streamId, e.seq), eventId: e.id }) as StoredEvent);
const allEvents = memoryRows(stored([...streams.values()].flat()));

// Checkpoint 1: a1 at seq 1; 2: a1 at 2, a2 at 1; 3: a2 at 2 (a3 never covered).
const docs = await checkpointDocs([[headOf('a1', 1)], [headOf('a1', 2), headOf('a2', 1)], [headOf('a2', 2)]], signer);

describe('checkpoint queries', () => {
  it('given three checkpoints, when paged two at a time, then pages follow in number order without repeats', async () => {
    const rows = memoryRows(docs);
    const first = await findCheckpoints(rows, { limit: 2 });
    assert.deepEqual(first.rows.map((d) => d.number), [1, 2]);
    assert.equal(first.next, 2);
    const second = await findCheckpoints(rows, { after: first.next, limit: 2 });
    assert.deepEqual(second.rows.map((d) => d.number), [3]);
    assert.equal(second.next, undefined);
    assert.deepEqual((await findCheckpoints(rows, { after: 3, limit: 2 })).rows, []);
    assert.equal((await latestCheckpoint(rows))?.number, 3);
    assert.equal(await latestCheckpoint(memoryRows<SignedCheckpointDoc>([])), undefined);
  });

  it('for any page size and start, paging reads every later checkpoint once, in order', async () => {
    const many = await checkpointDocs(Array.from({ length: 23 }, (_, i) => [headOf(['a1', 'a2', 'a3'][i % 3], 1 + (i % 2))]), signer);
    const rows = memoryRows(many);
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 25 }), async (limit, start) => {
      const seen: number[] = [];
      let after: number | undefined = start;
      for (let pages = 0; after !== undefined; pages += 1) {
        assert.ok(pages <= 24, 'paging ends');
        const page = await findCheckpoints(rows, { after, limit });
        assert.ok(page.rows.length <= limit);
        seen.push(...page.rows.map((d) => d.number));
        after = page.next;
      }
      assert.deepEqual(seen, Array.from({ length: Math.max(0, 23 - start) }, (_, i) => start + 1 + i));
    }), { numRuns: 60 });
  });

  it('a listed checkpoint says what its JWS says and how many heads changed', () => {
    const item = presentCheckpoint(docs[1]);
    assert.deepEqual(item, {
      number: 2, at: docs[1].at, root: docs[1].root, streams: 2, kid: 'cp-1', jws: docs[1].event.data.checkpoint, prev: docs[1].event.data.prev, changedCount: 2,
    });
  });
});

describe('action proofs from the read models', () => {
  it('given the latest checkpoint, when a covered action\'s proof is built, then it holds its events up to the committed head and verifies', async () => {
    const trees = new CommittedTrees(memoryRows(docs));
    const committed = await trees.at(docs[2]);
    for (const [id, seq] of [['a1', 2], ['a2', 2]] as const) {
      const outcome = await buildActionProof(committed, allEvents, id);
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.proof.events, streams.get(id)!.slice(0, seq));
      const check = await verifyActionProof(outcome.proof, keys);
      assert.ok(check.ok, JSON.stringify(check));
      assert.equal(check.checkpoint.number, 3);
    }
  });

  it('given an action no checkpoint covers, then it is not covered', async () => {
    const committed = await new CommittedTrees(memoryRows(docs)).at(docs[2]);
    const outcome = await buildActionProof(committed, allEvents, 'a3');
    assert.deepEqual(outcome.ok ? 'ok' : outcome.reason, 'not-covered');
  });

  it('given a read model behind the checkpoint, then its events are behind, not a proof', async () => {
    const committed = await new CommittedTrees(memoryRows(docs)).at(docs[2]);
    const outcome = await buildActionProof(committed, memoryRows(stored(streams.get('a2')!.slice(0, 1))), 'a2');
    assert.deepEqual(outcome.ok ? 'ok' : outcome.reason, 'events-behind');
  });

  it('given a tree built for checkpoint 2, when checkpoint 3 arrives, then it moves on reading checkpoint 3 alone, and the same checkpoint is served from memory', async () => {
    const rows = memoryRows(docs);
    const trees = new CommittedTrees(rows);
    const second = await trees.at(docs[1]);
    assert.equal(second.tree.leaf('a2')?.head.seq, 1);
    const readsBefore = rows.reads.length;
    const third = await trees.at(docs[2]);
    assert.deepEqual(rows.reads.slice(readsBefore), [1]);
    assert.equal(third.tree.leaf('a2')?.head.seq, 2);
    assert.equal(await trees.at(docs[2]), third);
    assert.equal(await trees.at(docs[1]), third, 'an older latest is answered with the newer tree');
    assert.equal(rows.reads.length, readsBefore + 1);
  });

  it('given concurrent callers for one checkpoint, then one tree is built for all of them', async () => {
    const rows = memoryRows(docs);
    const trees = new CommittedTrees(rows);
    const [a, b] = await Promise.all([trees.at(docs[2]), trees.at(docs[2])]);
    assert.equal(a, b);
    assert.equal(rows.reads.length, 1);
  });

  it('given a checkpoint missing from the read model, then no tree is built over the gap', async () => {
    await assert.rejects(new CommittedTrees(memoryRows([docs[0], docs[2]])).at(docs[2]), MissingCheckpoint);
  });

  it('given a changed list altered in the read model, then the heads do not give the signed root and no tree is served', async () => {
    const altered = structuredClone(docs);
    altered[1].event.data.changed[0].seq = 1;
    await assert.rejects(new CommittedTrees(memoryRows(altered)).at(altered[2]), CommittedHeadsMismatch);
  });

  it('a stored event reads back as written on the log', () => {
    const e = streams.get('a1')![0];
    assert.deepEqual(storedAsWritten(stored([e])[0]), e);
  });
});
