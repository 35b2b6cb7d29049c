import { Inject, Injectable } from '@nestjs/common';
import {
  TOPICS, type Channel, type CommandDataByType, type CommandEnvelope, type CommandType,
} from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import type { Principal } from '@countersign/identity';
import { CLOCK, ID_SOURCE, type Clock, type IdSource } from '@countersign/runtime';
import { startActionSpan } from '@countersign/telemetry';

export interface SendOptions {
  /** A command id derived from the channel's own delivery id: the router applies a command id once. */
  id?: string;
  /** The channel the command came in through, recorded on the span. */
  via?: Channel;
}

/** Turns requests (API, Slack, Teams) into commands on the commands topic (keyed by actionId). Decides nothing. */
@Injectable()
export class CommandSender {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  async send<T extends CommandType>(type: T, actionId: string, actor: Pick<Principal, 'id' | 'kind'>, data: CommandDataByType[T], options: SendOptions = {}): Promise<string> {
    // The trace of an action starts here; every later step is parented by this traceparent.
    const { span, traceparent } = startActionSpan(`gateway ${type}`, undefined, {
      'countersign.action_id': actionId, 'countersign.actor': actor.id, ...(options.via ? { 'countersign.via': options.via } : {}),
    });
    const command: CommandEnvelope<T, CommandDataByType[T]> = {
      id: options.id ?? this.ids.next(),
      type,
      actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: { id: actor.id, kind: actor.kind },
      correlationId: actionId,
      ...(traceparent ? { traceparent } : {}),
      data,
    };
    try {
      await this.log.append(TOPICS.commands, [{ key: actionId, value: command }]);
      return command.id;
    } finally {
      span.end();
    }
  }
}
