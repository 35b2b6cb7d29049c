import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalMessage } from '../channel.port.ts';
import { approvalCard } from '../teams/approval-card.ts';
import { APPROVE_ACTION_ID, DENY_ACTION_ID, OPEN_CONSOLE_ACTION_ID, requestBlocks } from './slack-blocks.ts';

// Step-up rules (docs/step-up.md): chat cannot ask for a passkey, so Approve opens the console and never votes.
const ID = '0190a0b0-0000-7000-8000-000000000001';
const message: ApprovalMessage = {
  actionId: ID,
  purpose: 'request',
  action: 'deploy.prod',
  resource: 'prod/api',
  params: { version: '1.2.3' },
  paramsHash: 'a'.repeat(64),
  display: { complete: true, params: { values: 1, shown: 1, cut: 0 }, cutFields: [] },
  requester: { id: 'demo-agent', kind: 'agent' },
  policy: { rule: 'prod-deploy', policyVersion: 'b'.repeat(64), reason: 'Deploys need two stewards with step-up.' },
  approval: { quorum: 2, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'], deadline: '2030-01-01T00:00:00.000Z', approvals: 0 },
  stepUp: 'webauthn',
  links: { action: `https://cs.example/v1/actions/${ID}`, console: `https://cs.example/console/actions/${ID}` },
};

describe('chat messages for step-up rules', () => {
  it('given a step-up rule, when the Slack message is built, then Approve is a link to the console and Deny still votes', () => {
    const { blocks } = requestBlocks(message);
    const buttons = (blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string; url?: string; value?: string }> }).elements;
    assert.equal(buttons.some((b) => b.action_id === APPROVE_ACTION_ID), false, 'no Approve button that votes');
    const open = buttons.find((b) => b.action_id === OPEN_CONSOLE_ACTION_ID);
    assert.equal(open?.url, `https://cs.example/console/actions/${ID}`);
    assert.equal(open?.value, undefined);
    assert.ok(buttons.some((b) => b.action_id === DENY_ACTION_ID));
    assert.match(JSON.stringify(blocks), /passkey step-up/);
  });

  it('given a step-up rule, when the Teams card is built, then Approve is an OpenUrl to the console, never an Execute', () => {
    const card = approvalCard(message) as { actions: Array<{ type: string; title: string; url?: string; verb?: string }> };
    assert.equal(card.actions.some((a) => a.type === 'Action.Execute'), false);
    assert.deepEqual(card.actions.find((a) => a.title === 'Approve in console'), { type: 'Action.OpenUrl', title: 'Approve in console', url: `https://cs.example/console/actions/${ID}` });
    assert.ok(card.actions.some((a) => a.type === 'Action.ShowCard' && a.title === 'Deny…'));
  });

  it('given a step-up rule and no public URL, when the messages are built, then there is no Approve at all', () => {
    const { links: _links, ...bare } = message;
    const buttons = (requestBlocks(bare).blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string }> }).elements.map((b) => b.action_id);
    assert.deepEqual(buttons, [DENY_ACTION_ID]);
    assert.equal((approvalCard(bare) as { actions: Array<{ title: string }> }).actions.some((a) => /Approve/.test(a.title)), false);
  });
});
