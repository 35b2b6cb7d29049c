import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError } from '@countersign/service-notifier';
import { channelContract, sampleMessage } from '@countersign/service-notifier/testing';
import { readTeamsConfig, teamsChannel } from '@countersign/service-notifier';
import { freePort } from '../support/countersign-process.ts';
import { startFakeTeams, type FakeTeams } from '../support/fake-teams.ts';

const CONVERSATION = '19:approvals@thread.tacv2';

const message = sampleMessage('request');
const decided = sampleMessage('decision', message.actionId);

/** The Teams adapter of the notifier against a local Bot Connector and token endpoint. */
describe('Teams channel adapter against a fake Bot Connector', () => {
  let teams: FakeTeams;
  before(async () => {
    teams = await startFakeTeams();
  });
  after(async () => {
    await teams.close();
  });

  it('posts an Adaptive Card to the conversation with a bot token, and replaces it with the outcome', async () => {
    const channel = teamsChannel(readTeamsConfig(teams.env())!);
    const ref = await channel.send(CONVERSATION, message);
    assert.equal(ref?.conversationId, CONVERSATION);
    assert.equal(ref?.serviceUrl, teams.serviceUrl);
    const [post] = teams.connectorCalls();
    assert.equal(post.method, 'POST');
    assert.equal(post.path, `/teams/v3/conversations/${CONVERSATION}/activities`);
    assert.equal(post.authorized, true, 'the bearer token came from the token endpoint');
    assert.equal(post.body.type, 'message');
    const attachment = post.body.attachments[0];
    assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(attachment.content.actions[0].verb, 'countersign.approve');

    await channel.update!(ref!, decided);
    const put = teams.connectorCalls()[1];
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, `/teams/v3/conversations/${CONVERSATION}/activities/${ref!.activityId}`);
    assert.equal(put.authorized, true);
    assert.match(JSON.stringify(put.body), /Approved: data\.export/);
    assert.equal(put.body.attachments[0].content.actions, undefined, 'no buttons after the decision');

    const grants = teams.calls.filter((c) => c.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(grants.length, 1, 'the token is cached between calls');
    assert.deepEqual(grants[0].body, { grant_type: 'client_credentials', client_id: teams.appId, scope: 'https://api.botframework.com/.default', secretMatched: true });
  });

  it('reports an outage as retryable and a refusal as final', async () => {
    const channel = teamsChannel(readTeamsConfig(teams.env())!);
    teams.failNext(503);
    await assert.rejects(channel.send(CONVERSATION, message), (e: unknown) => e instanceof DeliveryError && e.retryable && /HTTP 503/.test(e.message));
    teams.failNext(429);
    await assert.rejects(channel.send(CONVERSATION, message), (e: unknown) => e instanceof DeliveryError && e.retryable);
    teams.failNext(403);
    await assert.rejects(channel.send(CONVERSATION, message), (e: unknown) => e instanceof DeliveryError && !e.retryable && /HTTP 403/.test(e.message));
  });

  it('reports bad credentials as final, without the secret', async () => {
    const channel = teamsChannel(readTeamsConfig({ ...teams.env(), COUNTERSIGN_TEAMS_APP_PASSWORD: 'wrong-secret' })!);
    await assert.rejects(channel.send(CONVERSATION, message), (e: unknown) =>
      e instanceof DeliveryError && !e.retryable && /invalid_client/.test(e.message) && !e.message.includes('wrong-secret'));
  });

  it('reports an unreachable Connector as retryable', async () => {
    const port = await freePort();
    const channel = teamsChannel(readTeamsConfig({ ...teams.env(), COUNTERSIGN_TEAMS_SERVICE_URL: `http://127.0.0.1:${port}/teams/` })!);
    await assert.rejects(channel.send(CONVERSATION, message), (e: unknown) => e instanceof DeliveryError && e.retryable);
  });
});

/** The NotificationChannel contract every adapter passes, here for Teams against the fake Bot Connector. */
channelContract('teams', async () => {
  const fake = await startFakeTeams();
  const channel = teamsChannel(readTeamsConfig(fake.env())!);
  const ok = (method: string) => fake.connectorCalls().filter((c) => c.method === method && c.status === 200);
  const actionOf = (body: unknown) => /"actionId":"([^"]+)"/.exec(JSON.stringify(body))?.[1] ?? '';
  // A refreshed card carries no buttons, so no action id: it is the one of the card it replaced.
  const posted = () => new Map(ok('POST').map((c) => [c.activityId, actionOf(c.body)]));
  const received = async () => ok('POST').map((c) => ({ actionId: actionOf(c.body) }));
  const updated = async () => ok('PUT').map((c) => ({ actionId: posted().get(c.activityId) ?? '', ...(/Approved/.test(JSON.stringify(c.body)) ? { status: 'approved' } : {}) }));
  return {
    channel,
    address: CONVERSATION,
    badAddress: '19:missing@thread.tacv2',
    received,
    updated,
    failNext: () => fake.failNext(503),
    close: () => fake.close(),
  };
}, { updatesInPlace: true });
