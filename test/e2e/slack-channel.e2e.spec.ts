import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError, slackChannel } from '@countersign/service-notifier';
import { SAMPLE_PARAMS_HASH, sampleMessage } from '@countersign/service-notifier/testing';
import { freePort } from '../support/countersign-process.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';

/** The notifier's Slack adapter against the local fake of Slack's Web API. */

const message = sampleMessage('request');

describe('Slack channel adapter', () => {
  let slack: FakeSlack;
  before(async () => {
    slack = await startFakeSlack();
  });
  after(() => slack.close());

  it('posts an interactive message to a channel and returns where it lives', async () => {
    // given
    const channel = slackChannel({ botToken: slack.token, apiUrl: slack.apiUrl });
    // when
    const ref = (await channel.send('#data-approvals', message))!;
    // then
    const [post] = slack.callsTo('chat.postMessage');
    assert.equal(post.token, slack.token);
    assert.equal(post.args.channel, '#data-approvals');
    assert.deepEqual(ref, { channel: 'C00000001', ts: ref.ts });
    const buttons = post.args.blocks.find((b: any) => b.type === 'actions').elements;
    const vote = `${message.actionId}:${SAMPLE_PARAMS_HASH}`;
    assert.deepEqual(buttons.map((b: any) => [b.action_id, b.value]), [['countersign_approve', vote], ['countersign_deny', vote]]);
  });

  it('opens a DM for @user addresses', async () => {
    const channel = slackChannel({ botToken: slack.token, apiUrl: slack.apiUrl });
    const ref = (await channel.send('@U0BOB', message))!;
    assert.deepEqual(slack.callsTo('conversations.open').at(-1)!.args, { users: 'U0BOB' });
    assert.equal(ref.channel, 'DU0BOB');
  });

  it('updates the message in place with the outcome and no buttons', async () => {
    // given
    const channel = slackChannel({ botToken: slack.token, apiUrl: slack.apiUrl });
    const ref = (await channel.send('#data-approvals', message))!;
    // when
    await channel.update!(ref, { ...message, purpose: 'decision', decision: { status: 'approved', at: '2030-01-01T00:00:00.000Z', by: ['bob'], reason: 'ok', automatic: false } });
    // then
    const update = slack.callsTo('chat.update').at(-1)!;
    assert.equal(update.args.channel, ref.channel);
    assert.equal(update.args.ts, ref.ts);
    assert.match(update.args.text, /^Approved/);
    assert.ok(!update.args.blocks.some((b: any) => b.type === 'actions'));
  });

  it('reports Slack being down, a bad token and an unreachable API as DeliveryErrors, retryable or not', async () => {
    // Slack answering 500: retryable
    slack.failWith(500);
    try {
      await assert.rejects(slackChannel({ botToken: slack.token, apiUrl: slack.apiUrl }).send('#data-approvals', message),
        (e: unknown) => e instanceof DeliveryError && e.retryable && /HTTP 500/.test(e.message));
    } finally {
      slack.failWith(undefined);
    }
    // a wrong token: retrying will not help, and the token is not in the message
    await assert.rejects(slackChannel({ botToken: 'xoxb-wrong', apiUrl: slack.apiUrl }).send('#data-approvals', message),
      (e: unknown) => e instanceof DeliveryError && !e.retryable && /invalid_auth/.test(e.message) && !e.message.includes('xoxb'));
    // nobody listening: retryable
    const closed = `http://127.0.0.1:${await freePort()}/api/`;
    await assert.rejects(slackChannel({ botToken: slack.token, apiUrl: closed }).send('#data-approvals', message),
      (e: unknown) => e instanceof DeliveryError && e.retryable);
  });
});
