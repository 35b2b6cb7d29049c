import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditEntryId } from '@countersign/audit';
import {
  checkpointHash, computeEventHash, GENESIS_HASH, sealEvents, type CheckpointPayload, type CheckpointRead, type CheckpointSignedEvent, type EventEnvelope,
} from '@countersign/contracts';
import { caughtUpWith, checkCheckpoint, checkEventLinks, checkHeads, linkIds } from './integrity.ts';

const stream = (streamId: string, n: number): EventEnvelope[] => {
  let i = 0;
  return sealEvents(Array.from({ length: n }, (_, k) => ({ type: 'Noted', data: { k }, actor: { id: 'approval-router', kind: 'service' as const } })), {
    streamId, causationId: 'c', correlationId: 'c', now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, i++)), newId: () => `${streamId}-${i}`,
  });
};
const hashes = (events: EventEnvelope[]) => new Map(events.map((e) => [auditEntryId(e.streamId, e.seq), e.hash]));
const kinds = (found: Array<{ kind: string; streamId?: string; seq?: number }>) => found.map((m) => `${m.kind} ${m.streamId ?? ''}#${m.seq ?? ''}`);

describe('event links as events are projected', () => {
  const a = stream('a', 4);

  it('given a stream projected in two batches, when each batch is checked against what was stored, then nothing is found', () => {
    assert.deepEqual(checkEventLinks(a.slice(0, 2), new Map()), []);
    assert.deepEqual(checkEventLinks(a.slice(2), hashes(a.slice(0, 2))), []);
    assert.deepEqual(checkEventLinks(a, hashes(a)), [], 'a redelivery of what is stored');
  });

  it('given an event edited without its hash, then it is named edited', () => {
    const edited = { ...a[1], data: { k: 99 } };
    assert.deepEqual(kinds(checkEventLinks([a[0], edited], new Map())), ['event-edited a#2']);
  });

  it('given an event replaced with recomputed hashes, then the next one does not link to it', () => {
    const replaced = { ...a[1], data: { k: 99 } };
    replaced.hash = computeEventHash(replaced);
    assert.deepEqual(kinds(checkEventLinks([a[0], replaced, a[2]], new Map())), ['chain-broken a#3']);
  });

  it('given the log rewritten under the projector, when a different event comes at a stored seq, then it is named', () => {
    const other = { ...a[2], data: { k: 7 } };
    other.hash = computeEventHash(other);
    assert.deepEqual(kinds(checkEventLinks([other], hashes(a.slice(0, 3)))), ['chain-broken a#3']);
  });

  it('given a first event that does not start from genesis, then it does not link', () => {
    const first = { ...a[0], prevHash: 'f'.repeat(64) };
    first.hash = computeEventHash(first);
    assert.deepEqual(kinds(checkEventLinks([first], new Map())), ['chain-broken a#1']);
  });

  it('given a projector that starts mid-stream (nothing stored before), then what it cannot see is not judged', () => {
    assert.deepEqual(checkEventLinks(a.slice(2), new Map()), []);
  });

  it('the rows a batch needs are its own seqs and those before them, less what the known heads answer', () => {
    assert.deepEqual(linkIds(a.slice(1, 3)).sort(), [auditEntryId('a', 1), auditEntryId('a', 2), auditEntryId('a', 3)]);
    assert.deepEqual(linkIds(a.slice(1, 3), new Map([['a', { seq: 1, hash: a[0].hash }]])), [], 'the next events of a stream seen last at seq 1');
    assert.deepEqual(linkIds([a[1]], new Map([['a', { seq: 3, hash: a[2].hash }]])), [auditEntryId('a', 2), auditEntryId('a', 1)], 'a seq seen before: its stored row');
  });
});

const payload: CheckpointPayload = { v: 1, log: 't', number: 2, at: '2026-01-15T00:00:00.000Z', streams: 1, root: 'a'.repeat(64), positions: {}, prev: 'b'.repeat(64) };
const checkpointEvent = (data: Partial<CheckpointSignedEvent['data']> = {}): CheckpointSignedEvent => ({
  id: 'cp', type: 'CheckpointSigned', schemaVersion: 1, streamId: 'countersign.checkpoints', seq: 2, occurredAt: payload.at, actor: { id: 'x', kind: 'service' },
  causationId: 'c', correlationId: 'c', prevHash: GENESIS_HASH, hash: 'c'.repeat(64),
  data: { checkpoint: 'h.p.s', number: 2, root: payload.root, streams: 1, prev: payload.prev, changed: [], ...data },
});
const verified: CheckpointRead = { ok: true, payload, kid: 'k', hash: checkpointHash(payload) };

