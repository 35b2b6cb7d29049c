import { Controller, Get, Headers, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, findAuditEntries, type AuditEntry, type AuditQuery } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import type { Response } from 'express';
import { auditCsv } from './audit-csv.ts';
import { readsAll } from '@countersign/identity';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem, badRequest } from './problem.ts';
import { auditQuery, checker } from './request-schemas.ts';
import { decodeCursor, encodeCursor, jsonBytes } from './views.ts';

interface AuditParams { from?: string; to?: string; requester?: string; approver?: string; action?: string; outcome?: AuditQuery['outcome']; type?: string; limit?: string; cursor?: string }
const parseAudit = checker<AuditParams>(auditQuery, 'query');

const present = ({ _id, ...rest }: AuditEntry) => ({ id: _id, ...rest });

/** The audit trail for compliance: every event, oldest first, filterable, as JSON or CSV. */
@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
  ) {}

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (!readsAll(caller.principal)) {
      throw new Problem(403, 'forbidden', 'Reading the audit trail needs the auditor or admin role.', `${caller.principal.id} has neither role.`);
    }
    const q = parseAudit(rawQuery);
    const from = instant('from', q.from);
    const to = instant('to', q.to);
    if (from && to && from > to) throw badRequest([{ parameter: 'from', detail: 'must not be after "to"' }]);
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    const page = await findAuditEntries(this.store.collection<AuditEntry>(COLLECTIONS.audit), {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(q.requester ? { requester: q.requester } : {}),
      ...(q.approver ? { approver: q.approver } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
      ...(q.type ? { type: q.type } : {}),
    }, { limit: Number(q.limit ?? 100), maxBytes: this.limits.pageBytes, ...(after ? { after } : {}) }, (entry) => jsonBytes(present(entry)));
    const nextCursor = page.next ? encodeCursor(page.next) : null;
    if (accept && /\btext\/csv\b/.test(accept)) {
      if (nextCursor) res.set('Link', `</v1/audit?${nextQuery(q, nextCursor)}>; rel="next"`);
      res.type('text/csv; charset=utf-8');
      return auditCsv(page.rows);
    }
    return { items: page.rows.map(present), nextCursor };
  }
}

/**
 * A time parameter as ISO-8601 UTC, which sorts like the instants it names. RFC 3339 allows some
 * instants a JavaScript date cannot hold (a leap second, 23:59:60): refused, naming the parameter.
 */
function instant(parameter: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest([{ parameter, detail: 'is not an instant this server can compare (a leap second?)' }]);
  return new Date(ms).toISOString();
}

function nextQuery(q: AuditParams, cursor: string): string {
  const params = new URLSearchParams(Object.entries({ ...q, cursor }).filter(([, v]) => v !== undefined) as [string, string][]);
  return params.toString();
}
