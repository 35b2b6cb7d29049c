/**
 * A Server-Sent Events client for the tests: fetch with a streamed body, parsed as a browser's
 * EventSource does (the fields this API writes), every event and comment kept in arrival order.
 * Tests wait on what arrived (`waitFor`), with a bounded timeout, never on the clock.
 */
export interface SseMessage {
  id?: string;
  event: string;
  data: any;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The problem, when the stream was refused. */
  problem?: any;
  events: SseMessage[];
  comments: string[];
  /** Resolves with the first event (already arrived or to come) that `match` accepts. */
  waitFor(match: (event: SseMessage) => boolean, what: string, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves once `count` comments (heartbeats) have arrived in all. */
  waitForComments(count: number, timeoutMs?: number): Promise<void>;
  /** Whether the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(url: string, apiKey: string | undefined, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers },
    signal: abort.signal,
  });
  const events: SseMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  if (res.status !== 200 || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const text = await res.text();
    let problem: unknown = text;
    try {
      problem = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    return {
      status: res.status, headers: res.headers, problem, events, comments, ended: Promise.resolve(), close: () => undefined,
      waitFor: () => Promise.reject(new Error(`the stream was refused: ${res.status}`)),
      waitForComments: () => Promise.reject(new Error(`the stream was refused: ${res.status}`)),
    };
  }
  let ended = false;
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let current: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop()!;
        for (const line of lines) {
          if (line === '') {
            if (current.data.length > 0) events.push({ ...(current.id !== undefined ? { id: current.id } : {}), event: current.event ?? 'message', data: JSON.parse(current.data.join('\n')) });
            current = { data: [] };
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') current.data.push(value);
          }
        }
        notify();
      }
    } catch {
      /* aborted by close(), or the connection dropped */
    } finally {
      ended = true;
      notify();
    }
  })();

  const wait = <T>(check: () => T | undefined, what: string, timeoutMs: number) => new Promise<T>((resolve, reject) => {
    const attempt = () => {
      const found = check();
      if (found !== undefined) {
        finish();
        resolve(found);
      } else if (ended) {
        finish();
        reject(new Error(`the stream ended before ${what}`));
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => [e.id, e.event]))}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      waiters.delete(attempt);
    };
    waiters.add(attempt);
    attempt();
  });

  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended: done,
    waitFor: (match, what, timeoutMs = 30_000) => wait(() => events.find(match), what, timeoutMs),
    waitForComments: (count, timeoutMs = 30_000) => wait(() => (comments.length >= count ? true : undefined), `${count} comments`, timeoutMs).then(() => undefined),
    close: () => abort.abort(),
  };
}
