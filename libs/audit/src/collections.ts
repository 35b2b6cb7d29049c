import type { ActionEvent, CheckpointSignedData, EventEnvelope } from '@countersign/contracts';

/** Names of the read-model collections, shared by the projector (writer) and gateway (reader). */
export const COLLECTIONS = {
  actions: 'actions',
  audit: 'audit_entries',
  events: 'action_events',
  checkpoints: 'projector_checkpoints',
  /** Published policy versions (PolicyDocument), one document per version. */
  policies: 'policies',
  /** Standing approvals (StandingView), one document each, from the requester ledgers (ADR 0004). */
  standing: 'standing_approvals',
  /** Delegations (DelegationView), one document each, from the delegators' ledgers (ADR 0010). */
  delegations: 'delegations',
  /** Passkeys (PasskeyView), one document each, from the principals' ledgers (ADR 0009). */
  passkeys: 'passkeys',
  /** Signed checkpoints (SignedCheckpointDoc), one per checkpoint number, from `countersign.checkpoints`. */
  signedCheckpoints: 'signed_checkpoints',
} as const;

/**
 * Where the projector has got to, per log partition: `_id` is `<topic>:<partition>`. The log's own
 * consumer offsets drive delivery; these documents make a read model say what it reflects (for
 * operators and `countersign readmodel project --from`).
 */
export interface ProjectorCheckpoint {
  _id: string;
  topic: string;
  partition: number;
  /** The next offset to project. */
  offset: number;
  updatedAt: string;
  [key: string]: unknown;
}

/** A raw event as stored for `GET /v1/actions/:id/events`; `_id` is `<streamId>:<seq>`. */
export type StoredEvent = ActionEvent & { _id: string; eventId: string; [key: string]: unknown };

/**
 * A CheckpointSigned event as the projector stores it; `_id` is the number zero-padded to 12
 * digits, so ids sort as numbers do. `event` is the envelope exactly as on the log.
 */
export interface SignedCheckpointDoc {
  _id: string;
  number: number;
  at: string;
  root: string;
  streams: number;
  kid: string;
  event: EventEnvelope<'CheckpointSigned', CheckpointSignedData>;
  [key: string]: unknown;
}

export const signedCheckpointId = (number: number): string => String(number).padStart(12, '0');
