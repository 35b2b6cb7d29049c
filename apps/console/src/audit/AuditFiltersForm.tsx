import { useState, type FormEvent } from 'react';
import { EMPTY_FILTERS, instantToLocal, localToInstant, OUTCOMES, type AuditFilters } from './audit-query.ts';

const TEXT_FIELDS = [
  { key: 'requester', label: 'Requester' },
  { key: 'approver', label: 'Approver' },
  { key: 'action', label: 'Action type' },
  { key: 'type', label: 'Event type' },
] as const;

/** The filters of GET /v1/audit (docs/api.md); times are entered in local time, sent as UTC. */
export function AuditFiltersForm({ initial, onApply }: { initial: AuditFilters; onApply: (f: AuditFilters) => void }) {
  const [f, setF] = useState<AuditFilters>({ ...initial, from: instantToLocal(initial.from), to: instantToLocal(initial.to) });
  const set = (key: keyof AuditFilters, value: string) => setF((before) => ({ ...before, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...f, from: localToInstant(f.from), to: localToInstant(f.to) });
  };
  return (
    <form onSubmit={submit} aria-label="Audit filters">
      <div className="filters">
        <div className="field">
          <label htmlFor="audit-from">From (local time)</label>
          <input id="audit-from" type="datetime-local" value={f.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To (local time)</label>
          <input id="audit-to" type="datetime-local" value={f.to} onChange={(e) => set('to', e.target.value)} />
        </div>
        {TEXT_FIELDS.map(({ key, label }) => (
          <div className="field" key={key}>
            <label htmlFor={`audit-${key}`}>{label}</label>
            <input id={`audit-${key}`} type="text" value={f[key]} onChange={(e) => set(key, e.target.value)} />
          </div>
        ))}
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" value={f.outcome} onChange={(e) => set('outcome', e.target.value)}>
            <option value="">any</option>
            {OUTCOMES.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-ids">Action ids</label>
          <input id="audit-ids" type="text" value={f.actionIds} onChange={(e) => set('actionIds', e.target.value)} aria-describedby="audit-ids-hint" />
          <span id="audit-ids-hint" className="hint">separated by spaces or commas</span>
        </div>
      </div>
      <div className="actions-row">
        <button type="submit" className="primary">Apply filters</button>
        <button type="button" onClick={() => { setF(EMPTY_FILTERS); onApply(EMPTY_FILTERS); }}>Clear filters</button>
      </div>
    </form>
  );
}
