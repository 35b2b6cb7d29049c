import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHead, encodeHead, HEAD_VERSION } from './stream-head.ts';

// A principal's ledger holds their live passkeys beside their standing approvals (ADR 0009): its
// head on the heads topic carries them, and a router loading the partition trusts them only well formed.
const HASH = 'cd'.repeat(32);
const ledger = { kind: 'ledger', approvals: {}, passkeys: { 'Y3JlZC0x': { principal: 'alice', name: 'laptop' } } };

describe('ledger heads with passkeys', () => {
  it('given a ledger head with passkeys, when it is encoded and read back, then it is the same head', () => {
    const head = { seq: 4, hash: HASH, ledger } as never;
    const read = decodeHead(JSON.parse(JSON.stringify(encodeHead(head))));
    assert.ok(read.ok);
    assert.deepEqual(read.head, head);
  });

  it('given a ledger head whose passkey lacks its owner, when it is read, then the answer names the field', () => {
    const read = decodeHead({ v: HEAD_VERSION, seq: 4, hash: HASH, ledger: { ...ledger, passkeys: { x: { name: 'laptop' } } } });
    assert.ok(!read.ok);
    assert.match(read.error, /^head\.ledger\.passkeys\.x\.principal must be a string$/);
  });
});
