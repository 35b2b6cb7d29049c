// The Grafana dashboard deploy/grafana/countersign.json, checked against the metrics the code
// registers: every PromQL expression names only series a Countersign process serves on /metrics,
// with labels those series have, so the dashboard cannot drift from the code.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Counter, Histogram, ObservableGauge } from '@opentelemetry/api';
import { instruments, METRICS, startMetrics, type Metrics } from '@countersign/telemetry';
import { declaredFamilies, parsePrometheusText } from '../support/prometheus-text.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dashboard = JSON.parse(readFileSync(`${ROOT}deploy/grafana/countersign.json`, 'utf8'));
const panels: any[] = dashboard.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]).filter((p: any) => p.type !== 'row');
const variables: any[] = dashboard.templating.list;
const expressions: string[] = [
  ...panels.flatMap((p) => p.targets.map((t: any) => t.expr)),
  ...variables.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
];

/** Series name → the label names its samples carry, as a process serves them. */
async function servedSeries(): Promise<Map<string, Set<string>>> {
  const metrics: Metrics = startMetrics({ serviceName: 'dashboard-test', instanceId: 'test', shape: 'embedded' }, {});
  let server: Server | undefined;
  try {
    const made = instruments();
    for (const [key, def] of Object.entries(METRICS)) {
      const labels = Object.fromEntries(def.labels.map((l) => [l, 'x']));
      const instrument = made[key as keyof typeof METRICS];
      if (def.kind === 'histogram') (instrument as Histogram).record(1, labels);
      else if (def.kind === 'counter') (instrument as Counter).add(1, labels);
      else (instrument as ObservableGauge).addCallback((result) => result.observe(1, labels));
    }
    server = createServer((req, res) => metrics.handler(req, res));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const page = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
    const series = new Map<string, Set<string>>();
    for (const sample of parsePrometheusText(page)) {
      const labels = series.get(sample.name) ?? new Set<string>();
      for (const label of Object.keys(sample.labels)) labels.add(label);
      series.set(sample.name, labels);
    }
    assert.equal(declaredFamilies(page).get('countersign_decision_duration'), 'histogram');
    return series;
  } finally {
    server?.close();
    await metrics.shutdown();
  }
}

const METRIC_NAME = /\bcountersign_[a-z0-9_]+\b/g;

describe('Grafana dashboard deploy/grafana/countersign.json', () => {
  let served: Map<string, Set<string>>;
  before(async () => (served = await servedSeries()));

  it('parses, and reads every panel from the Prometheus datasource chosen in its variable', () => {
    assert.equal(dashboard.uid, 'countersign');
    const datasource = variables.find((v) => v.name === 'datasource');
    assert.deepEqual({ type: datasource?.type, query: datasource?.query }, { type: 'datasource', query: 'prometheus' });
    assert.ok(panels.length >= 10);
    for (const panel of panels) {
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
      assert.ok(panel.targets.length > 0 && panel.targets.every((t: any) => t.datasource.uid === '${datasource}' && t.expr), panel.title);
    }
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  });

  it('every PromQL expression names only series a process serves', () => {
    for (const expr of expressions) {
      const names = expr.match(METRIC_NAME) ?? [];
      assert.ok(names.length > 0, `${expr}: names no Countersign metric`);
      for (const name of names) assert.ok(served.has(name), `${expr}: ${name} is not served (served: ${[...served.keys()].join(', ')})`);
    }
  });

  it('every label a selector or an aggregation uses is a label of the series it applies to', () => {
    for (const expr of expressions) {
      for (const [, name, inside] of expr.matchAll(/\b(countersign_[a-z0-9_]+)\{([^}]*)\}/g)) {
        for (const [, label] of inside.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) assert.ok(served.get(name)!.has(label), `${expr}: ${name} has no label ${label}`);
      }
      const labels = new Set((expr.match(METRIC_NAME) ?? []).flatMap((name) => [...served.get(name)!]));
      for (const [, list] of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        for (const label of list.split(',').map((l) => l.trim())) assert.ok(labels.has(label), `${expr}: aggregates by ${label}, which its series lack`);
      }
      for (const [, name, label] of expr.matchAll(/label_values\((countersign_[a-z0-9_]+), ([a-z_]+)\)/g)) assert.ok(served.get(name)!.has(label), expr);
    }
  });

  it('shows what operators asked for: decision latency, throughput, pending, lag, transactions, dead letters, delivery failures', () => {
    const all = expressions.join('\n');
    for (const wanted of [
      /histogram_quantile\(0\.5, sum by \(le, outcome[^)]*\) \(rate\(countersign_decision_duration_bucket/,
      /histogram_quantile\(0\.99, sum by \(le, outcome[^)]*\) \(rate\(countersign_decision_duration_bucket/,
      /rate\(countersign_decision_duration_count/, /countersign_actions_pending/, /by \(group, topic, partition\) \(countersign_consumer_lag\)/,
      /countersign_eventlog_commit_duration_bucket/, /countersign_consumer_dead_letters_total/, /countersign_notifier_delivery_failures_total/,
    ]) assert.match(all, wanted);
  });
});
