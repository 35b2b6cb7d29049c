import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { freePort, removeDir, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { otlpReceiver } from '../support/otlp-receiver.ts';
import { parsePrometheusText, type Sample } from '../support/prometheus-text.ts';

const SHAPE_LABEL = SHAPE === 'embedded' ? 'embedded' : 'distributed';

async function scrape(baseUrl: string): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${baseUrl}/metrics`);
  assert.equal(res.status, 200, `GET ${baseUrl}/metrics`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  return { text, samples: parsePrometheusText(text) };
}

const matching = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const total = (samples: Sample[]) => samples.reduce((sum, s) => sum + s.value, 0);

/** Scrapes until `ready` holds (metrics are observable state: the lag gauge is read every 5 s). */
async function scrapeUntil(baseUrl: string, what: string, ready: (samples: Sample[]) => boolean): Promise<{ text: string; samples: Sample[] }> {
  const deadline = Date.now() + 30_000;
  let last = await scrape(baseUrl);
  while (!ready(last.samples)) {
    if (Date.now() > deadline) assert.fail(`${what} did not show on ${baseUrl}/metrics within 30 s:\n${last.text.slice(0, 4000)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await scrape(baseUrl);
  }
  return last;
}

describe(`metrics from every process: GET /metrics and OTLP (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  before(async () => {
    const port = await freePort();
    receiver = await otlpReceiver(port);
    cs = await startCountersign({
      env: { ...E2E_ENV, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${port}/v1/metrics`, OTEL_METRIC_EXPORT_INTERVAL: '250' },
    });
  });
  after(async () => {
    await cs.stop();
    receiver.server.close();
    await removeDir(cs.dataDir);
  });

  it('after proposals are decided, /metrics shows decision latency by outcome, handled records, lag and pending actions; no ids', async () => {
    const agent = client(cs.url, KEYS.agent);
    // An answer not ready within the gateway's wait (a loaded machine, five processes) is waited
    // for with a long poll: this test is about what the metrics show, not about how fast.
    const answered = async (response: Promise<{ status: number; body: any; text: string }>, state: string) => {
      let { status, body, text } = await response;
      for (let polls = 0; status === 202 && polls < 3; polls++) ({ status, body, text } = await agent.get(`/v1/actions/${body.id}?wait=30s`));
      assert.deepEqual([status < 300, body.status], [true, state], text);
      return body;
    };
    const allowed = await answered(agent.propose({ action: 'data.read', resource: 'prod/metrics' }), 'approved');
    const denied = await answered(agent.propose({ action: 'db.drop', resource: 'prod/metrics' }), 'denied');
    const waiting = await answered(agent.propose({ action: 'data.export', resource: 'prod/metrics-pending' }), 'pending');
    const approving = await answered(agent.propose({ action: 'data.export', resource: 'prod/metrics-approved' }), 'pending');
    const vote = await client(cs.url, KEYS.alice).post(`/v1/actions/${approving.id}/approve`, { comment: 'ok' });
    assert.ok(vote.status === 200 || vote.status === 202, vote.text);
    await answered(Promise.resolve({ ...vote, body: { ...vote.body, id: approving.id } }), 'approved');

    const router = cs.serviceUrl('approval-router');
    const decisions = (samples: Sample[], outcome: string, automatic: string) =>
      total(matching(samples, 'countersign_decision_duration_count', { outcome, automatic, shape: SHAPE_LABEL }));
    const { text, samples } = await scrapeUntil(router, 'decisions, handled records, lag and pending actions', (s) =>
      decisions(s, 'approved', 'true') >= 1 && decisions(s, 'denied', 'true') >= 1 && decisions(s, 'approved', 'false') >= 1 &&
      total(matching(s, 'countersign_consumer_records_total', { group: 'approval-router' })) >= 4 &&
      matching(s, 'countersign_consumer_lag', { group: 'approval-router', topic: 'countersign.commands' }).length > 0 &&
      total(matching(s, 'countersign_actions_pending', { shape: SHAPE_LABEL })) >= 1);
    // Histograms in seconds: an automatic decision well inside the last bucket.
    const buckets = matching(samples, 'countersign_decision_duration_bucket', { outcome: 'approved', automatic: 'true' });
    assert.ok(buckets.some((b) => b.labels.le === '10' && b.value >= 1), 'an automatic approval takes less than 10 s');
    for (const lag of matching(samples, 'countersign_consumer_lag', {})) {
      assert.match(lag.labels.partition, /^\d+$/);
      assert.ok(Number.isFinite(lag.value) && lag.value >= 0);
    }
    // The commit's group is the name the log knows: with the Kafka namespace prefix, if any.
    const commits = matching(samples, 'countersign_eventlog_commit_duration_count', { outcome: 'ok' })
      .filter((c) => c.labels.group === 'approval-router' || c.labels.group.endsWith('.approval-router'));
    assert.ok(total(commits) >= 1 && commits.every((c) => c.labels.log === (SHAPE === 'embedded' ? 'file' : 'kafka')), JSON.stringify(commits));
    for (const id of [allowed.id, denied.id, waiting.id, approving.id]) assert.ok(!text.includes(id), `action id ${id} is not a label`);
    assert.ok(!text.includes('demo-agent') && !text.includes('alice'), 'principal ids are not labels');

    // The gateway: its answer to each proposal (decided, pending, or undecided within its wait), and requests by route template.
    const gateway = await scrapeUntil(cs.url, 'gateway answers', (s) =>
      total(matching(s, 'countersign_gateway_answer_duration_count', { shape: SHAPE_LABEL })) >= 4);
    const outcomes = matching(gateway.samples, 'countersign_gateway_answer_duration_count', {}).map((s) => s.labels.outcome);
    assert.ok(outcomes.every((o) => ['approved', 'denied', 'pending', 'undecided'].includes(o)), outcomes.join(', '));
    if (SHAPE === 'embedded') assert.ok(outcomes.includes('approved') && outcomes.includes('pending'), outcomes.join(', '));
    const approvals = matching(gateway.samples, 'countersign_http_server_duration_count', { method: 'POST', route: '/v1/actions/:id/approve', status_class: '2xx' });
    assert.equal(total(approvals), 1, JSON.stringify(gateway.samples.filter((s) => s.name === 'countersign_http_server_duration_count')));
    assert.ok(!gateway.text.includes(approving.id));
  });

  it('pushes the same metrics over OTLP/HTTP to the configured receiver, per service', async () => {
    const names = () => new Set(receiver.metrics.map((m) => m.name));
    const wanted = ['countersign.decision.duration', 'countersign.consumer.records', 'countersign.consumer.lag', 'countersign.http.server.duration'];
    const deadline = Date.now() + 30_000;
    while (!wanted.every((n) => names().has(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(wanted.filter((n) => !names().has(n)), [], `received: ${[...names()].join(', ')}`);
    const decision = receiver.metrics.find((m) => m.name === 'countersign.decision.duration' && m.points.length > 0)!;
    assert.equal(decision.unit, 's');
    assert.ok(decision.points.every((p) => p.shape === SHAPE_LABEL && ['approved', 'denied', 'expired', 'cancelled'].includes(p.outcome)), JSON.stringify(decision.points));
    const services = new Set(receiver.metrics.map((m) => m.service));
    if (SHAPE === 'distributed') assert.ok(services.has('countersign-approval-router') && services.has('countersign-gateway'), [...services].join(', '));
    else assert.deepEqual([...services], ['countersign']);
  });
});
