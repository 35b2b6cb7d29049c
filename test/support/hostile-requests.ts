/**
 * fast-check arbitraries for hostile HTTP requests to the API: every endpoint, with generated
 * bodies (random JSON, deep nesting, lone surrogates, duplicate keys, huge strings, wrong types,
 * random bytes), content types and charsets, query strings, path ids and headers. Header values
 * stay within what an HTTP client can send at all (visible ASCII): anything else never leaves it.
 */
import fc from 'fast-check';
import { KEYS } from './api-client.ts';

export interface HostileRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const ascii = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const loneSurrogate = fc.constantFrom('\ud800', '\udfff', 'a\udc00b', '\ud83d');
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), loneSurrogate, ascii(40));
const nested = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/** Path segments that name an action: real ones, unknown ones and junk, percent-encoded or not. */
export const actionIds = (known: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...known),
    fc.uuid(),
    text.map((t) => encodeURIComponent(t.isWellFormed() ? t : t.toWellFormed())),
    fc.constantFrom('%ZZ', '%ED%A0%80', '%C0%AF', '..', '%2e%2e', 'a%00b', 'x'.repeat(300)),
  );

const proposalLike = fc.record(
  {
    action: fc.oneof(fc.constantFrom('data.read', 'data.export', 'db.drop', 'countersign.policy.publish'), text, fc.integer()),
    resource: fc.oneof(fc.constantFrom('prod/orders', 'prod/./orders', '/prod/x', 'a//b', 'prod%2Fx', '../x'), text),
    params: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(text, text, { maxKeys: 5 })),
    justification: fc.oneof(text, fc.integer(), fc.constant('x'.repeat(5000))),
    context: fc.jsonValue({ maxDepth: 3 }),
    callbackUrl: fc.oneof(fc.webUrl(), text),
    reason: text,
    comment: text,
    verdict: fc.constantFrom('upheld', 'concerns', 'maybe'),
    breakGlass: fc.oneof(fc.boolean(), text),
    files: fc.array(fc.record({ path: text, text }), { maxLength: 3 }),
    version: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), text),
    // executions: grants that are JWS-shaped or not, outcomes, times, executors
    grant: fc.oneof(text, fc.array(fc.base64String({ maxLength: 120 }), { minLength: 3, maxLength: 3 }).map((p) => p.join('.'))),
    outcome: fc.constantFrom('succeeded', 'failed', 'done'),
    startedAt: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    finishedAt: fc.oneof(text, fc.constant('2026-02-30T00:00:00Z')),
    error: text,
    executor: text,
    // delegation: delegates and delegators known or not, periods well-formed or not
    delegate: fc.oneof(text, fc.constantFrom('alice', 'bob', 'erin', 'demo-agent')),
    onBehalfOf: fc.oneof(text, fc.constantFrom('alice', 'bob', 'erin')),
    until: fc.oneof(text, fc.constant('2026-02-30T00:00:00Z'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    from: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
  },
  { requiredKeys: [] },
);

/** Bodies that pass, with odd but valid content: the paths past every check are fuzzed too. */
const validBodies = fc.oneof(
  fc.record({
    action: fc.constantFrom('data.read', 'data.export', 'ops.deploy', 'db.drop'),
    resource: fc.constantFrom('prod/orders', 'staging/x', 's3://bucket/key', 'prod/ünïcödé/😀'),
    params: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    justification: fc.string({ maxLength: 200 }),
  }, { requiredKeys: ['action', 'resource'] }),
  fc.record({ comment: fc.string({ maxLength: 100 }), reason: fc.string({ minLength: 1, maxLength: 100 }) }, { requiredKeys: [] }),
).map((body) => JSON.stringify(body));

/** Bodies as text or bytes, well-formed or not. */
export const bodies: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  { weight: 5, arbitrary: validBodies },
  proposalLike.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 30, max: 12_000 }).map((depth) => `{"action":"data.read","resource":"r","params":${nested(depth)}}`),
  fc.integer({ min: 1, max: 200_000 }).map((depth) => '['.repeat(depth)),
  loneSurrogate.map((s) => JSON.stringify({ action: 'data.read', resource: 'r', justification: s, reason: s, comment: s })),
  fc.constantFrom('{"action":"data.read","resource":"a","resource":"b"}', '{"reason":"a","reason":"b"}', '{"a":{"b":1,"b":2}}'),
  fc.integer({ min: 1_000, max: 1_200_000 }).map((n) => JSON.stringify({ action: 'data.read', resource: 'r', justification: 'j'.repeat(n) })),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom('', ' ', 'null', '[]', '"x"', '{', '{"a":1,}', '\ufeff{}'),
);

// Mostly what gets a request past the media-type check, so bodies are exercised too.
const contentTypes = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  fc.constantFrom('application/json; charset=iso-8859-1', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded',
    'application/problem+json', 'multipart/form-data; boundary=x'),
  ascii(40),
);

// Mostly real keys, so most requests get past authentication to the parts that read input.
const authorizations = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom(...Object.values(KEYS)).map((k) => `Bearer ${k}`) },
  ascii(60).map((k) => `Bearer ${k}`),
  ascii(60),
  fc.constantFrom('Basic YWxpY2U6a2V5', 'Bearer', 'bearer demo-agent-key', `Bearer ${KEYS.agent} extra`),
);

