import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Annotation, Command, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { ActionDenied, Countersign } from '@countersign/sdk';
import { approvalNode, requireApproval, type ApprovalInterrupt } from '@countersign/agents';
import { KEYS } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';

const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/agent-runtime-policies'),
};
const FAST_RETRY = { retry: { attempts: 2, baseMs: 10, maxMs: 50 } };

const State = Annotation.Root({
  path: Annotation<string>(),
  outcome: Annotation<string>(),
});

/**
 * plan → delete → END, where delete is gated by Countersign. Built anew for each "process"; the
 * checkpointer is what survives between them, as a durable one would.
 */
function buildGraph(cs: Countersign, checkpointer: MemorySaver, deleted: string[]) {
  return new StateGraph(State)
    .addNode('plan', () => ({ outcome: 'planned' }))
    .addNode('delete', async (state) => {
      try {
        const { action, grant } = await requireApproval(cs, { action: 'agents.delete_file', resource: `files/${state.path}`, params: { path: state.path } });
        deleted.push(state.path);
        return { outcome: `deleted under ${action.id}${grant ? ' with a grant' : ''}` };
      } catch (error) {
        if (error instanceof ActionDenied) return { outcome: `denied: ${error.reason}` };
        throw error; // GraphInterrupt among others: it must reach LangGraph.
      }
    })
    .addEdge(START, 'plan')
    .addEdge('plan', 'delete')
    .addEdge('delete', END)
    .compile({ checkpointer });
}

/** approve → (approved? delete) → END: the approval in a node of its own, the guarded node routed after it. */
function buildRoutedGraph(cs: Countersign, checkpointer: MemorySaver, deleted: string[]) {
  const Routed = Annotation.Root({ path: Annotation<string>(), approvedAs: Annotation<string>(), outcome: Annotation<string>() });
  return new StateGraph(Routed)
    .addNode('approve', approvalNode(cs, (state: typeof Routed.State) => ({ action: 'agents.delete_file', resource: `files/${state.path}`, params: { path: state.path } }), {
      onApproved: ({ action }) => ({ approvedAs: action.id }),
      onRejected: (error) => ({ outcome: `not approved: ${error.action.status}` }),
    }))
    .addNode('delete', (state) => {
      deleted.push(state.path);
      return { outcome: `deleted under ${state.approvedAs}` };
    })
    .addEdge(START, 'approve')
    .addConditionalEdges('approve', (state) => (state.approvedAs ? 'delete' : END), ['delete', END])
    .addEdge('delete', END)
    .compile({ checkpointer });
}

/** The Countersign interrupt the graph stopped at, if any. */
async function pendingInterrupt(graph: { getState: ReturnType<typeof buildGraph>['getState'] }, config: { configurable: { thread_id: string } }): Promise<ApprovalInterrupt | undefined> {
  const snapshot = await graph.getState(config);
  return snapshot.tasks.flatMap((t) => t.interrupts).map((i) => i.value as ApprovalInterrupt).find((v) => v?.type === 'countersign-approval');
}

describe(`LangGraph adapter: requireApproval raises interrupt() and resumes from the decision (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agentCs: Countersign, alice: Countersign;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    agentCs = new Countersign({ url: cs.url, apiKey: KEYS.agent, ...FAST_RETRY });
    alice = new Countersign({ url: cs.url, apiKey: KEYS.alice, ...FAST_RETRY });
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('given a gated step, when the graph is resumed before the decision it interrupts again; once alice approves, the step runs once', async () => {
    const checkpointer = new MemorySaver();
    const deleted: string[] = [];
    const config = { configurable: { thread_id: `thread-${Date.now()}-a` } };
    const path = `reports/${Date.now()}-a.txt`;
    const graph = buildGraph(agentCs, checkpointer, deleted);

    await graph.invoke({ path }, config);
    const pending = await pendingInterrupt(graph, config);
    assert.ok(pending, 'the graph is interrupted for an approval');
    assert.equal(pending.status, 'pending');
    assert.equal(pending.action, 'agents.delete_file');
    assert.equal(pending.resource, `files/${path}`);
    assert.ok(pending.approvers.includes('alice'), pending.approvers.join());
    assert.deepEqual(deleted, []);

    // A resume that claims approval is not believed: the action is still pending.
    const restarted = buildGraph(new Countersign({ url: cs.url, apiKey: KEYS.agent, ...FAST_RETRY }), checkpointer, deleted);
    await restarted.invoke(new Command({ resume: { approved: true } }), config);
    assert.equal((await pendingInterrupt(restarted, config))?.actionId, pending.actionId);
    assert.deepEqual(deleted, []);

    await alice.approve(pending.actionId, { comment: 'fine' });
    const final = await restarted.invoke(new Command({ resume: 'decided' }), config);
    assert.deepEqual(deleted, [path]);
    assert.equal(final.outcome, `deleted under ${pending.actionId} with a grant`);
    assert.equal(await pendingInterrupt(restarted, config), undefined);
    assert.equal((await agentCs.get(pending.actionId)).status, 'approved');
  });

  it('given a gated step, when alice denies it, then the step never runs and the graph records the denial, whatever the resume value says', async () => {
    const checkpointer = new MemorySaver();
    const deleted: string[] = [];
    const config = { configurable: { thread_id: `thread-${Date.now()}-b` } };
    const path = `reports/${Date.now()}-b.txt`;
    const graph = buildGraph(agentCs, checkpointer, deleted);

    await graph.invoke({ path }, config);
    const pending = await pendingInterrupt(graph, config);
    assert.ok(pending);
    await alice.deny(pending.actionId, { reason: 'keep the quarterly reports' });
    const final = await graph.invoke(new Command({ resume: { approved: true } }), config);
    assert.deepEqual(deleted, []);
    assert.equal(final.outcome, 'denied: keep the quarterly reports');
    assert.equal((await graph.getState(config)).values.outcome, 'denied: keep the quarterly reports');
  });

  it('given an approval node before the guarded node, then the guarded node runs once after an approval and never after a denial', async () => {
    const checkpointer = new MemorySaver();
    const deleted: string[] = [];
    const graph = buildRoutedGraph(agentCs, checkpointer, deleted);
    const yes = { configurable: { thread_id: `thread-${Date.now()}-d1` } };
    const no = { configurable: { thread_id: `thread-${Date.now()}-d2` } };
    const path = `reports/${Date.now()}-d.txt`;
    await graph.invoke({ path }, yes);
    await graph.invoke({ path }, no);
    const [a, b] = [await pendingInterrupt(graph, yes), await pendingInterrupt(graph, no)];
    assert.ok(a && b);
    await alice.approve(a.actionId, {});
    await alice.deny(b.actionId, { reason: 'no' });
    assert.equal((await graph.invoke(new Command({ resume: true }), yes)).outcome, `deleted under ${a.actionId}`);
    assert.equal((await graph.invoke(new Command({ resume: true }), no)).outcome, 'not approved: denied');
    assert.deepEqual(deleted, [path]);
  });

  it('given two threads with the same step, then each needs its own approval', async () => {
    const checkpointer = new MemorySaver();
    const graph = buildGraph(agentCs, checkpointer, []);
    const path = `reports/${Date.now()}-c.txt`;
    const one = { configurable: { thread_id: `thread-${Date.now()}-c1` } };
    const two = { configurable: { thread_id: `thread-${Date.now()}-c2` } };
    await graph.invoke({ path }, one);
    await graph.invoke({ path }, two);
    const [a, b] = [await pendingInterrupt(graph, one), await pendingInterrupt(graph, two)];
    assert.ok(a && b);
    assert.notEqual(a.actionId, b.actionId);
  });
});
