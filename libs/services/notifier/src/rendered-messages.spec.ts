import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contentHash } from '@countersign/contracts';
import type { NotifiedAction } from './action-fold.ts';
import { buildMessage } from './approval-message.ts';
import type { ApprovalMessage } from './channel.port.ts';
import { APPROVE_ACTION_ID, SLACK_LIMITS, slackMessage } from './slack/slack-blocks.ts';
import { TEAMS_CARD_MAX_BYTES, VERBS, approvalCard, outcomeCard } from './teams/approval-card.ts';

/**
 * Properties of every message, whatever a requester (or approver) writes: it fits the platform's
 * limits, shows the params hash, says when it shows part, offers Approve only when it shows all,
 * and carries no mention, link or markup that the input put there.
 */

const hostile = fc.constantFrom('<!channel>', '<!here|here>', '<@U0ADMIN>', '<#C0GENERAL|general>', '<https://evil.example|click>',
  '[click](https://evil.example)', '**bold**', '_it_', '\n- list', '\n1. item', '```', '&lt;', '&', '\u202e', '\u200b', '@here', '{{DATE(2020-01-01T00:00:00Z)}}', '\\', '😀');
const text = (maxLength: number) => fc.array(fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 40 })), { maxLength }).map((parts) => parts.join(''));
const big = fc.oneof(text(6), text(400));
const names = fc.array(fc.oneof(fc.constantFrom('alice', 'data-stewards'), text(4)), { maxLength: 12 });

const state = fc.record({
  action: big, resource: big, justification: fc.option(big, { nil: undefined }), requester: big, onBehalfOf: fc.option(text(4), { nil: undefined }),
  params: fc.dictionary(fc.oneof(text(3), fc.string()), fc.jsonValue({ maxDepth: 5, stringUnit: 'binary' }), { maxKeys: 150 }),
  rule: big, reason: big, explanation: fc.option(big, { nil: undefined }), groups: names, eligible: names, approvers: names,
  decision: fc.option(fc.record({ reason: big, by: names }), { nil: undefined }),
}).map((g): NotifiedAction => ({
  actionId: '0190a0b0-0000-7000-8000-000000000001',
  proposal: {
    action: g.action, resource: g.resource, params: g.params, paramsHash: contentHash(g.params), requestHash: contentHash('r'),
    ...(g.justification !== undefined ? { justification: g.justification } : {}),
    requester: { id: g.requester, kind: 'agent', ...(g.onBehalfOf ? { onBehalfOf: g.onBehalfOf } : {}), identities: [] },
  },
  evaluation: { outcome: 'require_approval', policyVersion: 'a'.repeat(64), matchedRules: [g.rule], rule: g.rule, reason: g.reason, ...(g.explanation ? { explanation: g.explanation } : {}) },
  request: {
    rule: g.rule, policyVersion: 'v', quorum: 2, distinctGroups: true, groups: g.groups, eligible: g.eligible, eligibleGroups: {}, deadline: '2030-01-01T00:00:00.000Z',
  },
  approvers: g.approvers,
  deliveries: [],
  ...(g.decision ? { decision: { type: 'ActionDenied' as const, data: { rule: g.rule, policyVersion: 'v', paramsHash: 'h', reason: g.decision.reason, automatic: false, deniedBy: g.decision.by[0] }, at: '2030-01-01T00:00:00.000Z' } } : {}),
}));

const build = (s: NotifiedAction): ApprovalMessage => {
  const built = buildMessage(s, s.decision ? 'decision' : 'request', 'https://countersign.example');
  assert.ok(built.ok);
  return built.message;
};

/** Every mrkdwn text of a Slack message, with the few `<…>` we write ourselves taken out. */
function slackTexts(blocks: any[]): string[] {
  const texts: string[] = [];
  for (const b of blocks) {
    if (b.text?.type === 'mrkdwn') texts.push(b.text.text);
    for (const f of b.fields ?? []) texts.push(f.text);
    for (const e of b.elements ?? []) if (e.type === 'mrkdwn') texts.push(e.text);
  }
  return texts.map((t) => t.replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9TZ:.+-]+>/g, '').replace(/<https:\/\/countersign\.example\/v1\/actions\/[0-9a-f-]+\|open in Countersign>/g, ''));
}

