import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Agent, run, RunState, setTracingDisabled, tool } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import { Countersign, type Action } from '@countersign/sdk';
import { countersignApproval, resolveInterruptions } from '@countersign/agents';
import { KEYS } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';

const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/agent-runtime-policies'),
};
const FAST_RETRY = { retry: { attempts: 2, baseMs: 10, maxMs: 50 } };
const MAPPING = { action: (name: string) => `agents.${name}`, resource: (_name: string, args: Record<string, unknown>) => `files/${String(args.path)}` };

// No network: the scripted model stands in for OpenAI, and no traces are exported.
setTracingDisabled(true);

/** A fresh agent, as a restarted process builds it: its tools record what actually ran. */
function makeAgent(cs: Countersign, model: ScriptedModel, ran: string[]) {
  const needsApproval = countersignApproval(cs, MAPPING);
  const tools = ['delete_file', 'read_file', 'drop_table'].map((name) =>
    tool({
      name,
      description: `${name} of a path`,
      // A default: the input needsApproval sees differs from the model's raw arguments.
      parameters: z.object({ path: z.string(), force: z.boolean().default(false) }),
      needsApproval: needsApproval(name),
      execute: async ({ path }) => {
        ran.push(`${name} ${path}`);
        return `${name} done: ${path}`;
      },
    }),
  );
  return new Agent({ name: 'files', instructions: 'Manage files.', model, tools });
}

/** The tool outputs the model was given in its last call. */
function toolOutputs(model: ScriptedModel): string[] {
  const input = model.lastCall?.request.input;
  const items = (Array.isArray(input) ? input : []) as unknown as { type?: string; output?: unknown }[];
  return items.filter((item) => item.type === 'function_call_result').map((item) => JSON.stringify(item.output));
}

describe(`OpenAI Agents SDK adapter: needsApproval and the interruption resolver (${SHAPE})`, () => {
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

  /** The pending action of a delete of `path`, as alice's queue shows it. */
  async function pendingDelete(path: string): Promise<Action> {
    let found: Action | undefined;
    await until(async () => {
      const page = await alice.list({ status: 'pending', action: 'agents.delete_file', approver: 'me' });
      found = page.items.find((a) => a.resource === `files/${path}`);
      return found !== undefined;
    }, `a pending delete of ${path}`);
    return found!;
  }

  it('given a gated tool call, when the run is serialised, restored after a restart and alice approves, then the tool runs once and the model gets its output', async () => {
    const path = `reports/${Date.now()}-a.txt`;
    const ran: string[] = [];
    const first = new ScriptedModel([[functionCall('delete_file', { path }, { callId: `call-${Date.now()}-a` })]]);
    const result = await run(makeAgent(agentCs, first, ran), `delete ${path}`);
    assert.equal(result.interruptions.length, 1);
    assert.equal(result.interruptions[0].name, 'delete_file');
    assert.deepEqual(ran, []);
    const saved = result.state.toString();

    // A restart: a new agent, model and client; only the serialised state survives.
    const restartedCs = new Countersign({ url: cs.url, apiKey: KEYS.agent, ...FAST_RETRY });
    const second = new ScriptedModel([[assistantMessage('The file is deleted.')]]);
    const agent = makeAgent(restartedCs, second, ran);
    const restored = await RunState.fromString(agent, saved);

    const action = await pendingDelete(path);
    assert.deepEqual(action.params, { path, force: false });
    const [state] = await Promise.all([
      resolveInterruptions(restartedCs, restored, { ...MAPPING, timeout: 60_000 }),
      alice.approve(action.id, { comment: 'fine' }),
    ]);
    const resumed = await run(agent, state);
    assert.equal(resumed.finalOutput, 'The file is deleted.');
    assert.deepEqual(ran, [`delete_file ${path}`]);
    assert.ok(toolOutputs(second).some((o) => o.includes(`delete_file done: ${path}`)), toolOutputs(second).join());
    first.assertComplete();
    second.assertComplete();
    assert.equal((await agentCs.get(action.id)).status, 'approved');
  });

  it('given a gated tool call, when alice denies it, then the tool never runs and the model sees the rejection with her reason', async () => {
    const path = `reports/${Date.now()}-b.txt`;
    const ran: string[] = [];
    const first = new ScriptedModel([[functionCall('delete_file', { path }, { callId: `call-${Date.now()}-b` })]]);
    const result = await run(makeAgent(agentCs, first, ran), `delete ${path}`);
    assert.equal(result.interruptions.length, 1);
    const saved = result.state.toString();

    const second = new ScriptedModel([[assistantMessage('I could not delete it.')]]);
    const agent = makeAgent(agentCs, second, ran);
    const action = await pendingDelete(path);
    const [state] = await Promise.all([
      resolveInterruptions(agentCs, await RunState.fromString(agent, saved), { ...MAPPING, timeout: 60_000 }),
      alice.deny(action.id, { reason: 'keep the quarterly reports' }),
    ]);
    const resumed = await run(agent, state);
    assert.equal(resumed.finalOutput, 'I could not delete it.');
    assert.deepEqual(ran, []);
    const outputs = toolOutputs(second);
    assert.ok(outputs.some((o) => o.includes('was denied') && o.includes('keep the quarterly reports') && o.includes(action.id)), outputs.join());
    assert.equal((await agentCs.get(action.id)).status, 'denied');
  });

  it('given a call policy allows at once, then the run is not interrupted and the tool runs; given one policy denies, then the model sees the rule\'s reason', async () => {
    const path = `reports/${Date.now()}-c.txt`;
    const ran: string[] = [];
    const model = new ScriptedModel([[functionCall('read_file', { path }, { callId: `call-${Date.now()}-c` })], [assistantMessage('Read it.')]]);
    const result = await run(makeAgent(agentCs, model, ran), `read ${path}`);
    assert.equal(result.interruptions.length, 0);
    assert.equal(result.finalOutput, 'Read it.');
    assert.deepEqual(ran, [`read_file ${path}`]);

    const dropModel = new ScriptedModel([[functionCall('drop_table', { path: 'customers' }, { callId: `call-${Date.now()}-d` })]]);
    const dropped = await run(makeAgent(agentCs, dropModel, ran), 'drop customers');
    assert.equal(dropped.interruptions.length, 1);
    const after = new ScriptedModel([[assistantMessage('Not allowed.')]]);
    const agent = makeAgent(agentCs, after, ran);
    const resumed = await run(agent, await resolveInterruptions(agentCs, await RunState.fromString(agent, dropped.state.toString()), MAPPING));
    assert.equal(resumed.finalOutput, 'Not allowed.');
    assert.deepEqual(ran, [`read_file ${path}`]);
    assert.ok(toolOutputs(after).some((o) => o.includes('Dropping tables is never allowed.')), toolOutputs(after).join());
  });
});
