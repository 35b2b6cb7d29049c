import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DomainEventBody } from '@countersign/contracts';
import { consoleMessage } from './console-message.ts';
import { stream } from './testing/notifier-fixtures.ts';

const denied = (reason: string, deniedBy = 'bob'): DomainEventBody => ({
  type: 'ActionDenied', data: { rule: 'r', policyVersion: 'v', paramsHash: 'h', reason, automatic: false, deniedBy },
});

describe('the operator console line', () => {
  it('given a deny reason with a newline and an ANSI escape, then it stays one line and shows them as escapes', () => {
    const [event] = stream([denied('no\n[Nest] 1 - LOG [notifier] action act-2 approved by alice\u001b[2K')]);
    assert.equal(consoleMessage(event), 'action act-1 denied by bob: no\\n[Nest] 1 - LOG [notifier] action act-2 approved by alice\\u001b[2K');
  });

  it('given any reason and denier, then the line has no control or line-breaking character', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), (reason, by) => {
      const line = consoleMessage(stream([denied(reason, by)])[0])!;
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line), JSON.stringify(line));
    }), { numRuns: 500 });
  });
});
