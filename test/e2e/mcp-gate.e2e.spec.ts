import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { Countersign, type Action } from '@countersign/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { client, KEYS } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { freePort, removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { createUpstreamServer } from '../support/mcp-upstream-tools.ts';
import { until } from '../support/until.ts';

const UPSTREAM = join(ROOT, 'test/support/mcp-upstream-server.ts');
const CLI = cliNodeArgs();
const FAST_RETRY = { retry: { attempts: 2, baseMs: 10, maxMs: 50 } };

interface Gate {
  client: Client;
  /** What reached the upstream, in order. */
  calls(): { tool: string; args: Record<string, unknown> }[];
  close(): Promise<void>;
}

describe(`the MCP gate in front of a real MCP server (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Countersign, alice: Countersign, erin: Countersign;
  let gate: Gate;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gate-'));

  /** The gate as the CLI runs it, wrapping the test server, with a real SDK client on its stdio. */
  async function startGate(name: string, pendingBound: string, upstreamUrl?: string, extra: string[] = []): Promise<Gate> {
    const callsFile = join(dir, `${name}-calls.jsonl`);
    const client = await connectGate(name, [
      ...extra,
      ...(upstreamUrl ? [`upstream: { url: "${upstreamUrl}" }`] : []),
      'server: files',
      `pendingBound: ${pendingBound}`,
      'progressInterval: 200ms',
      'readOnly: [read_file]',
      'tools:',
      '  transfer_funds: { resource: "accounts/{from}/{to}" }',
      '  delete_file: { resource: "files/{path}" }',
    ], upstreamUrl ? [] : ['--', ...upstreamCommand(callsFile)]);
    return { client, calls: () => callsIn(callsFile), close: () => client.close() };
  }

  /** Writes the configuration and connects a real SDK client over stdio to the CLI's gate. */
  async function connectGate(name: string, config: string[], rest: string[] = []): Promise<Client> {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, config.join('\n'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...CLI, 'mcp-gate', '--config', file, ...rest],
      cwd: ROOT,
      env: gateEnv(),
      stderr: 'inherit',
    });
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(transport);
    return client;
  }

  const gateEnv = () => ({ ...getDefaultEnvironment(), COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.agent });
  const upstreamCommand = (callsFile: string) => [process.execPath, '--import', 'tsx', UPSTREAM, callsFile];
  const callsIn = (callsFile: string): { tool: string; args: Record<string, unknown> }[] =>
    existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

  /** The test upstream served over Streamable HTTP in this process. */
  async function serveOverHttp(callsFile: string): Promise<{ url: string; close(): Promise<void> }> {
    const server = createUpstreamServer(callsFile);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
    await server.connect(transport);
    const http = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req as IncomingMessage) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      await transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`,
      close: async () => {
        await server.close();
        http.closeAllConnections();
        await new Promise((resolve) => http.close(resolve));
      },
    };
  }

  const call = (g: Pick<Gate, 'client'>, name: string, args: Record<string, unknown>, onprogress?: (p: { message?: string }) => void) =>
    g.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, resetTimeoutOnProgress: true, ...(onprogress ? { onprogress } : {}) }) as Promise<CallToolResult>;
  const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

  /** How many commands recorded the action's execution (its ExecutionStarted and ActionExecuted events' causes). */
  async function executionCommands(id: string): Promise<number> {
    let execution: { type: string; causationId: string }[] = [];
    // `/events` is a read model of its own: it may trail the action's view that said "executed".
    await until(async () => {
      const { events } = (await client(cs.url, KEYS.agent).get(`/v1/actions/${id}/events`)).body as { events: { type: string; causationId: string }[] };
      execution = events.filter((e) => e.type === 'ExecutionStarted' || e.type === 'ActionExecuted');
      return execution.some((e) => e.type === 'ActionExecuted');
    }, `the execution events of ${id}`);
    assert.deepEqual(execution.map((e) => e.type), ['ExecutionStarted', 'ActionExecuted']);
    return new Set(execution.map((e) => e.causationId)).size;
  }

  /** The pending action the gate proposed for these arguments (the key is per call, so found by what it asks). */
  async function pendingAction(action: string, params: Record<string, unknown>): Promise<Action> {
    let found: Action | undefined;
    await until(async () => {
      const page = await agent.list({ requester: 'me', status: 'pending', action, limit: 100 });
      found = page.items.find((a) => isDeepStrictEqual(a.params, params));
      return found !== undefined;
    }, `a pending ${action} with ${JSON.stringify(params)}`);
    return found!;
  }

  before(async () => {
    cs = await startCountersign({ env: { COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'), COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/mcp-policies') } });
    agent = new Countersign({ url: cs.url, apiKey: KEYS.agent, ...FAST_RETRY });
    alice = new Countersign({ url: cs.url, apiKey: KEYS.alice, ...FAST_RETRY });
    erin = new Countersign({ url: cs.url, apiKey: KEYS.erin, ...FAST_RETRY });
    gate = await startGate('main', '60s');
  });
  after(async () => {
    await gate?.close();
    await cs?.stop();
    if (cs) await removeDir(cs.dataDir);
    await removeDir(dir);
  });

  it('given the upstream tools, when listed through the gate, then they come unchanged plus countersign_wait', async () => {
    const upstreamTools = await startGate('listing', '60s');
    try {
      const { tools } = await upstreamTools.client.listTools();
      const names = tools.map((t) => t.name);
      assert.deepEqual(names, ['read_file', 'delete_file', 'transfer_funds', 'drop_table', 'countersign_wait']);
      const read = tools.find((t) => t.name === 'read_file')!;
      assert.equal(read.annotations?.readOnlyHint, true);
      assert.deepEqual(Object.keys(read.inputSchema.properties ?? {}), ['path']);
      assert.deepEqual(tools.find((t) => t.name === 'transfer_funds')!.inputSchema.required, ['from', 'to', 'amount']);
    } finally {
      await upstreamTools.close();
    }
  });

  it('given an allowed tool, when called, then it passes through unchanged and the execution is recorded', async () => {
    const result = await call(gate, 'read_file', { path: 'notes.txt' });
    assert.deepEqual(result, { content: [{ type: 'text', text: 'contents of notes.txt' }] });
    assert.deepEqual(gate.calls(), [{ tool: 'read_file', args: { path: 'notes.txt' } }]);
    let action: Action | undefined;
    await until(async () => {
      action = (await agent.list({ requester: 'me', action: 'mcp.files.read_file' })).items[0];
      return action !== undefined && (await agent.get(action.id)).execution?.status === 'succeeded';
    }, 'the read recorded as executed');
    // Allowed at once, it ran on the proposal's answer: start and outcome came in one report after it.
    assert.equal(await executionCommands(action!.id), 1);
  });

  it('given recordFirst, when an allowed tool is called, then its grant is redeemed before it runs and the outcome reported after', async () => {
    const strict = await startGate('record-first', '60s', undefined, ['recordFirst: true']);
    try {
      assert.deepEqual(await call(strict, 'read_file', { path: 'strict.txt' }), { content: [{ type: 'text', text: 'contents of strict.txt' }] });
      let action: Action | undefined;
      await until(async () => {
        action = (await agent.list({ requester: 'me', action: 'mcp.files.read_file', limit: 100 })).items.find((a) => isDeepStrictEqual(a.params, { path: 'strict.txt' }));
        return action !== undefined && (await agent.get(action.id)).execution?.status === 'succeeded';
      }, 'the strict read recorded as executed');
      assert.equal(await executionCommands(action!.id), 2, 'a redemption, then a report');
    } finally {
      await strict.close();
    }
  });

  it('given a gated tool, when approved, then it reaches the upstream once, after approval, with the approved arguments', async () => {
    const args = { path: 'reports/q3.csv' };
    const progress: string[] = [];
    const running = call(gate, 'delete_file', args, (p) => progress.push(p.message ?? ''));
    const action = await pendingAction('mcp.files.delete_file', args);
    assert.equal(action.resource, 'files/reports/q3.csv');
    assert.equal(gate.calls().filter((c) => c.tool === 'delete_file').length, 0, 'nothing runs before approval');
    await alice.approve(action.id, { comment: 'ok' });
    const result = await running;
    assert.deepEqual(result, { content: [{ type: 'text', text: 'deleted reports/q3.csv' }] });
    assert.deepEqual(gate.calls().filter((c) => c.tool === 'delete_file'), [{ tool: 'delete_file', args }]);
    assert.ok(progress.some((m) => m.includes(action.id)), `progress names the action: ${JSON.stringify(progress)}`);
    await until(async () => (await agent.get(action.id)).execution?.status === 'succeeded', 'the delete recorded as executed');
  });

  it('given an approved call whose upstream result is an error, when run, then the result comes back unchanged and the execution failed', async () => {
    const args = { path: 'missing.txt' };
    const running = call(gate, 'delete_file', args);
    const action = await pendingAction('mcp.files.delete_file', args);
    await alice.approve(action.id, {});
    assert.deepEqual(await running, { content: [{ type: 'text', text: 'no such file: missing.txt' }], isError: true });
    await until(async () => (await agent.get(action.id)).execution?.status === 'failed', 'the delete recorded as failed');
  });

  it('given denied, expired and cancelled calls, when answered, then the upstream never sees them and the model gets the reason', async () => {
    const before = gate.calls().length;
    const dropped = await call(gate, 'drop_table', { table: 'customers' });
    assert.equal(dropped.isError, true);
    assert.match(textOf(dropped), /denied.*rule mcp-no-drops.*Dropping tables through an agent is never allowed/);

    const refused = call(gate, 'delete_file', { path: 'keep.txt' });
    await alice.deny((await pendingAction('mcp.files.delete_file', { path: 'keep.txt' })).id, { reason: 'we still need it' });
    const denied = await refused;
    assert.equal(denied.isError, true);
    assert.match(textOf(denied), /denied.*we still need it/);

    const expired = await call(gate, 'transfer_funds', { from: 'petty', to: 'bob', amount: 5 });
    assert.equal(expired.isError, true);
    assert.match(textOf(expired), /expired.*rule mcp-petty-transfers/);

    const withdrawn = call(gate, 'transfer_funds', { from: 'ops', to: 'carol', amount: 7 });
    await agent.cancel((await pendingAction('mcp.files.transfer_funds', { from: 'ops', to: 'carol', amount: 7 })).id, { reason: 'changed my mind' });
    const cancelled = await withdrawn;
    assert.equal(cancelled.isError, true);
    assert.match(textOf(cancelled), /cancelled.*changed my mind/);
    assert.equal(gate.calls().length, before, 'none of them reached the upstream');
  });

  it('given an approved transfer, when retried with other arguments, then the retry needs a new approval', async () => {
    const first = { from: 'ops', to: 'dave', amount: 100 };
    const running = call(gate, 'transfer_funds', first);
    const approved = await pendingAction('mcp.files.transfer_funds', first);
    await erin.approve(approved.id, {});
    assert.equal((await running).isError, undefined);

    const other = { from: 'ops', to: 'mallory', amount: 100_000 };
    const retry = call(gate, 'transfer_funds', other);
    const second = await pendingAction('mcp.files.transfer_funds', other);
    assert.notEqual(second.id, approved.id);
    assert.equal(gate.calls().filter((c) => c.args.to === 'mallory').length, 0, 'the retry waits for its own approval');
    await erin.deny(second.id, { reason: 'not that account' });
    assert.equal((await retry).isError, true);
    assert.deepEqual(gate.calls().filter((c) => c.tool === 'transfer_funds'), [{ tool: 'transfer_funds', args: first }]);
  });

  it('given a call pending past the bound, when resumed with countersign_wait after approval, then it runs once', async () => {
    const short = await startGate('short', '1s');
    try {
      const args = { path: 'old/archive.zip' };
      const answer = await call(short, 'delete_file', args);
      assert.equal(answer.isError, undefined, 'pending is not an error');
      const id = /"actionId": "([0-9a-f-]{36})"/.exec(textOf(answer))?.[1];
      assert.ok(id, textOf(answer));
      assert.match(textOf(answer), /pending approval.*data-stewards.*alice, bob/s);
      assert.equal(short.calls().length, 0);

      const stillPending = await call(short, 'countersign_wait', { actionId: id });
      assert.match(textOf(stillPending), /pending approval/);
      await alice.approve(id, {});
      const resumed = await call(short, 'countersign_wait', { actionId: id });
      assert.deepEqual(resumed, { content: [{ type: 'text', text: 'deleted old/archive.zip' }] });
      const again = await call(short, 'countersign_wait', { actionId: id });
      assert.equal(again.isError, true);
      assert.match(textOf(again), /already run/);
      assert.deepEqual(short.calls(), [{ tool: 'delete_file', args }]);
    } finally {
      await short.close();
    }
  });

  it('given a Streamable HTTP upstream, when a gated call is approved, then it reaches the upstream once with the approved arguments', async () => {
    const callsFile = join(dir, 'http-calls.jsonl');
    const http = await serveOverHttp(callsFile);
    const remote = await startGate('http', '60s', http.url);
    const calls = () => callsIn(callsFile);
    try {
      assert.ok((await remote.client.listTools()).tools.some((t) => t.name === 'transfer_funds'));
      assert.deepEqual(await call(remote, 'read_file', { path: 'remote.txt' }), { content: [{ type: 'text', text: 'contents of remote.txt' }] });
      const args = { path: 'remote/old.log' };
      const running = call(remote, 'delete_file', args);
      const action = await pendingAction('mcp.files.delete_file', args);
      assert.equal(calls().filter((c) => c.tool === 'delete_file').length, 0);
      await alice.approve(action.id, {});
      assert.deepEqual(await running, { content: [{ type: 'text', text: 'deleted remote/old.log' }] });
      assert.deepEqual(calls(), [{ tool: 'read_file', args: { path: 'remote.txt' } }, { tool: 'delete_file', args }]);
    } finally {
      await remote.close();
      await http.close();
    }
  });

  it('given the upstream\'s prompt, when listed and got through the gate, then it comes unchanged and nothing is proposed', async () => {
    assert.deepEqual(gate.client.getServerCapabilities()?.prompts, { listChanged: true });
    const { prompts } = await gate.client.listPrompts();
    assert.deepEqual(prompts.map((p) => [p.name, p.description, p.arguments?.map((a) => a.name)]), [['summarize', 'Summarizes a topic', ['topic']]]);
    assert.deepEqual(await gate.client.getPrompt({ name: 'summarize', arguments: { topic: 'q3' } }), {
      description: 'A summary request', messages: [{ role: 'user', content: { type: 'text', text: 'Summarize q3 in three lines.' } }],
    });
  });

  it('given the upstream\'s resources, when listed and an allowed one read, then the contents come unchanged, the read reached the upstream once and its execution is recorded', async () => {
    assert.deepEqual(gate.client.getServerCapabilities()?.resources, { listChanged: true });
    assert.deepEqual((await gate.client.listResources()).resources.map((r) => r.uri), ['notes://public/readme', 'notes://secret/keys', 'notes://team/plan']);
    const read = await gate.client.readResource({ uri: 'notes://public/readme' });
    assert.deepEqual(read, { contents: [{ uri: 'notes://public/readme', mimeType: 'text/plain', text: 'Welcome to the notes.' }] });
    assert.deepEqual(gate.calls().filter((c) => c.tool === 'resources/read'), [{ tool: 'resources/read', args: { uri: 'notes://public/readme' } }]);
    let action: Action | undefined;
    await until(async () => {
      action = (await agent.list({ requester: 'me', action: 'mcp.files.resources.read', limit: 100 })).items.find((a) => isDeepStrictEqual(a.params, { uri: 'notes://public/readme' }));
      return action !== undefined && (await agent.get(action.id)).execution?.status === 'succeeded';
    }, 'the resource read recorded as executed');
    assert.equal(action!.resource, 'mcp/files/resources');
    assert.deepEqual((action!.context as { mcp?: unknown }).mcp, { server: 'files', resource: true, readOnly: true });
  });

  it('given a resource policy denies, when read, then the agent gets an MCP error with the reason and the upstream never sees it', async () => {
    await assert.rejects(gate.client.readResource({ uri: 'notes://secret/keys' }), (error: Error) =>
      /Countersign denied reading notes:\/\/secret\/keys \(rule mcp-private-notes\): Only public notes may be read through an agent\. The resource was not read/.test(error.message));
    // Behind a gate with one server, an unlisted URI goes to it, and policy decides (here: denied).
    await assert.rejects(gate.client.readResource({ uri: 'mail://inbox/1' }), /Countersign denied reading mail:\/\/inbox\/1/);
    assert.deepEqual(gate.calls().filter((c) => c.tool === 'resources/read').map((c) => c.args.uri), ['notes://public/readme']);
  });

  it('given a read pending past the bound, when retried after approval, then the same action is read once, and a later read resumed with countersign_wait comes as embedded contents', async () => {
    const short = await startGate('short-read', '1s');
    try {
      const uri = 'notes://team/plan';
      const reads = () => short.calls().filter((c) => c.tool === 'resources/read');
      let id: string | undefined;
      await assert.rejects(short.client.readResource({ uri }), (error: Error) => {
        id = /"actionId": "([0-9a-f-]{36})"/.exec(error.message)?.[1];
        return /-32001.*reading notes:\/\/team\/plan is pending approval.*data-stewards.*Retry resources\/read of this URI later/s.test(error.message);
      });
      assert.ok(id);
      assert.deepEqual(reads(), []);
      await alice.approve(id, {});
      const contents = { contents: [{ uri, mimeType: 'text/plain', text: 'Ship in May.' }] };
      assert.deepEqual(await short.client.readResource({ uri }), contents);
      assert.deepEqual(reads(), [{ tool: 'resources/read', args: { uri } }]);
      const proposed = (await agent.list({ requester: 'me', action: 'mcp.files.resources.read', limit: 100 })).items.filter((a) => isDeepStrictEqual(a.params, { uri }));
      assert.deepEqual(proposed.map((a) => a.id), [id], 'the retry picked the pending action up again');
      await until(async () => (await agent.get(id!)).execution?.status === 'succeeded', 'the approved read recorded as executed');

      let later: string | undefined;
      await assert.rejects(short.client.readResource({ uri }), (error: Error) => (later = /"actionId": "([0-9a-f-]{36})"/.exec(error.message)?.[1]) !== undefined);
      assert.notEqual(later, id, 'a read after one that ran asks anew');
      await alice.approve(later!, {});
      assert.deepEqual(await call(short, 'countersign_wait', { actionId: later }), { content: [{ type: 'resource', resource: contents.contents[0] }] });
      assert.equal(reads().length, 2);
    } finally {
      await short.close();
    }
  });

  describe('with two upstreams behind one gate: files over stdio, bank over Streamable HTTP with the prefix bank_', () => {
    let two: Client;
    let bank: { url: string; close(): Promise<void> };
    const filesCalls = join(dir, 'two-files-calls.jsonl');
    const bankCalls = join(dir, 'two-bank-calls.jsonl');

    before(async () => {
      bank = await serveOverHttp(bankCalls);
      two = await connectGate('two', [
        'pendingBound: 60s',
        'progressInterval: 200ms',
        'upstreams:',
        '  files:',
        `    command: ${JSON.stringify(upstreamCommand(filesCalls))}`,
        '    readOnly: [read_file]',
        '    tools: { delete_file: { resource: "files/{path}" } }',
        '    callTimeout: 2s',
        '  bank:',
        `    url: "${bank.url}"`,
        '    prefix: bank_',
        '    callTimeout: 30s',
        '    tools: { transfer_funds: { resource: "accounts/{from}/{to}" } }',
      ]);
    });
    after(async () => {
      await two?.close();
      await bank?.close();
    });

    it('given both servers, when listed through the gate, then both servers\' tools come, bank\'s prefixed, plus countersign_wait once', async () => {
      const { tools } = await two.listTools();
      assert.deepEqual(tools.map((t) => t.name), [
        'read_file', 'delete_file', 'transfer_funds', 'drop_table',
        'bank_read_file', 'bank_delete_file', 'bank_transfer_funds', 'bank_drop_table',
        'countersign_wait',
      ]);
      assert.deepEqual(tools.find((t) => t.name === 'bank_transfer_funds')!.inputSchema.required, ['from', 'to', 'amount']);
    });

    it('given both servers\' prompts and resources, when listed, then prompts come under each server\'s name and a URI both list is an error naming both', async () => {
      assert.deepEqual((await two.listPrompts()).prompts.map((p) => p.name), ['summarize', 'bank_summarize']);
      assert.match((await two.getPrompt({ name: 'bank_summarize', arguments: { topic: 'ledgers' } })).messages[0]!.content.type, /text/);
      await assert.rejects(two.listResources(), /the upstream MCP servers files and bank both list the resource "notes:\/\/public\/readme"/);
      await assert.rejects(two.readResource({ uri: 'notes://public/readme' }), /files and bank both list the resource/);
      assert.deepEqual([...callsIn(filesCalls), ...callsIn(bankCalls)].filter((c) => c.tool === 'resources/read'), []);
    });

    it('given an allowed call on each server, when called, then each reaches only its own upstream, unchanged', async () => {
      assert.deepEqual(await call({ client: two }, 'bank_read_file', { path: 'ledger.csv' }), { content: [{ type: 'text', text: 'contents of ledger.csv' }] });
      assert.deepEqual(callsIn(bankCalls), [{ tool: 'read_file', args: { path: 'ledger.csv' } }]);
      assert.deepEqual(callsIn(filesCalls), []);
      assert.deepEqual(await call({ client: two }, 'read_file', { path: 'notes.txt' }), { content: [{ type: 'text', text: 'contents of notes.txt' }] });
      assert.deepEqual(callsIn(filesCalls), [{ tool: 'read_file', args: { path: 'notes.txt' } }]);
      assert.equal(callsIn(bankCalls).length, 1);
    });

    it('given a gated call on the second server, when approved, then it is proposed as mcp.bank.<tool> and reaches that server once', async () => {
      const args = { from: 'ops', to: 'frank', amount: 42 };
      const running = call({ client: two }, 'bank_transfer_funds', args);
      const action = await pendingAction('mcp.bank.transfer_funds', args);
      assert.equal(action.resource, 'accounts/ops/frank');
      assert.deepEqual((action.context as { mcp?: unknown }).mcp, { server: 'bank', tool: 'transfer_funds', readOnly: false });
      assert.equal(callsIn(bankCalls).filter((c) => c.tool === 'transfer_funds').length, 0, 'nothing runs before approval');
      await erin.approve(action.id, {});
      assert.deepEqual(await running, { content: [{ type: 'text', text: 'moved 42 from ops to frank' }] });
      assert.deepEqual(callsIn(bankCalls).filter((c) => c.tool === 'transfer_funds'), [{ tool: 'transfer_funds', args }]);
      assert.equal(callsIn(filesCalls).filter((c) => c.tool === 'transfer_funds').length, 0, 'the other server never sees it');
      await until(async () => (await agent.get(action.id)).execution?.status === 'succeeded', 'the bank transfer recorded as executed');
    });

    it('given approved actions of the second server and of a server not behind this gate, when resumed with countersign_wait, then only the first runs, on its server', async () => {
      // Both under the bank's rule (it needs an approval); the context says which server ran it.
      const propose = async (server: string, args: Record<string, unknown>) => {
        const action = await agent.propose({ action: 'mcp.bank.transfer_funds', resource: `accounts/${String(args.from)}/${String(args.to)}`, params: args, context: { mcp: { server, tool: 'transfer_funds', readOnly: false } } });
        await erin.approve(action.id, {});
        return action.id;
      };
      const args = { from: 'ops', to: 'grace', amount: 9 };
      const resumed = await call({ client: two }, 'countersign_wait', { actionId: await propose('bank', args) });
      assert.deepEqual(resumed, { content: [{ type: 'text', text: 'moved 9 from ops to grace' }] });
      assert.deepEqual(callsIn(bankCalls).filter((c) => c.args.to === 'grace'), [{ tool: 'transfer_funds', args }]);

      const foreign = await call({ client: two }, 'countersign_wait', { actionId: await propose('vault', { from: 'ops', to: 'heidi', amount: 1 }) });
      assert.equal(foreign.isError, true);
      assert.match(textOf(foreign), /not a call through this gate \(servers files, bank\)/);
      assert.equal([...callsIn(bankCalls), ...callsIn(filesCalls)].filter((c) => c.args.to === 'heidi').length, 0);
    });

    it('given a call that outlasts its server\'s callTimeout, when run, then the gate stops waiting at that bound and the execution is recorded as failed', async () => {
      const args = { path: 'slow/backup.tar' };
      await assert.rejects(call({ client: two }, 'read_file', args), /timed out/i);
      let action: Action | undefined;
      await until(async () => {
        action = (await agent.list({ requester: 'me', action: 'mcp.files.read_file', limit: 100 })).items.find((a) => isDeepStrictEqual(a.params, args));
        return action !== undefined && (await agent.get(action.id)).execution?.status === 'failed';
      }, 'the slow read recorded as failed');
      assert.match((await agent.get(action!.id)).execution?.error ?? '', /timed out/i);
    });

    it('given a tool name both servers expose, when the gate starts, then it exits non-zero with one line naming both servers and the tool', async () => {
      const file = join(dir, 'conflict.yaml');
      writeFileSync(file, [
        'upstreams:',
        `  files: { command: ${JSON.stringify(upstreamCommand(join(dir, 'conflict-files.jsonl')))} }`,
        `  mirror: { command: ${JSON.stringify(upstreamCommand(join(dir, 'conflict-mirror.jsonl')))} }`,
      ].join('\n'));
      const exited = await promisify(execFile)(process.execPath, [...CLI, 'mcp-gate', '--config', file], { cwd: ROOT, env: gateEnv(), timeout: 60_000 })
        .then(() => ({ code: 0, stderr: '' }), (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }));
      assert.equal(exited.code, 1);
      assert.match(exited.stderr, /^countersign: the upstream MCP servers files and mirror both expose the tool "read_file"; give one of them a prefix[^\n]*\n$/);
    });
  });

  it('given the gate served over HTTP, when two agents call with their own keys, then each is the requester of its own action, and each session keeps its key', async () => {
    const port = await freePort();
    const callsFile = join(dir, 'listen-calls.jsonl');
    const file = join(dir, 'listen.yaml');
    writeFileSync(file, ['server: files', 'pendingBound: 60s', 'readOnly: [read_file]'].join('\n'));
    // gateEnv() sets COUNTERSIGN_API_KEY to the agent's key: with --listen it must be ignored.
    const child = spawn(process.execPath, [...CLI, 'mcp-gate', '--config', file, '--listen', `127.0.0.1:${port}`, '--', ...upstreamCommand(callsFile)], {
      cwd: ROOT, env: gateEnv(), stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}/mcp`;
    const clients: Client[] = [];
    const connectAs = async (key: string) => {
      const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
      const agentClient = new Client({ name: 'e2e-http-agent', version: '1.0.0' });
      await agentClient.connect(transport);
      clients.push(agentClient);
      return { client: agentClient, transport };
    };
    const post = (body: unknown, headers: Record<string, string>) => fetch(url, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
    try {
      await until(async () => stderr.includes(`listening on ${url}`) || child.exitCode !== null, 'the gate listening');
      assert.equal(child.exitCode, null, stderr);
      const first = await connectAs(KEYS.agent);
      const second = await connectAs(KEYS.bob);
      assert.deepEqual(await call(first, 'read_file', { path: 'http-agent.txt' }), { content: [{ type: 'text', text: 'contents of http-agent.txt' }] });
      assert.deepEqual(await call(second, 'read_file', { path: 'http-bob.txt' }), { content: [{ type: 'text', text: 'contents of http-bob.txt' }] });
      const bob = new Countersign({ url: cs.url, apiKey: KEYS.bob, ...FAST_RETRY });
      const requesterOf = async (as: Countersign, path: string) =>
        (await as.list({ requester: 'me', action: 'mcp.files.read_file', limit: 100 })).items.find((a) => isDeepStrictEqual(a.params, { path }))?.requester;
      assert.equal(await requesterOf(agent, 'http-agent.txt'), 'demo-agent');
      assert.equal(await requesterOf(bob, 'http-bob.txt'), 'bob');

      const noKey = await post(initialize, {});
      assert.equal(noKey.status, 401);
      assert.equal(noKey.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await post(initialize, { authorization: 'Bearer not-a-key' })).status, 401);
      const hijack = await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, { authorization: `Bearer ${KEYS.agent}`, 'mcp-session-id': second.transport.sessionId! });
      assert.equal(hijack.status, 403);
      assert.ok((await second.client.listTools()).tools.some((t) => t.name === 'read_file'), 'the session is untouched');
      const unknown = await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, { authorization: `Bearer ${KEYS.agent}`, 'mcp-session-id': randomUUID() });
      assert.equal(unknown.status, 404);
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
  });

  // Last: it stops Countersign.
  it('given Countersign stopped, when tools are called, then none reaches the upstream and the model is told why', async () => {
    const before = gate.calls().length;
    await cs.stop();
    for (const [name, args] of [['read_file', { path: 'a.txt' }], ['delete_file', { path: 'b.txt' }]] as const) {
      const result = await call(gate, name, args);
      assert.equal(result.isError, true);
      assert.match(textOf(result), /Countersign could not be reached.*did not run \(fail closed\)/);
    }
    assert.equal(gate.calls().length, before);
  });
});
