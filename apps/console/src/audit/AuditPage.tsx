import type { AuditEntry } from '../api/types.ts';
import { appendCursor, usePaged } from '../api/use-paged.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { navigate, useLocation } from '../router.tsx';
import { auditParams, auditUrl, exportUrl, filtersFrom, type AuditFilters } from './audit-query.ts';
import { AuditFiltersForm } from './AuditFiltersForm.tsx';
import { AuditTable } from './AuditTable.tsx';

/**
 * The audit trail (auditors and admins): the filters of GET /v1/audit, pages of 50, the same rows
 * as CSV, and the evidence bundle of the time range or actions (GET /v1/audit/export). The filters
 * live in the page's URL, so a view can be bookmarked and shared.
 */
export function AuditPage() {
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const paged = usePaged<AuditEntry>(auditUrl(filters, { limit: '50' }), appendCursor);
  const apply = (f: AuditFilters) => {
    const query = auditParams(f).toString();
    navigate(query ? `/console/audit?${query}` : '/console/audit');
  };
  return (
    <>
      <h1>Audit</h1>
      <AuditFiltersForm key={search} initial={filters} onApply={apply} />
      <section aria-labelledby="audit-export-title">
        <h2 id="audit-export-title">Export</h2>
        <div className="actions-row">
          <a className="button" href={auditUrl(filters, { format: 'csv' })} download>Download CSV</a>
          <a className="button" href={exportUrl(filters)} download>Download evidence bundle</a>
        </div>
        <p className="hint">The CSV holds every entry of these filters. The evidence bundle holds the actions of the time range or ids, whole, with their proofs; verify it offline with <code>countersign audit verify</code>.</p>
      </section>
      <section aria-labelledby="audit-entries-title">
        <h2 id="audit-entries-title">Entries</h2>
        <ProblemAlert error={paged.error} label="Could not read the audit trail" />
        {paged.items.length === 0 && !paged.loading && !paged.error ? <p>No entries match these filters.</p> : null}
        {paged.items.length ? <AuditTable items={paged.items} /> : null}
        {paged.loading ? <p role="status">Loading…</p> : null}
        {paged.hasMore && !paged.loading ? <button type="button" onClick={paged.loadMore}>Load more entries</button> : null}
      </section>
    </>
  );
}