/** Query strings: known names with junk values, unknown names, repeats, broken escapes. */
const queries = fc.oneof(
  fc.constant(''),
  fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('status', 'requester', 'action', 'actionId', 'approver', 'review', 'limit', 'cursor', 'after', 'format', 'from', 'to', 'outcome', 'type', 'returnTo', 'code', 'state', 'all'), ascii(10)),
      fc.oneof(text, fc.constantFrom('me', 'pending', '0', '1000', '1001', '-1', '2026-01-01T23:59:60Z', '2026-02-30T00:00:00Z', 'WyJhIiwiYiJd', '%ZZ')),
    ),
    { maxLength: 4 },
  ).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v === '%ZZ' ? v : encodeURIComponent(v.isWellFormed() ? v : v.toWellFormed())}`).join('&')),
  // long-polls only as far as it takes to refuse or answer them quickly
  fc.constantFrom('wait=0', 'wait=5ms', 'wait=soon', 'wait=-1', 'wait=1e3'),
);

const endpoints = (ids: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.constant({ method: 'POST' as const, path: '/v1/actions' }),
    fc.tuple(ids, fc.constantFrom('approve', 'deny', 'cancel', 'review')).map(([id, verb]) => ({ method: 'POST' as const, path: `/v1/actions/${id}/${verb}` })),
    fc.constant({ method: 'GET' as const, path: '/v1/actions' }),
    ids.map((id) => ({ method: 'GET' as const, path: `/v1/actions/${id}` })),
    ids.map((id) => ({ method: 'GET' as const, path: `/v1/actions/${id}/events` })),
    ids.map((id) => ({ method: 'GET' as const, path: `/v1/actions/${id}/grant` })),
    ids.map((id) => ({ method: 'POST' as const, path: `/v1/actions/${id}/executions` })),
    fc.constant({ method: 'GET' as const, path: '/.well-known/jwks.json' }),
    fc.constant({ method: 'GET' as const, path: '/v1/audit' }),
    ids.map((id) => ({ method: 'GET' as const, path: `/v1/actions/${id}/proof` })),
    fc.constantFrom('/v1/audit/checkpoints', '/v1/audit/checkpoints/latest', '/v1/audit/export').map((path) => ({ method: 'GET' as const, path })),
    fc.constant({ method: 'POST' as const, path: '/v1/audit/checkpoints' }),
    fc.constantFrom('/v1/policies', '/v1/policies/active', `/v1/policies/${'0'.repeat(64)}`, '/v1/policies/%ZZ').map((path) => ({ method: 'GET' as const, path })),
    fc.constantFrom('/v1/policies', '/v1/policies/rollback').map((path) => ({ method: 'POST' as const, path })),
    // Passkeys and step-up (docs/step-up.md).
    ids.map((id) => ({ method: 'POST' as const, path: `/v1/actions/${id}/step-up` })),
    fc.constant({ method: 'GET' as const, path: '/v1/passkeys' }),
    fc.constantFrom('/v1/passkeys', '/v1/passkeys/registration-options').map((path) => ({ method: 'POST' as const, path })),
    // Delegation (docs/delegation.md): list, read, make.
    fc.oneof(fc.constant('/v1/delegations'), ids.map((id) => `/v1/delegations/${id}`)).map((path) => ({ method: 'GET' as const, path })),
    fc.constant({ method: 'POST' as const, path: '/v1/delegations' }),
    // Console sign-in (docs/api.md#console-sign-in-and-sessions): who am I, and the /auth endpoints.
    fc.constantFrom('/v1/me', '/auth/login', '/auth/callback').map((path) => ({ method: 'GET' as const, path })),
    fc.constantFrom('/auth/logout', '/auth/api-key').map((path) => ({ method: 'POST' as const, path })),
    fc.constant({ method: 'GET' as const, path: '/auth/api-key' }),
  );

/** One hostile request against the API, given ids of actions that exist. */
export function hostileRequests(known: readonly string[]): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      endpoint: endpoints(actionIds(known)),
      query: queries,
      authorization: fc.option(authorizations, { nil: undefined, freq: 10 }),
      contentType: fc.option(contentTypes, { nil: undefined, freq: 10 }),
      idempotencyKey: fc.option(fc.oneof(ascii(20), ascii(300)), { nil: undefined }),
      gzip: fc.boolean(),
      accept: fc.option(fc.constantFrom('text/csv', 'application/json', '*/*'), { nil: undefined }),
      body: bodies,
    })
    .map(({ endpoint, query, authorization, contentType, idempotencyKey, gzip, accept, body }) => ({
      method: endpoint.method,
      path: query ? `${endpoint.path}?${query}` : endpoint.path,
      headers: {
        ...(authorization !== undefined ? { authorization } : {}),
        ...(contentType !== undefined ? { 'content-type': contentType } : {}),
        ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...(accept !== undefined ? { accept } : {}),
      },
      ...(endpoint.method === 'POST' && body !== undefined ? { body } : {}),
    }));
}
