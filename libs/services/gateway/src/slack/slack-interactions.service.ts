import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { Directory } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ActionWaiter } from '../action-waiter.ts';
import { DelegatedVotes } from '../delegations/delegated-votes.ts';
import { refusalText } from '../rejections.ts';
import { chatStepUpRefusal } from '../passkeys/chat-step-up.ts';
import { WEBAUTHN_CONFIG, type WebAuthnConfig } from '../passkeys/webauthn-config.ts';
import { VoteCaster } from '../vote-caster.ts';
import { denyModal } from './slack-modal.ts';
import type { SlackInteraction, SlackUser } from './slack-payload.ts';
import { SlackResponder } from './slack-responder.ts';
import { SLACK_SETTINGS, type SlackSettings } from './slack-settings.ts';
import { slackVoter, type SlackVoter } from './slack-voter.ts';

/** How long to wait for the router's answer before leaving the user with no news (the vote stands queued). */
const OUTCOME_WAIT_MS = 10_000;

export const NOT_LINKED = (identity: string) => 'Your Slack account is not linked to a Countersign principal, so your click was not counted. ' +
  `Ask an administrator to add "${identity}" to your principal's identities.`;
export const FOREIGN_TEAM = 'Your Slack workspace is not one Countersign accepts approvals from, so your click was not counted.';

type Acted = Extract<SlackInteraction, { kind: 'click' | 'deny-submission' }>;

/**
 * What a verified Slack interaction leads to: a vote for the router (which alone decides), the
 * deny modal, or an ephemeral word to the user. Runs after Slack has been acknowledged.
 */
@Injectable()
export class SlackInteractions {
  private readonly logger = new Logger('gateway.slack');

  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(SLACK_SETTINGS) private readonly settings: SlackSettings,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(VoteCaster) private readonly votes: VoteCaster,
    @Inject(DelegatedVotes) private readonly delegated: DelegatedVotes,
    @Inject(SlackResponder) private readonly slack: SlackResponder,
    @Inject(WEBAUTHN_CONFIG) private readonly webauthn: WebAuthnConfig,
  ) {}

  /** Who the user is to Countersign (see slackVoter). */
  voter(user: SlackUser): SlackVoter {
    return slackVoter(this.directory, this.settings.teamIds, user);
  }

  /** Why a user cannot vote at all, in words for them; undefined when they can. */
  cannotVote(voter: SlackVoter): string | undefined {
    if (voter.kind === 'foreign-team') return FOREIGN_TEAM;
    if (voter.kind === 'not-linked') return NOT_LINKED(voter.identity);
    return undefined;
  }

  async handle(interaction: Acted): Promise<void> {
    const voter = this.voter(interaction.user);
    if (voter.kind !== 'linked') {
      this.logger.warn(`Slack click not counted (${voter.kind}): user ${escapeForLog(interaction.user.id)} of workspace ${escapeForLog(interaction.user.teamId)}`);
      return this.slack.ephemeral(interaction.responseUrl, this.cannotVote(voter)!);
    }
    const view = await this.waiter.get(interaction.actionId);
    if (!view) return this.slack.ephemeral(interaction.responseUrl, `There is no action ${interaction.actionId}.`);
    switch (interaction.kind) {
      case 'click': {
        if (interaction.decision === 'approve') {
          // Step-up rules (docs/step-up.md): an Approve click never votes; the console asks for the passkey.
          const stepUp = chatStepUpRefusal(view, this.webauthn.origin);
          return stepUp ? this.slack.ephemeral(interaction.responseUrl, stepUp) : this.vote(voter, view, interaction, 'approve');
        }
        const modal = denyModal(interaction, `Deny *${view.action}* on *${view.resource}*, requested by ${view.requester}?`, interaction.responseUrl);
        if (!(await this.slack.openModal(interaction.triggerId, modal))) {
          return this.slack.ephemeral(interaction.responseUrl, 'The deny form could not be opened; deny through the Countersign API or console instead.');
        }
        return;
      }
      case 'deny-submission':
        return this.vote(voter, view, interaction, 'deny', interaction.reason);
      default: {
        const unknown: never = interaction;
        throw new Error(`unhandled interaction ${(unknown as Acted).kind}`);
      }
    }
  }

  /** A CastVote whose id comes from the payload: the router ignores a command id it has handled. */
  private async vote(voter: Extract<SlackVoter, { kind: 'linked' }>, view: ActionView, interaction: Acted, decision: 'approve' | 'deny', comment?: string): Promise<void> {
    const { actionId, commandId, paramsHash } = interaction;
    // A delegate's click counts for their delegator, as an API vote does (ADR 0010).
    const behalf = await this.delegated.chatVoteFor(voter.principal, view);
    if ('refusal' in behalf) return this.slack.ephemeral(interaction.responseUrl, behalf.refusal);
    const answer = await this.votes.cast({
      actionId, voter: voter.principal, identity: voter.identity, via: 'slack', decision, comment: comment || undefined, commandId, ...(paramsHash ? { paramsHash } : {}),
      ...(behalf.onBehalfOf ? { onBehalfOf: behalf.onBehalfOf } : {}),
    }, OUTCOME_WAIT_MS);
    if (answer.kind === 'pending') {
      this.logger.warn(`no answer from the router within ${OUTCOME_WAIT_MS} ms for Slack vote ${commandId} on ${actionId}`);
    } else if (answer.kind === 'rejected') {
      await this.slack.ephemeral(interaction.responseUrl, refusalText(answer.code, answer.reason));
    }
  }
}
