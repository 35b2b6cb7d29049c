/** Topic names. One events topic for all actions, keyed by actionId, so one action stays ordered. */
export const TOPICS = {
  events: 'countersign.events',
  commands: 'countersign.commands',
  deadLetter: 'countersign.deadletter',
} as const;

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
