import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAction, foldEvent } from './action-fold.ts';
import { buildMessage, displayParams, MAX_PARAM_LENGTH, REDACTED, truncate } from './approval-message.ts';
import { approved, escalated, evaluated, proposed, requested, stream, vote } from './testing/notifier-fixtures.ts';

const fold = (events: ReturnType<typeof stream>) => events.reduce(foldEvent, emptyAction('act-1'));

describe('parameters as messages show them', () => {
  it('replaces values of keys matching a redaction glob, at any depth and in any case', () => {
    // given secrets at the top and nested, and a glob list
    const params = { table: 'customers', DB_Password: 'hunter2', auth: { apiToken: 't0k', user: 'svc' }, list: [{ token: 'x' }] };
    // when displayed
    const shown = displayParams(params, ['*password*', '*token*']);
    // then only the matching values are hidden
    assert.deepEqual(shown, { table: 'customers', DB_Password: REDACTED, auth: { apiToken: REDACTED, user: 'svc' }, list: [{ token: REDACTED }] });
  });

  it('truncates long strings to 200 characters ending in an ellipsis, and leaves the rest alone', () => {
    const long = 'x'.repeat(500);
    const shown = displayParams({ sql: long, n: 3, ok: true, none: null });
    assert.equal((shown.sql as string).length, MAX_PARAM_LENGTH);
    assert.ok((shown.sql as string).endsWith('…'));
    assert.deepEqual({ ...shown, sql: undefined }, { sql: undefined, n: 3, ok: true, none: null });
  });

  it('does not cut a string that fits, nor split a character made of two code units', () => {
    assert.equal(truncate('short'), 'short');
    const emoji = '😀'.repeat(300);
    assert.equal([...truncate(emoji)].length, MAX_PARAM_LENGTH);
  });
});

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
