import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { headsRoot, type StreamHead } from './merkle.ts';
import { AccumulatedRoot } from './verify-evidence-roots.ts';

const head = fc.record({ streamId: fc.string({ minLength: 1, maxLength: 6 }), seq: fc.integer({ min: 1, max: 9 }), hash: fc.stringMatching(/^[0-9a-f]{64}$/) });

describe('AccumulatedRoot', () => {
  it('after any sequence of head changes in any batches, its root is headsRoot over the latest head of every stream', () => {
    fc.assert(fc.property(fc.array(fc.array(head, { maxLength: 8 }), { maxLength: 8 }), (batches) => {
      const roots = new AccumulatedRoot();
      const latest = new Map<string, StreamHead>();
      for (const batch of batches) {
        for (const h of batch) {
          roots.set(h);
          latest.set(h.streamId, h);
        }
        assert.equal(roots.root(), headsRoot(latest.values()));
        assert.equal(roots.size, latest.size);
      }
    }), { numRuns: 200 });
  });
});
