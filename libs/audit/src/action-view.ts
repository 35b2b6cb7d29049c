import type {
  ActionEvent, ActionProposedData, Channel, PolicyEvaluatedData, PolicyPublishedData, RejectionCode, StandingTerms, StepUpRecord, VoteDecision,
} from '@countersign/contracts';
import { approvalOf, escalate, reviewed, reviewOf, type ApprovalView, type ReviewView } from './approval-view.ts';
import { decisionOf, type DecisionView } from './decision-view.ts';
import { executionAfter, type ExecutionView } from './execution-view.ts';
import { deliveryAfter, noDelivery, notificationOf, type DeliveryView, type NotificationView } from './notification-view.ts';

export type { DecisionOutcome, DecisionView } from './decision-view.ts';

export type ActionStatus = 'proposed' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface VoteView {
  voter: string;
  decision: VoteDecision;
  comment?: string;
  via: Channel;
  at: string;
  commandId: string;
  /** An emergency approval under the rule's break-glass clause. */
  breakGlass?: true;
  /** The standing approval the voter offered with the approval (ADR 0004). */
  standing?: StandingTerms;
  /** The step-up the approval carried (rules with `stepUp`, docs/step-up.md). */
  stepUp?: StepUpRecord;
  /** Cast by `voter` for this delegator, under `delegation` (ADR 0010): it counts as theirs. */
  onBehalfOf?: string;
  delegation?: string;
}

export interface RejectionView {
  commandId: string;
  command: string;
  by: string;
  code: RejectionCode;
  reason: string;
  at: string;
}

/** On a `countersign.policy.publish` action, once the new policy took effect. */
export type PolicyPublishedView = Pick<PolicyPublishedData, 'version' | 'previousVersion' | 'rollbackOf'>;

/** The current state of one action, projected from its stream. `_id` is the actionId. */
export interface ActionView
  extends Pick<ActionProposedData, 'action' | 'resource' | 'params' | 'paramsHash' | 'requestHash' | 'justification' | 'context' | 'idempotencyKey' | 'callbackUrl'> {
  _id: string;
  status: ActionStatus;
  requester: string;
  requesterKind: 'agent' | 'human';
  onBehalfOf?: string;
  correlationId: string;
  createdAt: string;
  updatedAt: string;
  /** What policy said, with its `explanation` and the `conditions` that held, when the evaluator gave them. */
  policy?: Omit<PolicyEvaluatedData, 'approval'>;
  approval?: ApprovalView;
  votes: VoteView[];
  rejections: RejectionView[];
  decision?: DecisionView;
  /** Set after a break-glass approval; `review.status` says whether it was recorded (`review=pending` lists the open ones). */
  review?: ReviewView;
  policyPublished?: PolicyPublishedView;
  /** An approved action's execution: its grant redeemed (`started`), then the outcome its executor reported. */
  execution?: ExecutionView;
  /** Every delivery attempt the notifier reported, in order; `delivery` sums them up. */
  notifications: NotificationView[];
  delivery: DeliveryView;
  /**
   * Everyone who may see the action: requester, the human behind an agent, eligible approvers
   * (escalated ones too), break-glass approvers, reviewers, voters.
   */
  involved: string[];
  /** Ids of the commands whose effects are in this view: what the gateway waits on. */
  handled: string[];
  lastSeq: number;
  headHash: string;
  [key: string]: unknown;
}

const DECISION_OUTCOME = {
  ActionApproved: 'approved',
  ActionDenied: 'denied',
  ActionExpired: 'expired',
  ActionCancelled: 'cancelled',
} as const;

const union = (list: readonly string[], ...more: (string | undefined)[]) =>
  [...new Set([...list, ...more.filter((x): x is string => !!x)])];

/**
 * evolve(view, event) for the actions read model. Idempotent: an event at or below the view's
 * lastSeq changes nothing, so redelivered batches are harmless.
 */
