import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';

/**
 * Standing approvals (ADR 0004) through the API, in both shapes. Where a test says a proposal
 * stays pending, the standing approval can no longer approve it by then (its uses spent, revoked,
 * or expired, as the server already showed): the bounded long poll only confirms what is settled.
 */
const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/standing-principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/standing-policies'),
};
const PROBLEM = 'https://countersign.dev/problems/';

describe(`standing approvals through the API (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, etl: Client, alice: Client, bob: Client, erin: Client, carol: Client, ada: Client;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    [agent, etl, alice, bob, erin, carol, ada] = [KEYS.agent, 'etl-bot-key', KEYS.alice, KEYS.bob, KEYS.erin, KEYS.carol, 'ada-key'].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  /** Proposes; returns the action's id once policy has answered (pending, or already approved under a standing approval). */
  async function propose(who: Client, action: string, resource: string, params: Record<string, unknown> = {}): Promise<{ id: string; status: string }> {
    const res = await who.propose({ action, resource, params });
    assert.ok([201, 202].includes(res.status), res.text);
    const view = res.body.status === 'proposed' ? await decidedOrPending(who, res.body.id, 0) : res.body;
    assert.ok(view.status === 'pending' || (view.status === 'approved' && view.decision.standing), JSON.stringify(view));
    return { id: res.body.id, status: view.status };
  }

  /** Proposes what no standing approval can cover yet; returns the pending action's id. */
  async function pending(who: Client, action: string, resource: string, params: Record<string, unknown> = {}): Promise<string> {
    const { id, status } = await propose(who, action, resource, params);
    assert.equal(status, 'pending');
    return id;
  }

  /** The action once decided, or as it is after `waitS` seconds of long polling. */
  async function decidedOrPending(who: Client, id: string, waitS: number) {
    return waitFor(async () => {
      const res = await who.get(`/v1/actions/${id}?wait=${waitS}s`);
      return res.status === 200 && res.body.status !== 'proposed' ? res.body : undefined;
    }, { what: `action ${id} evaluated`, timeoutMs: 30_000 });
  }

  /** Long-polls until the action is decided (a standing approval takes one more hop than the proposal's answer). */
  async function decided(who: Client, id: string) {
    return waitFor(async () => {
      const view = (await who.get(`/v1/actions/${id}?wait=20s`)).body;
      return view.status !== 'pending' && view.status !== 'proposed' ? view : undefined;
    }, { what: `the decision of ${id}`, timeoutMs: 60_000 });
  }

  /** Approves `id` offering `standing`; returns the new standing approval's id. */
  async function grant(approver: Client, id: string, standing: Record<string, unknown>): Promise<string> {
    const res = await approver.post(`/v1/actions/${id}/approve`, { comment: 'fine, and similar ones for a while', standing });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'approved');
    const granted = res.body.decision.grantedStanding;
    assert.ok(granted?.id, JSON.stringify(res.body.decision));
    assert.match(res.body.decision.reason, new RegExp(`Standing approval ${granted.id} granted to `));
    return granted.id;
  }

  /** The standing approval as `who` reads it, once the read model shows `ready`. */
  async function standing(who: Client, sid: string, ready: (view: any) => boolean = () => true) {
    return waitFor(async () => {
      const res = await who.get(`/v1/standing-approvals/${sid}`);
      return res.status === 200 && ready(res.body) ? res.body : undefined;
    }, { what: `standing approval ${sid}`, timeoutMs: 30_000 });
  }

  it('approves matching proposals at once, citing it, up to its uses and no further', async () => {
    const source = await pending(agent, 'data.export', 'prod/t1/customers', { rows: 10 });
    const sid = await grant(bob, source, { resource: 'prod/t1/**', when: 'params.rows <= 10000', maxUses: 2, ttl: '30m' });
    for (const use of [1, 2]) {
      const { id } = await propose(agent, 'data.export', 'prod/t1/orders', { rows: 500 + use });
      const view = await decided(agent, id);
      assert.equal(view.status, 'approved');
      assert.deepEqual(view.decision.by, ['bob']);
      assert.equal(view.decision.automatic, false);
      assert.deepEqual({ ...view.decision.standing, expiresAt: undefined }, { id: sid, use, maxUses: 2, expiresAt: undefined, sourceActionId: source });
      assert.match(view.decision.reason, new RegExp(`^Approved under standing approval ${sid} \\(use ${use} of 2, until .+\\), granted by bob when they approved action ${source}\\.$`));
    }
    const spent = await standing(agent, sid, (v) => v.uses === 2);
    assert.deepEqual([spent.status, spent.remaining, spent.resource, spent.when, spent.grantedBy], ['exhausted', 0, 'prod/t1/**', 'params.rows <= 10000', ['bob']]);
    assert.ok(spent.remainingSeconds > 0 && spent.remainingSeconds <= 1800);
    assert.equal(spent.usedBy.length, 2);

    const third = await pending(agent, 'data.export', 'prod/t1/orders', { rows: 7 });
    assert.equal((await agent.get(`/v1/actions/${third}?wait=2s`)).body.status, 'pending', 'its uses are spent');

    // The audit trail names the grant and each use.
    const rows = await waitFor(async () => {
      const items = (await carol.get('/v1/audit?limit=1000&type=StandingApprovalUsed')).body.items.filter((e: { details?: { standingId?: string } }) => e.details?.standingId === sid);
      return items.length === 2 ? items : undefined;
    }, { what: 'the audit rows of the uses', timeoutMs: 30_000 });
    assert.match(rows[0].summary, new RegExp(`^standing approval ${sid} used \\(\\d of 2\\) to approve action `));
  });

  it('leaves pending what its glob or condition does not cover, and a condition that cannot be evaluated never matches', async () => {
    const source = await pending(agent, 'data.export', 'prod/t2/customers', { rows: 1 });
    const sid = await grant(alice, source, { resource: 'prod/t2/**', when: 'params.rows <= 1000', maxUses: 5, ttl: '30m' });
    const outside = await pending(agent, 'data.export', 'prod/t3/customers', { rows: 10 });
    const tooMany = await pending(agent, 'data.export', 'prod/t2/customers', { rows: 5000 });
    const noRows = await pending(agent, 'data.export', 'prod/t2/customers', { format: 'csv' });
    // A matching proposal made after them is the first use: none of them was counted.
    const { id: matching } = await propose(agent, 'data.export', 'prod/t2/orders', { rows: 10 });
    assert.equal((await decided(agent, matching)).decision.standing.use, 1);
    const view = await standing(alice, sid, (v) => v.uses === 1);
    assert.deepEqual(view.usedBy.map((u: { actionId: string }) => u.actionId), [matching]);
    for (const id of [outside, tooMany, noRows]) assert.equal((await agent.get(`/v1/actions/${id}`)).body.status, 'pending', id);
  });

  it('is revoked by a grantor, an eligible approver or an admin, and approves nothing after', async () => {
    const source = await pending(agent, 'data.export', 'prod/t4/customers', { rows: 1 });
    const sid = await grant(bob, source, { resource: 'prod/t4/**', maxUses: 5, ttl: '30m' });
    const { id: first } = await propose(agent, 'data.export', 'prod/t4/orders', { rows: 1 });
    assert.equal((await decided(agent, first)).decision.standing.id, sid);
    await standing(bob, sid, (v) => v.uses === 1);

    const outsider = await erin.call('DELETE', `/v1/standing-approvals/${sid}`);
    assert.equal(outsider.status, 404, outsider.text);
    for (const who of [carol, agent]) {
      const refused = await who.call('DELETE', `/v1/standing-approvals/${sid}`);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.type, `${PROBLEM}not-allowed-to-revoke`);
    }
    // alice did not grant it, but was eligible to approve its source action.
    const revoked = await alice.call('DELETE', `/v1/standing-approvals/${sid}`, { reason: 'the t4 export is done' });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.status, 'revoked');
    assert.deepEqual([revoked.body.revoked.by, revoked.body.revoked.reason], ['alice', 'the t4 export is done']);
    await standing(bob, sid, (v) => v.status === 'revoked');
    const again = await bob.call('DELETE', `/v1/standing-approvals/${sid}`);
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.type, `${PROBLEM}already-revoked`);

    const later = await pending(agent, 'data.export', 'prod/t4/orders', { rows: 1 });
    assert.equal((await agent.get(`/v1/actions/${later}?wait=2s`)).body.status, 'pending', 'revoked before it was proposed');

    const other = await grant(bob, await pending(agent, 'data.export', 'prod/t4b/customers'), { resource: 'prod/t4b/**', maxUses: 1, ttl: '30m' });
    await standing(ada, other);
    const byAdmin = await ada.call('DELETE', `/v1/standing-approvals/${other}`);
    assert.equal(byAdmin.status, 200, byAdmin.text);
    assert.equal(byAdmin.body.revoked.by, 'ada');
  });

  it('refuses a self-grant: the requester, and the human an agent acts for, cannot vote at all', async () => {
    const offer = { resource: 'prod/t5/**', maxUses: 1, ttl: '10m' };
    const own = await pending(alice, 'data.export', 'prod/t5/customers');
    const self = await alice.post(`/v1/actions/${own}/approve`, { standing: offer });
    assert.equal(self.status, 403, self.text);
    assert.equal(self.body.type, `${PROBLEM}self-approval`);

    const forAlice = await pending(etl, 'data.export', 'prod/t5/orders');
    const owner = await alice.post(`/v1/actions/${forAlice}/approve`, { standing: offer });
    assert.equal(owner.status, 403, owner.text);
    assert.equal(owner.body.type, `${PROBLEM}self-approval`);

    // bob may grant the agent one; alice (for whom it acts) sees it, and cannot revoke it unless eligible: she is not (excluded as its owner).
    const sid = await grant(bob, forAlice, offer);
    const seen = await standing(alice, sid);
    assert.deepEqual([seen.requester, seen.onBehalfOf], ['etl-bot', 'alice']);
    const notHers = await alice.call('DELETE', `/v1/standing-approvals/${sid}`);
    assert.equal(notHers.status, 403, notHers.text);
  });

  it('under a quorum of 2, exists only when both approvers offered the same terms, and then approves in both their names', async () => {
    const terms = { resource: 'iam/t6/**', maxUses: 2, ttl: '30m' };
    const a1 = await pending(agent, 'iam.escalate', 'iam/t6/admins');
    assert.equal((await alice.post(`/v1/actions/${a1}/approve`, { standing: terms })).body.status, 'pending', 'one approval of two');
    const differ = await bob.post(`/v1/actions/${a1}/approve`, { standing: { ...terms, maxUses: 1 } });
    assert.equal(differ.body.status, 'approved');
    assert.equal(differ.body.decision.grantedStanding, undefined);
    assert.match(differ.body.decision.reason, /No standing approval: the approvers offered different terms/);

    const a2 = await pending(agent, 'iam.escalate', 'iam/t6/admins');
    await alice.post(`/v1/actions/${a2}/approve`, { standing: terms });
    const half = await bob.post(`/v1/actions/${a2}/approve`, {});
    assert.equal(half.body.decision.grantedStanding, undefined);
    assert.match(half.body.decision.reason, /No standing approval: bob did not offer one/);

    const a3 = await pending(agent, 'iam.escalate', 'iam/t6/admins');
    await alice.post(`/v1/actions/${a3}/approve`, { standing: terms });
    const sid = await grant(bob, a3, terms);
    const under = await decided(agent, (await propose(agent, 'iam.escalate', 'iam/t6/ops')).id);
    assert.equal(under.decision.standing.id, sid);
    assert.deepEqual(under.decision.by.sort(), ['alice', 'bob']);
  });

  it('expires at the end of its time: proposals are approved until then, and none after', async () => {
    const source = await pending(agent, 'data.sync', 'prod/t7/customers');
    const sid = await grant(bob, source, { resource: 'prod/t7/**', maxUses: 1000, ttl: '3s' });
    const { expiresAt } = await standing(agent, sid);
    const approved: Array<{ at: string }> = [];
    for (let n = 0; ; n += 1) {
      const { id } = await propose(agent, 'data.sync', 'prod/t7/orders', { n });
      // Approved in a moment while it has time left; once the server's clock is past its expiry, a last short poll.
      let view = await agent.get(`/v1/actions/${id}?wait=1s`);
      while (view.body.status === 'pending' && Date.now() < Date.parse(expiresAt)) view = await agent.get(`/v1/actions/${id}?wait=1s`);
      if (view.body.status === 'pending') view = await agent.get(`/v1/actions/${id}?wait=2s`);
      if (view.body.status === 'approved') {
        assert.equal(view.body.decision.standing.id, sid);
        approved.push(view.body.decision);
        continue;
      }
      // Refused: only because it had expired by the time it was asked.
      assert.equal(view.body.status, 'pending');
      assert.ok(Date.now() >= Date.parse(expiresAt), `refused at ${new Date().toISOString()}, before its expiry ${expiresAt}`);
      break;
    }
    assert.ok(approved.length >= 1, 'approved at least once before it expired');
    const after = await standing(agent, sid, (v) => v.uses === approved.length);
    assert.deepEqual([after.status, after.remainingSeconds], ['expired', 0]);
    // Each use was counted before the expiry (the approval it causes follows in the action's stream a moment later).
    for (const use of after.usedBy) assert.ok(Date.parse(use.at) < Date.parse(expiresAt), `use ${use.use} at ${use.at} is before ${expiresAt}`);
    const late = await pending(agent, 'data.sync', 'prod/t7/orders', { late: true });
    assert.equal((await agent.get(`/v1/actions/${late}?wait=2s`)).body.status, 'pending');
    const revoke = await bob.call('DELETE', `/v1/standing-approvals/${sid}`);
    assert.equal(revoke.status, 409, revoke.text);
    assert.equal(revoke.body.type, `${PROBLEM}standing-approval-expired`);
  });

  it('refuses offers the rule does not allow or that are malformed, naming the field', async () => {
    const plain = await pending(agent, 'data.delete', 'prod/t8/customers');
    const notAllowed = await bob.post(`/v1/actions/${plain}/approve`, { standing: { resource: 'prod/t8/**', maxUses: 1, ttl: '10m' } });
    assert.equal(notAllowed.status, 422, notAllowed.text);
    assert.equal(notAllowed.body.type, `${PROBLEM}standing-not-allowed`);
    assert.deepEqual(notAllowed.body.errors.map((e: { pointer: string }) => e.pointer), ['/standing']);

    const id = await pending(agent, 'data.export', 'prod/t8/customers');
    const cases: Array<[Record<string, unknown>, number, string[]]> = [
      [{ resource: 'prod/t8/**', maxUses: 6, ttl: '2h' }, 422, ['/standing/maxUses', '/standing/ttl']],
      [{ resource: '/prod/t8/**', maxUses: 1, ttl: '10m' }, 400, ['/standing/resource']],
      [{ resource: 'prod/t8/**', when: 'params.rows <', maxUses: 1, ttl: '10m' }, 400, ['/standing/when']],
      [{ resource: 'prod/t8/**', when: 'context.ticket != ""', maxUses: 1, ttl: '10m' }, 400, ['/standing/when']],
      [{ resource: 'prod/t8/**', maxUses: 1, ttl: 'ten minutes' }, 400, ['/standing/ttl']],
    ];
    for (const [offer, status, pointers] of cases) {
      const res = await bob.post(`/v1/actions/${id}/approve`, { standing: offer });
      assert.equal(res.status, status, `${JSON.stringify(offer)}: ${res.text}`);
      assert.deepEqual(res.body.errors.map((e: { pointer: string }) => e.pointer), pointers, JSON.stringify(offer));
    }
    assert.equal((await agent.get(`/v1/actions/${id}`)).body.status, 'pending', 'nothing was sent');
    const glass = await bob.post(`/v1/actions/${id}/approve`, { breakGlass: true, comment: 'now', standing: { resource: 'prod/**', maxUses: 1, ttl: '1m' } });
    assert.equal(glass.status, 422, glass.text);
  });

  it('lists standing approvals to those who may see them', async () => {
    const sid = await grant(bob, await pending(agent, 'data.export', 'prod/t9/customers'), { resource: 'prod/t9/**', maxUses: 1, ttl: '30m' });
    await standing(agent, sid);
    const ids = async (who: Client, query = '') => {
      const res = await who.get(`/v1/standing-approvals?limit=1000${query}`);
      assert.equal(res.status, 200, res.text);
      return res.body.items.map((i: { id: string }) => i.id);
    };
    assert.ok((await ids(agent, '&requester=me')).includes(sid), 'the requester');
    assert.ok((await ids(bob)).includes(sid), 'its grantor');
    assert.ok((await ids(alice, '&status=active')).includes(sid), 'an eligible approver, among the active ones');
    assert.ok((await ids(carol)).includes(sid), 'an auditor');
    assert.ok(!(await ids(erin)).includes(sid), 'not someone with no part in it');
    assert.equal((await erin.get(`/v1/standing-approvals/${sid}`)).status, 404);
    const bad = await agent.get('/v1/standing-approvals?status=old');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { parameter: string }) => e.parameter), ['status']);
  });
});
