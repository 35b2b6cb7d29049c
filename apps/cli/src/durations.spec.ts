import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UsageError } from './cli-errors.ts';
import { formatRemaining, MAX_DURATION_MS, parseDuration } from './durations.ts';

describe('durations on the command line', () => {
  it('given units from ms to days, alone or combined, when parsed, then gives milliseconds', () => {
    assert.equal(parseDuration('1500ms', '--wait'), 1500);
    assert.equal(parseDuration('45s', '--wait'), 45_000);
    assert.equal(parseDuration('30m', '--wait'), 1_800_000);
    assert.equal(parseDuration('1h30m', '--wait'), 5_400_000);
    assert.equal(parseDuration('2d', '--wait'), 172_800_000);
    assert.equal(parseDuration('0', '--wait'), 0);
    assert.equal(parseDuration('0s', '--wait'), 0);
  });

  it('given text that is not a duration, when parsed, then the usage error names the flag, the text and the fix', () => {
    const refused = (text: string, message: RegExp) =>
      assert.throws(() => parseDuration(text, '--wait'), (e: Error) => e instanceof UsageError && message.test(e.message), text);
    refused('30', /^--wait "30": "30" has no unit \(write e\.g\. 30s or 30m\)$/);
    refused('1h30', /^--wait "1h30": "30" has no unit/);
    refused('30x', /^--wait "30x": expected a duration such as 45s, 30m or 1h30m/);
    refused('', /^--wait "": expected a duration/);
    refused(' 30m', /expected a duration/);
    refused('-5m', /expected a duration/);
    refused('1.5h', /expected a duration/);
    refused('8d', /longer than the maximum of 7d/);
  });

  it('property: any sum of parts (within 7d) spelled with units parses back to that sum; anything else is a usage error, never a crash', () => {
    const unit = fc.constantFrom(['ms', 1], ['s', 1_000], ['m', 60_000], ['h', 3_600_000]) as fc.Arbitrary<[string, number]>;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 41 }), unit), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
        const total = parts.reduce((sum, [n, [, ms]]) => sum + n * ms, 0);
        assert.equal(parseDuration(text, '--wait'), total);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const ms = parseDuration(text, '--wait');
          assert.ok(Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DURATION_MS);
        } catch (e) {
          assert.ok(e instanceof UsageError, String(e));
          assert.ok(e.message.startsWith('--wait '));
          assert.doesNotMatch(e.message, /\n/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('given time left, when shown in a countdown, then it reads in the two largest units, rounding up, never negative', () => {
    assert.equal(formatRemaining(0), '0s');
    assert.equal(formatRemaining(-5000), '0s');
    assert.equal(formatRemaining(1), '1s');
    assert.equal(formatRemaining(42_000), '42s');
    assert.equal(formatRemaining(59 * 60_000 + 7_000), '59m07s');
    assert.equal(formatRemaining(2 * 3_600_000 + 5 * 60_000), '2h05m');
  });
});
