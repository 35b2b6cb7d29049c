/**
 * What executors report about an approved action (issue 11): the redemption of its signed grant,
 * once, and the outcome of running it. Recorded by the router in the action's stream, after the
 * decision; they never change the approval status.
 */

export type ExecutionOutcome = 'succeeded' | 'failed';

/** The grant (approval receipt) an execution was redeemed with: its id and the key that signed it. */
export interface GrantReference {
  /** The grant's `jti`. */
  grantId: string;
  /** The `kid` of the key that signed it (the key itself is never in the log). */
  kid: string;
}

/** A grant was redeemed: the action is being run by `executor`. A grant is redeemed at most once. */
export interface ExecutionStartedData extends GrantReference {
  executor: string;
  startedAt: string;
  /** The params hash the executor runs with: always the approved one (rule 5). */
  paramsHash: string;
}

/** The outcome of running an approved action, as its executor reported it. */
export interface ActionExecutedData extends GrantReference {
  executor: string;
  outcome: ExecutionOutcome;
  startedAt: string;
  finishedAt: string;
  /** What went wrong, as the executor said it (failed only). */
  error?: string;
  paramsHash: string;
}

/**
 * An executor redeems a grant (`phase: started`) or reports its outcome (`phase: finished`, which
 * also redeems it when no redemption came first). The gateway has verified the grant's signature
 * and that it names this action and these params; the router checks the rest against the stream.
 */
export interface RecordExecutionData extends GrantReference {
  phase: 'started' | 'finished';
  executor: string;
  paramsHash: string;
  /** When the grant expires: a redemption at or after it is refused (`grant_expired`). */
  grantExpiresAt: string;
  startedAt: string;
  finishedAt?: string;
  outcome?: ExecutionOutcome;
  error?: string;
}
