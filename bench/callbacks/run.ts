/**
 * bench/callbacks: how fast the gateway answers chat callbacks (DESIGN.md's target: acknowledged
 * p99 ≤ 150 ms). Two measurements one after the other, each against its own embedded Countersign
 * (as `npm start` runs it) pointed at a local fake of the chat service, each with its own same-run
 * `GET /healthz` baseline, interleaved request by request:
 *  - Slack (`slack.ts`): signed Approve clicks, acknowledged before the vote is processed;
 *  - Teams (`teams.ts`): `adaptiveCard/action` invokes, answered with the outcome, so the time
 *    includes the vote being decided.
 * Time = the client's whole HTTP exchange.
 *   node --import tsx bench/callbacks/run.ts
 * Env: BENCH_ACTIONS (200), BENCH_CLICKS (3000), BENCH_WARMUP (300) for Slack;
 *      BENCH_TEAMS_ACTIONS (1000), BENCH_TEAMS_CLICKS (3000), BENCH_TEAMS_WARMUP (300) for Teams;
 *      BENCH_ONLY=slack|teams to run one of them.
 */
import { cpus, totalmem } from 'node:os';
import { benchSlack } from './slack.ts';
import { ms } from './stats.ts';
import { benchTeams } from './teams.ts';

const TARGET_P99_MS = 150; // DESIGN.md "Performance targets": chat callback acknowledged
const TEAMS_LIMIT_MS = 5_000; // Teams' own timeout for a bot's invoke response
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const only = process.env.BENCH_ONLY;

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const verdict = (p99: number, limit: number) => `${p99 <= limit ? 'met' : 'MISSED'} (${ms(p99)})`;

const summary: string[] = [];
if (only !== 'teams') {
  const slack = await benchSlack({ actions: num('BENCH_ACTIONS', 200), clicks: num('BENCH_CLICKS', 3000), warmup: num('BENCH_WARMUP', 300) });
  summary.push(`Slack acknowledgement p99 ≤ ${TARGET_P99_MS} ms: ${verdict(slack.clicks.p99, TARGET_P99_MS)}`);
}
if (only !== 'slack') {
  const teams = await benchTeams({ actions: num('BENCH_TEAMS_ACTIONS', 1000), clicks: num('BENCH_TEAMS_CLICKS', 3000), warmup: num('BENCH_TEAMS_WARMUP', 300) });
  summary.push(`Teams invoke (vote decided) p99 ≤ ${TARGET_P99_MS} ms: ${verdict(teams.all.p99, TARGET_P99_MS)}; deciding clicks only: ${verdict(teams.deciding.p99, TARGET_P99_MS)}`);
  summary.push(`Teams invoke p99 within Teams' ${TEAMS_LIMIT_MS} ms: ${verdict(teams.all.p99, TEAMS_LIMIT_MS)}; max ${ms(teams.all.max)}`);
}
console.log(`\n${summary.join('\n')}`);
