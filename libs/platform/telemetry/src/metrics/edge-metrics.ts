import type { IncomingMessage, ServerResponse } from 'node:http';
import { instruments } from './instruments.ts';

/**
 * Metrics at the edges: notification deliveries, and HTTP requests. Their labels come from what
 * callers send or policies name, so each is mapped onto a closed set first.
 */

/** Channel kinds the notifier knows; an address (`slack:#x`, a webhook name, a DM) is never a label. */
const CHANNEL_KINDS = new Set(['slack', 'teams', 'webhook', 'callback']);
const PURPOSES = new Set(['request', 'escalation', 'decision', 'callback']);

export function channelKind(channel: string): string {
  const kind = channel.split(':', 1)[0];
  return CHANNEL_KINDS.has(kind) ? kind : 'other';
}

/** One delivery attempt's outcome; `final` when the notifier will not try it again. */
export function recordDelivery(channel: string, purpose: string, outcome: { ok: boolean; final: boolean }): void {
  const labels = { channel: channelKind(channel), purpose: PURPOSES.has(purpose) ? purpose : 'other' };
  if (outcome.ok) instruments().deliveries.add(1, labels);
  else instruments().deliveryFailures.add(1, { ...labels, final: String(outcome.final) });
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template that answered (Express sets `req.route` on the route it dispatched to, e.g.
 * `/v1/actions/:id`), or `unmatched`: a path callers made up never becomes a label.
 */
export function routeOf(req: IncomingMessage): string {
  const { route, baseUrl } = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };
  if (typeof route?.path !== 'string') return 'unmatched';
  return `${typeof baseUrl === 'string' ? baseUrl : ''}${route.path}`;
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/**
 * Express/connect middleware: times every request to the end of its response and records it by
 * method, route template and status class. Mount it before the routes.
 */
export function httpMetricsMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const started = performance.now();
  res.once('finish', () => {
    instruments().httpDuration.record((performance.now() - started) / 1000, {
      method: METHODS.has(req.method ?? '') ? req.method! : 'other',
      route: routeOf(req),
      status_class: statusClass(res.statusCode),
    });
  });
  next();
}
