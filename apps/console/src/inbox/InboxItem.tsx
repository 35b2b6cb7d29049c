import { useEffect, useId, useRef } from 'react';
import type { ActionView } from '../api/types.ts';
import { needsStepUp } from '../api/votes.ts';
import { ParamsView } from '../components/ParamsView.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import { ActionFacts } from './ActionFacts.tsx';

export type VoteIntent = 'approve' | 'deny' | 'break-glass' | 'review';

/** One request in the inbox, with the votes the caller may cast on it. */
export function InboxItem(props: {
  action: ActionView;
  me: string;
  onBehalfOf?: string;
  selected: boolean;
  /** Move focus to the item when it becomes selected (after j/k, never on page load). */
  focusWhenSelected: boolean;
  busy: boolean;
  error?: unknown;
  onSelect: () => void;
  onIntent: (intent: VoteIntent) => void;
}) {
  const { action, me } = props;
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (props.selected && props.focusWhenSelected && ref.current && !ref.current.contains(document.activeElement)) ref.current.focus();
  }, [props.selected, props.focusWhenSelected]);
  const stepUp = needsStepUp(action);
  const pending = action.status === 'pending';
  const canVote = pending && (action.approval?.eligible.includes(me) || props.onBehalfOf !== undefined);
  const canBreakGlass = pending && (action.approval?.breakGlass?.eligible ?? []).includes(me);
  const canReview = action.review?.status === 'requested' && action.review.reviewers.includes(me);
  return (
    <article ref={ref} tabIndex={-1} aria-labelledby={titleId} className={props.selected ? 'card selected' : 'card'}
      data-selected={props.selected} onFocus={props.onSelect}>
      <h3 id={titleId}>
        <code>{action.action}</code> on <code>{action.resource}</code>
        {stepUp ? <span className="badge stepup">passkey required</span> : null}
        {canBreakGlass ? <span className="badge danger">break-glass possible</span> : null}
        {canReview ? <span className="badge">review pending</span> : null}
      </h3>
      <ActionFacts action={action} me={me} onBehalfOf={props.onBehalfOf} />
      <h4>Parameters</h4>
      <ParamsView params={action.params} />
      <ProblemAlert error={props.error} label="Not done" />
      <div className="actions-row">
        {canVote ? (
          <>
            <button type="button" className="primary" disabled={props.busy} onClick={() => props.onIntent('approve')}>
              {stepUp ? 'Approve with passkey' : 'Approve'}
            </button>
            <button type="button" disabled={props.busy} onClick={() => props.onIntent('deny')}>Deny</button>
          </>
        ) : null}
        {canBreakGlass ? <button type="button" className="danger" disabled={props.busy} onClick={() => props.onIntent('break-glass')}>Break glass</button> : null}
        {canReview ? <button type="button" disabled={props.busy} onClick={() => props.onIntent('review')}>Review</button> : null}
        <Link to={actionPath(action.id)} className="button">Details</Link>
      </div>
    </article>
  );
}
