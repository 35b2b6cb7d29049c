import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Directory, Principal } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import { ActionWaiter } from '../action-waiter.ts';
import { refusalText } from '../rejections.ts';
import { VoteCaster } from '../vote-caster.ts';
import { denyModal, type SlackInteraction, type SlackUser } from './slack-payload.ts';
import { SlackResponder } from './slack-responder.ts';

/** How long to wait for the router's answer before leaving the user with no news (the vote stands queued). */
const OUTCOME_WAIT_MS = 10_000;

export const NOT_LINKED = 'Your Slack account is not linked to a Countersign principal, so your click was not counted. Ask an administrator to add your Slack user id to your principal\'s identities.';

/**
 * What a verified Slack interaction leads to: a vote for the router (which alone decides), the
 * deny modal, or an ephemeral word to the user. Runs after Slack has been acknowledged.
 */
@Injectable()
export class SlackInteractions {
  private readonly logger = new Logger('gateway.slack');

  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(VoteCaster) private readonly votes: VoteCaster,
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
    const { actionId, commandId } = interaction;
    const answer = await this.votes.cast({
      actionId, voter: principal, identity: `slack:${interaction.user.id}`, via: 'slack', decision, comment: comment || undefined, commandId,
    }, OUTCOME_WAIT_MS);
    if (answer.kind === 'pending') {
      this.logger.warn(`no answer from the router within ${OUTCOME_WAIT_MS} ms for Slack vote ${commandId} on ${actionId}`);
    } else if (answer.kind === 'rejected') {
      await this.slack.ephemeral(interaction.responseUrl, refusalText(answer.code, answer.reason));
    }
  }
}
