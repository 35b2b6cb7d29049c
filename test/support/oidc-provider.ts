import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (`oidc-provider` v9) on 127.0.0.1 and a free port, for the sign-in tests:
 * authorization code with PKCE, ID tokens carrying `email`, `email_verified`, `name` and `groups`,
 * RP-initiated logout (`end_session_endpoint`).
 *
 * How to sign in with it:
 * - By a browser: go to the gateway's `/auth/login?returnTo=/console`; the provider shows a page
 *   with one text field `input[name="login"]` (id `login`, label "Username or email") and the
 *   button `button[type="submit"]` (id `sign-in`, text "Sign in"); fill in a user's `sub` or
 *   `email` and click it. There is no consent page. An unknown login shows the form again with a
 *   `p[role="alert"]`. Sign-out shows the provider's own page: click "Yes, sign me out".
 * - Programmatically: `signInOverHttp(gatewayUrl, login, jar)` in test/support/sso-sign-in.ts
 *   follows the same redirects and posts the same form with a cookie jar (no browser).
 */
export interface OidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface OidcClient {
  clientId: string;
  /** Absent: a public client (token endpoint auth `none`, PKCE only). */
  clientSecret?: string;
}

export interface RunningOidcProvider {
  /** `http://127.0.0.1:<port>`: give it to the gateway as COUNTERSIGN_OIDC_ISSUER. */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The env the gateway needs to use this provider with the first client (the groups scope included). */
  env: Record<string, string>;
  /** Changes a user's claims for later sign-ins (e.g. an IdP group removed). */
  setUser(user: OidcUser): void;
  stop(): Promise<void>;
}

export interface OidcProviderOptions {
  users: OidcUser[];
  /** Default: one confidential client `countersign` with a random secret. */
  clients?: OidcClient[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string): string {
  const alert = error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test IdP sign-in</h1>${alert}
<form method="post" action="/interaction/${encodeURIComponent(uid)}">
<label for="login">Username or email</label> <input id="login" name="login" autocomplete="username" autofocus required>
<button type="submit" id="sign-in">Sign in</button>
</form></body></html>`;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function isLoopbackCallback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const users = new Map(options.users.map((u) => [u.sub, u]));
  const clients = options.clients ?? [{ clientId: 'countersign', clientSecret: randomBytes(24).toString('base64url') }];
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const signing = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-idp-1', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret } : { token_endpoint_auth_method: 'none' }),
      redirect_uris: ['http://127.0.0.1/auth/callback'],
      post_logout_redirect_uris: ['http://127.0.0.1/console'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [signing] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The claims of the granted scopes go into the ID token (the gateway reads it, not userinfo).
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const user = users.get(id);
      return user ? { accountId: id, claims: () => ({ ...user, sub: id }) } : undefined;
    },
    renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>IdP error</title><p role="alert">${escapeHtml(out.error ?? 'error')}: ${escapeHtml(out.error_description ?? '')}</p>`;
    },
  });
  // Gateways under test listen on free ports: any loopback callback is allowed (a real IdP lists each).
  provider.Client.prototype.redirectUriAllowed = isLoopbackCallback;
  provider.Client.prototype.postLogoutRedirectUriAllowed = isLoopbackCallback;
  const handle = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(details.uid));
      return;
    }
    const login = (await formBody(req)).get('login')?.trim() ?? '';
    const user = users.get(login) ?? [...users.values()].find((u) => u.email !== undefined && u.email === login);
    if (!user) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(details.uid, `No user "${login}" at this IdP.`));
      return;
    }
    // Sign-in and consent in one step: the test IdP's clients are first-party.
    const grant = new provider.Grant({ accountId: user.sub, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: user.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (/^\/interaction\/[^/?]+$/.test((req.url ?? '').split('?')[0])) {
      interaction(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${error.message}`);
      });
      return;
    }
    handle(req, res);
  });

  const [first] = clients;
  return {
    issuer,
    clientId: first.clientId,
    clientSecret: first.clientSecret,
    env: {
      COUNTERSIGN_OIDC_ISSUER: issuer,
      COUNTERSIGN_OIDC_CLIENT_ID: first.clientId,
      COUNTERSIGN_OIDC_SCOPES: 'openid email profile groups',
      ...(first.clientSecret ? { COUNTERSIGN_OIDC_CLIENT_SECRET: first.clientSecret } : {}),
    },
    setUser(user: OidcUser) {
      users.set(user.sub, user);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
