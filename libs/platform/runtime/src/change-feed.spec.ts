import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChangeFeed } from './change-feed.ts';

describe('change feed', () => {
  it('given a listener that throws, the publisher never fails and the other listeners still hear of the change', () => {
    const errors: unknown[] = [];
    const feed = createChangeFeed((e) => errors.push(e));
    const heard: string[] = [];
    feed.subscribe(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const off = feed.subscribe((id) => heard.push(id));
    assert.doesNotThrow(() => feed.publish(['a', 'b']));
    assert.deepEqual(heard, ['a', 'b']);
    assert.equal(errors.length, 2);
    off();
    feed.publish(['c']);
    assert.deepEqual(heard, ['a', 'b']);
  });
});
