import { useId } from 'react';
import type { ActionView } from '../api/types.ts';
import { InboxItem, type VoteIntent } from './InboxItem.tsx';

interface Paged {
  items: ActionView[];
  hasMore: boolean;
  loading: boolean;
  loadMore: () => void;
}

/** A section of the inbox: its requests, and a button for the next page when there is one. */
export function InboxList(props: {
  label: string;
  empty: string;
  paged: Paged;
  me: string;
  selected: number;
  focusSelected?: boolean;
  onSelect: (index: number) => void;
  onBehalfOf: (action: ActionView) => string | undefined;
  busy?: string;
  errors: Record<string, unknown>;
  onIntent: (action: ActionView, intent: VoteIntent) => void;
}) {
  const headingId = useId();
  const { items, hasMore, loading, loadMore } = props.paged;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="sr-only">{props.label}</h2>
      {items.length === 0 && !loading ? <p>{props.empty}</p> : null}
      <ul className="inbox-list" aria-label={props.label} aria-busy={loading}>
        {items.map((action, index) => (
          <li key={action.id}>
            <InboxItem action={action} me={props.me} onBehalfOf={props.onBehalfOf(action)} selected={index === props.selected} focusWhenSelected={props.focusSelected === true}
              busy={props.busy === action.id} error={props.errors[action.id]} onSelect={() => props.onSelect(index)}
              onIntent={(intent) => props.onIntent(action, intent)} />
          </li>
        ))}
      </ul>
      {loading ? <p role="status">Loading…</p> : null}
      {hasMore && !loading ? <button type="button" onClick={loadMore}>Load more</button> : null}
    </section>
  );
}
