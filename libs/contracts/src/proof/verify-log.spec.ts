import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH } from '../envelope.ts';
import { actionProof, verifyActionProof } from './action-proof.ts';
import { EvidenceWriter, rotatingKeys } from './evidence-fixture.ts';
import { checkEvent, checkpointFailureCode, envelopeProblem, FindingList } from './verify-log.ts';

const fixture = await rotatingKeys();

describe('the verifier’s shared pieces', () => {
  it('given a stream in order, checkEvent finds nothing and moves the head on', () => {
    const w = new EvidenceWriter(fixture);
    const [a, b] = w.write('s', 2);
    const findings = new FindingList(10);
    const head = checkEvent(b, checkEvent(a, undefined, findings), findings);
    assert.deepEqual([head, findings.list], [{ seq: 2, hash: b.hash }, []]);
  });

  it('when an event skips a seq, repeats one or does not link, checkEvent names it under the code it is given', () => {
    const w = new EvidenceWriter(fixture);
    const [a, , c] = w.write('s', 3);
    const findings = new FindingList(10);
    checkEvent(c, { seq: a.seq, hash: a.hash }, findings);
    checkEvent(a, { seq: 2, hash: GENESIS_HASH }, findings, { code: 'checkpoint-chain-broken', checkpoint: 1 });
    checkEvent(a, { seq: 0, hash: c.hash }, findings);
    assert.deepEqual(findings.list.map((f) => [f.code, f.seq, f.checkpoint, /missing|out of order|prevHash/.exec(f.detail)?.[0]]), [
      ['chain-broken', 3, undefined, 'missing'], ['checkpoint-chain-broken', 1, 1, 'out of order'], ['chain-broken', 1, undefined, 'prevHash'],
    ]);
  });

  it('envelopeProblem refuses what hashing or linking could not rely on', () => {
    const [e] = new EvidenceWriter(fixture).write('s');
    assert.equal(envelopeProblem(e), undefined);
    for (const bad of [null, [], 'x', { ...e, streamId: '' }, { ...e, seq: 0 }, { ...e, seq: 1.5 }, { ...e, hash: 'AB' }, { ...e, prevHash: undefined }]) {
      assert.equal(typeof envelopeProblem(bad), 'string', JSON.stringify(bad));
    }
  });

  it('a key problem keeps its name; any other unreadable checkpoint is forged', () => {
    assert.deepEqual(['unknown-key', 'key-outside-validity', 'bad-signature', 'malformed-jws', 'wrong-log'].map((f) => checkpointFailureCode(f as never)),
      ['unknown-key', 'key-outside-validity', 'checkpoint-forged', 'checkpoint-forged', 'checkpoint-forged']);
  });

  it('an action proof verifies against its checkpoint, and fails when its events, path or checkpoint change', async () => {
    const w = new EvidenceWriter(fixture);
    w.write('s1', 2); w.write('s2', 3); w.write('s3', 1);
    await w.checkpoint(10);
    const jws = (w.checkpoints[0].data as { checkpoint: string }).checkpoint;
    const proof = actionProof({ checkpoint: jws, heads: w.committedHeads().values(), streamId: 's2', events: w.events.filter((e) => e.streamId === 's2') });
    const ok = await verifyActionProof(proof, fixture.keys);
    assert.ok(ok.ok && ok.head.seq === 3 && ok.checkpoint.number === 1);
    const edited = structuredClone(proof);
    (edited.events[0].data as { reason: string }).reason = 'edited';
    assert.equal(await verifyActionProof(edited, fixture.keys).then((r) => !r.ok && r.problem), 'chain');
    assert.equal(await verifyActionProof({ ...proof, path: proof.path.map((p, i) => (i === 0 ? p.replace(/^./, (ch) => (ch === '0' ? '1' : '0')) : p)) }, fixture.keys).then((r) => !r.ok && r.problem), 'inclusion');
    assert.equal(await verifyActionProof({ ...proof, events: proof.events.slice(0, -1) }, fixture.keys).then((r) => !r.ok && r.problem), 'inclusion');
    assert.equal(await verifyActionProof(proof, new Map()).then((r) => !r.ok && r.problem), 'checkpoint');
  });
});
