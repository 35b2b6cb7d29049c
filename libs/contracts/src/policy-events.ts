/** What escalation, break-glass (and its review) and policy publication add to an action's stream. */

/** The request was still pending at its escalation time: more principals may now vote. */
export interface ApprovalEscalatedData {
  groups: string[];
  /** Principals newly eligible (requester excluded), with the groups they count for. */
  added: string[];
  addedGroups: Record<string, string[]>;
  channels?: string[];
  at: string;
}

/** A break-glass approval happened: someone must look at it afterwards. */
export interface ReviewRequestedData {
  reason: string;
  approvedBy: string;
  reviewGroups: string[];
  /** Principals who may record the review (the approver and requester excluded). */
  reviewers: string[];
  due: string;
}

export type ReviewVerdict = 'upheld' | 'concerns';

/** A reviewer looked at a break-glass approval: it stands either way; `concerns` says what to follow up. */
export interface ReviewRecordedData {
  reviewer: string;
  verdict: ReviewVerdict;
  comment: string;
  /** Recorded after the review was due. */
  late: boolean;
}

/** One file of a published policy set, exactly as written. */
export interface PolicyFileContent {
  path: string;
  text: string;
}

/** An approved `countersign.policy.publish` took effect: evaluators now use this content. */
export interface PolicyPublishedData {
  version: string;
  files: PolicyFileContent[];
  author: string;
  approvers: string[];
  /** The version active when the change was proposed. */
  previousVersion?: string;
  /** Set when this publication restores an earlier version. */
  rollbackOf?: string;
}

/** When and as which event a publication took effect: what orders publications. */
export interface PublicationKey {
  publishedAt: string;
  eventId: string;
}

/**
 * Orders publications by (publishedAt, eventId): ISO-8601 UTC and UUIDv7 both sort as text. The
 * latest by this order is the version in force, whatever order the publications were seen in, so
 * the API, every evaluator and the router agree on it.
 */
export const publicationOrder = (a: PublicationKey, b: PublicationKey): number =>
  a.publishedAt === b.publishedAt ? compareText(a.eventId, b.eventId) : compareText(a.publishedAt, b.publishedAt);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
