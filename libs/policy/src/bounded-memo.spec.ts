import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundedMemo } from './bounded-memo.ts';

describe('bounded memo', () => {
  it('computes each key once, remembers undefined answers too, and starts again empty past its limit', () => {
    const computed: string[] = [];
    const memo = boundedMemo(2, (key) => (computed.push(key), key === 'none' ? undefined : key.length));
    assert.equal(memo('ab'), 2);
    assert.equal(memo('ab'), 2);
    assert.equal(memo('none'), undefined);
    assert.equal(memo('none'), undefined);
    assert.deepEqual(computed, ['ab', 'none']);
    memo('xyz');
    memo('ab');
    assert.deepEqual(computed, ['ab', 'none', 'xyz', 'ab']);
  });
});
