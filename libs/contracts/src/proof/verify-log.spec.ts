import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, type CryptoKey } from 'jose';
import { GENESIS_HASH, type EventEnvelope } from '../envelope.ts';
import { computeEventHash, contentHash, sealEvents } from '../hash-chain.ts';
import { actionProof, verifyActionProof } from './action-proof.ts';
import { checkpointHash, signCheckpoint, type CheckpointPayload } from './checkpoint.ts';
import { headsRoot, type StreamHead } from './merkle.ts';
import { verifyLog, type LogEntry } from './verify-log.ts';

const A = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const B = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const ROTATION = '2026-01-01T00:02:30.000Z';
const keys = new Map([
  ['cp-a', { publicKey: A.publicKey, notBefore: '2026-01-01T00:00:00.000Z', notAfter: ROTATION }],
  ['cp-b', { publicKey: B.publicKey, notBefore: ROTATION }],
]);
const signers = { 'cp-a': A.privateKey, 'cp-b': B.privateKey };
const actor = { id: 'alice', kind: 'human' as const };

/** Seals `n` more events onto a stream, continuing from its head. */
function append(stream: EventEnvelope[], streamId: string, n: number): EventEnvelope[] {
  const last = stream.at(-1);
  let i = stream.length;
  const drafts = Array.from({ length: n }, (_, k) => ({ type: 'ActionCancelled', actor, data: { rule: 'r', policyVersion: 'v', paramsHash: contentHash({}), reason: `r${i + k}`, cancelledBy: 'alice' } }));
  const sealed = sealEvents(drafts, {
    streamId, causationId: 'c', correlationId: streamId, now: () => new Date('2026-01-01T00:00:00Z'), newId: () => `${streamId}-${i++}`,
    ...(last ? { head: { seq: last.seq, hash: last.hash } } : {}),
  });
  stream.push(...sealed);
  return sealed;
}

/**
 * A log as its writer would write it: events of s1..s3, then checkpoint 1 (key A), more events,
 * checkpoint 2 (A), more, checkpoint 3 (B, after A's retirement), and an uncovered tail.
 */
async function writeLog() {
  const streams: Record<string, EventEnvelope[]> = { s1: [], s2: [], s3: [], s4: [] };
  const entries: LogEntry[] = [];
  const heads = new Map<string, StreamHead>();
  let committed = new Map<string, StreamHead>();
  let prev: CheckpointPayload | undefined;
  const write = (id: string, n: number) => {
    for (const e of append(streams[id], id, n)) {
      entries.push({ kind: 'event', event: e });
      heads.set(id, { streamId: id, seq: e.seq, hash: e.hash });
    }
  };
  const checkpoint = async (kid: 'cp-a' | 'cp-b', at: string) => {
    const payload: CheckpointPayload = {
      v: 1, log: 'test', number: (prev?.number ?? 0) + 1, at, streams: heads.size, root: headsRoot(heads.values()),
      positions: { 'events/0': entries.length }, prev: prev ? checkpointHash(prev) : GENESIS_HASH,
    };
    const changed = [...heads.values()].filter((h) => committed.get(h.streamId)?.hash !== h.hash);
    entries.push({ kind: 'checkpoint', jws: await signCheckpoint(payload, { kid, privateKey: signers[kid] }), changed });
    committed = new Map(heads);
    prev = payload;
    return { payload, heads: [...heads.values()] };
  };
  write('s1', 3);
  write('s2', 2);
  write('s1', 1);
  write('s3', 2);
  const cp1 = await checkpoint('cp-a', '2026-01-01T00:01:00.000Z');
  write('s2', 2);
  write('s3', 1);
  const cp2 = await checkpoint('cp-a', '2026-01-01T00:02:00.000Z');
  write('s1', 2);
  const cp3 = await checkpoint('cp-b', '2026-01-01T00:03:00.000Z');
  write('s1', 1);
  write('s4', 2);
  return { entries, streams, cp: [cp1, cp2, cp3] };
}

const clone = (entries: LogEntry[]) => structuredClone(entries);
const eventIndex = (entries: LogEntry[], streamId: string, seq: number) =>
  entries.findIndex((e) => e.kind === 'event' && e.event.streamId === streamId && e.event.seq === seq);
