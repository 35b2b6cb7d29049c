/**
 * A local HTTP receiver of webhooks for tests: records every request, checks its Standard Webhooks
 * signature with the same library the notifier signs with, and can be told to fail. Used by the
 * channel contract runs here and by the end-to-end tests (through test/support/webhook-receiver.ts).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as received (what the signature covers). */
  raw: string;
  /** Parsed JSON body, when it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of any shape; tests read what they expect
  body: any;
  /** The signature checked out with the receiver's secret (false when no secret was given). */
  verified: boolean;
  /** Why verification failed. */
  verifyError?: string;
  /** The status the receiver answered with. */
  status: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Every request so far, in order of arrival. */
  readonly requests: readonly ReceivedWebhook[];
  /** Answers the next `n` requests with `status` (503 unless told) instead of 204. */
  failNext(n: number, status?: number): void;
  /** Answers every request with `status` until told otherwise (`undefined`: back to 204). */
  failAll(status: number | undefined): void;
  /** Resolves with the first request (past or future) that `match` accepts; rejects after `ms`. */
  waitFor(match: (r: ReceivedWebhook) => boolean, ms?: number): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret?: string): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let waiters: { match: (r: ReceivedWebhook) => boolean; resolve: (r: ReceivedWebhook) => void }[] = [];
  let failures = 0;
  let failStatus = 503;
  let always: number | undefined;
  const verifier = secret ? new Webhook(secret) : undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      let verified = false;
      let verifyError: string | undefined;
      if (verifier) {
        try {
          verifier.verify(raw, req.headers as Record<string, string>);
          verified = true;
        } catch (error) {
          verifyError = (error as Error).message;
        }
      }
      let status = 204;
      if (always !== undefined) status = always;
      else if (failures > 0) {
        failures -= 1;
        status = failStatus;
      }
      const received: ReceivedWebhook = {
        method: req.method ?? '', path: req.url ?? '/', headers: req.headers, raw, body, verified, status,
        ...(verifyError ? { verifyError } : {}),
      };
      requests.push(received);
      res.writeHead(status).end();
      const ready = waiters.filter((w) => w.match(received));
      waiters = waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    requests,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    failAll(status) {
      always = status;
    },
    waitFor(match, ms = 15_000) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(new Error(`no matching webhook within ${ms} ms; received:\n${requests.map((r) => `${r.status} ${r.path} ${r.raw.slice(0, 200)}`).join('\n')}`));
        }, ms);
        const done = (r: ReceivedWebhook) => {
          clearTimeout(timer);
          resolve(r);
        };
        waiters.push({ match, resolve: done });
      });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
