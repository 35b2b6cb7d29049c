import { TOPICS } from '@countersign/contracts';
import mongoose from 'mongoose';
import { AGENT_API_KEY, startFiveProcesses } from './five-processes.ts';
import { KNOBS } from './knobs.ts';
import { namespaceTopics } from './namespace.ts';
import { keepAliveAgent, openLoop, summarize, sustainable, type Outcome, type StepSummary, type Target } from './open-loop.ts';
import { PROPOSALS_TOPIC, wallNow } from './proposals.ts';
import { rawRoundTrip } from './round-trip.ts';
import { followStages, stageTable, type LogStamps } from './stages.ts';

const ms = (n: number) => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : n.toFixed(0));

function stepLine(label: string, s: StepSummary): string {
  const failures = [...s.failures].map(([why, n]) => `${n}× ${why}`).join(', ');
  return `   ${label} ${s.rate}/s: ${s.requests} sent, ${s.decided} decided (201), ${s.accepted} × 202, ${s.failed} failed${failures ? ` (${failures})` : ''}; ` +
    `p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms, max ${ms(s.max)} ms; driver send lag p99 ${ms(s.sendLagP99)} ms`;
}

function printStages(title: string, outcomes: Outcome[], stamps: Map<string, LogStamps>): void {
  console.log(`   per stage, ${title} (wall clocks of this machine; the services stamp whole ms):`);
  for (const row of stageTable(outcomes, stamps)) console.log(`     ${row.stage.padEnd(64)} n=${String(row.n).padStart(5)}  p50 ${ms(row.p50).padStart(6)} ms  p99 ${ms(row.p99).padStart(6)} ms`);
}

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** Waits (bounded) until `done` holds, polling every `every` ms; says whether it did. */
async function until(done: () => Promise<boolean> | boolean, seconds: number, every = 250): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(every);
  }
  return done();
}

/**
 * 4. The five-process shape under open-loop HTTP load: step the rate up to the highest whose p99
 * stays under budget with every proposal decided, hold half that rate for longer, print per-stage
 * timings from the log, and a raw kafkajs round trip at the same rate to read the latency against.
 */
export async function httpBench(): Promise<void> {
  console.log(`4. five processes, open-loop POST /v1/actions (auto-allowed data.read, ~${KNOBS.size} B), ` +
    `${KNOBS.partitions} partitions, p99 budget ${KNOBS.p99BudgetMs} ms, steps of ${KNOBS.stepSeconds} s`);
  const started = wallNow();
  const system = await startFiveProcesses();
  console.log(`   started in ${((wallNow() - started) / 1000).toFixed(1)} s, namespace ${system.namespace}`);
  const agent = keepAliveAgent(KNOBS.sockets);
  const target: Target = { url: system.url, apiKey: AGENT_API_KEY, agent, timeoutMs: 30_000 };
  let stages: Awaited<ReturnType<typeof followStages>> | undefined;
  let db: mongoose.Connection | undefined;
  let holdRate: number;
  let hold: StepSummary;
  try {
    const present = await namespaceTopics(KNOBS.brokers, system.namespace);
    const followed = [...new Set([PROPOSALS_TOPIC, TOPICS.commands, TOPICS.events])].filter((t) => present.includes(t));
    console.log(`   proposals enter on ${PROPOSALS_TOPIC}; following ${followed.join(', ')} for per-stage timings`);
    stages = await followStages(KNOBS.brokers, system.namespace, followed);
    db = await mongoose.createConnection(KNOBS.mongoUrl, { dbName: system.namespace }).asPromise();
    const actions = db.collection('actions');
    let sentSoFar = 0;
    const run = async (rate: number, seconds: number) => {
      const outcomes = await openLoop(target, rate, seconds, sentSoFar);
      sentSoFar += outcomes.length;
      return outcomes;
    };
    // The first proposals pay for connections, compiled schemas and policies: not part of any step.
    console.log(stepLine('warm-up', summarize(5, await run(5, 2))));

    let highest: StepSummary | undefined;
    let saturated: Outcome[] | undefined;
    const searchStarted = Date.now();
    for (const rate of KNOBS.httpRates) {
      if ((Date.now() - searchStarted) / 1000 > KNOBS.searchSeconds) {
        console.log(`   (step-up stopped: BENCH_HTTP_SEARCH_SECONDS=${KNOBS.searchSeconds} spent)`);
        break;
      }
      const outcomes = await run(rate, KNOBS.stepSeconds);
      const s = summarize(rate, outcomes);
      console.log(stepLine('step', s));
      if (!sustainable(s, KNOBS.p99BudgetMs)) {
        saturated = outcomes;
        break;
      }
      highest = s;
    }
    // A step past saturation leaves a backlog (202s, a lagging projector): let it clear first.
    const drained = await until(async () => stages!.undecided() === 0 &&
      (await actions.countDocuments({ status: 'proposed' })) === 0 && (await actions.countDocuments({})) >= stages!.proposed(), KNOBS.drainSeconds, 500);
    if (!drained) console.log(`   (the pipeline had not caught up after ${KNOBS.drainSeconds} s: ${stages.undecided()} undecided on the log; the hold phase starts anyway)`);
    if (saturated) printStages(`first step over budget (${saturated.length} requests)`, saturated, stages.stamps);

    holdRate = highest ? highest.rate / 2 : KNOBS.httpRates[0] / 2;
    console.log(highest
      ? `   highest sustainable rate: ${highest.rate}/s (p99 ${ms(highest.p99)} ms < ${KNOBS.p99BudgetMs} ms, all decided)`
      : `   highest sustainable rate: none of the steps (the lowest, ${KNOBS.httpRates[0]}/s, was over budget); holding half of it`);
    const held = await run(holdRate, KNOBS.holdSeconds);
    hold = summarize(holdRate, held);
    console.log(stepLine(`hold (half, ${KNOBS.holdSeconds} s)`, hold));
    console.log(`   → at ${holdRate}/s: p50 ${ms(hold.p50)} ms, p99 ${ms(hold.p99)} ms (targets: p50 ≤ 10 ms, p99 ≤ 30 ms) — ` +
      `${hold.p50 <= 10 && hold.p99 <= 30 && hold.accepted + hold.failed === 0 ? 'met' : 'not met'}`);
    const ids = held.filter((o) => o.actionId).map((o) => o.actionId!);
    await until(() => ids.every((id) => stages!.stamps.get(id)?.decided !== undefined), 10);
    printStages(`hold at ${holdRate}/s (${held.length} requests)`, held, stages.stamps);
  } catch (error) {
    console.error(`   the five-process run failed: ${(error as Error).message}\n   last output of the processes:\n${system.output().slice(-4000)}`);
    throw error;
  } finally {
    agent.destroy();
    await stages?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await system.stop();
  }
  // Measured with the five processes gone, so neither slows the other.
  try {
    const rtt = await rawRoundTrip(KNOBS.brokers, holdRate, KNOBS.rttSeconds, KNOBS.size, KNOBS.partitions);
    console.log(`   raw kafkajs round trip at ${holdRate}/s, n=${rtt.messages}${rtt.lost ? ` (${rtt.lost} lost)` : ''}: p50 ${ms(rtt.p50)} ms, p99 ${ms(rtt.p99)} ms` +
      ` → HTTP / raw: p50 × ${(hold.p50 / rtt.p50).toFixed(1)}, p99 × ${(hold.p99 / rtt.p99).toFixed(1)}`);
  } catch (error) {
    console.error(`   raw kafkajs round trip failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
