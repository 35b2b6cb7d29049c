import type { KnownBlock } from '@slack/web-api';
import { OUTCOME_WORDS, type ApprovalMessage } from '../channel.port.ts';
import { namesShown, shortHash, slackCode, slackText, voteValue } from '../display-text.ts';

export { escapeMrkdwn } from '../display-text.ts';

/** The action ids of the two buttons: the gateway's interactivity endpoint answers to these. */
export const APPROVE_ACTION_ID = 'countersign_approve';
export const DENY_ACTION_ID = 'countersign_deny';
/** A link button to the full action: the gateway ignores its clicks (Slack reports them anyway). */
export const OPEN_ACTION_ID = 'countersign_open';
/** The link button that replaces Approve under a step-up rule: it opens the console, it never votes. */
export const OPEN_CONSOLE_ACTION_ID = 'countersign_open_console';
/** The block holding the buttons, so the gateway can tell our buttons from anything else. */
export const VOTE_BLOCK_ID = 'countersign_vote';

/** Slack's limits, which tests hold every message to: section text 3000, a field 2000, a header 150. */
export const SLACK_LIMITS = { section: 3000, field: 2000, header: 150, fields: 10, blocks: 50, buttonValue: 2000, text: 40_000 } as const;

/** What chat.postMessage / chat.update take: blocks, and the text shown in notifications. */
export interface SlackMessageBody {
  text: string;
  blocks: KnownBlock[];
}

// `verbatim`: Slack must not turn @here, #channel or bare URLs in requester text into mentions or links.
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true });
const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });
const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });

/** A date every reader sees in their own time zone, with the ISO instant as fallback. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) && /^[0-9T:.Z+-]+$/.test(iso) ? `<!date^${seconds}^{date_short_pretty} {time}|${iso}>` : slackText(iso);
}

const code = (text: string) => `\`${slackText(text)}\``;

function requesterLine(m: ApprovalMessage): string {
  const who = `${code(m.requester.id)} (${m.requester.kind})`;
  return m.requester.onBehalfOf ? `${who} on behalf of ${code(m.requester.onBehalfOf)}` : who;
}

/** The header: the resource too when it fits in Slack's 150 characters (the fields show it anyway). */
function header(title: string, m: ApprovalMessage): KnownBlock {
  const withResource = `${title}: ${slackText(m.action)} on ${slackText(m.resource)}`;
  return { type: 'header', text: plain(withResource.length <= SLACK_LIMITS.header ? withResource : `${title}: ${slackText(m.action)}`) };
}

/** The parameters as the notifier shows them (redacted, cut, counted), as a code block, with the hash they are bound to. */
function paramsText(m: ApprovalMessage): string {
  const heading = `*Parameters* · sha256 \`${shortHash(m.paramsHash)}\``;
  if (m.display.params.values === 0) return `${heading}\nnone`;
  return `${heading}\n\`\`\`${slackCode(JSON.stringify(m.params, null, 2))}\`\`\``;
}

/** Said first, before anything can be clicked: the message does not show everything the approval covers. */
function noticeBlocks(m: ApprovalMessage): KnownBlock[] {
  return m.display.notice ? [section(`:warning: *${slackText(m.display.notice)}*`)] : [];
}

/** Who asks for what, and why policy asks: shared by the request and the outcome messages. */
function contextBlocks(m: ApprovalMessage): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      fields: [
        mrkdwn(`*Requested by*\n${requesterLine(m)}`),
        mrkdwn(`*Action*\n${code(m.action)}`),
        mrkdwn(`*Resource*\n${code(m.resource)}`),
        ...(m.approval ? [mrkdwn(`*Deadline*\n${slackDate(m.approval.deadline)}`)] : []),
      ],
    },
    section(paramsText(m)),
  ];
  if (m.justification) blocks.push(section(`*Justification*\n${slackText(m.justification, true)}`));
  blocks.push(section(`*Why approval is needed*\n${slackText(m.policy.explanation ?? m.policy.reason, true)}`));
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`rule ${code(m.policy.rule)} · policy ${slackText(m.policy.policyVersion.slice(0, 12))} · action ${slackText(m.actionId)}` +
      ` · params sha256 ${slackText(m.paramsHash)}` + (m.links?.action ? ` · <${m.links.action}|open in Countersign>` : ''))],
  });
  return blocks;
}

