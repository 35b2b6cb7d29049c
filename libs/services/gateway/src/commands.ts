import { Inject, Injectable } from '@nestjs/common';
import {
  TOPICS, type CommandDataByType, type CommandEnvelope, type CommandType,
} from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import { CLOCK, ID_SOURCE, type Clock, type IdSource } from '@countersign/runtime';
import { startActionSpan } from '@countersign/telemetry';
import type { Caller } from './auth.ts';

/** Turns API requests into commands on the commands topic (keyed by actionId). Decides nothing. */
@Injectable()
export class CommandSender {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  async send<T extends CommandType>(type: T, actionId: string, caller: Caller, data: CommandDataByType[T]): Promise<string> {
    // The trace of an action starts here; every later step is parented by this traceparent.
    const { span, traceparent } = startActionSpan(`gateway ${type}`, undefined, { 'countersign.action_id': actionId, 'countersign.actor': caller.principal.id });
    const command: CommandEnvelope<T, CommandDataByType[T]> = {
      id: this.ids.next(),
      type,
      actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: { id: caller.principal.id, kind: caller.principal.kind },
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