describe('a checkpoint as it is stored', () => {
  it('given a verified checkpoint following the stored one, then nothing is found', () => {
    assert.deepEqual(checkCheckpoint(checkpointEvent(), verified, { number: 1, hash: 'b'.repeat(64) }), []);
  });

  it('given a signature that does not verify, then it is named with the reader\'s reason', () => {
    const found = checkCheckpoint(checkpointEvent(), { ok: false, failure: 'bad-signature', detail: 'no' }, { number: 1, hash: 'b'.repeat(64) });
    assert.deepEqual(found, [{ kind: 'checkpoint-signature', checkpoint: 2, detail: 'bad-signature: no' }]);
  });

  it('given event data that says other than the signed payload, then the fields are named', () => {
    const found = checkCheckpoint(checkpointEvent({ root: 'd'.repeat(64), streams: 5 }), verified, { number: 1, hash: 'b'.repeat(64) });
    assert.deepEqual(found.map((m) => [m.kind, m.detail]), [['checkpoint-data', 'the event\'s root, streams differ from the signed payload\'s']]);
  });

  it('given a prev that is not the stored checkpoint\'s hash, or no checkpoint before it, then the chain is broken', () => {
    assert.deepEqual(checkCheckpoint(checkpointEvent(), verified, { number: 1, hash: 'e'.repeat(64) }).map((m) => m.kind), ['checkpoint-chain']);
    assert.deepEqual(checkCheckpoint(checkpointEvent(), verified, undefined).map((m) => m.kind), ['checkpoint-chain']);
    assert.deepEqual(checkCheckpoint(checkpointEvent({ number: 1 }), undefined, undefined).map((m) => m.kind), ['checkpoint-chain'], 'checkpoint 1 not from genesis');
  });

  it('given no keys in this process, then the signature is not judged, and the chain is checked where hashes are known', () => {
    assert.deepEqual(checkCheckpoint(checkpointEvent(), undefined, { number: 1 }), []);
  });
});

describe('a checkpoint\'s heads against the stored events', () => {
  const a = stream('a', 3);
  const heads = [{ streamId: 'a', seq: 3, hash: a[2].hash }];

  it('given the event stored at each head, then nothing is found', () => {
    assert.deepEqual(checkHeads(4, heads, hashes(a), true), { mismatches: [], pending: 0 });
  });

  it('given another event stored at a head\'s seq, then the head does not match', () => {
    const found = checkHeads(4, [{ ...heads[0], hash: 'f'.repeat(64) }], hashes(a), true);
    assert.deepEqual(kinds(found.mismatches), ['head-mismatch a#3']);
  });

  it('given a head not stored, when the projector has not read as far as the checkpoint, then it is pending, not an alarm', () => {
    assert.deepEqual(checkHeads(4, heads, hashes(a.slice(0, 2)), false), { mismatches: [], pending: 1 });
  });

  it('given a head not stored, when the projector has read past the checkpoint, then it is missing', () => {
    assert.deepEqual(kinds(checkHeads(4, heads, hashes(a.slice(0, 2)), true).mismatches), ['head-missing a#3']);
  });

  it('caught up means every partition of the events topic the checkpoint lists is projected that far', () => {
    const projected = new Map([['countersign.events:0', 10], ['countersign.events:1', 4]]);
    assert.equal(caughtUpWith({ 'countersign.events/0': 10, 'countersign.events/1': 4 }, projected, 'countersign.events'), true);
    assert.equal(caughtUpWith({ 'countersign.events/0': 11 }, projected, 'countersign.events'), false);
    assert.equal(caughtUpWith({ 'countersign.events/2': 1 }, projected, 'countersign.events'), false);
    assert.equal(caughtUpWith({ 'other/0': 99 }, projected, 'countersign.events'), false, 'no position of the topic: never caught up');
    assert.equal(caughtUpWith({}, projected, 'countersign.events'), false);
  });
});
