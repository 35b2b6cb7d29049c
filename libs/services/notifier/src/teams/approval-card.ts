import type { IAdaptiveCard, IFact, ITextBlock, CardElementArray, ActionArray } from '@microsoft/teams.cards';
import { OUTCOME_WORDS, type ApprovalMessage } from '../channel.port.ts';
import { namesShown, shortHash, teamsText, visible } from '../display-text.ts';

/** Action.Execute (Universal Actions) needs schema 1.4; 1.5 adds nothing we rely on but is what Teams renders today. */
export const CARD_VERSION = '1.5';
/** The verbs the gateway's Teams endpoint answers; `data.actionId` says which action, `data.paramsHash` which parameters. */
export const VERBS = { approve: 'countersign.approve', deny: 'countersign.deny' } as const;
/** The id of the Deny reason input: the invoke carries its value under this key. */
export const REASON_INPUT = 'reason';
/** Teams refuses cards over 28 KB; tests hold every card to this. */
export const TEAMS_CARD_MAX_BYTES = 28_000;

const text = (value: string, extra: Partial<ITextBlock> = {}): ITextBlock => ({ type: 'TextBlock', text: value, wrap: true, ...extra } as ITextBlock);

/** A parameter as a fact's value: strings as they are, anything else as JSON; escaped either way. */
const paramValue = (value: unknown): string => teamsText(typeof value === 'string' ? value : JSON.stringify(value));

function requesterLine(m: ApprovalMessage): string {
  return m.requester.onBehalfOf ? `${teamsText(m.requester.id)} (for ${teamsText(m.requester.onBehalfOf)})` : teamsText(m.requester.id);
}

/** Who asks, what, why, and what policy said: shared by the request and the outcome cards. */
function summary(m: ApprovalMessage): CardElementArray {
  const facts: IFact[] = [
    { title: 'Requested by', value: requesterLine(m) },
    { title: 'Action', value: teamsText(m.action) },
    { title: 'Resource', value: teamsText(m.resource) },
    { title: 'Rule', value: teamsText(m.policy.rule) },
    { title: 'Parameters SHA-256', value: teamsText(m.paramsHash) },
  ];
  const params: IFact[] = Object.entries(m.params).map(([k, v]) => ({ title: teamsText(k), value: paramValue(v) }));
  return [
    { type: 'FactSet', facts },
    ...(m.justification ? [text(`**Justification:** ${teamsText(m.justification, true)}`)] : []),
    text(`**Policy:** ${teamsText(m.policy.explanation ?? m.policy.reason, true)}`, { isSubtle: true }),
    text(`Parameters · sha256 ${shortHash(m.paramsHash)}${m.display.params.values === 0 ? ': none' : ''}`, { weight: 'Bolder', spacing: 'Medium' }),
    ...(params.length ? [{ type: 'FactSet', facts: params } as const] : []),
    ...(m.links?.action ? [text(`[Open in Countersign](${m.links.action})`)] : []),
  ] as CardElementArray;
}

/** Said first, before anything can be pressed: the card does not show everything the approval covers. */
function notice(m: ApprovalMessage): CardElementArray {
  return (m.display.notice ? [text(`⚠ ${teamsText(m.display.notice)}`, { color: 'Attention', weight: 'Bolder' })] : []) as CardElementArray;
}

function progressLine(approval: NonNullable<ApprovalMessage['approval']>): string {
  const from = approval.groups.length ? ` from ${namesShown(approval.groups, teamsText)}` : '';
  const distinct = approval.distinctGroups ? ' (one per group)' : '';
  return `${approval.approvals} of ${approval.quorum} approval(s)${from}${distinct} · decide by ${teamsText(approval.deadline)}`;
}

/**
 * Approve at once, Deny only with a reason (the input is required, so Teams will not send the deny
 * invoke without one; the gateway checks again). Both carry `{ actionId, paramsHash }`. Approve only
 * when the card shows everything the approval covers; otherwise Deny and a link to read it all.
 */
function voteActions(m: ApprovalMessage): ActionArray {
  const data = { actionId: m.actionId, paramsHash: m.paramsHash };
  const deny = {
    type: 'Action.ShowCard',
    title: 'Deny…',
    card: {
      type: 'AdaptiveCard',
      version: CARD_VERSION,
      body: [{ type: 'Input.Text', id: REASON_INPUT, label: 'Why deny?', isRequired: true, isMultiline: true, maxLength: 1000, errorMessage: 'A reason is required to deny.' }],
      actions: [{ type: 'Action.Execute', title: 'Deny', verb: VERBS.deny, data, style: 'destructive', associatedInputs: 'auto' }],
    },
  };
  const open = m.links?.action ? [{ type: 'Action.OpenUrl', title: 'Open the full action', url: m.links.action }] : [];
  // A step-up rule: Approve opens the console (a passkey assertion is needed), it never votes.
  if (m.stepUp) return [...(m.links?.console ? [{ type: 'Action.OpenUrl', title: 'Approve in console', url: m.links.console }] : []), deny, ...open] as ActionArray;
  const approve = m.display.complete ? [{ type: 'Action.Execute', title: 'Approve', verb: VERBS.approve, data, style: 'positive' }] : [];
  return [...approve, deny, ...open] as ActionArray;
}

/** The card asking for a decision. */
export function approvalCard(m: ApprovalMessage): IAdaptiveCard {
  const title = m.purpose === 'escalation' ? `Escalated: approval needed for ${m.action}` : `Approval needed: ${m.action}`;
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: visible(`${title} on ${m.resource}, requested by ${m.requester.id}`),
    body: [
      text(teamsText(title), { size: 'Large', weight: 'Bolder' }),
      ...notice(m),
      ...(m.approval?.breakGlass ? [text('Break-glass may apply: one steward can approve alone, with a review afterwards.', { color: 'Attention' })] : []),
      ...summary(m),
      ...(m.approval ? [text(progressLine(m.approval), { isSubtle: true, spacing: 'Medium' })] : []),
      ...(m.stepUp ? [text('**Approve in the Countersign console:** this rule requires a passkey step-up for every approval, so this card has no Approve button that votes.')]
        : m.display.complete ? [] : [text('**Approve in Countersign, after reading the whole action:** this card does not show all of it, so it has no Approve button.')]),
    ],
    actions: voteActions(m),
  } as IAdaptiveCard;
}

const OUTCOME_COLOR = { approved: 'Good', denied: 'Attention', expired: 'Warning', cancelled: 'Default' } as const;

/** The card after the decision: who, when and why, and no buttons left to press. */
export function outcomeCard(m: ApprovalMessage): IAdaptiveCard {
  const d = m.decision;
  if (!d) return approvalCard(m);
  const by = d.automatic ? 'policy' : namesShown(d.by, teamsText) || 'Countersign';
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: visible(`${OUTCOME_WORDS[d.status]}: ${m.action} on ${m.resource}`),
    body: [
      text(teamsText(`${OUTCOME_WORDS[d.status]}: ${m.action}`), { size: 'Large', weight: 'Bolder', color: OUTCOME_COLOR[d.status] }),
      { type: 'FactSet', facts: [{ title: 'By', value: by }, { title: 'At', value: teamsText(d.at) }, { title: 'Why', value: teamsText(d.reason, true) }] },
      ...(d.breakGlass ? [text('Approved under break-glass: a review has been requested.', { color: 'Attention' })] : []),
      ...notice(m),
      ...summary(m),
    ],
  } as IAdaptiveCard;
}
