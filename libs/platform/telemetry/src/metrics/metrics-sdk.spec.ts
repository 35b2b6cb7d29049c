import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RouterMetrics } from './action-metrics.ts';
import { ConsumerMetrics } from './consumer-metrics.ts';
import { startMetrics } from './metrics-sdk.ts';

describe('the metrics SDK of a process', () => {
  it('serves what the helpers record on GET /metrics, in the Prometheus text format, with the shape and instance', async () => {
    const metrics = startMetrics({ serviceName: 'countersign', instanceId: 'test-0', shape: 'embedded' }, {});
    assert.equal(metrics.otlp, false);
    const server = createServer((req, res) => metrics.handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const router = new RouterMetrics(() => 2);
      const issuedAt = new Date(Date.now() - 30).toISOString();
      router.decided([{ id: 'c1', type: 'ProposeAction', actionId: 'a1', issuedAt }], [
        { type: 'ActionProposed', streamId: 'a1', causationId: 'c1', occurredAt: issuedAt, data: {} },
        { type: 'ActionApproved', streamId: 'a1', causationId: 'c2', occurredAt: new Date().toISOString(), data: { automatic: true } },
      ]);
      new ConsumerMetrics('approval-router').handled(5);
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await res.text();
      assert.match(text, /^# TYPE countersign_decision_duration histogram$/m);
      assert.match(text, /^countersign_decision_duration_count\{[^}]*outcome="approved",automatic="true",shape="embedded"[^}]*\} 1$/m);
      assert.match(text, /^countersign_decision_duration_bucket\{[^}]*le="0\.05"[^}]*\} 1$/m, 'seconds, with buckets fit for them');
      assert.match(text, /^countersign_consumer_records_total\{[^}]*group="approval-router"[^}]*\} 5$/m);
      assert.match(text, /^countersign_actions_pending\{[^}]*shape="embedded"[^}]*\} 2$/m);
      assert.match(text, /^target_info\{[^}]*service_instance_id="test-0"[^}]*\} 1$/m);
      assert.doesNotMatch(text, /a1|c1/, 'no action or command id in any label');
      router.close();
    } finally {
      server.close();
      await metrics.shutdown();
    }
  });

  it('refuses a malformed export interval, naming the variable, and a second provider in one process', async () => {
    assert.throws(() => startMetrics({ serviceName: 's', instanceId: 'i', shape: 'embedded' }, { OTEL_METRIC_EXPORT_INTERVAL: '5s' }),
      /^Error: OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds \(1 to 999999999\), got "5s"$/);
    assert.throws(() => startMetrics({ serviceName: 's', instanceId: 'i', shape: 'embedded' }, { OTEL_METRIC_EXPORT_TIMEOUT: '-1' }), /OTEL_METRIC_EXPORT_TIMEOUT/);
    const first = startMetrics({ serviceName: 's', instanceId: 'i', shape: 'distributed' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/', OTEL_METRIC_EXPORT_TIMEOUT: '300' });
    try {
      assert.equal(first.otlp, true);
      assert.throws(() => startMetrics({ serviceName: 's', instanceId: 'i', shape: 'distributed' }, {}), /already registered/);
    } finally {
      await first.shutdown();
    }
  });
});
