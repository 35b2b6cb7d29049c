import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * A local stand-in for the parts of Microsoft Teams that Countersign talks to: the Bot Connector
 * (create and update activities, bearer token checked on each), the Entra token endpoint (client
 * credentials), and the Bot Framework's OpenID metadata and signing keys, so tests can mint
 * channel tokens the gateway accepts, and forged, expired or misaddressed ones it must refuse.
 */

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface RecordedCall {
  method: string;
  path: string;
  /** The bearer token sent, if any. */
  token?: string;
  /** Whether the token was one this fake issued (and so the call was authorized). */
  authorized: boolean;
  status: number;
  body: any;
  /** Connector calls answered 200: the id of the activity created or updated. */
  activityId?: string;
}

export interface MintOptions {
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for a token already expired. */
  expiresIn?: number;
  /** Sign with a key the metadata does not publish. */
  forged?: boolean;
  serviceUrl?: string;
}

export interface InvokeOptions {
  verb: 'countersign.approve' | 'countersign.deny' | string;
  actionId: string;
  /** The paramsHash the card carries (cards sent before hashes were shown carry none). */
  paramsHash?: string;
  /** AAD object id of the clicking user. */
  aadObjectId: string;
  reason?: string;
  activityId?: string;
  token?: string;
  /** Send no Authorization header at all. */
  noAuth?: boolean;
}

export interface FakeTeams {
  url: string;
  /** The Connector's base URL, as activities and tokens carry it. */
  serviceUrl: string;
  /** The bot's credentials as the token endpoint knows them. */
  appId: string;
  appPassword: string;
  openIdMetadataUrl: string;
  tokenUrl: string;
  /** Env for a Countersign process that should talk to this fake. */
  env(): Record<string, string>;
  calls: RecordedCall[];
  connectorCalls(): RecordedCall[];
  /** The next `n` Connector calls answer `status` (e.g. 503 for an outage). */
  failNext(status: number, n?: number): void;
  mintToken(options?: MintOptions): Promise<string>;
  invoke(gatewayUrl: string, options: InvokeOptions): Promise<{ status: number; body: any; activity: any }>;
  /** Posts any body to the bot endpoint, with a valid channel token unless another (or none) is given. */
  post(gatewayUrl: string, body: string | Buffer, options?: { token?: string | null; contentType?: string | null; path?: string }): Promise<{ status: number; contentType: string; body: any }>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });

