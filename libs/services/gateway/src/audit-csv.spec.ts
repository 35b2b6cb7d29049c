import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@countersign/audit';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { auditCsv, CSV_COLUMNS, neutraliseFormula } from './audit-csv.ts';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  _id: 'a:00000001', at: '2026-01-01T00:00:00.000Z', actionId: 'a', seq: 1, type: 'VoteRecorded', actor: 'bob', actorKind: 'human',
  action: 'data.export', resource: 'prod/x', requester: 'demo-agent', summary: 'bob denied via api', hash: 'h', prevHash: 'p', ...over,
});

describe('the audit CSV', () => {
  it('given cells that a spreadsheet would run as formulas, then each is prefixed with a quote', () => {
    for (const text of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) assert.equal(neutraliseFormula(text), `'${text}`);
    for (const text of ['plain', '', ' =1', 'a=b', '2-1']) assert.equal(neutraliseFormula(text), text);
  });

  it('given a reason and a comment that start like formulas, then the CSV carries them as text', () => {
    const csv = auditCsv([entry({ reason: '=cmd|" /C calc"!A0', comment: '@evil', resource: '-prod' })]);
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    assert.deepEqual([row.reason, row.comment, row.resource, row.actor], ['\'=cmd|" /C calc"!A0', "'@evil", "'-prod", 'bob']);
    assert.deepEqual(Object.keys(row), [...CSV_COLUMNS]);
  });

  it('property: no cell of any CSV starts with a formula character', () => {
    const text = fc.string({ unit: 'binary-ascii', maxLength: 20 });
    fc.assert(fc.property(fc.array(fc.record({ reason: text, comment: text, summary: text, approvers: fc.array(text, { maxLength: 3 }) }), { maxLength: 5 }), (rows) => {
      const records = parse(auditCsv(rows.map(entry)), { from_line: 2, relax_column_count: true }) as string[][];
      for (const cell of records.flat()) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    }), { numRuns: 200 });
  });
});
