/** Topic names. One events topic for all actions, keyed by actionId, so one action stays ordered. */
export const TOPICS = {
  events: 'countersign.events',
  commands: 'countersign.commands',
  /**
   * Proposals (ProposeAction), keyed by action id: what the gateway and pipelines inside the
   * cluster write. The policy evaluator reads them and hands each to the router with its
   * evaluation (RecordProposal on the commands topic).
   */
  proposals: 'countersign.proposals',
  deadLetter: 'countersign.deadletter',
  /**
   * Every PolicyPublished event again, written in the same transaction as its action stream: a
   * small index so an evaluator starting up reads all publications without scanning the events.
   */
  policies: 'countersign.policies',
  /**
   * Refused commands that do not belong in an action's chain: from principals with no part in the
   * action, or beyond the refusals a stream records per principal. For security review; rate-limited.
   */
  security: 'countersign.security',
  /**
   * The head of every action stream, keyed by action id and co-partitioned with commands and
   * events: `{ seq, hash, state }` (the full ApprovalState of an open action) or `{ seq, hash,
   * settled }` (the compact form of a decided one). Written by the router in the same transaction
   * as the events; compacted (the last head per action is kept). A router taking partitions reads
   * this instead of replaying the events.
   */
  heads: 'countersign.heads',
  /**
   * Signed checkpoints (CheckpointSigned events of the stream `countersign.checkpoints`, keyed by
   * it, so one partition holds them in order): the commitment to every stream's head, issue 13.
   * Never expires, like the events.
   */
  checkpoints: 'countersign.checkpoints',
  /** Requests for a checkpoint now (an admin's call): read by the checkpointer that leads. */
  checkpointRequests: 'countersign.checkpoint-requests',
} as const;

/** The action type that changes the policy set: it always goes through approval. */
export const POLICY_PUBLISH_ACTION = 'countersign.policy.publish';
/** The key of records on the policies topic: one key, so publications stay in order. */
export const POLICY_STREAM_KEY = 'policy-set';

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** A message that could not be processed, and why. */
export interface DeadLetter {
  topic: string;
  offset: string;
  key?: string;
  consumerGroup: string;
  reason: string;
  failedAt: string;
  /** The raw value as received (text), so nothing is lost. */
  value: string;
}
