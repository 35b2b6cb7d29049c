import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Countersign } from '@countersign/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  PromptListChangedNotificationSchema, ResourceListChangedNotificationSchema, ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { parseGateConfig } from './config.ts';
import { McpGate } from './gate.ts';

async function connected(server: { connect(t: InMemoryTransport): Promise<void> }): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

/** A gate over real in-memory upstreams, an agent connected to it; nothing here reaches Countersign. */
async function gateOver(upstreams: Record<string, McpServer>) {
  const config = parseGateConfig('gate.yaml', ['upstreams:', ...Object.keys(upstreams).map((s) => `  ${s}: { url: "http://127.0.0.1:1/${s}" }`)].join('\n'));
  const clients = Object.fromEntries(await Promise.all(Object.entries(upstreams).map(async ([name, server]) => [name, await connected(server)] as const)));
  const gate = new McpGate({ config, countersign: new Countersign({ url: 'http://127.0.0.1:1', apiKey: 'unused' }), upstreams: clients });
  return { gate, agent: await connected(gate.server) };
}

const waitFor = (agent: Client, schema: typeof ToolListChangedNotificationSchema | typeof PromptListChangedNotificationSchema | typeof ResourceListChangedNotificationSchema) =>
  new Promise<void>((resolve) => agent.setNotificationHandler(schema, () => resolve()));

describe('the gate\'s capabilities and list changes', () => {
  it('given upstreams with tools only, when the agent connects, then the gate offers tools, not prompts or resources', async () => {
    const { agent } = await gateOver({ files: new McpServer({ name: 'files', version: '1' }, { capabilities: { tools: {} } }) });
    const capabilities = agent.getServerCapabilities();
    assert.deepEqual(capabilities?.tools, { listChanged: true });
    assert.equal(capabilities?.prompts, undefined);
    assert.equal(capabilities?.resources, undefined);
  });

  it('given one upstream with tools and one with prompts and resources only, whose lists change, when it says so, then the agent is told and sees the new lists', async () => {
    const bank = new McpServer({ name: 'bank', version: '1' });
    bank.registerPrompt('audit', { description: 'Audit' }, () => ({ messages: [] }));
    bank.registerResource('ledger', 'ledger://q3', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'q3' }] }));
    const files = new McpServer({ name: 'files', version: '1' });
    files.registerTool('read_file', {}, () => ({ content: [] }));
    const { agent } = await gateOver({ files, bank });
    const capabilities = agent.getServerCapabilities();
    assert.deepEqual([capabilities?.prompts, capabilities?.resources, capabilities?.resources?.subscribe], [{ listChanged: true }, { listChanged: true }, undefined]);
    assert.deepEqual((await agent.listTools()).tools.map((t) => t.name), ['read_file', 'countersign_wait']);

    const tools = waitFor(agent, ToolListChangedNotificationSchema);
    files.registerTool('write_file', {}, () => ({ content: [] }));
    await tools;
    assert.deepEqual((await agent.listTools()).tools.map((t) => t.name), ['read_file', 'write_file', 'countersign_wait']);

    const prompts = waitFor(agent, PromptListChangedNotificationSchema);
    bank.registerPrompt('close_books', { description: 'Close' }, () => ({ messages: [] }));
    await prompts;
    assert.deepEqual((await agent.listPrompts()).prompts.map((p) => p.name), ['audit', 'close_books']);

    const resources = waitFor(agent, ResourceListChangedNotificationSchema);
    bank.registerResource('ledger-q4', 'ledger://q4', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'q4' }] }));
    await resources;
    assert.deepEqual((await agent.listResources()).resources.map((r) => r.uri), ['ledger://q3', 'ledger://q4']);
  });
});
