import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPagination, describeCall, describeCalls, type ApiCall } from './api-calls.ts';

const call = (path: string, query: Record<string, string> = {}, more: Partial<ApiCall> = {}): ApiCall => ({ method: 'GET', path, query, status: 200, ...more });

describe('the inbox pagination rule of bench/console', () => {
  it('accepts an inbox that reads who I am, one page of 50, the stream and an action', () => {
    const calls = [call('/v1/me'), call('/v1/actions', { approver: 'me', limit: '50' }, { items: 50, nextCursor: true }), call('/v1/stream', { approver: 'me' }), call('/v1/actions/act_1')];
    assert.deepEqual(checkPagination(calls, 1000), { ok: true, problems: [] });
  });

  it('accepts the next page asked for by cursor', () => {
    assert.equal(checkPagination([call('/v1/actions', { approver: 'me', cursor: 'abc' }, { items: 50 })], 1000).ok, true);
  });

  it('refuses a list fetched without limit or cursor', () => {
    const verdict = checkPagination([call('/v1/actions', { approver: 'me' }, { items: 50 })], 1000);
    assert.equal(verdict.ok, false);
    assert.match(verdict.problems[0], /without limit or cursor/);
  });

  it('refuses a limit that covers every pending action, and an answer that held them all', () => {
    const verdict = checkPagination([call('/v1/actions', { approver: 'me', limit: '1000' }, { items: 1000 })], 1000);
    assert.equal(verdict.problems.length, 2);
    assert.match(verdict.problems[0], /limit 1000 asks for all 1000/);
    assert.match(verdict.problems[1], /held 1000 items/);
  });

  it('refuses a list endpoint it does not know, so a new unpaged fetch cannot pass unseen', () => {
    const verdict = checkPagination([call('/v1/approvers', {}, { items: 3 })], 1000);
    assert.equal(verdict.ok, false);
    assert.match(verdict.problems[0], /does not know/);
  });

  it('accepts a few single reads beside a page (new requests from the live feed)', () => {
    const calls = [call('/v1/actions', { approver: 'me', limit: '25' }, { items: 25 }), ...Array.from({ length: 3 }, (_, i) => call(`/v1/actions/act_${i}`))];
    assert.equal(checkPagination(calls, 1000).ok, true);
  });

  it('refuses an inbox that fetched more actions one by one than a page holds', () => {
    const calls = [call('/v1/actions', { approver: 'me', limit: '25' }, { items: 25 }), ...Array.from({ length: 30 }, (_, i) => call(`/v1/actions/act_${i}`))];
    const verdict = checkPagination(calls, 1000);
    assert.equal(verdict.ok, false);
    assert.match(verdict.problems[0], /30 calls, more than a page of 25/);
    assert.deepEqual(describeCalls(calls), ['GET /v1/actions approver=me limit=25 → 200, 25 items', 'GET /v1/actions/:id × 30']);
  });

  it("accepts the caller's own short lists (delegations, passkeys) unpaged", () => {
    assert.equal(checkPagination([call('/v1/delegations', {}, { items: 2 }), call('/v1/passkeys', {}, { items: 1 })], 1000).ok, true);
  });

  it('describes a call in one line without the cursor itself', () => {
    assert.equal(describeCall(call('/v1/actions', { approver: 'me', limit: '50', cursor: 'secret' }, { items: 50, nextCursor: true })),
      'GET /v1/actions approver=me limit=50 cursor=… → 200, 50 items, more');
  });
});
