import { v5 as uuidv5 } from 'uuid';

/**
 * The ids the notifier's Slack messages use (libs/services/notifier/src/slack/slack-blocks.ts):
 * services do not import each other, so they are repeated here and pinned by the e2e suite.
 */
export const APPROVE_ACTION_ID = 'countersign_approve';
export const DENY_ACTION_ID = 'countersign_deny';
/** The deny modal and its reason input. */
export const DENY_MODAL_ID = 'countersign_deny_reason';
export const REASON_BLOCK_ID = 'countersign_reason';
export const REASON_INPUT_ID = 'reason';

/** Namespace of the command ids derived from Slack payloads (UUIDv5): fixed forever. */
const SLACK_COMMAND_NAMESPACE = '6c1f0d7e-2a43-4f5e-9a0b-5d3c1e7f9b21';

export interface SlackUser {
  id: string;
  teamId?: string;
}

/** What a Slack interaction asks of us, in our terms. */
export type SlackInteraction =
  | { kind: 'click'; decision: 'approve' | 'deny'; actionId: string; user: SlackUser; commandId: string; triggerId?: string; responseUrl?: string }
  | { kind: 'deny-submission'; actionId: string; user: SlackUser; commandId: string; reason: string; responseUrl?: string }
  | { kind: 'ignored'; why: string };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Slack's payloads, checked field by field below

const ACTION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The same click (or the same modal submitted twice) always gives the same command id. */
export function slackCommandId(...parts: string[]): string {
  return uuidv5(`slack:${parts.join(':')}`, SLACK_COMMAND_NAMESPACE);
}

/** Slack posts `payload=<JSON>` form-encoded. Throws on anything else. */
export function parseSlackBody(rawBody: Buffer): Json {
  const payload = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (!payload) throw new Error('no payload field');
  const parsed: unknown = JSON.parse(payload);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the payload is not a JSON object');
  return parsed as Json;
}

function userOf(payload: Json): SlackUser | undefined {
  const id = str(payload.user?.id);
  if (!id) return undefined;
  const teamId = str(payload.team?.id) ?? str(payload.user?.team_id);
  return teamId ? { id, teamId } : { id };
}

/** Our buttons (Approve, Deny) and our deny modal; every other interaction is none of our business. */
export function toInteraction(payload: Json): SlackInteraction {
  const user = userOf(payload);
  if (!user) return { kind: 'ignored', why: 'no user' };
  const team = user.teamId ?? '-';
  if (payload.type === 'block_actions') {
    const action = (Array.isArray(payload.actions) ? payload.actions : []).find((a: Json) => a?.action_id === APPROVE_ACTION_ID || a?.action_id === DENY_ACTION_ID);
    if (!action) return { kind: 'ignored', why: 'not a Countersign button' };
    const actionId = str(action.value);
    const actionTs = str(action.action_ts);
    if (!actionId || !ACTION_ID_PATTERN.test(actionId) || !actionTs) return { kind: 'ignored', why: 'button without an action id or timestamp' };
    return {
      kind: 'click',
      decision: action.action_id === APPROVE_ACTION_ID ? 'approve' : 'deny',
      actionId,
      user,
      commandId: slackCommandId(team, user.id, action.action_id, actionTs),
      ...(str(payload.trigger_id) ? { triggerId: payload.trigger_id } : {}),
      ...(str(payload.response_url) ? { responseUrl: payload.response_url } : {}),
    };
  }
  if (payload.type === 'view_submission' && payload.view?.callback_id === DENY_MODAL_ID) {
    let meta: Json;
    try {
      meta = JSON.parse(String(payload.view.private_metadata ?? ''));
    } catch {
      return { kind: 'ignored', why: 'deny modal without metadata' };
    }
    const actionId = str(meta.actionId);
    const viewId = str(payload.view.id);
    if (!actionId || !ACTION_ID_PATTERN.test(actionId) || !viewId) return { kind: 'ignored', why: 'deny modal without an action id' };
    const reason = String(payload.view.state?.values?.[REASON_BLOCK_ID]?.[REASON_INPUT_ID]?.value ?? '').trim();
    return {
      kind: 'deny-submission',
      actionId,
      user,
      commandId: slackCommandId(team, user.id, 'deny-submission', viewId),
      reason,
      ...(str(meta.responseUrl) ? { responseUrl: meta.responseUrl } : {}),
    };
  }
  return { kind: 'ignored', why: `interaction type ${String(payload.type)}` };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

/**
 * The modal Deny opens: a required reason. The action id and the message's response_url travel
 * in private_metadata (Slack hands it back, signed, on submission) so refusals can still be told.
 */
export function denyModal(actionId: string, summary: string, responseUrl?: string) {
  return {
    type: 'modal' as const,
    callback_id: DENY_MODAL_ID,
    private_metadata: JSON.stringify({ actionId, ...(responseUrl ? { responseUrl } : {}) }),
    title: plain('Deny action'),
    submit: plain('Deny'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section' as const, text: { type: 'mrkdwn' as const, text: summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 2900) } },
      {
        type: 'input' as const,
        block_id: REASON_BLOCK_ID,
        label: plain('Reason'),
        element: { type: 'plain_text_input' as const, action_id: REASON_INPUT_ID, multiline: true, max_length: 3000 },
      },
    ],
  };
}
