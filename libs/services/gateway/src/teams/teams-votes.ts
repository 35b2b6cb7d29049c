import { TOPICS, type CastVoteData, type CommandEnvelope } from '@countersign/contracts';
import type { EventLog } from '@countersign/eventlog';
import type { Principal } from '@countersign/identity';
import type { Clock } from '@countersign/runtime';
import { startActionSpan } from '@countersign/telemetry';
import { v5 as uuidv5 } from 'uuid';
import type { TeamsVoteClick } from './teams-activity.ts';

/** Namespace of the command ids derived from Teams activity ids (any fixed UUID would do). */
const TEAMS_COMMAND_NAMESPACE = '6f1c2b7e-3c1a-4f7e-9d1e-7a2f0c5b8e41';

/**
 * The same click delivered twice (a retry by Teams, or a replayed request) yields the same command
 * id, and the router applies a command id once: a replay can never count as a second vote.
 */
export function teamsCommandId(click: Pick<TeamsVoteClick, 'activityId' | 'actionId'>): string {
  return uuidv5(`teams:${click.actionId}:${click.activityId}`, TEAMS_COMMAND_NAMESPACE);
}

/** Puts a Teams vote on the commands topic as a CastVote for the router, which alone decides. */
export class TeamsVoteSender {
  constructor(
    private readonly log: EventLog,
    private readonly clock: Clock,
  ) {}

  async send(click: TeamsVoteClick, voter: Principal): Promise<string> {
    const identity = `teams:${click.userId}`;
    const id = teamsCommandId(click);
    const { span, traceparent } = startActionSpan('gateway CastVote', undefined, {
      'countersign.action_id': click.actionId, 'countersign.actor': voter.id, 'countersign.via': 'teams',
    });
    const data: CastVoteData = {
      voter: voter.id,
      voterIdentities: [...new Set([...voter.identities, identity])],
      decision: click.decision,
      ...(click.comment ? { comment: click.comment } : {}),
      via: 'teams',
      identity,
    };
    const command: CommandEnvelope<'CastVote', CastVoteData> = {
      id,
      type: 'CastVote',
      actionId: click.actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: { id: voter.id, kind: voter.kind },
      correlationId: click.actionId,
      ...(traceparent ? { traceparent } : {}),
      data,
    };
    try {
      await this.log.append(TOPICS.commands, [{ key: click.actionId, value: command }]);
      return id;
    } finally {
      span.end();
    }
  }
}
