import { Controller, Get, Headers, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { COLLECTIONS, type AuditEntry } from '@countersign/audit';
import { READ_MODEL_STORE, type Filter, type ReadModelStore } from '@countersign/readmodel';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { ApiKeyGuard, canReadAll, CurrentCaller, type Caller } from './auth.ts';
import { Problem, badRequest } from './problem.ts';
import { auditQuery, checker } from './request-schemas.ts';
import { decodeCursor, encodeCursor } from './views.ts';

interface AuditQuery { from?: string; to?: string; requester?: string; approver?: string; action?: string; outcome?: string; type?: string; limit?: string; cursor?: string }
const parseAudit = checker<AuditQuery>(auditQuery, 'query');

export const CSV_COLUMNS = [
  'at', 'actionId', 'seq', 'type', 'actor', 'actorKind', 'action', 'resource', 'requester', 'outcome',
  'approvers', 'reason', 'comment', 'policyVersion', 'rule', 'paramsHash', 'hash', 'prevHash', 'summary',
] as const;

/** The audit trail for compliance: every event, oldest first, filterable, as JSON or CSV. */
@Controller('v1/audit')
@UseGuards(ApiKeyGuard)
export class AuditController {
  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore) {}

  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (!canReadAll(caller.principal)) {
      throw new Problem(403, 'forbidden', 'Reading the audit trail needs the auditor or admin role.', `${caller.principal.id} has neither role.`);
    }
    const q = parseAudit(rawQuery);
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw badRequest([{ parameter: 'from', detail: 'must not be after "to"' }]);
    const and: Filter[] = [];
    // Times are compared as ISO-8601 UTC strings, which sort like the instants they name.
    if (q.from) and.push({ at: { $gte: new Date(q.from).toISOString() } });
    if (q.to) and.push({ at: { $lt: new Date(q.to).toISOString() } });
    if (q.requester) and.push({ requester: q.requester });
    if (q.approver) and.push({ approvers: q.approver });
    if (q.action) and.push({ action: q.action });
    if (q.outcome) and.push({ outcome: q.outcome });
    if (q.type) and.push({ type: q.type });
    const after = decodeCursor(q.cursor);
    if (q.cursor && !after) throw badRequest([{ parameter: 'cursor', detail: 'is not a cursor this API returned' }]);
    if (after) and.push({ $or: [{ at: { $gt: after[0] } }, { at: after[0], _id: { $gt: after[1] } }] });
    const limit = Number(q.limit ?? 100);
    const rows = await this.store.collection<AuditEntry>(COLLECTIONS.audit)
      .find(and.length ? { $and: and } : {}, { sort: { at: 1, _id: 1 }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor([last.at, last._id]) : null;
    if (accept && /\btext\/csv\b/.test(accept)) {
      if (nextCursor) res.set('Link', `</v1/audit?${nextQuery(q, nextCursor)}>; rel="next"`);
      res.type('text/csv; charset=utf-8');
      const records = page.map((e) => CSV_COLUMNS.map((c) => (c === 'approvers' ? (e.approvers ?? []).join(' ') : (e[c] ?? ''))));
      return stringify(records, { header: true, columns: [...CSV_COLUMNS] });
    }
    return { items: page.map(({ _id, ...rest }) => ({ id: _id, ...rest })), nextCursor };
  }
}

function nextQuery(q: AuditQuery, cursor: string): string {
  const params = new URLSearchParams(Object.entries({ ...q, cursor }).filter(([, v]) => v !== undefined) as [string, string][]);
  return params.toString();
}
