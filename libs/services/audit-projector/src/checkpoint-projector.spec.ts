import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from 'jose';
import { COLLECTIONS, findCheckpoints } from '@countersign/audit';
import {
  checkpointHash, CHECKPOINT_STREAM_ID, computeEventHash, contentHash, GENESIS_HASH, headsRoot, sealEvents, signCheckpoint, TOPICS,
  type ActionEvent, type CheckpointSignedEvent, type DomainEventBody, type StreamHead,
} from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { CheckpointProjector, type StoredCheckpoint } from './checkpoint-projector.ts';
import { Projector } from './projector.ts';

const key = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const forger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const keys = new Map([['cp-1', { publicKey: key.publicKey, notBefore: '2026-01-01T00:00:00.000Z' }]]);
const now = () => new Date('2026-01-15T01:00:00.000Z');

function action(streamId: string): ActionEvent[] {
  const paramsHash = contentHash({});
  const bodies: DomainEventBody[] = [
    { type: 'ActionProposed', data: { action: 'data.export', resource: 'r', params: {}, paramsHash, requestHash: contentHash(streamId), requester: { id: 'alice', kind: 'human', identities: [] } } },
    { type: 'ActionApproved', data: { rule: 'r', policyVersion: 'v1', paramsHash, reason: 'ok', automatic: true, approvers: [] } },
  ];
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: { id: 'alice', kind: 'human' as const } })), {
    streamId, causationId: 'c', correlationId: streamId, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, n++)), newId: () => `${streamId}-${n}`,
  }) as ActionEvent[];
}

let offset = 0;
const delivered = (events: ActionEvent[]): DeliveredRecord[] =>
  events.map((e) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(offset++), raw: JSON.stringify(e), value: e }));

/** Signed checkpoints in a chain; each step lists the heads that changed and how far the events topic was read. */
async function checkpoints(steps: Array<{ changed: StreamHead[]; read: number }>, signWith = key.privateKey): Promise<CheckpointSignedEvent[]> {
  const heads = new Map<string, StreamHead>();
  let prev = GENESIS_HASH;
  let head: { seq: number; hash: string } | undefined;
  const out: CheckpointSignedEvent[] = [];
  for (const [i, step] of steps.entries()) {
    for (const h of step.changed) heads.set(h.streamId, h);
    const number = i + 1;
    const payload = { v: 1 as const, log: 't', number, at: `2026-01-15T00:0${i}:00.000Z`, streams: heads.size, root: headsRoot(heads.values()), positions: { [`${TOPICS.events}/0`]: step.read }, prev };
    const data = { checkpoint: await signCheckpoint(payload, { kid: 'cp-1', privateKey: signWith }), number, root: payload.root, streams: payload.streams, prev, changed: step.changed };
    const [event] = sealEvents([{ type: 'CheckpointSigned', data, actor: { id: 'audit-projector', kind: 'service' } }], {
      streamId: CHECKPOINT_STREAM_ID, ...(head ? { head } : {}), causationId: 'c', correlationId: 'c', now: () => new Date(payload.at), newId: () => `cp-${number}`,
    });
    head = { seq: event.seq, hash: event.hash };
    prev = checkpointHash(payload);
    out.push(event as CheckpointSignedEvent);
  }
  return out;
}

const headOf = (events: ActionEvent[]): StreamHead => ({ streamId: events.at(-1)!.streamId, seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });

function setup() {
  offset = 0;
  const store = createMemoryReadModelStore();
  const projector = new Projector({ store, now, warn: () => undefined, checkLinks: true });
  const cps = new CheckpointProjector({ store, keys, now });
  const stored = () => store.collection<StoredCheckpoint>(COLLECTIONS.signedCheckpoints);
  return { store, projector, cps, stored };
}

