/**
 * One crash or outage scenario: a paced load through the gateway, a fault injected at set points
 * while proposals are still being made, then the checks (verify-log.ts) on the log and the read
 * models. CI runs a bounded load; `COUNTERSIGN_CHAOS_PROPOSALS` (and `_RATE`, `_FAULTS`) make the
 * longer run recorded in bench/RESULTS.md.
 */
import assert from 'node:assert/strict';
import { waitFor } from '@countersign/testing';
import { distributedEnv, READY_MS, type RunningCountersign } from './countersign-process.ts';
import { seeded } from './crash-workload.ts';
import { startLoad, summarize, type Load, type LoadSummary } from './paced-load.ts';
import { openSystemLog, readModelsMatchRebuild, verifyLog, type SystemStores } from './verify-log.ts';

function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Bounded for CI by default: 150 proposals at 5/s, one fault. */
export const CHAOS = {
  proposals: knob('COUNTERSIGN_CHAOS_PROPOSALS', 150),
  perSecond: knob('COUNTERSIGN_CHAOS_RATE', 5),
  faults: knob('COUNTERSIGN_CHAOS_FAULTS', 1),
  seed: knob('COUNTERSIGN_CHAOS_SEED', 10),
};

/**
 * A test's whole budget: starting the processes, the load's own duration, each fault (with a
 * replacement's start), and the checks.
 */
export const chaosTimeoutMs = (perFaultMs: number) =>
  READY_MS + (CHAOS.proposals / CHAOS.perSecond) * 1000 + CHAOS.faults * (perFaultMs + READY_MS) + 120_000;

export interface ChaosResult {
  scenario: string;
  summary: Omit<LoadSummary, 'expected' | 'problems'>;
  streams: number;
  events: number;
  decisions: Record<string, number>;
  types: Record<string, number>;
  readModels: Record<string, number>;
  seconds: number;
}

export interface Scenario {
  name: string;
  cs: RunningCountersign;
  /** Where the system's Kafka and MongoDB are (a dedicated infrastructure's, or the shared one). */
  infra?: { COUNTERSIGN_KAFKA_BROKERS: string; COUNTERSIGN_MONGO_URL: string };
  /** Injects fault number `k` (1-based) and returns once the system is whole again. */
  fault(k: number, load: Load): Promise<void>;
  /** The gateway's URL now (the fault may replace the gateway). */
  baseUrl?: () => string;
  patienceMs?: number;
}

export function storesOf(cs: RunningCountersign, infra?: Scenario['infra']): SystemStores {
  const env: Record<string, string> = { ...distributedEnv(cs.dataDir), ...infra };
  return { brokers: env.COUNTERSIGN_KAFKA_BROKERS, namespace: env.COUNTERSIGN_KAFKA_NAMESPACE, mongoUrl: env.COUNTERSIGN_MONGO_URL, database: env.COUNTERSIGN_MONGO_DB };
}

