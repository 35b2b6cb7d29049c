import { withQuery } from '../api/http.ts';
import type { ActionView } from '../api/types.ts';
import { appendCursor, usePaged } from '../api/use-paged.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';

/** Other actions of the same requester that I can see, newest first, ten at a time. */
export function RelatedActions({ requester, id }: { requester: string; id: string }) {
  const paged = usePaged<ActionView>(withQuery('/v1/actions', { requester, limit: '10' }), appendCursor);
  const others = paged.items.filter((a) => a.id !== id);
  return (
    <section aria-labelledby="related-title">
      <h2 id="related-title">Other actions by {requester}</h2>
      <ProblemAlert error={paged.error} />
      {others.length === 0 && !paged.loading ? <p className="muted">None that you can see.</p> : null}
      <ul aria-label={`Other actions by ${requester}`}>
        {others.map((a) => (
          <li key={a.id}>
            <Link to={actionPath(a.id)}>{a.action} on {a.resource}</Link> — {a.status}, <time dateTime={a.createdAt}>{a.createdAt}</time>
          </li>
        ))}
      </ul>
      {paged.hasMore && !paged.loading ? <button type="button" onClick={paged.loadMore}>More actions by {requester}</button> : null}
    </section>
  );
}
