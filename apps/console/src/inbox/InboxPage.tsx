import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActionView, Me } from '../api/types.ts';
import { approve, deny, review } from '../api/votes.ts';
import { useAnnounce } from '../components/LiveRegion.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { delegatorFor } from '../lib/delegation.ts';
import { keepSelection } from '../lib/inbox-list.ts';
import { move } from '../lib/shortcuts.ts';
import { actionPath } from '../lib/routes.ts';
import { navigate } from '../router.tsx';
import { HelpDialog } from './HelpDialog.tsx';
import { InboxList } from './InboxList.tsx';
import type { VoteIntent } from './InboxItem.tsx';
import { ReasonDialog } from './ReasonDialog.tsx';
import { ReviewDialog } from './ReviewDialog.tsx';
import { useInbox } from './use-inbox.ts';
import { useShortcuts } from './use-shortcuts.ts';

type Open = { intent: 'deny' | 'break-glass' | 'review'; action: ActionView } | { intent: 'help' } | undefined;

/** What waits for me: my approval queue and the break-glass reviews I owe, live. */
export function InboxPage({ me }: { me: Me }) {
  const id = me.principal.id;
  const { queue, reviews, delegations, stream, settle, unseen, showUnseen } = useInbox();
  const announce = useAnnounce();
  const [selected, setSelected] = useState(0);
  const [byKeyboard, setByKeyboard] = useState(false);
  const [open, setOpen] = useState<Open>();
  const [busy, setBusy] = useState<string>();
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const onBehalfOf = (action: ActionView) => delegatorFor(action, id, delegations, Date.now());

  const run = useCallback(async (action: ActionView, what: string, vote: () => Promise<ActionView>) => {
    setBusy(action.id);
    setErrors((e) => ({ ...e, [action.id]: undefined }));
    try {
      const after = await vote();
      settle(after, false);
      announce(`${what}: ${action.action} on ${action.resource} is now ${after.status}.`);
    } catch (error) {
      setErrors((e) => ({ ...e, [action.id]: error }));
      throw error;
    } finally {
      setBusy(undefined);
    }
  }, [settle, announce]);

  const onIntent = (action: ActionView, intent: VoteIntent) => {
    if (intent === 'approve') {
      void run(action, 'Approved', () => approve(action, { onBehalfOf: onBehalfOf(action) })).catch(() => undefined);
    } else setOpen({ intent, action });
  };

  const items = queue.items;
  // Until the keyboard moves it, the newest request is selected. After that, a live arrival or
  // departure keeps the same request selected (or the same place, if it left).
  const shown = useRef(items);
  useEffect(() => {
    if (shown.current === items) return;
    const before = shown.current;
    shown.current = items;
    setSelected((i) => (byKeyboard ? keepSelection(before, items, i) : Math.max(0, Math.min(i, items.length - 1))));
  }, [items, byKeyboard]);
  useShortcuts(open !== undefined, {
    next: () => { setByKeyboard(true); setSelected((i) => move(i, items.length, 1)); },
    previous: () => { setByKeyboard(true); setSelected((i) => move(i, items.length, -1)); },
    approve: () => items[selected] && onIntent(items[selected], 'approve'),
    deny: () => items[selected] && onIntent(items[selected], 'deny'),
    open: () => items[selected] && navigate(actionPath(items[selected].id)),
    help: () => setOpen({ intent: 'help' }),
  });

  const close = () => setOpen(undefined);
  return (
    <>
      <h1>Inbox</h1>
      <p className="hint">
        Requests waiting for your vote, newest first. {stream === 'open' ? 'Live: new requests appear here.' : 'Connecting to live updates…'}{' '}
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
      {unseen > 0 ? (
        <p className="notice" role="status">
          {unseen === 1 ? '1 more new request.' : `${unseen} more new requests.`}{' '}
          <button type="button" onClick={showUnseen}>Show newest</button>
        </p>
      ) : null}
      <ProblemAlert error={queue.error} label="Could not load your queue" />
      <InboxList label="Waiting for your vote" empty="Nothing waits for your vote." paged={queue} me={id} selected={selected} focusSelected={byKeyboard}
        onSelect={setSelected} onBehalfOf={onBehalfOf} busy={busy} errors={errors} onIntent={onIntent} />
      {reviews.items.length ? (
        <InboxList label="Break-glass reviews" empty="" paged={reviews} me={id} selected={-1}
          onSelect={() => undefined} onBehalfOf={() => undefined} busy={busy} errors={errors} onIntent={onIntent} />
      ) : null}
      {open?.intent === 'deny' ? (
        <ReasonDialog title="Deny this request" label="Reason (required)" confirm="Confirm denial" danger
          hint="The requester and the audit trail see it." onClose={close}
          onConfirm={(reason) => run(open.action, 'Denied', () => deny(open.action, reason, onBehalfOf(open.action)))} />
      ) : null}
      {open?.intent === 'break-glass' ? (
        <ReasonDialog title="Break glass: approve alone" label="Why this cannot wait (required)" confirm="Approve under break-glass" danger
          hint="An emergency approval is flagged and always reviewed afterwards." onClose={close}
          onConfirm={(comment) => run(open.action, 'Approved under break-glass', () => approve(open.action, { breakGlass: true, comment }))} />
      ) : null}
      {open?.intent === 'review' ? (
        <ReviewDialog onClose={close} onConfirm={(verdict, comment) => run(open.action, 'Review recorded', () => review(open.action, verdict, comment))} />
      ) : null}
      {open?.intent === 'help' ? <HelpDialog onClose={close} /> : null}
    </>
  );
}
