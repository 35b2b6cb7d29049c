import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeForLog } from './log-text.ts';

describe('log text', () => {
  it('given a reason that forges a log line or repaints a terminal, shows the escapes instead', () => {
    assert.equal(escapeForLog('ok\n[gateway] admin approved\u001b[2J'), 'ok\\n[gateway] admin approved\\u001b[2J');
    assert.equal(escapeForLog('a\\nb'), 'a\\\\nb');
    assert.equal(escapeForLog('bye \ud800 😀'), 'bye \\ud800 😀');
  });

  it('given long text, cuts it and says how much was left out', () => {
    assert.equal(escapeForLog('x'.repeat(12), 10), 'xxxxxxxxxx…(2 more characters)');
  });

  it('property: the result is one line of well-formed text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      const line = escapeForLog(text, 10_000);
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line));
      assert.ok(line.isWellFormed());
    }), { numRuns: 500 });
  });
});
