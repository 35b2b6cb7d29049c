/**
 * bench/console: the inbox's time to interactive with 1,000 pending actions, as a ratio to an
 * empty inbox measured in the same run, against one embedded system (`npm start`'s shape) with
 * the console signed in through the test IdP, in Debian's Chromium.
 *   empty     bob's inbox before anything is proposed (the baseline)
 *   1,000     bob's inbox after the agent proposed 1,000 actions that await the data stewards
 *   control   erin's inbox (nothing awaits her), loaded between the 1,000 runs: drift of the machine
 * Time to interactive = navigation start → the first action's Approve button enabled (or the
 * empty inbox shown), in the page's own clock; per stage: the document, `GET /v1/me`, the first
 * page of `GET /v1/actions`, rendered. Every API call of every load is recorded; the run fails if
 * a list was fetched without limit or cursor, all 1,000 in one call, or one by one (api-calls.ts).
 * One load right after the burst of proposals is checked too (the approver feed replays the last
 * 30 s of requests); the measured loads start once no request is younger than that.
 *   npm run bench:console
 * Env: BENCH_RUNS (10 measured loads per case, after 2 warm-up), BENCH_PENDING (1000)
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { client, KEYS } from '../../test/support/api-client.ts';
import { browserUrl, launchBrowser, newUser, signIn } from '../../test/support/browser.ts';
import { CONSOLE_ENV, CONSOLE_USERS } from '../../test/support/console-env.ts';
import { removeDir, startCountersign } from '../../test/support/countersign-process.ts';
import { startOidcProvider } from '../../test/support/oidc-provider.ts';
import { checkPagination, describeCalls } from './api-calls.ts';
import { loadInbox, type InboxLoad } from './inbox-load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const PENDING = Number(process.env.BENCH_PENDING ?? 1000);
const WARMUP = 2;

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${RUNS} loads per case, ${PENDING} pending`);

const idp = await startOidcProvider({ users: CONSOLE_USERS });
const cs = await startCountersign({
  env: {
    ...CONSOLE_ENV,
    ...idp.env,
    COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(1024 ** 3),
    COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '1000000',
    COUNTERSIGN_LOG_LEVEL: 'warn',
  },
});
const browser = await launchBrowser();
const base = browserUrl(cs.url);
const consoleUrl = `${base}/console`;

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(0));

/** The approver feed looks back this long when opened (docs/api.md): requests younger than it come again on the feed. */
const FEED_LOOK_BACK_MS = 30_000;

