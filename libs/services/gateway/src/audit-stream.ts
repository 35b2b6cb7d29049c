/**
 * The audit trail as one CSV or NDJSON file: every row of the filters, read from the read model a
 * page at a time and written as it is read. A page is read only when the client has taken the one
 * before (a pulled stream), so memory is one page whatever the trail's size.
 */
import { StreamableFile } from '@nestjs/common';
import { afterPosition, AUDIT_ORDER, auditFilter, readPage, sortOf, type AuditEntry, type AuditQuery, type KeysetPosition, type Page, type Queryable } from '@countersign/audit';
import { Readable } from 'node:stream';
import { auditCsvRows, auditNdjson, presentAuditEntry } from './audit-csv.ts';
import { jsonBytes } from './views.ts';

/** Rows per read of a streamed export (~1 MB of typical rows). */
export const EXPORT_PAGE_ROWS = 1000;

export const AUDIT_MEDIA_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/** What `GET /v1/audit` filters on: the audit query, and the ids of the actions when named. */
export interface AuditSelection {
  query: AuditQuery;
  actionIds?: readonly string[];
}

export function auditSelectionFilter({ query, actionIds }: AuditSelection): Record<string, unknown> {
  const filter = auditFilter(query);
  if (!actionIds) return filter;
  const ids = { actionId: { $in: [...actionIds] } };
  return Object.keys(filter).length === 0 ? ids : { $and: [filter, ids] };
}

export function auditPage(rows: Queryable<AuditEntry>, selection: AuditSelection, page: { limit: number; maxBytes: number; after?: KeysetPosition }): Promise<Page<AuditEntry>> {
  return readPage(rows, auditSelectionFilter(selection), AUDIT_ORDER, page, (entry) => jsonBytes(presentAuditEntry(entry)));
}

/**
 * Every row of the selection from `after` on, in the trail's order, EXPORT_PAGE_ROWS per read. Not
 * through readPage: a file has no page-size limit to keep, and one read of 1000 rows instead of
 * twenty of 50 matters where each read scans the collection (the in-memory read model).
 */
export async function* auditPages(rows: Queryable<AuditEntry>, selection: AuditSelection, after?: KeysetPosition, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<AuditEntry[]> {
  const filter = auditSelectionFilter(selection);
  let position = after;
  for (;;) {
    const more = position ? afterPosition(AUDIT_ORDER, position) : undefined;
    const page = await rows.find(more ? (Object.keys(filter).length === 0 ? more : { $and: [filter, more] }) : filter, { sort: sortOf(AUDIT_ORDER), limit: pageRows });
    yield page;
    if (page.length < pageRows) return;
    const last = page.at(-1)!;
    position = [last.at, last._id];
  }
}

/**
 * The streamed file. The first page is read before this returns, so a read model that is down is
 * still a 503 problem; a failure after the first bytes cuts the connection (the client sees a
 * broken transfer, never a short file that looks whole).
 */
export async function auditExport(rows: Queryable<AuditEntry>, selection: AuditSelection, format: 'csv' | 'ndjson', after?: KeysetPosition, pageRows = EXPORT_PAGE_ROWS): Promise<StreamableFile> {
  const pages = auditPages(rows, selection, after, pageRows);
  const first = await pages.next();
  const text = (entries: AuditEntry[], header: boolean) => (format === 'csv' ? auditCsvRows(entries, header) : auditNdjson(entries));
  async function* chunks(): AsyncGenerator<string> {
    yield text(first.done ? [] : first.value, true);
    for await (const page of pages) if (page.length > 0) yield text(page, false);
  }
  return new StreamableFile(Readable.from(chunks(), { objectMode: false }), { type: AUDIT_MEDIA_TYPES[format] }).setErrorHandler((_error, res) => {
    if (res.destroy) res.destroy();
    else res.end();
  });
}
