/**
 * One measured load of the inbox in a signed-in browser context: a new page, navigated to
 * /console, timed in the page's own clock (navigation start = 0) until the inbox is interactive.
 * Stages: the document, `GET /v1/me` answered, the first page of `GET /v1/actions` answered, and
 * the inbox rendered (its first action's Approve button enabled, or the empty inbox shown).
 */
import type { BrowserContext, Request } from 'playwright-core';
import type { ApiCall } from './api-calls.ts';

// The page's globals, for the functions Playwright runs in the browser: the project's TypeScript
// has no DOM library (apps/console has its own configuration with it), so the little used is named.
interface PageNode {
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
  getAttribute(name: string): string | null;
  textContent: string | null;
  disabled?: boolean;
}
interface PageTiming { name: string; responseEnd: number }
declare const document: PageNode;
declare const window: { __inboxInteractive?: number };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
declare const performance: { now(): number; getEntriesByType(type: 'navigation' | 'resource'): PageTiming[] };

export interface InboxLoad {
  /** ms from navigation start: the HTML document received. */
  document: number;
  /** ms: `GET /v1/me` answered (undefined if the page made no such call). */
  me?: number;
  /** ms: the first `GET /v1/actions` page answered. */
  firstPage?: number;
  /** ms: the inbox interactive (the time to interactive this bench reports). */
  interactive: number;
  calls: ApiCall[];
}

/**
 * Installed before the console's scripts run (Playwright injects it over the DevTools protocol, so
 * the page's Content-Security-Policy does not apply): a MutationObserver notes the first moment the
 * inbox is usable, in the page's clock. `expectItems` says which state counts: an action whose
 * Approve button is enabled, or the empty inbox.
 */
function watchInbox(expectItems: boolean): void {
  const ready = (): boolean => {
    const inbox = document.querySelector('[aria-label="Inbox"]');
    if (!inbox) return false;
    if (!expectItems) return inbox.querySelector('[data-empty], [role="status"]') !== null && inbox.querySelector('[role="listitem"], li') === null;
    const first = inbox.querySelector('[role="listitem"], li');
    const approve = first ? [...first.querySelectorAll('button')].find((b) => /^approve\b/i.test((b.getAttribute('aria-label') ?? b.textContent ?? '').trim())) : undefined;
    return approve !== undefined && !approve.disabled && approve.getAttribute('aria-disabled') !== 'true';
  };
  const observer = new MutationObserver(() => {
    if (window.__inboxInteractive === undefined && ready()) {
      window.__inboxInteractive = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

export async function loadInbox(context: BrowserContext, consoleUrl: string, expectItems: boolean, timeoutMs = 60_000): Promise<InboxLoad> {
  const page = await context.newPage();
  try {
    await page.addInitScript(watchInbox, expectItems);
    const calls: ApiCall[] = [];
    const byRequest = new Map<Request, ApiCall>();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/v1/')) return;
      const call: ApiCall = { method: request.method(), path: url.pathname, query: Object.fromEntries(url.searchParams) };
      calls.push(call);
      byRequest.set(request, call);
    });
    const reading: Promise<void>[] = [];
    page.on('response', (response) => {
      const call = byRequest.get(response.request());
      if (!call) return;
      call.status = response.status();
      // An event stream never ends: only JSON answers are read for their item count.
      if (!(response.headers()['content-type'] ?? '').includes('json')) return;
      reading.push(response.json().then((body: { items?: unknown[]; nextCursor?: unknown }) => {
        if (!Array.isArray(body?.items)) return;
        call.items = body.items.length;
        call.nextCursor = typeof body.nextCursor === 'string';
      }, () => undefined));
    });
    await page.goto(consoleUrl, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__inboxInteractive !== undefined, undefined, { timeout: timeoutMs, polling: 50 });
    const timings = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PageTiming | undefined;
      const resources = performance.getEntriesByType('resource');
      const answered = (test: (path: string) => boolean) => resources.find((r) => test(new URL(r.name).pathname))?.responseEnd;
      return {
        document: nav?.responseEnd ?? 0,
        me: answered((p) => p === '/v1/me'),
        firstPage: answered((p) => p === '/v1/actions'),
        interactive: window.__inboxInteractive!,
      };
    });
    await Promise.all(reading);
    return { ...timings, calls };
  } finally {
    await page.close();
  }
}
