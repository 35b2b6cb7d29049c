import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, contentHash, GENESIS_HASH, sealEvents, validateEvent, verifyChain } from './index.ts';

const actor = { id: 'alice', kind: 'human' as const };
const cancelled = (reason: string) => ({
  type: 'ActionCancelled' as const,
  actor,
  data: { rule: 'r1', policyVersion: 'v1', paramsHash: contentHash({}), reason, cancelledBy: 'alice' },
});
function seal(n: number) {
  let i = 0;
  return sealEvents(Array.from({ length: n }, (_, k) => cancelled(`r${k}`)), {
    streamId: 'act-1', causationId: 'cmd-1', correlationId: 'act-1',
    now: () => new Date('2026-01-01T00:00:00Z'), newId: () => `evt-${i++}`,
  });
}

describe('hash chain', () => {
  it('canonical JSON follows RFC 8785 key ordering and number form', () => {
    assert.equal(canonicalJson({ b: 1, a: [1e21, 0.5, 'x'] }), '{"a":[1e+21,0.5,"x"],"b":1}');
  });

  it('given sealed events, the chain verifies and every event validates', () => {
    const events = seal(3);
    assert.equal(events[0].prevHash, GENESIS_HASH);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3]);
    assert.equal(events[1].prevHash, events[0].hash);
    assert.deepEqual(verifyChain(events), { ok: true, head: { seq: 3, hash: events[2].hash } });
    for (const e of events) assert.equal(validateEvent(e).ok, true);
  });

  it('when a field is altered, verification names the event', () => {
    const events = seal(3);
    const tampered = [events[0], { ...events[1], data: { ...(events[1].data as object), reason: 'edited' } }, events[2]];
    assert.deepEqual(verifyChain(tampered), { ok: false, seq: 2, problem: 'hash does not match the content' });
  });

  it('when an event is removed, verification reports the gap', () => {
    const events = seal(3);
    const result = verifyChain([events[0], events[2]]);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.problem : '', /expected seq 2/);
  });

  it('sealing continues from a given head', () => {
    const first = seal(1);
    const next = sealEvents([cancelled('again')], {
      streamId: 'act-1', head: { seq: 1, hash: first[0].hash }, causationId: 'c', correlationId: 'c',
      now: () => new Date(), newId: () => 'evt-x',
    });
    assert.equal(verifyChain([...first, ...next]).ok, true);
  });
});