export async function startFakeTeams(options: { appId?: string; appPassword?: string } = {}): Promise<FakeTeams> {
  const appId = options.appId ?? '00000000-0000-4000-8000-00000000b07a';
  const appPassword = options.appPassword ?? 'fake-teams-app-password';
  const kid = 'fake-teams-key-1';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const forgedKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const issued = new Set<string>();
  const calls: RecordedCall[] = [];
  let failures: { status: number; left: number } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const raw = await readBody(req);
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const record = (status: number, body: any, activityId?: string) => calls.push({
      method: req.method ?? '', path: url.pathname, ...(token ? { token } : {}), authorized: !!token && issued.has(token), status, body, ...(activityId ? { activityId } : {}),
    });

    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      return send(res, 200, { issuer: BOT_FRAMEWORK_ISSUER, authorization_endpoint: `${base}/v1/botframework.com/oauth2/v2.0/authorize`, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
      return send(res, 200, { keys: [{ ...jwk, endorsements: ['msteams'] }] });
    }
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      const form = new URLSearchParams(raw);
      const ok = form.get('grant_type') === 'client_credentials' && form.get('client_id') === appId && form.get('client_secret') === appPassword
        && form.get('scope') === 'https://api.botframework.com/.default';
      // Record the grant without the secret: tests assert that it was sent, not what it was.
      const body = { grant_type: form.get('grant_type'), client_id: form.get('client_id'), scope: form.get('scope'), secretMatched: form.get('client_secret') === appPassword };
      if (!ok) {
        record(401, body);
        return send(res, 401, { error: 'invalid_client', error_description: 'bad client credentials' });
      }
      const accessToken = `fake-bot-token-${randomUUID()}`;
      issued.add(accessToken);
      record(200, body);
      return send(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: accessToken });
    }
    const activity = /^(?:\/teams)?\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (activity && (req.method === 'POST' || req.method === 'PUT')) {
      const body = raw ? JSON.parse(raw) : undefined;
      if (!token || !issued.has(token)) {
        record(401, body);
        return send(res, 401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
      }
      // A conversation the bot is not in: Teams answers 404 ConversationNotFound (the contract's bad address).
      if (decodeURIComponent(activity[1]).startsWith('19:missing')) {
        record(404, body);
        return send(res, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
      }
      if (failures && failures.left > 0) {
        failures.left -= 1;
        record(failures.status, body);
        return send(res, failures.status, { error: { code: 'ServiceError', message: 'fake outage' } });
      }
      const id = req.method === 'PUT' ? decodeURIComponent(activity[2]) : `1${Date.now()}${calls.length}`;
      record(200, body, id);
      return send(res, 200, { id });
    }
    send(res, 404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((e) => send(res, 500, { error: { message: String(e) } })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  /** Like Teams' own (`https://smba.trafficmanager.net/teams/`): the Connector lives under a path. */
  const serviceUrl = () => `${base}/teams/`;

  const fake: FakeTeams = {
    url: base,
    serviceUrl: serviceUrl(),
    appId,
    appPassword,
    openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    tokenUrl: `${base}/botframework.com/oauth2/v2.0/token`,
    env: () => ({
      COUNTERSIGN_TEAMS_APP_ID: appId,
      COUNTERSIGN_TEAMS_APP_PASSWORD: appPassword,
      COUNTERSIGN_TEAMS_SERVICE_URL: `${base}/teams/`,
      COUNTERSIGN_TEAMS_OPENID_METADATA_URL: `${base}/v1/.well-known/openidconfiguration`,
      COUNTERSIGN_TEAMS_TOKEN_URL: `${base}/botframework.com/oauth2/v2.0/token`,
    }),
    calls,
    connectorCalls: () => calls.filter((c) => c.path.includes('/v3/conversations/')),
    failNext(status, n = 1) {
      failures = { status, left: n };
    },
    async mintToken(o: MintOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const key: CryptoKey = o.forged ? forgedKey : privateKey;
      return new SignJWT({ serviceurl: o.serviceUrl ?? serviceUrl() })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? BOT_FRAMEWORK_ISSUER)
        .setAudience(o.audience ?? appId)
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + (o.expiresIn ?? 3600))
        .sign(key);
    },
    async invoke(gatewayUrl, o) {
      const activityId = o.activityId ?? `f:${randomUUID()}`;
      const activity = {
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: activityId,
        channelId: 'msteams',
        serviceUrl: serviceUrl(),
        timestamp: new Date().toISOString(),
        from: { id: `29:${o.aadObjectId}`, aadObjectId: o.aadObjectId, name: o.aadObjectId },
        recipient: { id: `28:${appId}`, name: 'Countersign' },
        conversation: { id: '19:approvals@thread.tacv2', conversationType: 'channel', tenantId: 'fake-tenant' },
        channelData: { tenant: { id: 'fake-tenant' } },
        value: {
          action: { type: 'Action.Execute', verb: o.verb, data: { actionId: o.actionId, ...(o.paramsHash !== undefined ? { paramsHash: o.paramsHash } : {}), ...(o.reason !== undefined ? { reason: o.reason } : {}) } },
          trigger: 'manual',
        },
      };
      const token = o.noAuth ? undefined : (o.token ?? (await fake.mintToken()));
      const res = await fetch(`${gatewayUrl}/v1/integrations/teams/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body, activity };
    },
    async post(gatewayUrl, body, o = {}) {
      const token = o.token === undefined ? await fake.mintToken() : o.token;
      const contentType = o.contentType === undefined ? 'application/json' : o.contentType;
      const res = await fetch(`${gatewayUrl}${o.path ?? '/v1/integrations/teams/messages'}`, {
        method: 'POST',
        headers: { ...(contentType !== null ? { 'content-type': contentType } : {}), ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, contentType: type, body: type.includes('json') ? JSON.parse(text) : text };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  return fake;
}
