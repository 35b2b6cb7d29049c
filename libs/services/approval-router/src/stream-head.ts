import type { ApprovalState, DelegationLedger, LedgerState, Settled } from '@countersign/approval';
import type { AnyLedger } from './ledgers.ts';

/**
 * The head of one action stream as the heads topic carries it (key: the action id): where its
 * chain ends (`seq`, `hash` of its last event) and what deciding its next command needs, either
 * the full state (an open action, or a break-glass approval awaiting its review) or the compact
 * form of a settled one; or, for a requester ledger of standing approvals (ADR 0004), its live
 * standing approvals. Plain JSON; `v` lets a later shape be told apart.
 */
export type StreamHead = { seq: number; hash: string } & (
  | { state: ApprovalState; settled?: never; ledger?: never }
  | { settled: Settled; state?: never; ledger?: never }
  | { ledger: AnyLedger; state?: never; settled?: never }
);

export const HEAD_VERSION = 1;

export function encodeHead(head: StreamHead): Record<string, unknown> {
  const base = { v: HEAD_VERSION, seq: head.seq, hash: head.hash };
  if (head.ledger) return { ...base, ledger: head.ledger };
  return head.settled ? { ...base, settled: head.settled } : { ...base, state: head.state };
}

export type DecodedHead = { ok: true; head: StreamHead } | { ok: false; error: string };

const HASH = /^[0-9a-f]{64}$/;
const STATUSES = new Set(['none', 'proposed', 'pending', 'approved', 'denied', 'expired', 'cancelled']);
const FINAL = new Set(['approved', 'denied', 'expired', 'cancelled']);

/**
 * Reads a head record. The heads topic is written by routers only, but it is read at start like
 * any input: a record that is not a head says which field is wrong, and the router then trusts no
 * head of that partition (it replays the events instead). What `decide` reads of a settled form is
 * checked whole; of a full state, its shape as far as the status implies.
 */
export function decodeHead(value: unknown): DecodedHead {
  try {
    const o = object(value, 'head');
    if (o.v !== HEAD_VERSION) fail(`head.v must be ${HEAD_VERSION}, got ${JSON.stringify(o.v)}`);
    if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 1) fail('head.seq must be a positive integer');
    if (typeof o.hash !== 'string' || !HASH.test(o.hash)) fail('head.hash must be 64 lowercase hex digits');
    const base = { seq: o.seq as number, hash: o.hash };
    if (['state', 'settled', 'ledger'].filter((k) => k in o).length !== 1) fail('head must have exactly one of state, settled and ledger');
    if ('ledger' in o) return { ok: true, head: { ...base, ledger: isDelegations(o.ledger) ? delegationsForm(o.ledger) : ledgerForm(o.ledger) } };
    if ('settled' in o) return { ok: true, head: { ...base, settled: settledForm(o.settled) } };
    return { ok: true, head: { ...base, state: fullState(o.state) } };
  } catch (error) {
    if (error instanceof HeadError) return { ok: false, error: error.message };
    throw error;
  }
}

class HeadError extends Error {}

function fail(message: string): never {
  throw new HeadError(message);
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) fail(`${field} must be an array of strings`);
  return value as string[];
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(`${field} must be a string`);
  return value;
}

function counts(value: unknown, field: string): void {
  if (value === undefined) return;
  for (const [who, n] of Object.entries(object(value, field))) {
    if (!Number.isSafeInteger(n) || (n as number) < 1) fail(`${field}.${who} must be a positive integer`);
  }
}

function requester(value: unknown, field: string): void {
  const r = object(value, field);
  text(r.id, `${field}.id`);
  if (r.kind !== 'human' && r.kind !== 'agent') fail(`${field}.kind must be "human" or "agent"`);
  strings(r.identities, `${field}.identities`);
  if (r.onBehalfOf !== undefined) text(r.onBehalfOf, `${field}.onBehalfOf`);
}

