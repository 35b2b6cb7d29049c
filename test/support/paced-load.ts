/**
 * A paced (open-loop) load of proposals and votes through the HTTP API, behaving as a careful
 * client does while things fail: a request that got no answer (connection refused or reset) or a
 * 503 is retried, a proposal always with its own Idempotency-Key, so every retry converges on one
 * action. Every answer is kept, for the checks after the fault (log-invariants.ts).
 */
import { randomUUID } from 'node:crypto';
import { KEYS } from './api-client.ts';
import type { Outcome } from './log-invariants.ts';

/** What one proposal is, and so how it must end (test/fixtures/policies/e2e.yaml). */
export type Kind = 'allowed' | 'forbidden' | 'approved' | 'rejected' | 'escalated';

interface Plan { kind: Kind; body: Record<string, unknown>; votes: Array<{ key: string; verb: 'approve' | 'deny'; body: Record<string, unknown> }>; outcome: Outcome }

function plan(kind: Kind, resource: string): Plan {
  const approve = (key: string) => ({ key, verb: 'approve' as const, body: { comment: 'chaos' } });
  switch (kind) {
    case 'allowed': return { kind, body: { action: 'data.read', resource }, votes: [], outcome: 'approved' };
    case 'forbidden': return { kind, body: { action: 'db.drop', resource }, votes: [], outcome: 'denied' };
    case 'approved': return { kind, body: { action: 'data.export', resource, params: { rows: 10 } }, votes: [approve(KEYS.alice)], outcome: 'approved' };
    case 'rejected': return { kind, body: { action: 'data.export', resource, params: { rows: 20 } }, votes: [{ key: KEYS.bob, verb: 'deny', body: { reason: 'chaos' } }], outcome: 'denied' };
    case 'escalated': return { kind, body: { action: 'iam.escalate', resource: `iam/role/${resource.split('/').pop()}` }, votes: [approve(KEYS.alice), approve(KEYS.erin)], outcome: 'approved' };
  }
}

/** A mix of auto-decided proposals and ones that wait for one or two votes. */
function kindFor(r: number): Kind {
  if (r < 0.4) return 'allowed';
  if (r < 0.5) return 'forbidden';
  if (r < 0.7) return 'approved';
  if (r < 0.9) return 'rejected';
  return 'escalated';
}

/** One HTTP status per attempt; 0 when no answer came (refused, reset, timed out). */
export interface ProposalRecord {
  index: number;
  idempotencyKey: string;
  kind: Kind;
  outcome: Outcome;
  proposeStatuses: number[];
  /** Every action id an answer named: retries with one key must all name the same. */
  ids: Set<string>;
  /** Set once an answer accepted the proposal (200 replay, 201, 202). */
  id?: string;
  /** A status that said decided (201 or a vote's 200), must agree with the log. */
  told?: string;
  voteStatuses: number[][];
  /** Why the driver gave up on this proposal, if it did. */
  gaveUp?: string;
}

export interface LoadOptions {
  /** The gateway's base URL now: a replaced gateway listens elsewhere. */
  baseUrl: () => string;
  count: number;
  perSecond: number;
  random: () => number;
  /** Makes idempotency keys and resources unique to this run. */
  tag?: string;
  /** Requests in flight at most; beyond it the pace slips rather than pile up. Default 64. */
  maxInFlight?: number;
  /** How long one proposal (with its votes) may keep retrying. Default 300 s (a replacement process can take minutes to start on a busy machine). */
  patienceMs?: number;
}

export interface Load {
  records: ProposalRecord[];
  /** How many proposals were started, accepted, and fully done (votes included). */
  started(): number;
  accepted(): number;
  finished(): number;
  done: Promise<void>;
}

const RETRYABLE = (status: number) => status === 0 || status === 503 || status === 502 || status === 504;
const ACCEPTED = new Set([200, 201, 202]);
const DECIDED = new Set(['approved', 'denied']);

interface Answer { status: number; body: any }

async function call(baseUrl: string, apiKey: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** A client's pause before retrying (not a test waiting on time): 50 ms doubling to 1 s. */
const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));

