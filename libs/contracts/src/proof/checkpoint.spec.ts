import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompactSign, generateKeyPair } from 'jose';
import { GENESIS_HASH } from '../envelope.ts';
import { canonicalJson } from '../hash-chain.ts';
import { checkpointHash, readCheckpoint, signCheckpoint, type CheckpointPayload } from './checkpoint.ts';
import { EMPTY_TREE_ROOT } from './merkle.ts';

const a = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const keys = new Map([['cp-a', { publicKey: a.publicKey, notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-02-01T00:00:00.000Z' }]]);
const payload: CheckpointPayload = {
  v: 1, log: 'embedded', number: 1, at: '2026-01-15T00:00:00.000Z', streams: 0, root: EMPTY_TREE_ROOT, positions: { 'countersign.events/0': 0 }, prev: GENESIS_HASH,
};
const signRaw = (header: object, body: string, key = a.privateKey) => new CompactSign(new TextEncoder().encode(body)).setProtectedHeader(header as never).sign(key);
const header = { alg: 'EdDSA', kid: 'cp-a', typ: 'countersign-checkpoint+jws' };

describe('signed checkpoints', () => {
  it('given a signed checkpoint, reading it gives the payload, the kid and its hash', async () => {
    const read = await readCheckpoint(await signCheckpoint(payload, { kid: 'cp-a', privateKey: a.privateKey }), keys, { log: 'embedded' });
    assert.deepEqual(read, { ok: true, payload, kid: 'cp-a', hash: checkpointHash(payload) });
  });

  it('each way a checkpoint cannot be trusted is named', async () => {
    const good = await signCheckpoint(payload, { kid: 'cp-a', privateKey: a.privateKey });
    const failure = async (jws: string, options = {}) => {
      const read = await readCheckpoint(jws, keys, options);
      return read.ok ? 'ok' : read.failure;
    };
    assert.equal(await failure('not a jws'), 'malformed-jws');
    assert.equal(await failure(good + 'x'.repeat(70_000)), 'malformed-jws');
    assert.equal(await failure(await signRaw({ ...header, typ: 'countersign-proposal+jws' }, canonicalJson(payload))), 'wrong-header');
    assert.equal(await failure(await signRaw({ ...header, crit: ['b64'], b64: true }, canonicalJson(payload))), 'wrong-header');
    assert.equal(await failure(await signCheckpoint(payload, { kid: 'cp-x', privateKey: a.privateKey })), 'unknown-key');
    assert.equal(await failure(await signCheckpoint(payload, { kid: 'cp-a', privateKey: other.privateKey })), 'bad-signature');
    const [h, , s] = good.split('.');
    const edited = Buffer.from(canonicalJson({ ...payload, streams: 1 })).toString('base64url');
    assert.equal(await failure(`${h}.${edited}.${s}`), 'bad-signature');
    assert.equal(await failure(await signRaw(header, JSON.stringify({ ...payload, extra: 1 }))), 'not-a-checkpoint');
    assert.equal(await failure(await signRaw(header, JSON.stringify(payload, null, 1))), 'not-a-checkpoint');
    assert.equal(await failure(await signRaw(header, canonicalJson({ ...payload, at: '2026-01-15T00:00:00Z' }))), 'not-a-checkpoint');
    assert.equal(await failure(good, { log: 'production' }), 'wrong-log');
    assert.equal(await failure(await signCheckpoint({ ...payload, at: '2026-02-01T00:00:00.000Z' }, { kid: 'cp-a', privateKey: a.privateKey })), 'key-outside-validity');
    assert.equal(await failure(await signCheckpoint({ ...payload, at: '2025-12-31T23:59:59.999Z' }, { kid: 'cp-a', privateKey: a.privateKey })), 'key-outside-validity');
  });

  it('signing refuses a payload readers would refuse', async () => {
    await assert.rejects(signCheckpoint({ ...payload, number: 0 }, { kid: 'cp-a', privateKey: a.privateKey }), /not a checkpoint payload/);
  });
});