/** Runs the load with its faults, checks every invariant, and prints one line of counts. */
export async function runChaos(s: Scenario): Promise<ChaosResult> {
  const started = Date.now();
  const load = startLoad({ baseUrl: s.baseUrl ?? (() => s.cs.url), count: CHAOS.proposals, perSecond: CHAOS.perSecond, random: seeded(CHAOS.seed), ...(s.patienceMs ? { patienceMs: s.patienceMs } : {}) });
  const progress = (what: string) => note(`${s.name}: ${what} at ${Math.round((Date.now() - started) / 1000)} s: ` +
    `${load.started()} started, ${load.accepted()} accepted, ${load.finished()} done; answers so far ${JSON.stringify(summarize(load).answers)}`);
  // Faults at evenly spaced points of the pace, so proposals are still being made around each.
  for (let k = 1; k <= CHAOS.faults; k += 1) {
    const at = Math.floor((CHAOS.proposals * k) / (CHAOS.faults + 1));
    // The pace slips when the system is slower than it (requests in flight are capped): wait as
    // long as a proposal may keep retrying, and say where the load stood if even that runs out.
    await waitFor(() => load.started() >= at && load.accepted() >= 1, { what: `${at} proposals made before fault ${k}`, timeoutMs: s.patienceMs ?? 300_000 })
      .catch((error: Error) => {
        progress(`stalled before fault ${k}`);
        throw error;
      });
    progress(`fault ${k}`);
    await s.fault(k, load);
    progress(`whole again after fault ${k}`);
  }
  const ticker = setInterval(() => progress('still running'), 30_000);
  await load.done.finally(() => clearInterval(ticker));
  progress('load done');
  const summary = summarize(load);
  const stores = storesOf(s.cs, s.infra);
  const log = await openSystemLog(stores);
  try {
    // The log is checked even when clients gave up, so a failure says whether anything was lost.
    const report = await verifyLog(log, summary.expected, summary.problems.length > 0 ? 10_000 : 60_000);
    note(`${s.name}: log ${JSON.stringify({ streams: report.streams, events: report.events, undecided: report.undecided.length, problems: report.problems.slice(0, 10) })}`);
    // The processes' own warnings say why (a wedged producer, a consumer that never rejoined).
    if (summary.problems.length > 0) note(`${s.name}: the system's output, condensed:\n${condensed(s.cs.output())}`);
    assert.deepEqual(summary.problems.slice(0, 12), [], `every proposal converged on one accepted action, with no answer but 503 for the fault (${summary.problems.length} did not)`);
    assert.equal(summary.accepted, CHAOS.proposals, 'every proposal was accepted in the end');
    assert.deepEqual(report.undecided, [], 'no accepted action is lost: each has a decision on the log');
    assert.deepEqual(report.problems, [], 'decided once, with the promised outcome; chains unbroken; nothing the clients never asked for');
    progress('log checked');
    // After a database outage the projector is back on the log's redelivery backoff (up to 30 s a
    // try, and a replaced consumer rejoins its group): "catch up" is the claim, not "within 60 s".
    // A lost write would still show here, as a difference that never goes away.
    const rebuilt = await readModelsMatchRebuild(log, stores, 180_000);
    // The projector's own lines say why the read models did not catch up.
    if (rebuilt.differences.length > 0) note(`${s.name}: the read models did not catch up; the system's output, condensed:\n${condensed(s.cs.output())}`);
    assert.deepEqual(rebuilt.differences, [], 'the read models equal a rebuild from the log');
    assert.equal(rebuilt.counts.actions, CHAOS.proposals);
    const { expected: _e, problems: _p, ...counts } = summary;
    const result: ChaosResult = {
      scenario: s.name, summary: counts, streams: report.streams, events: report.events, decisions: report.decisions, types: report.types,
      readModels: rebuilt.counts, seconds: Math.round((Date.now() - started) / 1000),
    };
    process.stdout.write(`chaos ${JSON.stringify(result)}\n`);
    // A passing run says too whether an adapter had to replace a client that stopped answering.
    const replaced = s.cs.output().split('\n').filter((l) => /(read model|event log): replac/.test(l));
    if (replaced.length > 0) note(`${s.name}: clients replaced:\n${replaced.slice(-20).join('\n')}`);
    return result;
  } finally {
    await log.close();
  }
}

/**
 * What the processes said, readable when one warning fills the end (a CI run's last 80 lines were
 * one read-model timeout, 80 times): the adapters' own lines (`read model: …`, `event log: …`:
 * connections lost, clients replaced) from the whole run, then the last 80 lines with each run of
 * one line repeated (timestamps and colours aside) shown once with its count.
 */
export function condensed(output: string, last = 80): string {
  const lines = output.split('\n').filter(Boolean);
  const plain = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '').replace(/\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}:\d{2} [AP]M/, '');
  const adapters = lines.filter((l) => /^\[[\w-]+\] (read model|event log): /.test(l)).slice(-40);
  const runs: { line: string; key: string; count: number }[] = [];
  for (const line of lines) {
    const key = plain(line);
    const previous = runs.at(-1);
    if (previous?.key === key) previous.count += 1;
    else runs.push({ line, key, count: 1 });
  }
  const tail = runs.slice(-last).map((r) => (r.count > 1 ? `${r.line}  [× ${r.count}]` : r.line));
  return [`adapters (${adapters.length}):`, ...adapters, `last lines:`, ...tail].join('\n');
}

/** A progress line on stdout, so a slow or stuck run shows where it is. */
const note = (line: string) => void process.stdout.write(`# ${line}\n`);

const readyz = async (url: string) => (await fetch(`${url}/readyz`).catch(() => undefined))?.status;

/** Waits until every process of the system (replacements included) answers /readyz with 200. */
export async function everyProcessReady(cs: RunningCountersign, timeoutMs = 120_000): Promise<void> {
  await waitFor(async () => (await Promise.all([...cs.processes.values()].map((p) => readyz(p.url)))).every((s) => s === 200),
    { what: 'every process ready', timeoutMs });
}
