import { useState } from 'react';
import type { ActionView, Delegation } from '../api/types.ts';
import { approve, deny, needsStepUp, review } from '../api/votes.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { delegatorFor } from '../lib/delegation.ts';
import { ReasonDialog } from '../inbox/ReasonDialog.tsx';
import { ReviewDialog } from '../inbox/ReviewDialog.tsx';

/**
 * Votes from the action's own page: where chat links for step-up rules lead, and where anyone who
 * can see a pending action may try; the server decides (a requester is refused, 403 self-approval,
 * and the refusal is shown as the server words it).
 */
export function VotePanel({ action, me, delegations, onChanged }: { action: ActionView; me: string; delegations: Delegation[]; onChanged: (after: ActionView) => void }) {
  const announce = useAnnounce();
  const [open, setOpen] = useState<'deny' | 'break-glass' | 'review'>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const onBehalfOf = delegatorFor(action, me, delegations, Date.now());
  const pending = action.status === 'pending';
  const canBreakGlass = pending && (action.approval?.breakGlass?.eligible ?? []).includes(me);
  const canReview = action.review?.status === 'requested' && action.review.reviewers.includes(me);
  if (!pending && !canReview) return null;

  const run = async (what: string, vote: () => Promise<ActionView>) => {
    setBusy(true);
    setError(undefined);
    try {
      const after = await vote();
      onChanged(after);
      announce(`${what}: the action is now ${after.status}.`);
    } catch (err) {
      setError(err);
      throw err;
    } finally {
      setBusy(false);
    }
  };
  const close = () => setOpen(undefined);
  return (
    <section aria-labelledby="vote-title">
      <h2 id="vote-title">Your vote</h2>
      {onBehalfOf ? <p>You vote on behalf of <strong>{onBehalfOf}</strong> (delegated to you).</p> : null}
      <ProblemAlert error={error} label="Not done" />
      <div className="actions-row">
        {pending ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void run('Approved', () => approve(action, { onBehalfOf })).catch(() => undefined)}>
              {needsStepUp(action) ? 'Approve with passkey' : 'Approve'}
            </button>
            <button type="button" disabled={busy} onClick={() => setOpen('deny')}>Deny</button>
          </>
        ) : null}
        {canBreakGlass ? <button type="button" className="danger" disabled={busy} onClick={() => setOpen('break-glass')}>Break glass</button> : null}
        {canReview ? <button type="button" disabled={busy} onClick={() => setOpen('review')}>Review</button> : null}
      </div>
      {open === 'deny' ? (
        <ReasonDialog title="Deny this request" label="Reason (required)" confirm="Confirm denial" danger hint="The requester and the audit trail see it."
          onClose={close} onConfirm={(reason) => run('Denied', () => deny(action, reason, onBehalfOf))} />
      ) : null}
      {open === 'break-glass' ? (
        <ReasonDialog title="Break glass: approve alone" label="Why this cannot wait (required)" confirm="Approve under break-glass" danger
          hint="An emergency approval is flagged and always reviewed afterwards." onClose={close}
          onConfirm={(comment) => run('Approved under break-glass', () => approve(action, { breakGlass: true, comment }))} />
      ) : null}
      {open === 'review' ? <ReviewDialog onClose={close} onConfirm={(verdict, comment) => run('Review recorded', () => review(action, verdict, comment))} /> : null}
    </section>
  );
}
