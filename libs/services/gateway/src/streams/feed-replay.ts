import { COLLECTIONS, type ActionView, type AuditEntry } from '@countersign/audit';
import { DECISION_TYPES } from '@countersign/contracts';
import type { Collection, Doc, Filter, ReadModelStore } from '@countersign/readmodel';

/** Rows read per query. */
const PAGE = 100;

/** The audit trail's order: time, then entry id. */
export const beforeInFeed = (a: AuditEntry, b: AuditEntry) => a.at < b.at || (a.at === b.at && a._id < b._id);

/**
 * The approver feed of `principals` (the caller, and the delegators whose delegation to the caller
 * is active) from `from` (an ISO-8601 instant) on, out of the read models, in the audit trail's
 * order, handed over a page at a time. Three indexed queries, merged:
 * - `ApprovalRequested` rows naming one of them among `details.eligible` (audit entries, by type and time);
 * - `ApprovalEscalated` rows naming one of them among `details.added`;
 * - the decision row of each action one of them is eligible on decided since `from` (actions by
 *   `approval.eligible` and `decision.at`, then that action's decision row by `actionId`).
 * Memory holds one page per query, whatever the replay's length.
 */
export async function replayFeed(store: ReadModelStore, principals: readonly string[], from: string, page: (entries: readonly AuditEntry[]) => void): Promise<void> {
  const audit = store.collection<AuditEntry>(COLLECTIONS.audit);
  const actions = store.collection<ActionView>(COLLECTIONS.actions);
  // Equality when there is one principal (most feeds): FerretDB hands equality to PostgreSQL.
  const anyOf = principals.length === 1 ? principals[0] : { $in: [...principals] };
  const sources: AsyncIterator<AuditEntry>[] = [
    keyset(audit, { type: 'ApprovalRequested', 'details.eligible': anyOf, at: { $gte: from } }, 'at', (e) => e.at),
    keyset(audit, { type: 'ApprovalEscalated', 'details.added': anyOf, at: { $gte: from } }, 'at', (e) => e.at),
    decisionsOf(audit, keyset(actions, { 'approval.eligible': anyOf, 'decision.at': { $gte: from } }, 'decision.at', (v) => v.decision?.at ?? '')),
  ];
  const heads = await Promise.all(sources.map((s) => s.next()));
  let out: AuditEntry[] = [];
  for (;;) {
    let min = -1;
    heads.forEach((head, i) => {
      if (!head.done && (min < 0 || beforeInFeed(head.value, heads[min].value as AuditEntry))) min = i;
    });
    if (min < 0) break;
    out.push(heads[min].value as AuditEntry);
    if (out.length >= PAGE) {
      page(out);
      out = [];
    }
    heads[min] = await sources[min].next();
  }
  if (out.length > 0) page(out);
}

/** The rows of `filter` in (`field`, `_id`) order, read a page at a time (keyset, no skip). */
async function* keyset<T extends Doc>(rows: Collection<T>, filter: Filter, field: string, valueOf: (row: T) => string): AsyncGenerator<T> {
  let after: [string, string] | undefined;
  for (;;) {
    const beyond = after && { $or: [{ [field]: { $gt: after[0] } }, { [field]: after[0], _id: { $gt: after[1] } }] };
    const batch = await rows.find(beyond ? { $and: [filter, beyond] } : filter, { sort: { [field]: 1, _id: 1 }, limit: PAGE });
    yield* batch;
    if (batch.length < PAGE) return;
    const last = batch.at(-1)!;
    after = [valueOf(last), last._id];
  }
}

/** The decision row of each decided action, in the actions' order (their `decision.at`, then id). */
async function* decisionsOf(audit: Collection<AuditEntry>, decided: AsyncIterable<ActionView>): AsyncGenerator<AuditEntry> {
  for await (const view of decided) {
    const [row] = await audit.find({ actionId: view._id, type: { $in: [...DECISION_TYPES] } }, { sort: { seq: 1 }, limit: 1 });
    if (row) yield row;
  }
}