describe('the projector stores and checks signed checkpoints', () => {
  const a1 = action('a1');
  const a2 = action('a2');

  it('given events projected, when a checkpoint over their heads is stored, then it is verified, listed, and nothing is raised', async () => {
    const { projector, cps, stored } = setup();
    await projector.projectEvents([...a1, ...a2], delivered([...a1, ...a2]));
    const [cp1, cp2] = await checkpoints([{ changed: [headOf(a1)], read: 2 }, { changed: [headOf(a2)], read: 4 }]);
    assert.deepEqual(await cps.project([cp1, cp2]), []);
    const docs = await stored().find({}, { sort: { _id: 1 } });
    assert.deepEqual(docs.map((d) => [d.number, d.integrity, d.kid]), [[1, 'verified', 'cp-1'], [2, 'verified', 'cp-1']]);
    assert.deepEqual((await findCheckpoints(stored(), { limit: 10 })).rows.map((d) => d.number), [1, 2]);
    assert.deepEqual(await cps.project([cp2]), [], 'a redelivery changes nothing');
  });

  it('given a checkpoint ahead of projection, then it is pending without an alarm, and verified once the events are projected', async () => {
    const { projector, cps, stored } = setup();
    const [cp1] = await checkpoints([{ changed: [headOf(a1)], read: 2 }]);
    assert.deepEqual(await cps.project([cp1]), []);
    assert.equal((await stored().get('000000000001'))?.integrity, 'pending');
    await projector.projectEvents(a1, delivered(a1));
    assert.deepEqual(await cps.recheck(), []);
    assert.equal((await stored().get('000000000001'))?.integrity, 'verified');
  });

  it('given a checkpoint left pending by an earlier process, when a new one projects the events, then it checks it too', async () => {
    const { store, projector, cps, stored } = setup();
    const [cp1] = await checkpoints([{ changed: [headOf(a1)], read: 2 }]);
    await cps.project([cp1]);
    const restarted = new CheckpointProjector({ store, keys, now });
    await projector.projectEvents(a1, delivered(a1));
    assert.deepEqual(await restarted.recheck(), []);
    assert.equal((await stored().get('000000000001'))?.integrity, 'verified');
    assert.deepEqual(await restarted.recheck(), [], 'nothing left pending');
  });

  it('given an event edited and its hashes recomputed, when the checkpoint that covered the original arrives, then the head mismatch is raised', async () => {
    const { projector, cps } = setup();
    const [cp1] = await checkpoints([{ changed: [headOf(a1)], read: 2 }]);
    const edited = structuredClone(a1);
    (edited[0].data as { params: unknown }).params = { rows: 1_000_000 };
    edited[0].hash = computeEventHash(edited[0]);
    edited[1].prevHash = edited[0].hash;
    edited[1].hash = computeEventHash(edited[1]);
    assert.deepEqual(await projector.projectEvents(edited, delivered(edited)), [], 'the chain alone still links');
    const alerts = await cps.project([cp1]);
    assert.deepEqual(alerts.map((a) => [a.type, a.kind, a.checkpoint, a.streamId, a.seq]), [['IntegrityMismatchDetected', 'head-mismatch', 1, 'a1', 2]]);
  });

  it('given a stream deleted from the log, when the projector has read past the checkpoint, then the missing head is raised', async () => {
    const { projector, cps } = setup();
    const [cp1, cp2] = await checkpoints([{ changed: [headOf(a1)], read: 2 }, { changed: [headOf(a2)], read: 4 }]);
    await projector.projectEvents(a1, delivered([...a1, ...a2])); // a2's records read, its events gone
    const alerts = await cps.project([cp1, cp2]);
    assert.deepEqual(alerts.map((a) => [a.kind, a.checkpoint, a.streamId]), [['head-missing', 2, 'a2']]);
  });

  it('given a checkpoint signed by another key, then its signature is raised and it is stored as a mismatch', async () => {
    const { projector, cps, stored } = setup();
    await projector.projectEvents(a1, delivered(a1));
    const [forged] = await checkpoints([{ changed: [headOf(a1)], read: 2 }], forger.privateKey);
    assert.deepEqual((await cps.project([forged])).map((a) => a.kind), ['checkpoint-signature']);
    assert.equal((await stored().get('000000000001'))?.integrity, 'mismatch');
  });

  it('given a checkpoint whose predecessor never arrived, then the broken chain is raised', async () => {
    const { projector, cps } = setup();
    await projector.projectEvents([...a1, ...a2], delivered([...a1, ...a2]));
    const [, cp2] = await checkpoints([{ changed: [headOf(a1)], read: 2 }, { changed: [headOf(a2)], read: 4 }]);
    assert.deepEqual((await cps.project([cp2])).map((a) => a.kind), ['checkpoint-chain']);
  });

  it('given raw records of the checkpoints topic (a rebuild), then CheckpointSigned events are stored and anything else is dead-lettered', async () => {
    const { projector, cps, stored } = setup();
    await projector.projectEvents(a1, delivered(a1));
    const [cp1] = await checkpoints([{ changed: [headOf(a1)], read: 2 }]);
    const record = (value: unknown, at: number): DeliveredRecord => ({ topic: TOPICS.checkpoints, key: CHECKPOINT_STREAM_ID, partition: 0, offset: String(at), raw: JSON.stringify(value), value });
    const { letters, alerts } = await cps.projectRecords([record(cp1, 0), record({ ...cp1, seq: 5 }, 1)]);
    assert.deepEqual(alerts, []);
    assert.equal(letters.length, 1);
    assert.match(JSON.stringify(letters[0].value), /\/seq must equal \/data\/number/);
    assert.equal((await stored().get('000000000001'))?.integrity, 'verified');
  });

  it('given a decided action projected, when another event at its last seq comes in a later batch, then the rewrite is found from what was projected', async () => {
    const { projector } = setup();
    await projector.projectEvents(a1, delivered(a1));
    const other = structuredClone(a1[1]);
    (other.data as { reason: string }).reason = 'approved by nobody';
    other.hash = computeEventHash(other);
    const found = await projector.projectEvents([other], delivered([other]));
    assert.deepEqual(found.map((m) => [m.kind, m.streamId, m.seq]), [['chain-broken', 'a1', 2]]);
    assert.deepEqual(await projector.projectEvents([a1[1]], delivered([a1[1]])), [], 'a plain redelivery');
  });

  it('given a store that forgets (the embedded default, which verifies its log before it serves), then links are not checked unless asked', async () => {
    const store = createMemoryReadModelStore();
    const edited = structuredClone(a1);
    (edited[1].data as { reason: string }).reason = 'edited';
    assert.deepEqual(await new Projector({ store, now, warn: () => undefined }).projectEvents(edited, delivered(edited)), []);
  });

  it('given an event edited in place on the log, when it is projected, then the projector says so and goes on', async () => {
    const { projector, store } = setup();
    const edited = structuredClone(a1);
    (edited[1].data as { reason: string }).reason = 'edited';
    const found = await projector.projectEvents(edited, delivered(edited));
    assert.deepEqual(found.map((m) => [m.kind, m.streamId, m.seq]), [['event-edited', 'a1', 2]]);
    assert.equal((await store.collection(COLLECTIONS.events).find({ streamId: 'a1' })).length, 2, 'still projected');
  });
});
