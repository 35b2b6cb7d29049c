import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ActionView } from '@countersign/audit';
import { parseStrictJson } from '@countersign/contracts';
import type { Directory } from '@countersign/identity';
import { DIRECTORY } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ActionWaiter } from '../action-waiter.ts';
import { answerable, CHAT_PAYLOAD_LIMITS } from '../integrations/chat-input.ts';
import { readBody, type BodyRules } from '../integrations/inbound-body.ts';
import { TEAMS_MESSAGES_PATH } from '../integrations/paths.ts';
import { Problem } from '../problem.ts';
import { refusalText } from '../rejections.ts';
import { chatStepUpRefusal } from '../passkeys/chat-step-up.ts';
import { WEBAUTHN_CONFIG, type WebAuthnConfig } from '../passkeys/webauthn-config.ts';
import { VoteCaster } from '../vote-caster.ts';
import { DelegatedVotes } from '../delegations/delegated-votes.ts';
import { countedApprovals } from '../views.ts';
import { BotAuthError, BotKeysUnavailable } from './bot-framework-auth.ts';
import { badRequestResponse, messageResponse, outcomeCardResponse, type InvokeResponse } from './invoke-responses.ts';
import { parseActivity, TEAMS_REASON_POINTER, type TeamsVoteClick } from './teams-activity.ts';
import { TEAMS_AUTH, type TeamsAuth } from './teams-gateway-config.ts';
import { teamsCommandId } from './teams-votes.ts';

/** Teams gives a bot 5 s to answer an invoke (DESIGN: ack p99 ≤ 150 ms); past this we say "received". */
const OUTCOME_WAIT_MS = 3_000;

/** A card click is well under a kilobyte of activity; messages to the bot a few kilobytes. */
export const TEAMS_MAX_BODY_BYTES = 64 * 1024;

const BODY: BodyRules = { limit: TEAMS_MAX_BODY_BYTES, types: ['application/json', 'application/*+json'], expected: 'Bot Framework activities are application/json.' };

const unauthenticated = () => new Problem(401, 'unauthenticated', 'Authentication is required.', 'The Bot Framework token is missing or invalid.');

/**
 * The Teams bot's messaging endpoint. No API key: the Bot Framework's signed JWT authenticates the
 * channel, checked from the header before the body is read; the clicking user is mapped to a
 * principal through linked `teams:` identities. The router decides; this endpoint turns a click
 * into a CastVote and shows the router's answer.
 */
@Controller()
export class TeamsController {
  private readonly logger = new Logger('teams');

  constructor(
    @Inject(TEAMS_AUTH) private readonly auth: TeamsAuth,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(VoteCaster) private readonly votes: VoteCaster,
    @Inject(DelegatedVotes) private readonly delegated: DelegatedVotes,
    @Inject(WEBAUTHN_CONFIG) private readonly webauthn: WebAuthnConfig,
  ) {}

  @Post(TEAMS_MESSAGES_PATH)
  @HttpCode(200)
  async messages(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<InvokeResponse | Record<string, never>> {
    const validator = this.auth.validator;
    if (!validator) throw new Problem(404, 'teams-not-configured', 'Teams is not configured.', 'Set COUNTERSIGN_TEAMS_APP_ID to enable the Teams bot.');
    const claims = await this.authenticate(() => validator.validate(req.headers.authorization));
    const parsed = parseStrictJson(await readBody(req, res, BODY), CHAT_PAYLOAD_LIMITS);
    if (!parsed.ok) {
      const problems = parsed.errors.map((e) => answerable(e));
      this.logger.warn(`refused a Teams activity: ${escapeForLog(problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '))}`);
      // A reason the user typed is answered in Teams' own terms, so the card can say what was wrong.
      if (problems.every((p) => p.pointer === TEAMS_REASON_POINTER)) return badRequestResponse(`The reason ${problems[0].detail}. Change it and try again.`);
      throw new Problem(400, 'invalid-request', 'Not a Bot Framework activity Countersign can read.', problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '), problems);
    }
    const serviceUrl = (parsed.value as { serviceUrl?: unknown } | null)?.serviceUrl;
    await this.authenticate(async () => validator.checkServiceUrl(claims, typeof serviceUrl === 'string' ? serviceUrl : undefined));
    const activity = parseActivity(parsed.value);
    switch (activity.kind) {
      case 'other':
        return {};
      case 'invalid':
        this.logger.warn(`refused a Teams card action: ${escapeForLog(activity.detail)}`);
        return badRequestResponse(activity.detail);
      case 'vote':
        return this.vote(activity.click);
      default: {
        const never: never = activity;
        return never;
      }
    }
  }

  /** 401 for a token we refuse, 503 when the keys to check it cannot be had; the reason goes to the log. */
  private async authenticate<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof BotKeysUnavailable) {
        this.logger.error(error.message);
        throw new Problem(503, 'teams-keys-unavailable', 'Teams requests cannot be checked right now.', 'The Bot Framework signing keys could not be fetched; retry later.');
      }
      if (!(error instanceof BotAuthError)) throw error;
      this.logger.warn(`refused a Teams request: ${escapeForLog(error.message)}`);
      throw unauthenticated();
    }
  }

  private async vote(click: TeamsVoteClick): Promise<InvokeResponse> {
    const identity = `teams:${click.userId}`;
    const principal = this.directory.byIdentity(identity);
    if (!principal) {
      this.logger.warn(`vote from unlinked Teams user ${escapeForLog(identity)} on action ${click.actionId}`);
      return messageResponse('Your Teams account is not linked to a Countersign principal, so your vote was not counted. ' +
        `Ask an administrator to add "${identity}" to your identities.`);
    }
    if (click.decision === 'deny' && !click.comment) return messageResponse('A reason is required to deny.');
    const view = await this.waiter.get(click.actionId);
    if (!view) return messageResponse('This action is not known to Countersign.');
    // Step-up rules (docs/step-up.md): an Approve click never votes; the console asks for the passkey.
    const stepUp = click.decision === 'approve' ? chatStepUpRefusal(view, this.webauthn.origin) : undefined;
    if (stepUp) return messageResponse(stepUp);
    // A delegate's click counts for their delegator, as an API vote does (ADR 0010).
    const behalf = await this.delegated.chatVoteFor(principal, view);
    if ('refusal' in behalf) return messageResponse(behalf.refusal);
    const answer = await this.votes.cast({
      actionId: click.actionId, voter: principal, identity, via: 'teams', decision: click.decision, comment: click.comment || undefined,
      commandId: teamsCommandId(click), ...(click.paramsHash ? { paramsHash: click.paramsHash } : {}), ...(behalf.onBehalfOf ? { onBehalfOf: behalf.onBehalfOf } : {}),
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
  const approvals = countedApprovals(view);
  const quorum = view.approval?.quorum ?? approvals;
  return `Your ${click.decision === 'approve' ? 'approval' : 'vote'} was recorded: ${approvals} of ${quorum} approval(s) so far.`;
}
