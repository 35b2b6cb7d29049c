import { Inject, Injectable, Logger } from '@nestjs/common';
import { TOPICS, type CastVoteData, type CommandEnvelope, type RejectionCode } from '@countersign/contracts';
import { EVENT_LOG, type EventLog } from '@countersign/eventlog';
import type { Directory, Principal } from '@countersign/identity';
import { CLOCK, DIRECTORY, type Clock } from '@countersign/runtime';
import { startActionSpan } from '@countersign/telemetry';
import { ActionWaiter } from '../action-waiter.ts';
import { denyModal, type SlackInteraction, type SlackUser } from './slack-payload.ts';
import { SlackResponder } from './slack-responder.ts';

/** How long to wait for the router's answer before leaving the user with no news (the vote stands queued). */
const OUTCOME_WAIT_MS = 10_000;

export const NOT_LINKED = 'Your Slack account is not linked to a Countersign principal, so your click was not counted. Ask an administrator to add your Slack user id to your principal\'s identities.';

const REFUSALS: Record<RejectionCode, string> = {
  self_approval: 'You cannot approve or deny your own action.',
  not_eligible: 'You are not an eligible approver for this action.',
  not_requester: 'Only the requester can cancel an action.',
  already_decided: 'This action has already been decided.',
  not_pending: 'This action is not awaiting approval.',
  duplicate_vote: 'You have already voted on this action.',
  reason_required: 'A reason is required.',
  no_review_requested: 'This action has no break-glass review to record.',
  already_reviewed: 'This break-glass approval has already been reviewed.',
};

/**
 * What a verified Slack interaction leads to: a vote for the router (which alone decides), the
 * deny modal, or an ephemeral word to the user. Runs after Slack has been acknowledged.
 */
@Injectable()
export class SlackInteractions {
  private readonly logger = new Logger('gateway.slack');

  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(SlackResponder) private readonly slack: SlackResponder,
  ) {}

  /** The principal a Slack user is linked to (`identities: ["slack:U123"]`). */
  principalOf(user: SlackUser): Principal | undefined {
    return this.directory.byIdentity(`slack:${user.id}`);
  }

  async handle(interaction: SlackInteraction): Promise<void> {
    if (interaction.kind === 'ignored') return;
    const principal = this.principalOf(interaction.user);
    if (!principal) return this.slack.ephemeral(interaction.responseUrl, NOT_LINKED);
    const view = await this.waiter.get(interaction.actionId);
    if (!view) return this.slack.ephemeral(interaction.responseUrl, `There is no action ${interaction.actionId}.`);
    switch (interaction.kind) {
      case 'click':
        if (interaction.decision === 'approve') return this.vote(principal, interaction, 'approve');
        if (!(await this.slack.openModal(interaction.triggerId, denyModal(interaction.actionId, `Deny *${view.action}* on *${view.resource}*, requested by ${view.requester}?`, interaction.responseUrl)))) {
          return this.slack.ephemeral(interaction.responseUrl, 'The deny form could not be opened; deny through the Countersign API or console instead.');
        }
        return;
      case 'deny-submission':
        return this.vote(principal, interaction, 'deny', interaction.reason);
      default: {
        const unknown: never = interaction;
        throw new Error(`unhandled interaction ${(unknown as SlackInteraction).kind}`);
      }
    }
  }

  /** A CastVote whose id comes from the payload: the router ignores a command id it has handled. */
  private async vote(principal: Principal, interaction: Extract<SlackInteraction, { commandId: string }>, decision: 'approve' | 'deny', comment?: string): Promise<void> {
    const identity = `slack:${interaction.user.id}`;
    const data: CastVoteData = {
      voter: principal.id,
      voterIdentities: [...new Set([...principal.identities, identity])],
      decision,
      ...(comment ? { comment } : {}),
      via: 'slack',
      identity,
    };
    await this.send(interaction.actionId, interaction.commandId, principal, data);
    const view = await this.waiter.until(interaction.actionId, (v) => !!v && v.handled.includes(interaction.commandId), OUTCOME_WAIT_MS);
    if (!view?.handled.includes(interaction.commandId)) {
      this.logger.warn(`no answer from the router within ${OUTCOME_WAIT_MS} ms for Slack vote ${interaction.commandId} on ${interaction.actionId}`);
      return;
    }
    const rejection = view.rejections.find((r) => r.commandId === interaction.commandId);
    if (rejection) await this.slack.ephemeral(interaction.responseUrl, `${REFUSALS[rejection.code]} ${rejection.reason}`);
  }

  private async send(actionId: string, commandId: string, principal: Principal, data: CastVoteData): Promise<void> {
    const { span, traceparent } = startActionSpan('gateway CastVote (slack)', undefined, { 'countersign.action_id': actionId, 'countersign.actor': principal.id });
    const command: CommandEnvelope<'CastVote', CastVoteData> = {
      id: commandId,
      type: 'CastVote',
      actionId,
      issuedAt: this.clock.now().toISOString(),
      actor: { id: principal.id, kind: principal.kind },
      correlationId: actionId,
      ...(traceparent ? { traceparent } : {}),
      data,
    };
    try {
      await this.log.append(TOPICS.commands, [{ key: actionId, value: command }]);
    } finally {
      span.end();
    }
  }
}
