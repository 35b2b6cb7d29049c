/**
 * The shapes the Countersign API answers with (docs/api.md), as far as a client relies on them.
 * Fields a 202 answer may lack are optional; servers may add fields, which are kept as they come.
 */

export type ActionStatus = 'proposed' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
export type DecisionOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';
export type PolicyOutcome = 'allow' | 'deny' | 'require_approval';

export const ACTION_STATUSES: readonly ActionStatus[] = ['proposed', 'pending', 'approved', 'denied', 'expired', 'cancelled'];
export const DECIDED_STATUSES: readonly ActionStatus[] = ['approved', 'denied', 'expired', 'cancelled'];

export const isDecided = (status: ActionStatus): status is DecisionOutcome => DECIDED_STATUSES.includes(status);

export interface PolicyView {
  outcome: PolicyOutcome;
  policyVersion: string;
  matchedRules: string[];
  rule?: string;
  reason?: string;
  explanation?: string;
  conditions?: { rule: string; expression: string; result: 'held' | 'error'; error?: string }[];
  [key: string]: unknown;
}

export interface ApprovalView {
  groups: string[];
  quorum: number;
  distinctGroups?: boolean;
  eligible: string[];
  deadline: string;
  approvals: number;
  channels?: string[];
  [key: string]: unknown;
}

export interface Vote {
  voter: string;
  decision: 'approve' | 'deny';
  comment?: string;
  via?: string;
  at: string;
  breakGlass?: boolean;
  [key: string]: unknown;
}

export interface Decision {
  outcome: DecisionOutcome;
  at: string;
  by: string[];
  automatic: boolean;
  reason?: string;
  rule?: string;
  policyVersion?: string;
  paramsHash?: string;
  breakGlass?: boolean;
  /** Set when a standing approval approved the action at once. */
  standing?: { id: string; use: number; maxUses: number; expiresAt: string };
  [key: string]: unknown;
}

export interface Execution {
  status: 'started' | 'succeeded' | 'failed';
  executor?: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  grantId?: string;
  kid?: string;
  [key: string]: unknown;
}

/** An action as `GET /v1/actions/:id` shows it. Only `id` and `status` are in every answer. */
export interface Action {
  id: string;
  status: ActionStatus;
  action?: string;
  resource?: string;
  params?: Record<string, unknown>;
  /** SHA-256 hex of the RFC 8785 canonical JSON of `params`: what an approval covers. */
  paramsHash?: string;
  requestHash?: string;
  justification?: string;
  context?: Record<string, unknown>;
  requester?: string;
  requesterKind?: 'agent' | 'human';
  onBehalfOf?: string;
  idempotencyKey?: string;
  callbackUrl?: string;
  createdAt?: string;
  updatedAt?: string;
  policy?: PolicyView;
  approval?: ApprovalView;
  votes?: Vote[];
  decision?: Decision;
  execution?: Execution;
  /** Only in the answer to `propose(…, { includeGrant: true })` of an action approved at once. */
  grant?: GrantResponse;
  links?: Record<string, string>;
  /** On a `202` to a vote or cancel: the id of the command the server queued. */
  accepted?: string;
  [key: string]: unknown;
}

export interface ActionPage {
  items: Action[];
  nextCursor: string | null;
}

/** An RFC 9457 problem, as the API sends it (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { detail: string; pointer?: string; parameter?: string; header?: string }[];
  [key: string]: unknown;
}

/** `GET /v1/actions/:id/grant`. */
export interface GrantResponse {
  /** The compact JWS. */
  grant: string;
  kid: string;
  jti: string;
  expiresAt: string;
}

/** The claims of an execution grant (`typ: countersign-grant+jwt`, EdDSA). */
export interface GrantClaims {
  iss: 'countersign';
  /** The action id. */
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  nbf?: number;
  aud?: string | string[];
  action: string;
  resource: string;
  paramsHash: string;
  requester: string;
  onBehalfOf?: string;
  approvers: string[];
  policyVersion: string;
  rule: string;
  [key: string]: unknown;
}

/** `POST /v1/actions/:id/executions`. */
export interface ExecutionResponse {
  execution?: Execution;
  action?: Action;
  [key: string]: unknown;
}

export interface ProposeInput {
  action: string;
  resource: string;
  params?: Record<string, unknown>;
  justification?: string;
  context?: Record<string, unknown>;
  callbackUrl?: string;
}

export interface ListQuery {
  status?: ActionStatus;
  /** A principal id, or `me`. */
  requester?: string;
  action?: string;
  /** `me`: the actions waiting for the caller's vote. */
  approver?: 'me';
  review?: 'pending';
  limit?: number;
  cursor?: string;
}

/** A standing approval granted with an approval ("approve similar for N minutes"). */
export interface StandingGrant {
  resource: string;
  when?: string;
  maxUses: number;
  ttl: string;
}

export interface JsonWebKeySet {
  keys: Record<string, unknown>[];
}
