import type { DecisionOutcome } from './action-view.ts';
import type { AuditEntry } from './audit-entry.ts';
import { readPage, type KeysetOrder, type Page, type PageRequest, type Queryable, type QueryFilter } from './keyset-page.ts';

/** What `GET /v1/audit` asks for. Times are ISO-8601 UTC, which sort like the instants they name. */
export interface AuditQuery {
  /** Entries at or after this instant. */
  from?: string;
  /** Entries before this instant. */
  to?: string;
  requester?: string;
  /** Entries naming this principal among `approvers`. */
  approver?: string;
  action?: string;
  outcome?: DecisionOutcome;
  type?: string;
}

/** Oldest first. */
export const AUDIT_ORDER: KeysetOrder = { field: 'at', direction: 1 };

export function auditFilter(q: AuditQuery): QueryFilter {
  const and: QueryFilter[] = [];
  if (q.from) and.push({ at: { $gte: q.from } });
  if (q.to) and.push({ at: { $lt: q.to } });
  if (q.requester) and.push({ requester: q.requester });
  if (q.approver) and.push({ approvers: q.approver });
  if (q.action) and.push({ action: q.action });
  if (q.outcome) and.push({ outcome: q.outcome });
  if (q.type) and.push({ type: q.type });
  return and.length > 0 ? { $and: and } : {};
}

export function findAuditEntries(entries: Queryable<AuditEntry>, q: AuditQuery, page: PageRequest, size: (entry: AuditEntry) => number): Promise<Page<AuditEntry>> {
  return readPage(entries, auditFilter(q), AUDIT_ORDER, page, size);
}
