import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsProbe, type MetricsProbe } from '../testing/index.ts';
import { RouterMetrics, setShape, timeProposalAnswer, type CommandFacts, type EventFacts } from './action-metrics.ts';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
let ids = 0;

function propose(actionId: string, issuedMs: number): { command: CommandFacts; event: EventFacts } {
  const command = { id: `c${++ids}`, type: 'ProposeAction', actionId, issuedAt: at(issuedMs) };
  // The router writes ActionProposed later than the gateway issued the command: the trip counts.
  const event = { type: 'ActionProposed', streamId: actionId, causationId: command.id, occurredAt: at(issuedMs + 40), data: {} };
  return { command, event };
}

function decision(type: string, actionId: string, occurredMs: number, data: unknown = {}): EventFacts {
  return { type, streamId: actionId, causationId: `c${++ids}`, occurredAt: at(occurredMs), data };
}

const DECISIONS = 'countersign.decision.duration';

describe('router metrics', () => {
  let probe: MetricsProbe;
  before(() => {
    probe = startMetricsProbe();
    setShape('distributed');
  });
  after(() => probe.stop());

  it('given an automatic approval in the proposal\'s batch, records issuedAt → occurredAt by outcome, automatic and shape', async () => {
    const router = new RouterMetrics(() => 0);
    const p = propose('a1', 0);
    router.decided([p.command], [p.event, decision('PolicyEvaluated', 'a1', 60), decision('ActionApproved', 'a1', 250, { automatic: true })]);
    const points = (await probe.points(DECISIONS)).filter((x) => x.attributes.outcome === 'approved' && x.attributes.automatic === 'true');
    assert.deepEqual(points.map((x) => ({ ...x.attributes })), [{ outcome: 'approved', automatic: 'true', shape: 'distributed' }]);
    assert.equal(points[0].value, 1);
    assert.equal(points[0].sum, 0.25);
    router.close();
  });

  it('given a decision in a later batch (votes, expiry), measures it from the proposal; each action once', async () => {
    const router = new RouterMetrics(() => 0);
    const p = propose('a2', 0);
    router.decided([p.command], [p.event, decision('ApprovalRequested', 'a2', 60)]);
    assert.equal((await probe.points(DECISIONS)).filter((x) => x.attributes.outcome === 'expired').length, 0);
    router.decided([], [decision('ActionExpired', 'a2', 3_600_000)]);
    router.decided([], [decision('ActionExpired', 'a2', 3_700_000)]);
    const [expired] = (await probe.points(DECISIONS)).filter((x) => x.attributes.outcome === 'expired');
    assert.deepEqual({ ...expired.attributes, value: expired.value, sum: expired.sum }, { outcome: 'expired', automatic: 'true', shape: 'distributed', value: 1, sum: 3600 });
    router.close();
  });

  it('given a decision of an action proposed before this router owned it, records nothing rather than guess', async () => {
    const router = new RouterMetrics(() => 0);
    router.decided([], [decision('ActionCancelled', 'elsewhere', 10)]);
    assert.deepEqual((await probe.points(DECISIONS)).filter((x) => x.attributes.outcome === 'cancelled'), []);
    router.close();
  });

  it('given a router clock behind the gateway\'s, records zero, never a negative latency', async () => {
    const router = new RouterMetrics(() => 0);
    const p = propose('a3', 5000);
    router.decided([p.command], [p.event, decision('ActionDenied', 'a3', 1000, { automatic: false })]);
    const [denied] = (await probe.points(DECISIONS)).filter((x) => x.attributes.outcome === 'denied');
    assert.equal(denied.attributes.automatic, 'false');
    assert.equal(denied.sum, 0);
    router.close();
  });

  it('given more open proposals than it keeps, forgets the oldest first', async () => {
    const router = new RouterMetrics(() => 0, 2);
    const proposals = ['o1', 'o2', 'o3'].map((id) => propose(id, 0));
    router.decided(proposals.map((p) => p.command), proposals.map((p) => p.event));
    const before = (await probe.points(DECISIONS)).find((x) => x.attributes.outcome === 'approved' && x.attributes.automatic === 'false')?.value ?? 0;
    router.decided([], ['o1', 'o2', 'o3'].map((id) => decision('ActionApproved', id, 100, { automatic: false })));
    const afterCount = (await probe.points(DECISIONS)).find((x) => x.attributes.outcome === 'approved' && x.attributes.automatic === 'false')!.value;
    assert.equal(afterCount - before, 2, 'o1 was forgotten; o2 and o3 are measured');
    router.close();
  });

  it('pending actions: the sum over the routers of the process, 0 once they closed', async () => {
    const pending = async () => (await probe.points('countersign.actions.pending')).map((x) => ({ value: x.value, ...x.attributes }));
    const one = new RouterMetrics(() => 3);
    const two = new RouterMetrics(() => 4);
    assert.deepEqual(await pending(), [{ value: 7, shape: 'distributed' }]);
    two.close();
    assert.deepEqual(await pending(), [{ value: 3, shape: 'distributed' }]);
    one.close();
    assert.deepEqual(await pending(), [{ value: 0, shape: 'distributed' }]);
  });
});

describe('the gateway\'s answer latency', () => {
  let probe: MetricsProbe;
  before(() => {
    probe = startMetricsProbe();
    setShape('embedded');
  });
  after(() => probe.stop());
  const answers = async () => (await probe.rows('countersign.gateway.answer.duration')).map(({ sum: _sum, ...row }) => row);

  it('records 201 answers by the status and decision they carry, 202 as undecided; replays and errors not at all', async () => {
    const body = await timeProposalAnswer({ statusCode: 201 }, async () => ({ status: 'approved', decision: { automatic: true } }));
    assert.deepEqual(body, { status: 'approved', decision: { automatic: true } });
    await timeProposalAnswer({ statusCode: 201 }, async () => ({ status: 'pending' }));
    await timeProposalAnswer({ statusCode: 202 }, async () => ({ status: 'proposed' }));
    await timeProposalAnswer({ statusCode: 200 }, async () => ({ status: 'approved', decision: { automatic: true } }));
    await assert.rejects(timeProposalAnswer({ statusCode: 201 }, async () => Promise.reject(new Error('read model down'))), /read model down/);
    await timeProposalAnswer({ statusCode: 201 }, async () => ({ status: 'made-up' }));
    assert.deepEqual(await answers(), [
      { outcome: 'approved', automatic: 'true', shape: 'embedded', value: 1 },
      { outcome: 'other', automatic: 'false', shape: 'embedded', value: 1 },
      { outcome: 'pending', automatic: 'false', shape: 'embedded', value: 1 },
      { outcome: 'undecided', automatic: 'false', shape: 'embedded', value: 1 },
    ]);
  });
});
