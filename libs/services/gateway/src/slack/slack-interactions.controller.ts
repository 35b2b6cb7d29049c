import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { readBody, type BodyRules } from '../integrations/inbound-body.ts';
import { SLACK_INTERACTIONS_PATH } from '../integrations/paths.ts';
import { Problem, type InvalidParam } from '../problem.ts';
import { SlackRequestGate, type GateRefusal } from './replay-guard.ts';
import { readSlackPayload } from './slack-form.ts';
import { SlackInteractions } from './slack-interactions.service.ts';
import { reasonError } from './slack-modal.ts';
import { REASON_POINTER, toInteraction } from './slack-payload.ts';
import { SLACK_SETTINGS, type SlackSettings } from './slack-settings.ts';
import { SLACK_FUTURE_SKEW_SECONDS } from './slack-signature.ts';

/**
 * Slack sends a few kilobytes; a click on one of our largest messages, with non-Latin parameters
 * percent-encoded three bytes to a character, stays well under this. It bounds what is read before
 * the signature is known to be good.
 */
export const SLACK_MAX_BODY_BYTES = 128 * 1024;

const BODY: BodyRules = {
  limit: SLACK_MAX_BODY_BYTES,
  types: ['application/x-www-form-urlencoded'],
  expected: 'Slack interactions are application/x-www-form-urlencoded.',
};

const REFUSALS: Record<GateRefusal, string> = {
  missing: 'missing signature or timestamp',
  malformed: 'malformed signature or timestamp',
  stale: 'timestamp older than 5 minutes',
  future: `timestamp more than ${SLACK_FUTURE_SKEW_SECONDS} s ahead of our clock`,
  mismatch: 'signature mismatch',
  replayed: 'signature seen before (replay)',
};

const header = (req: Request, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Problems that are all about the deny modal's reason are told in the modal, under the reason. */
const aboutReason = (problems: InvalidParam[]) => problems.length > 0 && problems.every((p) => p.pointer === REASON_POINTER);

/**
 * Slack's interactivity endpoint. No API key: Slack authenticates by signature, checked on the raw
 * bytes before any of them is parsed. Acknowledged at once (Slack allows 3 seconds); the vote,
 * modal or ephemeral reply follows asynchronously.
 */
@Controller()
export class SlackInteractionsController {
  private readonly logger = new Logger('gateway.slack');
  private readonly gate = new SlackRequestGate();

  constructor(
    @Inject(SLACK_SETTINGS) private readonly settings: SlackSettings,
    @Inject(SlackInteractions) private readonly interactions: SlackInteractions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(SLACK_INTERACTIONS_PATH)
  @HttpCode(200)
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    const secret = this.settings.signingSecret;
    if (!secret) throw new Problem(404, 'slack-not-configured', 'Slack is not configured.', 'Set COUNTERSIGN_SLACK_SIGNING_SECRET to accept Slack interactions.');
    const rawBody = await readBody(req, res, BODY);
    const check = this.gate.check(secret, { timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature'), rawBody }, this.clock.now().getTime());
    if (!check.ok) return this.refuse(check.reason);

    const read = readSlackPayload(rawBody);
    if (!read.ok) return this.invalid(res, read.problems);
    const interaction = toInteraction(read.payload);
    switch (interaction.kind) {
      case 'ignored':
        this.logger.debug(`ignored a Slack interaction: ${escapeForLog(interaction.why)}`);
        return void res.status(200).end();
      case 'invalid':
        return this.invalid(res, [{ parameter: 'payload', pointer: interaction.pointer, detail: interaction.detail }]);
      case 'deny-submission': {
        // Answered in the modal itself, synchronously: Slack keeps the modal open to fix it.
        const error = !interaction.reason ? 'A reason is required to deny.' : this.interactions.cannotVote(this.interactions.voter(interaction.user));
        if (error) return void res.status(200).json(reasonError(error));
        break;
      }
      case 'click':
        break;
      default: {
        const unknown: never = interaction;
        throw new Error(`unhandled interaction ${(unknown as { kind: string }).kind}`);
      }
    }
    res.status(200).end();
    setImmediate(() => void this.interactions.handle(interaction).catch((e: Error) => this.logger.error(`Slack interaction failed: ${e.stack ?? e.message}`)));
  }

  /** A signed payload we cannot act on: a deny reason is told in the modal, anything else is a 400. */
  private invalid(res: Response, problems: InvalidParam[]): void {
    this.logger.warn(`refused a Slack payload: ${escapeForLog(problems.map((p) => `${p.pointer ?? p.parameter}: ${p.detail}`).join('; '))}`);
    if (aboutReason(problems)) return void res.status(200).json(reasonError(`The reason ${problems[0].detail}. Change it and submit again.`));
    throw new Problem(400, 'invalid-request', 'Not a Slack interaction payload Countersign can act on.',
      problems.map((p) => `${p.parameter}${p.pointer && p.pointer !== '/' ? ` ${p.pointer}` : ''}: ${p.detail}`).join('; '), problems);
  }

  /** Distinct reasons in the log (never the secret or the signature); one answer to the caller. */
  private refuse(reason: GateRefusal): never {
    this.logger.warn(`refused a Slack interaction: ${REFUSALS[reason]}`);
    throw new Problem(401, 'invalid-slack-signature', 'The Slack signature is not valid.',
      `Slack interactions must be signed with the app's signing secret, stamped within the last 5 minutes (at most ${SLACK_FUTURE_SKEW_SECONDS} s ahead), and sent once.`);
  }
}
