import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDuration, remaining, tickEvery } from './countdown.ts';

const NOW = Date.parse('2026-12-03T12:00:00.000Z');

describe('countdown', () => {
  it('given deadlines ahead, when formatted, then the two largest units are shown', () => {
    assert.deepEqual(remaining('2026-12-03T12:00:09.900Z', NOW), { text: '9 s left', urgent: true, over: false });
    assert.deepEqual(remaining('2026-12-03T12:04:09Z', NOW), { text: '4 min 09 s left', urgent: true, over: false });
    assert.deepEqual(remaining('2026-12-03T14:05:00Z', NOW), { text: '2 h 05 min left', urgent: false, over: false });
    assert.deepEqual(remaining('2026-12-05T15:00:00Z', NOW), { text: '2 d 03 h left', urgent: false, over: false });
  });

  it('given a deadline passed or malformed, when formatted, then it says so', () => {
    assert.deepEqual(remaining('2026-12-03T11:57:00Z', NOW), { text: 'overdue by 3 min 00 s', urgent: true, over: true });
    assert.equal(remaining('2026-12-03T12:00:00Z', NOW).over, true);
    assert.equal(remaining('not a date', NOW).text, 'no valid deadline');
  });

  it('given the time left, when the redraw interval is chosen, then it is a second within the hour', () => {
    assert.equal(tickEvery('2026-12-03T12:30:00Z', NOW), 1000);
    assert.equal(tickEvery('2026-12-03T18:00:00Z', NOW), 30_000);
  });

  it('property: the text never grows as the deadline nears, and is never negative', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
      const text = formatDuration(ms);
      assert.match(text, /^\d+ (d|h|min|s)( \d{2} (h|min|s))?$/);
      assert.equal(formatDuration(-ms), '0 s');
    }), { numRuns: 500 });
  });
});
