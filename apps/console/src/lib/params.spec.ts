import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { collapse, paramRows, PREVIEW_CHARS } from './params.ts';

describe('params', () => {
  it('given nested params, when shown, then each leaf is a row with its path', () => {
    const rows = paramRows({ table: 'customers', limit: 10, filter: { region: 'eu', 'odd key': true }, tags: ['a', 'b'] });
    assert.deepEqual(rows.map((r) => [r.path, r.full]), [
      ['table', 'customers'], ['limit', '10'], ['filter.region', 'eu'], ['filter["odd key"]', 'true'], ['tags[0]', 'a'], ['tags[1]', 'b'],
    ]);
    assert.deepEqual(paramRows({}), [{ path: '(params)', full: '{}', preview: '{}', hidden: 0 }]);
  });

  it('given a long value, when collapsed, then the preview says how much is hidden', () => {
    const long = 'x'.repeat(PREVIEW_CHARS + 30);
    const [row] = paramRows({ sql: long });
    assert.equal(row.preview.length, PREVIEW_CHARS);
    assert.equal(row.hidden, 30);
    assert.deepEqual(collapse('a\nb\nc\nd'), { preview: 'a\nb\nc', hidden: 2 });
  });

  it('given a redacted value, when shown, then it is shown as the API gave it', () => {
    assert.equal(paramRows({ token: '[redacted]' })[0].full, '[redacted]');
  });

  it('property: preview plus the hidden characters is the whole value, never cut silently', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      for (const row of paramRows(value)) {
        assert.ok(row.full.startsWith(row.preview));
        assert.equal(Array.from(row.preview).length + row.hidden, Array.from(row.full).length);
      }
    }), { numRuns: 300 });
  });
});
