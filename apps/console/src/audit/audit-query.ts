/**
 * The audit explorer's filters, as the form holds them and as GET /v1/audit and
 * GET /v1/audit/export take them. The page's own URL carries them too, so a view can be shared.
 */
export interface AuditFilters {
  /** RFC 3339 instants (the form's local date-times converted). */
  from: string;
  to: string;
  requester: string;
  approver: string;
  action: string;
  /** Action ids, separated by spaces, commas or new lines. */
  actionIds: string;
  outcome: '' | 'approved' | 'denied' | 'expired' | 'cancelled';
  type: string;
}

export const EMPTY_FILTERS: AuditFilters = { from: '', to: '', requester: '', approver: '', action: '', actionIds: '', outcome: '', type: '' };

export const OUTCOMES = ['approved', 'denied', 'expired', 'cancelled'] as const;

export function idsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The query of GET /v1/audit for these filters (empty ones left out; ids repeated). */
export function auditParams(f: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of ['from', 'to', 'requester', 'approver', 'action', 'outcome', 'type'] as const) {
    const value = f[key].trim();
    if (value) p.append(key, value);
  }
  for (const id of idsOf(f.actionIds)) p.append('actionId', id);
  return p;
}

/** The evidence bundle takes the time range and the action ids only. */
export function exportParams(f: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.from.trim()) p.append('from', f.from.trim());
  if (f.to.trim()) p.append('to', f.to.trim());
  for (const id of idsOf(f.actionIds)) p.append('actionId', id);
  return p;
}

/** Filters back from a URL query (the page's own), ignoring what is not a filter. */
export function filtersFrom(search: string): AuditFilters {
  const p = new URLSearchParams(search);
  const outcome = p.get('outcome') ?? '';
  return {
    from: p.get('from') ?? '', to: p.get('to') ?? '', requester: p.get('requester') ?? '', approver: p.get('approver') ?? '',
    action: p.get('action') ?? '', actionIds: p.getAll('actionId').join(' '), type: p.get('type') ?? '',
    outcome: (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as AuditFilters['outcome']) : '',
  };
}

const withQuery = (path: string, p: URLSearchParams) => (p.size ? `${path}?${p}` : path);

export const auditUrl = (f: AuditFilters, extra: Record<string, string> = {}) => {
  const p = auditParams(f);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return withQuery('/v1/audit', p);
};
export const exportUrl = (f: AuditFilters) => withQuery('/v1/audit/export', exportParams(f));

/** An <input type="datetime-local"> value (local time) as an RFC 3339 instant; '' stays ''. */
export function localToInstant(local: string): string {
  if (!local) return '';
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** An RFC 3339 instant as a datetime-local value in the browser's time zone. */
export function instantToLocal(instant: string): string {
  const ms = Date.parse(instant);
  if (!instant || Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
