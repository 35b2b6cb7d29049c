/**
 * Tells in-process listeners which actions' read models just changed, so the gateway's
 * long-polls and command waits wake on state instead of polling. Embedded mode only: a gateway in
 * another process than the projector falls back to polling the store.
 */
export interface ChangeFeed {
  publish(actionIds: Iterable<string>): void;
  /** Calls `listener` for every changed action id; returns the unsubscribe function. */
  subscribe(listener: (actionId: string) => void): () => void;
}

/**
 * Listeners are called one by one; one that throws (a waiting request gone wrong) is reported and
 * the others still hear of the change: it must never fail the projector that publishes.
 */
export function createChangeFeed(onListenerError: (error: unknown) => void = () => undefined): ChangeFeed {
  const listeners = new Set<(actionId: string) => void>(); // one per waiting request
  return {
    publish(ids) {
      for (const id of ids) {
        for (const listener of [...listeners]) {
          try {
            listener(id);
          } catch (error) {
            onListenerError(error);
          }
        }
      }
    },
    subscribe(listener) {
      const own = (id: string) => listener(id); // a listener subscribed twice is called twice
      listeners.add(own);
      return () => void listeners.delete(own);
    },
  };
}
