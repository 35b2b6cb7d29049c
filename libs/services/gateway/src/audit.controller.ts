import { Controller, Get, Headers, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, type AuditEntry } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ReadModelStore } from '@countersign/readmodel';
import type { Response } from 'express';
import { auditCsvRows, auditNdjson, presentAuditEntry } from './audit-csv.ts';
import { nextQuery, parseAuditRead } from './audit-filters.ts';
import { AUDIT_MEDIA_TYPES, auditExport, auditPage } from './audit-stream.ts';
import { readsAll, type Principal } from '@countersign/identity';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { GATEWAY_LIMITS } from './limits.ts';
import { Problem } from './problem.ts';
import { encodeCursor } from './views.ts';

/** Reading the audit trail (and exporting it) needs the auditor or admin role. */
export function assertReadsAudit(principal: Principal): void {
  if (!readsAll(principal)) {
    throw new Problem(403, 'forbidden', 'Reading the audit trail needs the auditor or admin role.', `${principal.id} has neither role.`);
  }
}

/**
 * The audit trail for compliance: every event, oldest first, filterable, as JSON pages, or as CSV
 * or NDJSON (`?format=` or `Accept`): a page with `limit`, else every row, streamed.
 */
@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
  ) {}

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    assertReadsAudit(caller.principal);
    const read = parseAuditRead(rawQuery, accept);
    const rows = this.store.collection<AuditEntry>(COLLECTIONS.audit);
    if (read.format !== 'json' && read.limit === undefined) return auditExport(rows, read, read.format, read.after);
    const page = await auditPage(rows, read, { limit: read.limit ?? 100, maxBytes: this.limits.pageBytes, ...(read.after ? { after: read.after } : {}) });
    const nextCursor = page.next ? encodeCursor(page.next) : null;
    if (read.format === 'json') return { items: page.rows.map(presentAuditEntry), nextCursor };
    if (nextCursor) res.set('Link', `</v1/audit?${nextQuery(read.params, nextCursor)}>; rel="next"`);
    res.type(AUDIT_MEDIA_TYPES[read.format]);
    return read.format === 'csv' ? auditCsvRows(page.rows, true) : auditNdjson(page.rows);
  }
}
