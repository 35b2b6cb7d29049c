import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAction, foldEvent } from './action-fold.ts';
import { buildMessage, REDACTED } from './approval-message.ts';
import { contentHash } from '@countersign/contracts';
import { approved, escalated, evaluated, proposed, requested, stream, vote } from './testing/notifier-fixtures.ts';

const fold = (events: ReturnType<typeof stream>) => events.reduce(foldEvent, emptyAction('act-1'));

describe('buildMessage', () => {
  it('says why it cannot build a message without the proposal or the evaluation', () => {
    assert.deepEqual(buildMessage(emptyAction('a'), 'request'), { ok: false, reason: 'the proposal was not seen' });
    const noEval = fold(stream([proposed()]));
    assert.deepEqual(buildMessage(noEval, 'request'), { ok: false, reason: 'the policy evaluation was not seen' });
  });

  it('shows who asks for what, why, under which rule, and what approval is needed', () => {
    // given a pending action with a redaction glob and one approval so far
    const state = fold(stream([proposed(), evaluated(['*password*']), requested(['webhook:siem']), vote('alice')]));
    // when the request message is built
    const built = buildMessage(state, 'request', 'https://countersign.example/');
    // then it carries everything an approver needs, secrets hidden
    assert.ok(built.ok);
    assert.deepEqual(built.message, {
      actionId: 'act-1', purpose: 'request', action: 'data.export', resource: 'prod/customers',
      params: { table: 'customers', db_password: REDACTED },
      paramsHash: contentHash({}),
      display: { complete: true, params: { values: 2, shown: 2, cut: 0 }, cutFields: [] },
      requester: { id: 'demo-agent', kind: 'agent', onBehalfOf: 'carol' },
      justification: 'quarterly report',
      policy: { rule: 'prod-export', policyVersion: 'v1', reason: 'prod exports need a steward', explanation: 'rule prod-export matched' },
      approval: { quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'], deadline: '2026-01-01T01:00:00.000Z', approvals: 1 },
      links: { action: 'https://countersign.example/v1/actions/act-1' },
    });
  });

  it('after an escalation, names the added group and principals', () => {
    const built = buildMessage(fold(stream([proposed(), evaluated(), requested(), escalated(['webhook:oncall'])])), 'escalation');
    assert.ok(built.ok);
    assert.deepEqual(built.message.approval?.escalatedTo, ['security']);
    assert.deepEqual(built.message.approval?.eligible, ['alice', 'bob', 'erin']);
    assert.deepEqual(built.message.approval?.groups, ['data-stewards', 'security']);
  });

  it('once decided, shows the outcome, who and when', () => {
    const built = buildMessage(fold(stream([proposed(), evaluated(), requested(), vote('alice'), approved()])), 'decision');
    assert.ok(built.ok);
    assert.deepEqual(built.message.decision, { status: 'approved', at: '2026-01-01T00:00:04.000Z', by: ['alice'], reason: 'approved by alice', automatic: false });
  });
});

describe('buildMessage: what the message cannot show', () => {
  it('given a value after 120 filler keys, when built, then the message says how much it shows, links to all of it, and is not complete', () => {
    // given
    const params: Record<string, unknown> = {};
    for (let i = 0; i < 120; i += 1) params[`filler${i}`] = 'x'.repeat(20);
    params.destination = 's3://attacker-bucket';
    const state = fold(stream([proposed({ params, paramsHash: contentHash(params) }), evaluated(), requested()]));
    // when
    const built = buildMessage(state, 'request', 'https://countersign.example');
    // then
    assert.ok(built.ok);
    const { display, paramsHash } = built.message;
    assert.equal(paramsHash, contentHash(params));
    assert.equal(display.complete, false);
    assert.equal(display.params.values, 121);
    assert.ok(display.params.shown < 121 && !('destination' in built.message.params));
    assert.equal(display.notice, `Parameters shown in part: ${display.params.shown} of 121 values, 0 cut — see the full action at https://countersign.example/v1/actions/act-1`);
  });

  it('given a long resource and justification, then each is cut with "…", named, and only the resource makes it incomplete', () => {
    const state = fold(stream([proposed({ resource: `prod/${'r'.repeat(3000)}`, justification: 'j'.repeat(5000) }), evaluated(), requested()]));
    const built = buildMessage(state, 'request');
    assert.ok(built.ok);
    assert.ok(built.message.resource.endsWith('…') && built.message.justification?.endsWith('…'));
    assert.deepEqual(built.message.display.cutFields, ['resource', 'justification']);
    assert.equal(built.message.display.complete, false);
    assert.equal(built.message.display.notice, 'Shown in part: resource, justification — see the full action at GET /v1/actions/act-1');
    const onlyJustification = buildMessage(fold(stream([proposed({ justification: 'j'.repeat(5000) }), evaluated(), requested()])), 'request');
    assert.ok(onlyJustification.ok && onlyJustification.message.display.complete);
  });

  it('given two approvals from one group under distinctGroups, then it counts one, as the router does', () => {
    // given a quorum of 2 from distinct groups, and two data stewards approving
    const distinct = { ...requested(), data: { ...(requested().data as object), quorum: 2, distinctGroups: true, groups: ['data-stewards', 'security'] } } as ReturnType<typeof requested>;
    const state = fold(stream([proposed(), evaluated(), distinct, vote('alice'), vote('bob')]));
    // when
    const built = buildMessage(state, 'request');
    // then
    assert.ok(built.ok);
    assert.equal(built.message.approval?.approvals, 1);
  });

  it('after an escalation, counts the added approvers with their groups', () => {
    const distinct = { ...requested(), data: { ...(requested().data as object), quorum: 2, distinctGroups: true, groups: ['data-stewards', 'security'] } } as ReturnType<typeof requested>;
    const state = fold(stream([proposed(), evaluated(), distinct, escalated(), vote('alice'), vote('erin')]));
    const built = buildMessage(state, 'escalation');
    assert.ok(built.ok);
    assert.equal(built.message.approval?.approvals, 2);
  });
});
