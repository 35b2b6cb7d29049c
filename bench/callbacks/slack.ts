/**
 * Slack: how fast the gateway acknowledges a signed `block_actions` click (Slack gives up after
 * 3 s). The acknowledgement is the signature check, replay check, parse and 200; the vote itself
 * (and the ephemeral reply for clicks on decided actions) runs after it, so it loads the process
 * while later requests are measured.
 */
import { join } from 'node:path';
import { client, KEYS } from '../../test/support/api-client.ts';
import { removeDir, ROOT, startCountersign } from '../../test/support/countersign-process.ts';
import { blockActionsPayload, postInteraction, startFakeSlack } from '../../test/support/fake-slack.ts';
import { printTable, stats, timeHealthz, type Stats } from './stats.ts';

const SECRET = 'bench-signing-secret';

export interface SlackBenchOptions {
  actions: number;
  clicks: number;
  warmup: number;
}

export async function benchSlack(o: SlackBenchOptions): Promise<{ clicks: Stats; baseline: Stats }> {
  const slack = await startFakeSlack();
  const cs = await startCountersign({
    env: {
      COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/slack-principals'),
      COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/slack-policies'),
      COUNTERSIGN_SLACK_BOT_TOKEN: slack.token,
      COUNTERSIGN_SLACK_SIGNING_SECRET: SECRET,
      COUNTERSIGN_SLACK_TEAM_ID: 'T0COUNTER',
      COUNTERSIGN_SLACK_API_URL: slack.apiUrl,
    },
  });
  try {
    const agent = client(cs.url, KEYS.agent);
    const ids: string[] = [];
    for (let i = 0; i < o.actions; i++) {
      const res = await agent.propose({ action: 'data.export', resource: `prod/bench-${i}`, params: { table: `t${i}` } });
      if (res.status !== 201 || res.body.status !== 'pending') throw new Error(`proposal ${i}: ${res.status} ${res.text}`);
      ids.push(res.body.id);
    }
    console.log(`\n## Slack: ${o.actions} actions awaiting approval (rule prod-export, channel slack:#data-approvals)`);

    const clickMs: number[] = [];
    const healthMs: number[] = [];
    let refused = 0;
    for (let i = 0; i < o.warmup + o.clicks; i++) {
      // Cycling over the actions: the first click on each approves, later ones are refused (already
      // decided) and answered ephemerally, as double clicks are in real life.
      const payload = blockActionsPayload({ user: 'U0BOB', actionId: ids[i % ids.length], button: 'countersign_approve', responseUrl: slack.responseUrl(`bench-${i}`) });
      const click = await postInteraction(cs.url, payload, { secret: SECRET });
      if (click.status !== 200) refused += 1;
      const health = await timeHealthz(cs.url);
      if (i >= o.warmup) {
        clickMs.push(click.ms);
        healthMs.push(health);
      }
    }
    if (refused > 0) throw new Error(`${refused} clicks were not acknowledged with 200`);

    const result = { clicks: stats(clickMs), baseline: stats(healthMs) };
    console.log(`${o.clicks} signed clicks (after ${o.warmup} warm-up), sequential, interleaved with GET /healthz`);
    printTable([['GET /healthz (baseline)', result.baseline], ['POST /v1/integrations/slack/interactions', result.clicks]], result.baseline);
    console.log(`slack calls recorded: ${slack.calls.length}; ephemeral replies: ${slack.replies.length}`);
    return result;
  } finally {
    await cs.stop();
    await slack.close();
    await removeDir(cs.dataDir);
  }
}
