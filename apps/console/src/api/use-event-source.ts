import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'open' | 'reconnecting';

/**
 * A Server-Sent Events stream of the API (sent with the session cookie; the browser reconnects
 * with Last-Event-ID by itself). `handlers` maps event names to what to do with their JSON data.
 */
export function useEventSource(url: string | undefined, handlers: Record<string, (data: unknown, id: string) => void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const current = useRef(handlers);
  current.current = handlers;
  const names = Object.keys(handlers).sort().join(',');
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url, { withCredentials: true });
    source.onopen = () => setState('open');
    let retry: number | undefined;
    source.onerror = () => {
      setState('reconnecting');
      // The browser gives up on an answer that is not a stream (401, 503 too-many-streams): try
      // again later ourselves; a 401 on the next API call sends the browser to sign in.
      if (source.readyState === EventSource.CLOSED) retry = window.setTimeout(() => setAttempt((n) => n + 1), 5000);
    };
    const listeners = names.split(',').filter(Boolean).map((name) => {
      const listener = (e: MessageEvent<string>) => {
        try {
          current.current[name]?.(JSON.parse(e.data), e.lastEventId);
        } catch {
          // A line that is not JSON is not ours to show.
        }
      };
      source.addEventListener(name, listener);
      return [name, listener] as const;
    });
    return () => {
      window.clearTimeout(retry);
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url, names, attempt]);
  return state;
}
