import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '@countersign/testing';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { blockActionsPayload, postInteraction, startFakeSlack, viewSubmissionPayload, type FakeSlack } from '../support/fake-slack.ts';

const SECRET = 'e2e-slack-signing-secret';
let replies = 0;

describe(`Slack approvals (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let slack: FakeSlack;
  let agent: Client, alice: Client, bob: Client, carol: Client;

  const env = () => ({
    COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/slack-principals'),
    COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/slack-policies'),
    COUNTERSIGN_SLACK_BOT_TOKEN: slack.token,
    COUNTERSIGN_SLACK_SIGNING_SECRET: SECRET,
    COUNTERSIGN_SLACK_TEAM_ID: 'T0COUNTER',
    COUNTERSIGN_SLACK_API_URL: slack.apiUrl,
  });

  before(async () => {
    slack = await startFakeSlack();
    cs = await startCountersign({ env: env() });
    [agent, alice, bob, carol] = [KEYS.agent, KEYS.alice, KEYS.bob, KEYS.carol].map((k) => client(cs.url, k));
  });
  after(async () => {
    await cs?.stop();
    await slack?.close();
    if (cs) await removeDir(cs.dataDir);
  });

  /** A pending production export; `by` proposes it (the agent unless said otherwise). */
  async function pendingExport(by: Client = agent): Promise<string> {
    const res = await by.propose({ action: 'data.export', resource: `prod/customers-${Math.random().toString(36).slice(2, 8)}`, params: { table: 'customers', password: 'hunter2' }, justification: 'Quarterly report' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'pending');
    return res.body.id;
  }
  const action = async (id: string) => (await carol.get(`/v1/actions/${id}`)).body;
  const posted = (id: string) => waitFor(() => slack.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args.blocks).includes(id)), { what: `the Slack message of ${id}` });
  const decided = (id: string) => waitFor(async () => ((await action(id)).decision ? action(id) : undefined), { what: `a decision on ${id}` });
  /** The chain of a decided action as the read model holds it: answers come from the log, the projector may lag them. */
  const decidedChain = (id: string) =>
    waitFor(async () => {
      const { events } = (await carol.get(`/v1/actions/${id}/events`)).body;
      return events?.some((e: any) => ['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled'].includes(e.type)) ? events : undefined;
    }, { what: `the projected decision of ${id}` });

  /** A click as Slack sends it; the reply id names the response_url where ephemeral answers land. */
  async function click(user: string, id: string, button: 'countersign_approve' | 'countersign_deny', options: { forgeWith?: string; timestamp?: number; team?: string; value?: string } = {}) {
    const reply = `r${++replies}`;
    const { team, value, ...signing } = options;
    const res = await postInteraction(cs.url, blockActionsPayload({ user, actionId: value ?? id, button, responseUrl: slack.responseUrl(reply), team }), { secret: SECRET, ...signing });
    return { ...res, reply };
  }
  const ephemeral = (reply: string) => waitFor(() => slack.repliesTo(reply)[0]?.body, { what: `an ephemeral reply on ${reply}` });

  it('posts the request to the rule\'s channel with who, what, params (redacted), justification, explanation, deadline and buttons', async () => {
    const id = await pendingExport();
    const post = await posted(id);
    assert.equal(post.token, slack.token);
    assert.equal(post.args.channel, '#data-approvals');
    const shown = JSON.stringify(post.args.blocks);
    for (const part of ['demo-agent', 'data.export', 'prod/customers-', 'Quarterly report', '[redacted]', 'prod-export', '<!date^', '*Approvals* 0 of 1']) assert.ok(shown.includes(part), `missing ${part}`);
    assert.ok(!shown.includes('hunter2'), 'the password never reaches Slack');
    const buttons = post.args.blocks.find((b: any) => b.type === 'actions').elements;
    const vote = `${id}:${(await action(id)).paramsHash}`;
    assert.deepEqual(buttons.map((b: any) => [b.action_id, b.value]), [['countersign_approve', vote], ['countersign_deny', vote]]);
  });

  it('a correctly signed Approve click approves, and the message is updated to show it', async () => {
    const id = await pendingExport();
    const post = await posted(id);
    const res = await click('U0BOB', id, 'countersign_approve');
    assert.equal(res.status, 200);
    assert.equal(res.text, '', 'acknowledged with an empty body');
    const view = await decided(id);
    assert.equal(view.status, 'approved');
    assert.deepEqual(view.votes.map((v: any) => [v.voter, v.via]), [['bob', 'slack']]);
    const events = await decidedChain(id);
    assert.equal(events.find((e: any) => e.type === 'VoteRecorded').data.identity, 'slack:U0BOB');
    const ts = (await waitFor(async () => (await action(id)).notifications.find((n: any) => n.purpose === 'request' && n.status === 'delivered'), { what: 'the delivery record' })).ref.ts;
    const update = await waitFor(() => slack.callsTo('chat.update').find((c) => c.args.ts === ts), { what: 'chat.update of the message' });
    assert.equal(update.args.channel, 'C00000001');
    assert.match(update.args.text, /^Approved/);
    assert.ok(!update.args.blocks.some((b: any) => b.type === 'actions'), 'no buttons after the decision');
    assert.equal(update.args.channel, post.args.channel === '#data-approvals' ? 'C00000001' : post.args.channel);
  });

  it('slack:@approvers asks each eligible approver in a direct message', async () => {
    const res = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/admin', params: { user: 'dave' } });
    assert.equal(res.body.status, 'pending');
    const id = res.body.id;
    // every eligible approver has a linked Slack account in this fixture: each gets the buttons
    for (const user of ['U0ALICE', 'U0BOB', 'U0ERIN']) {
      const dm = await waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${user}` && JSON.stringify(c.args.blocks).includes(id)), { what: `the request in ${user}'s DM` });
      assert.ok(dm.args.blocks.some((b: any) => b.type === 'actions'));
    }
  });

  it('after the decision the requester is told in a direct message', async () => {
    // given alice, whose Slack account is linked, proposes; when bob approves by a click
    const id = await pendingExport(alice);
    await posted(id);
    assert.equal((await click('U0BOB', id, 'countersign_approve')).status, 200);
    assert.equal((await decided(id)).status, 'approved');
    // then a DM is opened with alice and the outcome posted there, without buttons
    await waitFor(() => slack.callsTo('conversations.open').find((c) => c.args.users === 'U0ALICE'), { what: 'a DM opened with alice' });
    const dm = await waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'DU0ALICE' && JSON.stringify(c.args.blocks).includes(id)), { what: 'the outcome in alice\'s DM' });
    assert.match(dm.args.text, /^Approved/);
    assert.ok(!dm.args.blocks.some((b: any) => b.type === 'actions'));
  });

  it('forged signatures, stale timestamps and replays are refused with 401 and cast no vote', async () => {
    const id = await pendingExport();
    assert.equal((await click('U0BOB', id, 'countersign_approve', { forgeWith: 'not-the-secret' })).status, 401);
    assert.equal((await click('U0BOB', id, 'countersign_approve', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status, 401);
    const unsigned = await fetch(`${cs.url}/v1/integrations/slack/interactions`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' });
    assert.equal(unsigned.status, 401);
    // A click by someone not eligible, answered (by the gateway: the action is not theirs to see), then replayed.
    const erin = await click('U0ERIN', id, 'countersign_approve');
    assert.equal(erin.status, 200);
    await ephemeral(erin.reply);
    const replay = await postInteraction(cs.url, undefined, { secret: SECRET, replay: erin.sent });
    assert.equal(replay.status, 401);
    const view = await action(id);
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.votes, []);
    const { events } = (await carol.get(`/v1/actions/${id}/events`)).body;
    assert.equal(events.filter((e: any) => e.type === 'CommandRejected').length, 0, 'neither the outsider\'s click nor its replay grew the chain');
  });

  it('a click stamped more than a minute ahead is refused; one within the minute counts, and its replay is refused', async () => {
    const id = await pendingExport();
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await click('U0BOB', id, 'countersign_approve', { timestamp: now + 299 })).status, 401, 'was accepted (and replayable for 6 minutes)');
    const ahead = await click('U0BOB', id, 'countersign_approve', { timestamp: now + 30 });
    assert.equal(ahead.status, 200);
    assert.equal((await postInteraction(cs.url, undefined, { secret: SECRET, replay: ahead.sent })).status, 401);
    assert.equal((await decided(id)).status, 'approved');
  });

  it('the same Slack user id from another workspace maps to nobody: told so, nothing cast', async () => {
    const id = await pendingExport();
    const foreign = await click('U0BOB', id, 'countersign_approve', { team: 'T0ELSEWHERE' });
    assert.equal(foreign.status, 200);
    assert.match((await ephemeral(foreign.reply)).text, /workspace is not one Countersign accepts/);
    const dave = await click('U0DAVE', id, 'countersign_approve', { team: 'T0ELSEWHERE' });
    assert.match((await ephemeral(dave.reply)).text, /workspace is not one Countersign accepts/);
    assert.deepEqual((await action(id)).votes, []);
    // the deny form from another workspace is refused in the modal itself
    const modal = { blocks: [{ type: 'input', block_id: 'countersign_reason', element: { action_id: 'reason' } }], callback_id: 'countersign_deny_reason', private_metadata: JSON.stringify({ actionId: id }) };
    const submitted = await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0BOB', view: modal, reason: 'no', team: 'T0ELSEWHERE' }), { secret: SECRET });
    assert.match(JSON.parse(submitted.text).errors.countersign_reason, /workspace is not one Countersign accepts/);
    assert.deepEqual((await action(id)).votes, []);
  });

  it('a gateway given the signing secret but no workspace stops at start, naming the variable', async () => {
    const stopped = await startCountersign({ env: { ...env(), COUNTERSIGN_SLACK_TEAM_ID: '' }, expectExit: true });
    assert.equal(await stopped.exitCode, 2);
    assert.match(stopped.output(), /COUNTERSIGN_SLACK_TEAM_ID: required with COUNTERSIGN_SLACK_SIGNING_SECRET/);
    await removeDir(stopped.dataDir);
  });

  it('a workspace-qualified identity (slack:T0COUNTER:U0DAVE) votes, recorded under that identity', async () => {
    const id = await pendingExport();
    assert.equal((await click('U0DAVE', id, 'countersign_approve')).status, 200);
    assert.equal((await decided(id)).status, 'approved');
    const events = await decidedChain(id);
    assert.equal(events.find((e: any) => e.type === 'VoteRecorded').data.identity, 'slack:T0COUNTER:U0DAVE');
  });

  it('a button carrying the proposal\'s params hash (<actionId>:<paramsHash>) votes; a malformed hash is refused with 400, another hash by the router', async () => {
    const id = await pendingExport();
    const { paramsHash } = await action(id);
    const malformed = await click('U0BOB', id, 'countersign_approve', { value: `${id}:${paramsHash.toUpperCase()}` });
    assert.equal(malformed.status, 400);
    const problem = JSON.parse(malformed.text);
    assert.deepEqual(problem.errors, [{ parameter: 'payload', pointer: '/actions/0/value', detail: 'must be an action id, or <actionId>:<paramsHash> with the hash as 64 lowercase hex digits' }]);
    assert.deepEqual((await action(id)).votes, []);
    // A well-formed hash of other parameters (a message about another proposal): refused by the router, nothing counted.
    const other = await click('U0BOB', id, 'countersign_approve', { value: `${id}:${'0'.repeat(64)}` });
    assert.equal(other.status, 200);
    assert.match((await ephemeral(other.reply)).text, /not this action's parameters/);
    assert.deepEqual((await action(id)).votes, []);
    assert.equal((await click('U0BOB', id, 'countersign_approve', { value: `${id}:${paramsHash}` })).status, 200);
    assert.equal((await decided(id)).status, 'approved');
  });

  it('hostile input is refused before anything is cast, the signature checked before any parsing', async () => {
    const id = await pendingExport();
    const form = (json: string) => `payload=${encodeURIComponent(json)}`;
    // forged: 401 whatever the body holds
    assert.equal((await postInteraction(cs.url, undefined, { secret: SECRET, forgeWith: 'x', rawBody: form('{"a":1,"a":2}') })).status, 401);
    // signed, but a lone surrogate in the payload: 400 naming the field
    const surrogate = await postInteraction(cs.url, { ...blockActionsPayload({ user: 'U0BOB', actionId: id, button: 'countersign_approve', responseUrl: slack.responseUrl('x') }), channel: { name: 'bye \ud800' } }, { secret: SECRET });
    assert.equal(surrogate.status, 400);
    assert.match(JSON.parse(surrogate.text).detail, /payload \/channel\/name: has a string that is not well-formed Unicode/);
    // duplicate keys, not a form, too large
    const duplicate = await postInteraction(cs.url, undefined, { secret: SECRET, rawBody: form(`{"type":"block_actions","actions":[{"action_id":"countersign_approve","value":"${id}","value":"other"}]}`) });
    assert.equal(duplicate.status, 400);
    assert.equal(JSON.parse(duplicate.text).errors[0].pointer, '/actions/0/value');
    const json = await postInteraction(cs.url, undefined, { secret: SECRET, rawBody: '{}', contentType: 'application/json' });
    assert.equal(json.status, 415);
    assert.equal(json.text.includes('Content-Type'), true);
    const huge = await postInteraction(cs.url, undefined, { secret: SECRET, rawBody: form(JSON.stringify({ pad: 'x'.repeat(140_000) })) });
    assert.equal(huge.status, 413);
    // a deny reason with a lone surrogate is answered in the modal, under the reason
    assert.equal((await click('U0ALICE', id, 'countersign_deny')).status, 200);
    const open = await waitFor(() => slack.callsTo('views.open').find((c) => c.args.view.private_metadata.includes(id)), { what: 'the deny modal' });
    const bad = await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0ALICE', view: open.args.view, reason: 'no \udc00 way' }), { secret: SECRET });
    assert.equal(bad.status, 200);
    assert.match(JSON.parse(bad.text).errors.countersign_reason, /^The reason has a string that is not well-formed Unicode \(a lone surrogate at index 3\)/);
    const view = await action(id);
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.votes, []);
    // and the router is not wedged: the same modal, properly filled in, denies
    assert.equal((await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0ALICE', view: open.args.view, reason: 'no way' }), { secret: SECRET })).status, 200);
    assert.equal((await decided(id)).status, 'denied');
  });

  it('an unknown Slack user is told the account is not linked; nothing is cast', async () => {
    const id = await pendingExport();
    const res = await click('U0NOBODY', id, 'countersign_approve');
    assert.equal(res.status, 200);
    const reply = await ephemeral(res.reply);
    assert.equal(reply.response_type, 'ephemeral');
    assert.match(reply.text, /not linked to a Countersign principal/);
    assert.deepEqual((await action(id)).votes, []);
  });

  it('an ineligible user and the requester herself are told why, ephemerally; nothing is cast', async () => {
    const id = await pendingExport();
    const erin = await click('U0ERIN', id, 'countersign_approve');
    assert.equal(erin.status, 200);
    assert.match((await ephemeral(erin.reply)).text, /not an eligible approver/);

    const own = await pendingExport(alice);
    const self = await click('U0ALICE', own, 'countersign_approve');
    assert.equal(self.status, 200);
    assert.match((await ephemeral(self.reply)).text, /cannot approve or deny your own action/);
    for (const a of [id, own]) {
      const view = await action(a);
      assert.equal(view.status, 'pending');
      assert.deepEqual(view.votes, []);
    }
  });

  it('a step-up rule has no Approve button that votes; a crafted Approve click is refused, pointing at the console, and casts nothing', async () => {
    const res = await agent.propose({ action: 'deploy.prod', resource: 'prod/api', params: { version: '1.2.3' } });
    assert.equal(res.body.status, 'pending', res.text);
    const id = res.body.id;
    const post = await posted(id);
    assert.deepEqual(post.args.blocks.find((b: any) => b.type === 'actions').elements.map((b: any) => b.action_id), ['countersign_deny']);
    assert.match(JSON.stringify(post.args.blocks), /passkey step-up/);
    const crafted = await click('U0BOB', id, 'countersign_approve');
    assert.equal(crafted.status, 200);
    assert.match(JSON.stringify(await ephemeral(crafted.reply)), new RegExp(`requires a passkey step-up.*/console/actions/${id}`));
    assert.deepEqual((await action(id)).votes, []);
  });

  it('Deny opens a modal that requires a reason; the submission denies with it', async () => {
    const id = await pendingExport();
    const res = await click('U0ALICE', id, 'countersign_deny');
    assert.equal(res.status, 200);
    const open = await waitFor(() => slack.callsTo('views.open').find((c) => c.args.view.private_metadata.includes(id)), { what: 'views.open for the deny modal' });
    const blank = await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0ALICE', view: open.args.view, reason: '   ' }), { secret: SECRET });
    assert.equal(blank.status, 200);
    assert.equal(JSON.parse(blank.text).response_action, 'errors');
    const submitted = await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0ALICE', view: open.args.view, reason: 'Not this quarter' }), { secret: SECRET });
    assert.equal(submitted.status, 200);
    const view = await decided(id);
    assert.equal(view.status, 'denied');
    assert.deepEqual(view.decision.by, ['alice']);
    assert.match(JSON.stringify(view.votes), /Not this quarter/);
  });

  it('double clicks and a concurrent approve and deny yield exactly one decision', async () => {
    const id = await pendingExport();
    const open = click('U0ALICE', id, 'countersign_deny');
    const [first, second] = await Promise.all([click('U0BOB', id, 'countersign_approve'), click('U0BOB', id, 'countersign_approve')]);
    assert.deepEqual([first.status, second.status, (await open).status], [200, 200, 200]);
    const modal = await waitFor(() => slack.callsTo('views.open').find((c) => c.args.view.private_metadata.includes(id)), { what: 'the deny modal' });
    await postInteraction(cs.url, viewSubmissionPayload({ user: 'U0ALICE', view: modal.args.view, reason: 'Too late?' }), { secret: SECRET });
    const view = await decided(id);
    assert.equal(view.status, 'approved');
    // The losing click and the late deny are each told why, once the router has answered them.
    const loser = await waitFor(() => [first, second].find((c) => slack.repliesTo(c.reply).length > 0), { what: 'the losing click told why' });
    assert.match(slack.repliesTo(loser.reply)[0].body.text, /already/);
    assert.match((await ephemeral((await open).reply)).text, /already been decided/);
    const events = await decidedChain(id);
    const list = events as any[];
    assert.equal(list.filter((e: any) => ['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled'].includes(e.type)).length, 1);
    assert.equal(list.filter((e: any) => e.type === 'VoteRecorded').length, 1);
  });

  it('a delegate\'s click counts for the delegator, recorded as on their behalf; once revoked, the delegate is told they are not eligible', async () => {
    // Given bob, a data steward, delegates to erin (security, not an approver of exports).
    const made = await bob.post('/v1/delegations', { delegate: 'erin', until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'on leave' });
    assert.equal(made.status, 201, made.text);
    const delegation = made.body.id as string;
    await waitFor(async () => ((await bob.get(`/v1/delegations/${delegation}`)).status === 200 ? true : undefined), { what: 'the delegation projected' });
    try {
      // When erin clicks Approve, then the vote is bob's, cast by erin through Slack.
      const id = await pendingExport();
      assert.equal((await click('U0ERIN', id, 'countersign_approve')).status, 200);
      assert.equal((await decided(id)).status, 'approved');
      const vote = (await decidedChain(id)).find((e: any) => e.type === 'VoteRecorded');
      assert.deepEqual([vote.data.voter, vote.data.onBehalfOf, vote.data.via, vote.data.identity], ['erin', 'bob', 'slack', 'slack:U0ERIN']);
    } finally {
      const revoked = await bob.call('DELETE', `/v1/delegations/${delegation}`, {});
      assert.equal(revoked.status, 200, revoked.text);
      await waitFor(async () => ((await bob.get(`/v1/delegations/${delegation}`)).body.status === 'revoked' ? true : undefined), { what: 'the revocation projected' });
    }
    const after = await pendingExport();
    const refused = await click('U0ERIN', after, 'countersign_approve');
    assert.match((await ephemeral(refused.reply)).text, /not an eligible approver/);
    assert.deepEqual((await action(after)).votes, []);
  });

  it('with Slack down, the failure is recorded and the action stays approvable through the API', async () => {
    slack.failWith(500);
    try {
      const id = await pendingExport();
      const failed = await waitFor(async () => (await action(id)).notifications.find((n: any) => n.status === 'failed' && n.channel === 'slack:#data-approvals'), { what: 'a recorded NotificationFailed' });
      assert.match(failed.reason, /500/);
      const approved = await bob.post(`/v1/actions/${id}/approve`, { comment: 'via the API while Slack is down' });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'approved');
    } finally {
      slack.failWith(undefined);
    }
  });

  // The edge remembers signatures in memory; a replay reaching a fresh gateway (a restart, another
  // replica) carries the same derived command id, which the router has handled already.
  // It restarts the one embedded process; the distributed shape's restarts are covered elsewhere.
  if (SHAPE === 'embedded') it('a replay the gateway no longer remembers is ignored by the router', async () => {
    const id = await pendingExport();
    const approve = await click('U0BOB', id, 'countersign_approve');
    assert.equal(approve.status, 200);
    assert.equal((await decided(id)).status, 'approved');
    await cs.stop();
    cs = await startCountersign({ dataDir: cs.dataDir, env: env() });
    [agent, alice, bob, carol] = [KEYS.agent, KEYS.alice, KEYS.bob, KEYS.carol].map((k) => client(cs.url, k));

    const replay = await postInteraction(cs.url, undefined, { secret: SECRET, replay: approve.sent });
    assert.equal(replay.status, 200, 'a fresh gateway cannot tell it from a first delivery');
    // A later click on the same action, answered: the replay, sent before it, was handled first.
    const later = await click('U0ALICE', id, 'countersign_approve');
    assert.match((await ephemeral(later.reply)).text, /already been decided/);
    const events = await decidedChain(id);
    assert.equal(events.filter((e: any) => e.type === 'VoteRecorded').length, 1);
    assert.equal(events.filter((e: any) => e.type === 'CommandRejected').length, 1, 'only the later click was refused; the replay changed nothing');
    assert.deepEqual(slack.repliesTo(approve.reply), [], 'nobody was told anything about the replay');
  });
});
