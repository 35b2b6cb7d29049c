import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalMessage } from '../channel.port.ts';

const HASH = '3f1c2a9b0d4e'.padEnd(64, '0');
import { approvalCard, outcomeCard, REASON_INPUT, VERBS } from './approval-card.ts';
import { readTeamsConfig, TEAMS_SERVICE_URL } from './teams-config.ts';

const request: ApprovalMessage = {
  actionId: 'act-1',
  purpose: 'request',
  action: 'data.export',
  resource: 'prod/customers',
  params: { table: 'customers', db_password: '[redacted]' },
  paramsHash: HASH,
  display: { complete: true, params: { values: 2, shown: 2, cut: 0 }, cutFields: [] },
  requester: { id: 'demo-agent', kind: 'agent', onBehalfOf: 'carol' },
  justification: 'quarterly report',
  policy: { rule: 'prod-export', policyVersion: 'v1', reason: 'prod exports need a steward', explanation: 'rule prod-export matched' },
  approval: { quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'], deadline: '2026-01-01T01:00:00.000Z', approvals: 0 },
};

const all = (card: unknown): string => JSON.stringify(card);

describe('Teams approval card', () => {
  it('given a request, shows who asks, what, why, the parameters and the deadline, in an Adaptive Card 1.5', () => {
    const card = approvalCard(request) as any;
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.version, '1.5');
    for (const shown of ['data.export', 'prod/customers', 'demo-agent (for carol)', 'quarterly report', 'rule prod-export matched', 'customers', '\\\\[redacted\\\\]',
      '2026-01-01T01:00:00.000Z', '0 of 1 approval(s) from data-stewards', 'Parameters · sha256 3f1c2a9b0d4e', HASH]) {
      assert.ok(all(card).includes(shown), `card shows ${shown}`);
    }
  });

  it('offers Approve as an Action.Execute and Deny behind a required reason input, both carrying { actionId, paramsHash }', () => {
    const card = approvalCard(request) as any;
    const [approve, deny] = card.actions;
    assert.deepEqual([approve.type, approve.verb, approve.data], ['Action.Execute', VERBS.approve, { actionId: 'act-1', paramsHash: HASH }]);
    assert.equal(deny.type, 'Action.ShowCard');
    const input = deny.card.body[0];
    assert.deepEqual([input.type, input.id, input.isRequired], ['Input.Text', REASON_INPUT, true]);
    const submit = deny.card.actions[0];
    assert.deepEqual([submit.type, submit.verb, submit.data], ['Action.Execute', VERBS.deny, { actionId: 'act-1', paramsHash: HASH }]);
  });

  it('given a card that shows part, says so right under the title, and offers Deny and the full action but no Approve', () => {
    const notice = 'Parameters shown in part: 73 of 121 values, 0 cut — see the full action at https://cs.example/v1/actions/act-1';
    const card = approvalCard({ ...request, display: { complete: false, params: { values: 121, shown: 73, cut: 0 }, cutFields: [], notice }, links: { action: 'https://cs.example/v1/actions/act-1' } }) as any;
    assert.equal(card.body[1].text, `⚠ ${notice}`);
    assert.equal(card.body[1].color, 'Attention');
    assert.deepEqual(card.actions.map((a: any) => a.type), ['Action.ShowCard', 'Action.OpenUrl']);
  });

  it('escapes Markdown in requester text, so it cannot make links or bold text', () => {
    const hostile = '[click](https://evil.example) **urgent** _x_';
    const card = approvalCard({ ...request, resource: hostile, justification: hostile }) as any;
    const shown = all(card.body); // fallbackText is plain text, never rendered as Markdown
    assert.ok(!shown.includes('[click](https'), shown);
    assert.ok(shown.includes('\\\\[click\\\\]\\\\(https://evil.example\\\\) \\\\*\\\\*urgent\\\\*\\\\*'));
  });

  it('titles an escalation as such', () => {
    assert.match(all(approvalCard({ ...request, purpose: 'escalation' })), /Escalated: approval needed for data.export/);
  });

  it('when decided, shows the outcome, who, when and why, and no buttons', () => {
    const card = outcomeCard({ ...request, purpose: 'decision', decision: { status: 'denied', at: '2026-01-01T00:05:00.000Z', by: ['bob'], reason: 'not this quarter', automatic: false } }) as any;
    assert.equal(card.actions, undefined);
    for (const shown of ['Denied: data.export', 'bob', '2026-01-01T00:05:00.000Z', 'not this quarter']) assert.ok(all(card).includes(shown), `card shows ${shown}`);
  });
});

describe('Teams configuration', () => {
  it('is off without an app id', () => {
    assert.equal(readTeamsConfig({}), undefined);
  });

  it('requires the password with the app id, and defaults the Connector and token endpoints', () => {
    assert.throws(() => readTeamsConfig({ COUNTERSIGN_TEAMS_APP_ID: 'app' }), /COUNTERSIGN_TEAMS_APP_PASSWORD/);
    const config = readTeamsConfig({ COUNTERSIGN_TEAMS_APP_ID: 'app', COUNTERSIGN_TEAMS_APP_PASSWORD: 'pw', COUNTERSIGN_TEAMS_TENANT_ID: 'tenant-1' });
    assert.deepEqual(config, {
      appId: 'app', appPassword: 'pw', tenantId: 'tenant-1', serviceUrl: TEAMS_SERVICE_URL,
      tokenUrl: 'https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token',
    });
  });

  it('refuses a service URL that is not http(s)', () => {
    assert.throws(() => readTeamsConfig({ COUNTERSIGN_TEAMS_APP_ID: 'a', COUNTERSIGN_TEAMS_APP_PASSWORD: 'p', COUNTERSIGN_TEAMS_SERVICE_URL: 'smba' }), /COUNTERSIGN_TEAMS_SERVICE_URL/);
  });
});
