import type { ActionProposedData, DecisionData, PolicyEvaluatedData } from '@countersign/contracts';
import { POLICY_EVALUATOR, ROUTER, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { approvalRequest } from './approval-request.ts';
import { approvalOutcome, publicationProblem } from './publication.ts';

/**
 * Policy has answered a proposal: record the answer and act on it. Allow and deny decide at once;
 * require_approval opens a request, unless the eligible approvers can never reach the quorum, or
 * the action is a policy publication that could never be published (its params are not one, or it
 * was proposed against a version no longer in force), in which case we deny now (fail closed)
 * rather than ask people to approve what cannot take effect.
 */
export function decideEvaluation(evaluation: PolicyEvaluatedData, proposal: ActionProposedData, ctx: DecideContext): ApprovalEventDraft[] {
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
      // The policy loader never lets a publication through unapproved; were it to, it still publishes only a valid one.
      return [evaluated, ...approvalOutcome({ type: 'ActionApproved', data: { ...base, automatic: true, approvers: [] }, actor: ROUTER }, proposal, ctx.policyInForce)];
    case 'deny':
      return [evaluated, denyNow(base.reason)];
    case 'require_approval': {
      const unpublishable = publicationProblem(proposal, ctx.policyInForce);
      if (unpublishable) return [evaluated, denyNow(unpublishable)];
      const request = approvalRequest(evaluation, proposal.requester, ctx.now, ctx.directory);
      if ('impossible' in request) return [evaluated, denyNow(request.impossible)];
      return [evaluated, { type: 'ApprovalRequested', data: request, actor: ROUTER }];
    }
    default: {
      const unknown: never = evaluation.outcome;
      return [evaluated, denyNow(`Policy returned an unknown outcome "${String(unknown)}"; denied (fail closed).`)];
    }
  }
}
