/** A tiny HTTP client for the tests: JSON in, { status, headers, body } out, no throwing. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const KEYS = {
  agent: 'demo-agent-key',
  alice: 'alice-key',
  bob: 'bob-key',
  erin: 'erin-key',
  carol: 'carol-key',
} as const;

export function client(baseUrl: string, apiKey?: string) {
  async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      // A string or bytes go as they are (raw or broken bodies); anything else as JSON.
      ...(body !== undefined ? { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) } : {}),
    };
    const res = await fetch(baseUrl + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    call,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
    propose: (body: Record<string, unknown>, headers?: Record<string, string>) => call('POST', '/v1/actions', body, headers),
    /**
     * Proposes as a careful client does: under an Idempotency-Key, retried (at most 5 times) on a
     * 503, after the Retry-After it names (at most 2 s). For suites' fixtures on a loaded machine,
     * where a first append can outlast the gateway's deadline; suites about 503s use `propose`.
     */
    async proposeRetryingUnavailable(body: Record<string, unknown>) {
      const headers = { 'idempotency-key': `fixture-${crypto.randomUUID()}` };
      for (let attempt = 1; ; attempt++) {
        const answer = await call('POST', '/v1/actions', body, headers);
        if (answer.status !== 503 || attempt === 5) return answer;
        const retryAfter = Math.min(Number(answer.headers.get('retry-after')) || 1, 2);
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    },
  };
}

export type Client = ReturnType<typeof client>;
