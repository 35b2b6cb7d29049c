/**
 * The broker, and the MongoDB-wire server, stopped and started again in the middle of a paced
 * load of proposals and votes (test/support/chaos-run.ts), on a Kafka and a FerretDB of this
 * file's own (stopping the shared ones would fail every other test). Clients retry the 503s with
 * the same Idempotency-Key. Afterwards the log has every accepted action decided exactly once, in
 * unbroken chains, and the read models equal a rebuild.
 * `COUNTERSIGN_CHAOS_PROPOSALS=3000 COUNTERSIGN_CHAOS_FAULTS=3` for the longer run.
 */
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@countersign/testing';
import { chaosTimeoutMs, everyProcessReady, runChaos } from '../support/chaos-run.ts';
import { removeDir, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { startDedicatedInfra, type DedicatedInfra } from '../support/dedicated-infra.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import type { Load } from '../support/paced-load.ts';

/** How many 503 answers the clients have had so far. */
const unavailable = (load: Load) => load.records.reduce((n, r) => n + [...r.proposeStatuses, ...r.voteStatuses.flat()].filter((s) => s === 503).length, 0);

/**
 * Keeps the dedicated infrastructure's logs, FerretDB's goroutines and PostgreSQL's sessions of a
 * failed case before down() deletes them (a CI run once saw FerretDB answer nothing for minutes
 * after its restart, and nothing to tell why), and prints where they are with a summary.
 */
async function keep(infra: DedicatedInfra, service: string): Promise<void> {
  const { summary } = await infra.keepDiagnostics(service).catch((error: Error) => ({ summary: `diagnostics not kept: ${error.message}` }));
  process.stdout.write(`# ${service}: the dedicated infrastructure after the failure, ${summary.replaceAll('\n', '\n# ')}\n`);
}

describe('infrastructure stopped and started mid-load (kafka + mongodb)', () => {
  let infra: DedicatedInfra;
  /** Cases started and neither passed nor diagnosed (a timed-out case never reaches its catch). */
  const unfinished = new Set<string>();
  before(async () => (infra = await startDedicatedInfra()));
  after(async () => {
    // One look for all of them: the first stops FerretDB.
    if (unfinished.size > 0 && infra) await keep(infra, [...unfinished].join('-'));
    unfinished.clear();
    await infra?.down();
  });

  for (const service of ['kafka', 'ferretdb'] as const) {
    it(`${service}: the clients get 503s meanwhile and retry them, every accepted proposal is decided once, the read models catch up`, { timeout: chaosTimeoutMs(180_000) }, async () => {
      unfinished.add(service);
      let cs: RunningCountersign | undefined;
      try {
        const system = (cs = await startCountersign({ env: { ...E2E_ENV, ...infra.env } }));
        await runChaos({
          name: `${service} stopped and started`,
          cs: system,
          infra: infra.env,
          // A broker restart takes the consumers a group rejoin to resume: give each proposal time.
          patienceMs: 300_000,
          async fault(_k, load) {
            const before = unavailable(load);
            await infra.stop(service);
            // The outage is felt: requests are answered 503 (never a 500, never a dead process).
            await waitFor(() => unavailable(load) > before, { what: `a 503 while ${service} is stopped`, timeoutMs: 60_000 });
            await infra.up();
            await everyProcessReady(system, 240_000);
          },
        });
        unfinished.delete(service);
      } catch (error) {
        // (unless a timeout has already handed the case to `after`)
        if (unfinished.delete(service)) {
          await keep(infra, service);
          // The next case needs FerretDB, which the diagnostics stopped.
          await infra.up().catch(() => undefined);
        }
        throw error;
      } finally {
        await cs?.kill9();
        if (cs) await removeDir(cs.dataDir);
      }
    });
  }
});
