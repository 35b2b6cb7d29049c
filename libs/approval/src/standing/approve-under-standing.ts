import { POLICY_PUBLISH_ACTION, type ApproveUnderStandingData, type CommandEnvelope } from '@countersign/contracts';
import { listWords, requesterIds, ROUTER, type ApprovalEventDraft, type DecideContext } from '../context.ts';
import { currentRequest } from '../escalation.ts';
import { quorumReached } from '../quorum.ts';
import type { ApprovalState } from '../state.ts';
import { decisionBase } from '../vote-record.ts';

type ApproveUnderStanding = CommandEnvelope<'ApproveUnderStanding', ApproveUnderStandingData>;

/**
 * The requester's ledger counted a use of a standing approval for this action (ADR 0004): approve
 * it, citing the standing approval, if it is still pending on the same terms the ledger checked.
 * The grantors stand for the approvers, as votes cast in advance, so what holds for votes holds
 * here too: none of them is the requester or acts for it (rule 2), all are eligible under the
 * request, and together they reach its quorum (rule 3). Otherwise, or once the action is decided,
 * cancelled or past its deadline, nothing happens: the action waits for people as before (the use
 * stays counted in the ledger, which never gives a use back).
 */
export function decideUnderStanding(command: ApproveUnderStanding, state: ApprovalState, ctx: DecideContext): ApprovalEventDraft[] {
  if (state.status !== 'pending') return [];
  const d = command.data;
  if (state.proposal.action === POLICY_PUBLISH_ACTION) return [];
  if (ctx.now.getTime() >= Date.parse(state.request.deadline)) return [];
  if (d.paramsHash !== state.proposal.paramsHash || d.rule !== state.request.rule) return [];
  const requester = state.proposal.requester;
  const selves = new Set([...requesterIds(requester), ...requester.identities]);
  if (d.grantedBy.some((g) => selves.has(g))) return [];
  const request = currentRequest(state);
  if (!d.grantedBy.every((g) => request.eligible.includes(g)) || !quorumReached(d.grantedBy, request)) return [];
  const reason =
    `Approved under standing approval ${d.id} (use ${d.use} of ${d.maxUses}, until ${d.expiresAt}), ` +
    `granted by ${listWords(d.grantedBy, 'and')} when they approved action ${d.sourceActionId}.`;
  return [
    {
      type: 'ActionApproved',
      data: {
        ...decisionBase(state),
        reason,
        automatic: false,
        approvers: [...d.grantedBy],
        standing: { id: d.id, use: d.use, maxUses: d.maxUses, expiresAt: d.expiresAt, sourceActionId: d.sourceActionId },
      },
      actor: ROUTER,
    },
  ];
}
