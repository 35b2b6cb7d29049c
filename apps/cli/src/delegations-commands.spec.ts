import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UsageError } from './cli-errors.ts';
import { delegationLine, untilOf } from './delegations-commands.ts';

const NOW = new Date('2026-12-03T17:00:00.000Z');

describe('countersign delegations', () => {
  it('given a duration, --until is that long from now; given an RFC 3339 time, it is kept as written', () => {
    assert.equal(untilOf('8h', NOW), '2026-12-04T01:00:00.000Z');
    assert.equal(untilOf('7d', NOW), '2026-12-10T17:00:00.000Z');
    assert.equal(untilOf('30m', NOW), '2026-12-03T17:30:00.000Z');
    assert.equal(untilOf('2026-12-24T18:00:00Z', NOW), '2026-12-24T18:00:00Z');
  });

  it('refuses anything else as a usage error, whatever the text (property)', () => {
    for (const bad of ['tomorrow', '8 h', '-1d', '2026-12-24', '2026-02-30T00:00:00Z', '']) assert.throws(() => untilOf(bad, NOW), UsageError, bad);
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
      try {
        const until = untilOf(text, NOW);
        assert.ok(!Number.isNaN(Date.parse(until)));
      } catch (error) {
        assert.ok(error instanceof UsageError);
      }
    }), { numRuns: 300 });
  });

  it('prints one line per delegation, with control characters escaped', () => {
    const line = delegationLine({ id: 'd-1', delegator: 'bob', delegate: 'erin', from: 'a', until: 'b', status: 'active', reason: 'away\u001b[31m' });
    assert.match(line, /^d-1 {2}bob → erin {2}a … b {2}active {2}\(away/);
    assert.ok(!line.includes('\u001b'));
  });
});
