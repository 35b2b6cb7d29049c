import type { Countersign } from './client.js';
import { WaitTimedOut } from './errors.js';
import { MalformedResponse, parseAction } from './responses.js';
import { isDecided, type Action } from './types.js';

export interface WaitOptions {
  /** Give up after this many ms (WaitTimedOut, carrying the action as last seen). Default: wait as long as it takes. */
  timeout?: number;
  /** Stops the wait; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the action whenever it changed (a vote, an escalation), and once at the start. */
  onUpdate?: (action: Action) => void;
  /** @internal The server holds one long-poll at most this long (default 60 s, the API's maximum). */
  pollMs?: number;
  /** @internal The action as the caller last saw it (already given to onUpdate): no first look needed. */
  seen?: Action;
}

/** The API holds a long-poll for at most 60 s. */
export const MAX_POLL_MS = 60_000;
/** Added to a long-poll's own time before its request counts as lost. */
const POLL_SLACK_MS = 15_000;
/** Least time between two polls when the server answered early (e.g. a proxy that does not hold them). */
const MIN_POLL_INTERVAL_MS = 1_000;

const fingerprint = (a: Action) => `${a.status}|${a.updatedAt ?? ''}|${a.approval?.approvals ?? ''}|${a.votes?.length ?? ''}|${a.approval?.eligible?.length ?? ''}`;

/**
 * Long-polls `GET /v1/actions/:id?wait=` until the action is decided. Holds no state but the id:
 * an agent that restarts calls it again with the same id and picks up where it was. Each request
 * is retried as every read is; when the retries are spent it throws CountersignUnavailable.
 */
export async function waitForDecision(client: Countersign, id: string, options: WaitOptions = {}): Promise<Action> {
  const { timeout, signal, onUpdate } = options;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) throw new TypeError('waitForDecision: timeout must be a number of ms ≥ 0');
  const pollMs = Math.min(MAX_POLL_MS, Math.max(1, options.pollMs ?? MAX_POLL_MS));
  const deadline = timeout === undefined ? Infinity : Date.now() + timeout;
  let last = options.seen ? fingerprint(options.seen) : undefined;
  // With onUpdate, the first request does not wait: the caller sees at once whom it waits for.
  let look = onUpdate !== undefined && options.seen === undefined;
  for (;;) {
    signal?.throwIfAborted();
    const waitMs = look ? 0 : Math.max(0, Math.min(pollMs, deadline - Date.now()));
    const started = Date.now();
    const res = await client.http.request({
      method: 'GET',
      path: `/v1/actions/${id}`,
      query: { wait: `${Math.floor(waitMs)}ms` },
      retry: 'always',
      timeoutMs: waitMs + POLL_SLACK_MS,
      parse: (b) => {
        const action = parseAction(b);
        if (action.id !== id) throw new MalformedResponse(`the answer is about action ${action.id}, not ${id}`);
        return action;
      },
      ...(signal ? { signal } : {}),
    });
    const action = res.body;
    const seen = fingerprint(action);
    if (seen !== last) {
      last = seen;
      onUpdate?.(action);
    }
    if (isDecided(action.status)) return action;
    if (Date.now() >= deadline) throw new WaitTimedOut(action);
    if (look) {
      look = false;
      continue;
    }
    const early = MIN_POLL_INTERVAL_MS - (Date.now() - started);
    if (early > 0) await client.http.pause(Math.min(early, Math.max(0, deadline - Date.now())), signal);
  }
}
