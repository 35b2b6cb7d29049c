import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsProbe, type MetricsProbe } from '../testing/index.ts';
import { ConsumerLagGauge, ConsumerMetrics, timeBatchCommit } from './consumer-metrics.ts';

describe('consumer metrics', () => {
  let probe: MetricsProbe;
  before(() => (probe = startMetricsProbe()));
  after(() => probe.stop());
  const read = (name: string) => probe.rows(name);

  it('counts handled records, dead letters by reason, failures by type and retries by scope, per group', async () => {
    const router = new ConsumerMetrics('approval-router');
    const projector = new ConsumerMetrics('audit-projector');
    router.handled(3);
    router.handled(2);
    projector.handled(7);
    router.deadLettered('invalid');
    router.deadLettered('invalid');
    router.deadLettered('attempts_exhausted');
    router.failed('transient');
    router.failed('error');
    router.retried('batch');
    router.retried('record');
    router.retried('record');
    const byGroup = (rows: Array<Record<string, unknown>>) => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(byGroup(await read('countersign.consumer.records')), [
      { group: 'approval-router', value: 5 }, { group: 'audit-projector', value: 7 },
    ]);
    assert.deepEqual(byGroup(await read('countersign.consumer.dead_letters')), [
      { group: 'approval-router', reason: 'attempts_exhausted', value: 1 }, { group: 'approval-router', reason: 'invalid', value: 2 },
    ]);
    assert.deepEqual(byGroup(await read('countersign.consumer.failures')), [
      { group: 'approval-router', error_type: 'error', value: 1 }, { group: 'approval-router', error_type: 'transient', value: 1 },
    ]);
    assert.deepEqual(byGroup(await read('countersign.consumer.retries')), [
      { group: 'approval-router', scope: 'batch', value: 1 }, { group: 'approval-router', scope: 'record', value: 2 },
    ]);
  });

  it('lag gauge: the last readings per group, topic and partition; an unknown one keeps the last known', async () => {
    const gauge = new ConsumerLagGauge();
    gauge.set('approval-router', 'countersign.commands', [{ partition: 0, lag: 4 }, { partition: 1, lag: 0 }]);
    gauge.set('notifier', 'countersign.events', [{ partition: 0, lag: 9 }]);
    gauge.set('approval-router', 'countersign.commands', [{ partition: 0, lag: 1 }, { partition: 1, lag: 2 }]);
    const lag = async () => (await read('countersign.consumer.lag')).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(await lag(), [
      { group: 'approval-router', topic: 'countersign.commands', partition: '0', value: 1 },
      { group: 'approval-router', topic: 'countersign.commands', partition: '1', value: 2 },
      { group: 'notifier', topic: 'countersign.events', partition: '0', value: 9 },
    ]);
    gauge.set('notifier', 'countersign.events', undefined);
    const second = new ConsumerLagGauge();
    second.set('gateway', 'countersign.events', [{ partition: 2, lag: 5 }]);
    const now = await lag();
    assert.ok(now.some((r) => r.group === 'gateway' && r.partition === '2' && r.value === 5), JSON.stringify(now));
    assert.ok(now.some((r) => r.group === 'approval-router' && r.value === 2), 'both transports are shown');
    assert.ok(now.some((r) => r.group === 'notifier' && r.value === 9), 'the brokers did not answer: the last reading stays');
    gauge.close();
    second.close();
  });

  it('commit duration: times the work, labelled ok or error, passing its result and error through', async () => {
    assert.equal(await timeBatchCommit('kafka', 'approval-router', async () => 'committed'), 'committed');
    await assert.rejects(timeBatchCommit('kafka', 'approval-router', async () => Promise.reject(new Error('fenced'))), /fenced/);
    await timeBatchCommit('file', 'audit-projector', async () => new Promise((r) => setTimeout(r, 20)));
    const points = await probe.points('countersign.eventlog.commit.duration');
    const find = (log: string, outcome: string) => points.find((p) => p.attributes.log === log && p.attributes.outcome === outcome);
    assert.equal(find('kafka', 'ok')?.value, 1);
    assert.equal(find('kafka', 'error')?.value, 1);
    const file = find('file', 'ok')!;
    assert.equal(file.attributes.group, 'audit-projector');
    assert.ok(file.sum! >= 0.015 && file.sum! < 5, `seconds, not milliseconds: ${file.sum}`);
  });
});
