import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { startMetricsProbe, type MetricsProbe } from '../testing/index.ts';
import { channelKind, httpMetricsMiddleware, recordDelivery, statusClass } from './edge-metrics.ts';

describe('edge metrics: labels from a closed set', () => {
  it('a channel is labelled by its kind only, never its address', () => {
    assert.equal(channelKind('slack:#data-approvals'), 'slack');
    assert.equal(channelKind('slack:@U123'), 'slack');
    assert.equal(channelKind('teams:19:abc@thread.v2'), 'teams');
    assert.equal(channelKind('webhook:siem'), 'webhook');
    assert.equal(channelKind('callback'), 'callback');
    assert.equal(channelKind('pager:ops'), 'other');
  });

  it('property: whatever a policy names as a channel, or a server answers, the label is one of a few', () => {
    const kinds = new Set(['slack', 'teams', 'webhook', 'callback', 'other']);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (channel) => kinds.has(channelKind(channel))), { numRuns: 500 });
    const classes = new Set(['1xx', '2xx', '3xx', '4xx', '5xx', 'other']);
    fc.assert(fc.property(fc.integer({ min: -1000, max: 100_000 }), (status) => classes.has(statusClass(status))), { numRuns: 500 });
    assert.equal(statusClass(201), '2xx');
    assert.equal(statusClass(503), '5xx');
  });
});

describe('edge metrics: recorded', () => {
  let probe: MetricsProbe;
  before(() => (probe = startMetricsProbe()));
  after(() => probe.stop());
  const read = (name: string) => probe.rows(name);

  it('deliveries count by channel kind and purpose; failures say whether a retry follows', async () => {
    recordDelivery('slack:#data-approvals', 'request', { ok: true, final: true });
    recordDelivery('slack:@U999', 'request', { ok: true, final: true });
    recordDelivery('webhook:siem', 'decision', { ok: false, final: false });
    recordDelivery('webhook:siem', 'decision', { ok: false, final: true });
    recordDelivery('webhook:siem', 'made-up', { ok: false, final: true });
    assert.deepEqual(await read('countersign.notifier.deliveries'), [{ channel: 'slack', purpose: 'request', value: 2 }]);
    const failures = (await read('countersign.notifier.delivery_failures')).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(failures, [
      { channel: 'webhook', purpose: 'decision', final: 'false', value: 1 },
      { channel: 'webhook', purpose: 'decision', final: 'true', value: 1 },
      { channel: 'webhook', purpose: 'other', final: 'true', value: 1 },
    ]);
  });

  it('HTTP requests by method, route template and status class: ids in paths and unknown paths are not labels', async () => {
    const app = express();
    app.use(httpMetricsMiddleware);
    app.get('/v1/actions/:id', (req, res) => void res.status(req.params.id === 'missing' ? 404 : 200).end());
    app.post('/v1/actions', (_req, res) => void res.status(201).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const id of ['0192a0b0-aaaa', '0192a0b0-bbbb', 'missing']) await (await fetch(`${base}/v1/actions/${id}`)).arrayBuffer();
      await (await fetch(`${base}/v1/actions`, { method: 'POST' })).arrayBuffer();
      await (await fetch(`${base}/secret-probe/${'x'.repeat(50)}`)).arrayBuffer();
      await (await fetch(`${base}/v1/actions`, { method: 'BREW' }).catch(() => new Response())).arrayBuffer();
      const rows = (await read('countersign.http.server.duration')).map(({ sum: _sum, ...row }) => row);
      assert.deepEqual(rows.filter((r) => r.method !== 'other'), [
        { method: 'GET', route: '/v1/actions/:id', status_class: '2xx', value: 2 },
        { method: 'GET', route: '/v1/actions/:id', status_class: '4xx', value: 1 },
        { method: 'GET', route: 'unmatched', status_class: '4xx', value: 1 },
        { method: 'POST', route: '/v1/actions', status_class: '2xx', value: 1 },
      ]);
      assert.ok(rows.every((r) => !String(r.route).includes('0192') && !String(r.route).includes('secret') && r.method !== 'BREW'), JSON.stringify(rows));
    } finally {
      server.close();
    }
  });
});
