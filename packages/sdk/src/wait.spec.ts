import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Countersign } from './client.js';
import { CountersignUnavailable, WaitTimedOut } from './errors.js';
import { hang, json, networkError, recordingSleep, scriptedFetch, type Reply } from './testing/replies.js';
import type { Action } from './types.js';

const ID = '01a20091-eb2d-75d6-af37-4376e1c720d1';
const at = (status: string, updatedAt: string, extra: Record<string, unknown> = {}) => ({ id: ID, status, updatedAt, ...extra });

function countersign(replies: Reply[]) {
  const stub = scriptedFetch(replies);
  const sleep = recordingSleep();
  const cs = new Countersign({ url: 'http://cs.test', apiKey: 'k', fetch: stub.fetch, retry: { attempts: 2, baseMs: 1 } }, { sleep: sleep.sleep });
  return { cs, calls: stub.calls, pauses: sleep.waits };
}

/** A long-poll's answer: the action as it is when the server lets the poll go. */
const held = (body: unknown): Reply => async () => json(200, body);

describe('waitForDecision', () => {
  it('given an action decided after a few polls, looks once at once, then long-polls with ?wait= and reports each change once', async () => {
    const { cs, calls } = countersign([held(at('pending', 't1')), held(at('pending', 't1')), held(at('pending', 't2', { approval: { approvals: 1 } })), held(at('approved', 't3'))]);
    const updates: Action[] = [];
    const action = await cs.waitForDecision(ID, { onUpdate: (a) => updates.push(a), pollMs: 60_000 });
    assert.equal(action.status, 'approved');
    assert.equal(calls.length, 4);
    assert.ok(calls.every((c) => c.url.pathname === `/v1/actions/${ID}`));
    assert.deepEqual(calls.map((c) => c.url.searchParams.get('wait')), ['0ms', '60000ms', '60000ms', '60000ms']);
    assert.deepEqual(updates.map((u) => u.updatedAt), ['t1', 't2', 't3']);
  });

  it('given a timeout, never asks the server to hold longer than what is left, and ends with WaitTimedOut carrying the action', async () => {
    const { cs, calls } = countersign([held(at('pending', 't1'))]);
    const error = await cs.waitForDecision(ID, { timeout: 0 }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitTimedOut);
    assert.equal(error.actionId, ID);
    assert.equal(error.action.status, 'pending');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].url.searchParams.get('wait'), '0ms');
  });

  it('given a timeout of a few ms, asks for no more than that', async () => {
    const { cs, calls } = countersign([held(at('pending', 't1'))]);
    await assert.rejects(cs.waitForDecision(ID, { timeout: 50 }), WaitTimedOut);
    assert.ok(calls.every((c) => Number(c.url.searchParams.get('wait')!.replace('ms', '')) <= 50));
  });

  it('given a server that answers at once instead of holding the poll, paces the polls instead of spinning', async () => {
    const { cs, calls, pauses } = countersign([held(at('pending', 't1')), held(at('pending', 't1')), held(at('denied', 't2'))]);
    assert.equal((await cs.waitForDecision(ID)).status, 'denied');
    assert.equal(calls.length, 3);
    assert.equal(pauses.length, 2);
    assert.ok(pauses.every((ms) => ms > 0 && ms <= 1_000));
  });

  it('given an abort while the poll is held, rejects with the reason and polls no more', async () => {
    const controller = new AbortController();
    const { cs, calls } = countersign([(req, signal) => {
      queueMicrotask(() => controller.abort(new Error('agent shutting down')));
      return (hang as (r: typeof req, s?: AbortSignal) => Promise<Response>)(req, signal);
    }]);
    await assert.rejects(cs.waitForDecision(ID, { signal: controller.signal }), /agent shutting down/);
    assert.equal(calls.length, 1);
  });

  it('given a restart, a new wait by id picks up the same action (no state but the id)', async () => {
    const first = countersign([held(at('pending', 't1'))]);
    await assert.rejects(first.cs.waitForDecision(ID, { timeout: 0 }), WaitTimedOut);
    const second = countersign([held(at('approved', 't2'))]);
    assert.equal((await second.cs.waitForDecision(ID)).status, 'approved');
    assert.ok([...first.calls, ...second.calls].every((c) => c.method === 'GET'));
  });

  it('given Countersign down for longer than the retries, throws CountersignUnavailable', async () => {
    const { cs, calls } = countersign([networkError('ECONNREFUSED')]);
    await assert.rejects(cs.waitForDecision(ID), CountersignUnavailable);
    assert.equal(calls.length, 2);
  });

  it('given an answer about another action, does not take it for this one', async () => {
    const { cs } = countersign([json(200, { id: 'someone-else', status: 'approved' })]);
    await assert.rejects(cs.waitForDecision(ID), CountersignUnavailable);
  });
});
