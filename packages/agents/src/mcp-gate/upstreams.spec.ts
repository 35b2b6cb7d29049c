import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_CALL_TIMEOUT_MS, type UpstreamConfig } from './config-schema.ts';
import { MAX_TOOL_PAGES, ToolNameConflict, UpstreamTools, type Upstream } from './upstreams.ts';

/** A real MCP server in memory listing these tool names, `perPage` a page; `pages()` counts the pages served. */
async function upstream(server: string, names: string[], options: { prefix?: string; perPage?: number; instructions?: string; endless?: boolean } = {}) {
  const tools = names.map((name) => ({ name, inputSchema: { type: 'object' as const } }));
  const mcp = new Server({ name: server, version: '1.0.0' }, { capabilities: { tools: {} }, ...(options.instructions ? { instructions: options.instructions } : {}) });
  let pages = 0;
  const perPage = options.perPage ?? tools.length;
  mcp.setRequestHandler(ListToolsRequestSchema, (request) => {
    pages += 1;
    const from = Number(request.params?.cursor ?? 0);
    const next = from + perPage;
    return { tools: tools.slice(from, next), ...(options.endless || next < tools.length ? { nextCursor: String(options.endless ? 0 : next) } : {}) };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide);
  const client = new Client({ name: 'gate', version: '1.0.0' });
  await client.connect(clientSide);
  const config: UpstreamConfig = { server, readOnly: [], tools: {}, prefix: options.prefix ?? '', callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS, transport: { kind: 'args' } };
  return { upstream: { config, client } satisfies Upstream, pages: () => pages };
}

describe('the upstream servers as one', () => {
  it('given two servers, one with a prefix and paged lists, when listed, then every page of both comes in order, the prefix on its names', async () => {
    const files = await upstream('files', ['read_file', 'delete_file', 'move_file'], { perPage: 1 });
    const bank = await upstream('bank', ['read_file', 'transfer_funds'], { prefix: 'bank_' });
    const tools = new UpstreamTools([files.upstream, bank.upstream]);
    assert.deepEqual((await tools.list()).map((t) => t.name), ['read_file', 'delete_file', 'move_file', 'bank_read_file', 'bank_transfer_funds']);
    assert.equal(files.pages(), 3);
    const route = await tools.resolve('bank_read_file');
    assert.ok(route && !(route instanceof ToolNameConflict));
    assert.equal(route.upstream.config.server, 'bank');
    assert.equal(route.tool.name, 'read_file', 'routes to the server\'s own name');
    assert.equal(await tools.resolve('bank_delete_file'), undefined);
  });

  it('given two servers exposing one name, when listed, then it is a conflict naming both, and the name routes nowhere', async () => {
    const files = await upstream('files', ['read_file', 'delete_file']);
    const mirror = await upstream('mirror', ['read_file']);
    const tools = new UpstreamTools([files.upstream, mirror.upstream]);
    await assert.rejects(tools.list(), (e: unknown) => e instanceof ToolNameConflict && e.tool === 'read_file' && e.servers.join() === 'files,mirror' && /prefix/.test(e.message));
    assert.ok((await tools.resolve('read_file')) instanceof ToolNameConflict);
    assert.equal((await tools.resolve('delete_file') as { upstream: Upstream }).upstream.config.server, 'files');
  });

  it('given a server that lists countersign_wait, when listed, then the gate\'s own tool is not shadowed', async () => {
    const odd = await upstream('odd', ['countersign_wait', 'ok']);
    const tools = new UpstreamTools([odd.upstream]);
    assert.deepEqual((await tools.list()).map((t) => t.name), ['ok']);
  });

  it('given a server that never stops paging, when listed, then the list fails after the page bound', async () => {
    const endless = await upstream('endless', ['a'], { endless: true });
    await assert.rejects(new UpstreamTools([endless.upstream]).list(), /endless listed more than 50 pages/);
    assert.equal(endless.pages(), MAX_TOOL_PAGES);
  });

  it('given instructions, when joined, then one server\'s stay as written and several are each headed by their server', async () => {
    const files = await upstream('files', ['a'], { instructions: 'Paths are relative.' });
    const bank = await upstream('bank', ['b'], { instructions: 'Amounts in cents.' });
    const quiet = await upstream('quiet', ['c']);
    assert.equal(new UpstreamTools([files.upstream]).instructions(), 'Paths are relative.');
    assert.equal(new UpstreamTools([files.upstream, quiet.upstream, bank.upstream]).instructions(), '## files\n\nPaths are relative.\n\n## bank\n\nAmounts in cents.');
    assert.equal(new UpstreamTools([quiet.upstream]).instructions(), undefined);
  });
});
