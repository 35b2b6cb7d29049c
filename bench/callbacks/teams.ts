/**
 * Teams: how long the gateway takes to answer an `adaptiveCard/action` invoke. Unlike Slack's
 * acknowledgement, the answer is the outcome itself: the endpoint validates the Bot Framework JWT,
 * casts the vote, and waits (up to 3 s) for the router to decide before replying with the outcome
 * card, or with the refusal for a click on an action already decided. So this time includes the
 * vote's round trip through the log, router and projection. Teams gives a bot 5 s.
 */
import { join } from 'node:path';
import { client, KEYS, type Client } from '../../test/support/api-client.ts';
import { removeDir, ROOT, startCountersign } from '../../test/support/countersign-process.ts';
import { startFakeTeams, type FakeTeams } from '../../test/support/fake-teams.ts';
import { printTable, stats, timeHealthz, type Stats } from './stats.ts';

const BOB = 'aad-bob-0002'; // linked to bob, a data steward (test/fixtures/teams-principals)
const WARMUP_ACTIONS = 50;
const CARDS_WAIT_MS = 60_000;

export interface TeamsBenchOptions {
  /** Measured actions: the first click on each decides it. */
  actions: number;
  clicks: number;
  warmup: number;
}

export interface TeamsBenchResult {
  deciding: Stats;
  refused: Stats;
  all: Stats;
  baseline: Stats;
  /** Invokes answered "received" because the decision took longer than the endpoint waits. */
  timedOut: number;
}

type Outcome = 'decided' | 'refused' | 'timed-out';

function outcomeOf(res: { status: number; body: { type?: string; value?: unknown } | undefined }): Outcome {
  if (res.status !== 200) throw new Error(`invoke answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (res.body?.type === 'application/vnd.microsoft.card.adaptive') return 'decided';
  const text = String(res.body?.value ?? '');
  if (/already been decided/.test(text)) return 'refused';
  if (/was received/.test(text)) return 'timed-out';
  throw new Error(`unexpected invoke answer: ${JSON.stringify(res.body)}`);
}

async function proposeMany(agent: Client, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await agent.propose({ action: 'data.export', resource: `prod/${prefix}-${i}`, params: { table: `t${i}` } });
    if (res.status !== 201 || res.body.status !== 'pending') throw new Error(`proposal ${i}: ${res.status} ${res.text}`);
    ids.push(res.body.id);
  }
  return ids;
}

/** The notifier posts request cards in the background: let it finish, so clicks refresh real cards. */
async function cardsPosted(teams: FakeTeams, n: number): Promise<void> {
  const until = Date.now() + CARDS_WAIT_MS;
  const posted = () => teams.connectorCalls().filter((c) => c.method === 'POST' && c.status === 200).length;
  while (posted() < n) {
    if (Date.now() > until) throw new Error(`only ${posted()} of ${n} request cards were posted`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function benchTeams(o: TeamsBenchOptions): Promise<TeamsBenchResult> {
  const teams = await startFakeTeams();
  const cs = await startCountersign({
    env: {
      COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/teams-principals'),
      COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/teams-policies'),
      ...teams.env(),
    },
  });
  try {
    const agent = client(cs.url, KEYS.agent);
    const warm = await proposeMany(agent, WARMUP_ACTIONS, 'bench-warmup');
    const ids = await proposeMany(agent, o.actions, 'bench');
    await cardsPosted(teams, warm.length + ids.length);
    console.log(`\n## Teams: ${o.actions} actions (+${WARMUP_ACTIONS} for warm-up) awaiting approval, request cards posted (rule prod-export, teams:19:approvals@thread.tacv2)`);

    // Bot Framework tokens live an hour and Teams reuses them, so one token serves every invoke;
    // minting per request would time the client's RS256 signing, not the gateway.
    const token = await teams.mintToken();
    const samples: Record<Outcome, number[]> = { decided: [], refused: [], 'timed-out': [] };
    const healthMs: number[] = [];
    for (let i = 0; i < o.warmup + o.clicks; i++) {
      const measured = i >= o.warmup;
      const j = measured ? i - o.warmup : i;
      // Cycling: the first click on each action approves it; later ones are refused (already decided).
      const actionId = measured ? ids[j % ids.length] : warm[j % warm.length];
      const t = performance.now();
      const res = await teams.invoke(cs.url, { verb: 'countersign.approve', actionId, aadObjectId: BOB, token });
      const clickMs = performance.now() - t;
      const outcome = outcomeOf(res);
      const health = await timeHealthz(cs.url);
      if (measured) {
        samples[outcome].push(clickMs);
        healthMs.push(health);
      }
    }

    const result: TeamsBenchResult = {
      deciding: stats(samples.decided),
      refused: stats(samples.refused),
      all: stats([...samples.decided, ...samples.refused, ...samples['timed-out']]),
      baseline: stats(healthMs),
      timedOut: samples['timed-out'].length,
    };
    console.log(`${o.clicks} invokes with a valid token (after ${o.warmup} warm-up), sequential, interleaved with GET /healthz`);
    printTable([
      ['GET /healthz (baseline)', result.baseline],
      ['POST /v1/integrations/teams/messages, deciding (outcome card)', result.deciding],
      ['POST /v1/integrations/teams/messages, already decided (refusal)', result.refused],
      ['POST /v1/integrations/teams/messages, all', result.all],
    ], result.baseline);
    const puts = teams.connectorCalls().filter((c) => c.method === 'PUT').length;
    console.log(`invokes answered "received" (decision > 3 s): ${result.timedOut}; connector calls: ${teams.connectorCalls().length} (${puts} card refreshes)`);
    return result;
  } finally {
    await cs.stop();
    await teams.close();
    await removeDir(cs.dataDir);
  }
}
