import type { ActionView } from '@countersign/audit';

/** The API representation of an action: the read model without its bookkeeping fields. */
export function presentAction(view: ActionView) {
  const { _id, handled: _h, involved: _i, lastSeq: _l, headHash: _hh, rejections: _r, ...rest } = view;
  const base = `/v1/actions/${_id}`;
  return {
    id: _id,
    ...rest,
    ...(view.approval ? { approval: { ...view.approval, approvals: view.votes.filter((v) => v.decision === 'approve').length } } : {}),
    links: { self: base, events: `${base}/events`, approve: `${base}/approve`, deny: `${base}/deny`, cancel: `${base}/cancel` },
  };
}

/** Opaque cursors: base64url of the sort key of the last row. */
export const encodeCursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string')) return key as [string, string];
  } catch {
    /* fall through to undefined: the caller reports the bad cursor */
  }
  return undefined;
}

/** `30s` → 30000, `250ms` → 250, `5` → 5000 (seconds by default). */
export function parseWait(wait: string | undefined, maxMs: number): number {
  if (!wait) return 0;
  const m = /^(\d+)(ms|s)?$/.exec(wait)!;
  const ms = m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
  return Math.min(ms, maxMs);
}