export function projectAction(view: ActionView | undefined, event: ActionEvent): ActionView | undefined {
  if (view && event.seq <= view.lastSeq) return view;
  if (!view && event.type !== 'ActionProposed') return undefined;
  const base = (v: ActionView): ActionView => ({
    ...v,
    updatedAt: event.occurredAt,
    lastSeq: event.seq,
    headHash: event.hash,
    handled: union(v.handled, event.causationId),
  });
  switch (event.type) {
    case 'ActionProposed': {
      const d = event.data;
      return {
        _id: event.streamId,
        status: 'proposed',
        action: d.action,
        resource: d.resource,
        params: d.params,
        paramsHash: d.paramsHash,
        requestHash: d.requestHash,
        ...(d.justification !== undefined ? { justification: d.justification } : {}),
        ...(d.context !== undefined ? { context: d.context } : {}),
        requester: d.requester.id,
        requesterKind: d.requester.kind,
        ...(d.requester.onBehalfOf ? { onBehalfOf: d.requester.onBehalfOf } : {}),
        ...(d.idempotencyKey ? { idempotencyKey: d.idempotencyKey } : {}),
        ...(d.callbackUrl ? { callbackUrl: d.callbackUrl } : {}),
        correlationId: event.correlationId,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
        votes: [],
        rejections: [],
        notifications: [],
        delivery: noDelivery(),
        involved: union([], d.requester.id, d.requester.onBehalfOf),
        handled: [event.causationId],
        lastSeq: event.seq,
        headHash: event.hash,
      };
    }
    case 'PolicyEvaluated': {
      const { approval: _approval, ...policy } = event.data;
      return { ...base(view!), policy };
    }
    case 'ApprovalRequested': {
      const d = event.data;
      const involved = union(view!.involved, ...d.eligible, ...(d.breakGlass?.eligible ?? []));
      return { ...base(view!), status: 'pending', approval: approvalOf(d), involved };
    }
    case 'ApprovalEscalated': {
      const approval = escalate(view!.approval, event.data);
      return { ...base(view!), ...(approval ? { approval } : {}), involved: union(view!.involved, ...event.data.added) };
    }
    case 'VoteRecorded': {
      const d = event.data;
      const vote: VoteView = {
        voter: d.voter, decision: d.decision, via: d.via, at: event.occurredAt, commandId: event.causationId,
        ...(d.comment !== undefined ? { comment: d.comment } : {}),
        ...(d.breakGlass ? { breakGlass: true as const } : {}),
        ...(d.standing ? { standing: d.standing } : {}),
        ...(d.stepUp ? { stepUp: d.stepUp } : {}),
        ...(d.onBehalfOf !== undefined ? { onBehalfOf: d.onBehalfOf, ...(d.delegation !== undefined ? { delegation: d.delegation } : {}) } : {}),
      };
      return { ...base(view!), votes: [...view!.votes, vote], involved: union(view!.involved, d.voter) };
    }
    case 'CommandRejected': {
      const d = event.data;
      const rejection: RejectionView = { ...d, at: event.occurredAt };
      return { ...base(view!), rejections: [...view!.rejections, rejection] };
    }
    case 'ActionApproved':
    case 'ActionDenied':
    case 'ActionExpired':
    case 'ActionCancelled': {
      const outcome = DECISION_OUTCOME[event.type];
      return { ...base(view!), status: outcome, decision: decisionOf(event, outcome) };
    }
    case 'ReviewRequested': {
      const d = event.data;
      return { ...base(view!), review: reviewOf(d, event.occurredAt), involved: union(view!.involved, ...d.reviewers) };
    }
    case 'ReviewRecorded': {
      const review = reviewed(view!.review, event.data, event.occurredAt);
      return { ...base(view!), ...(review ? { review } : {}) };
    }
    case 'PolicyPublished': {
      const { version, previousVersion, rollbackOf } = event.data;
      const policyPublished: PolicyPublishedView = {
        version, ...(previousVersion ? { previousVersion } : {}), ...(rollbackOf ? { rollbackOf } : {}),
      };
      return { ...base(view!), policyPublished };
    }
    case 'NotificationDelivered':
    case 'NotificationFailed': {
      const notification = notificationOf(event);
      // Views projected before deliveries were recorded lack both fields.
      const notifications = [...(view!.notifications ?? []), notification];
      return { ...base(view!), notifications, delivery: deliveryAfter(view!.delivery ?? noDelivery(), notification) };
    }
    case 'ExecutionStarted':
    case 'ActionExecuted':
      return { ...base(view!), execution: executionAfter(view!.execution, event) };
    // A requester ledger's events (ADR 0004) have no action view: standing-view.ts projects them.
    case 'StandingApprovalGranted':
    case 'StandingApprovalUsed':
    case 'StandingApprovalRevoked':
    // A principal's passkeys (ADR 0009) are in their ledger too: the passkeys read model holds them.
    case 'PasskeyRegistered':
    case 'PasskeyRemoved':
    // A delegator's ledger events (ADR 0010) have no action view: delegation-view.ts projects them.
    case 'ApprovalDelegated':
    case 'DelegationRevoked':
    case 'DelegatedVoteRelayed':
      return view;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event type ${(unknown as ActionEvent).type}`);
    }
  }
}

export const FINAL_STATUSES: readonly ActionStatus[] = ['approved', 'denied', 'expired', 'cancelled'];
export const isDecided = (view: Pick<ActionView, 'status'>) => FINAL_STATUSES.includes(view.status);
