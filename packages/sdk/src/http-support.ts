/** What the HTTP layer needs around fetch: bounded reads, Retry-After, error codes, linked signals, sleeps. */

/** `Retry-After` as delta-seconds or an HTTP date, in ms. */
export function retryAfterOf(headers: Headers): { retryAfterMs?: number } {
  const value = headers.get('retry-after')?.trim();
  if (!value) return {};
  if (/^\d{1,9}$/.test(value)) return { retryAfterMs: Number(value) * 1000 };
  const at = Date.parse(value);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}

export async function readText(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a cancel settles only once every branch of a teed body is cancelled.
      reader.cancel().catch(() => undefined);
      throw new Error(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}

export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function describe(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const msg = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && cause.message && cause.message !== msg ? `${msg}: ${cause.message}` : msg;
}

/**
 * AbortSignal.any (which Node 20.0–20.2 lack), with a dispose that takes its listeners off the
 * inputs again: a long wait sends many requests under one caller's signal.
 */
export function linkSignals(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose: () => void } {
  const list = signals.filter((s): s is AbortSignal => s !== undefined);
  const controller = new AbortController();
  const dispose = () => {
    for (const s of list) s.removeEventListener('abort', onAbort);
  };
  const onAbort = (e: Event) => {
    dispose();
    controller.abort((e.target as AbortSignal).reason);
  };
  const already = list.find((s) => s.aborted);
  if (already) controller.abort(already.reason);
  else for (const s of list) s.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose };
}

/** A sleep that ends early, with the signal's reason, when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
