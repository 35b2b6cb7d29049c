/**
 * The browser tests' Chromium: Debian's `chromium` package driven by playwright-core (Playwright's
 * own browser download does not work here). One browser per test file, one context per user, so
 * users never share cookies; `node tools/test.mjs` installs the package when it is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

/** Where Debian puts Chromium; COUNTERSIGN_CHROMIUM names another build (a developer's distribution). */
export const CHROMIUM = process.env.COUNTERSIGN_CHROMIUM ?? '/usr/bin/chromium';

/** The viewport of every page unless a test says otherwise (the screenshots' size too). */
export const DESKTOP = { width: 1280, height: 800 } as const;

/** How long a locator waits for the console to show something (a live update, a page of the API). */
export const UI_TIMEOUT_MS = 20_000;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run the tests with node tools/test.mjs (it installs Debian's chromium), or apt-get install chromium`);
  }
  // --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** One person at a browser: a context of their own (cookies, storage) and a page. */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /**
   * What the page reported as errors: uncaught exceptions and console errors such as CSP refusals.
   * Not the browser's line for each 4xx answer: the console handles those and shows them itself.
   */
  errors: string[];
}

export async function newUser(browser: Browser, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserUser> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, deviceScaleFactor: 1, acceptDownloads: true, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded')) errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/**
 * A platform authenticator in the page's browser, through the Chrome DevTools Protocol: it
 * answers navigator.credentials.create/get as a passkey on the device would, with the user
 * verified (no prompt to click through).
 */
export interface VirtualAuthenticator {
  id: string;
  cdp: CDPSession;
  /** The credentials it holds (one per registered passkey), with their signature counters. */
  credentials(): Promise<Array<{ credentialId: string; rpId?: string; signCount: number }>>;
}

export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return {
    id: authenticatorId,
    cdp,
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials.map(({ credentialId, rpId, signCount }) => ({ credentialId, signCount, ...(rpId ? { rpId } : {}) }));
    },
  };
}

/**
 * A page on another origin (another port of the loopback), for attacks from a site the user
 * happens to visit while signed in: it serves `html` at `/`. Named `localhost` it is the same
 * site as the gateway (cookies are per host, not per port: a SameSite=Lax cookie goes along and
 * only the Origin check stands in the way); named `127.0.0.1` it is another site.
 */
export async function serveOtherOrigin(html: string, host: 'localhost' | '127.0.0.1' = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Where the browser reaches the gateway: by the name `localhost`, the public URL's host when
 * COUNTERSIGN_PUBLIC_URL is unset (WebAuthn's relying party id must be a domain, not an IP).
 */
export function browserUrl(gatewayUrl: string): string {
  return gatewayUrl.replace('://127.0.0.1:', '://localhost:');
}

/**
 * Writes a screenshot of the page for the docs: its viewport, or with `maxHeight` the page from
 * its top down to that many pixels (the whole page when shorter), so a long page stays a small file.
 */
export async function screenshot(page: Page, path: string, options: { maxHeight?: number } = {}): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const clip = options.maxHeight ? { x: 0, y: 0, width: size.width, height: options.maxHeight } : undefined;
  await page.screenshot({ path, type: 'png', animations: 'disabled', caret: 'hide', scale: 'css', fullPage: clip !== undefined, ...(clip ? { clip } : {}) });
}

/** Whether the page scrolls sideways: its content wider than its viewport. */
export async function scrollsHorizontally(page: Page): Promise<boolean> {
  // A string, evaluated in the page: the project's TypeScript has no DOM library (apps/console has).
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')) === true;
}

/**
 * Signs in through the console's single sign-on as a person would: the console's sign-in link
 * (`/auth/login`), the test IdP's form (test/support/oidc-provider.ts), back to `returnTo`.
 */
export async function signIn(page: Page, baseUrl: string, login: string, returnTo = '/console'): Promise<void> {
  await page.goto(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Username or email').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === new URL(baseUrl).origin && url.pathname.startsWith(returnTo));
}
