import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { auditUrl, EMPTY_FILTERS, exportUrl, filtersFrom, instantToLocal, localToInstant, type AuditFilters } from './audit-query.ts';

describe('audit query', () => {
  it('given filters, when turned into URLs, then empty ones are left out and ids repeat', () => {
    const f: AuditFilters = { ...EMPTY_FILTERS, from: '2026-11-01T00:00:00.000Z', outcome: 'denied', actionIds: 'a, b\nb', requester: ' ' };
    assert.equal(auditUrl(f), '/v1/audit?from=2026-11-01T00%3A00%3A00.000Z&outcome=denied&actionId=a&actionId=b');
    assert.equal(auditUrl(f, { format: 'csv' }), '/v1/audit?from=2026-11-01T00%3A00%3A00.000Z&outcome=denied&actionId=a&actionId=b&format=csv');
    assert.equal(exportUrl(f), '/v1/audit/export?from=2026-11-01T00%3A00%3A00.000Z&actionId=a&actionId=b');
    assert.equal(auditUrl(EMPTY_FILTERS), '/v1/audit');
  });

  it('given a page URL with an unknown outcome, when read, then it is ignored', () => {
    assert.equal(filtersFrom('?outcome=maybe&type=VoteRecorded').outcome, '');
    assert.equal(filtersFrom('?outcome=maybe&type=VoteRecorded').type, 'VoteRecorded');
  });

  it('property: filters survive the round trip through the page URL', () => {
    const text = fc.string({ maxLength: 12 }).map((s) => s.trim()).filter((s) => !/[\s,]/.test(s));
    const filters = fc.record({
      from: text, to: text, requester: text, approver: text, action: text, type: text,
      actionIds: fc.array(text.filter((s) => s.length > 0), { maxLength: 3 }).map((ids) => [...new Set(ids)].join(' ')),
      outcome: fc.constantFrom('', 'approved', 'denied', 'expired', 'cancelled') as fc.Arbitrary<AuditFilters['outcome']>,
    });
    fc.assert(fc.property(filters, (f) => {
      assert.deepEqual(filtersFrom(auditUrl(f).replace("/v1/audit", "")), { ...f });
    }), { numRuns: 300 });
  });

  it('property: a local time and its instant convert back and forth to the minute', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
      const minute = new Date(Math.floor(d.getTime() / 60_000) * 60_000).toISOString();
      assert.equal(localToInstant(instantToLocal(minute)), minute);
    }), { numRuns: 300 });
    assert.equal(localToInstant('garbage'), '');
  });
});
