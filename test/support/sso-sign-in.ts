/**
 * A browser's cookie handling without a browser, and the console's sign-in driven over plain HTTP
 * with it: the sign-in tests see exactly which cookies the gateway and the IdP set and send.
 */
interface StoredCookie {
  value: string;
  path: string;
  expires?: number;
}

/** Cookies by host name (as browsers keep them: ports share a host's cookies), path-matched. */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, StoredCookie>>();

  /** Keeps the Set-Cookie headers of a response to `url`. */
  store(url: string, res: Response): void {
    const { hostname, pathname } = new URL(url);
    const jar = this.hosts.get(hostname) ?? new Map<string, StoredCookie>();
    this.hosts.set(hostname, jar);
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      let path = pathname.slice(0, pathname.lastIndexOf('/')) || '/';
      let expires: number | undefined;
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        if (/^path$/i.test(key)) path = val || '/';
        if (/^max-age$/i.test(key)) expires = Date.now() + Number(val) * 1000;
        if (/^expires$/i.test(key) && expires === undefined) expires = Date.parse(val);
      }
      const key = `${name};${path}`;
      if (expires !== undefined && expires <= Date.now()) jar.delete(key);
      else jar.set(key, { value, path, expires });
    }
  }

  /** The Cookie header a browser would send to `url` (undefined when none). */
  header(url: string): string | undefined {
    const { hostname, pathname } = new URL(url);
    const pairs = [...(this.hosts.get(hostname) ?? new Map<string, StoredCookie>()).entries()]
      .filter(([, c]) => (c.expires === undefined || c.expires > Date.now()) && (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map(([key, c]) => `${key.slice(0, key.indexOf(';'))}=${c.value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  /** A cookie's value for `url` by name. */
  get(url: string, name: string): string | undefined {
    return this.header(url)?.split('; ').find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1);
  }

  /** Sets a cookie as a script or an attacker planting one would. */
  set(url: string, name: string, value: string, path = '/'): void {
    const { hostname } = new URL(url);
    const jar = this.hosts.get(hostname) ?? new Map<string, StoredCookie>();
    this.hosts.set(hostname, jar);
    jar.set(`${name};${path}`, { value, path });
  }
}

/** fetch with the jar's cookies, redirects not followed (the caller sees each hop). */
export async function jarFetch(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

export interface Hop {
  url: string;
  res: Response;
}

/** Follows redirects from `url` with the jar (GET), up to 20 hops; the last hop is the answer. */
export async function follow(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Hop> {
  let hop: Hop = { url, res: await jarFetch(jar, url, init) };
  for (let i = 0; i < 20 && hop.res.status >= 300 && hop.res.status < 400; i++) {
    const next = new URL(hop.res.headers.get('location')!, hop.url).href;
    await hop.res.body?.cancel();
    hop = { url: next, res: await jarFetch(jar, next) };
  }
  return hop;
}

export interface SignInResult {
  /** Where the browser ended up: the returnTo page on success, else the error page's URL. */
  url: string;
  status: number;
  body: string;
}

/**
 * Signs in as a browser would: `/auth/login?returnTo=…` on the gateway, the IdP's login form
 * posted with `login`, back through `/auth/callback`. Stops at the first page that is not the
 * IdP's form (the console on success, the gateway's refusal page otherwise).
 */
export async function signInOverHttp(gatewayUrl: string, login: string, jar: CookieJar, returnTo = '/console'): Promise<SignInResult> {
  let hop = await follow(jar, `${gatewayUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  let body = await hop.res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
  if (action && body.includes('name="login"')) {
    const target = new URL(action.replace(/&amp;/g, '&'), hop.url).href;
    const posted = await jarFetch(jar, target, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login }).toString(),
    });
    if (posted.status >= 300 && posted.status < 400) {
      hop = await follow(jar, new URL(posted.headers.get('location')!, target).href);
    } else {
      hop = { url: target, res: posted };
    }
    body = await hop.res.text();
  }
  return { url: hop.url, status: hop.res.status, body };
}
