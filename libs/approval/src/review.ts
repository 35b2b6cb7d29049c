import type { CommandEnvelope, RecordReviewData, RejectionCode } from '@countersign/contracts';
import { listWords, principalActor, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { rejection } from './rejection.ts';
import type { ApprovalState } from './state.ts';

/**
 * The review a break-glass approval asked for. Accepted once, from one of the reviewers named
 * when it was requested, whatever the verdict: the approval stands either way, and the review is
 * the record that someone looked. Checked in a fixed order: is there a review to record, may this
 * principal record it, has it been recorded, does the comment say anything. A review after its
 * due time is still taken (late is better than never) and flagged.
 */
export function decideReview(
  command: CommandEnvelope<'RecordReview', RecordReviewData>,
  state: ApprovalState,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  const { reviewer, verdict } = command.data;
  const refuse = (code: RejectionCode, reason: string) => rejection(command, reviewer, code, reason, state, ctx);

  if (state.status !== 'approved' || !state.review) {
    const why = state.status === 'none' ? 'it has not been proposed'
      : state.status === 'pending' || state.status === 'proposed' ? 'it has not been decided yet' : 'it was not approved under break-glass';
    return refuse('no_review_requested', `There is no review to record on this action: ${why}; only break-glass approvals are reviewed.`);
  }
  const { reviewers, reviewGroups, approvedBy } = state.review;
  if (!reviewers.includes(reviewer)) {
    const who = reviewers.length > 0 ? listWords(reviewers) : 'nobody (no member of the review groups is left)';
    return refuse(
      'not_eligible',
      `${reviewer} may not review this break-glass approval: it is for members of ${listWords(reviewGroups)} other than ${approvedBy} and the requester, that is ${who}.`,
    );
  }
  if (state.reviewed) {
    return refuse('already_reviewed', `This break-glass approval was already reviewed by ${state.reviewed.reviewer}; it is reviewed once.`);
  }
  const comment = command.data.comment.trim();
  if (comment === '') return refuse('reason_required', 'A review needs a comment: say what you checked and what you found.');

  const late = ctx.now.getTime() > Date.parse(state.review.due);
  return [
    {
      type: 'ReviewRecorded',
      data: { reviewer, verdict, comment, late },
      actor: principalActor(reviewer, ctx.directory, state.proposal.requester),
    },
  ];
}
