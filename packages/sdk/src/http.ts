import { CountersignUnavailable, describeProblem, RequestRejected } from './errors.js';
import { describe, errorCode, linkSignals, readText, retryAfterOf } from './http-support.js';
import { MalformedResponse, toProblem } from './responses.js';
import type { Problem } from './types.js';
import { SDK_VERSION } from './version.js';

export interface RetryOptions {
  /** Requests sent at most, the first included (default 5). */
  attempts?: number;
  /** First backoff (default 250 ms); doubled per retry, with jitter. */
  baseMs?: number;
  /** Longest backoff (default 8 s). A `Retry-After` longer than this is still honoured, up to `maxRetryAfterMs`. */
  maxMs?: number;
  /** Longest `Retry-After` waited for (default 60 s); a longer one ends the retries. */
  maxRetryAfterMs?: number;
}

/**
 * When a failed request is sent again. `always`: reads, and proposals that carry an
 * Idempotency-Key (the server converges on one action). `unsent`: commands that may take effect
 * even when their answer is lost (votes, cancels, redemptions), retried only when the server
 * certainly did nothing: the connection was refused, or a `429`/`503` that says nothing was sent.
 */
export type RetryMode = 'always' | 'unsent';

export interface HttpRequest<T> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryMode;
  signal?: AbortSignal;
  /** Longest time one attempt may take (the client's default otherwise). */
  timeoutMs?: number;
  /** Reads a 2xx body; throws MalformedResponse on garbage. */
  parse: (body: unknown, status: number) => T;
}

export interface HttpDeps {
  fetch: typeof fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export interface HttpClientOptions {
  url: string;
  apiKey: string;
  retry?: RetryOptions;
  userAgent?: string;
  requestTimeoutMs?: number;
}

/** Answers are bounded: the largest the API sends is a 1 MiB page plus one item. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Connection failures in which no byte of the request reached a server. */
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * 503 problems that guarantee nothing was changed (docs/api.md, "When the log or the read models
 * fail"; `action-not-projected`: an execution refused before its command was sent).
 */
const UNSENT_PROBLEMS = new Set(['too-many-waiting', 'read-model-unavailable', 'action-not-projected']);

interface Failure {
  message: string;
  status?: number;
  problem?: Problem;
  retryAfterMs?: number;
  unsent: boolean;
  cause?: unknown;
}

export class HttpClient {
  private readonly base: string;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly options: HttpClientOptions, private readonly deps: HttpDeps) {
    this.base = options.url.replace(/\/+$/, '');
    this.retry = {
      attempts: Math.max(1, Math.floor(options.retry?.attempts ?? 5)),
      baseMs: Math.max(0, options.retry?.baseMs ?? 250),
      maxMs: Math.max(0, options.retry?.maxMs ?? 8_000),
      maxRetryAfterMs: Math.max(0, options.retry?.maxRetryAfterMs ?? 60_000),
    };
  }

  async request<T>(req: HttpRequest<T>): Promise<{ status: number; body: T; headers: Headers }> {
    let last: Failure | undefined;
    let sentOnce = false;
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      const outcome = await this.attempt(req);
      if (!('failure' in outcome)) return outcome;
      last = outcome.failure;
      sentOnce ||= !last.unsent;
      const retryable = req.retry === 'always' || last.unsent;
      const retryAfter = last.retryAfterMs ?? 0;
      if (!retryable || attempt >= this.retry.attempts || retryAfter > this.retry.maxRetryAfterMs) {
        throw new CountersignUnavailable(`Countersign is unavailable: ${last.message}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`, {
          ...(last.status !== undefined ? { status: last.status } : {}),
          ...(last.problem ? { problem: last.problem } : {}),
          attempts: attempt,
          mayHaveTakenEffect: req.method === 'POST' && sentOnce,
          cause: last.cause,
        });
      }
      await this.deps.sleep(Math.max(retryAfter, this.backoff(attempt)), req.signal);
    }
  }

  /** Waits as the retries do (the sleep given to the client), ending early when `signal` aborts. */
  pause(ms: number, signal?: AbortSignal): Promise<void> {
    return this.deps.sleep(ms, signal);
  }

  /** Equal jitter: half the exponential step, plus up to as much again at random. */
  backoff(attempt: number): number {
    const step = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (step / 2) * this.deps.random());
  }

  private async attempt<T>(req: HttpRequest<T>): Promise<{ status: number; body: T; headers: Headers } | { failure: Failure }> {
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const { signal, dispose } = linkSignals([timeout.signal, req.signal]);
    try {
      let res: Response;
      try {
        res = await this.deps.fetch(this.url(req), {
          method: req.method,
          headers: this.headers(req),
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal,
          redirect: 'error',
        });
      } catch (error) {
        if (req.signal?.aborted) throw req.signal.reason;
        if (timeout.signal.aborted) return { failure: { message: String((timeout.signal.reason as Error).message), unsent: false, cause: error } };
        const code = errorCode(error);
        return { failure: { message: `network error${code ? ` (${code})` : ''}: ${describe(error)}`, unsent: code !== undefined && UNSENT_CODES.has(code), cause: error } };
      }
      let text: string;
      try {
        text = await readText(res, MAX_BODY_BYTES);
      } catch (error) {
        if (req.signal?.aborted) throw req.signal.reason;
        return { failure: { message: `the answer could not be read: ${describe(error)}`, status: res.status, unsent: false, cause: error } };
      }
      const body = parseJson(text);
      if (res.status >= 200 && res.status < 300) {
        try {
          return { status: res.status, body: req.parse(body === NOT_JSON ? undefined : body, res.status), headers: res.headers };
        } catch (error) {
          if (!(error instanceof MalformedResponse)) throw error;
          return { failure: { message: `${res.status}: ${error.message}`, status: res.status, unsent: false, cause: error } };
        }
      }
      const problem = toProblem(res.status, res.statusText, body === NOT_JSON ? undefined : body, text);
      if (res.status === 429 || res.status >= 500) {
        const code = problem.type.slice(problem.type.lastIndexOf('/') + 1);
        return {
          failure: {
            message: describeProblem(problem, res.status),
            status: res.status,
            problem,
            ...retryAfterOf(res.headers),
            unsent: res.status === 429 || (res.status === 503 && UNSENT_PROBLEMS.has(code)),
          },
        };
      }
      throw new RequestRejected(res.status, problem);
    } finally {
      clearTimeout(timer);
      dispose();
    }
  }

  private url(req: HttpRequest<unknown>): string {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    return `${this.base}${req.path}${qs ? `?${qs}` : ''}`;
  }

  private headers(req: HttpRequest<unknown>): Record<string, string> {
    return {
      accept: 'application/json, application/problem+json',
      authorization: `Bearer ${this.options.apiKey}`,
      'user-agent': this.options.userAgent ?? `countersign-sdk/${SDK_VERSION}`,
      ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...req.headers,
    };
  }
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  if (text.length === 0) return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
