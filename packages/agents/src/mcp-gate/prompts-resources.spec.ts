import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { UpstreamConflict, type Upstream } from './catalog.ts';
import { DEFAULT_CALL_TIMEOUT_MS } from './config-schema.ts';
import { UpstreamPrompts } from './prompts.ts';
import { readActionName, readError, readResourceName } from './resource-reads.ts';
import { UnroutableUri, UpstreamResources } from './resources.ts';

interface Offer {
  prefix?: string;
  prompts?: string[];
  /** Prompts per page. */
  perPage?: number;
  resources?: string[];
  /** Resource templates; undefined: the server has no templates/list at all. */
  templates?: string[];
}

/** A real MCP server in memory offering these prompts and resources; `gets` records prompts/get. */
async function upstream(server: string, offer: Offer) {
  const capabilities = { ...(offer.prompts ? { prompts: {} } : {}), ...(offer.resources ? { resources: {} } : {}) };
  const mcp = new Server({ name: server, version: '1.0.0' }, { capabilities });
  const gets: unknown[] = [];
  if (offer.prompts) {
    const prompts = offer.prompts.map((name) => ({ name, description: `${name} of ${server}` }));
    const perPage = offer.perPage ?? prompts.length;
    mcp.setRequestHandler(ListPromptsRequestSchema, (request) => {
      const from = Number(request.params?.cursor ?? 0);
      return { prompts: prompts.slice(from, from + perPage), ...(from + perPage < prompts.length ? { nextCursor: String(from + perPage) } : {}) };
    });
    mcp.setRequestHandler(GetPromptRequestSchema, (request) => {
      gets.push(request.params);
      return { description: server, messages: [{ role: 'user', content: { type: 'text', text: `${request.params.name} from ${server}` } }] };
    });
  }
  if (offer.resources) {
    mcp.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: offer.resources!.map((uri) => ({ uri, name: uri })) }));
    if (offer.templates) {
      mcp.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: offer.templates!.map((uriTemplate) => ({ uriTemplate, name: uriTemplate })) }));
    }
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide);
  const client = new Client({ name: 'gate', version: '1.0.0' });
  await client.connect(clientSide);
  const upstream: Upstream = {
    config: { server, readOnly: [], tools: {}, prefix: offer.prefix ?? '', callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS, transport: { kind: 'args' } },
    client,
  };
  return { upstream, gets };
}

describe('the upstream servers\' prompts as one', () => {
  it('given two servers with prompts, one prefixed and paged, and one without, when listed and got, then all come in order and each goes to its server under its own name', async () => {
    const files = await upstream('files', { prompts: ['summarize', 'review', 'explain'], perPage: 2 });
    const tools = await upstream('tools-only', {});
    const bank = await upstream('bank', { prefix: 'bank_', prompts: ['summarize'] });
    const prompts = new UpstreamPrompts([files.upstream, tools.upstream, bank.upstream]);
    assert.equal(prompts.offered, true);
    assert.deepEqual((await prompts.list()).map((p) => [p.name, p.description]), [
      ['summarize', 'summarize of files'], ['review', 'review of files'], ['explain', 'explain of files'], ['bank_summarize', 'summarize of bank'],
    ]);
    const got = await prompts.get('bank_summarize', { topic: 'q3' });
    assert.deepEqual(got, { description: 'bank', messages: [{ role: 'user', content: { type: 'text', text: 'summarize from bank' } }] });
    assert.deepEqual(bank.gets, [{ name: 'summarize', arguments: { topic: 'q3' } }]);
    assert.deepEqual(files.gets, []);
    await assert.rejects(prompts.get('bank_review', undefined), (e: unknown) => e instanceof McpError && /no prompt is named "bank_review"/.test(e.message));
  });

  it('given two servers exposing one prompt name, when listed or got, then it is an error naming both, and neither server is asked', async () => {
    const files = await upstream('files', { prompts: ['summarize', 'review'] });
    const mirror = await upstream('mirror', { prompts: ['summarize'] });
    const prompts = new UpstreamPrompts([files.upstream, mirror.upstream]);
    await assert.rejects(prompts.list(), (e: unknown) => e instanceof UpstreamConflict && e.kind === 'prompt' && e.servers.join() === 'files,mirror' && /both expose the prompt "summarize"; give one of them a prefix/.test(e.message));
    await assert.rejects(prompts.get('summarize', undefined), /files and mirror both expose the prompt "summarize"/);
    assert.deepEqual([...files.gets, ...mirror.gets], []);
    assert.equal((await prompts.get('review', undefined)).description, 'files');
  });

  it('given no server with prompts, when asked, then the gate offers none', async () => {
    assert.equal(new UpstreamPrompts([(await upstream('files', { resources: [] })).upstream]).offered, false);
  });
});

