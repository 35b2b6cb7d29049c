import type { IAdaptiveCard, IFact, ITextBlock, CardElementArray, ActionArray } from '@microsoft/teams.cards';
import { OUTCOME_WORDS, type ApprovalMessage } from '../channel.port.ts';

/** Action.Execute (Universal Actions) needs schema 1.4; 1.5 adds nothing we rely on but is what Teams renders today. */
export const CARD_VERSION = '1.5';
/** The verbs the gateway's Teams endpoint answers; `data.actionId` says which action. */
export const VERBS = { approve: 'countersign.approve', deny: 'countersign.deny' } as const;
/** The id of the Deny reason input: the invoke carries its value under this key. */
export const REASON_INPUT = 'reason';

const MAX_PARAM_CHARS = 200;

const text = (value: string, extra: Partial<ITextBlock> = {}): ITextBlock => ({ type: 'TextBlock', text: value, wrap: true, ...extra } as ITextBlock);

function paramValue(value: unknown): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // The notifier truncates already; this only keeps a card under Teams' 28 KB if a caller did not.
  return shown.length > MAX_PARAM_CHARS ? `${shown.slice(0, MAX_PARAM_CHARS - 1)}…` : shown;
}

function requesterLine(m: ApprovalMessage): string {
  return m.requester.onBehalfOf ? `${m.requester.id} (for ${m.requester.onBehalfOf})` : m.requester.id;
}

/** Who asks, what, why, and what policy said: shared by the request and the outcome cards. */
function summary(m: ApprovalMessage): CardElementArray {
  const facts: IFact[] = [
    { title: 'Requested by', value: requesterLine(m) },
    { title: 'Action', value: m.action },
    { title: 'Resource', value: m.resource },
    { title: 'Rule', value: m.policy.rule },
  ];
  const params: IFact[] = Object.entries(m.params).map(([k, v]) => ({ title: k, value: paramValue(v) }));
  return [
    { type: 'FactSet', facts },
    ...(m.justification ? [text(`**Justification:** ${m.justification}`)] : []),
    text(`**Policy:** ${m.policy.explanation ?? m.policy.reason}`, { isSubtle: true }),
    ...(params.length ? [text('Parameters', { weight: 'Bolder', spacing: 'Medium' }), { type: 'FactSet', facts: params } as const] : []),
    ...(m.links?.action ? [text(`[Open in Countersign](${m.links.action})`)] : []),
  ] as CardElementArray;
}

function progressLine(approval: NonNullable<ApprovalMessage['approval']>): string {
  const from = approval.groups.length ? ` from ${approval.groups.join(', ')}` : '';
  const distinct = approval.distinctGroups ? ' (one per group)' : '';
  return `${approval.approvals} of ${approval.quorum} approval(s)${from}${distinct} · decide by ${approval.deadline}`;
}

/**
 * The card asking for a decision: Approve at once, Deny only with a reason (the input is required,
 * so Teams will not send the deny invoke without one; the gateway checks again).
 */
export function approvalCard(m: ApprovalMessage): IAdaptiveCard {
  const title = m.purpose === 'escalation' ? `Escalated: approval needed for ${m.action}` : `Approval needed: ${m.action}`;
  const data = { actionId: m.actionId };
  const actions = [
    { type: 'Action.Execute', title: 'Approve', verb: VERBS.approve, data, style: 'positive' },
    {
      type: 'Action.ShowCard',
      title: 'Deny…',
      card: {
        type: 'AdaptiveCard',
        version: CARD_VERSION,
        body: [{ type: 'Input.Text', id: REASON_INPUT, label: 'Why deny?', isRequired: true, isMultiline: true, maxLength: 1000, errorMessage: 'A reason is required to deny.' }],
        actions: [{ type: 'Action.Execute', title: 'Deny', verb: VERBS.deny, data, style: 'destructive', associatedInputs: 'auto' }],
      },
    },
  ] as ActionArray;
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: `${title} on ${m.resource}, requested by ${requesterLine(m)}`,
    body: [
      text(title, { size: 'Large', weight: 'Bolder' }),
      ...(m.approval?.breakGlass ? [text('Break-glass may apply: one steward can approve alone, with a review afterwards.', { color: 'Attention' })] : []),
      ...summary(m),
      ...(m.approval ? [text(progressLine(m.approval), { isSubtle: true, spacing: 'Medium' })] : []),
    ],
    actions,
  } as IAdaptiveCard;
}

const OUTCOME_COLOR = { approved: 'Good', denied: 'Attention', expired: 'Warning', cancelled: 'Default' } as const;

/** The card after the decision: who, when and why, and no buttons left to press. */
export function outcomeCard(m: ApprovalMessage): IAdaptiveCard {
  const d = m.decision;
  if (!d) return approvalCard(m);
  const by = d.automatic ? 'policy' : d.by.join(', ') || 'Countersign';
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: `${OUTCOME_WORDS[d.status]}: ${m.action} on ${m.resource}`,
    body: [
      text(`${OUTCOME_WORDS[d.status]}: ${m.action}`, { size: 'Large', weight: 'Bolder', color: OUTCOME_COLOR[d.status] }),
      { type: 'FactSet', facts: [{ title: 'By', value: by }, { title: 'At', value: d.at }, { title: 'Why', value: d.reason }] },
      ...(d.breakGlass ? [text('Approved under break-glass: a review has been requested.', { color: 'Attention' })] : []),
      ...summary(m),
    ],
  } as IAdaptiveCard;
}
