import type { AuditEntry } from '../api/types.ts';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';

/** Audit entries, oldest first, as the API pages them. Stacks into cards on narrow screens. */
export function AuditTable({ items }: { items: AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="stack" aria-label="Audit entries">
        <thead>
          <tr>
            <th scope="col">When</th><th scope="col">Event</th><th scope="col">Action</th><th scope="col">Requester</th>
            <th scope="col">By</th><th scope="col">Outcome</th><th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td data-label="When"><time dateTime={e.at}>{e.at}</time></td>
              <td data-label="Event">{e.seq}. {e.type}</td>
              <td data-label="Action"><Link to={actionPath(e.actionId)}>{e.action} on {e.resource}</Link></td>
              <td data-label="Requester">{e.requester}</td>
              <td data-label="By">{e.actor} <span className="muted">({e.actorKind})</span></td>
              <td data-label="Outcome">{e.outcome ?? ''}</td>
              <td data-label="Summary">{e.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
