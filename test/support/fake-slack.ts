import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the parts of Slack Countersign uses: the Web API methods (bearer token
 * checked, every call recorded) and response_url endpoints (ephemeral replies recorded). Plus the
 * other direction: signing and posting interaction payloads to the gateway as Slack does.
 */

export interface SlackCall {
  method: string;
  /** Form fields, with JSON-valued ones (blocks, view) decoded. */
  args: Record<string, any>;
  token?: string;
}

export interface SlackReply {
  /** The response_url path it was posted to: `/response/<id>`. */
  path: string;
  body: any;
}

export interface FakeSlack {
  /** Base URL of the Web API: what COUNTERSIGN_SLACK_API_URL is set to. */
  apiUrl: string;
  token: string;
  calls: SlackCall[];
  replies: SlackReply[];
  callsTo(method: string): SlackCall[];
  /** A response_url for one interaction; replies to it land in `replies`. */
  responseUrl(id: string): string;
  repliesTo(id: string): SlackReply[];
  /** Answer every Web API call with this HTTP status (500: Slack is down); undefined: normal again. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decodeForm(text: string): Record<string, any> {
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return args;
}

export async function startFakeSlack(options: { token?: string } = {}): Promise<FakeSlack> {
  const token = options.token ?? 'xoxb-fake-bot-token';
  const calls: SlackCall[] = [];
  const replies: SlackReply[] = [];
  let failing: number | undefined;
  let ts = 1_700_000_000_000_000;
  const channelIds = new Map<string, string>();
  const channelId = (name: string) => {
    if (/^[CDG][A-Z0-9]+$/.test(name)) return name;
    if (!channelIds.has(name)) channelIds.set(name, `C${String(channelIds.size + 1).padStart(8, '0')}`);
    return channelIds.get(name)!;
  };

  const api: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    'chat.postMessage': (a) => ({ ok: true, channel: channelId(a.channel), ts: `${String(++ts).slice(0, 10)}.${String(ts).slice(10)}`, message: { text: a.text } }),
    'chat.update': (a) => ({ ok: true, channel: a.channel, ts: a.ts, text: a.text }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: String(++ts) }),
    'conversations.open': (a) => ({ ok: true, channel: { id: `D${String(a.users).replace(/[^A-Z0-9]/g, '')}` } }),
    'views.open': (a) => ({ ok: true, view: { ...a.view, id: `V${++ts}` } }),
  };

  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/response/')) {
      replies.push({ path: url.pathname, body: text ? JSON.parse(text) : undefined });
      return send(200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const args = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text || '{}') : decodeForm(text);
    calls.push({ method, args, ...(auth ? { token: auth } : {}) });
    if (failing) return send(failing, { ok: false, error: 'fake_outage' });
    if (!auth) return send(200, { ok: false, error: 'not_authed' });
    if (auth !== token) return send(200, { ok: false, error: 'invalid_auth' });
    const handler = api[method];
    if (!handler) return send(200, { ok: false, error: 'unknown_method' });
    send(200, handler(args));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    token,
    calls,
    replies,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id) => `${base}/response/${id}`,
    repliesTo: (id) => replies.filter((r) => r.path === `/response/${id}`),
    failWith(status) {
      failing = status;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`): what Slack sends in X-Slack-Signature. */
export function signSlack(secret: string, timestamp: string, body: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export interface PostOptions {
  secret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead (a forgery). */
  forgeWith?: string;
  /** Send exactly these bytes and headers again (a replay): from a previous `postInteraction`. */
  replay?: SignedInteraction;
  /** Sign and send these bytes instead of `payload=<JSON>` (hostile bodies). */
  rawBody?: string | Buffer;
  /** Default `application/x-www-form-urlencoded`; null sends none. */
  contentType?: string | null;
  /** Another spelling of the endpoint's path (trailing slash, capitals). */
  path?: string;
}

export interface SignedInteraction {
  body: string | Buffer;
  headers: Record<string, string>;
}

export interface InteractionResponse {
  status: number;
  text: string;
  sent: SignedInteraction;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

/** Posts an interaction payload to the gateway as Slack does: form-encoded `payload=`, signed. */
export async function postInteraction(gatewayUrl: string, payload: unknown, options: PostOptions): Promise<InteractionResponse> {
  const sent = options.replay ?? (() => {
    const body = options.rawBody ?? new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const contentType = options.contentType === undefined ? 'application/x-www-form-urlencoded' : options.contentType;
    return {
      body,
      headers: {
        ...(contentType !== null ? { 'content-type': contentType } : {}),
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlack(options.forgeWith ?? options.secret, timestamp, body),
      },
    };
  })();
  const started = performance.now();
  const res = await fetch(`${gatewayUrl}${options.path ?? '/v1/integrations/slack/interactions'}`, { method: 'POST', headers: sent.headers, body: sent.body });
  const text = await res.text();
  return { status: res.status, text, sent, ms: performance.now() - started };
}

let clicks = 0;

/** A click on one of the message's buttons (`countersign_approve` / `countersign_deny`), as Slack sends it. */
export function blockActionsPayload(o: { user: string; actionId: string; button: 'countersign_approve' | 'countersign_deny'; responseUrl: string; team?: string }) {
  clicks += 1;
  return {
    type: 'block_actions',
    team: { id: o.team ?? 'T0COUNTER' },
    user: { id: o.user, team_id: o.team ?? 'T0COUNTER' },
    api_app_id: 'A0COUNTER',
    trigger_id: `trigger-${clicks}`,
    response_url: o.responseUrl,
    container: { type: 'message', channel_id: 'C00000001', message_ts: '1700000000.000001' },
    actions: [{
      type: 'button', block_id: 'countersign_vote', action_id: o.button, value: o.actionId,
      action_ts: `${Math.floor(Date.now() / 1000)}.${String(clicks).padStart(6, '0')}`,
    }],
  };
}

/** The deny modal the gateway opened (a recorded views.open), submitted with a reason. */
export function viewSubmissionPayload(o: { user: string; view: any; reason: string; team?: string }) {
  const input = o.view.blocks.find((b: any) => b.type === 'input');
  return {
    type: 'view_submission',
    team: { id: o.team ?? 'T0COUNTER' },
    user: { id: o.user, team_id: o.team ?? 'T0COUNTER' },
    view: {
      id: `V${clicks += 1}`,
      ...o.view,
      state: { values: { [input.block_id]: { [input.element.action_id]: { type: 'plain_text_input', value: o.reason } } } },
    },
  };
}
