import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionEvent } from '@countersign/contracts';
import { emptyAction, foldEvent, type NotifiedAction } from './action-fold.ts';
import { expandApproverDMs, parseChannel, planDeliveries, requesterDeliveries, SLACK_APPROVERS } from './delivery-plan.ts';
import { approved, delivered, escalated, evaluated, proposed, requested, stream, vote } from './testing/notifier-fixtures.ts';

/** Folds every event and returns the plan of the last one, as the notifier does. */
function planAfter(events: ActionEvent[], start: NotifiedAction = emptyAction('act-1')) {
  const state = events.reduce(foldEvent, start);
  return { state, plan: planDeliveries(state, events[events.length - 1]) };
}
const brief = (plan: ReturnType<typeof planDeliveries>) => plan.map((p) => `${p.op} ${p.channel} ${p.purpose}${p.ref ? ` ${JSON.stringify(p.ref)}` : ''}`);

describe('the per-action fold', () => {
  it('keeps proposal, evaluation, request, escalation, distinct approvers and the decision', () => {
    const { state } = planAfter(stream([proposed(), evaluated(), requested(['webhook:siem']), escalated(), vote('alice'), vote('alice'), vote('bob', 'deny'), approved()]));
    assert.equal(state.proposal?.action, 'data.export');
    assert.equal(state.evaluation?.rule, 'prod-export');
    assert.deepEqual(state.request?.channels, ['webhook:siem']);
    assert.deepEqual(state.escalation?.added, ['erin']);
    assert.deepEqual(state.approvers, ['alice']);
    assert.equal(state.decision?.type, 'ActionApproved');
  });

  it('is idempotent: folding the same events twice gives the same state', () => {
    const events = stream([proposed(), evaluated(), requested(), vote('alice'), delivered('slack:#x', 'request', { ts: '1' }), approved()]);
    const once = events.reduce(foldEvent, emptyAction('act-1'));
    assert.deepEqual(events.reduce(foldEvent, once), once);
  });
});

describe('planDeliveries', () => {
  it('asks every channel of the request once', () => {
    const { plan } = planAfter(stream([proposed(), evaluated(), requested(['webhook:siem', 'slack:#data', 'webhook:siem'])]));
    assert.deepEqual(brief(plan), ['send webhook:siem request', 'send slack:#data request']);
  });

  it('leaves out what was already delivered (a redelivered request sends nothing twice)', () => {
    // given the request was delivered to the webhook and the event comes again
    const events = stream([proposed(), evaluated(), requested(['webhook:siem', 'slack:#data']), delivered('webhook:siem', 'request')]);
    const state = events.reduce(foldEvent, emptyAction('act-1'));
    // when the request is planned again, then only the channel still owed is
    assert.deepEqual(brief(planDeliveries(state, events[2])), ['send slack:#data request']);
  });

  it('sends escalations to the escalation channels, and nothing once decided', () => {
    assert.deepEqual(brief(planAfter(stream([proposed(), evaluated(), requested(), escalated(['teams:sec'])])).plan), ['send teams:sec escalation']);
    const events = stream([proposed(), evaluated(), requested(['webhook:siem']), approved()]);
    const state = events.reduce(foldEvent, emptyAction('act-1'));
    assert.deepEqual(planDeliveries(state, events[2]), [], 'a request seen after its decision asks no one');
  });

  it('on a decision, updates every message with a ref, tells the webhooks asked, and calls back', () => {
    // given a Slack message and a webhook delivered, an escalation webhook, and a callback URL
    const events = stream([
      proposed({ callbackUrl: 'https://agent.example/done' }), evaluated(), requested(['slack:#data', 'webhook:siem']), escalated(['webhook:oncall']),
      delivered('slack:#data', 'request', { channel: 'C1', ts: '1.2' }), delivered('webhook:siem', 'request'), approved(),
    ]);
    // when the decision is planned
    const { plan } = planAfter(events);
    // then
    assert.deepEqual(brief(plan), [
      'update slack:#data decision {"channel":"C1","ts":"1.2"}',
      'send webhook:siem decision',
      'send webhook:oncall decision',
      'callback callback callback',
    ]);
    assert.equal(plan[3].url, 'https://agent.example/done');
  });

  it('does not update a message twice', () => {
    const events = stream([proposed(), evaluated(), requested(['slack:#data']), delivered('slack:#data', 'request', { ts: '1' }), delivered('slack:#data', 'decision', { ts: '1' }, true), approved()]);
    assert.deepEqual(planAfter(events).plan, []);
  });

  it('ignores the other events', () => {
    assert.deepEqual(planAfter(stream([proposed(), evaluated()])).plan, []);
  });
});

