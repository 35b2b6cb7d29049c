import picomatch from 'picomatch';
import type { NotificationPurpose } from '@countersign/contracts';
import type { DecisionSeen, NotifiedAction } from './action-fold.ts';
import type { ApprovalMessage } from './channel.port.ts';

export const REDACTED = '[redacted]';
/** Longer strings are cut here: a chat message is not the place for a whole SQL script. */
export const MAX_PARAM_LENGTH = 200;

/** Cuts a string to `max` characters, the last one an ellipsis, so readers see it was cut. */
export function truncate(text: string, max = MAX_PARAM_LENGTH): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Parameters as messages show them: values of keys matching a `redactParams` glob (at any depth,
 * case-insensitively) become "[redacted]", long strings are truncated. The log keeps the originals.
 */
export function displayParams(params: Record<string, unknown>, redactGlobs: readonly string[] = []): Record<string, unknown> {
  const matchers = redactGlobs.map((g) => picomatch(g, { nocase: true, dot: true }));
  const secret = (key: string) => matchers.some((m) => m(key));
  const show = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return truncate(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => show(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secret(k) ? REDACTED : show(v, depth + 1)]));
  };
  return show(params, 0) as Record<string, unknown>;
}

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
  const { requester } = proposal;
  const message: ApprovalMessage = {
    actionId: state.actionId,
    purpose,
    action: proposal.action,
    resource: proposal.resource,
    params: displayParams(proposal.params, evaluation.redactParams),
    requester: { id: requester.id, kind: requester.kind, ...(requester.onBehalfOf ? { onBehalfOf: requester.onBehalfOf } : {}) },
    ...(proposal.justification !== undefined ? { justification: truncate(proposal.justification, 2000) } : {}),
    policy: {
      rule: evaluation.rule,
      policyVersion: evaluation.policyVersion,
      reason: evaluation.reason,
      ...(evaluation.explanation ? { explanation: evaluation.explanation } : {}),
    },
  };
  if (request) {
    message.approval = {
      quorum: request.quorum,
      distinctGroups: request.distinctGroups,
      groups: escalation ? [...new Set([...request.groups, ...escalation.groups])] : request.groups,
      eligible: escalation ? [...new Set([...request.eligible, ...escalation.added])] : request.eligible,
      deadline: request.deadline,
      approvals: state.approvers.length,
      ...(request.breakGlass ? { breakGlass: true } : {}),
      ...(escalation ? { escalatedTo: escalation.groups } : {}),
    };
  }
  if (state.decision) message.decision = decisionOf(state.decision);
  if (publicUrl) message.links = { action: `${publicUrl.replace(/\/$/, '')}/v1/actions/${encodeURIComponent(state.actionId)}` };
  return { ok: true, message };
}
