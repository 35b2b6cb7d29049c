import { guard, type GuardOptions, type GuardSpec, type GuardContext } from './guard.js';
import { HttpClient, type RetryOptions } from './http.js';
import { abortableSleep } from './http-support.js';
import { parseAction, parseActionPage, parseExecutionResponse, parseGrantResponse } from './responses.js';
import type { Action, ActionPage, ExecutionResponse, GrantResponse, ListQuery, ProposeInput, StandingGrant } from './types.js';
import { waitForDecision, type WaitOptions } from './wait.js';

export interface CountersignOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  url: string | URL;
  /** The caller's API key (`Authorization: Bearer`). */
  apiKey: string;
  /** A fetch implementation (default: the global fetch of Node ≥ 20). */
  fetch?: typeof fetch;
  /** Retries of network errors, `5xx` and `429` (exponential backoff with jitter, `Retry-After` honoured). */
  retry?: RetryOptions;
  userAgent?: string;
  /** Longest time one request may take, long-polls excepted (default 30 s). */
  requestTimeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ProposeOptions extends CallOptions {
  /**
   * Makes retries safe: the same key and body always give the same action. When absent, a random
   * key is sent, so the SDK's own retries never propose twice.
   */
  idempotencyKey?: string;
  /**
   * Ask for the grant in the answer (`?include=grant`): an action approved at once then carries
   * `grant`, and an executor that runs at once saves the `getGrant` request.
   */
  includeGrant?: boolean;
}

export interface ExecutionInput {
  /** The compact JWS from getGrant. */
  grant: string;
  /** Exactly the parameters the executor runs with: the server checks their hash against the grant. */
  params: Record<string, unknown>;
  executor?: string;
}

export interface ExecutionReport extends ExecutionInput {
  outcome: 'succeeded' | 'failed';
  startedAt?: string | Date;
  finishedAt?: string | Date;
  error?: string;
}

/** Action ids are UUIDs; anything else that is one safe path segment is passed on for the server to refuse. */
const ID = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/;

function segment(id: string): string {
  if (typeof id !== 'string' || !ID.test(id)) throw new TypeError(`not an action id: ${JSON.stringify(id)}`);
  return id;
}

const iso = (t: string | Date | undefined) => (t instanceof Date ? t.toISOString() : t);

/** A client of the Countersign REST API for agents, pipelines, executors and approvers. */
export class Countersign {
  readonly url: string;
  /** Where the grant-signing public keys are served (for verifyGrant's `jwksUrl`). */
  readonly jwksUrl: string;
  /** @internal */
  readonly http: HttpClient;

