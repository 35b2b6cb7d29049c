// `countersign mcp-gate --listen <host:port>`: the gate served over MCP Streamable HTTP at /mcp,
// one stateful session per agent, each with its own gate (McpGate) over the upstreams started once
// (GateUpstreams). The agent's identity is its own API key (`Authorization: Bearer <key>`): its
// session's gate proposes with it, so each agent is the requester of its own actions, and the gate
// itself holds no key. Refused precisely, before anything reaches a session or Countersign: another
// path (404), a foreign Host (403, DNS rebinding), no key (401), an oversized (413) or malformed
// (400) body, too many sessions (503); a session's later requests must carry its initialize's key
// (403), an unknown session is 404 (docs/agents.md "Serving the gate over HTTP").
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Countersign, RequestRejected } from '@countersign/sdk';
import { McpGate, type GateConfig, type GateUpstreams } from '@countersign/agents/mcp-gate';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { CLI_USER_AGENT } from './client-options.ts';
import { allowedHosts, bearerKey, keyDigest, sameKey, type ListenAddress } from './mcp-gate-listen.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
export const IDLE_MS = 30 * 60_000;

export interface HttpGateOptions {
  config: GateConfig;
  upstreams: GateUpstreams;
  address: ListenAddress;
  /** Countersign's base URL; the key is each agent's own. */
  countersignUrl: string;
  maxSessions: number;
  idleMs?: number;
  log: (line: string) => void;
}

interface Session {
  id?: string;
  gate: McpGate;
  transport: StreamableHTTPServerTransport;
  /** SHA-256 of the key the session was initialized with. */
  digest: Buffer;
  lastSeen: number;
  /** POSTs in flight: a call waiting for approval is not idleness. */
  busy: number;
  closed: boolean;
}

class Refusal extends Error {
  constructor(readonly status: number, readonly code: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export class HttpGate {
  private readonly sessions = new Map<string, Session>();
  /** Initializes whose key is being checked: they count against maxSessions too. */
  private opening = 0;
  private readonly hosts: string[];
  private readonly http: HttpServer;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: HttpGateOptions) {
    this.hosts = allowedHosts(options.address);
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (error instanceof Refusal) return reply(res, error);
        options.log(`countersign mcp-gate: ${req.method} ${req.url}: ${(error as Error).message}`);
        reply(res, new Refusal(500, -32603, 'Internal error'));
      });
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async listen(): Promise<void> {
    const { host, port } = this.options.address;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    const idleMs = this.options.idleMs ?? IDLE_MS;
    this.sweeper = setInterval(() => this.sweep(idleMs), Math.min(idleMs / 2, 60_000));
    this.sweeper.unref();
  }

