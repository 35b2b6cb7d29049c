import { approvalsCounted } from '@countersign/approval';
import type { ActionView, ApprovalView, KeysetPosition } from '@countersign/audit';

/** The API representation of an action: the read model without its bookkeeping fields. */
export function presentAction(view: ActionView) {
  const { _id, approval, handled: _h, involved: _i, lastSeq: _l, headHash: _hh, rejections: _r, ...rest } = view;
  const base = `/v1/actions/${_id}`;
  return {
    id: _id,
    ...rest,
    ...(approval ? { approval: presentApproval(approval, view) } : {}),
    links: { self: base, events: `${base}/events`, approve: `${base}/approve`, deny: `${base}/deny`, cancel: `${base}/cancel` },
  };
}

/**
 * `approvals` counts as the router does (approvalsCounted): under `distinctGroups`, two approvals
 * from one group count once. A view projected before `eligibleGroups` was kept counts voters.
 */
function presentApproval({ eligibleGroups: _groups, ...approval }: ApprovalView, view: ActionView) {
  return { ...approval, approvals: countedApprovals(view) };
}

/** Approvals of an action as the router counts them (every channel shows this number). */
export function countedApprovals(view: ActionView): number {
  const approvers = view.votes.filter((v) => v.decision === 'approve').map((v) => v.onBehalfOf ?? v.voter);
  const eligibleGroups = view.approval?.eligibleGroups;
  if (!view.approval || !eligibleGroups) return new Set(approvers).size;
  return approvalsCounted(approvers, { distinctGroups: view.approval.distinctGroups, eligibleGroups });
}

/** Opaque cursors: base64url of the keyset position of the last row (its sort value and id). */
export const encodeCursor = (position: KeysetPosition) => Buffer.from(JSON.stringify(position)).toString('base64url');

export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string' && k.isWellFormed())) return key as [string, string];
  } catch {
    /* fall through to undefined: the caller reports the bad cursor */
  }
  return undefined;
}

/** How many bytes an item adds to a list answer: its JSON, as sent. */
export const jsonBytes = (item: unknown) => Buffer.byteLength(JSON.stringify(item));

/** `30s` → 30000, `250ms` → 250, `5` → 5000 (seconds by default). */
export function parseWait(wait: string | undefined, maxMs: number): number {
  if (!wait) return 0;
  const m = /^(\d+)(ms|s)?$/.exec(wait)!;
  const ms = m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
  return Math.min(ms, maxMs);
}
