import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CountersignError, CountersignUnavailable, RequestRejected } from './errors.js';
import { HttpClient, type HttpRequest, type RetryMode, type RetryOptions } from './http.js';
import { parseAction } from './responses.js';
import type { Action } from './types.js';
import { hang, html, json, networkError, problem, recordingSleep, scriptedFetch, type Reply } from './testing/replies.js';

const action = { id: 'a1', status: 'pending' };

function client(replies: Reply[], retry: RetryOptions = { attempts: 4, baseMs: 100, maxMs: 1_000 }, requestTimeoutMs?: number) {
  const stub = scriptedFetch(replies);
  const sleep = recordingSleep();
  const http = new HttpClient({ url: 'http://cs.test/base/', apiKey: 'k-1', retry, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) }, { fetch: stub.fetch, sleep: sleep.sleep, random: () => 0.5 });
  return { http, calls: stub.calls, waits: sleep.waits };
}

const get = (retry: RetryMode = 'always', extra: Partial<HttpRequest<Action>> = {}): HttpRequest<Action> =>
  ({ method: 'GET', path: '/v1/actions/a1', retry, parse: (b) => parseAction(b), ...extra });

describe('HTTP retries', () => {
  it('given two 503s then an answer, retries with growing jittered backoff and returns the answer', async () => {
    const { http, calls, waits } = client([problem(503, 'read-model-unavailable'), problem(503, 'event-log-unavailable'), json(200, action)]);
    const res = await http.request(get());
    assert.deepEqual(res.body, action);
    assert.equal(calls.length, 3);
    assert.deepEqual(waits, [75, 150]);
    assert.equal(calls[0].url.href, 'http://cs.test/base/v1/actions/a1');
    assert.equal(calls[0].headers.get('authorization'), 'Bearer k-1');
  });

  it('given a 429 with Retry-After, waits as long as the server asked before retrying', async () => {
    const { http, waits } = client([problem(429, 'too-many-pending', {}, { 'retry-after': '7' }), json(200, action)]);
    await http.request(get());
    assert.deepEqual(waits, [7_000]);
  });

  it('given a Retry-After longer than the client will wait, gives up at once as unavailable', async () => {
    const { http, calls } = client([problem(429, 'too-many-pending', {}, { 'retry-after': '3600' })]);
    const error = await http.request(get()).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.equal(error.status, 429);
    assert.equal(calls.length, 1);
  });

  it('given a proxy that answers an HTML 502 page every time, ends unavailable after the bounded attempts, naming the page', async () => {
    const { http, calls } = client([html(502)]);
    const error = await http.request(get()).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.equal(calls.length, 4);
    assert.equal(error.details.attempts, 4);
    assert.equal(error.details.problem?.type, 'about:blank');
    assert.match(error.message, /502 Bad Gateway/);
  });

  it('given a 200 whose body is not an action, treats it as unavailable rather than trusting it', async () => {
    const { http } = client([new Response('<html>login</html>', { status: 200 })], { attempts: 2, baseMs: 1 });
    const error = await http.request(get()).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.match(error.message, /not a Countersign response/);
  });

  it('given a 4xx problem, rejects at once with its status, code and detail', async () => {
    const { http, calls } = client([problem(404, 'action-not-found', { detail: 'No action a1.' })]);
    const error = await http.request(get()).catch((e: unknown) => e);
    assert.ok(error instanceof RequestRejected);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'action-not-found');
    assert.equal(error.problem.detail, 'No action a1.');
    assert.equal(calls.length, 1);
  });

  it('given a command that may have taken effect (502 to a vote), does not send it again and says so', async () => {
    const { http, calls } = client([html(502), json(200, action)]);
    const error = await http.request({ ...get('unsent'), method: 'POST', body: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.equal(error.mayHaveTakenEffect, true);
    assert.equal(calls.length, 1);
  });

  it('given a command refused before it was sent (connection refused, 503 too-many-waiting), sends it again', async () => {
    const { http, calls } = client([networkError('ECONNREFUSED'), problem(503, 'too-many-waiting', {}, { 'retry-after': '1' }), json(200, action)]);
    const res = await http.request({ ...get('unsent'), method: 'POST', body: {} });
    assert.equal(res.body.status, 'pending');
    assert.equal(calls.length, 3);
  });

  it('given a server that never answers, ends each attempt at the request timeout', async () => {
    const { http, calls } = client([hang], { attempts: 2, baseMs: 1 }, 20);
    const error = await http.request(get()).catch((e: unknown) => e);
    assert.ok(error instanceof CountersignUnavailable);
    assert.match(error.message, /no answer within 20 ms/);
    assert.equal(calls.length, 2);
  });

  it('given the caller aborts while a request hangs, rejects with the abort reason and sends nothing more', async () => {
    const controller = new AbortController();
    const { http, calls } = client([(req, signal) => {
      queueMicrotask(() => controller.abort(new Error('stop')));
      return (hang as (r: typeof req, s?: AbortSignal) => Promise<Response>)(req, signal);
    }]);
    await assert.rejects(http.request(get('always', { signal: controller.signal })), /stop/);
    assert.equal(calls.length, 1);
  });

  it('given an answer larger than any the API sends, stops reading it', async () => {
    const { http } = client([new Response('x'.repeat(9 * 1024 * 1024), { status: 200 })], { attempts: 1 });
    await assert.rejects(http.request(get()), /larger than/);
  });

  it('property: whatever status and bytes come back, the result is an action or a CountersignError', async () => {
    const status = fc.oneof(fc.constantFrom(200, 201, 202, 400, 401, 404, 409, 429, 500, 502, 503), fc.integer({ min: 200, max: 599 }));
    const body = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constant(JSON.stringify(action)),
      fc.record({ id: fc.string(), status: fc.string() }).map((v) => JSON.stringify(v)));
    const retryAfter = fc.option(fc.oneof(fc.string(), fc.nat().map(String)), { nil: undefined });
    await fc.assert(fc.asyncProperty(status, body, retryAfter, async (s, text, ra) => {
      const { http } = client([new Response([204, 205, 304].includes(s) ? null : text, { status: s, headers: ra !== undefined && /^[\x20-\x7e]*$/.test(ra) ? { 'retry-after': ra } : {} })], { attempts: 2, baseMs: 1 });
      try {
        const res = await http.request(get());
        assert.ok(s >= 200 && s < 300);
        assert.equal(typeof res.body.id, 'string');
      } catch (error) {
        assert.ok(error instanceof CountersignError, String(error));
      }
    }), { numRuns: 300 });
  });
});
