import {
  createAjv,
  describeErrors,
  EVENT_DATA_SCHEMAS,
  POLICY_PUBLISH_ACTION,
  publicationOrder,
  toFieldErrors,
  type ActionApprovedData,
  type ActionProposedData,
  type PolicyPublishedData,
} from '@countersign/contracts';
import { ROUTER, type ApprovalEventDraft } from './context.ts';

// The publication must pass the very schema its event is checked against in the log, so the
// shape check is that schema, not a hand-written look-alike that could drift from it.
const publishedDataIsValid = createAjv().compile(EVENT_DATA_SCHEMAS.PolicyPublished);
const PARAM_KEYS: ReadonlySet<string> = new Set(['version', 'files', 'previousVersion', 'rollbackOf']);

/** The publication an approved publish action makes, or why its params are not one. */
export function policyPublication(
  proposal: ActionProposedData,
  approvers: readonly string[],
): { data: PolicyPublishedData } | { problem: string } {
  const extra = Object.keys(proposal.params).filter((k) => !PARAM_KEYS.has(k));
  if (extra.length > 0) return { problem: `unexpected parameter(s) ${extra.join(', ')}` };
  const data = { ...proposal.params, author: proposal.requester.id, approvers: [...approvers] };
  if (publishedDataIsValid(data)) return { data: data as unknown as PolicyPublishedData };
  return { problem: describeErrors(toFieldErrors(publishedDataIsValid.errors, '/params')) };
}

/**
 * Why a publish action cannot be published, or undefined (also for any other action): its params
 * are not a publication, or it was proposed against another version than the one in force now.
 */
export function publicationProblem(proposal: ActionProposedData, policyInForce?: string): string | undefined {
  if (proposal.action !== POLICY_PUBLISH_ACTION) return undefined;
  const checked = policyPublication(proposal, []);
  return 'problem' in checked ? notAPublication(checked.problem) : stalePublication(proposal, policyInForce);
}

/**
 * Publication is compare-and-set: a change was reviewed as a change *from* the version it was
 * proposed on (`previousVersion`). If another version took effect since, approving it would
 * silently undo that version, so it is denied (fail closed) and has to be proposed again. Without
 * a version in force to compare with, undefined.
 */
export function stalePublication(proposal: ActionProposedData, policyInForce: string | undefined): string | undefined {
  if (proposal.action !== POLICY_PUBLISH_ACTION || policyInForce === undefined) return undefined;
  const proposedOn = proposal.params.previousVersion;
  if (proposedOn === policyInForce) return undefined;
  const against = typeof proposedOn === 'string' ? `proposed against ${proposedOn}` : 'proposed against no recorded version';
  return `This policy publication was ${against} but ${policyInForce} is in force; propose it again. Denied (fail closed).`;
}

/** A publication as the log records it: enough to order it. */
export interface PublishedRecord {
  id: string;
  occurredAt: string;
  data: { version: string };
}

/**
 * The policy version in force: the latest publication by (time, event id), as every evaluator and
 * the policies read model decide it, whatever order `publications` come in; the seed before any.
 */
export function policyVersionInForce(seedVersion: string, publications: readonly PublishedRecord[]): string {
  let latest: PublishedRecord | undefined;
  for (const p of publications) {
    if (!latest || publicationOrder({ publishedAt: p.occurredAt, eventId: p.id }, { publishedAt: latest.occurredAt, eventId: latest.id }) > 0) latest = p;
  }
  return latest?.data.version ?? seedVersion;
}

const notAPublication = (problem: string) =>
  `The parameters of this ${POLICY_PUBLISH_ACTION} action are not a policy publication ` +
  `({ version, files: [{ path, text }], previousVersion?, rollbackOf? }): ${problem}; denied (fail closed).`;

/**
 * The events that make an approval final. Any action but a policy publication: the approval,
 * then its follow-ups. A publication: also `PolicyPublished`, last, in the same batch, so the
 * policy takes effect exactly when its approval does; and when its params are not a publication,
 * or it was proposed against a version no longer in force, no approval at all but a denial (fail
 * closed: nothing half-published, nothing published over a change its approvers never saw).
 */
export function approvalOutcome(
  approved: ApprovalEventDraft & { type: 'ActionApproved'; data: ActionApprovedData },
  proposal: ActionProposedData,
  policyInForce: string | undefined,
  followUps: ApprovalEventDraft[] = [],
): ApprovalEventDraft[] {
  if (proposal.action !== POLICY_PUBLISH_ACTION) return [approved, ...followUps];
  const { rule, policyVersion, paramsHash } = approved.data;
  const denied = (reason: string): ApprovalEventDraft[] => [
    { type: 'ActionDenied', data: { rule, policyVersion, paramsHash, reason, automatic: true }, actor: ROUTER },
  ];
  const published = policyPublication(proposal, approved.data.approvers);
  if ('problem' in published) return denied(notAPublication(published.problem));
  const stale = stalePublication(proposal, policyInForce);
  if (stale) return denied(stale);
  return [approved, ...followUps, { type: 'PolicyPublished', data: published.data, actor: ROUTER }];
}
