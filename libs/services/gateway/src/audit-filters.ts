/**
 * The query of the audit trail's reads (`GET /v1/audit` and its CSV/NDJSON exports) and of the
 * evidence bundle (`GET /v1/audit/export`): one parser of times, one refusal per field at fault.
 */
import type { AuditQuery, KeysetPosition } from '@countersign/audit';
import { badRequest } from './problem.ts';
import { auditQuery, checker } from './request-schemas.ts';
import { decodeCursor } from './views.ts';

export type AuditFormat = 'json' | 'ndjson' | 'csv';

export interface AuditParams { from?: string; to?: string; requester?: string; approver?: string; action?: string; actionId?: string | string[]; outcome?: AuditQuery['outcome']; type?: string; limit?: string; cursor?: string; format?: AuditFormat }

/** Action ids one request may name (a URL of that many ids is ~37 KB already). */
export const MAX_ACTION_IDS = 1000;

export const actionIdParam = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
/** One action id, or the parameter repeated. */
export const actionIdsParam = { anyOf: [actionIdParam, { type: 'array', minItems: 1, maxItems: MAX_ACTION_IDS, items: actionIdParam }] } as const;

const auditListQuery = { ...auditQuery, properties: { ...auditQuery.properties, actionId: actionIdsParam, format: { enum: ['json', 'ndjson', 'csv'] } } } as const;
const parseAudit = checker<AuditParams>(auditListQuery, 'query');

export interface AuditRead {
  params: AuditParams;
  query: AuditQuery;
  /** `actionId`: entries of these actions only (by id; `action` is the action's type). */
  actionIds?: string[];
  after?: KeysetPosition;
  /** Rows of one page; absent for a CSV or NDJSON export of every row. */
  limit?: number;
  format: AuditFormat;
}

/**
 * `?format=` wins over `Accept`; `text/csv` and `application/x-ndjson` in Accept pick those forms.
 * JSON stays paged (100 rows by default); CSV and NDJSON without `limit` stream every row.
 */
export function parseAuditRead(raw: unknown, accept: string | undefined): AuditRead {
  const params = parseAudit(raw);
  const { from, to } = timeRange(params);
  const after = decodeCursor(params.cursor);
  if (params.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
  const format: AuditFormat = params.format ?? (accept && /\btext\/csv\b/i.test(accept) ? 'csv' : accept && /\bapplication\/x-ndjson\b/i.test(accept) ? 'ndjson' : 'json');
  const limit = params.limit !== undefined ? Number(params.limit) : format === 'json' ? 100 : undefined;
  const query: AuditQuery = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(params.requester ? { requester: params.requester } : {}),
    ...(params.approver ? { approver: params.approver } : {}),
    ...(params.action ? { action: params.action } : {}),
    ...(params.outcome ? { outcome: params.outcome } : {}),
    ...(params.type ? { type: params.type } : {}),
  };
  const actionIds = idList(params.actionId);
  return { params, query, ...(actionIds ? { actionIds } : {}), ...(after ? { after } : {}), ...(limit !== undefined ? { limit } : {}), format };
}

/** Repeated ids, deduplicated and sorted: one selection, one spelling. */
export function idList(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : [...new Set(Array.isArray(value) ? value : [value])].sort();
}

/** `from` and `to` as ISO-8601 UTC; `from` must not be after `to`. */
export function timeRange(q: { from?: string; to?: string }): { from?: string; to?: string } {
  const from = instant('from', q.from);
  const to = instant('to', q.to);
  if (from && to && from > to) throw badRequest([{ parameter: 'from', detail: 'must not be after "to"' }]);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/**
 * A time parameter as ISO-8601 UTC, which sorts like the instants it names. RFC 3339 allows some
 * instants a JavaScript date cannot hold (a leap second, 23:59:60): refused, naming the parameter.
 */
export function instant(parameter: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest([{ parameter, detail: 'is not an instant this server can compare (a leap second?)' }]);
  return new Date(ms).toISOString();
}

/** The query of the next page, for a `Link: <…>; rel="next"` header. */
export function nextQuery(q: AuditParams, cursor: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...q, cursor })) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(name, v);
  }
  return params.toString();
}
