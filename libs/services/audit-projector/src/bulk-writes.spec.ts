import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS, type ActionView, type AuditEntry } from '@countersign/audit';
import { contentHash, sealEvents, TOPICS, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore, type Collection, type Doc, type ReadModelStore } from '@countersign/readmodel';
import { Projector } from './projector.ts';

const T0 = Date.UTC(2026, 0, 1);
const paramsHash = contentHash({});
const router = { id: 'approval-router', kind: 'service' } as const;

/** A proposal, its evaluation asking for approval, bob's vote and the approval: 4 events. */
function streamOf(streamId: string): ActionEvent[] {
  const bodies: DomainEventBody[] = [
    { type: 'ActionProposed', data: { action: 'data.export', resource: 'prod/c', params: {}, paramsHash, requestHash: contentHash(streamId), requester: { id: 'agent', kind: 'agent', identities: [] } } },
    { type: 'ApprovalRequested', data: { rule: 'r', policyVersion: 'v1', quorum: 1, distinctGroups: false, groups: ['g'], eligible: ['bob'], eligibleGroups: { bob: ['g'] }, deadline: '2026-01-01T01:00:00.000Z' } },
    { type: 'VoteRecorded', data: { voter: 'bob', decision: 'approve', via: 'api' } },
    { type: 'ActionApproved', data: { rule: 'r', policyVersion: 'v1', paramsHash, reason: 'approved by bob', automatic: false, approvers: ['bob'] } },
  ];
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: b.type === 'ActionProposed' ? { id: 'agent', kind: 'agent' as const } : router })), {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId, now: () => new Date(T0 + 1000 * n++), newId: () => `evt-${streamId}-${n}`,
  }) as ActionEvent[];
}

/** Streams interleaved as the log delivers them (round robin), with offsets. */
function logOf(...streams: ActionEvent[][]): DeliveredRecord[] {
  const out: ActionEvent[] = [];
  for (let i = 0; i < Math.max(...streams.map((s) => s.length)); i += 1) for (const s of streams) if (s[i]) out.push(s[i]);
  return out.map((e, i) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(i), raw: JSON.stringify(e), value: e }));
}

/** A memory store that records every putMany and find per collection. */
function recording() {
  const memory = createMemoryReadModelStore();
  const calls: { op: 'putMany' | 'find' | 'get'; collection: string; ids: string[] }[] = [];
  const store: ReadModelStore = {
    durable: false,
    close: () => memory.close(),
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      const inner = memory.collection<T>(name);
      return {
        ...inner,
        get: async (id) => { calls.push({ op: 'get', collection: name, ids: [id] }); return inner.get(id); },
        find: async (filter, options) => { calls.push({ op: 'find', collection: name, ids: [] }); return inner.find(filter, options); },
        putMany: async (docs, options) => { calls.push({ op: 'putMany', collection: name, ids: docs.map((d) => d._id) }); await inner.putMany(docs, options); },
      };
    },
  };
  const projector = new Projector({ store, now: () => new Date(T0), warn: () => {} });
  return { projector, calls, memory, actions: memory.collection<ActionView>(COLLECTIONS.actions), audit: memory.collection<AuditEntry>(COLLECTIONS.audit) };
}

describe('projector: one bulk write per batch per collection', () => {
  it('given a batch of 3 interleaved streams, each collection is read at most once and written once, each document once', async () => {
    const { projector, calls } = recording();
    await projector.project(logOf(streamOf('a'), streamOf('b'), streamOf('c')));
    const writes = calls.filter((c) => c.op === 'putMany');
    assert.deepEqual(writes.map((c) => c.collection).sort(), [COLLECTIONS.actions, COLLECTIONS.audit, COLLECTIONS.events, COLLECTIONS.checkpoints].sort());
    assert.deepEqual(writes.find((c) => c.collection === COLLECTIONS.actions)?.ids, ['a', 'b', 'c']);
    assert.equal(writes.find((c) => c.collection === COLLECTIONS.audit)?.ids.length, 12);
    assert.deepEqual(calls.filter((c) => c.op !== 'putMany' && c.collection === COLLECTIONS.actions).map((c) => c.op), ['find']);
  });

  it('given a batch delivered again after later ones, no view goes back and nothing is listed twice', async () => {
    const { projector, actions, audit } = recording();
    const log = logOf(streamOf('a'), streamOf('b'));
    const [early, late] = [log.slice(0, 4), log.slice(4)];
    await projector.project(early);
    await projector.project(late);
    const settled = { views: await actions.find({}, { sort: { _id: 1 } }), rows: await audit.find({}, { sort: { _id: 1 } }) };
    await projector.project(early);
    await projector.project(log.slice(2, 6));
    assert.deepEqual(await actions.find({}, { sort: { _id: 1 } }), settled.views);
    assert.deepEqual(await audit.find({}, { sort: { _id: 1 } }), settled.rows);
    assert.deepEqual(settled.views.map((v) => [v._id, v.status, v.lastSeq, v.votes.length]), [['a', 'approved', 4, 1], ['b', 'approved', 4, 1]]);
  });

  it('given a second projector that still holds an old view (a hand-over), its late write does not take the view back', async () => {
    const { projector, memory, actions } = recording();
    const log = logOf(streamOf('a'));
    await projector.project(log.slice(0, 2));
    const behind = new Projector({ store: memory, now: () => new Date(T0), warn: () => {} });
    const stale = (await actions.get('a'))!;
    await projector.project(log.slice(2));
    // What the other projector would write from its stale view: the vote, but not the approval.
    await actions.putMany([{ ...stale, lastSeq: 3, status: 'pending' }], { versionField: 'lastSeq' });
    await behind.project(log.slice(2, 3));
    assert.deepEqual([(await actions.get('a'))?.status, (await actions.get('a'))?.lastSeq], ['approved', 4]);
  });

  it('the checkpoint never moves back when an older batch is delivered again', async () => {
    const { projector, memory } = recording();
    const log = logOf(streamOf('a'), streamOf('b'));
    await projector.project(log);
    await projector.project(log.slice(0, 3));
    assert.equal((await memory.collection(COLLECTIONS.checkpoints).get(`${TOPICS.events}:0`))?.offset, 8);
  });
});
