import type { ActionView } from '@countersign/audit';
import type { DecisionType, EventDataByType } from '@countersign/contracts';
import { addDelivery, emptyAction, type DecisionSeen, type NotifiedAction } from './action-fold.ts';

const DECISION_TYPE = { approved: 'ActionApproved', denied: 'ActionDenied', expired: 'ActionExpired', cancelled: 'ActionCancelled' } as const;

/**
 * The notifier's state of an action it did not see from the start (it resumed from its committed
 * offset), rebuilt from the actions read model. Later events fold on top as usual.
 */
export function fromActionView(view: ActionView): NotifiedAction {
  let state: NotifiedAction = {
    ...emptyAction(view._id),
    proposal: {
      action: view.action,
      resource: view.resource,
      params: view.params,
      paramsHash: view.paramsHash,
      requestHash: view.requestHash,
      ...(view.justification !== undefined ? { justification: view.justification } : {}),
      requester: { id: view.requester, kind: view.requesterKind, ...(view.onBehalfOf ? { onBehalfOf: view.onBehalfOf } : {}), identities: [] },
      ...(typeof view.callbackUrl === 'string' ? { callbackUrl: view.callbackUrl } : {}),
    },
    approvers: [...new Set(view.votes.filter((v) => v.decision === 'approve').map((v) => v.voter))],
  };
  if (view.policy) state.evaluation = { ...view.policy };
  const a = view.approval;
  if (a && view.policy) {
    state.request = {
      rule: view.policy.rule, policyVersion: view.policy.policyVersion,
      quorum: a.quorum, distinctGroups: a.distinctGroups, groups: a.groups, eligible: a.eligible, eligibleGroups: {}, deadline: a.deadline,
      ...(a.channels ? { channels: a.channels } : {}),
      ...(a.breakGlass ? { breakGlass: a.breakGlass } : {}),
    };
    const e = a.escalation;
    if (e?.escalated) {
      state.escalation = { groups: e.groups, added: e.added ?? [], addedGroups: {}, at: e.escalatedAt ?? e.at, ...(e.channels ? { channels: e.channels } : {}) };
    }
  }
  const d = view.decision;
  if (d) {
    const type: DecisionType = DECISION_TYPE[d.outcome];
    const common = { rule: d.rule, policyVersion: d.policyVersion, paramsHash: d.paramsHash, reason: d.reason };
    const data: EventDataByType[DecisionType] =
      type === 'ActionApproved' ? { ...common, automatic: d.automatic, approvers: d.by, ...(d.breakGlass ? { breakGlass: true } : {}) }
      : type === 'ActionDenied' ? { ...common, automatic: d.automatic, ...(d.by[0] ? { deniedBy: d.by[0] } : {}) }
      : type === 'ActionExpired' ? { ...common, deadline: a?.deadline ?? d.at }
      : { ...common, cancelledBy: d.by[0] ?? 'unknown' };
    state.decision = { type, data, at: d.at } as DecisionSeen;
  }
  for (const n of view.notifications ?? []) {
    if (n.status !== 'delivered') continue;
    state = addDelivery(state, { channel: n.channel, purpose: n.purpose, ...(n.ref ? { ref: n.ref } : {}), ...(n.updated ? { updated: true } : {}) });
  }
  return state;
}
