import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { ReplayGuard } from './replay-guard.ts';
import { parseSlackBody, REASON_BLOCK_ID, toInteraction, type SlackInteraction } from './slack-payload.ts';
import { SlackInteractions } from './slack-interactions.service.ts';
import { SLACK_SETTINGS, type SlackSettings } from './slack-settings.ts';
import { verifySlackSignature } from './slack-signature.ts';

/** The path Slack's interactivity Request URL points at; its body parser is set up in configureHttp. */
export const SLACK_INTERACTIONS_PATH = '/v1/integrations/slack/interactions';

const header = (req: Request, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Slack's interactivity endpoint. No API key: Slack authenticates by signature. Acknowledged at
 * once (Slack allows 3 seconds); the vote, modal or ephemeral reply follows asynchronously.
 */
@Controller('v1/integrations/slack')
export class SlackInteractionsController {
  private readonly logger = new Logger('gateway.slack');
  private readonly replays = new ReplayGuard();

  constructor(
    @Inject(SLACK_SETTINGS) private readonly settings: SlackSettings,
    @Inject(SlackInteractions) private readonly interactions: SlackInteractions,
  ) {}

  @Post('interactions')
  @HttpCode(200)
  receive(@Req() req: Request, @Res() res: Response): void {
    const secret = this.settings.signingSecret;
    if (!secret) throw new Problem(404, 'slack-not-configured', 'Slack is not configured.', 'Set COUNTERSIGN_SLACK_SIGNING_SECRET to accept Slack interactions.');
    if (!Buffer.isBuffer(req.body)) {
      throw new Problem(415, 'unsupported-media-type', 'Send a form.', 'Slack interactions are application/x-www-form-urlencoded.');
    }
    const signature = header(req, 'x-slack-signature');
    const check = verifySlackSignature(secret, { timestamp: header(req, 'x-slack-request-timestamp'), signature, rawBody: req.body }, Math.floor(Date.now() / 1000));
    if (!check.ok) return this.refuse(check.reason);
    if (this.replays.replayed(signature!, Date.now())) return this.refuse('replayed');

    let interaction: SlackInteraction;
    try {
      interaction = toInteraction(parseSlackBody(req.body));
    } catch (error) {
      throw new Problem(400, 'invalid-request', 'Not a Slack interaction payload.', (error as Error).message);
    }
    if (interaction.kind === 'ignored') {
      this.logger.debug(`ignored a Slack interaction: ${interaction.why}`);
    } else if (interaction.kind === 'deny-submission') {
      // Answered in the modal itself, synchronously: Slack keeps the modal open to fix it.
      const error = !interaction.reason ? 'A reason is required to deny.' : !this.interactions.principalOf(interaction.user) ? 'Your Slack account is not linked to a Countersign principal.' : undefined;
      if (error) return void res.status(200).json({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: error } });
    }
    res.status(200).end();
    if (interaction.kind !== 'ignored') {
      setImmediate(() => void this.interactions.handle(interaction).catch((e: Error) => this.logger.error(`Slack interaction failed: ${e.stack ?? e.message}`)));
    }
  }

  /** Distinct reasons in the log (never the secret or the signature); one answer to the caller. */
  private refuse(reason: string): never {
    this.logger.warn(`refused a Slack interaction: ${reason === 'stale' ? 'timestamp older than 5 minutes' : reason === 'replayed' ? 'signature seen before (replay)' : `${reason} signature`}`);
    throw new Problem(401, 'invalid-slack-signature', 'The Slack signature is not valid.', 'Slack interactions must be signed with the app\'s signing secret, within 5 minutes, once.');
  }
}
