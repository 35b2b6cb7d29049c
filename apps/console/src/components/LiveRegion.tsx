import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

/** Announces live updates (a new request, a decision, a vote recorded) to screen readers. */
const AnnounceContext = createContext<(message: string) => void>(() => undefined);

export function LiveRegionProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const announce = useCallback((next: string) => setMessage(next), []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div role="status" aria-live="polite" className="sr-only" data-testid="live-region">{message}</div>
    </AnnounceContext.Provider>
  );
}

export const useAnnounce = () => useContext(AnnounceContext);
