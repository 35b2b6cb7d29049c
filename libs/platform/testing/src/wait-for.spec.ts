import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('given a probe that becomes truthy, resolves with its value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { ready: calls } : undefined), { what: 'the third call' });
    assert.deepEqual(value, { ready: 3 });
  });

  it('given an async probe that throws at first, keeps trying', async () => {
    let calls = 0;
    const value = await waitFor(async () => {
      if (++calls < 3) throw new Error('not listening yet');
      return 'up';
    }, { what: 'the server' });
    assert.equal(value, 'up');
  });

  it('when time runs out, the error names what was awaited and the last failure', async () => {
    await assert.rejects(
      waitFor(() => {
        throw new Error('ECONNREFUSED');
      }, { what: 'the broker to accept connections', timeoutMs: 20 }),
      /timed out after 20 ms \(\d+ attempts\) waiting for the broker to accept connections; last error: ECONNREFUSED/,
    );
    await assert.rejects(waitFor(() => false, { what: 'nothing', timeoutMs: 5 }), /waiting for nothing$/);
  });
});
