import { v5 as uuidv5 } from 'uuid';
import type { Requester } from './events.ts';

/**
 * Standing approvals ("approve similar for N minutes", issue 11): when the approvers of an action
 * all offer the same terms, its requester may have later proposals that match them approved at
 * once, up to a number of uses and until an expiry, both bounded by the rule. Each requester has
 * one ledger stream, `standing-<uuidv5(requester)>`, keyed on the commands and events topics like
 * an action, so one router owns every use count of a requester (ADR 0004).
 */

/** What a rule lets approvers offer (`standing: { maxTtl, maxUses }` in its approval block); off when absent. */
export interface StandingAllowance {
  maxTtlSeconds: number;
  maxUses: number;
}

/** The terms an approver offers with an approval: what later proposals must match, and for how long. */
export interface StandingTerms {
  /** A canonical resource glob the later proposals' resource must match. */
  resource: string;
  /** CEL over `params` (and `action`, `resource`) that must hold for each later proposal. */
  when?: string;
  maxUses: number;
  ttlSeconds: number;
}

/** On an ActionApproved: the standing approval it created (every counted approver offered these terms). */
export interface StandingGrantReference {
  id: string;
  resource: string;
  when?: string;
  maxUses: number;
  expiresAt: string;
}

/** On an ActionApproved under a standing approval: which one, and which use of it this was. */
export interface StandingUseReference {
  id: string;
  /** 1 for the first use. */
  use: number;
  maxUses: number;
  expiresAt: string;
  /** The action whose approval created it. */
  sourceActionId: string;
}

/** A standing approval exists (in the requester's ledger stream). */
export interface StandingApprovalGrantedData {
  standingId: string;
  /** The action whose approval created it. */
  sourceActionId: string;
  requester: Requester;
  /** The action type later proposals must have (the source action's). */
  action: string;
  /** The resource glob later proposals must match. */
  resource: string;
  when?: string;
  maxUses: number;
  /** When the source action was approved. */
  grantedAt: string;
  expiresAt: string;
  /** The approvers who offered it: they approve each use. */
  grantedBy: string[];
  /** The rule it was granted under: it applies only to proposals decided by that rule. */
  rule: string;
  policyVersion: string;
  /** The source action's eligible approvers: any of them may revoke it, as may its grantors and admins. */
  eligible: string[];
}

/** A later proposal matched a standing approval: its use is counted here, and the action approved. */
export interface StandingApprovalUsedData {
  standingId: string;
  actionId: string;
  use: number;
  maxUses: number;
  expiresAt: string;
  resource: string;
  paramsHash: string;
}

export interface StandingApprovalRevokedData {
  standingId: string;
  revokedBy: string;
  reason?: string;
}

/** A proposal now pending under a rule that allows standing approvals: does one of the requester's apply? */
export interface UseStandingApprovalData {
  actionId: string;
  requester: Requester;
  action: string;
  resource: string;
  params: Record<string, unknown>;
  paramsHash: string;
  /** The request the action is pending on: who may approve it, and how many. */
  rule: string;
  quorum: number;
  distinctGroups: boolean;
  eligible: string[];
  eligibleGroups: Record<string, string[]>;
  deadline: string;
}

/** The requester's ledger counted a use for this action: approve it, if it is still pending. */
export interface ApproveUnderStandingData extends StandingUseReference {
  grantedBy: string[];
  rule: string;
  paramsHash: string;
}

export interface RevokeStandingApprovalData {
  standingId: string;
  by: string;
  reason?: string;
}

/** Event types of the requester ledgers (never in an action's stream). */
export const STANDING_EVENT_TYPES = ['StandingApprovalGranted', 'StandingApprovalUsed', 'StandingApprovalRevoked'] as const;
export type StandingEventType = (typeof STANDING_EVENT_TYPES)[number];

/** Command types the requester ledgers decide. */
export const LEDGER_COMMAND_TYPES = ['GrantStandingApproval', 'UseStandingApproval', 'RevokeStandingApproval'] as const;
export type LedgerCommandType = (typeof LEDGER_COMMAND_TYPES)[number];

export const isStandingEventType = (type: string): type is StandingEventType => (STANDING_EVENT_TYPES as readonly string[]).includes(type);
export const isLedgerCommandType = (type: string): type is LedgerCommandType => (LEDGER_COMMAND_TYPES as readonly string[]).includes(type);

const LEDGER_NAMESPACE = '3b9f4c1e-5d2a-4e8b-9c7f-1a6d0e2b8f43';
const STANDING_NAMESPACE = 'a7e2d5c8-0f1b-4a3e-8d6c-5b9e2f7a1c04';
const LEDGER_PREFIX = 'standing-';
const LEDGER_ID = /^standing-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The stream (and the key on the commands and events topics) of a requester's standing approvals. */
export const standingLedgerId = (requester: string): string => LEDGER_PREFIX + uuidv5(requester, LEDGER_NAMESPACE);

/** Whether a stream id names a requester ledger rather than an action (action ids are never of this form). */
export const isStandingLedgerId = (streamId: string): boolean => LEDGER_ID.test(streamId);

/** The id of the standing approval an action's approval creates: one per source action, so a redelivery creates none twice. */
export const standingApprovalId = (sourceActionId: string): string => uuidv5(sourceActionId, STANDING_NAMESPACE);
