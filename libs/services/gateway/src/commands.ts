import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GatewayLimits } from '@countersign/config';
import {
  signProposal, TOPICS, type Channel, type CommandDataByType, type CommandEnvelope, type CommandType, type ProposeActionCommand,
} from '@countersign/contracts';
import { EVENT_LOG, type EventLog, type LogRecord } from '@countersign/eventlog';
import type { Principal } from '@countersign/identity';
import { CLOCK, ID_SOURCE, PROPOSAL_KEYS, type Clock, type IdSource, type ProposalKeys } from '@countersign/runtime';
import { escapeForLog, startActionSpan } from '@countersign/telemetry';
import { DeadlineExceeded, withDeadline } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { unavailable } from './problem.ts';

export interface SendOptions {
  /** A command id derived from the channel's own delivery id: the router applies a command id once. */
  id?: string;
  /** The channel the command came in through, recorded on the span. */
  via?: Channel;
}

/**
 * Turns requests (API, Slack, Teams) into commands keyed by actionId: proposals on the proposals
 * topic, signed with the gateway's key (the policy evaluator verifies them and hands them to the
 * router with their evaluation; ADR 0002), everything else on the commands topic. Decides nothing. An append that fails, or is not confirmed within the log timeout (Kafka
 * unreachable: kafkajs would retry for minutes), is answered 503 with Retry-After.
 */
@Injectable()
export class CommandSender {
  private readonly logger = new Logger('gateway');

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(PROPOSAL_KEYS) private readonly keys: ProposalKeys,
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
      const record = await this.recordOf(command);
      await withDeadline(Promise.resolve().then(() => this.log.append(topicOf(type), [record])), this.limits.logTimeoutMs);
      return command.id;
    } catch (error) {
      const timedOut = error instanceof DeadlineExceeded;
      this.logger.warn(`${type} ${command.id} for action ${actionId} not appended: ${escapeForLog(String((error as Error)?.message ?? error))}`);
      // A failed or timed-out append may still land: say so, so a client reads before it retries.
      throw unavailable('event-log', `The event log did not confirm the ${type} command (${timedOut ? `no answer within ${this.limits.logTimeoutMs} ms` : 'the append failed'}). ` +
        'It may or may not take effect: read the action before retrying, and retry a proposal with the same Idempotency-Key.');
    } finally {
      span.end();
    }
  }

  /** A proposal as the gateway's service principal signs it; any other command as it is. */
  private async recordOf(command: CommandEnvelope): Promise<LogRecord> {
    if (command.type !== 'ProposeAction') return { key: command.actionId, value: command };
    // Checked at start (libs/shell/src/proposal-keys.ts): a gateway without its key does not start.
    if (!this.keys.signer) throw new Error('the gateway has no signing key');
    return { key: command.actionId, value: await signProposal(command as ProposeActionCommand, this.keys.signer) };
  }
}

/** Proposals go through the policy evaluator first; every other command straight to the router. */
const topicOf = (type: CommandType): string => (type === 'ProposeAction' ? TOPICS.proposals : TOPICS.commands);
