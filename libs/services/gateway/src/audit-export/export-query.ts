/**
 * `GET /v1/audit/export?from=&to=&action=…`: the time range as `GET /v1/audit` reads it (same
 * parser), and `action` repeated for each action id to include (here an action's id, not its type).
 */
import { checker } from '../request-schemas.ts';
import { timeRange } from '../audit-filters.ts';
import type { BundleFilters } from './bundle-layout.ts';

/** Action ids one request may name (a URL of that many ids is ~37 KB already). */
export const MAX_ACTION_IDS = 1000;

const actionId = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;

export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    action: { anyOf: [actionId, { type: 'array', minItems: 1, maxItems: MAX_ACTION_IDS, items: actionId }] },
  },
} as const;

const parse = checker<{ from?: string; to?: string; action?: string | string[] }>(exportQuery, 'query');

/** The bundle's filters; action ids deduplicated and sorted, so one selection has one spelling. */
export function parseExportQuery(raw: unknown): BundleFilters {
  const q = parse(raw);
  const range = timeRange(q);
  const actions = q.action === undefined ? undefined : [...new Set(Array.isArray(q.action) ? q.action : [q.action])].sort();
  return { ...range, ...(actions ? { actions } : {}) };
}