/** Teams markdown: every character that could start markup is escaped (an odd run of backslashes before it). */
function assertTeamsEscaped(value: string): void {
  const ours = value.replace(/\[Open in Countersign\]\(https:\/\/countersign\.example\/v1\/actions\/[0-9a-f-]+\)/, '').replace(/^\*\*[A-Za-z ]+:\*\* /, '').replace(/\*\*Approve in Countersign, after reading the whole action:\*\*/, '');
  for (let i = 0; i < ours.length; i += 1) {
    if (!'[]*_<>`'.includes(ours[i])) continue;
    let slashes = 0;
    while (i - slashes - 1 >= 0 && ours[i - slashes - 1] === '\\') slashes += 1;
    assert.equal(slashes % 2, 1, `unescaped ${ours[i]} at ${i} in ${JSON.stringify(ours.slice(Math.max(0, i - 20), i + 20))}`);
  }
}

function teamsStrings(card: any): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    if (node?.type === 'TextBlock') out.push(node.text);
    if (node?.type === 'FactSet') for (const f of node.facts) out.push(f.title, f.value);
    for (const child of [...(node?.body ?? []), ...(node?.actions ?? [])]) walk(child);
  };
  walk(card);
  return out;
}

describe('every rendered message', () => {
  it('fits Slack, shows the hash, says when it shows part, and has Approve only when it shows all', () => {
    fc.assert(fc.property(state, (s) => {
      const m = build(s);
      const { text: fallback, blocks } = slackMessage(m) as { text: string; blocks: any[] };
      assert.ok(blocks.length <= SLACK_LIMITS.blocks && fallback.length <= SLACK_LIMITS.text);
      for (const b of blocks) {
        if (b.type === 'header') assert.ok(b.text.text.length <= SLACK_LIMITS.header, b.text.text);
        if (b.text?.type === 'mrkdwn') assert.ok(b.text.text.length <= SLACK_LIMITS.section, `${b.text.text.length}`);
        if (b.fields) assert.ok(b.fields.length <= SLACK_LIMITS.fields && b.fields.every((f: any) => f.text.length <= SLACK_LIMITS.field));
        for (const e of b.elements ?? []) if (e.value !== undefined) assert.equal(e.value, `${m.actionId}:${m.paramsHash}`);
      }
      const all = JSON.stringify(blocks);
      assert.ok(all.includes(m.paramsHash) && all.includes(m.paramsHash.slice(0, 12)));
      const buttons = blocks.find((b) => b.type === 'actions');
      const hasApprove = Boolean(buttons?.elements.some((e: any) => e.action_id === APPROVE_ACTION_ID));
      assert.equal(hasApprove, !m.decision && m.display.complete);
      if (m.display.notice) {
        const at = blocks.findIndex((b) => b.text?.text?.includes(':warning:'));
        assert.ok(at > 0 && (!buttons || at < blocks.indexOf(buttons)), 'the notice comes before the buttons');
      }
      const { values, shown, cut } = m.display.params;
      if (shown < values || cut > 0) assert.match(m.display.notice ?? '', new RegExp(`^Parameters shown in part: ${shown} of ${values} values, ${cut} cut`));
    }), { numRuns: 150 });
  });

  it('carries no Slack mention, channel link or link that the input put there', () => {
    fc.assert(fc.property(state, (s) => {
      const m = build(s);
      const { text: fallback, blocks } = slackMessage(m) as { text: string; blocks: any[] };
      for (const t of [fallback, ...slackTexts(blocks)]) assert.ok(!t.includes('<'), `raw < in ${JSON.stringify(t.slice(0, 200))}`);
    }), { numRuns: 150 });
  });

  it('fits a Teams card, shows the hash, says when it shows part, has Approve only when it shows all, and escapes Markdown', () => {
    fc.assert(fc.property(state, (s) => {
      const m = build(s);
      const card = (m.decision ? outcomeCard(m) : approvalCard(m)) as any;
      assert.ok(Buffer.byteLength(JSON.stringify(card)) <= TEAMS_CARD_MAX_BYTES);
      assert.ok(JSON.stringify(card).includes(m.paramsHash));
      const approve = (card.actions ?? []).find((a: any) => a.verb === VERBS.approve);
      assert.equal(Boolean(approve), !m.decision && m.display.complete);
      if (approve) assert.deepEqual(approve.data, { actionId: m.actionId, paramsHash: m.paramsHash });
      if (m.display.notice) {
        const at = card.body.findIndex((b: any) => b.type === 'TextBlock' && b.text.startsWith('⚠'));
        assert.equal(at, m.decision ? 2 : 1, 'the notice comes right after the title (and the outcome)');
      }
      for (const value of teamsStrings(card)) assertTeamsEscaped(value);
    }), { numRuns: 150 });
  });
});
