import {
  POLICY_PUBLISH_ACTION, standingLedgerId, type ActionCommand, type CommandEnvelope, type RevokeStandingApprovalData,
  type StandingApprovalGrantedData, type UseStandingApprovalData,
} from '@countersign/contracts';
import { principalActor, requesterIds, ROUTER, type ApprovalEventDraft, type DecideContext } from '../context.ts';
import { approvalsCounted } from '../quorum.ts';
import { isLive, type LedgerState, type StandingRecord } from './ledger.ts';
import { decideRegisterPasskey, decideRemovePasskey } from '../step-up-passkeys.ts';

/**
 * What policy evaluates for a standing approval, passed in (the domain does no glob or CEL
 * matching of its own): the router gives the policy library's, under its budgets.
 */
export interface StandingChecks {
  /** Whether the canonical resource glob matches the resource. */
  resourceMatches(glob: string, resource: string): boolean;
  /** Whether the CEL condition holds for the proposal: an error (or budget overrun) is not `true` (fail closed). */
  holds(expression: string, input: { action: string; resource: string; params: Record<string, unknown> }): true | false | { error: string };
}

export type LedgerContext = Pick<DecideContext, 'now' | 'directory'> & { standing: StandingChecks };

type Grant = CommandEnvelope<'GrantStandingApproval', StandingApprovalGrantedData>;
type Use = CommandEnvelope<'UseStandingApproval', UseStandingApprovalData>;
type Revoke = CommandEnvelope<'RevokeStandingApproval', RevokeStandingApprovalData>;

/**
 * What one command does to a requester's ledger (ADR 0004): the events to append, or none. Only
 * the three ledger commands do anything; any other command keyed on a ledger changes nothing.
 * Refusals are silent (no event): the gateway answers the people who revoke, and a proposal no
 * standing approval covers simply stays pending for people.
 */
export function decideLedger(command: ActionCommand, state: LedgerState, ctx: LedgerContext): ApprovalEventDraft[] {
  switch (command.type) {
    case 'GrantStandingApproval':
      return decideGrant(command, state, ctx);
    case 'UseStandingApproval':
      return decideUse(command, state, ctx);
    case 'RevokeStandingApproval':
      return decideRevoke(command, state, ctx);
    case 'RegisterPasskey':
      return decideRegisterPasskey(command, state.passkeys ?? {}, ctx);
    case 'RemovePasskey':
      return decideRemovePasskey(command, state.passkeys ?? {}, ctx);
    default:
      return [];
  }
}

/** A grant is recorded once (its id is derived from its source action), in its requester's ledger, while it has time left. */
function decideGrant(command: Grant, state: LedgerState, ctx: LedgerContext): ApprovalEventDraft[] {
  const d = command.data;
  if (command.actionId !== standingLedgerId(d.requester.id)) return [];
  if (Object.hasOwn(state.approvals, d.standingId)) return [];
  if (ctx.now.getTime() >= Date.parse(d.expiresAt) || d.grantedBy.length === 0) return [];
  return [{ type: 'StandingApprovalGranted', data: d, actor: ROUTER }];
}

/**
 * A proposal now pending under a rule that allows standing approvals. The first live standing
 * approval (soonest to expire, then by id) that covers it counts a use: same requester, action and
 * rule; resource within its glob; grantors who are not the requester nor act for it (rule 2), all
 * eligible for this request and reaching its quorum (rule 3); and its condition holds (any error
 * is not a match: fail closed). A use is never counted twice for one action.
 */
function decideUse(command: Use, state: LedgerState, ctx: LedgerContext): ApprovalEventDraft[] {
  const d = command.data;
  if (command.actionId !== standingLedgerId(d.requester.id) || d.action === POLICY_PUBLISH_ACTION) return [];
  if (ctx.now.getTime() >= Date.parse(d.deadline)) return [];
  const records = Object.values(state.approvals);
  if (records.some((r) => r.usedBy.includes(d.actionId))) return [];
  const candidates = records
    .filter((r) => isLive(r, ctx.now) && covers(r, d, ctx))
    .sort((a, b) => Date.parse(a.granted.expiresAt) - Date.parse(b.granted.expiresAt) || a.granted.standingId.localeCompare(b.granted.standingId));
  const chosen = candidates.find((r) => r.granted.when === undefined || ctx.standing.holds(r.granted.when, d) === true);
  if (!chosen) return [];
  const g = chosen.granted;
  return [
    {
      type: 'StandingApprovalUsed',
      data: { standingId: g.standingId, actionId: d.actionId, use: chosen.uses + 1, maxUses: g.maxUses, expiresAt: g.expiresAt, resource: d.resource, paramsHash: d.paramsHash },
      actor: ROUTER,
    },
  ];
}

/** Everything but the condition (the costly part, run last, on the chosen candidates only). */
function covers(record: StandingRecord, use: UseStandingApprovalData, ctx: LedgerContext): boolean {
  const g = record.granted;
  if (g.requester.id !== use.requester.id || g.action !== use.action || g.rule !== use.rule) return false;
  const selves = new Set([...requesterIds(use.requester), ...use.requester.identities]);
  if (g.grantedBy.some((p) => selves.has(p))) return false;
  if (!g.grantedBy.every((p) => use.eligible.includes(p))) return false;
  if (approvalsCounted(g.grantedBy, use) < use.quorum) return false;
  return ctx.standing.resourceMatches(g.resource, use.resource);
}

/** Whether `by` may revoke: a grantor, an eligible approver of the source action, or an admin. */
export function mayRevoke(granted: Pick<StandingApprovalGrantedData, 'grantedBy' | 'eligible'>, by: string, ctx: Pick<DecideContext, 'directory'>): boolean {
  if (granted.grantedBy.includes(by) || granted.eligible.includes(by)) return true;
  return Object.hasOwn(ctx.directory.principals, by) && ctx.directory.principals[by].admin === true;
}

/** A live standing approval is revoked once, by someone who may (see `mayRevoke`). */
function decideRevoke(command: Revoke, state: LedgerState, ctx: LedgerContext): ApprovalEventDraft[] {
  const { standingId, by, reason } = command.data;
  const record = Object.hasOwn(state.approvals, standingId) ? state.approvals[standingId] : undefined;
  if (!record || record.revoked || ctx.now.getTime() >= Date.parse(record.granted.expiresAt)) return [];
  if (!mayRevoke(record.granted, by, ctx)) return [];
  const trimmed = reason?.trim();
  return [{ type: 'StandingApprovalRevoked', data: { standingId, revokedBy: by, ...(trimmed ? { reason: trimmed } : {}) }, actor: principalActor(by, ctx.directory) }];
}
