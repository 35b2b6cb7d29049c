import type { ActionView } from '../api/types.ts';

/** The decision, the votes behind it, the break-glass review, and the grant's execution. */
export function Outcome({ action }: { action: ActionView }) {
  const { decision, review, execution } = action;
  return (
    <section aria-labelledby="outcome-title">
      <h2 id="outcome-title">Decision, grants and executions</h2>
      <dl className="meta">
        <dt>Status</dt>
        <dd>{action.status}</dd>
        {decision ? (
          <>
            <dt>Decision</dt>
            <dd>{decision.outcome}{decision.breakGlass ? ' under break-glass' : ''} by {decision.by.join(', ')} at <time dateTime={decision.at}>{decision.at}</time>: {decision.reason}</dd>
          </>
        ) : null}
        <dt>Votes</dt>
        <dd>
          {action.votes.length ? (
            <ul className="params">
              {action.votes.map((v) => (
                <li key={`${v.voter}-${v.at}`}>
                  {v.voter} {v.decision === 'approve' ? 'approved' : 'denied'}{v.onBehalfOf ? ` on behalf of ${v.onBehalfOf}` : ''}
                  {v.breakGlass ? ' (break-glass)' : ''}{v.stepUp ? ' with a passkey' : ''} via {v.via}{v.comment ? `: ${v.comment}` : ''}
                </li>
              ))}
            </ul>
          ) : 'none yet'}
        </dd>
        {review ? (
          <>
            <dt>Review</dt>
            <dd>{review.status}{review.reviewedBy ? ` by ${review.reviewedBy}` : ` — due ${review.due}, reviewers ${review.reviewers.join(', ')}`}{review.comment ? `: ${review.comment}` : ''}{review.late ? ' (late)' : ''}</dd>
          </>
        ) : null}
        <dt>Execution</dt>
        <dd>
          {execution
            ? `grant ${execution.grantId} redeemed by ${execution.executor} at ${execution.redeemedAt}; ${execution.status}${execution.error ? `: ${execution.error}` : ''}`
            : action.status === 'approved' ? 'approved; the grant has not been redeemed' : 'none'}
        </dd>
      </dl>
    </section>
  );
}
