import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { get } from '../api/http.ts';
import type { ActionView, EventsAnswer, Me } from '../api/types.ts';
import { useEventSource } from '../api/use-event-source.ts';
import { ParamsView } from '../components/ParamsView.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { ActionFacts } from '../inbox/ActionFacts.tsx';
import { Link } from '../router.tsx';
import { ChainVerdict } from './ChainVerdict.tsx';
import { Deliveries } from './Deliveries.tsx';
import { EVENT_TYPES } from './event-types.ts';
import { Outcome } from './Outcome.tsx';
import { RelatedActions } from './RelatedActions.tsx';
import { Timeline } from './Timeline.tsx';
import { VotePanel } from './VotePanel.tsx';
import { useDelegations } from '../api/delegations.ts';

/**
 * One action: what was asked, its timeline, the chain-verification verdict, notifications, the
 * decision and execution, other actions of its requester. Live: every event on the action's
 * stream (SSE) reloads the action and its events (whose chain the server checks again).
 */
export function ActionDetailPage({ id, me }: { id: string; me: Me }) {
  const base = `/v1/actions/${encodeURIComponent(id)}`;
  const announce = useAnnounce();
  const [action, setAction] = useState<ActionView>();
  const [events, setEvents] = useState<EventsAnswer>();
  const [error, setError] = useState<unknown>();
  const delegations = useDelegations();
  const loading = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(async () => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    try {
      do {
        again.current = false;
        const [a, e] = await Promise.all([get<ActionView>(base), get<EventsAnswer>(`${base}/events`)]);
        setAction(a);
        setEvents(e);
        setError(undefined);
      } while (again.current);
    } catch (e) {
      setError(e);
    } finally {
      loading.current = false;
    }
  }, [base]);

  useEffect(() => {
    setAction(undefined);
    setEvents(undefined);
    void refresh();
  }, [refresh]);

  const handlers = useMemo(() => Object.fromEntries(EVENT_TYPES.map((type) => [type, (_: unknown, seq: string) => {
    announce(`${type} (event ${seq}) on this action.`);
    void refresh();
  }])), [announce, refresh]);
  useEventSource(`${base}/stream`, handlers);

  if (!action) {
    return (
      <>
        <h1>Action</h1>
        {error ? <ProblemAlert error={error} label="Could not load the action" /> : <p role="status">Loading…</p>}
        <p><Link to="/console">Back to the inbox</Link></p>
      </>
    );
  }
  const lastSeq = events?.events.at(-1)?.seq ?? 0;
  return (
    <>
      <h1><code>{action.action}</code> on <code>{action.resource}</code></h1>
      <p>Status: <strong data-testid="action-status">{action.status}</strong> · <span className="mono">{action.id}</span></p>
      <ProblemAlert error={error} label="Could not refresh" />
      <ActionFacts action={action} me={me.principal.id} />
      <VotePanel action={action} me={me.principal.id} delegations={delegations} onChanged={() => void refresh()} />
      <h2>Parameters</h2>
      <ParamsView params={action.params} />
      <p className="hint mono">params hash {action.paramsHash}</p>
      <Outcome action={action} />
      <ChainVerdict id={action.id} chain={events?.chain} lastSeq={lastSeq} />
      {events ? <Timeline events={events.events} /> : null}
      <Deliveries action={action} />
      <RelatedActions requester={action.requester} id={action.id} />
    </>
  );
}
