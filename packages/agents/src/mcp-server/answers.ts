// What the Countersign MCP server's tools answer: one short JSON text per action, the same shape
// for every tool, so a model reads status, id, who must approve and the decision the same way.
import { CountersignUnavailable, RequestRejected, type Action } from '@countersign/sdk';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface ActionSummary {
  actionId: string;
  status: Action['status'];
  action?: string;
  resource?: string;
  /** While undecided: the groups, quorum and people who may approve, and until when. */
  awaiting?: { groups: string[]; quorum: number; approvals: number; eligible: string[]; deadline: string };
  decision?: { outcome: string; by: string[]; reason?: string; rule?: string };
  /** What the caller can do next, in words. */
  next: string;
}

export function summarize(a: Action): ActionSummary {
  const base = { actionId: a.id, status: a.status, ...(a.action ? { action: a.action } : {}), ...(a.resource ? { resource: a.resource } : {}) };
  if (a.decision) {
    const d = a.decision;
    const decision = { outcome: d.outcome, by: d.by, ...(d.reason ? { reason: d.reason } : {}), ...(d.rule ? { rule: d.rule } : {}) };
    return { ...base, decision, next: NEXT[a.status] ?? 'The action is decided.' };
  }
  const ap = a.approval;
  const awaiting = ap ? { groups: ap.groups, quorum: ap.quorum, approvals: ap.approvals, eligible: ap.eligible, deadline: ap.deadline } : undefined;
  const who = ap ? `${ap.quorum} of ${ap.eligible.join(', ') || ap.groups.join(', ')} (groups ${ap.groups.join(', ')}) until ${ap.deadline}` : 'the approvers';
  return {
    ...base,
    ...(awaiting ? { awaiting } : {}),
    next: `Waiting for approval by ${who}. Call wait_for_decision with actionId ${a.id} to wait for it; do not act before it is approved.`,
  };
}

const NEXT: Partial<Record<Action['status'], string>> = {
  approved: 'Approved: you may go ahead with exactly this action, resource and params.',
  denied: 'Denied: do not go ahead; adapt to the reason, or ask a person.',
  expired: 'Expired: nobody approved in time; do not go ahead. Ask again only if it is still needed.',
  cancelled: 'Cancelled: do not go ahead.',
};

export function ok(summary: ActionSummary | ActionSummary[]): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(summary, null, 2) }] };
}

/** Every failure becomes a tool result the model can read; nothing throws into the MCP layer. */
export function failure(error: unknown, url: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: describe(error, url) }] };
}

function describe(error: unknown, url: string): string {
  if (error instanceof CountersignUnavailable) {
    return `Countersign is unreachable at ${url} (${error.message}). Nothing was approved: do not go ahead; try again later.`;
  }
  if (error instanceof RequestRejected) return `Countersign refused the request: ${error.message}`;
  if (error instanceof Error && error.name === 'AbortError') return `Countersign did not answer in time at ${url}. Nothing was approved: do not go ahead.`;
  return `Countersign request failed: ${error instanceof Error ? error.message : String(error)}`;
}