function approvalsLine(a: NonNullable<ApprovalMessage['approval']>): string {
  const from = a.groups.length ? ` from ${namesShown(a.groups, code)}` : '';
  const escalated = a.escalatedTo?.length ? ` · escalated to ${namesShown(a.escalatedTo, slackText)}` : '';
  return `*Approvals* ${a.approvals} of ${a.quorum}${from}${a.distinctGroups ? ' (one per group)' : ''}${escalated}`;
}

/**
 * Approve and Deny carry `<actionId>:<paramsHash>`: the vote is for the parameters this message
 * was built from. Approve only when the message shows everything the approval covers; otherwise
 * Deny, and a link to read it all and approve there.
 */
function voteBlocks(m: ApprovalMessage): KnownBlock[] {
  const value = voteValue(m.actionId, m.paramsHash);
  const open = m.links?.action ? [{ type: 'button' as const, action_id: OPEN_ACTION_ID, url: m.links.action, text: plain('Open the full action') }] : [];
  const deny = { type: 'button' as const, action_id: DENY_ACTION_ID, style: 'danger' as const, value, text: plain('Deny') };
  if (m.stepUp) {
    // A step-up rule: approving takes a passkey assertion, which only the console can ask for.
    const console = m.links?.console ? [{ type: 'button' as const, action_id: OPEN_CONSOLE_ACTION_ID, url: m.links.console, style: 'primary' as const, text: plain('Approve in console') }] : [];
    return [
      section('*Approve in the Countersign console:* this rule requires a passkey step-up for every approval, so this message has no Approve button that votes.'),
      { type: 'actions', block_id: VOTE_BLOCK_ID, elements: [...console, deny, ...open] },
    ];
  }
  if (!m.display.complete) {
    return [
      section('*Approve in Countersign, after reading the whole action:* this message does not show all of it, so it has no Approve button.'),
      { type: 'actions', block_id: VOTE_BLOCK_ID, elements: [deny, ...open] },
    ];
  }
  const approve = { type: 'button' as const, action_id: APPROVE_ACTION_ID, style: 'primary' as const, value, text: plain('Approve') };
  return [{ type: 'actions', block_id: VOTE_BLOCK_ID, elements: [approve, deny, ...open] }];
}

/** The interactive message asking for a decision: the notice if any, context, then the buttons. */
export function requestBlocks(m: ApprovalMessage): SlackMessageBody {
  const title = m.purpose === 'escalation' ? 'Escalated: approval needed' : 'Approval needed';
  const blocks: KnownBlock[] = [header(title, m), ...noticeBlocks(m), ...contextBlocks(m)];
  if (m.approval) blocks.push(section(approvalsLine(m.approval)));
  blocks.push(...voteBlocks(m));
  return { text: `${title}: ${slackText(m.action)} on ${slackText(m.resource)}, requested by ${slackText(m.requester.id)}`, blocks };
}

/** The same message once decided: the outcome (who, when, why), and no buttons left to click. */
export function outcomeBlocks(m: ApprovalMessage): SlackMessageBody {
  const d = m.decision;
  if (!d) return requestBlocks(m);
  const word = OUTCOME_WORDS[d.status];
  const by = d.automatic ? 'policy' : d.by.length ? namesShown(d.by, code) : 'nobody';
  const who = d.status === 'expired' ? 'nobody decided in time' : `by ${by}${d.breakGlass ? ' (break-glass: a review follows)' : ''}`;
  const blocks: KnownBlock[] = [
    header(word, m),
    section(`*${word}* ${who}, ${slackDate(d.at)}\n*Reason* ${slackText(d.reason, true)}`),
    ...noticeBlocks(m),
    ...contextBlocks({ ...m, approval: undefined }),
  ];
  const byText = d.status === 'expired' ? 'expired' : `by ${d.automatic ? 'policy' : namesShown(d.by, slackText)}`;
  return { text: `${word}: ${slackText(m.action)} on ${slackText(m.resource)} (${byText})`, blocks };
}

/** Request or outcome, whichever the message is. */
export function slackMessage(m: ApprovalMessage): SlackMessageBody {
  return m.decision ? outcomeBlocks(m) : requestBlocks(m);
}
