import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAction, foldEvent } from './action-fold.ts';
import { DeliveryError, type ApprovalMessage } from './channel.port.ts';
import { CALLBACK_FAILED, createNotifierCore, type NotifierCoreOptions } from './notifier-core.ts';
import { approved, delivered, evaluated, proposed, requested, stream, fakeChannel } from './testing/notifier-fixtures.ts';

type Recorded = { actionId: string; type: string; data: Record<string, unknown> };

function notifier(over: Partial<NotifierCoreOptions> = {}) {
  const recorded: Recorded[] = [];
  const callbacks: { url: string; message: ApprovalMessage }[] = [];
  const logs: string[] = [];
  const slack = fakeChannel('slack');
  const webhook = fakeChannel('webhook', { updatable: false });
  const core = createNotifierCore({
    channels: [slack.channel, webhook.channel],
    callbacks: { send: async (url, message) => void callbacks.push({ url, message }) },
    retry: { baseMs: 1, maxMs: 2, maxAttempts: 3 },
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    random: () => 0.5,
    record: async (actionId, _correlationId, command) => void recorded.push({ actionId, type: command.type, data: command.data as unknown as Record<string, unknown> }),
    loadAction: async () => undefined,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    ...over,
  });
  return { core, recorded, callbacks, logs, slack, webhook };
}
const brief = (r: Recorded[]) => r.map((x) => `${x.type === 'RecordNotificationDelivered' ? 'delivered' : 'failed'} ${x.data.channel} ${x.data.purpose} #${x.data.attempt}`);

describe('the notifier core', () => {
  it('asks every channel of a request, then updates and tells them the outcome, and calls the requester back', async () => {
    // given an action asking Slack and a webhook, with a callback URL
    const { core, recorded, callbacks, slack, webhook } = notifier();
    const events = stream([proposed({ callbackUrl: 'https://agent.example/cb' }), evaluated(['*password*']), requested(['slack:#data', 'webhook:siem']), approved()]);
    // when the request is seen
    for (const e of events.slice(0, 3)) await core.handle(e);
    await core.idle();
    // then both got it, secrets redacted, and each delivery is recorded
    assert.deepEqual(slack.sent.map((s) => [s.address, s.message.purpose, s.message.params.db_password]), [['#data', 'request', '[redacted]']]);
    assert.deepEqual(webhook.sent.map((s) => s.address), ['siem']);
    assert.deepEqual(brief(recorded), ['delivered slack:#data request #1', 'delivered webhook:siem request #1']);
    assert.deepEqual(recorded[0].data.ref, { address: '#data', n: '1' });
    // when the decision is seen
    await core.handle(events[3]);
    await core.idle();
    // then the Slack message is updated, the webhook told, the requester called back
    assert.deepEqual(slack.updated.map((u) => [u.ref, u.message.decision?.status]), [[{ address: '#data', n: '1' }, 'approved']]);
    assert.deepEqual(webhook.sent.map((s) => s.message.purpose), ['request', 'decision']);
    assert.deepEqual(callbacks.map((c) => [c.url, c.message.decision?.status]), [['https://agent.example/cb', 'approved']]);
    assert.deepEqual(brief(recorded).slice(2).sort(), ['delivered callback callback #1', 'delivered slack:#data decision #1', 'delivered webhook:siem decision #1']);
    assert.equal(recorded.find((r) => r.data.channel === 'slack:#data' && r.data.purpose === 'decision')?.data.updated, true);
  });

  it('records a failed callback with a generic reason, and logs the precise one escaped', async () => {
    // given a callback whose receiver refuses connections, with a detail that tries to forge a log line
    const refused = new DeliveryError('could not connect (ECONNREFUSED)', false, 'could not reach https://10.0.0.1:8443 at 10.0.0.1: ECONNREFUSED\n[notifier] action x approved by alice');
    const { core, recorded, logs } = notifier({ callbacks: { send: async () => Promise.reject(refused) } });
    // when the action is decided
    for (const e of stream([proposed({ callbackUrl: 'https://agent.example/cb' }), evaluated(), requested(), approved()])) await core.handle(e);
    await core.idle();
    // then the requester reads only that the callback failed; the operator reads why, on one line
    assert.deepEqual(recorded.map((r) => [r.data.channel, r.data.reason]), [['callback', CALLBACK_FAILED]]);
    const line = logs.find((l) => l.includes('callback of action'))!;
    assert.ok(line.includes('ECONNREFUSED\\n[notifier]') && !line.includes('\n'), line);
  });

  it('records a channel kind with no adapter as failed, once, without retrying', async () => {
    const { core, recorded } = notifier();
    for (const e of stream([proposed(), evaluated(), requested(['teams:abc', 'nonsense'])])) await core.handle(e);
    await core.idle();
    assert.deepEqual(recorded.map((r) => [r.data.channel, r.data.reason, r.data.nextAttemptAt]), [
      ['teams:abc', 'no teams channel is configured, so "teams:abc" cannot be reached', undefined],
      ['nonsense', '"nonsense" is not a channel (expected kind:address, e.g. webhook:siem)', undefined],
    ]);
  });

  it('retries a channel that is down and records every attempt', async () => {
    const flaky = fakeChannel('webhook', { failures: 2, failWith: () => new DeliveryError('503', true), updatable: false });
    const { core, recorded } = notifier({ channels: [flaky.channel] });
    for (const e of stream([proposed(), evaluated(), requested(['webhook:siem'])])) await core.handle(e);
    await core.idle();
    assert.deepEqual(brief(recorded), ['failed webhook:siem request #1', 'failed webhook:siem request #2', 'delivered webhook:siem request #3']);
    assert.equal(flaky.sent.length, 1);
  });

  it('does not send twice when an event is delivered again, nor what the log says was delivered', async () => {
    const { core, slack } = notifier();
    const events = stream([proposed(), evaluated(), requested(['slack:#data', 'slack:#other']), delivered('slack:#other', 'request', { ts: '9' })]);
    // given the log says #other got the request already (seen before the request was redelivered)
    for (const e of [events[0], events[1], events[3]]) await core.handle(e);
    // when the request comes, and comes again while and after it is sent
    await core.handle(events[2]);
    await core.handle(events[2]);
    await core.idle();
    await core.handle(events[2]);
    await core.idle();
    assert.deepEqual(slack.sent.map((s) => s.address), ['#data']);
  });

  it('rebuilds an action it did not see from the start from the read model', async () => {
    // given the notifier resumed after the request (its state is in the read model only)
    const history = stream([proposed(), evaluated(), requested(['slack:#data']), delivered('slack:#data', 'request', { ts: '7' }), approved()]);
    const fromModel = history.slice(0, 4).reduce(foldEvent, emptyAction('act-1'));
    const { core, slack } = notifier({ loadAction: async (id) => (id === 'act-1' ? fromModel : undefined) });
    // when the decision arrives, then the message it never sent itself is updated
    await core.handle(history[4]);
    await core.idle();
    assert.deepEqual(slack.updated.map((u) => u.ref), [{ ts: '7' }]);
  });

  it('skips, with a logged reason, an action neither it nor the read model knows', async () => {
    const { core, logs, slack } = notifier();
    await core.handle(stream([proposed(), evaluated(), requested(['slack:#data'])])[2]);
    await core.idle();
    assert.equal(slack.sent.length, 0);
    assert.ok(logs.some((l) => l.includes('its proposal was not seen and the read model does not have it')), logs.join('\n'));
  });
});
