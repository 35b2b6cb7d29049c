import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UsageError } from './cli-errors.ts';
import { defaultOutName, exportRequest } from './audit-export-request.ts';

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const ID2 = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';

describe('countersign audit export: the request', () => {
  it('given no flags, then the whole bundle is asked for', () => {
    assert.deepEqual(exportRequest({ action: [] }), { format: 'bundle', path: '/v1/audit/export', accept: 'application/gzip' });
  });

  it('given a range and actions, then a bundle names them with action, the audit trail with actionId (its action is a type)', () => {
    const flags = { from: '2026-11-01T01:00:00+01:00', to: '2026-11-02', action: [ID2, ID.toUpperCase(), ID2] };
    assert.equal(exportRequest(flags).path, `/v1/audit/export?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z&actionId=${ID}&actionId=${ID2}`);
    assert.deepEqual(exportRequest({ ...flags, format: 'csv' }), {
      format: 'csv', accept: 'text/csv',
      path: `/v1/audit?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z&actionId=${ID}&actionId=${ID2}&format=csv`,
    });
    assert.equal(exportRequest({ action: [], format: 'ndjson' }).accept, 'application/x-ndjson');
  });

  it('given a bad flag, then a usage error naming it, before anything is sent', () => {
    const refused = (flags: Parameters<typeof exportRequest>[0], flag: string) =>
      assert.throws(() => exportRequest(flags), (e: unknown) => e instanceof UsageError && e.message.startsWith(flag));
    refused({ action: [], format: 'zip' }, '--format');
    refused({ action: [], from: 'yesterday' }, '--from');
    refused({ action: [], to: '2026-13-45T00:00:00Z' }, '--to');
    refused({ action: [], from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, '--from');
    refused({ action: ['data.export'] }, '<id>');
  });

  it('property: any flags give a request or a usage error, never another error', () => {
    fc.assert(fc.property(fc.record({ from: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), to: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), action: fc.array(fc.oneof(fc.constant(ID), fc.string({ maxLength: 40 })), { maxLength: 3 }), format: fc.option(fc.constantFrom('bundle', 'csv', 'ndjson', 'x'), { nil: undefined }) }), (flags) => {
      try {
        const r = exportRequest(flags);
        assert.ok(r.path.startsWith('/v1/audit'));
      } catch (e) {
        assert.ok(e instanceof UsageError, String(e));
      }
    }), { numRuns: 300 });
  });

  it('given no --out, then the server\'s plain file name for a bundle, a timestamped one otherwise', () => {
    const now = new Date('2026-12-03T12:00:01.500Z');
    assert.equal(defaultOutName('bundle', now, 'attachment; filename="countersign-evidence-2026-12-03T12-00-00Z.tar.gz"'), 'countersign-evidence-2026-12-03T12-00-00Z.tar.gz');
    assert.equal(defaultOutName('bundle', now, 'attachment; filename="../../etc/passwd"'), 'countersign-evidence-2026-12-03T12-00-01Z.tar.gz');
    assert.equal(defaultOutName('bundle', now, null), 'countersign-evidence-2026-12-03T12-00-01Z.tar.gz');
    assert.equal(defaultOutName('csv', now, null), 'countersign-audit-2026-12-03T12-00-01Z.csv');
  });
});
