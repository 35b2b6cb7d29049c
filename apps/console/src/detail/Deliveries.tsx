import type { ActionView } from '../api/types.ts';

/** Where approvers were asked and told, each attempt and its outcome (action.notifications). */
export function Deliveries({ action }: { action: ActionView }) {
  const { notifications, delivery } = action;
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Notifications</h2>
      <p>
        {delivery.delivered} delivered, {delivery.failures} failed
        {delivery.failing.length ? <>; <strong>failing now: {delivery.failing.join(', ')}</strong></> : null}.
      </p>
      {notifications.length ? (
        <div className="table-wrap">
          <table className="stack">
            <thead><tr><th scope="col">When</th><th scope="col">Channel</th><th scope="col">Purpose</th><th scope="col">Attempt</th><th scope="col">Outcome</th></tr></thead>
            <tbody>
              {notifications.map((n, i) => (
                <tr key={i}>
                  <td data-label="When"><time dateTime={n.at}>{n.at}</time></td>
                  <td data-label="Channel">{n.channel}</td>
                  <td data-label="Purpose">{n.purpose}</td>
                  <td data-label="Attempt">{n.attempt}</td>
                  <td data-label="Outcome">
                    {n.status === 'delivered' ? (n.updated ? 'delivered (updated)' : 'delivered') : `failed: ${n.reason ?? ''}`}
                    {n.nextAttemptAt ? `; next attempt ${n.nextAttemptAt}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">No notification recorded.</p>}
    </section>
  );
}
