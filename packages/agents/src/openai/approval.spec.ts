import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Countersign, paramsHash, type Action } from '@countersign/sdk';
import { countersignApproval, paramsFromArguments, proposeToolCall, toolParams } from './approval.ts';
import { rejection } from './resolve.ts';

const MAPPING = { action: (name: string) => `agents.${name}`, resource: (_: string, args: Record<string, unknown>) => `files/${String(args.path)}` };

/** A Countersign whose proposals answer `status` (and `extra`), recording each Idempotency-Key and body. */
function stub(status: Action['status'], extra: Record<string, unknown> = {}) {
  const sent: { key: string; body: Record<string, unknown> }[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    sent.push({ key: new Headers(init?.headers).get('idempotency-key')!, body });
    return new Response(JSON.stringify({ id: '0190f5b8-0000-7000-8000-000000000001', status, ...body, ...extra }), { status: 201, headers: { 'content-type': 'application/json' } });
  };
  return { cs: new Countersign({ url: 'http://countersign.test', apiKey: 'k', fetch: fetch as typeof globalThis.fetch }), sent };
}

describe('OpenAI adapter: tool calls as actions', () => {
  it('given any JSON object as arguments, then the params are that object, as needsApproval sees the parsed input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (args) => {
        assert.deepEqual(paramsFromArguments(JSON.stringify(args)), toolParams(JSON.parse(JSON.stringify(args))));
      }),
      { numRuns: 200 },
    );
  });

  it('given arguments that are not an object or not JSON, then they become { input }, never an error', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const params = paramsFromArguments(text);
      assert.equal(typeof params, 'object');
    }), { numRuns: 200 });
    assert.deepEqual(paramsFromArguments('not json'), { input: 'not json' });
    assert.deepEqual(paramsFromArguments('[1]'), { input: [1] });
    assert.deepEqual(paramsFromArguments(''), {});
  });

  it('given the same call, then needsApproval (normalised input) and the resolver (raw arguments) propose under one key; another call id or tool gets another', async () => {
    const { cs, sent } = stub('pending');
    await countersignApproval(cs, MAPPING)('delete_file')({}, { path: 'a', force: false }, 'call-1');
    await proposeToolCall(cs, MAPPING, { toolName: 'delete_file', callId: 'call-1', args: paramsFromArguments('{"path":"a"}') });
    await proposeToolCall(cs, MAPPING, { toolName: 'delete_file', callId: 'call-2', args: { path: 'a', force: false } });
    await proposeToolCall(cs, MAPPING, { toolName: 'read_file', callId: 'call-1', args: { path: 'a', force: false } });
    assert.equal(sent[0].key, sent[1].key);
    assert.equal(new Set(sent.map((s) => s.key)).size, 3);
    assert.deepEqual(sent[0].body, { action: 'agents.delete_file', resource: 'files/a', params: { path: 'a', force: false }, context: { runtime: 'openai-agents', tool: 'delete_file', callId: 'call-1' } });
  });

  it('given a call id already proposed with other arguments, then needsApproval refuses rather than ride on that decision', async () => {
    const { cs } = stub('approved', { paramsHash: await paramsHash({ path: 'other' }) });
    await assert.rejects(countersignApproval(cs, MAPPING)('delete_file')({}, { path: 'a' }, 'call-1'), /proposed before with other arguments/);
    const same = stub('approved', { paramsHash: await paramsHash({ path: 'a' }) });
    assert.equal(await countersignApproval(same.cs, MAPPING)('delete_file')({}, { path: 'a' }, 'call-1'), false);
  });

  it('given a policy answer, then needsApproval lets the tool run only when approved at once', async () => {
    for (const [status, needs] of [['approved', false], ['pending', true], ['proposed', true], ['denied', true]] as const) {
      assert.equal(await countersignApproval(stub(status).cs, MAPPING)('delete_file')({}, { path: 'a' }, 'c'), needs, status);
    }
    await assert.rejects(countersignApproval(stub('approved').cs, MAPPING)('delete_file')({}, { path: 'a' }), /no call id/);
  });

  it('given a decision that is not an approval, then the model reads what happened and why', () => {
    const base = { id: 'a1', action: 'agents.delete_file', resource: 'files/a' };
    assert.equal(rejection({ ...base, status: 'denied', decision: { outcome: 'denied', reason: 'keep it' } } as unknown as Action), 'Countersign: this call (action a1) was denied: keep it. It did not run.');
    assert.match(rejection({ ...base, status: 'expired' } as Action), /expired before anyone approved it\. It did not run\./);
    assert.match(rejection({ ...base, status: 'cancelled' } as Action), /was cancelled\. It did not run\./);
  });
});
