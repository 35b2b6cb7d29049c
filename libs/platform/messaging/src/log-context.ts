import { BaseRpcContext } from '@nestjs/microservices';
import type { BatchContext, DeliveredRecord, LogRecord } from '@countersign/eventlog';

/**
 * What a log handler gets besides its message: staging output that commits with the consumed
 * position (in one transaction where the group is transactional), callbacks after the commit, and
 * where the message came from. Output is always staged, never written directly, so a handler that
 * fails leaves nothing behind.
 */
export class LogContext extends BaseRpcContext<[BatchContext, DeliveredRecord | undefined, string]> {
  constructor(batch: BatchContext, record: DeliveredRecord | undefined, group: string) {
    super([batch, record, group]);
  }

  append(topic: string, records: readonly LogRecord[]): void {
    this.args[0].append(topic, records);
  }

  afterCommit(callback: () => void): void {
    this.args[0].afterCommit(callback);
  }

  /** The record of a per-message handler (undefined for batch handlers: each LogMessage has its own). */
  get record(): DeliveredRecord | undefined {
    return this.args[1];
  }

  get group(): string {
    return this.args[2];
  }
}
