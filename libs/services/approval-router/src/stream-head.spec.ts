import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeHead, encodeHead, HEAD_VERSION } from './stream-head.ts';
import { decidedAction } from './testing/decided-actions.ts';

const decided = decidedAction('codec', 1, new Date('2026-01-01T00:00:00.000Z'));
const HASH = 'ab'.repeat(32);
const pending = {
  status: 'pending', handledCommands: ['c1'], proposal: { requester: { id: 'rita', kind: 'human', identities: [] } },
  evaluation: {}, request: { deadline: '2026-01-01T01:00:00.000Z', eligible: ['alice'] }, votes: [],
};

describe('stream head records', () => {
  it('given a settled head as the router writes it, when it is read back, then it is the same head', () => {
    const read = decodeHead(JSON.parse(JSON.stringify(decided.head)));
    assert.ok(read.ok);
    assert.deepEqual(encodeHead(read.head), decided.head);
    assert.equal(read.head.settled?.status, 'approved');
  });

  it('given the full state of an open action, when it is encoded and read back, then it is the same head', () => {
    const head = { seq: 3, hash: HASH, state: pending } as never;
    const read = decodeHead(JSON.parse(JSON.stringify(encodeHead(head))));
    assert.ok(read.ok);
    assert.deepEqual(read.head, head);
  });

  it('given a record that is not a head, when it is read, then the answer names the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^head must be an object$/],
      [[], /^head must be an object$/],
      [{ ...decided.head, v: 2 }, /^head\.v must be 1/],
      [{ ...decided.head, seq: 0 }, /^head\.seq must be a positive integer$/],
      [{ ...decided.head, seq: 1.5 }, /^head\.seq/],
      [{ ...decided.head, hash: HASH.toUpperCase() }, /^head\.hash must be 64 lowercase hex digits$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH }, /^head must have exactly one of state, settled and ledger$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, state: pending, settled: {} }, /exactly one of state, settled and ledger/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, settled: { ...(decided.head.settled as object), status: 'pending' } }, /^head\.settled\.status must be a final status$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, settled: { ...(decided.head.settled as object), voters: [1] } }, /^head\.settled\.voters must be an array of strings$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, settled: { ...(decided.head.settled as object), rejections: { bob: -1 } } }, /^head\.settled\.rejections\.bob must be a positive integer$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, settled: { ...(decided.head.settled as object), requester: { id: 'r', kind: 'robot', identities: [] } } }, /^head\.settled\.requester\.kind/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, settled: { ...(decided.head.settled as object), review: { reviewers: [], reviewGroups: [], approvedBy: 'a', due: 'x' } } }, /^head\.settled\.reviewedBy must be a string$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, state: { ...pending, status: 'weird' } }, /^head\.state\.status must be an approval status$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, state: { ...pending, request: { eligible: [] } } }, /^head\.state\.request\.deadline must be a string$/],
      [{ v: HEAD_VERSION, seq: 1, hash: HASH, state: { ...pending, votes: {} } }, /^head\.state\.votes must be an array$/],
    ];
    for (const [value, error] of cases) {
      const read = decodeHead(value);
      assert.ok(!read.ok, JSON.stringify(value));
      assert.match(read.error, error);
    }
  });

  it('given any JSON at all, when it is read as a head, then it is refused with a reason or accepted, never thrown', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const read = decodeHead(value);
      assert.ok(read.ok || read.error.startsWith('head'));
    }), { numRuns: 500 });
  });

  it('given a valid head with one field replaced by any JSON, when it is read, then it never throws', () => {
    const fields = ['v', 'seq', 'hash', 'settled'];
    fc.assert(fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
      const read = decodeHead({ ...decided.head, [field]: value });
      if (read.ok) assert.equal(read.head.seq > 0, true);
    }), { numRuns: 500 });
  });
});