/** The agent proposes `n` actions that await the data stewards (prod exports), 16 at a time; returns when the last was accepted. */
async function proposePending(n: number): Promise<number> {
  const agent = client(cs.url, KEYS.agent);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await agent.propose({ action: 'data.export', resource: `prod/bench/table-${i}`, params: { rows: i, table: `table-${i}` }, justification: `Monthly export ${i}` });
      if (res.status !== 201 || res.body.status !== 'pending') throw new Error(`proposal ${i}: ${res.status} ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return Date.now();
}

/** How many actions await bob on the read model (what the inbox lists), counted page by page. */
async function awaitingBob(): Promise<number> {
  const bob = client(cs.url, KEYS.bob);
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: { body: { items: unknown[]; nextCursor: string | null } } = await bob.get(`/v1/actions?approver=me&status=pending&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

async function measure(label: string, load: () => Promise<InboxLoad>, pending: number, into: InboxLoad[]): Promise<void> {
  const result = await load();
  const verdict = checkPagination(result.calls, pending);
  if (!verdict.ok) {
    console.error(`${label}: the inbox's API calls are not paginated:\n  ${verdict.problems.join('\n  ')}\ncalls:\n  ${describeCalls(result.calls).join('\n  ')}`);
    process.exitCode = 1;
    throw new Error('unpaginated inbox');
  }
  into.push(result);
}

function report(name: string, loads: InboxLoad[]): void {
  const stage = (pick: (l: InboxLoad) => number | undefined) => {
    const xs = loads.map(pick).filter((x): x is number => x !== undefined);
    return xs.length ? `${ms(median(xs))} / ${ms(quantile(xs, 0.9))}` : '–';
  };
  console.log(`| ${name} | ${loads.length} | ${stage((l) => l.document)} | ${stage((l) => l.script)} | ${stage((l) => l.meSent)} | ${stage((l) => l.me)} | ${stage((l) => l.firstPage)} | **${stage((l) => l.interactive)}** |`);
}

try {
  const bob = await newUser(browser);
  const erin = await newUser(browser);
  await signIn(bob.page, base, 'bob@example.com');
  await signIn(erin.page, base, 'erin@example.com');

  const empty: InboxLoad[] = [];
  const full: InboxLoad[] = [];
  const control: InboxLoad[] = [];
  for (let i = 0; i < WARMUP; i++) await loadInbox(bob.context, consoleUrl, false);
  for (let i = 0; i < RUNS; i++) await measure('empty', () => loadInbox(bob.context, consoleUrl, false), 0, empty);

  const proposing = performance.now();
  const lastProposal = await proposePending(PENDING);
  let awaiting = 0;
  while ((awaiting = await awaitingBob()) < PENDING) await new Promise((r) => setTimeout(r, 200));
  console.log(`proposed ${PENDING} actions in ${((performance.now() - proposing) / 1000).toFixed(1)} s; ${awaiting} await bob`);

  // Right after the burst, the feed replays the requests of its look-back: what does the inbox fetch then?
  const burst = await loadInbox(bob.context, consoleUrl, true, { settle: true });
  const burstVerdict = checkPagination(burst.calls, PENDING);
  console.log(`a load within ${FEED_LOOK_BACK_MS / 1000} s of the burst, kept open until its calls stopped: interactive at ${ms(burst.interactive)} ms, ${burst.shown} requests shown, ${burst.calls.length} API calls:\n  ${describeCalls(burst.calls).join('\n  ')}`);
  if (!burstVerdict.ok) {
    console.error(`FAILED: right after the burst the inbox's API calls are not paginated:\n  ${burstVerdict.problems.join('\n  ')}`);
    process.exitCode = 1;
  }
  // The steady state: 1,000 actions waiting, none of them younger than the feed's look-back.
  const settled = lastProposal + FEED_LOOK_BACK_MS + 1000 - Date.now();
  if (settled > 0) await new Promise((r) => setTimeout(r, settled));

  for (let i = 0; i < WARMUP; i++) await loadInbox(bob.context, consoleUrl, true);
  for (let i = 0; i < RUNS; i++) {
    await measure(`${PENDING} pending`, () => loadInbox(bob.context, consoleUrl, true), PENDING, full);
    await measure('control', () => loadInbox(erin.context, consoleUrl, false), 0, control);
  }

  console.log('\nms from navigation start, median / p90');
  console.log('| inbox | loads | document | script | /v1/me sent | /v1/me answered | first page answered | interactive |');
  console.log('|---|---|---|---|---|---|---|---|');
  report('empty (baseline)', empty);
  report(`${PENDING} pending`, full);
  report('control: empty, between the 1,000 loads', control);
  const tti = (loads: InboxLoad[]) => loads.map((l) => l.interactive);
  console.log(`\nratio ${PENDING} / empty: median ${(median(tti(full)) / median(tti(empty))).toFixed(2)} ×, p90 ${(quantile(tti(full), 0.9) / quantile(tti(empty), 0.9)).toFixed(2)} ×`);
  console.log(`ratio ${PENDING} / control (loaded in turn with them): median ${(median(tti(full)) / median(tti(control))).toFixed(2)} ×, p90 ${(quantile(tti(full), 0.9) / quantile(tti(control), 0.9)).toFixed(2)} ×`);
  console.log(`control / empty: median ${(median(tti(control)) / median(tti(empty))).toFixed(2)} × (drift of the machine between the cases)`);
  console.log(`\nAPI calls of one ${PENDING}-pending load (${full[0].calls.length}):\n  ${describeCalls(full[0].calls).join('\n  ')}`);
  const limits = new Set(full.flatMap((l) => l.calls.filter((c) => c.query.limit).map((c) => c.query.limit)));
  console.log(`limits asked: ${[...limits].join(', ')}; every list call of the steady state paginated: yes${burstVerdict.ok ? '; right after the burst too' : '; NOT right after the burst (above)'}`);
} finally {
  await browser.close();
  await cs.stop();
  await idp.stop();
  await removeDir(cs.dataDir);
}
