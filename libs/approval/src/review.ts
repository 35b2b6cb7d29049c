import type { CommandEnvelope, RecordReviewData, RejectionCode, Requester, ReviewRequestedData } from '@countersign/contracts';
import { listWords, principalActor, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { rejectionFor } from './rejection.ts';
import type { ApprovalState, ApprovalStatus } from './state.ts';

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
  const view: ReviewView = state.status === 'none'
    ? { status: state.status }
    : {
      status: state.status,
      requester: state.proposal.requester,
      ...(state.status !== 'proposed' && state.status !== 'pending' && state.review ? { review: state.review } : {}),
      ...(state.status !== 'proposed' && state.status !== 'pending' && state.reviewed ? { reviewedBy: state.reviewed.reviewer } : {}),
    };
  return answerReview(command, view, ctx);
}

/** What deciding a review needs of an action: a settled action keeps exactly this (see settled.ts). */
export interface ReviewView {
  status: ApprovalStatus;
  requester?: Requester;
  review?: ReviewRequestedData;
  /** Who recorded the review, once recorded. */
  reviewedBy?: string;
}

export function answerReview(
  command: CommandEnvelope<'RecordReview', RecordReviewData>,
  state: ReviewView,
  ctx: DecideContext,
): ApprovalEventDraft[] {
  const { reviewer, verdict } = command.data;
  const refuse = (code: RejectionCode, reason: string) => rejectionFor(command, reviewer, code, reason, state.requester, ctx);

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
  if (state.reviewedBy !== undefined) {
    return refuse('already_reviewed', `This break-glass approval was already reviewed by ${state.reviewedBy}; it is reviewed once.`);
  }
  const comment = command.data.comment.trim();
  if (comment === '') return refuse('reason_required', 'A review needs a comment: say what you checked and what you found.');

  const late = ctx.now.getTime() > Date.parse(state.review.due);
  return [
    {
      type: 'ReviewRecorded',
      data: { reviewer, verdict, comment, late },
      actor: principalActor(reviewer, ctx.directory, state.requester),
    },
  ];
}
