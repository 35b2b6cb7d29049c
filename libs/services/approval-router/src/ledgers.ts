import {
  decideDelegations, decideLedger, delegationFollowUps, evolveDelegations, evolveLedger, initialDelegations, initialLedger, standingFollowUps,
  type ApprovalEventDraft, type DelegationFollowUp, type DelegationLedger, type LedgerContext, type LedgerState, type StandingFollowUp,
} from '@countersign/approval';
import { isDelegationLedgerId, type ActionCommand, type ActionEvent } from '@countersign/contracts';

/**
 * The per-principal streams that are not actions: a requester ledger of standing approvals (ADR
 * 0004) or a delegator's ledger of delegations (ADR 0010), told apart by `kind`. Each has its own
 * pure decide and evolve; the router holds and heads them alike.
 */
export type AnyLedger = LedgerState | DelegationLedger;

/** A command the router sends to another stream, in the same transaction as the events that call for it. */
export type FollowUp = StandingFollowUp | DelegationFollowUp;

/** The empty ledger a stream id names, or undefined for an action's stream. */
export const emptyLedger = (streamId: string, isStandingLedger: boolean): AnyLedger | undefined =>
  isDelegationLedgerId(streamId) ? initialDelegations : isStandingLedger ? initialLedger : undefined;

export const evolveAnyLedger = (ledger: AnyLedger, event: ActionEvent): AnyLedger =>
  ledger.kind === 'delegations' ? evolveDelegations(ledger, event) : evolveLedger(ledger, event);

export const decideAnyLedger = (command: ActionCommand, ledger: AnyLedger, ctx: LedgerContext): ApprovalEventDraft[] =>
  ledger.kind === 'delegations' ? decideDelegations(command, ledger, ctx) : decideLedger(command, ledger, ctx);

/** What a ledger's new events ask of other streams. */
export const ledgerFollowUps = (events: readonly ActionEvent[], ledger: AnyLedger): FollowUp[] =>
  ledger.kind === 'delegations' ? delegationFollowUps(events) : standingFollowUps(events, ledger);