describe('requesterDeliveries', () => {
  const slack = new Set(['slack', 'webhook']);
  const human = { id: 'dana', kind: 'human' as const, identities: ['apikey:dana-1', 'slack:U0DANA', 'teams:aad-dana'] };

  it('tells a decided requester in a Slack DM, and the human an agent acts for', () => {
    // given a decided action proposed by a human with a linked Slack account
    const state = stream([proposed({ requester: human }), evaluated(), requested(), approved()]).reduce(foldEvent, emptyAction('act-1'));
    // when the requester's deliveries are planned, with the identities of the human behind an agent
    const plan = requesterDeliveries(state, ['slack:U0CAROL'], slack);
    // then each Slack identity gets a direct message about the decision
    assert.deepEqual(brief(plan), ['send slack:@U0DANA decision', 'send slack:@U0CAROL decision']);
  });

  it('says nothing before the decision, or without a Slack adapter', () => {
    const pending = stream([proposed({ requester: human }), evaluated(), requested()]).reduce(foldEvent, emptyAction('act-1'));
    assert.deepEqual(requesterDeliveries(pending, [], slack), []);
    const decided = stream([proposed({ requester: human }), evaluated(), requested(), approved()]).reduce(foldEvent, emptyAction('act-1'));
    assert.deepEqual(requesterDeliveries(decided, [], new Set(['webhook'])), []);
  });
});

describe('expandApproverDMs', () => {
  const identities: Record<string, string[]> = { alice: ['slack:U0ALICE'], bob: ['teams:aad-bob'], erin: ['slack:U0ERIN', 'apikey:erin-1'] };
  const identitiesOf = (p: string) => identities[p] ?? [];

  it('turns slack:@approvers into a DM to each eligible approver with a linked Slack account', () => {
    // given a request to slack:@approvers and a webhook, eligible alice and bob
    const { state, plan } = planAfter(stream([proposed(), evaluated(), requested([SLACK_APPROVERS, 'webhook:siem'])]));
    // when expanded, then alice gets a DM, bob (no Slack account) none, the webhook stays
    const expanded = expandApproverDMs(plan, { ...state, request: { ...state.request!, eligible: ['alice', 'bob'] } }, identitiesOf);
    assert.deepEqual(brief(expanded), ['send slack:@U0ALICE request', 'send webhook:siem request']);
  });

  it('for an escalation, DMs only the approvers it added', () => {
    const { state, plan } = planAfter(stream([proposed(), evaluated(), requested(), escalated([SLACK_APPROVERS])]));
    const expanded = expandApproverDMs(plan, { ...state, escalation: { ...state.escalation!, added: ['erin'] } }, identitiesOf);
    assert.deepEqual(brief(expanded), ['send slack:@U0ERIN escalation']);
  });
});

describe('parseChannel', () => {
  it('splits at the first colon and rejects what has no kind or no address', () => {
    assert.deepEqual(parseChannel('teams:19:abc@thread.v2'), { kind: 'teams', address: '19:abc@thread.v2' });
    assert.equal(parseChannel('siem'), undefined);
    assert.equal(parseChannel(':x'), undefined);
    assert.equal(parseChannel('webhook:'), undefined);
  });
});
