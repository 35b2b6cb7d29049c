import type { RejectionCode } from '@countersign/contracts';

/** What each refusal by the router means, said the same way on every channel (API, Slack, Teams). */
export const REJECTION_TITLES: Record<RejectionCode, string> = {
  self_approval: 'You cannot approve or deny your own action.',
  not_eligible: 'You are not an eligible approver for this action.',
  not_requester: 'Only the requester can cancel an action.',
  already_decided: 'This action has already been decided.',
  not_pending: 'This action is not awaiting approval.',
  duplicate_vote: 'You have already voted on this action.',
  reason_required: 'A reason is required.',
  no_review_requested: 'This action has no break-glass review to record.',
  already_reviewed: 'This break-glass approval has already been reviewed.',
  past_deadline: 'The deadline for this action has passed.',
  unprocessable: 'Countersign could not process this request; it was set aside for the operators.',
  params_mismatch: 'The parameters you were shown are not this action\'s parameters, so your vote was not counted.',
  not_approved: 'This action is not approved, so it may not be executed.',
  already_redeemed: 'This action\'s grant was already redeemed; an approved action runs once.',
  already_executed: 'This action\'s execution was already reported.',
  grant_expired: 'The grant has expired.',
  standing_not_allowed: 'This standing approval cannot be granted.',
  step_up_required: 'This approval needs a step-up: a fresh passkey assertion for this action.',
};

/** A refusal as one line of chat: what it means, then the router's own reason. */
export const refusalText = (code: RejectionCode, reason: string): string => `${REJECTION_TITLES[code]} ${reason}`.trim();
