import type { VoteDecision } from '@countersign/contracts';
import { ACTION_ID_PATTERN, MAX_REASON_LENGTH, PARAMS_HASH_PATTERN } from '../integrations/chat-input.ts';

/** The Action.Execute verbs on Countersign's cards (the notifier's Teams adapter writes them). */
export const TEAMS_VERBS: Record<string, VoteDecision> = {
  'countersign.approve': 'approve',
  'countersign.deny': 'deny',
};

/** Where an invoke carries the Deny reason, as a pointer into the activity. */
export const TEAMS_REASON_POINTER = '/value/action/data/reason';

/** A click on Approve or Deny, as the gateway needs it. */
export interface TeamsVoteClick {
  activityId: string;
  decision: VoteDecision;
  actionId: string;
  /** The paramsHash the card showed (cards sent before hashes were shown carry none). */
  paramsHash?: string;
  /** The clicking user: their Entra object id when Teams gives it, else their Bot Framework id. */
  userId: string;
  /** The Deny reason (or an approval comment), trimmed; absent when empty. */
  comment?: string;
  serviceUrl?: string;
}

export type ParsedActivity =
  | { kind: 'vote'; click: TeamsVoteClick }
  /** Not a card action (a message, the bot being added): acknowledged and otherwise ignored. */
  | { kind: 'other' }
  /** A card action we cannot act on: the answer explains. */
  | { kind: 'invalid'; detail: string };

/** Activity and user ids: no spaces or control characters, bounded (Teams' own are far shorter). */
const ID_PATTERN = /^[\x21-\x7e]{1,256}$/;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Reads an incoming Bot Framework activity, already parsed strictly (well-formed text, bounded);
 * pure, so every odd shape is tested without HTTP.
 */
export function parseActivity(body: unknown): ParsedActivity {
  const activity = obj(body);
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return { kind: 'other' };
  const action = obj(obj(activity.value).action);
  const verb = str(action.verb);
  const decision = verb ? TEAMS_VERBS[verb] : undefined;
  if (!decision) return { kind: 'invalid', detail: `value.action.verb: unknown card action ${verb === undefined ? '(none)' : JSON.stringify(verb.slice(0, 64))}` };
  const data = obj(action.data);
  const actionId = str(data.actionId);
  const activityId = str(activity.id);
  const from = obj(activity.from);
  const userId = str(from.aadObjectId) ?? str(from.id);
  if (!actionId || !ACTION_ID_PATTERN.test(actionId)) return { kind: 'invalid', detail: 'value.action.data.actionId: the card action names no action' };
  if (data.paramsHash !== undefined && (typeof data.paramsHash !== 'string' || !PARAMS_HASH_PATTERN.test(data.paramsHash))) {
    return { kind: 'invalid', detail: 'value.action.data.paramsHash: must be 64 lowercase hex digits' };
  }
  if (!activityId || !ID_PATTERN.test(activityId)) return { kind: 'invalid', detail: 'id: the activity has no usable id' };
  if (!userId || !ID_PATTERN.test(userId)) return { kind: 'invalid', detail: 'from: the activity does not say who clicked' };
  if (data.reason !== undefined && data.reason !== null && typeof data.reason !== 'string') return { kind: 'invalid', detail: 'value.action.data.reason: must be text' };
  const comment = str(data.reason);
  if (comment && comment.length > MAX_REASON_LENGTH) {
    return { kind: 'invalid', detail: `value.action.data.reason: is ${comment.length} characters long; at most ${MAX_REASON_LENGTH} are allowed` };
  }
  const serviceUrl = str(activity.serviceUrl);
  const paramsHash = data.paramsHash as string | undefined;
  return {
    kind: 'vote',
    click: { activityId, decision, actionId, ...(paramsHash ? { paramsHash } : {}), userId, ...(comment ? { comment } : {}), ...(serviceUrl ? { serviceUrl } : {}) },
  };
}
