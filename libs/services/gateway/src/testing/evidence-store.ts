/**
 * Test fixture (specs only): a read model as the projector leaves it after a few actions and
 * signed checkpoints, with the checkpoint key's public JWK Set.
 */
import {
  checkpointHash, checkpointJwk, CHECKPOINT_STREAM_ID, GENESIS_HASH, headsRoot, sealEvents, signCheckpoint,
  type CheckpointPayload, type CheckpointSignedData, type EventEnvelope, type StreamHead,
} from '@countersign/contracts';
import { auditEntryId, COLLECTIONS, signedCheckpointId, type AuditEntry, type PolicyDocument, type SignedCheckpointDoc, type StoredEvent } from '@countersign/audit';
import { createMemoryReadModelStore, type ReadModelStore } from '@countersign/readmodel';
import { exportJWK, generateKeyPair } from 'jose';

export const T0 = Date.UTC(2026, 0, 15);
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
export const VERSION_A = 'a'.repeat(64);
export const VERSION_B = 'b'.repeat(64);

export function stream(streamId: string, count: number, startSecond: number): EventEnvelope[] {
  let n = 0;
  const drafts = Array.from({ length: count }, (_, i) => ({
    type: i === 0 ? 'ActionProposed' : 'PolicyEvaluated',
    data: i === 0 ? { action: 'data.export' } : { policyVersion: VERSION_A, outcome: 'allow' },
    actor: { id: 'approval-router', kind: 'service' as const },
  }));
  return sealEvents(drafts, { streamId, causationId: `c-${streamId}`, correlationId: streamId, now: () => new Date(T0 + (startSecond + n) * 1000), newId: () => `${streamId}-e${++n}` });
}

const auditRow = (e: EventEnvelope): AuditEntry => ({
  _id: auditEntryId(e.streamId, e.seq), at: e.occurredAt, actionId: e.streamId, seq: e.seq, type: e.type, actor: e.actor.id, actorKind: e.actor.kind,
  action: 'data.export', resource: 'prod/x', requester: 'demo-agent', summary: `${e.type} of ${e.streamId}`, hash: e.hash, prevHash: e.prevHash,
});

/** Checkpoints as the projector stores them: each commits to every head given so far. */
async function checkpoints(steps: readonly StreamHead[][], signer: Parameters<typeof signCheckpoint>[1]): Promise<SignedCheckpointDoc[]> {
  const heads = new Map<string, StreamHead>();
  const docs: SignedCheckpointDoc[] = [];
  let prev = GENESIS_HASH;
  let head: { seq: number; hash: string } | undefined;
  for (const [i, step] of steps.entries()) {
    for (const h of step) heads.set(h.streamId, h);
    const number = i + 1;
    const when = at(600 + 60 * i);
    const payload: CheckpointPayload = { v: 1, log: 'test-log', number, at: when, streams: heads.size, root: headsRoot(heads.values()), positions: {}, prev };
    const data: CheckpointSignedData = { checkpoint: await signCheckpoint(payload, signer), number, root: payload.root, streams: payload.streams, prev, changed: step };
    const [event] = sealEvents([{ type: 'CheckpointSigned', data, actor: { id: 'audit-projector', kind: 'service' } }], {
      streamId: CHECKPOINT_STREAM_ID, ...(head ? { head } : {}), causationId: `cp-${number}`, correlationId: `cp-${number}`, now: () => new Date(when), newId: () => `cp-${number}`,
    }) as [EventEnvelope<'CheckpointSigned', CheckpointSignedData>];
    head = { seq: event.seq, hash: event.hash };
    prev = checkpointHash(payload);
    docs.push({ _id: signedCheckpointId(number), number, at: when, root: payload.root, streams: payload.streams, kid: signer.kid, event });
  }
  return docs;
}

const headOf = (events: EventEnvelope[], seq = events.length): StreamHead => ({ streamId: events[0].streamId, seq, hash: events[seq - 1].hash });

/**
 * Streams s1 (3 events, from second 0), s2 (2, from 100), s3 (2, from 200; after the last
 * checkpoint: uncovered). Checkpoint 1 covers s1 at seq 2; checkpoint 2 s1 at 3 and s2 at 2.
 * Policy A published at second 50, B at 150.
 */
export async function evidenceStore(): Promise<{ store: ReadModelStore; streams: Record<'s1' | 's2' | 's3', EventEnvelope[]>; jwks: { keys: ReturnType<typeof checkpointJwk>[] } }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const streams = { s1: stream('s1', 3, 0), s2: stream('s2', 2, 100), s3: stream('s3', 2, 200) };
  const store = createMemoryReadModelStore();
  const all = Object.values(streams).flat();
  await store.collection<StoredEvent>(COLLECTIONS.events).putMany(all.map((e) => ({ ...e, _id: auditEntryId(e.streamId, e.seq), eventId: e.id }) as unknown as StoredEvent));
  await store.collection<AuditEntry>(COLLECTIONS.audit).putMany(all.map(auditRow));
  const docs = await checkpoints([[headOf(streams.s1, 2)], [headOf(streams.s1), headOf(streams.s2)]], { kid: 'cp-1', privateKey });
  await store.collection<SignedCheckpointDoc>(COLLECTIONS.signedCheckpoints).putMany(docs);
  const policy = (version: string, second: number, text: string): PolicyDocument => {
    const publication = { actionId: `p-${second}`, eventId: `pe-${second}`, publishedAt: at(second), author: 'alice', approvers: ['bob'] };
    return { _id: version, version, files: [{ path: 'main.yaml', text }, { path: '../escape.yaml', text: 'x: 1\n' }], ...publication, publications: [publication] };
  };
  await store.collection<PolicyDocument>(COLLECTIONS.policies).putMany([policy(VERSION_A, 50, 'rules: a\n'), policy(VERSION_B, 150, 'rules: b\n')]);
  const { x } = await exportJWK(publicKey);
  return { store, streams, jwks: { keys: [checkpointJwk({ kid: 'cp-1', x: x!, notBefore: '2026-01-01T00:00:00.000Z' })] } };
}