function settledForm(value: unknown): Settled {
  const s = object(value, 'head.settled');
  if (typeof s.status !== 'string' || !FINAL.has(s.status)) fail('head.settled.status must be a final status');
  requester(s.requester, 'head.settled.requester');
  strings(s.voters, 'head.settled.voters');
  strings(s.handledCommands, 'head.settled.handledCommands');
  counts(s.rejections, 'head.settled.rejections');
  if (s.unescalated !== undefined) {
    const u = object(s.unescalated, 'head.settled.unescalated');
    strings(u.groups, 'head.settled.unescalated.groups');
    const r = object(u.request, 'head.settled.unescalated.request');
    strings(r.groups, 'head.settled.unescalated.request.groups');
    strings(r.eligible, 'head.settled.unescalated.request.eligible');
  }
  if (s.review !== undefined) {
    const r = object(s.review, 'head.settled.review');
    strings(r.reviewers, 'head.settled.review.reviewers');
    strings(r.reviewGroups, 'head.settled.review.reviewGroups');
    text(r.approvedBy, 'head.settled.review.approvedBy');
    text(r.due, 'head.settled.review.due');
    text(s.reviewedBy, 'head.settled.reviewedBy');
  }
  return s as unknown as Settled;
}

/** A requester ledger: every field `decideLedger` reads of each live standing approval. */
function ledgerForm(value: unknown): LedgerState {
  const l = object(value, 'head.ledger');
  if (l.kind !== 'ledger') fail('head.ledger.kind must be "ledger"');
  for (const [id, raw] of Object.entries(object(l.approvals, 'head.ledger.approvals'))) {
    const at = `head.ledger.approvals.${id}`;
    const r = object(raw, at);
    const g = object(r.granted, `${at}.granted`);
    if (g.standingId !== id) fail(`${at}.granted.standingId must be its key`);
    for (const field of ['sourceActionId', 'action', 'resource', 'expiresAt', 'rule']) text(g[field], `${at}.granted.${field}`);
    if (g.when !== undefined) text(g.when, `${at}.granted.when`);
    requester(g.requester, `${at}.granted.requester`);
    strings(g.grantedBy, `${at}.granted.grantedBy`);
    strings(g.eligible, `${at}.granted.eligible`);
    if (!Number.isSafeInteger(g.maxUses) || (g.maxUses as number) < 1) fail(`${at}.granted.maxUses must be a positive integer`);
    if (!Number.isSafeInteger(r.uses) || (r.uses as number) < 0) fail(`${at}.uses must be a non-negative integer`);
    strings(r.usedBy, `${at}.usedBy`);
    if (r.revoked !== undefined) text(object(r.revoked, `${at}.revoked`).by, `${at}.revoked.by`);
  }
  // The principal's live passkeys (ADR 0009): who owns each is what deciding reads.
  if (l.passkeys !== undefined) {
    for (const [id, raw] of Object.entries(object(l.passkeys, 'head.ledger.passkeys'))) {
      const p = object(raw, `head.ledger.passkeys.${id}`);
      text(p.principal, `head.ledger.passkeys.${id}.principal`);
      text(p.name, `head.ledger.passkeys.${id}.name`);
    }
  }
  return l as unknown as LedgerState;
}

const isDelegations = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Record<string, unknown>).kind === 'delegations';

/** A delegator's ledger (ADR 0010): every field `decideDelegations` reads of each live delegation. */
function delegationsForm(value: unknown): DelegationLedger {
  const l = object(value, 'head.ledger');
  for (const [id, raw] of Object.entries(object(l.delegations, 'head.ledger.delegations'))) {
    const at = `head.ledger.delegations.${id}`;
    const r = object(raw, at);
    const g = object(r.granted, `${at}.granted`);
    if (g.delegationId !== id) fail(`${at}.granted.delegationId must be its key`);
    for (const field of ['delegator', 'delegate', 'from', 'until']) text(g[field], `${at}.granted.${field}`);
    strings(r.relayed, `${at}.relayed`);
    if (r.revoked !== undefined) text(object(r.revoked, `${at}.revoked`).by, `${at}.revoked.by`);
  }
  return l as unknown as DelegationLedger;
}

function fullState(value: unknown): ApprovalState {
  const s = object(value, 'head.state');
  if (typeof s.status !== 'string' || !STATUSES.has(s.status)) fail('head.state.status must be an approval status');
  strings(s.handledCommands, 'head.state.handledCommands');
  counts(s.rejections, 'head.state.rejections');
  if (s.status === 'none') return s as unknown as ApprovalState;
  requester(object(s.proposal, 'head.state.proposal').requester, 'head.state.proposal.requester');
  if (s.status === 'pending') {
    object(s.evaluation, 'head.state.evaluation');
    const request = object(s.request, 'head.state.request');
    text(request.deadline, 'head.state.request.deadline');
    strings(request.eligible, 'head.state.request.eligible');
    if (!Array.isArray(s.votes)) fail('head.state.votes must be an array');
  }
  return s as unknown as ApprovalState;
}
