import { EventEmitter } from 'node:events';

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

export function createChangeFeed(): ChangeFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per waiting request
  return {
    publish(ids) {
      for (const id of ids) emitter.emit('changed', id);
    },
    subscribe(listener) {
      emitter.on('changed', listener);
      return () => emitter.off('changed', listener);
    },
  };
}
