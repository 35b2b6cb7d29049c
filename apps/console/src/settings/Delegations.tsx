import { useState, type FormEvent } from 'react';
import { del, post } from '../api/http.ts';
import { ApiError } from '../api/problem.ts';
import type { Delegation } from '../api/types.ts';
import { appendCursor, usePaged } from '../api/use-paged.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { localToInstant } from '../audit/audit-query.ts';

/**
 * Out-of-office delegation: who votes for me while I am away (and for whom I vote). A delegate's
 * vote is recorded as on my behalf; it never lets anyone approve their own action.
 */
export function Delegations({ me }: { me: string }) {
  const announce = useAnnounce();
  const paged = usePaged<Delegation>('/v1/delegations?limit=50', appendCursor);
  const missing = paged.error instanceof ApiError && paged.error.status === 404;
  const items = paged.loading && paged.items.length === 0 ? undefined : paged.items;
  const load = paged.reload;
  const [form, setForm] = useState({ delegate: '', from: '', until: '', reason: '' });
  const [error, setError] = useState<unknown>();
  const set = (key: keyof typeof form, value: string) => setForm((f) => ({ ...f, [key]: value }));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const body = {
        delegate: form.delegate.trim(),
        until: localToInstant(form.until),
        ...(form.from ? { from: localToInstant(form.from) } : {}),
        ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
      };
      await post('/v1/delegations', body);
      announce(`Delegated to ${body.delegate}.`);
      setForm({ delegate: '', from: '', until: '', reason: '' });
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (d: Delegation) => {
    setError(undefined);
    try {
      await del(`/v1/delegations/${encodeURIComponent(d.id)}`);
      announce(`Delegation to ${d.delegate} revoked.`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  if (missing) return <section aria-labelledby="delegations-title"><h2 id="delegations-title">Delegations</h2><p className="notice">This server does not offer delegation.</p></section>;
  return (
    <section aria-labelledby="delegations-title">
      <h2 id="delegations-title">Delegations</h2>
      <ProblemAlert error={error ?? paged.error} />
      {items === undefined ? <p role="status">Loading…</p> : items.length === 0 ? <p>No delegations.</p> : (
        <ul aria-label="Your delegations">
          {items.map((d) => (
            <li key={d.id}>
              {d.delegator === me ? <>To <strong>{d.delegate}</strong></> : <>From <strong>{d.delegator}</strong> to you</>}, {d.from} until {d.until} ({d.status}){d.reason ? `: ${d.reason}` : ''}{' '}
              {d.delegator === me && d.status === 'active' ? <button type="button" onClick={() => revoke(d)}>Revoke delegation to {d.delegate}</button> : null}
            </li>
          ))}
        </ul>
      )}
      {paged.hasMore && !paged.loading ? <button type="button" onClick={paged.loadMore}>Load more delegations</button> : null}
      <form onSubmit={add} aria-label="Delegate my approvals">
        <div className="filters">
          <div className="field"><label htmlFor="del-delegate">Delegate (principal id)</label>
            <input id="del-delegate" type="text" required value={form.delegate} onChange={(e) => set('delegate', e.target.value)} /></div>
          <div className="field"><label htmlFor="del-from">From (local time, optional)</label>
            <input id="del-from" type="datetime-local" value={form.from} onChange={(e) => set('from', e.target.value)} /></div>
          <div className="field"><label htmlFor="del-until">Until (local time)</label>
            <input id="del-until" type="datetime-local" required value={form.until} onChange={(e) => set('until', e.target.value)} /></div>
          <div className="field"><label htmlFor="del-reason">Reason (optional)</label>
            <input id="del-reason" type="text" maxLength={4000} value={form.reason} onChange={(e) => set('reason', e.target.value)} /></div>
        </div>
        <div className="actions-row"><button type="submit" className="primary">Delegate</button></div>
      </form>
    </section>
  );
}
