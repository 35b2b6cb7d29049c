import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH } from '../envelope.ts';
import { sealEvents } from '../hash-chain.ts';
import { validateEvent } from '../validation.ts';
import { CHECKPOINT_STREAM_ID, type CheckpointSignedData } from './checkpoint-event.ts';
import { validateCheckpointEvent } from './checkpoint-validation.ts';
import { EMPTY_TREE_ROOT } from './merkle.ts';

const data: CheckpointSignedData = {
  checkpoint: 'aaa.bbb.ccc', number: 1, root: EMPTY_TREE_ROOT, streams: 0, prev: GENESIS_HASH, changed: [],
};
const sealed = (d: unknown, streamId = CHECKPOINT_STREAM_ID, type = 'CheckpointSigned') => sealEvents([{ type, data: d, actor: { id: 'audit-projector', kind: 'service' } }], {
  streamId, causationId: 'c', correlationId: 'c', now: () => new Date('2026-01-01T00:00:00.000Z'), newId: () => 'id-1',
})[0];
const pointers = (value: unknown) => {
  const check = validateCheckpointEvent(value);
  return check.ok ? [] : check.errors.map((e) => e.pointer);
};

describe('validateCheckpointEvent', () => {
  it('given a CheckpointSigned event of the checkpoints stream at seq = number, when validated, then it passes as is', () => {
    const event = sealed(data);
    assert.deepEqual(validateCheckpointEvent(event), { ok: true, value: event });
  });

  it('given an action event validator, when it sees a checkpoint, then it refuses it (checkpoints are not action events)', () => {
    assert.equal(validateEvent(sealed(data)).ok, false);
  });

  it('given a malformed record, when validated, then the field at fault is named', () => {
    assert.deepEqual(pointers(sealed(data, 'some-action')), ['/streamId']);
    assert.deepEqual(pointers(sealed(data, CHECKPOINT_STREAM_ID, 'ActionProposed')), ['/type']);
    assert.deepEqual(pointers(sealed({ ...data, number: 2 })), ['/seq']);
    assert.deepEqual(pointers(sealed({ ...data, root: 'xyz' })), ['/data/root']);
    assert.deepEqual(pointers(sealed({ ...data, changed: [{ streamId: 'a', seq: 0, hash: GENESIS_HASH }] })), ['/data/changed/0/seq']);
    assert.deepEqual(pointers(sealed({ ...data, extra: true })), ['/data/extra']);
    assert.deepEqual(pointers({ ...sealed(data), hash: undefined }), ['/hash']);
    assert.equal(validateCheckpointEvent('not an object').ok, false);
  });
});
