import type { VoteDecision } from '@countersign/contracts';

/** The Action.Execute verbs on Countersign's cards (the notifier's Teams adapter writes them). */
export const TEAMS_VERBS: Record<string, VoteDecision> = {
  'countersign.approve': 'approve',
  'countersign.deny': 'deny',
};

/** A click on Approve or Deny, as the gateway needs it. */
export interface TeamsVoteClick {
  activityId: string;
  decision: VoteDecision;
  actionId: string;
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads an incoming Bot Framework activity; pure, so every odd shape is tested without HTTP. */
export function parseActivity(body: unknown): ParsedActivity {
  const activity = obj(body);
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return { kind: 'other' };
  const action = obj(obj(activity.value).action);
  const verb = str(action.verb);
  const decision = verb ? TEAMS_VERBS[verb] : undefined;
  if (!decision) return { kind: 'invalid', detail: `unknown card action ${JSON.stringify(verb ?? null)}` };
  const data = obj(action.data);
  const actionId = str(data.actionId);
  const activityId = str(activity.id);
  const from = obj(activity.from);
  const userId = str(from.aadObjectId) ?? str(from.id);
  if (!actionId) return { kind: 'invalid', detail: 'the card action names no action' };
  if (!activityId) return { kind: 'invalid', detail: 'the activity has no id' };
  if (!userId) return { kind: 'invalid', detail: 'the activity does not say who clicked' };
  const comment = str(data.reason);
  const serviceUrl = str(activity.serviceUrl);
  return {
    kind: 'vote',
    click: { activityId, decision, actionId, userId, ...(comment ? { comment } : {}), ...(serviceUrl ? { serviceUrl } : {}) },
  };
}
