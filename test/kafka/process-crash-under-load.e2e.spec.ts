/**
 * kill -9 of the policy evaluator, and of the gateway, in the middle of a paced load of proposals
 * and votes (test/support/chaos-run.ts), on the shared Kafka and MongoDB. A replacement is started
 * each time; clients retry what got no answer with the same Idempotency-Key. Afterwards the log
 * has every accepted action decided exactly once, in unbroken chains, and the read models equal a
 * rebuild. `COUNTERSIGN_CHAOS_PROPOSALS=3000 COUNTERSIGN_CHAOS_FAULTS=3` for the longer run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@countersign/testing';
import { removeDir, startCountersign } from '../support/countersign-process.ts';
import { chaosTimeoutMs, everyProcessReady, runChaos, storesOf } from '../support/chaos-run.ts';
import { dropReadModels } from '../support/verify-log.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

describe('a process killed with kill -9 mid-load (kafka + mongodb)', () => {
  it('the policy evaluator: proposals wait while its replacement starts, none is lost or decided twice', { timeout: chaosTimeoutMs(60_000) }, async () => {
    const cs = await startCountersign({ env: E2E_ENV });
    try {
      await runChaos({
        name: 'kill -9 policy-evaluator',
        cs,
        async fault() {
          const evaluator = cs.processes.get('policy-evaluator')!;
          await evaluator.kill9();
          assert.equal(await evaluator.exited, null, 'the evaluator died by SIGKILL');
          // Same instance id, so the same transactional id: the replacement fences the dead one.
          await cs.startService('policy-evaluator', 'policy-evaluator');
          await everyProcessReady(cs);
        },
      });
    } finally {
      await cs.kill9();
      await dropReadModels(storesOf(cs)).catch(() => undefined);
      await removeDir(cs.dataDir);
    }
  });

  it('the gateway: requests in flight and made meanwhile get no answer, are retried on the replacement and converge on one action each', { timeout: chaosTimeoutMs(60_000) }, async () => {
    const cs = await startCountersign({ env: E2E_ENV });
    let gateway = cs.url;
    try {
      await runChaos({
        name: 'kill -9 gateway',
        cs,
        baseUrl: () => gateway,
        async fault(_k, load) {
          const dead = cs.processes.get('gateway')!;
          await dead.kill9();
          const unanswered = () => load.records.filter((r) => r.proposeStatuses.includes(0) || r.voteStatuses.flat().includes(0)).length;
          // Clients notice: their requests are refused, and they keep retrying them.
          await waitFor(() => unanswered() > 0, { what: 'a request refused while the gateway is down', timeoutMs: 30_000 });
          gateway = (await cs.startService('gateway', 'gateway')).url;
          await everyProcessReady(cs);
        },
      });
    } finally {
      await cs.kill9();
      await dropReadModels(storesOf(cs)).catch(() => undefined);
      await removeDir(cs.dataDir);
    }
  });
});
