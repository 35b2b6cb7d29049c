import type { ApprovalEscalatedData, ApprovalRequestedData, ReviewRecordedData, ReviewRequestedData, ReviewVerdict } from '@countersign/contracts';

/** The request's escalation: planned at first, then what happened when it fired. */
export interface EscalationView {
  /** When the request escalates (planned at request time). */
  at: string;
  groups: string[];
  channels?: string[];
  escalated: boolean;
  /** When it did escalate. */
  escalatedAt?: string;
  /** Principals who became eligible at escalation (they are in `eligible` from then on). */
  added?: string[];
}

/**
 * Who may approve and how many must: fixed at request time, widened by an escalation.
 * `eligibleGroups` (which requirement groups each eligible approver stands for) is what counts
 * approvals under `distinctGroups`; views projected before it was kept lack it.
 */
export interface ApprovalView extends Pick<ApprovalRequestedData, 'groups' | 'quorum' | 'distinctGroups' | 'eligible' | 'deadline' | 'channels' | 'breakGlass' | 'standing'> {
  eligibleGroups?: Record<string, string[]>;
  escalation?: EscalationView;
}

/** The review a break-glass approval always asks for: `requested` until a reviewer records a verdict. */
export interface ReviewView {
  status: 'requested' | ReviewVerdict;
  reason: string;
  approvedBy: string;
  reviewGroups: string[];
  reviewers: string[];
  due: string;
  requestedAt: string;
  /** Set once recorded. */
  reviewedBy?: string;
  reviewedAt?: string;
  comment?: string;
  /** Recorded after `due`. */
  late?: boolean;
}

export function approvalOf(d: ApprovalRequestedData): ApprovalView {
  return {
    groups: d.groups,
    quorum: d.quorum,
    distinctGroups: d.distinctGroups,
    eligible: d.eligible,
    eligibleGroups: d.eligibleGroups,
    deadline: d.deadline,
    ...(d.channels ? { channels: d.channels } : {}),
    ...(d.escalation ? { escalation: { ...d.escalation, escalated: false } } : {}),
    ...(d.breakGlass ? { breakGlass: d.breakGlass } : {}),
    // The most a standing approval offered with an approval may be (ADR 0004).
    ...(d.standing ? { standing: d.standing } : {}),
  };
}

/**
 * As the router counts after an escalation: its groups join `groups` and its principals join
 * `eligible` (which is what `approver=me` queries).
 */
export function escalate(approval: ApprovalView | undefined, d: ApprovalEscalatedData): ApprovalView | undefined {
  if (!approval) return undefined;
  const planned: Pick<EscalationView, 'at' | 'groups' | 'channels'> = approval.escalation ?? { at: d.at, groups: d.groups };
  const channels = d.channels ?? planned.channels;
  const escalation: EscalationView = {
    at: planned.at,
    groups: d.groups,
    ...(channels ? { channels } : {}),
    escalated: true,
    escalatedAt: d.at,
    added: d.added,
  };
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  // As the router's currentRequest: the added approvers count for the groups they were added for.
  const eligibleGroups = approval.eligibleGroups && { ...approval.eligibleGroups, ...d.addedGroups };
  return { ...approval, groups: union(approval.groups, d.groups), eligible: union(approval.eligible, d.added), ...(eligibleGroups ? { eligibleGroups } : {}), escalation };
}

export function reviewOf(d: ReviewRequestedData, requestedAt: string): ReviewView {
  return {
    status: 'requested',
    reason: d.reason,
    approvedBy: d.approvedBy,
    reviewGroups: d.reviewGroups,
    reviewers: d.reviewers,
    due: d.due,
    requestedAt,
  };
}

export function reviewed(review: ReviewView | undefined, d: ReviewRecordedData, reviewedAt: string): ReviewView | undefined {
  if (!review) return undefined;
  return { ...review, status: d.verdict, reviewedBy: d.reviewer, reviewedAt, comment: d.comment, late: d.late };
}
