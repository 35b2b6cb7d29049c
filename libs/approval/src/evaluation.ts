import type {
  ActionProposedData,
  ApprovalRequestedData,
  ApprovalRequirement,
  DecisionData,
  PolicyEvaluatedData,
  Requester,
} from '@countersign/contracts';
import { listWords, POLICY_EVALUATOR, requesterIds, ROUTER, type ApprovalEventDraft, type Directory } from './context.ts';
import { distinctGroupCover } from './quorum.ts';

/**
 * Policy has answered a proposal: record the answer and act on it. Allow and deny decide at once;
 * require_approval opens a request, unless the eligible approvers can never reach the quorum, in
 * which case we deny now (fail closed) rather than leave the action hanging until it expires.
 */
export function decideEvaluation(
  evaluation: PolicyEvaluatedData,
  proposal: ActionProposedData,
  now: Date,
  directory: Directory,
): ApprovalEventDraft[] {
  const evaluated: ApprovalEventDraft = { type: 'PolicyEvaluated', data: evaluation, actor: POLICY_EVALUATOR };
  const base: DecisionData = {
    rule: evaluation.rule,
    policyVersion: evaluation.policyVersion,
    paramsHash: proposal.paramsHash,
    reason: evaluation.reason.trim() || `Policy rule ${evaluation.rule} decided ${evaluation.outcome}.`,
  };
  const denyNow = (reason: string): ApprovalEventDraft => ({
    type: 'ActionDenied',
    data: { ...base, reason, automatic: true },
    actor: ROUTER,
  });

  switch (evaluation.outcome) {
    case 'allow':
      return [evaluated, { type: 'ActionApproved', data: { ...base, automatic: true, approvers: [] }, actor: ROUTER }];
    case 'deny':
      return [evaluated, denyNow(base.reason)];
    case 'require_approval': {
      const request = approvalRequest(evaluation, proposal.requester, now, directory);
      if ('impossible' in request) return [evaluated, denyNow(request.impossible)];
      return [evaluated, { type: 'ApprovalRequested', data: request, actor: ROUTER }];
    }
    default: {
      const unknown: never = evaluation.outcome;
      return [evaluated, denyNow(`Policy returned an unknown outcome "${String(unknown)}"; denied (fail closed).`)];
    }
  }
}

/**
 * Who may vote, fixed now: the members of the rule's groups and the principals it names, humans
 * only, never the requester nor the human an agent acts for (rule 2). Principals missing from the
 * directory are left out: we cannot tell they are human.
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
  const excluded = new Set([...requesterIds(requester), ...requester.identities]);
  const wanted = new Set(requirement.groups);
  const candidates = new Set(requirement.principals);
  for (const [id, principal] of Object.entries(directory.principals)) {
    if (principal.groups.some((g) => wanted.has(g))) candidates.add(id);
  }
  const eligible = [...candidates]
    .filter((id) => !excluded.has(id) && Object.hasOwn(directory.principals, id) && directory.principals[id].kind === 'human')
    .sort();
  const eligibleGroups: Record<string, string[]> = {};
  for (const id of eligible) {
    const theirs = new Set(directory.principals[id].groups);
    eligibleGroups[id] = requirement.groups.filter((g) => theirs.has(g));
  }

  const shortfall = quorumShortfall(requirement, eligible, eligibleGroups);
  if (shortfall) return { impossible: `Not enough eligible approvers for rule ${evaluation.rule}: ${shortfall}; denied (fail closed).` };

  return {
    rule: evaluation.rule,
    policyVersion: evaluation.policyVersion,
    quorum: requirement.quorum,
    distinctGroups: requirement.distinctGroups,
    groups: requirement.groups,
    eligible,
    eligibleGroups,
    deadline: new Date(now.getTime() + requirement.timeoutSeconds * 1000).toISOString(),
  };
}

/** Why these eligible approvers can never reach the quorum, or undefined when they can. */
function quorumShortfall(
  requirement: ApprovalRequirement,
  eligible: string[],
  eligibleGroups: Record<string, string[]>,
): string | undefined {
  const { quorum } = requirement;
  const who = describeRequirement(requirement);
  if (eligible.length < quorum) {
    return `${quorum} approval(s) needed from ${who}, but only ${eligible.length} eligible human(s) other than the requester`;
  }
  if (requirement.distinctGroups) {
    const cover = distinctGroupCover(eligible, eligibleGroups);
    if (cover < quorum) {
      return `${quorum} approvals needed from distinct groups of ${listWords(requirement.groups, 'and')}, but eligible approvers can cover only ${cover}`;
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
