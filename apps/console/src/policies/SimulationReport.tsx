import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';

/** The answer of POST /v1/policies/simulate, as the console reads it. */
export interface SimulationAnswer {
  window: { limit: number; actionsRead: number; truncated: boolean };
  candidateVersion: string;
  totals: { replayed: number; unchanged: number; changed: number; loosens: number; tightens: number; approvalChanged: number; notEvaluated: number };
  changes: { actionId: string; action: string; resource: string; requester: string; direction: string; summary: string; requirementChanges?: string[] }[];
  unknownRequesters: string[];
}

/** What the candidate would have decided differently, loosening changes first (the server's order). */
export function SimulationReport({ report }: { report: SimulationAnswer }) {
  const t = report.totals;
  return (
    <div aria-label="Simulation result" role="region">
      <p>
        Replayed {t.replayed} of the {report.window.actionsRead} most recent recorded actions
        {report.window.truncated ? ` (the budget of ${report.window.limit}; older ones were not replayed)` : ''}:{' '}
        <strong>{t.changed} would change</strong> ({t.loosens} loosen, {t.tightens} tighten), {t.unchanged} would not
        {t.notEvaluated ? `; ${t.notEvaluated} had no evaluation to compare` : ''}.
      </p>
      {report.unknownRequesters.length ? <p className="notice">Requesters the directory does not know (replayed with no groups): {report.unknownRequesters.join(', ')}</p> : null}
      {report.changes.length ? (
        <ul aria-label="Simulated changes">
          {report.changes.map((c) => (
            <li key={c.actionId}>
              <span className={c.direction === 'loosens' ? 'badge danger' : 'badge'}>{c.direction}</span>{' '}
              <Link to={actionPath(c.actionId)}>{c.action} on {c.resource}</Link> by {c.requester}: {c.summary}
              {c.requirementChanges?.length ? ` (${c.requirementChanges.join('; ')})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
