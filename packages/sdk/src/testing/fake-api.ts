import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Action, DecisionOutcome } from '../types.js';
import { json, problem, record, type Recorded } from './replies.js';

const hashOf = (v: unknown) => createHash('sha256').update(canonicalize(v)!).digest('hex');

export interface FakeKeys {
  privateKey: CryptoKey;
  jwks: { keys: Record<string, unknown>[] };
  kid: string;
}

export async function grantKeys(kid = 'grant-1'): Promise<FakeKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { privateKey, kid, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] } };
}

/** Signs grant claims as the server does (typ countersign-grant+jwt, EdDSA), with overrides for tests. */
export async function signGrant(keys: FakeKeys, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'countersign', jti: randomUUID(), iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'countersign-grant+jwt', ...header })
    .sign(keys.privateKey);
}

interface Stored {
  action: Action;
  requestHash: string;
  grant?: string;
  redeemed: boolean;
  reported: boolean;
}

/**
 * An in-memory Countersign speaking the REST contract the SDK codes against: proposals with
 * Idempotency-Key replay and reuse checks, long-polls answered with the decision `decide` gives,
 * grants signed with a real Ed25519 key, single-use redemption and one outcome report.
 */
export class FakeApi {
  readonly requests: Recorded[] = [];
  private readonly store = new Map<string, Stored>();
  /** Decides an action when it is polled (undefined: still pending). Default: approved. */
  decide: (action: Action, polls: number) => DecisionOutcome | undefined = () => 'approved';
  /** Called before each request; a Response or Error returned is the answer instead (outages). */
  intercept: (req: Recorded) => Response | Error | undefined = () => undefined;
  private polls = 0;

  constructor(readonly keys: FakeKeys) {}

  get actions(): Action[] {
    return [...this.store.values()].map((s) => s.action);
  }

  stored(id: string): Stored | undefined {
    return this.store.get(id);
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = await record(input, init);
    this.requests.push(req);
    const intercepted = this.intercept(req);
    if (intercepted instanceof Error) throw intercepted;
    if (intercepted) return intercepted;
    return this.route(req);
  }) as typeof fetch;

  private async route(req: Recorded): Promise<Response> {
    const path = req.url.pathname;
    if (req.method === 'POST' && path === '/v1/actions') return this.propose(req);
    const m = /^\/v1\/actions\/([^/]+)(?:\/(grant|executions))?$/.exec(path);
    const stored = m ? this.store.get(m[1]) : undefined;
    if (!m || !stored) return problem(404, 'action-not-found');
    if (req.method === 'GET' && !m[2]) return json(200, this.poll(stored));
    if (req.method === 'GET' && m[2] === 'grant') return this.grant(stored);
    if (req.method === 'POST' && m[2] === 'executions') return this.execute(stored, req.body as Record<string, unknown>);
    return problem(404, 'not-found');
  }

  private propose(req: Recorded): Response {
    const body = req.body as { action: string; resource: string; params?: Record<string, unknown> };
    const key = req.headers.get('idempotency-key');
    const id = key ? `00000000-0000-5000-8000-${hashOf(key).slice(0, 12)}` : randomUUID();
    const requestHash = hashOf(body);
    const existing = this.store.get(id);
    if (existing) {
      if (existing.requestHash !== requestHash) {
        return problem(409, 'idempotency-key-reused', { detail: `Action ${id} was proposed with this key and another body; use a new key for a new action.` });
      }
      return json(200, existing.action, { 'idempotent-replayed': 'true' });
    }
    const params = body.params ?? {};
    const action: Action = {
      id, status: 'pending', action: body.action, resource: body.resource, params, paramsHash: hashOf(params), requester: 'demo-agent',
      ...(key ? { idempotencyKey: key } : {}),
      approval: { groups: ['data-stewards'], quorum: 1, eligible: ['alice'], deadline: new Date(Date.now() + 3_600_000).toISOString(), approvals: 0 },
      votes: [],
    };
    this.store.set(id, { action, requestHash, redeemed: false, reported: false });
    return json(201, action);
  }

  private poll(stored: Stored): Action {
    const a = stored.action;
    if (a.status === 'pending') {
      const outcome = this.decide(a, ++this.polls);
      if (outcome) {
        a.status = outcome;
        a.decision = { outcome, at: new Date().toISOString(), by: outcome === 'approved' ? ['alice'] : ['approval-router'], automatic: outcome !== 'approved', reason: `${outcome} in the test`, rule: 'prod-export', paramsHash: a.paramsHash! };
      }
    }
    return a;
  }

  private async grant(stored: Stored): Promise<Response> {
    const a = stored.action;
    if (a.status !== 'approved') return problem(409, 'not-approved');
    if (stored.redeemed) return problem(409, 'already-redeemed');
    stored.grant ??= await signGrant(this.keys, {
      sub: a.id, action: a.action, resource: a.resource, paramsHash: a.paramsHash, requester: a.requester, approvers: ['alice'], policyVersion: 'v1', rule: 'prod-export',
    });
    return json(200, { grant: stored.grant, kid: this.keys.kid, jti: 'jti-1', expiresAt: new Date(Date.now() + 300_000).toISOString() });
  }

  private execute(stored: Stored, body: Record<string, unknown>): Response {
    if (body.grant !== stored.grant) return problem(403, 'grant-invalid');
    if (hashOf(body.params) !== stored.action.paramsHash) return problem(403, 'grant-params-mismatch');
    if (body.outcome === undefined) {
      if (stored.redeemed) return problem(409, 'already-redeemed');
      stored.redeemed = true;
      stored.action.execution = { status: 'started', startedAt: new Date().toISOString() };
      return json(201, { execution: stored.action.execution, action: stored.action });
    }
    if (stored.reported) return problem(409, 'already-executed');
    stored.reported = true;
    stored.redeemed = true;
    stored.action.execution = { status: body.outcome as 'succeeded' | 'failed', ...(typeof body.error === 'string' ? { error: body.error } : {}) };
    return json(200, { execution: stored.action.execution, action: stored.action });
  }
}