const eventAt = (entries: LogEntry[], streamId: string, seq: number) => (entries[eventIndex(entries, streamId, seq)] as { event: EventEnvelope }).event;
const errors = async (entries: LogEntry[]) =>
  (await verifyLog({ entries, keys, log: 'test' })).findings.filter((f) => f.severity === 'error').map((f) => ({ code: f.code, streamId: f.streamId, seq: f.seq, checkpoint: f.checkpoint }));

describe('verifyLog', () => {
  it('given an untampered log across a key rotation, it verifies and reports the uncovered tail as a warning', async () => {
    const { entries } = await writeLog();
    const result = await verifyLog({ entries, keys, log: 'test' });
    assert.equal(result.verdict, 'verified');
    assert.deepEqual(result.covered, { events: 13, streams: 3 });
    assert.deepEqual(result.tail, { events: 3, streams: 1 });
    assert.deepEqual(result.findings.map((f) => [f.code, f.severity]), [['uncovered-tail', 'warning']]);
    assert.equal(result.checkpoint?.number, 3);
  });

  it('when an event is edited and its hash not recomputed, event-edited names it', async () => {
    const entries = clone((await writeLog()).entries);
    (eventAt(entries, 's2', 2).data as { reason: string }).reason = 'edited';
    assert.deepEqual(await errors(entries), [{ code: 'event-edited', streamId: 's2', seq: 2, checkpoint: undefined }]);
  });

  it('when an event is edited and the stream rehashed, the covered head no longer matches', async () => {
    const entries = clone((await writeLog()).entries);
    const s1 = entries.filter((e) => e.kind === 'event' && e.event.streamId === 's1').map((e) => (e as { event: EventEnvelope }).event);
    (s1[1].data as { reason: string }).reason = 'edited';
    let prevHash = s1[0].hash;
    for (const e of s1.slice(1)) {
      e.prevHash = prevHash;
      e.hash = computeEventHash(e);
      prevHash = e.hash;
    }
    assert.deepEqual(await errors(entries), [
      { code: 'head-mismatch', streamId: 's1', seq: 4, checkpoint: 1 },
      { code: 'head-mismatch', streamId: 's1', seq: 4, checkpoint: 2 },
      { code: 'head-mismatch', streamId: 's1', seq: 6, checkpoint: 3 },
    ]);
  });

  it('when an event is deleted, chain-broken names where the gap is', async () => {
    const entries = clone((await writeLog()).entries);
    entries.splice(eventIndex(entries, 's1', 5), 1);
    assert.deepEqual((await errors(entries))[0], { code: 'chain-broken', streamId: 's1', seq: 6, checkpoint: undefined });
  });

  it('when a whole stream is deleted, stream-deleted names it at every checkpoint that covered it', async () => {
    const entries = clone((await writeLog()).entries).filter((e) => e.kind !== 'event' || e.event.streamId !== 's3');
    assert.deepEqual(await errors(entries), [1, 2, 3].map((checkpoint) => ({ code: 'stream-deleted', streamId: 's3', seq: checkpoint === 1 ? 2 : 3, checkpoint })));
  });

  it('when two events of a stream are swapped, or one is inserted, chain-broken names them', async () => {
    const swapped = clone((await writeLog()).entries);
    const [i, j] = [eventIndex(swapped, 's2', 3), eventIndex(swapped, 's2', 4)];
    [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
    const found = await errors(swapped);
    assert.deepEqual(found.slice(0, 2), [{ code: 'chain-broken', streamId: 's2', seq: 4, checkpoint: undefined }, { code: 'chain-broken', streamId: 's2', seq: 3, checkpoint: undefined }]);

    const inserted = clone((await writeLog()).entries);
    const before = eventAt(inserted, 's3', 1);
    const extra = { ...before, id: 'forged', data: { ...(before.data as object), reason: 'inserted' }, seq: 2, prevHash: before.hash };
    extra.hash = computeEventHash(extra);
    inserted.splice(eventIndex(inserted, 's3', 1) + 1, 0, { kind: 'event', event: extra });
    assert.deepEqual((await errors(inserted))[0], { code: 'chain-broken', streamId: 's3', seq: 2, checkpoint: undefined });
  });

  it('when the tail a checkpoint covered is cut off, truncated names the stream and the covered seq', async () => {
    const entries = clone((await writeLog()).entries);
    entries.splice(eventIndex(entries, 's3', 3), 1); // s3's last event, covered by checkpoint 2
    assert.deepEqual(await errors(entries), [
      { code: 'truncated', streamId: 's3', seq: 3, checkpoint: 2 },
      { code: 'truncated', streamId: 's3', seq: 3, checkpoint: 3 },
    ]);
  });

  it('when the listed heads are missing, a changed log still fails as root-mismatch', async () => {
    const entries = clone((await writeLog()).entries).map((e) => (e.kind === 'checkpoint' ? { kind: 'checkpoint' as const, jws: e.jws } : e));
    entries.splice(eventIndex(entries, 's3', 3), 1);
    assert.deepEqual((await errors(entries)).map((f) => f.code), ['root-mismatch', 'root-mismatch']);
  });

  it('when a stream is added to the covered past, root-mismatch names it', async () => {
    const entries = clone((await writeLog()).entries);
    const added = append([], 's0', 1)[0];
    entries.unshift({ kind: 'event', event: added });
    assert.deepEqual((await errors(entries)).map((f) => [f.code, f.streamId, f.checkpoint]), [1, 2, 3].map((c) => ['root-mismatch', 's0', c]));
  });

  it('a checkpoint under an unknown key, a bad signature, a retired key after retirement, or a dropped checkpoint is named', async () => {
    const { entries } = await writeLog();
    const checkpoints = entries.flatMap((e, i) => (e.kind === 'checkpoint' ? [i] : []));
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()) as CheckpointPayload;
    const replace = async (index: number, kid: string, key: CryptoKey, edit: Partial<CheckpointPayload> = {}) => {
      const copy = clone(entries);
      const cp = copy[checkpoints[index]] as { jws: string };
      cp.jws = await signCheckpoint({ ...payloadOf(cp.jws), ...edit }, { kid, privateKey: key });
      return errors(copy);
    };
    assert.deepEqual((await replace(1, 'cp-x', other.privateKey)).slice(0, 1), [{ code: 'unknown-key', streamId: undefined, seq: undefined, checkpoint: 2 }]);
    assert.equal((await replace(1, 'cp-a', other.privateKey))[0].code, 'checkpoint-forged');
    assert.equal((await replace(2, 'cp-a', A.privateKey))[0].code, 'key-outside-validity');
    const dropped = clone(entries);
    dropped.splice(checkpoints[1], 1);
    assert.deepEqual((await errors(dropped)).map((f) => [f.code, f.checkpoint]).slice(0, 2), [['checkpoint-chain-broken', 2], ['checkpoint-chain-broken', 2]]);
  });

  it('an action proof verifies against its checkpoint, and fails when its events, path or checkpoint change', async () => {
    const { entries, cp } = await writeLog();
    const jws = (entries.filter((e) => e.kind === 'checkpoint')[1] as { jws: string }).jws;
    const s2 = entries.flatMap((e) => (e.kind === 'event' && e.event.streamId === 's2' ? [e.event] : []));
    const proof = actionProof({ checkpoint: jws, heads: cp[1].heads, streamId: 's2', events: s2 });
    const ok = await verifyActionProof(proof, keys);
    assert.ok(ok.ok && ok.head.seq === 4 && ok.checkpoint.number === 2);
    const edited = structuredClone(proof);
    (edited.events[0].data as { reason: string }).reason = 'edited';
    assert.deepEqual(await verifyActionProof(edited, keys).then((r) => !r.ok && r.problem), 'chain');
    assert.deepEqual(await verifyActionProof({ ...proof, path: proof.path.map((p, i) => (i === 0 ? p.replace(/^./, (c) => (c === '0' ? '1' : '0')) : p)) }, keys).then((r) => !r.ok && r.problem), 'inclusion');
    assert.deepEqual(await verifyActionProof({ ...proof, events: proof.events.slice(0, -1) }, keys).then((r) => !r.ok && r.problem), 'inclusion');
    assert.deepEqual(await verifyActionProof(proof, new Map()).then((r) => !r.ok && r.problem), 'checkpoint');
  });
});

