import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateKeyPair } from 'jose';
import type { EventEnvelope } from '../envelope.ts';
import { computeEventHash } from '../hash-chain.ts';
import type { CheckpointSignedData } from './checkpoint-event.ts';
import { EvidenceWriter, minute, rechain, replaceCheckpointData, resign, type EvidenceLog, type FixtureKeys } from './evidence-fixture.ts';
import { verifyEvidence } from './verify-evidence.ts';
import type { FindingCode } from './verify-log.ts';

const [A, B, X] = await Promise.all([0, 1, 2].map(() => generateKeyPair('EdDSA', { crv: 'Ed25519' })));
const STREAMS = ['a', 'b', 'c', 'd', 'e'];

/** Keys rotating at `rotation` (minutes): checkpoints before it are signed by cp-a, after it by cp-b. */
function keysRotatingAt(rotation: number): FixtureKeys {
  return {
    keys: new Map([
      ['cp-a', { publicKey: A.publicKey, notBefore: minute(0), notAfter: minute(rotation) }],
      ['cp-b', { publicKey: B.publicKey, notBefore: minute(rotation) }],
    ]),
    signers: { 'cp-a': A.privateKey, 'cp-b': B.privateKey },
  };
}

type Op = { write: number; n: number } | 'checkpoint';
const ops = fc.array(fc.oneof(fc.record({ write: fc.nat(STREAMS.length - 1), n: fc.integer({ min: 1, max: 3 }) }), fc.constant('checkpoint' as const)), { minLength: 1, maxLength: 24 });

/** Checkpoint i (from 1) is signed at minute 10·i; the keys rotate at minute 10·r + 5. */
async function build(list: Op[], rotateAfter: number) {
  const fixture = keysRotatingAt(rotateAfter * 10 + 5);
  const w = new EvidenceWriter(fixture);
  let number = 0;
  for (const op of list) {
    if (op === 'checkpoint') await w.checkpoint(10 * ++number);
    else w.write(STREAMS[op.write], op.n);
  }
  return { log: { events: w.events, checkpoints: w.checkpoints } as EvidenceLog, committed: w.committedHeads(), fixture };
}

/** The events in an interleaving of streams picked by `seed`, each stream kept in seq order. */
function interleave(events: EventEnvelope[], seed: number): EventEnvelope[] {
  const queues = STREAMS.map((id) => events.filter((e) => e.streamId === id));
  const out: EventEnvelope[] = [];
  let s = seed;
  while (queues.some((q) => q.length > 0)) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const open = queues.filter((q) => q.length > 0);
    out.push(open[s % open.length].shift()!);
  }
  return out;
}

const verify = (log: EvidenceLog, fixture: FixtureKeys, seed: number, roots: 'every' | 'last' = 'every') =>
  verifyEvidence({ checkpoints: log.checkpoints, events: interleave(log.events, seed), keys: fixture.keys, log: 'test', scope: 'complete', roots });

describe('verifyEvidence, for random logs and checkpoint sequences', () => {
  it('an untampered log verifies in any interleaving, across a key rotation, covered and tail adding up to the log', async () => {
    await fc.assert(fc.asyncProperty(ops, fc.nat(5), fc.nat(), async (list, rotateAfter, seed) => {
      const { log, committed, fixture } = await build(list, rotateAfter);
      const v = await verify(log, fixture, seed);
      assert.equal(v.verdict, 'verified', JSON.stringify(v.findings));
      assert.deepEqual(v.findings.map((f) => f.code), v.tail.events > 0 ? ['uncovered-tail'] : []);
      assert.equal(v.covered.events + v.tail.events, log.events.length);
      assert.equal(v.covered.events, [...committed.values()].reduce((n, h) => n + h.seq, 0));
      assert.equal(v.checkpoint?.number, log.checkpoints.length || undefined);
    }), { numRuns: 40 });
  });

  it('each tampering is detected and named', async () => {
    const tampers = ['edit', 'edit-rehash', 'delete-event', 'delete-stream', 'reorder', 'insert', 'truncate', 'forge', 'outside-validity', 'drop-checkpoint', 'edit-changed'] as const;
    await fc.assert(fc.asyncProperty(ops, fc.nat(5), fc.nat(), fc.constantFrom(...tampers), fc.nat(), async (list, rotateAfter, seed, tamper, pick) => {
      const { log, committed, fixture } = await build(list, rotateAfter);
      const t = await tamperWith(log, committed, fixture, tamper, pick);
      if (!t) return; // not applicable to this log (e.g. nothing covered yet)
      const v = await verify(t.log, fixture, seed);
      assert.equal(v.verdict, 'failed', tamper);
      const codes = v.findings.filter((f) => f.severity === 'error').map((f) => f.code);
      assert.ok(codes.some((c) => t.expect.includes(c)), `${tamper}: expected ${t.expect.join('|')}, got ${codes.join(', ')}`);
    }), { numRuns: 120 });
  });

  it('with only the last root recomputed (the start-up check), an untampered log gives the same verdict, and every tampering still fails', async () => {
    const tampers = ['edit', 'edit-rehash', 'delete-event', 'delete-stream', 'reorder', 'insert', 'truncate', 'forge', 'outside-validity', 'drop-checkpoint', 'edit-changed'] as const;
    await fc.assert(fc.asyncProperty(ops, fc.nat(5), fc.nat(), fc.constantFrom(...tampers), fc.nat(), async (list, rotateAfter, seed, tamper, pick) => {
      const { log, committed, fixture } = await build(list, rotateAfter);
      const [every, last] = await Promise.all([verify(log, fixture, seed), verify(log, fixture, seed, 'last')]);
      assert.deepEqual(last, every);
      const t = await tamperWith(log, committed, fixture, tamper, pick);
      if (!t) return;
      const v = await verify(t.log, fixture, seed, 'last');
      assert.equal(v.verdict, 'failed', `${tamper}: ${JSON.stringify(v.findings)}`);
    }), { numRuns: 120 });
  });
});

