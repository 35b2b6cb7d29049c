import type { ApprovalRequestedData, CommandEnvelope, EscalateApprovalData, Requester } from '@countersign/contracts';
import { ROUTER, type ApprovalEventDraft, type DecideContext, type Directory } from './context.ts';
import { groupsAmong, humanMembers, requesterExclusions, union } from './members.ts';
import type { ApprovalState, Pending } from './state.ts';

/**
 * Whom an escalation to `escalationGroups` adds: their human members not already eligible, never
 * the requester (rule 2), each with the groups they count for among the request's groups and the
 * escalation's (so under distinct groups an escalation group is one more group to fill).
 */
export function escalationAdditions(
  directory: Directory,
  requester: Requester,
  request: Pick<ApprovalRequestedData, 'groups' | 'eligible'>,
  escalationGroups: readonly string[],
): { added: string[]; addedGroups: Record<string, string[]> } {
  const excluded = new Set([...requesterExclusions(requester), ...request.eligible]);
  const added = humanMembers(directory, escalationGroups, excluded);
  return { added, addedGroups: groupsAmong(directory, added, union(request.groups, escalationGroups)) };
}

/**
 * The escalation timer fired: a request still pending at its escalation time widens to the
 * escalation groups, once. An early timer, a second one, or one after the decision does nothing.
 * The members are looked up now, not at request time: whoever is on call when it escalates.
 */
export function decideEscalation(
  command: CommandEnvelope<'EscalateApproval', EscalateApprovalData>,
  state: ApprovalState,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  if (state.status !== 'pending' || state.escalated) return [];
  const planned = state.request.escalation;
  if (!planned || !(Date.parse(command.data.at) >= Date.parse(planned.at))) return [];
  const { added, addedGroups } = escalationAdditions(ctx.directory, state.proposal.requester, state.request, planned.groups);
  return [
    {
      type: 'ApprovalEscalated',
      data: {
        groups: planned.groups,
        added,
        addedGroups,
        ...(planned.channels ? { channels: planned.channels } : {}),
        at: command.data.at,
      },
      actor: ROUTER,
    },
  ];
}

/**
 * The request as it stands now: after an escalation, its members vote and count like the
 * original eligible approvers. The recorded `request` itself never changes.
 */
export function currentRequest(state: Pick<Pending, 'request' | 'escalated'>): ApprovalRequestedData {
  const { request, escalated } = state;
  if (!escalated) return request;
  return {
    ...request,
    groups: union(request.groups, escalated.groups),
    eligible: [...request.eligible, ...escalated.added.filter((id) => !request.eligible.includes(id))].sort(),
    eligibleGroups: { ...request.eligibleGroups, ...escalated.addedGroups },
  };
}
