import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Annotation, Command, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { ActionExpired, Countersign, type Action } from '@countersign/sdk';
import { requireApproval, type ApprovalInterrupt } from './approval.ts';

const ID = '0190f5b8-0000-7000-8000-000000000002';

/** A Countersign whose one action has the status `status.now`, recording each proposal's Idempotency-Key. */
function stub(status: { now: Action['status'] }) {
  const keys: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    if (init?.method === 'POST') keys.push(new Headers(init.headers).get('idempotency-key')!);
    if (String(url).endsWith('/grant')) return new Response(JSON.stringify({ grant: 'g.r.ant', kid: 'k', jti: 'j', expiresAt: '2030-01-01T00:00:00Z' }), { headers: { 'content-type': 'application/json' } });
    const action = {
      id: ID, status: status.now, action: 'agents.delete_file', resource: 'files/a',
      approval: { groups: ['data-stewards'], quorum: 1, eligible: ['alice', 'bob'], deadline: '2030-01-01T00:00:00Z', approvals: 0 },
    };
    return new Response(JSON.stringify(action), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { cs: new Countersign({ url: 'http://countersign.test', apiKey: 'k', fetch: fetch as typeof globalThis.fetch }), keys };
}

function graphOf(cs: Countersign, ran: string[]) {
  const State = Annotation.Root({ outcome: Annotation<string>() });
  return new StateGraph(State)
    .addNode('step', async () => {
      const { action, grant } = await requireApproval(cs, { action: 'agents.delete_file', resource: 'files/a', params: { path: 'a' } });
      ran.push(action.id);
      return { outcome: grant?.grant ?? 'no grant' };
    })
    .addEdge(START, 'step')
    .addEdge('step', END)
    .compile({ checkpointer: new MemorySaver() });
}

describe('LangGraph adapter: requireApproval', () => {
  it('given a pending action, then the graph is interrupted with it and who may approve; a resume runs the step only once Countersign says approved', async () => {
    const status: { now: Action['status'] } = { now: 'pending' };
    const { cs, keys } = stub(status);
    const ran: string[] = [];
    const graph = graphOf(cs, ran);
    const config = { configurable: { thread_id: 't1' } };
    await graph.invoke({}, config);
    const value = (await graph.getState(config)).tasks[0].interrupts[0].value as ApprovalInterrupt;
    assert.deepEqual(value, {
      type: 'countersign-approval', actionId: ID, status: 'pending', action: 'agents.delete_file', resource: 'files/a',
      approvers: ['alice', 'bob'], groups: ['data-stewards'], quorum: 1, approvals: 0, deadline: '2030-01-01T00:00:00Z',
    });
    await graph.invoke(new Command({ resume: { approved: true } }), config);
    assert.deepEqual(ran, []);
    status.now = 'approved';
    const final = await graph.invoke(new Command({ resume: 'go' }), config);
    assert.deepEqual(ran, [ID]);
    assert.equal(final.outcome, 'g.r.ant');
    assert.equal(new Set(keys).size, 1, 'every re-run of the node proposes under the one key');
  });

  it('given another thread, then the step is proposed under another key', async () => {
    const { cs, keys } = stub({ now: 'pending' });
    const graph = graphOf(cs, []);
    await graph.invoke({}, { configurable: { thread_id: 't1' } });
    await graph.invoke({}, { configurable: { thread_id: 't2' } });
    assert.equal(new Set(keys).size, 2);
  });

  it('given an expired action, then the node gets ActionExpired and the step never runs', async () => {
    const ran: string[] = [];
    await assert.rejects(graphOf(stub({ now: 'expired' }).cs, ran).invoke({}, { configurable: { thread_id: 't3' } }), (e: unknown) => e instanceof ActionExpired);
    assert.deepEqual(ran, []);
  });

  it('given no thread id, then it refuses before proposing anything', async () => {
    const { cs, keys } = stub({ now: 'approved' });
    await assert.rejects(requireApproval(cs, { action: 'a', resource: 'r' }, { config: {} }), /needs a thread_id/);
    assert.deepEqual(keys, []);
  });
});
