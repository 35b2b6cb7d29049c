import type {
  ApprovalRequestedData,
  ApprovalRequirement,
  BreakGlassRequirement,
  EscalationRequirement,
  PolicyEvaluatedData,
  Requester,
} from '@countersign/contracts';
import { listWords, type Directory } from './context.ts';
import { escalationAdditions } from './escalation.ts';
import { groupsAmong, humanMembers, isKnownHuman, requesterExclusions } from './members.ts';
import { distinctGroupCover } from './quorum.ts';

/**
 * Who may vote, fixed now: the members of the rule's groups and the principals it names, humans
 * only, never the requester nor the human an agent acts for (rule 2). Principals missing from the
 * directory are left out: we cannot tell they are human. The escalation and break-glass clauses
 * are fixed now too (when, to whom; who may break glass); optional parts appear only when the
 * rule has them, as the event schema wants.
 */
export function approvalRequest(
  evaluation: PolicyEvaluatedData,
  requester: Requester,
  now: Date,
  directory: Directory,
): ApprovalRequestedData | { impossible: string } {
  const requirement = evaluation.approval;
  if (!requirement) {
    return { impossible: `Policy rule ${evaluation.rule} requires approval but names no approvers; denied (fail closed).` };
  }
  const excluded = requesterExclusions(requester);
  const candidates = new Set([...requirement.principals, ...humanMembers(directory, requirement.groups, excluded)]);
  const eligible = [...candidates].filter((id) => !excluded.has(id) && isKnownHuman(id, directory)).sort();
  const eligibleGroups = groupsAmong(directory, eligible, requirement.groups);

  const shortfall = quorumShortfall(requirement, { eligible, eligibleGroups }, directory, requester);
  if (shortfall) return { impossible: `Not enough eligible approvers for rule ${evaluation.rule}: ${shortfall}; denied (fail closed).` };

  const { channels, escalation, breakGlass, standing } = requirement;
  return {
    rule: evaluation.rule,
    policyVersion: evaluation.policyVersion,
    quorum: requirement.quorum,
    distinctGroups: requirement.distinctGroups,
    groups: requirement.groups,
    eligible,
    eligibleGroups,
    deadline: secondsFrom(now, requirement.timeoutSeconds),
    ...(channels ? { channels } : {}),
    ...(escalation ? { escalation: plannedEscalation(escalation, now) } : {}),
    ...(breakGlass ? { breakGlass: breakGlassClause(breakGlass, directory, excluded) } : {}),
    ...(standing ? { standing: { ...standing } } : {}),
    // The router alone decides: the request carries the step-up the rule requires (docs/step-up.md).
    ...(requirement.stepUp ? { stepUp: requirement.stepUp } : {}),
  };
}

/** The instant `seconds` after `now`, as the events carry it. */
export const secondsFrom = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

function plannedEscalation(escalation: EscalationRequirement, now: Date): NonNullable<ApprovalRequestedData['escalation']> {
  return {
    at: secondsFrom(now, escalation.afterSeconds),
    groups: escalation.groups,
    ...(escalation.channels ? { channels: escalation.channels } : {}),
  };
}

function breakGlassClause(
  breakGlass: BreakGlassRequirement,
  directory: Directory,
  excluded: ReadonlySet<string>,
): NonNullable<ApprovalRequestedData['breakGlass']> {
  return {
    groups: breakGlass.groups,
    eligible: humanMembers(directory, breakGlass.groups, excluded),
    reviewGroups: breakGlass.reviewGroups,
    reviewWithinSeconds: breakGlass.reviewWithinSeconds,
  };
}

/**
 * Why these approvers can never reach the quorum, or undefined when they can. Those an escalation
 * would add count: the request is not hopeless if escalating can complete it. Break-glass does not
 * count: it is for emergencies, not a way around a rule nobody can satisfy.
 */
function quorumShortfall(
  requirement: ApprovalRequirement,
  now: Pick<ApprovalRequestedData, 'eligible' | 'eligibleGroups'>,
  directory: Directory,
  requester: Requester,
): string | undefined {
  const { quorum } = requirement;
  let { eligible, eligibleGroups } = now;
  let who = describeRequirement(requirement);
  if (requirement.escalation) {
    const later = escalationAdditions(directory, requester, { groups: requirement.groups, eligible }, requirement.escalation.groups);
    eligible = [...eligible, ...later.added];
    eligibleGroups = { ...eligibleGroups, ...later.addedGroups };
    who += ` (after escalation, also members of ${listWords(requirement.escalation.groups)})`;
  }
  if (eligible.length < quorum) {
    return `${quorum} approval(s) needed from ${who}, but only ${eligible.length} eligible human(s) other than the requester`;
  }
  if (requirement.distinctGroups) {
    const cover = distinctGroupCover(eligible, eligibleGroups);
    if (cover < quorum) {
      const groups = [...requirement.groups, ...(requirement.escalation?.groups ?? [])];
      return `${quorum} approvals needed from distinct groups of ${listWords([...new Set(groups)], 'and')}, but eligible approvers can cover only ${cover}`;
    }
  }
  return undefined;
}

/** "members of sre or security, or carol": who a rule accepts votes from. */
export function describeRequirement(requirement: Pick<ApprovalRequirement, 'groups' | 'principals'>): string {
  const parts: string[] = [];
  if (requirement.groups.length > 0) parts.push(`members of ${listWords(requirement.groups)}`);
  if (requirement.principals.length > 0) parts.push(listWords(requirement.principals));
  return parts.length > 0 ? parts.join(', or ') : 'nobody';
}