export function startLoad(o: LoadOptions): Load {
  const tag = o.tag ?? randomUUID().slice(0, 8);
  const records: ProposalRecord[] = [];
  const patience = o.patienceMs ?? 300_000;
  let [started, accepted, finished, inFlight] = [0, 0, 0, 0];
  let freed: (() => void) | undefined;

  /** Retries `attempt` while it gets no answer or a 503, until the proposal's patience runs out. */
  async function retrying(record: ProposalRecord, deadline: number, what: string, statuses: number[], attempt: () => Promise<Answer>, done: (a: Answer) => boolean): Promise<Answer | undefined> {
    for (let n = 0; ; n += 1) {
      const answer = await attempt();
      statuses.push(answer.status);
      if (done(answer)) return answer;
      if (Date.now() > deadline) {
        // The last answer's problem detail names what was unavailable (the log, the read models).
        const detail = typeof answer.body?.detail === 'string' ? ` (last: ${answer.body.detail.slice(0, 200)})` : '';
        record.gaveUp = `${what}: still ${answer.status} after ${statuses.length} attempts${detail}`;
        return undefined;
      }
      await pause(n);
    }
  }

  async function one(index: number): Promise<void> {
    const p = plan(kindFor(o.random()), `prod/chaos-${tag}-${index}`);
    const record: ProposalRecord = { index, idempotencyKey: `${tag}-${index}`, kind: p.kind, outcome: p.outcome, proposeStatuses: [], ids: new Set(), voteStatuses: [] };
    records.push(record);
    const deadline = Date.now() + patience;
    const proposed = await retrying(record, deadline, 'propose', record.proposeStatuses,
      () => call(o.baseUrl(), KEYS.agent, 'POST', '/v1/actions', p.body, { 'idempotency-key': record.idempotencyKey }),
      (a) => {
        if (a.body?.id) record.ids.add(a.body.id);
        return !RETRYABLE(a.status);
      });
    if (!proposed || !ACCEPTED.has(proposed.status)) {
      record.gaveUp ??= `propose answered ${proposed?.status}: ${JSON.stringify(proposed?.body).slice(0, 300)}`;
      return;
    }
    record.id = proposed.body.id;
    accepted += 1;
    if (proposed.status === 201 && DECIDED.has(proposed.body.status)) record.told = proposed.body.status;
    const path = `/v1/actions/${record.id}`;
    for (const vote of p.votes) {
      // Votes need the action pending in the read model the gateway reads: 404 until it is projected.
      const statuses: number[] = [];
      record.voteStatuses.push(statuses);
      const pending = await retrying(record, deadline, 'wait pending', statuses, () => call(o.baseUrl(), vote.key, 'GET', path),
        (a) => a.status === 200 && a.body?.status !== 'proposed');
      if (!pending) return;
      if (pending.body.status !== 'pending') {
        record.gaveUp = `expected pending before voting, found ${pending.body.status}`;
        return;
      }
      // A retried vote whose first try landed is refused (409: a duplicate vote, or already
      // decided): the log, not the answer, then says what the vote did.
      const voted = await retrying(record, deadline, vote.verb, statuses, () => call(o.baseUrl(), vote.key, 'POST', `${path}/${vote.verb}`, vote.body),
        (a) => !RETRYABLE(a.status) && a.status !== 404);
      if (!voted) return;
      if (voted.status === 200 && DECIDED.has(voted.body?.status)) record.told = voted.body.status;
      else if (voted.status !== 200 && voted.status !== 202 && voted.status !== 409) {
        record.gaveUp = `${vote.verb} answered ${voted.status}: ${JSON.stringify(voted.body).slice(0, 300)}`;
        return;
      }
    }
  }

  const done = (async () => {
    const startedAt = Date.now();
    const running: Array<Promise<void>> = [];
    for (let i = 0; i < o.count; i += 1) {
      const wait = startedAt + (i * 1000) / o.perSecond - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight >= (o.maxInFlight ?? 64)) await new Promise<void>((r) => (freed = r));
      inFlight += 1;
      started += 1;
      running.push(one(i).finally(() => {
        inFlight -= 1;
        finished += 1;
        freed?.();
      }));
    }
    await Promise.all(running);
  })();
  return { records, started: () => started, accepted: () => accepted, finished: () => finished, done };
}

export interface LoadSummary {
  /** Every accepted action and the outcome it must end with (for checkLog). */
  expected: Map<string, Outcome>;
  proposals: number;
  accepted: number;
  /** Proposals by the answer that accepted them, and every answer to every attempt, by status. */
  acceptedBy: Record<string, number>;
  answers: Record<string, number>;
  /** Proposals that needed more than one attempt. */
  retried: number;
  votes: number;
  /** What no fault excuses: a proposal given up on, retries that named two actions, a 5xx but 503. */
  problems: string[];
}

export function summarize(load: Pick<Load, 'records'>): LoadSummary {
  const expected = new Map<string, Outcome>();
  const acceptedBy: Record<string, number> = {};
  const answers: Record<string, number> = {};
  const problems: string[] = [];
  let [retried, votes] = [0, 0];
  const count = (status: number) => void (answers[status] = (answers[status] ?? 0) + 1);
  for (const r of load.records) {
    r.proposeStatuses.forEach(count);
    r.voteStatuses.flat().forEach(count);
    votes += r.voteStatuses.length;
    if (r.proposeStatuses.length > 1) retried += 1;
    const at = `proposal ${r.index} (${r.kind}, key ${r.idempotencyKey})`;
    if (r.gaveUp) problems.push(`${at}: gave up: ${r.gaveUp}`);
    if (r.ids.size > 1) problems.push(`${at}: its retries named ${r.ids.size} actions: ${[...r.ids].join(', ')}`);
    const odd = [...r.proposeStatuses, ...r.voteStatuses.flat()].filter((s) => s >= 500 && s !== 503);
    if (odd.length > 0) problems.push(`${at}: answered ${odd.join(', ')}`);
    if (r.told && r.told !== r.outcome) problems.push(`${at}: a client was told ${r.told}, the plan was ${r.outcome}`);
    if (!r.id) continue;
    expected.set(r.id, r.outcome);
    const by = r.proposeStatuses.at(-1)!;
    acceptedBy[by] = (acceptedBy[by] ?? 0) + 1;
  }
  return { expected, proposals: load.records.length, accepted: expected.size, acceptedBy, answers, retried, votes, problems };
}
