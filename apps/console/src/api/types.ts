// The API's shapes as the console reads them (docs/api.md). Only the fields the console shows are
// typed; the console is a client like the SDK and imports nothing of the server's.

export interface Me {
  principal: { id: string; name?: string; kind: string; groups: string[]; roles: string[] };
  via: 'apikey' | 'session';
  csrfToken?: string;
  signOutUrl?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Vote {
  voter: string;
  decision: 'approve' | 'deny';
  comment?: string;
  via: string;
  at: string;
  breakGlass?: boolean;
  onBehalfOf?: string;
  delegation?: string;
  stepUp?: unknown;
}

export interface NotificationAttempt {
  channel: string;
  purpose: string;
  status: 'delivered' | 'failed';
  attempt: number;
  at: string;
  reason?: string;
  nextAttemptAt?: string;
  updated?: boolean;
}

export interface ActionView {
  id: string;
  status: 'proposed' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
  action: string;
  resource: string;
  params: Record<string, unknown>;
  paramsHash: string;
  justification?: string;
  requester: string;
  requesterKind: 'agent' | 'human';
  onBehalfOf?: string;
  createdAt: string;
  updatedAt: string;
  policy?: {
    outcome: string;
    policyVersion: string;
    rule?: string;
    reason?: string;
    explanation?: string;
    matchedRules?: string[];
    stepUp?: 'webauthn';
  };
  approval?: {
    groups: string[];
    quorum: number;
    distinctGroups?: boolean;
    eligible: string[];
    deadline: string;
    approvals: number;
    breakGlass?: { groups: string[]; eligible: string[]; reviewGroups: string[]; reviewWithinSeconds: number };
  };
  votes: Vote[];
  decision?: { outcome: string; at: string; by: string[]; automatic: boolean; reason: string; rule?: string; policyVersion?: string; breakGlass?: boolean };
  review?: { status: string; reason: string; approvedBy: string; reviewers: string[]; due: string; reviewedBy?: string; reviewedAt?: string; comment?: string; late?: boolean };
  execution?: { status: string; executor: string; startedAt: string; finishedAt?: string; error?: string; grantId: string; kid: string; redeemedAt: string };
  notifications: NotificationAttempt[];
  delivery: { delivered: number; failures: number; failing: string[] };
}

export interface EventEnvelope {
  id: string;
  type: string;
  seq: number;
  streamId: string;
  occurredAt: string;
  actor: { id: string; kind: string };
  prevHash: string;
  hash: string;
  data: Record<string, unknown>;
}

export interface EventsAnswer {
  actionId: string;
  chain: { valid: true; head: { seq: number; hash: string } } | { valid: false; seq: number; problem: string };
  events: EventEnvelope[];
}

export interface ProofAnswer {
  actionId: string;
  covered: { checkpoint: number; at: string; seq: number; hash: string };
  leafIndex: number;
  treeSize: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actionId: string;
  seq: number;
  type: string;
  actor: string;
  actorKind: string;
  action: string;
  resource: string;
  requester: string;
  summary: string;
  outcome?: string;
  approvers?: string[];
  details?: Record<string, unknown>;
}

export interface PolicyVersionSummary {
  version: string;
  author: string;
  approvers: string[];
  publishedAt: string;
  actionId: string;
  previousVersion?: string;
  rollbackOf?: string;
  files: string[];
}

export interface PoliciesAnswer {
  active: { version: string; source: 'seed' | 'published'; publishedAt?: string; actionId?: string };
  items: PolicyVersionSummary[];
}

export interface PolicyVersion {
  version: string;
  source: 'seed' | 'published';
  files: { path: string; text: string }[];
}

export interface Passkey {
  id: string;
  name: string;
  transports?: string[];
  registeredAt?: string;
}

export interface Delegation {
  id: string;
  delegator: string;
  delegate: string;
  from: string;
  until: string;
  reason?: string;
  status: string;
}
