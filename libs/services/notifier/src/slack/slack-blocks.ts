import type { KnownBlock } from '@slack/web-api';
import { OUTCOME_WORDS, type ApprovalMessage } from '../channel.port.ts';

/** The action ids of the two buttons: the gateway's interactivity endpoint answers to these. */
export const APPROVE_ACTION_ID = 'countersign_approve';
export const DENY_ACTION_ID = 'countersign_deny';
/** The block holding the buttons, so the gateway can tell our buttons from anything else. */
export const VOTE_BLOCK_ID = 'countersign_vote';

/** Slack's limits: section text 3000 characters, header text 150. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

/** What chat.postMessage / chat.update take: blocks, and the text shown in notifications. */
export interface SlackMessageBody {
  text: string;
  blocks: KnownBlock[];
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning: escape them in anything a requester wrote. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: cut(text, SECTION_MAX) });
const plain = (text: string) => ({ type: 'plain_text' as const, text: cut(text, HEADER_MAX), emoji: false });

/** A date every reader sees in their own time zone, with the ISO instant as fallback. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time}|${iso}>` : escapeMrkdwn(iso);
}

function requesterLine(m: ApprovalMessage): string {
  const who = `\`${escapeMrkdwn(m.requester.id)}\` (${m.requester.kind})`;
  return m.requester.onBehalfOf ? `${who} on behalf of \`${escapeMrkdwn(m.requester.onBehalfOf)}\`` : who;
}

const subject = (m: ApprovalMessage) => `${m.action} on ${m.resource}`;

/** The parameters as given (already truncated and redacted by the notifier), as a code block. */
function paramsText(params: Record<string, unknown>): string {
  const json = JSON.stringify(params, null, 2) ?? '{}';
  // Inside a code block only `&<>` still need escaping; ``` itself cannot be escaped, so break it.
  return `*Parameters*\n\`\`\`${cut(escapeMrkdwn(json).replace(/```/g, '`\u200b``'), SECTION_MAX - 40)}\`\`\``;
}

/** Who asks for what, and why policy asks: shared by the request and the outcome messages. */
function contextBlocks(m: ApprovalMessage): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      fields: [
        mrkdwn(`*Requested by*\n${requesterLine(m)}`),
        mrkdwn(`*Action*\n\`${escapeMrkdwn(m.action)}\``),
        mrkdwn(`*Resource*\n\`${escapeMrkdwn(m.resource)}\``),
        ...(m.approval ? [mrkdwn(`*Deadline*\n${slackDate(m.approval.deadline)}`)] : []),
      ],
    },
  ];
  if (Object.keys(m.params).length > 0) blocks.push({ type: 'section', text: mrkdwn(paramsText(m.params)) });
  if (m.justification) blocks.push({ type: 'section', text: mrkdwn(`*Justification*\n${escapeMrkdwn(m.justification)}`) });
  blocks.push({ type: 'section', text: mrkdwn(`*Why approval is needed*\n${escapeMrkdwn(m.policy.explanation ?? m.policy.reason)}`) });
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`rule \`${escapeMrkdwn(m.policy.rule)}\` · policy ${escapeMrkdwn(m.policy.policyVersion.slice(0, 12))} · action ${escapeMrkdwn(m.actionId)}` +
      (m.links?.action ? ` · <${m.links.action}|open in Countersign>` : ''))],
  });
  return blocks;
}

function approvalsLine(a: NonNullable<ApprovalMessage['approval']>): string {
  const from = a.groups.length ? ` from ${a.groups.map((g) => `\`${escapeMrkdwn(g)}\``).join(', ')}` : '';
  const escalated = a.escalatedTo?.length ? ` · escalated to ${a.escalatedTo.map(escapeMrkdwn).join(', ')}` : '';
  return `*Approvals* ${a.approvals} of ${a.quorum}${from}${a.distinctGroups ? ' (one per group)' : ''}${escalated}`;
}

/** The interactive message asking for a decision: context, then Approve and Deny buttons. */
export function requestBlocks(m: ApprovalMessage): SlackMessageBody {
  const title = m.purpose === 'escalation' ? 'Escalated: approval needed' : 'Approval needed';
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(`${title}: ${subject(m)}`) }, ...contextBlocks(m)];
  if (m.approval) blocks.push({ type: 'section', text: mrkdwn(approvalsLine(m.approval)) });
  blocks.push({
    type: 'actions',
    block_id: VOTE_BLOCK_ID,
    elements: [
      { type: 'button', action_id: APPROVE_ACTION_ID, style: 'primary', value: m.actionId, text: plain('Approve') },
      { type: 'button', action_id: DENY_ACTION_ID, style: 'danger', value: m.actionId, text: plain('Deny') },
    ],
  });
  return { text: `${title}: ${subject(m)}, requested by ${m.requester.id}`, blocks };
}

/** The same message once decided: the outcome (who, when, why), and no buttons left to click. */
export function outcomeBlocks(m: ApprovalMessage): SlackMessageBody {
  const d = m.decision;
  if (!d) return requestBlocks(m);
  const word = OUTCOME_WORDS[d.status];
  const by = d.automatic ? 'policy' : d.by.length ? d.by.map((p) => `\`${escapeMrkdwn(p)}\``).join(', ') : 'nobody';
  const who = d.status === 'expired' ? 'nobody decided in time' : `by ${by}${d.breakGlass ? ' (break-glass: a review follows)' : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${word}: ${subject(m)}`) },
    { type: 'section', text: mrkdwn(`*${word}* ${who}, ${slackDate(d.at)}\n*Reason* ${escapeMrkdwn(d.reason)}`) },
    ...contextBlocks({ ...m, approval: undefined }),
  ];
  return { text: `${word}: ${subject(m)} (${d.status === 'expired' ? 'expired' : `by ${d.automatic ? 'policy' : d.by.join(', ')}`})`, blocks };
}

/** Request or outcome, whichever the message is. */
export function slackMessage(m: ApprovalMessage): SlackMessageBody {
  return m.decision ? outcomeBlocks(m) : requestBlocks(m);
}
