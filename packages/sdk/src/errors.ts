import type { Action, Problem } from './types.js';

/** Base class of every error the SDK throws on purpose (`instanceof CountersignError`). */
export class CountersignError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Countersign could not be reached or gave no usable answer: network errors, timeouts, `5xx` and
 * `429` once the retries are spent, a body that is not what the API sends. Nothing is known about
 * the outcome unless `mayHaveTakenEffect` is false. A guarded function never runs after this.
 */
export class CountersignUnavailable extends CountersignError {
  constructor(
    message: string,
    readonly details: {
      /** The last HTTP status, when there was one. */
      status?: number;
      problem?: Problem;
      /** Requests sent, retries included. */
      attempts: number;
      /** True when the request may have reached the server and changed something (a vote, a redemption). */
      mayHaveTakenEffect: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get mayHaveTakenEffect(): boolean {
    return this.details.mayHaveTakenEffect;
  }
}

/** The server refused the request (a `4xx` problem): retrying it unchanged would be refused again. */
export class RequestRejected extends CountersignError {
  /** The problem's code, the last segment of its `type`, e.g. `already-redeemed`. */
  readonly code: string;

  constructor(readonly status: number, readonly problem: Problem) {
    super(describeProblem(problem, status));
    this.code = problemCode(problem);
  }
}

/** The action was denied, by policy or by an approver. */
export class ActionDenied extends CountersignError {
  readonly reason: string | undefined;
  readonly rule: string | undefined;

  constructor(readonly action: Action) {
    const reason = action.decision?.reason ?? action.policy?.reason;
    super(`Action ${action.id} was denied${reason ? `: ${reason}` : ''}`);
    this.reason = reason;
    this.rule = action.decision?.rule ?? action.policy?.rule;
  }
}

/** Nobody decided before the approval deadline (an expiry is a denial). */
export class ActionExpired extends CountersignError {
  constructor(readonly action: Action) {
    super(`Action ${action.id} expired before it was approved${action.approval?.deadline ? ` (deadline ${action.approval.deadline})` : ''}`);
  }
}

/** The requester (or the human it acts for) withdrew the action. */
export class ActionCancelled extends CountersignError {
  readonly reason: string | undefined;

  constructor(readonly action: Action) {
    const reason = action.decision?.reason;
    super(`Action ${action.id} was cancelled${reason ? `: ${reason}` : ''}`);
    this.reason = reason;
  }
}

/** `waitForDecision` ran out of time while the action was still undecided: wait again by id later. */
export class WaitTimedOut extends CountersignError {
  constructor(readonly action: Action) {
    super(`Action ${action.id} is still ${action.status}: the wait timed out`);
  }

  get actionId(): string {
    return this.action.id;
  }
}

export type GrantInvalidReason =
  | 'malformed'
  | 'wrong-typ'
  | 'wrong-alg'
  | 'unknown-kid'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'claims-invalid'
  | 'params-mismatch'
  | 'params-unhashable'
  | 'action-mismatch'
  | 'resource-mismatch'
  | 'action-id-mismatch';

/** A grant that does not verify, or does not cover what is about to run. Never execute after this. */
export class GrantInvalid extends CountersignError {
  constructor(readonly reason: GrantInvalidReason, detail: string, options?: { cause?: unknown }) {
    super(`grant invalid (${reason}): ${detail}`, options);
  }
}

/** `<detail, or title> (<status> <code>)`, e.g. `Action 01a2… was redeemed already. (409 already-redeemed)`. */
export function describeProblem(problem: Problem, status: number): string {
  const code = problemCode(problem);
  return `${problem.detail ?? problem.title} (${status}${code && code !== 'about:blank' ? ` ${code}` : ''})`;
}

export function problemCode(problem: Problem): string {
  const type = problem.type ?? '';
  const slash = type.lastIndexOf('/');
  return slash >= 0 ? type.slice(slash + 1) : type;
}

/**
 * Returns when the action is approved; otherwise throws what its status means: ActionDenied,
 * ActionExpired, ActionCancelled, or a CountersignError for an action not decided yet.
 */
export function assertApproved(action: Action): void {
  switch (action.status) {
    case 'denied':
      throw new ActionDenied(action);
    case 'expired':
      throw new ActionExpired(action);
    case 'cancelled':
      throw new ActionCancelled(action);
    case 'approved':
      return;
    default:
      throw new CountersignError(`Action ${action.id} is ${action.status}, not approved`);
  }
}