describe('the upstream servers\' resources as one', () => {
  it('given two servers, when listed, then every resource and template comes in order, URIs unchanged, and reads route to the server that listed the URI', async () => {
    const files = await upstream('files', { prefix: 'f_', resources: ['notes://public/readme', 'notes://secret/keys'], templates: ['notes://drafts/{name}'] });
    const bank = await upstream('bank', { resources: ['ledger://2026/q3'], templates: ['ledger://{year}/{quarter}'] });
    const resources = new UpstreamResources([files.upstream, (await upstream('prompts-only', { prompts: [] })).upstream, bank.upstream]);
    assert.deepEqual(resources.upstreams.map((u) => u.config.server), ['files', 'bank']);
    assert.deepEqual((await resources.list()).map((r) => r.uri), ['notes://public/readme', 'notes://secret/keys', 'ledger://2026/q3']);
    assert.deepEqual((await resources.templates()).map((t) => t.uriTemplate), ['notes://drafts/{name}', 'ledger://{year}/{quarter}']);
    assert.equal((await resources.route('notes://secret/keys')).config.server, 'files');
    assert.equal((await resources.route('ledger://2026/q3')).config.server, 'bank');
    assert.equal((await resources.route('notes://drafts/plan')).config.server, 'files', 'by template prefix');
    assert.equal((await resources.route('ledger://2025/q1')).config.server, 'bank', 'by template prefix');
    await assert.rejects(resources.route('mail://inbox/1'), (e: unknown) => e instanceof UnroutableUri && /no upstream MCP server lists the resource "mail:\/\/inbox\/1".*\(servers files, bank\)/.test(e.message));
  });

  it('given one server with resources, when a URI it never listed is read, then it goes to that server (servers serve URIs they do not list)', async () => {
    const files = await upstream('files', { resources: ['notes://public/readme'] });
    const resources = new UpstreamResources([files.upstream, (await upstream('prompts-only', { prompts: [] })).upstream]);
    assert.equal((await resources.route('file:///srv/data/deep/report.csv')).config.server, 'files');
  });

  it('given a URI two servers list, when listed or routed, then it is an error naming both', async () => {
    const files = await upstream('files', { resources: ['notes://public/readme', 'notes://files/only'] });
    const mirror = await upstream('mirror', { resources: ['notes://public/readme'] });
    const resources = new UpstreamResources([files.upstream, mirror.upstream]);
    await assert.rejects(resources.list(), (e: unknown) => e instanceof UpstreamConflict && e.kind === 'resource' && /files and mirror both list the resource "notes:\/\/public\/readme"/.test(e.message));
    await assert.rejects(resources.route('notes://public/readme'), UpstreamConflict);
    assert.equal((await resources.route('notes://files/only')).config.server, 'files');
  });

  it('given a URI that matches templates of two servers, when routed, then it is refused naming both candidates', async () => {
    const files = await upstream('files', { resources: [], templates: ['notes://{path}'] });
    const mirror = await upstream('mirror', { resources: [], templates: ['notes://public/{name}'] });
    const resources = new UpstreamResources([files.upstream, mirror.upstream]);
    await assert.rejects(resources.route('notes://public/readme'), /matches resource templates of the upstream MCP servers files, mirror; the gate does not pick one/);
    assert.equal((await resources.route('notes://private/x')).config.server, 'files');
  });

  it('given a server without resource templates, when listed and routed, then it has none rather than fail', async () => {
    const plain = await upstream('plain', { resources: ['notes://a'] });
    const resources = new UpstreamResources([plain.upstream]);
    assert.deepEqual(await resources.templates(), []);
    assert.equal((await resources.route('notes://a')).config.server, 'plain');
    assert.equal((await resources.route('notes://b')).config.server, 'plain', 'the only server');
  });

  it('given a server name, when a read is named, then it is mcp.<server>.resources.read on mcp/<server>/resources', () => {
    assert.equal(readActionName('Files'), 'mcp.files.resources.read');
    assert.equal(readResourceName('Files'), 'mcp/files/resources');
  });

  it('given a read still pending past the bound, when answered, then the MCP error names the action and both ways to go on', () => {
    const error = readError({ kind: 'pending', action: {
      id: '01a2b3c4-0000-7000-8000-000000000002', status: 'pending', action: 'mcp.files.resources.read', resource: 'mcp/files/resources',
      approval: { groups: ['data-stewards'], quorum: 1, eligible: ['alice'], deadline: '2026-12-03T16:00:00Z', approvals: 0 },
    } }, 'notes://team/plan');
    assert.equal(error.code, ErrorCode.RequestTimeout);
    assert.match(error.message, /reading notes:\/\/team\/plan is pending approval; action 01a2b3c4-.* \(mcp\.files\.resources\.read on mcp\/files\/resources\) needs approval from data-stewards/);
    assert.match(error.message, /Retry resources\/read of this URI later .*countersign_wait with \{"actionId": "01a2b3c4-0000-7000-8000-000000000002"\}/);
  });
});