type Tampered = { log: EvidenceLog; expect: FindingCode[] } | undefined;

async function tamperWith(log: EvidenceLog, committed: Map<string, { seq: number }>, fixture: FixtureKeys, tamper: string, pick: number): Promise<Tampered> {
  const events = structuredClone(log.events);
  const covered = events.filter((e) => e.seq <= (committed.get(e.streamId)?.seq ?? 0));
  const choose = <T>(list: T[]): T | undefined => list[pick % Math.max(1, list.length)];
  const streamOf = (id: string) => events.filter((e) => e.streamId === id);
  const at = (e: EventEnvelope) => events.indexOf(e);
  const target = choose(covered);
  const edit = (e: EventEnvelope) => ((e.data as { reason: string }).reason = 'edited');
  switch (tamper) {
    case 'edit':
      if (!target) return undefined;
      edit(target);
      return { log: { ...log, events }, expect: ['event-edited'] };
    case 'edit-rehash': {
      if (!target) return undefined;
      edit(target);
      rechain(streamOf(target.streamId).filter((e) => e.seq >= target.seq));
      return { log: { ...log, events }, expect: ['head-mismatch'] };
    }
    case 'delete-event': {
      if (!target) return undefined;
      const last = target.seq === Math.max(...streamOf(target.streamId).map((e) => e.seq));
      events.splice(at(target), 1);
      return { log: { ...log, events }, expect: last ? ['truncated', 'stream-deleted'] : ['chain-broken'] };
    }
    case 'delete-stream': {
      const id = choose([...committed.keys()]);
      return id === undefined ? undefined : { log: { ...log, events: events.filter((e) => e.streamId !== id) }, expect: ['stream-deleted'] };
    }
    case 'reorder': {
      const e = choose(covered.filter((c) => streamOf(c.streamId).some((n) => n.seq === c.seq + 1)));
      if (!e) return undefined;
      const next = streamOf(e.streamId).find((n) => n.seq === e.seq + 1)!;
      const [i, j] = [at(e), at(next)];
      [events[i], events[j]] = [events[j], events[i]];
      return { log: { ...log, events }, expect: ['chain-broken'] };
    }
    case 'insert': {
      const e = choose(covered.filter((c) => c.seq < committed.get(c.streamId)!.seq));
      if (!e) return undefined;
      const extra = { ...structuredClone(e), id: 'inserted', seq: e.seq + 1, prevHash: e.hash };
      extra.hash = computeEventHash(extra);
      events.splice(at(e) + 1, 0, extra);
      return { log: { ...log, events }, expect: ['chain-broken', 'head-mismatch'] };
    }
    case 'truncate': {
      const id = choose([...committed.keys()]);
      if (id === undefined) return undefined;
      const keep = pick % committed.get(id)!.seq;
      return { log: { ...log, events: events.filter((e) => e.streamId !== id || e.seq <= keep) }, expect: keep === 0 ? ['stream-deleted'] : ['truncated'] };
    }
    case 'forge': {
      const n = 1 + (pick % Math.max(1, log.checkpoints.length));
      if (log.checkpoints.length === 0) return undefined;
      return pick % 2 === 0
        ? { log: { ...(await resign(log, n, 'cp-x', X.privateKey)), events }, expect: ['unknown-key'] }
        : { log: { ...(await resign(log, n, 'cp-a', X.privateKey, { root: '0'.repeat(64) })), events }, expect: ['checkpoint-forged'] };
    }
    case 'outside-validity': {
      if (log.checkpoints.length === 0) return undefined;
      const n = 1 + (pick % log.checkpoints.length);
      const kid = (log.checkpoints[n - 1].data as CheckpointSignedData).checkpoint;
      const signedBy = JSON.parse(Buffer.from(kid.split('.')[0], 'base64url').toString()).kid as string;
      const other = signedBy === 'cp-a' ? 'cp-b' : 'cp-a';
      return { log: { ...(await resign(log, n, other, fixture.signers[other])), events }, expect: ['key-outside-validity'] };
    }
    case 'drop-checkpoint': {
      if (log.checkpoints.length < 2) return undefined;
      const n = pick % (log.checkpoints.length - 1);
      return { log: { events, checkpoints: log.checkpoints.filter((_, i) => i !== n) }, expect: ['checkpoint-chain-broken'] };
    }
    case 'edit-changed': {
      const n = choose(log.checkpoints.map((c, i) => ((c.data as CheckpointSignedData).changed.length > 0 ? i + 1 : 0)).filter((i) => i > 0));
      if (n === undefined) return undefined;
      const data = structuredClone(log.checkpoints[n - 1].data as CheckpointSignedData);
      const h = data.changed[pick % data.changed.length];
      h.hash = h.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      return { log: { ...replaceCheckpointData(log, n, data), events }, expect: ['heads-unproven'] };
    }
    default:
      throw new Error(`no tampering ${tamper}`);
  }
}
