import type { EventEnvelope } from '../api/types.ts';
import { eventLine } from './event-lines.ts';

/** The action's events in seq order, each with its time, type, actor and place in the chain. */
export function Timeline({ events }: { events: EventEnvelope[] }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline" aria-label="Events">
        {events.map((e) => (
          <li key={e.seq}>
            <div>
              <strong>{e.seq}. {e.type}</strong> <time dateTime={e.occurredAt} className="muted">{e.occurredAt}</time>
            </div>
            <div>{eventLine(e)}</div>
            <div className="hint mono">by {e.actor.id} ({e.actor.kind}) · hash {e.hash.slice(0, 12)}… · prev {e.prevHash.slice(0, 12)}…</div>
          </li>
        ))}
      </ol>
    </section>
  );
}
