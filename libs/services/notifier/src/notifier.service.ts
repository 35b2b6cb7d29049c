import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, validateEvent, type ActionEvent } from '@countersign/contracts';
import { EVENT_LOG, type DeliveredRecord, type EventLog, type Subscription } from '@countersign/eventlog';
import { READINESS, type Readiness } from '@countersign/runtime';

export const NOTIFIER_GROUP = 'notifier';

/** A line for the operator console: who must act on what, and what was decided. */
export function consoleMessage(event: ActionEvent): string | undefined {
  switch (event.type) {
    case 'ApprovalRequested':
      return `action ${event.streamId} awaits ${event.data.quorum} approval(s) from ${event.data.groups.join(', ') || 'named approvers'} ` +
        `(eligible: ${event.data.eligible.join(', ')}; deadline ${event.data.deadline})`;
    case 'ActionApproved':
      return `action ${event.streamId} approved by ${event.data.automatic ? 'policy' : event.data.approvers.join(', ')} (rule ${event.data.rule})`;
    case 'ActionDenied':
      return `action ${event.streamId} denied by ${event.data.deniedBy ?? 'policy'}: ${event.data.reason}`;
    case 'ActionExpired':
      return `action ${event.streamId} expired at ${event.data.deadline}`;
    case 'ActionCancelled':
      return `action ${event.streamId} cancelled by ${event.data.cancelledBy}`;
    default:
      return undefined;
  }
}

/**
 * Delivers approval requests and decisions to channels. On the embedded default the only channel
 * is the operator console (the process log); approvers act through the API.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifier');
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ready = this.readiness.pending('notifier');
    this.subscription = await this.log.subscribe({
      group: NOTIFIER_GROUP,
      topic: TOPICS.events,
      handler: async (records) => this.handle(records),
    });
    ready();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private async handle(records: DeliveredRecord[]): Promise<void> {
    for (const record of records) {
      const check = validateEvent(record.value);
      if (!check.ok) continue; // the projector dead-letters invalid events; one letter is enough
      const message = consoleMessage(check.value);
      if (message) this.logger.log(message);
    }
  }
}
