/**
 * The envelope every event and command travels in. Plain data, never classes:
 * what is written to the log is exactly what these types describe.
 */

export type PrincipalKind = 'agent' | 'human' | 'service';

/** Who caused a message: a principal of the directory, or one of our own services. */
export interface Actor {
  id: string;
  kind: PrincipalKind;
}

/** An event before it is sealed into a stream (no seq, no hashes yet). */
export interface EventDraft<T extends string = string, D = unknown> {
  type: T;
  data: D;
  actor: Actor;
}

export interface EventEnvelope<T extends string = string, D = unknown> {
  /** UUIDv7, unique per event. */
  id: string;
  type: T;
  schemaVersion: number;
  /** The stream this event belongs to: an actionId for action streams. */
  streamId: string;
  /** 1-based position in the stream; gap-free. */
  seq: number;
  /** ISO-8601 UTC. */
  occurredAt: string;
  actor: Actor;
  /** Id of the command or event that caused this one. */
  causationId: string;
  /** Id shared by everything that follows from one proposal. */
  correlationId: string;
  /** W3C trace context of the span that produced the event, when traced. */
  traceparent?: string;
  /** Hash of the previous event of the stream (GENESIS_HASH for seq 1). */
  prevHash: string;
  /** SHA-256(prevHash ‖ RFC 8785 canonical JSON of the envelope without `hash`), hex. */
  hash: string;
  data: D;
}

export interface CommandEnvelope<T extends string = string, D = unknown> {
  /** UUIDv7; events caused by the command carry it as causationId. */
  id: string;
  type: T;
  /** Partition key: commands for one action are handled in order, one at a time. */
  actionId: string;
  issuedAt: string;
  actor: Actor;
  correlationId: string;
  traceparent?: string;
  data: D;
}

export const GENESIS_HASH = '0'.repeat(64);
