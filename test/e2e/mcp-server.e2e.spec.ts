import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Countersign } from '@countersign/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { KEYS } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { freePort, removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';

const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/mcp-policies'),
};

interface Answer {
  actionId: string;
  status: string;
  awaiting?: { groups: string[]; eligible: string[]; quorum: number };
  decision?: { outcome: string; by: string[]; reason?: string; rule?: string };
  next: string;
}

/** `countersign mcp` as an MCP client (an agent) starts it: a subprocess on stdio. */
async function connectMcp(url: string): Promise<Client> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('COUNTERSIGN_') && v !== undefined)) as Record<string, string>;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...cliNodeArgs(), 'mcp'],
    cwd: ROOT,
    env: { ...inherited, COUNTERSIGN_URL: url, COUNTERSIGN_API_KEY: KEYS.agent },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function call(mcp: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }> {
  const result = await mcp.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  return { isError: result.isError === true, text: content.map((c) => c.text).join('\n') };
}

async function answer<T = Answer>(mcp: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const r = await call(mcp, name, args);
  assert.equal(r.isError, false, r.text);
  return JSON.parse(r.text) as T;
}

describe(`countersign mcp: Countersign as an MCP server for agents that ask (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let mcp: Client;
  let alice: Countersign;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    alice = new Countersign({ url: cs.url, apiKey: KEYS.alice });
    mcp = await connectMcp(cs.url);
  });
  after(async () => {
    await mcp?.close();
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('given the server, when the agent lists tools, then the four tools are there with their input schemas', async () => {
    const { tools } = await mcp.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['get_action', 'list_my_pending', 'request_approval', 'wait_for_decision']);
    const request = tools.find((t) => t.name === 'request_approval')!;
    assert.deepEqual((request.inputSchema.required ?? []).sort(), ['action', 'resource']);
  });

  it('given an allowed action, when the agent requests approval, then it answers approved', async () => {
    const a = await answer(mcp, 'request_approval', { action: 'asks.report.read', resource: 'reports/q3', params: { page: 1 } });
    assert.equal(a.status, 'approved');
    assert.equal(a.decision?.rule, 'asks-reads');
  });

  it('given a gated action, then it answers pending naming who must approve; listed as pending; approved by alice, wait_for_decision answers approved', async () => {
    const key = `deploy-${Date.now()}`;
    const args = { action: 'asks.deploy', resource: 'prod/web', params: { version: '1.4.2' }, justification: 'release', key, waitSeconds: 0 };
    const a = await answer(mcp, 'request_approval', args);
    assert.equal(a.status, 'pending');
    assert.deepEqual(a.awaiting?.groups, ['data-stewards']);
    assert.deepEqual([...(a.awaiting?.eligible ?? [])].sort(), ['alice', 'bob']);
    assert.match(a.next, /wait_for_decision/);
    // Asking again finds the same action: no second proposal.
    assert.equal((await answer(mcp, 'request_approval', args)).actionId, a.actionId);

    await until(async () => (await answer<Answer[]>(mcp, 'list_my_pending', {})).some((p) => p.actionId === a.actionId), 'the pending action listed');

    const waiting = answer(mcp, 'wait_for_decision', { actionId: a.actionId, waitSeconds: 30 });
    await alice.approve(a.actionId, { comment: 'ship it' });
    const decided = await waiting;
    assert.equal(decided.status, 'approved');
    assert.deepEqual(decided.decision?.by, ['alice']);
    assert.equal((await answer(mcp, 'get_action', { actionId: a.actionId })).status, 'approved');
  });

  it('given a denied action, then the answer carries the rule and reason', async () => {
    const a = await answer(mcp, 'request_approval', { action: 'asks.db.drop', resource: 'prod/orders' });
    assert.equal(a.status, 'denied');
    assert.equal(a.decision?.reason, 'Dropping databases is never allowed.');
    assert.equal(a.decision?.rule, 'asks-no-drops');
  });

  it('given a bad argument or an unknown action, then the tool answers an error the model can read', async () => {
    const bad = await call(mcp, 'request_approval', { action: 'Not An Action', resource: 'x' });
    assert.equal(bad.isError, true);
    const unknown = await call(mcp, 'get_action', { actionId: '01a20092-629d-7000-8000-000000000000' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /Countersign refused the request: .*404/);
  });

  it('given Countersign unreachable, then the tool answers an error saying so', async () => {
    const down = await connectMcp(`http://127.0.0.1:${await freePort()}`);
    try {
      const r = await call(down, 'request_approval', { action: 'asks.report.read', resource: 'reports/q3' });
      assert.equal(r.isError, true);
      assert.match(r.text, /Countersign is unreachable at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await down.close();
    }
  });
});
