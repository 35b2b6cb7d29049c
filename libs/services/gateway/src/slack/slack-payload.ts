import { parseStrictJson } from '@countersign/contracts';
import { v5 as uuidv5 } from 'uuid';
import { ACTION_ID_PATTERN, CHAT_PAYLOAD_LIMITS, MAX_REASON_LENGTH, PARAMS_HASH_PATTERN } from '../integrations/chat-input.ts';
import type { SlackJson } from './slack-form.ts';

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
/** Where a submitted deny modal holds the reason, as a pointer into the payload. */
export const REASON_POINTER = `/view/state/values/${REASON_BLOCK_ID}/${REASON_INPUT_ID}/value`;

/** Namespace of the command ids derived from Slack payloads (UUIDv5): fixed forever. */
const SLACK_COMMAND_NAMESPACE = '6c1f0d7e-2a43-4f5e-9a0b-5d3c1e7f9b21';

/** Slack's ids of users, workspaces and enterprises: upper-case letters and digits (U0BOB, T0123). */
export const SLACK_ID_PATTERN = /^[A-Z0-9]{2,32}$/;
const ACTION_TS_PATTERN = /^[0-9]{1,12}(\.[0-9]{1,9})?$/;
const TOKEN_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
const URL_PATTERN = /^https?:\/\/[\x21-\x7e]{1,2000}$/;

export interface SlackUser {
  id: string;
  /** The user's own workspace (`user.team_id`; else the payload's `team.id`). */
  teamId: string;
}

/** What a Slack interaction asks of us, in our terms. */
export type SlackInteraction =
  | { kind: 'click'; decision: 'approve' | 'deny'; actionId: string; paramsHash?: string; user: SlackUser; commandId: string; triggerId?: string; responseUrl?: string }
  | { kind: 'deny-submission'; actionId: string; paramsHash?: string; user: SlackUser; commandId: string; reason: string; responseUrl?: string }
  /** Not ours (another app's button, a shortcut): acknowledged and otherwise ignored. */
  | { kind: 'ignored'; why: string }
  /** Ours, but malformed: refused, pointing at the field. */
  | { kind: 'invalid'; pointer: string; detail: string };

/** The same click (or the same modal submitted twice) always gives the same command id. */
export function slackCommandId(...parts: string[]): string {
  return uuidv5(`slack:${parts.join(':')}`, SLACK_COMMAND_NAMESPACE);
}

class Invalid {
  constructor(readonly pointer: string, readonly detail: string) {}
}

const isObject = (v: unknown): v is SlackJson => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (v: unknown, key: string): unknown => (isObject(v) ? v[key] : undefined);

function text(value: unknown, pointer: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new Invalid(pointer, `must be ${what}`);
  return value;
}
const optional = (value: unknown, pointer: string, pattern: RegExp, what: string) => (value === undefined || value === null ? undefined : text(value, pointer, pattern, what));

function userOf(payload: SlackJson): SlackUser {
  const id = text(at(payload.user, 'id'), '/user/id', SLACK_ID_PATTERN, 'a Slack user id');
  const teamId = at(payload.user, 'team_id') !== undefined
    ? text(at(payload.user, 'team_id'), '/user/team_id', SLACK_ID_PATTERN, 'a Slack workspace id')
    : text(at(payload.team, 'id'), '/team/id', SLACK_ID_PATTERN, 'a Slack workspace id (the payload names no team for its user)');
  return { id, teamId };
}

/** A button's value: `<actionId>:<paramsHash>`, or `<actionId>` alone on messages sent before hashes were shown. */
export function buttonValue(value: unknown, pointer: string): { actionId: string; paramsHash?: string } {
  const shape = 'an action id, or <actionId>:<paramsHash> with the hash as 64 lowercase hex digits';
  if (typeof value !== 'string') throw new Invalid(pointer, `must be ${shape}`);
  const colon = value.indexOf(':');
  const actionId = colon < 0 ? value : value.slice(0, colon);
  const paramsHash = colon < 0 ? undefined : value.slice(colon + 1);
  if (!ACTION_ID_PATTERN.test(actionId) || (paramsHash !== undefined && !PARAMS_HASH_PATTERN.test(paramsHash))) throw new Invalid(pointer, `must be ${shape}`);
  return paramsHash === undefined ? { actionId } : { actionId, paramsHash };
}

