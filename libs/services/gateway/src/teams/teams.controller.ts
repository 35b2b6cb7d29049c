import { Body, Controller, Headers, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import type { ActionView } from '@countersign/audit';
import type { Directory } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import { ActionWaiter } from '../action-waiter.ts';
import { Problem } from '../problem.ts';
import { refusalText } from '../rejections.ts';
import { VoteCaster } from '../vote-caster.ts';
import { BotAuthError, BotFrameworkTokenValidator } from './bot-framework-auth.ts';
import { badRequestResponse, messageResponse, outcomeCardResponse, type InvokeResponse } from './invoke-responses.ts';
import { parseActivity, type TeamsVoteClick } from './teams-activity.ts';
import { readTeamsGatewayConfig } from './teams-gateway-config.ts';
import { teamsCommandId } from './teams-votes.ts';

/** Teams gives a bot 5 s to answer an invoke (DESIGN: ack p99 ≤ 150 ms); past this we say "received". */
const OUTCOME_WAIT_MS = 3_000;

/**
 * The Teams bot's messaging endpoint. No API key: the Bot Framework's signed JWT authenticates the
 * channel, and the clicking user is mapped to a principal through linked `teams:` identities. The
 * router decides; this endpoint turns a click into a CastVote and shows the router's answer.
 */
@Controller('v1/integrations/teams')
export class TeamsController {
  private readonly logger = new Logger('teams');
  private readonly config = readTeamsGatewayConfig();
  private readonly validator = this.config && new BotFrameworkTokenValidator(this.config);

  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(VoteCaster) private readonly votes: VoteCaster,
  ) {}

  @Post('messages')
  @HttpCode(200)
  async messages(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<InvokeResponse | Record<string, never>> {
    if (!this.validator) {
      throw new Problem(404, 'teams-not-configured', 'Teams is not configured.', 'Set COUNTERSIGN_TEAMS_APP_ID to enable the Teams bot.');
    }
    const serviceUrl = (body as { serviceUrl?: unknown } | null)?.serviceUrl;
    try {
      await this.validator.validate(authorization, typeof serviceUrl === 'string' ? serviceUrl : undefined);
    } catch (error) {
      if (!(error instanceof BotAuthError)) throw error;
      this.logger.warn(`refused a Teams request: ${error.message}`);
      throw new Problem(401, 'unauthenticated', 'Authentication is required.', 'The Bot Framework token is missing or invalid.');
    }
    const parsed = parseActivity(body);
    switch (parsed.kind) {
      case 'other':
        return {};
      case 'invalid':
        return badRequestResponse(parsed.detail);
      case 'vote':
        return this.vote(parsed.click);
      default: {
        const never: never = parsed;
        return never;
      }
    }
  }

  private async vote(click: TeamsVoteClick): Promise<InvokeResponse> {
    const identity = `teams:${click.userId}`;
    const principal = this.directory.byIdentity(identity);
    if (!principal) {
      this.logger.warn(`vote from unlinked Teams user ${identity} on action ${click.actionId}`);
      return messageResponse('Your Teams account is not linked to a Countersign principal, so your vote was not counted. ' +
        `Ask an administrator to add "${identity}" to your identities.`);
    }
    if (click.decision === 'deny' && !click.comment) return messageResponse('A reason is required to deny.');
    if (!(await this.waiter.get(click.actionId))) return messageResponse('This action is not known to Countersign.');
    const answer = await this.votes.cast({
      actionId: click.actionId, voter: principal, identity, via: 'teams', decision: click.decision, comment: click.comment || undefined, commandId: teamsCommandId(click),
    }, OUTCOME_WAIT_MS);
    switch (answer.kind) {
      case 'pending':
        return messageResponse('Your vote was received; the card will show the decision once it is recorded.');
      case 'rejected':
        return messageResponse(refusalText(answer.code, answer.reason));
      case 'done':
        return answer.view.decision ? outcomeCardResponse(answer.view) : messageResponse(pendingText(answer.view, click));
      default: {
        const never: never = answer;
        return never;
      }
    }
  }
}

function pendingText(view: ActionView, click: TeamsVoteClick): string {
  const approvals = view.votes.filter((v) => v.decision === 'approve').length;
  const quorum = view.approval?.quorum ?? approvals;
  return `Your ${click.decision === 'approve' ? 'approval' : 'vote'} was recorded: ${approvals} of ${quorum} approval(s) so far.`;
}
