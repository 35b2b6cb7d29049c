import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { COLLECTIONS, type ActionView } from '@countersign/audit';
import { TOPICS, type ActionEvent, type CommandEnvelope } from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CLOCK, DIRECTORY, ID_SOURCE, type Clock, type IdSource } from '@countersign/runtime';
import type { Directory } from '@countersign/identity';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './channel.port.ts';
import { consoleMessage } from './console-message.ts';
import { createNotifierCore, type NotifierCore } from './notifier-core.ts';
import { fromActionView } from './view-fallback.ts';
import { createCallbackSender } from './webhook/webhook-channel.ts';
import type { NotifierConfig } from './webhook/webhook-config.ts';

export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
const NOTIFIER_ACTOR = { id: 'notifier', kind: 'service' } as const;

/**
 * Delivers approval requests and decisions to the channels policy names (Slack, Teams, webhooks)
 * and calls requesters back. The batch handler only folds events and queues deliveries: a channel
 * that is slow or down never holds up the log. The operator console (the process log) always gets
 * a line; approvers can always act through the API.
 */
@Injectable()
export class NotifierService implements OnApplicationShutdown {
  private readonly logger = new Logger('notifier');
  readonly core: NotifierCore;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) store: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
    @Inject(DIRECTORY) directory: Directory,
  ) {
    const actions = store.collection<ActionView>(COLLECTIONS.actions);
    this.core = createNotifierCore({
      channels,
      callbacks: createCallbackSender(config.callbackSecret, { outbound: config.outbound }),
      retry: config.retry,
      now: () => this.clock.now(),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      record: (actionId, correlationId, command) => this.record(actionId, correlationId, command),
      loadAction: async (actionId) => {
        const view = await actions.get(actionId);
        return view ? fromActionView(view) : undefined;
      },
      log: { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) },
      identitiesOf: (principal) => directory.identitiesOf(principal),
    });
    const names = [...config.webhooks.values()].map((w) => `webhook:${w.name.toLowerCase()}`);
    if (names.length > 0) this.logger.log(`webhooks configured: ${names.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.core.close();
  }

  /** Folds one event and queues what it calls for; a slow or failing channel never holds up the log. */
  async handle(event: ActionEvent): Promise<void> {
    const message = consoleMessage(event);
    if (message) this.logger.log(message);
    await this.core.handle(event);
  }

  private async record(actionId: string, correlationId: string, command: { type: 'RecordNotificationDelivered' | 'RecordNotificationFailed'; data: unknown }): Promise<void> {
    const envelope = {
      id: this.ids.next(),
      type: command.type,
      actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: NOTIFIER_ACTOR,
      correlationId,
      data: command.data,
    } as CommandEnvelope;
    await this.log.append(TOPICS.commands, [{ key: actionId, value: envelope }]);
  }
}