function click(payload: SlackJson, index: number): SlackInteraction {
  const action = (payload.actions as unknown[])[index];
  const pointer = `/actions/${index}`;
  const { actionId, paramsHash } = buttonValue(at(action, 'value'), `${pointer}/value`);
  const actionTs = text(at(action, 'action_ts'), `${pointer}/action_ts`, ACTION_TS_PATTERN, 'Slack\'s timestamp of the click');
  const user = userOf(payload);
  const triggerId = optional(payload.trigger_id, '/trigger_id', TOKEN_PATTERN, 'a Slack trigger id');
  const responseUrl = optional(payload.response_url, '/response_url', URL_PATTERN, 'an http(s) URL');
  const button = at(action, 'action_id') as string;
  return {
    kind: 'click',
    decision: button === APPROVE_ACTION_ID ? 'approve' : 'deny',
    actionId,
    ...(paramsHash ? { paramsHash } : {}),
    user,
    commandId: slackCommandId(user.teamId, user.id, button, actionTs),
    ...(triggerId ? { triggerId } : {}),
    ...(responseUrl ? { responseUrl } : {}),
  };
}

/** What the deny modal carries from the click to the submission (we wrote it; Slack signs it back). */
function modalMetadata(raw: unknown): { actionId: string; paramsHash?: string; responseUrl?: string } {
  const pointer = '/view/private_metadata';
  const parsed = typeof raw === 'string' ? parseStrictJson(raw, CHAT_PAYLOAD_LIMITS) : undefined;
  if (!parsed?.ok || !isObject(parsed.value)) throw new Invalid(pointer, 'must be the JSON object the deny form was opened with');
  const meta = parsed.value;
  const actionId = text(meta.actionId, pointer, ACTION_ID_PATTERN, 'the deny form\'s JSON, naming an action id');
  const paramsHash = optional(meta.paramsHash, pointer, PARAMS_HASH_PATTERN, 'the deny form\'s JSON, with a paramsHash of 64 lowercase hex digits');
  const responseUrl = optional(meta.responseUrl, pointer, URL_PATTERN, 'the deny form\'s JSON, with an http(s) responseUrl');
  return { actionId, ...(paramsHash ? { paramsHash } : {}), ...(responseUrl ? { responseUrl } : {}) };
}

function denySubmission(payload: SlackJson): SlackInteraction {
  const view = payload.view as SlackJson;
  const viewId = text(view.id, '/view/id', TOKEN_PATTERN, 'a Slack view id');
  const { actionId, paramsHash, responseUrl } = modalMetadata(view.private_metadata);
  const user = userOf(payload);
  const given = at(at(at(at(view.state, 'values'), REASON_BLOCK_ID), REASON_INPUT_ID), 'value');
  if (given !== undefined && given !== null && typeof given !== 'string') throw new Invalid(REASON_POINTER, 'must be text');
  const reason = (given ?? '').trim();
  if (reason.length > MAX_REASON_LENGTH) throw new Invalid(REASON_POINTER, `is ${reason.length} characters long; at most ${MAX_REASON_LENGTH} are allowed`);
  return {
    kind: 'deny-submission',
    actionId,
    ...(paramsHash ? { paramsHash } : {}),
    user,
    commandId: slackCommandId(user.teamId, user.id, 'deny-submission', viewId),
    reason,
    ...(responseUrl ? { responseUrl } : {}),
  };
}

/**
 * Our buttons (Approve, Deny) and our deny modal; every other interaction is none of our business.
 * Ours are read field by field: a field that is missing or malformed makes the interaction invalid.
 */
export function toInteraction(payload: SlackJson): SlackInteraction {
  try {
    if (payload.type === 'block_actions' && Array.isArray(payload.actions)) {
      const index = payload.actions.findIndex((a) => at(a, 'action_id') === APPROVE_ACTION_ID || at(a, 'action_id') === DENY_ACTION_ID);
      return index < 0 ? { kind: 'ignored', why: 'not a Countersign button' } : click(payload, index);
    }
    if (payload.type === 'view_submission' && at(payload.view, 'callback_id') === DENY_MODAL_ID) return denySubmission(payload);
    return { kind: 'ignored', why: `interaction type ${typeof payload.type === 'string' ? payload.type : 'not named'}` };
  } catch (error) {
    if (error instanceof Invalid) return { kind: 'invalid', pointer: error.pointer, detail: error.detail };
    throw error;
  }
}
