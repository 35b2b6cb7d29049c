/**
 * `GET /v1/audit/export?from=&to=&actionId=…`: the time range as `GET /v1/audit` reads it (same
 * parser), and `actionId` repeated for each action to include, spelt as `GET /v1/audit` spells it.
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
    actionId: actionIdsParam,
  },
} as const;

const parse = checker<{ from?: string; to?: string; actionId?: string | string[] }>(exportQuery, 'query');

/** The bundle's filters; action ids deduplicated and sorted, so one selection has one spelling. */
export function parseExportQuery(raw: unknown): BundleFilters {
  const q = parse(raw);
  const range = timeRange(q);
  const actions = idList(q.actionId);
  return { ...range, ...(actions ? { actions } : {}) };
}
