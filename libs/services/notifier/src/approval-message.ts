import { approvalsCounted, currentRequest } from '@countersign/approval';
import type { NotificationPurpose } from '@countersign/contracts';
import type { DecisionSeen, NotifiedAction } from './action-fold.ts';
import type { ApprovalMessage, MessageDisplay } from './channel.port.ts';
import { fitText } from './display-text.ts';
import { displayParams } from './params-display.ts';

export { displayParams, REDACTED } from './params-display.ts';

/**
 * The most characters each field renders as on any channel (see displayCost). Together with the
 * parameters' budget they keep every Slack block and Teams card inside the platform's limits, so
 * no adapter ever has to cut: what is cut is cut here, and the message says so.
 */
export const FIELD_LIMITS = {
  action: 100,
  resource: 1000,
  requester: 200,
  justification: 2000,
  rule: 200,
  policyVersion: 200,
  reason: 1000,
  explanation: 2000,
  decisionReason: 1500,
} as const;

/** Fields whose cut makes an approval cover something unseen: chat then offers no Approve. */
const APPROVED_FIELDS = new Set(['action', 'resource']);

const STATUS = { ActionApproved: 'approved', ActionDenied: 'denied', ActionExpired: 'expired', ActionCancelled: 'cancelled' } as const;

/** Who decided, as a list: approvers, the denier, the canceller; empty when policy or time did. */
export function decisionOf(seen: DecisionSeen): NonNullable<ApprovalMessage['decision']> {
  const base = { status: STATUS[seen.type], at: seen.at, reason: seen.data.reason };
  switch (seen.type) {
    case 'ActionApproved': {
      const d = seen.data as { automatic: boolean; approvers: string[]; breakGlass?: boolean };
      return { ...base, by: d.approvers, automatic: d.automatic, ...(d.breakGlass ? { breakGlass: true } : {}) };
    }
    case 'ActionDenied': {
      const d = seen.data as { automatic: boolean; deniedBy?: string };
      return { ...base, by: d.deniedBy ? [d.deniedBy] : [], automatic: d.automatic };
    }
    case 'ActionExpired':
      return { ...base, by: [], automatic: true };
    case 'ActionCancelled':
      return { ...base, by: [(seen.data as { cancelledBy: string }).cancelledBy], automatic: false };
    default: {
      const unknown: never = seen.type;
      throw new Error(`notifier: unknown decision "${String(unknown)}"`);
    }
  }
}

/** "Parameters shown in part: 40 of 121 values, 2 cut — see the full action at <link>", or undefined when all is shown. */
export function noticeOf(display: Omit<MessageDisplay, 'notice'>, where: string): string | undefined {
  const { values, shown, cut } = display.params;
  const parts: string[] = [];
  if (shown < values || cut > 0) parts.push(`Parameters shown in part: ${shown} of ${values} values, ${cut} cut`);
  const words = display.cutFields.map((f) => f.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`));
  if (words.length > 0) parts.push(`${parts.length > 0 ? 'also cut' : 'Shown in part'}: ${words.join(', ')}`);
  return parts.length > 0 ? `${parts.join('; ')} — see the full action at ${where}` : undefined;
}

/**
 * The message for `purpose` about an action, or undefined (with why) when the notifier has not seen
 * enough of it: a proposal and its evaluation are needed.
 */
export function buildMessage(
  state: NotifiedAction,
  purpose: NotificationPurpose,
  publicUrl?: string,
): { ok: true; message: ApprovalMessage } | { ok: false; reason: string } {
  const { proposal, evaluation, request, escalation } = state;
  if (!proposal) return { ok: false, reason: 'the proposal was not seen' };
  if (!evaluation) return { ok: false, reason: 'the policy evaluation was not seen' };
  const cutFields: string[] = [];
  const fit = (field: keyof typeof FIELD_LIMITS, text: string, multiline = false): string => {
    const fitted = fitText(text, FIELD_LIMITS[field], multiline);
    if (fitted.cut && !cutFields.includes(field)) cutFields.push(field);
    return fitted.text;
  };
  const { requester } = proposal;
  const shown = displayParams(proposal.params, evaluation.redactParams);
  const message: ApprovalMessage = {
    actionId: state.actionId,
    purpose,
    action: fit('action', proposal.action),
    resource: fit('resource', proposal.resource),
    params: shown.params,
    paramsHash: proposal.paramsHash,
    display: { complete: true, params: shown.shown, cutFields },
    requester: {
      id: fit('requester', requester.id), kind: requester.kind,
      ...(requester.onBehalfOf ? { onBehalfOf: fit('requester', requester.onBehalfOf) } : {}),
    },
    ...(proposal.justification !== undefined ? { justification: fit('justification', proposal.justification, true) } : {}),
    policy: {
      rule: fit('rule', evaluation.rule),
      policyVersion: fit('policyVersion', evaluation.policyVersion),
      reason: fit('reason', evaluation.reason, true),
      ...(evaluation.explanation ? { explanation: fit('explanation', evaluation.explanation, true) } : {}),
    },
  };
  if (request) {
    const current = currentRequest({ request, ...(escalation ? { escalated: escalation } : {}) });
    message.approval = {
      quorum: current.quorum,
      distinctGroups: current.distinctGroups,
      groups: current.groups,
      eligible: current.eligible,
      deadline: current.deadline,
      // As the router counts them: under distinctGroups, two approvers of one group count once.
      approvals: approvalsCounted(state.approvers, current),
      ...(request.breakGlass ? { breakGlass: true } : {}),
      ...(escalation ? { escalatedTo: escalation.groups } : {}),
    };
  }
  if (state.decision) {
    const decision = decisionOf(state.decision);
    message.decision = { ...decision, reason: fit('decisionReason', decision.reason, true) };
  }
  if (publicUrl) message.links = { action: `${publicUrl.replace(/\/$/, '')}/v1/actions/${encodeURIComponent(state.actionId)}` };
  // Step-up (docs/step-up.md): approving takes a passkey, which chat cannot ask for; the console can.
  if (evaluation.stepUp) {
    message.stepUp = evaluation.stepUp;
    if (publicUrl) message.links = { ...message.links, console: `${publicUrl.replace(/\/$/, '')}/console/actions/${encodeURIComponent(state.actionId)}` };
  }
  const { params } = message.display;
  message.display.complete = params.shown === params.values && params.cut === 0 && !cutFields.some((f) => APPROVED_FIELDS.has(f));
  const notice = noticeOf(message.display, message.links?.action ?? `GET /v1/actions/${encodeURIComponent(state.actionId)}`);
  if (notice) message.display.notice = notice;
  return { ok: true, message };
}