  /** Stops listening, then closes every session (waiting for its execution reports). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const stopped = new Promise((resolve) => this.http.close(resolve));
    await Promise.allSettled([...this.sessions.values()].map((s) => this.closeSession(s)));
    this.http.closeAllConnections();
    await stopped;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? '/', 'http://gate').pathname !== '/mcp') throw new Refusal(404, -32000, 'Not found: the gate serves MCP at /mcp');
    // The transport checks the Host too, but only once a session handles the request: checked here
    // first, a page rebound to this address cannot even have a key tried against Countersign.
    if (!this.hosts.includes(req.headers.host ?? '')) throw new Refusal(403, -32000, `Invalid Host header: ${JSON.stringify(req.headers.host ?? '')}`);
    const key = bearerKey(req.headers.authorization);
    if (key === undefined) throw unauthorized('send the agent\'s Countersign API key as Authorization: Bearer <key>');
    const id = req.headers['mcp-session-id'];
    if (Array.isArray(id)) throw new Refusal(400, -32000, 'Bad Request: one Mcp-Session-Id header');
    if (id !== undefined) return this.continueSession(id, key, req, res);
    if (req.method !== 'POST') throw new Refusal(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const body = await readJson(req, res);
    if (!isInitializeRequest(body)) throw new Refusal(400, -32000, 'Bad Request: No valid session ID provided');
    return this.openSession(key, body, req, res);
  }

  private async continueSession(id: string, key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) throw new Refusal(404, -32001, 'Session not found');
    // Another key is another agent: the session is left as it was.
    if (!sameKey(session.digest, key)) throw new Refusal(403, -32000, 'Forbidden: this session was opened with another API key');
    session.lastSeen = Date.now();
    if (req.method !== 'POST') return session.transport.handleRequest(req, res);
    session.busy += 1;
    try {
      await session.transport.handleRequest(req, res, await readJson(req, res));
    } finally {
      session.busy -= 1;
      session.lastSeen = Date.now();
    }
  }

  private async openSession(key: string, body: unknown, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.sessions.size + this.opening >= this.options.maxSessions) {
      throw new Refusal(503, -32000, `Service Unavailable: ${this.options.maxSessions} sessions are open, the most this gate serves`, { 'retry-after': '60' });
    }
    this.opening += 1;
    let countersign: Countersign;
    try {
      countersign = new Countersign({ url: this.options.countersignUrl, apiKey: key, userAgent: CLI_USER_AGENT });
      await checkKey(countersign);
    } finally {
      this.opening -= 1;
    }
    const { config, upstreams, log } = this.options;
    const session: Session = {
      gate: new McpGate({ config, countersign, upstreams, log }),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          session.id = id;
          this.sessions.set(id, session);
        },
        enableDnsRebindingProtection: true,
        allowedHosts: this.hosts,
      }),
      digest: keyDigest(key),
      lastSeen: Date.now(),
      busy: 0,
      closed: false,
    };
    // A client's DELETE, or the transport failing, ends the session here too.
    session.gate.server.onclose = () => void this.closeSession(session);
    try {
      await session.gate.server.connect(session.transport);
      await session.transport.handleRequest(req, res, body);
    } finally {
      // An initialize the transport refused opened nothing to keep.
      if (session.id === undefined) await this.closeSession(session);
    }
  }

  private async closeSession(session: Session): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    if (session.id !== undefined) this.sessions.delete(session.id);
    await session.gate.close().catch((error: unknown) => this.options.log(`countersign mcp-gate: closing session ${session.id}: ${(error as Error).message}`));
  }

  private sweep(idleMs: number): void {
    const before = Date.now() - idleMs;
    for (const session of this.sessions.values()) {
      if (session.busy === 0 && session.lastSeen < before) void this.closeSession(session);
    }
  }
}

/** One cheap authenticated request: a key Countersign refuses is 401, Countersign out of reach 503 (fail closed). */
async function checkKey(countersign: Countersign): Promise<void> {
  try {
    await countersign.list({ requester: 'me', limit: 1 });
  } catch (error) {
    if (error instanceof RequestRejected && (error.status === 401 || error.status === 403)) throw unauthorized('Countersign refused this API key');
    throw new Refusal(503, -32000, `Service Unavailable: Countersign could not check the API key: ${(error as Error).message}`, { 'retry-after': '5' });
  }
}

function unauthorized(why: string): Refusal {
  return new Refusal(401, -32000, `Unauthorized: ${why}`, { 'www-authenticate': 'Bearer' });
}

/** The body as JSON, at most MAX_BODY_BYTES (413 past it, the connection closed), 400 with a parse error when not JSON. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const tooLarge = () => {
    res.setHeader('connection', 'close');
    return new Refusal(413, -32000, `Payload Too Large: a request body is at most ${MAX_BODY_BYTES} bytes`);
  };
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  // Listeners, not `for await`: leaving that loop early destroys the socket before the 413 is sent.
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      then();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) settle(() => reject(tooLarge()));
      else if (!settled) chunks.push(chunk);
    });
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', (error) => settle(() => reject(error)));
  });
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal(400, -32700, 'Parse error: the request body is not JSON');
  }
}

function reply(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) return void res.end();
  res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: refusal.code, message: refusal.message }, id: null }));
}
