import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { GateUpstreams, parseGateConfig } from '@countersign/agents/mcp-gate';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HttpGate, MAX_BODY_BYTES } from './mcp-gate-http.ts';
import { parseListen } from './mcp-gate-listen.ts';

/** Countersign as far as the key check goes: `good-key` lists, any other key is refused. */
function fakeCountersign(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const ok = req.headers.authorization === 'Bearer good-key';
    res.writeHead(ok ? 200 : 401, { 'content-type': ok ? 'application/json' : 'application/problem+json' });
    res.end(JSON.stringify(ok ? { items: [], nextCursor: null } : { title: 'Unauthorized', status: 401 }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('mcp-gate --listen: what the HTTP gate refuses before any session sees it', () => {
  let countersign: { server: Server; url: string };
  let gate: HttpGate;
  let port: number;

  /** A raw request, so the Host and the body can be anything. */
  function send(options: { path?: string; host?: string; key?: string; body?: string; headers?: Record<string, string> }) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method: 'POST', path: options.path ?? '/mcp',
        headers: {
          host: options.host ?? `127.0.0.1:${port}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers,
        },
      }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(options.body ?? JSON.stringify(initialize));
    });
  }

  before(async () => {
    countersign = await fakeCountersign();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await new McpServer({ name: 'files', version: '1' }, { capabilities: { tools: {} } }).connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    const config = parseGateConfig('gate.yaml', 'upstreams:\n  files: { url: "http://127.0.0.1:1/files" }\n');
    const address = parseListen(`127.0.0.1:${(port = await freePort())}`);
    gate = new HttpGate({ config, upstreams: new GateUpstreams(config, { files: client }), address, countersignUrl: countersign.url, maxSessions: 2, log: () => {} });
    await gate.listen();
  });
  after(async () => {
    await gate?.close();
    countersign?.server.close();
  });

  it('given another path, a foreign Host or no key, when requested, then 404, 403 and 401 with WWW-Authenticate', async () => {
    assert.equal((await send({ path: '/', key: 'good-key' })).status, 404);
    assert.equal((await send({ host: 'evil.example:80', key: 'good-key' })).status, 403);
    const noKey = await send({});
    assert.equal(noKey.status, 401);
    assert.equal(noKey.headers['www-authenticate'], 'Bearer');
    assert.equal((await send({ key: 'bad-key' })).status, 401);
  });

  it('given a body past 1 MiB or not JSON, when posted, then 413, or 400 with a JSON-RPC parse error', async () => {
    assert.equal((await send({ key: 'good-key', body: 'x'.repeat(MAX_BODY_BYTES + 1) })).status, 413);
    const malformed = await send({ key: 'good-key', body: '{"jsonrpc":' });
    assert.equal(malformed.status, 400);
    assert.equal(JSON.parse(malformed.body).error.code, -32700);
  });

  it('given the most sessions open, when another initializes, then 503 with Retry-After, and an unknown session is 404', async () => {
    assert.equal((await send({ key: 'good-key' })).status, 200);
    assert.equal((await send({ key: 'localhost-ok', host: `localhost:${port}` })).status, 401, 'localhost:<port> passes the Host check on loopback');
    assert.equal((await send({ key: 'good-key' })).status, 200);
    assert.equal(gate.sessionCount, 2);
    const full = await send({ key: 'good-key' });
    assert.equal(full.status, 503);
    assert.equal(full.headers['retry-after'], '60');
    const unknown = await send({ key: 'good-key', body: '{"jsonrpc":"2.0","id":2,"method":"tools/list"}', headers: { 'mcp-session-id': 'nope' } });
    assert.equal(unknown.status, 404);
  });
});

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  }));
}
