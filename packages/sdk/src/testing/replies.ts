/** Building blocks for fetch stubs in the SDK's unit tests (never part of the published package). */

export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `https://countersign.dev/problems/${code}`, title: `${code} title`, status, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

export const html = (status: number, text = '<html><body><h1>502 Bad Gateway</h1></body></html>') =>
  new Response(text, { status, headers: { 'content-type': 'text/html' } });

/** What undici throws when a connection fails, with the system error as its cause. */
export function networkError(code = 'ECONNREFUSED'): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }) });
}

export type Reply = Response | Error | ((req: Recorded, signal?: AbortSignal) => Response | Error | Promise<Response | Error>);

/**
 * A fetch that answers from a script, one reply per request in order (the last one repeats), and
 * records every request.
 */
export function scriptedFetch(replies: Reply[]): { fetch: typeof fetch; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fetchStub = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = await record(input, init);
    calls.push(req);
    const next = replies.length > 1 ? replies.shift()! : replies[0];
    const reply = typeof next === 'function' ? await next(req, init?.signal ?? undefined) : next;
    if (reply instanceof Error) throw reply;
    return reply.clone();
  };
  return { fetch: fetchStub as typeof fetch, calls };
}

export async function record(input: string | URL | Request, init?: RequestInit): Promise<Recorded> {
  const text = typeof init?.body === 'string' ? init.body : undefined;
  return {
    method: init?.method ?? 'GET',
    url: new URL(String(input)),
    headers: new Headers(init?.headers),
    body: text === undefined ? undefined : JSON.parse(text),
  };
}

/** A sleep that returns at once and remembers how long it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
    },
  };
}

/** A fetch that never answers until its signal aborts (a hung connection). */
export const hang: Reply = (_req, signal) =>
  new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
