import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalMessage } from '../channel.port.ts';

const HASH = '3f1c2a9b0d4e'.padEnd(64, '0');
import { APPROVE_ACTION_ID, DENY_ACTION_ID, OPEN_ACTION_ID, escapeMrkdwn, outcomeBlocks, requestBlocks } from './slack-blocks.ts';
import { readSlackConfig, SLACK_API_URL } from './slack-config.ts';

const request: ApprovalMessage = {
  actionId: '0190a0b0-0000-7000-8000-000000000001',
  purpose: 'request',
  action: 'data.export',
  resource: 'prod/customers',
  params: { table: 'customers', password: '[redacted]' },
  paramsHash: HASH,
  display: { complete: true, params: { values: 2, shown: 2, cut: 0 }, cutFields: [] },
  requester: { id: 'demo-agent', kind: 'agent', onBehalfOf: 'alice' },
  justification: 'Quarterly <report> & review',
  policy: { rule: 'prod-export', policyVersion: 'a'.repeat(64), reason: 'Production exports need a data steward.', explanation: 'Rule prod-export matched.' },
  approval: { quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['bob'], deadline: '2030-01-01T00:00:00.000Z', approvals: 0 },
};

const allText = (blocks: unknown) => JSON.stringify(blocks);
const buttonsOf = (blocks: any[]) => blocks.find((b) => b.type === 'actions')?.elements.map((e: any) => [e.action_id, e.value ?? e.url]);

describe('Slack approval request message', () => {
  it('shows who asks, what, where, the params, justification, explanation, deadline and approvals', () => {
    // when
    const { text, blocks } = requestBlocks(request);
    // then
    const shown = allText(blocks);
    assert.match(text, /data\.export on prod\/customers/);
    for (const part of ['demo-agent', 'on behalf of `alice`', 'data.export', 'prod/customers', '[redacted]', 'Rule prod-export matched.', '*Approvals* 0 of 1', '<!date^1893456000^']) {
      assert.ok(shown.includes(part), `missing ${part}`);
    }
    assert.ok(shown.includes('Quarterly &lt;report&gt; &amp; review'), 'the justification is escaped');
  });

  it('ends with Approve and Deny buttons carrying <actionId>:<paramsHash>, and shows the hash short and in full', () => {
    const { blocks } = requestBlocks(request);
    const actions = blocks.at(-1) as any;
    assert.equal(actions.type, 'actions');
    assert.deepEqual(buttonsOf(blocks), [[APPROVE_ACTION_ID, `${request.actionId}:${HASH}`], [DENY_ACTION_ID, `${request.actionId}:${HASH}`]]);
    assert.ok(allText(blocks).includes('*Parameters* · sha256 `3f1c2a9b0d4e`'));
    assert.ok(allText(blocks).includes(`params sha256 ${HASH}`));
  });

  it('given a message that shows part, says so before the buttons, offers Deny and the full action but no Approve', () => {
    // given
    const partial: ApprovalMessage = {
      ...request,
      display: { complete: false, params: { values: 121, shown: 73, cut: 0 }, cutFields: [], notice: 'Parameters shown in part: 73 of 121 values, 0 cut — see the full action at https://cs.example/v1/actions/x' },
      links: { action: 'https://cs.example/v1/actions/x' },
    };
    // when
    const { blocks } = requestBlocks(partial);
    // then
    assert.equal((blocks[1] as any).text.text, ':warning: *Parameters shown in part: 73 of 121 values, 0 cut — see the full action at https://cs.example/v1/actions/x*');
    assert.deepEqual(buttonsOf(blocks), [[DENY_ACTION_ID, `${request.actionId}:${HASH}`], [OPEN_ACTION_ID, 'https://cs.example/v1/actions/x']]);
  });

  it('escapes mentions and links in every field, and turns off Slack\'s own parsing', () => {
    const hostile = '<!channel> <@U1> <#C1|x> <https://evil.example|click> @here';
    const { text, blocks } = requestBlocks({ ...request, resource: hostile, justification: hostile, requester: { id: hostile, kind: 'agent' }, policy: { ...request.policy, explanation: hostile } });
    for (const t of [text, allText(blocks)]) assert.ok(!/<[!@#h]/.test(t.replace(/<!date\^[^>]+>/g, '')), t);
    assert.ok(blocks.every((b: any) => b.text?.type !== 'mrkdwn' || b.text.verbatim === true));
  });

  it('shows characters that hide themselves, such as a right-to-left override', () => {
    const { blocks } = requestBlocks({ ...request, resource: 'prod/\u202ecod.exe' });
    assert.ok(allText(blocks).includes('prod/\\\\u202ecod.exe'));
  });

  it('says when the request is an escalation', () => {
    assert.match(requestBlocks({ ...request, purpose: 'escalation' }).text, /^Escalated/);
  });
});

describe('Slack outcome message', () => {
  it('shows the outcome, who, when and why, with no buttons', () => {
    // given
    const decided: ApprovalMessage = { ...request, purpose: 'decision', decision: { status: 'denied', at: '2030-01-01T00:00:00.000Z', by: ['bob'], reason: 'Not this quarter', automatic: false } };
    // when
    const { text, blocks } = outcomeBlocks(decided);
    // then
    assert.match(text, /^Denied: data\.export on prod\/customers \(by bob\)/);
    assert.ok(!blocks.some((b) => b.type === 'actions'), 'no buttons left');
    assert.match(allText(blocks), /\*Denied\* by `bob`, <!date\^1893456000.*Not this quarter/);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the three characters Slack gives meaning', () => assert.equal(escapeMrkdwn('<@U1> & <!here>'), '&lt;@U1&gt; &amp; &lt;!here&gt;'));
});

describe('readSlackConfig', () => {
  it('is off without a bot token, and defaults to Slack\'s API', () => {
    assert.equal(readSlackConfig({}), undefined);
    assert.deepEqual(readSlackConfig({ COUNTERSIGN_SLACK_BOT_TOKEN: 'xoxb-1' }), { botToken: 'xoxb-1', apiUrl: SLACK_API_URL });
    assert.equal(readSlackConfig({ COUNTERSIGN_SLACK_BOT_TOKEN: 'xoxb-1', COUNTERSIGN_SLACK_API_URL: 'http://127.0.0.1:9/api' })?.apiUrl, 'http://127.0.0.1:9/api/');
  });
});
