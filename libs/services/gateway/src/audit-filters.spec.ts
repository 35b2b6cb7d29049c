import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@countersign/audit';
import fc from 'fast-check';
import { auditCsv, auditCsvRows, auditNdjson } from './audit-csv.ts';
import { parseAuditRead } from './audit-filters.ts';
import { parseExportQuery } from './audit-export/export-query.ts';
import { Problem } from './problem.ts';

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const ID2 = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';

const refusedNaming = (fn: () => unknown, parameter: string) =>
  assert.throws(fn, (e: unknown) => e instanceof Problem && e.status === 400 && (e.errors ?? []).some((x) => x.parameter === parameter));

describe('audit trail reads: format and filters', () => {
  it('given ?format or Accept, then CSV and NDJSON stream every row unless a limit asks for a page; JSON pages by 100', () => {
    assert.deepEqual(pick(parseAuditRead({}, undefined)), { format: 'json', limit: 100 });
    assert.deepEqual(pick(parseAuditRead({}, 'text/csv')), { format: 'csv', limit: undefined });
    assert.deepEqual(pick(parseAuditRead({}, 'application/x-ndjson')), { format: 'ndjson', limit: undefined });
    assert.deepEqual(pick(parseAuditRead({ format: 'ndjson' }, 'text/csv')), { format: 'ndjson', limit: undefined }, '?format wins');
    assert.deepEqual(pick(parseAuditRead({ format: 'csv', limit: '10' }, undefined)), { format: 'csv', limit: 10 });
    assert.deepEqual(pick(parseAuditRead({ format: 'json' }, 'text/csv')), { format: 'json', limit: 100 });
    refusedNaming(() => parseAuditRead({ format: 'xml' }, undefined), 'format');
  });

  it('given actionId once or repeated, then the entries of those actions by id; a type or a bad id is refused naming it', () => {
    assert.deepEqual(parseAuditRead({ actionId: ID }, undefined).actionIds, [ID]);
    assert.deepEqual(parseAuditRead({ actionId: [ID2, ID] }, undefined).actionIds, [ID, ID2]);
    assert.equal(parseAuditRead({ action: 'data.export' }, undefined).actionIds, undefined);
    refusedNaming(() => parseAuditRead({ actionId: 'data.export' }, undefined), 'actionId');
  });

  it('given times, then they are normalised to UTC and a reversed range is refused naming from', () => {
    assert.deepEqual(parseAuditRead({ from: '2026-01-01T01:00:00+01:00' }, undefined).query, { from: '2026-01-01T00:00:00.000Z' });
    refusedNaming(() => parseAuditRead({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, undefined), 'from');
    refusedNaming(() => parseAuditRead({ cursor: 'abc' }, undefined), 'cursor');
  });

  it('given the export query, then action ids are one or many UUIDs, deduplicated and sorted; anything else is refused naming it', () => {
    assert.deepEqual(parseExportQuery({}), {});
    assert.deepEqual(parseExportQuery({ actionId: ID }), { actions: [ID] });
    assert.deepEqual(parseExportQuery({ actionId: [ID2, ID, ID2], from: '2026-01-01T00:00:00Z' }), { from: '2026-01-01T00:00:00.000Z', actions: [ID, ID2] });
    refusedNaming(() => parseExportQuery({ actionId: 'data.export' }), 'actionId');
    refusedNaming(() => parseExportQuery({ action: ID }), 'action');
    refusedNaming(() => parseExportQuery({ actionId: ID.toUpperCase() }), 'actionId');
    refusedNaming(() => parseExportQuery({ requester: 'bob' }), 'requester');
    refusedNaming(() => parseExportQuery({ from: 'yesterday' }), 'from');
    refusedNaming(() => parseExportQuery({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }), 'from');
  });

  it('property: any query either parses or is refused with a 400 naming a parameter, never anything else', () => {
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(ID, '2026-01-01T00:00:00Z', '1000', 'csv', 'ndjson', '\uD800'), fc.array(fc.constantFrom(ID, ID2, 'x'), { maxLength: 3 }));
    const query = fc.dictionary(fc.constantFrom('from', 'to', 'action', 'actionId', 'format', 'limit', 'cursor', 'outcome', 'type', 'other'), value, { maxKeys: 4 });
    fc.assert(fc.property(query, fc.option(fc.constantFrom('text/csv', 'application/x-ndjson', '*/*')), (q, accept) => {
      for (const parse of [() => parseAuditRead(q, accept ?? undefined), () => parseExportQuery(q)]) {
        try {
          parse();
        } catch (e) {
          assert.ok(e instanceof Problem && e.status === 400 && (e.errors ?? []).length > 0, String(e));
        }
      }
    }), { numRuns: 500 });
  });
});

describe('audit trail rows as files', () => {
  const entry = (i: number, reason: string): AuditEntry => ({
    _id: `a:${String(i).padStart(8, '0')}`, at: '2026-01-01T00:00:00.000Z', actionId: 'a', seq: i, type: 'VoteRecorded', actor: 'bob', actorKind: 'human',
    action: 'data.export', resource: 'prod/x', requester: 'demo-agent', summary: 's', hash: 'h', prevHash: 'p', reason,
  });

  it('property: pages written one after another make the CSV of all their rows; NDJSON lines are the JSON items', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (reasons, size) => {
      const rows = reasons.map((r, i) => entry(i + 1, r));
      const pages = Array.from({ length: Math.max(1, Math.ceil(rows.length / size)) }, (_, p) => rows.slice(p * size, (p + 1) * size));
      assert.equal(pages.map((page, p) => auditCsvRows(page, p === 0)).join(''), auditCsv(rows));
      const lines = pages.map(auditNdjson).join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; reason: string });
      assert.deepEqual(lines.map((l) => [l.id, l.reason]), rows.map((r) => [r._id, r.reason]));
    }), { numRuns: 200 });
  });
});

function pick(read: ReturnType<typeof parseAuditRead>) {
  return { format: read.format, limit: read.limit };
}
