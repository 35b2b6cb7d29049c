import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { openStream, type SseMessage, type SseStream } from '../support/sse-client.ts';
import { until } from '../support/until.ts';

/** Fewer open streams than the default, so the limit can be reached; heartbeats often, so they can be seen. */
const MAX_STREAMS = 6;

describe(`Server-Sent Events (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client, alice: Client, bob: Client, erin: Client;
  const open: SseStream[] = [];
  const stream = async (path: string, key: string | undefined, headers: Record<string, string> = {}) => {
    const s = await openStream(cs.url + path, key, headers);
    open.push(s);
    return s;
  };
  const seqs = (events: readonly SseMessage[]) => events.map((e) => Number(e.id));
  const ofAction = (id: string) => (e: SseMessage) => e.data.actionId === id;

  before(async () => {
    cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_MAX_STREAMS: String(MAX_STREAMS), COUNTERSIGN_STREAM_HEARTBEAT_MS: '300' } });
    [agent, alice, bob, erin] = [KEYS.agent, KEYS.alice, KEYS.bob, KEYS.erin].map((k) => client(cs.url, k));
  });
  after(async () => {
    for (const s of open) s.close();
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it("streams an action's events live, in order, as GET /events stores them, and stays open after the decision", async () => {
    const proposed = await agent.propose({ action: 'data.export', resource: 'prod/sse-live', params: { rows: 5 } });
    assert.equal(proposed.body.status, 'pending');
    const id = proposed.body.id;
    const s = await stream(`/v1/actions/${id}/stream`, KEYS.bob);
    assert.equal(s.status, 200);
    assert.match(s.headers.get('content-type')!, /^text\/event-stream/);
    assert.equal(s.headers.get('cache-control'), 'no-cache, no-store, no-transform');
    await s.waitFor((e) => e.event === 'ApprovalRequested', 'the request');
    const approved = await bob.post(`/v1/actions/${id}/approve`, { comment: 'fine' });
    assert.equal(approved.body.status, 'approved');
    await s.waitFor((e) => e.event === 'ActionApproved', 'the decision, live');
    assert.deepEqual(s.events.map((e) => e.event), ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'ActionApproved']);
    assert.deepEqual(seqs(s.events), [1, 2, 3, 4, 5]);
    assert.ok(s.events.every((e) => e.data.seq === Number(e.id) && e.data.type === e.event && e.data.streamId === id));
    // The same envelopes as the read model serves, once it has them.
    await until(async () => (await bob.get(`/v1/actions/${id}/events`)).body.events.length >= 5, 'the events in the read model');
    assert.deepEqual(s.events.map((e) => e.data), (await bob.get(`/v1/actions/${id}/events`)).body.events);
    // Still open after the decision (executions may follow): heartbeats keep coming.
    const heard = s.comments.length;
    await s.waitForComments(heard + 2);
    assert.equal(s.events.length, 5);
    s.close();
  });

  it('resumes after Last-Event-ID with exactly the events the client missed', async () => {
    const proposed = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/sse', params: { user: 'dave' } });
    const id = proposed.body.id;
    const first = await stream(`/v1/actions/${id}/stream`, KEYS.agent);
    await first.waitFor((e) => e.id === '3', 'seq 3');
    first.close();
    assert.equal((await alice.post(`/v1/actions/${id}/approve`, {})).body.status, 'pending');
    assert.equal((await erin.post(`/v1/actions/${id}/approve`, {})).body.status, 'approved');
    // Right after the answers, which came from the log: the read model may still be behind.
    const resumed = await stream(`/v1/actions/${id}/stream`, KEYS.agent, { 'Last-Event-ID': '3' });
    await resumed.waitFor((e) => e.event === 'ActionApproved', 'the decision');
    assert.deepEqual(seqs(resumed.events), [4, 5, 6]);
    assert.deepEqual(resumed.events.map((e) => e.event), ['VoteRecorded', 'VoteRecorded', 'ActionApproved']);
    resumed.close();
    // Resumed at the end: nothing is sent again, heartbeats only.
    const atEnd = await stream(`/v1/actions/${id}/stream`, KEYS.agent, { 'Last-Event-ID': '6' });
    await atEnd.waitForComments(3);
    assert.deepEqual(atEnd.events, []);
    atEnd.close();
  });

  it('feeds an approver the requests they may vote on and the decisions of those, and nobody else', async () => {
    const aliceFeed = await stream('/v1/stream?approver=me', KEYS.alice);
    const erinFeed = await stream('/v1/stream?approver=me', KEYS.erin);
    assert.equal(aliceFeed.status, 200);
    const exported = (await agent.propose({ action: 'data.export', resource: 'prod/sse-feed' })).body.id;
    const request = await aliceFeed.waitFor((e) => e.event === 'request' && e.data.actionId === exported, "alice's request");
    assert.equal(request.data.type, 'ApprovalRequested');
    assert.equal(request.data.resource, 'prod/sse-feed');
    assert.ok(request.data.details.eligible.includes('alice'));
    assert.match(request.id!, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z~${exported}:00000003$`));
    await bob.post(`/v1/actions/${exported}/approve`, {});
    const decision = await aliceFeed.waitFor((e) => e.event === 'decision' && e.data.actionId === exported, 'the decision');
    assert.equal(decision.data.outcome, 'approved');
    // Erin (security) is not eligible on the export; a later request for her bounds the wait.
    const scaled = (await agent.propose({ action: 'k8s.scale', resource: 'cluster/sse' })).body.id;
    await erinFeed.waitFor((e) => e.event === 'request' && e.data.actionId === scaled, "erin's request");
    assert.equal(erinFeed.events.filter(ofAction(exported)).length, 0);
    assert.equal(aliceFeed.events.filter(ofAction(scaled)).length, 0);
    aliceFeed.close();
    erinFeed.close();
    // Resumed from the request: the decision comes again (positions look back a little; ids are stable).
    const resumed = await stream('/v1/stream?approver=me', KEYS.alice, { 'Last-Event-ID': request.id! });
    const again = await resumed.waitFor((e) => e.event === 'decision' && e.data.actionId === exported, 'the decision on resume');
    assert.equal(again.id, decision.id);
    resumed.close();
  });

  it('answers 404 for an action the caller may not see, and refuses bad input before opening anything', async () => {
    const id = (await agent.propose({ action: 'data.export', resource: 'prod/sse-hidden' })).body.id;
    const hidden = await stream(`/v1/actions/${id}/stream`, KEYS.erin);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.problem.type, 'https://countersign.dev/problems/action-not-found');
    const unknown = await stream('/v1/actions/01a20091-0000-7000-8000-000000000000/stream', KEYS.erin);
    assert.equal(unknown.status, 404);
    assert.deepEqual(hidden.problem.detail.replace(id, 'X'), unknown.problem.detail.replace('01a20091-0000-7000-8000-000000000000', 'X'));
    const anonymous = await stream(`/v1/actions/${id}/stream`, undefined);
    assert.equal(anonymous.status, 401);
    const badId = await stream(`/v1/actions/${id}/stream`, KEYS.bob, { 'Last-Event-ID': '-1' });
    assert.equal(badId.status, 400);
    assert.equal(badId.problem.errors[0].header, 'Last-Event-ID');
    const badFeedId = await stream('/v1/stream?approver=me', KEYS.bob, { 'Last-Event-ID': '3' });
    assert.equal(badFeedId.status, 400);
    assert.equal(badFeedId.problem.errors[0].header, 'Last-Event-ID');
    const extra = await stream(`/v1/actions/${id}/stream?wait=5s`, KEYS.bob);
    assert.equal(extra.status, 400);
    assert.equal(extra.problem.errors[0].parameter, 'wait');
    const notMe = await stream('/v1/stream?approver=bob', KEYS.alice);
    assert.equal(notMe.status, 400);
    assert.equal(notMe.problem.errors[0].parameter, 'approver');
  });

  it(`holds at most ${MAX_STREAMS} streams open per gateway, answering 503 with Retry-After beyond, and frees a slot when a client leaves`, async () => {
    const id = (await agent.propose({ action: 'data.export', resource: 'prod/sse-limit' })).body.id;
    const held: SseStream[] = [];
    let refused: SseStream | undefined;
    // Earlier tests' streams may still be closing: open until refused.
    for (let i = 0; i <= MAX_STREAMS && !refused; i++) {
      const s = await stream(`/v1/actions/${id}/stream`, KEYS.bob);
      if (s.status === 200) held.push(s);
      else refused = s;
    }
    assert.ok(refused, 'a stream beyond the limit is refused');
    assert.equal(refused.status, 503);
    assert.equal(refused.problem.type, 'https://countersign.dev/problems/too-many-streams');
    assert.equal(refused.headers.get('retry-after'), '5');
    for (const s of held) s.close();
    await until(async () => {
      const s = await stream(`/v1/actions/${id}/stream`, KEYS.bob);
      s.close();
      return s.status === 200;
    }, 'a slot given back');
  });
});
