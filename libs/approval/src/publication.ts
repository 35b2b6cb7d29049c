import {
  createAjv,
  describeErrors,
  EVENT_DATA_SCHEMAS,
  POLICY_PUBLISH_ACTION,
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

/** Why a publish action's params cannot be published, or undefined (also for any other action). */
export function publicationProblem(proposal: ActionProposedData): string | undefined {
  if (proposal.action !== POLICY_PUBLISH_ACTION) return undefined;
  const checked = policyPublication(proposal, []);
  return 'problem' in checked ? notAPublication(checked.problem) : undefined;
}

const notAPublication = (problem: string) =>
  `The parameters of this ${POLICY_PUBLISH_ACTION} action are not a policy publication ` +
  `({ version, files: [{ path, text }], previousVersion?, rollbackOf? }): ${problem}; denied (fail closed).`;

/**
 * The events that make an approval final. Any action but a policy publication: the approval,
 * then its follow-ups. A publication: also `PolicyPublished`, last, in the same batch, so the
 * policy takes effect exactly when its approval does; and when its params are not a publication,
 * no approval at all but a denial (fail closed: nothing half-published).
 */
export function approvalOutcome(
  approved: ApprovalEventDraft & { type: 'ActionApproved'; data: ActionApprovedData },
  proposal: ActionProposedData,
  followUps: ApprovalEventDraft[] = [],
): ApprovalEventDraft[] {
  if (proposal.action !== POLICY_PUBLISH_ACTION) return [approved, ...followUps];
  const published = policyPublication(proposal, approved.data.approvers);
  if ('problem' in published) {
    const { rule, policyVersion, paramsHash } = approved.data;
    return [
      {
        type: 'ActionDenied',
        data: { rule, policyVersion, paramsHash, reason: notAPublication(published.problem), automatic: true },
        actor: ROUTER,
      },
    ];
  }
  return [approved, ...followUps, { type: 'PolicyPublished', data: published.data, actor: ROUTER }];
}
