/**
 * One measured load of the inbox in a signed-in browser context: a new page, navigated to
 * /console, timed in the page's own clock (navigation start = 0) until the inbox is interactive.
 * Stages: the document, the console's script, `GET /v1/me` sent and answered, the first page of
 * `GET /v1/actions` answered, and the inbox rendered (its first action's Approve button enabled, or
 * the empty inbox shown). With `settle`, the page stays open until its API calls stop (what the
 * live feed brings after the first page), and the requests then shown are counted.
 */
import type { BrowserContext, Request } from 'playwright-core';
import type { ApiCall } from './api-calls.ts';

export interface InboxLoad {
  /** ms from navigation start: the HTML document received. */
  document: number;
  /** ms: the console's script received. */
  script?: number;
  /** ms: `GET /v1/me` sent (the script has run). */
  meSent?: number;
  /** ms: `GET /v1/me` answered (undefined if the page made no such call). */
  me?: number;
  /** ms: the first `GET /v1/actions` page answered. */
  firstPage?: number;
  /** ms: the inbox interactive (the time to interactive this bench reports). */
  interactive: number;
  calls: ApiCall[];
  /** With `settle`: the requests the inbox shows once its calls have stopped. */
  shown?: number;
}

/**
 * Installed before the console's scripts run (Playwright injects it over the DevTools protocol, so
 * the page's Content-Security-Policy does not apply): notes the first moment the inbox is usable,
 * in the page's clock, as `window.__inboxInteractive`. `expectItems` says which state counts: the
 * first request's Approve button enabled, or the empty inbox once its first page has been answered
 * (the console shows the empty text before it starts loading, which is not the answer). Plain
 * JavaScript in a string: functions compiled by tsx carry helpers the page does not have.
 */
const watchInbox = (expectItems: boolean) => `(() => {
  const expectItems = ${JSON.stringify(expectItems)};
  const ready = () => {
    const inbox = document.querySelector('ul[aria-label="Waiting for your vote"]');
    if (!inbox) return false;
    const first = inbox.querySelector('li article');
    if (!expectItems) {
      const answered = performance.getEntriesByType('resource').some((r) => r.name.includes('/v1/actions?approver=me'));
      return answered && first === null && inbox.getAttribute('aria-busy') !== 'true'
        && (document.querySelector('main')?.textContent ?? '').includes('Nothing waits for your vote.');
    }
    const approve = first ? [...first.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Approve') : undefined;
    return approve !== undefined && !approve.disabled;
  };
  // Checked on every change of the page, and when a response's timing is recorded (the empty
  // inbox's last change can come before the timing entry of the answer it shows).
  const check = () => {
    if (window.__inboxInteractive !== undefined || !ready()) return;
    window.__inboxInteractive = performance.now();
    mutations.disconnect();
    timings.disconnect();
  };
  const mutations = new MutationObserver(check);
  const timings = new PerformanceObserver(check);
  mutations.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  timings.observe({ type: 'resource' });
})();`;

/** The stages, read in the page once it is interactive: each answer's end, from navigation start. */
const READ_TIMINGS = `(() => {
  const resources = performance.getEntriesByType('resource');
  const find = (test) => resources.find((r) => test(new URL(r.name).pathname));
  const answered = (path) => find((p) => p === path)?.responseEnd;
  return {
    document: performance.getEntriesByType('navigation')[0]?.responseEnd ?? 0,
    script: find((p) => p.startsWith('/console/assets/') && p.endsWith('.js'))?.responseEnd,
    meSent: find((p) => p === '/v1/me')?.startTime,
    me: answered('/v1/me'),
    firstPage: answered('/v1/actions'),
    interactive: window.__inboxInteractive,
  };
})()`;

/** How long the API must stay quiet before a settling load counts its calls as done. */
const QUIET_MS = 3000;

export async function loadInbox(context: BrowserContext, consoleUrl: string, expectItems: boolean, options: { settle?: boolean; timeoutMs?: number } = {}): Promise<InboxLoad> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const page = await context.newPage();
  try {
    await page.addInitScript({ content: watchInbox(expectItems) });
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
    // A function, not a string: the console's CSP refuses eval, which a string predicate needs.
    await page.waitForFunction(() => (globalThis as { __inboxInteractive?: number }).__inboxInteractive !== undefined, undefined, { timeout: timeoutMs, polling: 50 })
      .catch(async (error: Error) => {
        const shown = await page.locator('main').innerText().catch(() => '(no main)');
        throw new Error(`the inbox was not interactive within ${timeoutMs} ms (${error.message}); the page showed:\n${shown.slice(0, 1500)}`);
      });
    const timings = await page.evaluate(READ_TIMINGS) as Omit<InboxLoad, 'calls'>;
    if (!options.settle) {
      await Promise.all(reading);
      return { ...timings, calls };
    }
    // The feed may bring more after the first page: wait until no new call for QUIET_MS.
    const deadline = Date.now() + timeoutMs;
    for (let seen = -1; seen !== calls.length && Date.now() < deadline;) {
      seen = calls.length;
      await page.waitForTimeout(QUIET_MS);
    }
    await Promise.all(reading);
    const shown = await page.getByRole('list', { name: 'Waiting for your vote' }).getByRole('article').count();
    return { ...timings, calls, shown };
  } finally {
    await page.close();
  }
}
