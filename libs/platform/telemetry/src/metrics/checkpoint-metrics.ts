import { instruments } from './instruments.ts';

export type CheckpointReason = 'interval' | 'request' | 'shutdown';

/** One round of checkpoints signed and appended (ADR 0007): how many, why, and how long it took. */
export function recordCheckpointsSigned(reason: CheckpointReason, count: number, seconds: number): void {
  const i = instruments();
  i.checkpointsSigned.add(count, { reason });
  i.checkpointSignDuration.record(seconds, { reason });
}
