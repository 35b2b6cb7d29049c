import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS } from '../support/api-client.ts';
import { freePort, removeDir, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { otlpReceiver } from '../support/otlp-receiver.ts';

describe(`one proposal is one OpenTelemetry trace across the services (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  before(async () => {
    const port = await freePort();
    receiver = await otlpReceiver(port);
    cs = await startCountersign({ env: { ...E2E_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '50' } });
  });
  after(async () => {
    await cs.stop();
    receiver.server.close();
    await removeDir(cs.dataDir);
  });

  it('the gateway, router, evaluator and projector spans share the trace the events carry', async () => {
    const proposed = await client(cs.url, KEYS.agent).propose({ action: 'data.read', resource: 'prod/traced' });
    assert.equal(proposed.body.status, 'approved');
    // The events are a read model: wait until the projector has written all three.
    const events = () => client(cs.url, KEYS.agent).get(`/v1/actions/${proposed.body.id}/events`);
    await until(async () => (await events()).body.events?.length >= 3, 'the action\'s events in the read model');
    const chain = await events();
    const traceIds = new Set(chain.body.events.map((e: { traceparent?: string }) => e.traceparent?.split('-')[1]));
    assert.equal(traceIds.size, 1, 'every event of the action carries one trace id');
    const [traceId] = [...traceIds] as string[];
    assert.match(traceId, /^[0-9a-f]{32}$/);
    const expected = ['gateway ProposeAction', 'policy-evaluator ProposeAction', 'approval-router RecordProposal', 'audit-projector ActionApproved'];
    const deadline = Date.now() + 20_000;
    const names = () => new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name));
    while (!expected.every((n) => names().has(n)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(expected.filter((n) => !names().has(n)), [], `spans of trace ${traceId}: ${[...names()].join(', ')}`);
    const services = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
    assert.ok(services.size >= 1 && [...services].every((s) => s.startsWith('countersign')), [...services].join(', '));
  });
});
