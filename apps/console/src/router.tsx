import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

// A small client router: the console has five pages, all under /console (the gateway answers
// every /console/* path with index.html, so a reload lands on the same page).
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** The current location: path and query. */
export function useLocation(): { path: string; search: string } {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return { path, search };
}

export function Link({ to, children, className, ariaCurrent }: { to: string; children: ReactNode; className?: string; ariaCurrent?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} className={className} aria-current={ariaCurrent ? 'page' : undefined}>{children}</a>;
}
