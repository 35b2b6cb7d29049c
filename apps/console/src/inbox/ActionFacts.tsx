import type { ActionView } from '../api/types.ts';
import { Countdown } from '../components/Countdown.tsx';

/** Who asks, for whom, why, under which rule, until when, and who has approved or still can. */
export function ActionFacts({ action, me, onBehalfOf }: { action: ActionView; me: string; onBehalfOf?: string }) {
  const approval = action.approval;
  const others = (approval?.eligible ?? []).filter((p) => p !== me);
  const approvers = action.votes.filter((v) => v.decision === 'approve').map((v) => (v.onBehalfOf ? `${v.voter} for ${v.onBehalfOf}` : v.voter));
  return (
    <dl className="meta">
      <dt>Requested by</dt>
      <dd>{action.requester} <span className="muted">({action.requesterKind})</span></dd>
      {action.onBehalfOf ? (<><dt>On behalf of</dt><dd>{action.onBehalfOf}</dd></>) : null}
      {onBehalfOf ? (<><dt>You vote for</dt><dd>{onBehalfOf} <span className="muted">(delegated to you)</span></dd></>) : null}
      <dt>Justification</dt>
      <dd>{action.justification ?? <span className="muted">none given</span>}</dd>
      {action.policy ? (
        <>
          <dt>Policy</dt>
          <dd>
            rule <code>{action.policy.rule ?? '—'}</code>: {action.policy.explanation ?? action.policy.reason ?? ''}
          </dd>
        </>
      ) : null}
      {approval ? (
        <>
          <dt>Deadline</dt>
          <dd>{action.status === 'pending' ? <Countdown deadline={approval.deadline} /> : <time dateTime={approval.deadline}>{approval.deadline}</time>}</dd>
          <dt>Approvals</dt>
          <dd>{approval.approvals} of {approval.quorum}{approvers.length ? ` (${approvers.join(', ')})` : ''}</dd>
          <dt>Who else can approve</dt>
          <dd>{others.length ? others.join(', ') : <span className="muted">nobody else</span>}</dd>
        </>
      ) : null}
    </dl>
  );
}