  constructor(options: CountersignOptions, deps?: Partial<{ sleep: (ms: number, signal?: AbortSignal) => Promise<void>; random: () => number }>) {
    const url = new URL(String(options?.url));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Countersign: url must be http(s): ${url.href}`);
    if (typeof options.apiKey !== 'string' || !/^[\x21-\x7e]+$/.test(options.apiKey)) {
      throw new TypeError('Countersign: apiKey must be a non-empty string of visible ASCII characters');
    }
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('Countersign: no fetch (Node ≥ 20 has one; or pass options.fetch)');
    this.url = url.href.replace(/\/+$/, '');
    this.jwksUrl = `${this.url}/.well-known/jwks.json`;
    this.http = new HttpClient(
      { url: this.url, apiKey: options.apiKey, ...(options.retry ? { retry: options.retry } : {}), ...(options.userAgent ? { userAgent: options.userAgent } : {}), ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}) },
      { fetch: fetchImpl, sleep: deps?.sleep ?? abortableSleep, random: deps?.random ?? Math.random },
    );
  }

  /** `POST /v1/actions`. Always idempotent: without `idempotencyKey`, a random one is sent. */
  async propose(input: ProposeInput, options: ProposeOptions = {}): Promise<Action> {
    const key = options.idempotencyKey ?? `sdk-${globalThis.crypto.randomUUID()}`;
    const body = {
      action: input.action,
      resource: input.resource,
      ...(input.params !== undefined ? { params: input.params } : {}),
      ...(input.justification !== undefined ? { justification: input.justification } : {}),
      ...(input.context !== undefined ? { context: input.context } : {}),
      ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
    };
    const res = await this.http.request({
      method: 'POST', path: '/v1/actions', body, headers: { 'idempotency-key': key }, retry: 'always', parse: (b) => parseAction(b), ...signal(options),
      ...(options.includeGrant ? { query: { include: 'grant' } } : {}),
    });
    return res.body;
  }

  /** `GET /v1/actions/:id`. */
  async get(id: string, options: CallOptions = {}): Promise<Action> {
    const res = await this.http.request({ method: 'GET', path: `/v1/actions/${segment(id)}`, retry: 'always', parse: (b) => parseAction(b), ...signal(options) });
    return res.body;
  }

  /** `GET /v1/actions`: one page; pass `nextCursor` back as `cursor` for the next. */
  async list(query: ListQuery = {}, options: CallOptions = {}): Promise<ActionPage> {
    const res = await this.http.request({
      method: 'GET', path: '/v1/actions', query: { ...query }, retry: 'always', parse: parseActionPage, ...signal(options),
    });
    return res.body;
  }

  /**
   * `POST /v1/actions/:id/approve`. With `standing`, also grants the requester a standing approval
   * of similar actions (when the rule allows it). A `202` (queued) answers `{ id, status, accepted }`.
   */
  async approve(id: string, body: { comment?: string; breakGlass?: boolean; standing?: StandingGrant } = {}, options: CallOptions = {}): Promise<Action> {
    return this.command(id, 'approve', body, options);
  }

  /** `POST /v1/actions/:id/deny` (a reason is required). */
  async deny(id: string, body: { reason: string }, options: CallOptions = {}): Promise<Action> {
    return this.command(id, 'deny', body, options);
  }

  /** `POST /v1/actions/:id/cancel`: the requester withdraws an undecided action. */
  async cancel(id: string, body: { reason?: string } = {}, options: CallOptions = {}): Promise<Action> {
    return this.command(id, 'cancel', body, options);
  }

  /** Long-polls until the action is decided; see WaitOptions. Resumable by id at any time. */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Action> {
    return waitForDecision(this, segment(id), options);
  }

  /** `GET /v1/actions/:id/grant`: the signed grant of an approved action (requester only). */
  async getGrant(id: string, options: CallOptions = {}): Promise<GrantResponse> {
    const res = await this.http.request({ method: 'GET', path: `/v1/actions/${segment(id)}/grant`, retry: 'always', parse: parseGrantResponse, ...signal(options) });
    return res.body;
  }

  /**
   * Redeems a grant, once (`POST /v1/actions/:id/executions` without an outcome). A second
   * redemption is refused (`409 already-redeemed`). Not retried once it may have reached the server.
   */
  async redeem(id: string, input: ExecutionInput, options: CallOptions = {}): Promise<ExecutionResponse> {
    const body = { grant: input.grant, params: input.params, ...(input.executor !== undefined ? { executor: input.executor } : {}) };
    return this.executions(id, body, 'unsent', options);
  }

  /**
   * Reports how the execution ended (after redeem, or both at once). Retried: a second report of
   * the same grant is refused (`409 already-executed`), so nothing is recorded twice.
   */
  async reportExecution(id: string, report: ExecutionReport, options: CallOptions = {}): Promise<ExecutionResponse> {
    const body = {
      grant: report.grant,
      params: report.params,
      outcome: report.outcome,
      ...(report.executor !== undefined ? { executor: report.executor } : {}),
      ...(report.startedAt !== undefined ? { startedAt: iso(report.startedAt) } : {}),
      ...(report.finishedAt !== undefined ? { finishedAt: iso(report.finishedAt) } : {}),
      ...(report.error !== undefined ? { error: report.error } : {}),
    };
    return this.executions(id, body, 'always', options);
  }

  /**
   * Proposes the call (idempotency key derived from it), waits for the decision, and runs `fn`
   * only once the action is approved and its grant redeemed; reports the outcome and returns
   * `fn`'s result (or rethrows its error). Throws ActionDenied, ActionExpired, ActionCancelled,
   * WaitTimedOut, CountersignUnavailable or RequestRejected without running `fn`.
   */
  async guard<T>(spec: GuardSpec, fn: (ctx: GuardContext) => Promise<T> | T, options: GuardOptions = {}): Promise<T> {
    return guard(this, spec, fn, options);
  }

  private async command(id: string, verb: 'approve' | 'deny' | 'cancel', body: object, options: CallOptions): Promise<Action> {
    const res = await this.http.request({
      method: 'POST', path: `/v1/actions/${segment(id)}/${verb}`, body, retry: 'unsent', parse: (b) => parseAction(b), ...signal(options),
    });
    return res.body;
  }

  private async executions(id: string, body: object, retry: 'always' | 'unsent', options: CallOptions): Promise<ExecutionResponse> {
    const res = await this.http.request({
      method: 'POST', path: `/v1/actions/${segment(id)}/executions`, body, retry, parse: parseExecutionResponse, ...signal(options),
    });
    return res.body;
  }
}

const signal = (options: CallOptions) => (options.signal ? { signal: options.signal } : {});
