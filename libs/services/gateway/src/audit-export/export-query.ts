/**
 * `GET /v1/audit/export?from=&to=&action=…`: the time range as `GET /v1/audit` reads it (same
 * parser), and `action` repeated for each action id to include (here an action's id, not its type).
 */
import { checker } from '../request-schemas.ts';
import { actionIdsParam, idList, timeRange } from '../audit-filters.ts';
import type { BundleFilters } from './bundle-layout.ts';

export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    action: actionIdsParam,
  },
} as const;

const parse = checker<{ from?: string; to?: string; action?: string | string[] }>(exportQuery, 'query');

/** The bundle's filters; action ids deduplicated and sorted, so one selection has one spelling. */
export function parseExportQuery(raw: unknown): BundleFilters {
  const q = parse(raw);
  const range = timeRange(q);
  const actions = idList(q.action);
  return { ...range, ...(actions ? { actions } : {}) };
}
