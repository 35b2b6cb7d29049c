import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeLine, encodeBatch, encodeRecord } from './record-codec.ts';

/** The bytes of an encoded line, without its newline. */
const line = (text: string) => Buffer.from(text.slice(0, -1), 'utf8');

describe('record codec', () => {
  it('given awkward keys and JSON values, a record decodes to exactly what was encoded', () => {
    for (const key of ['plain', 'with "quotes"', 'back\\slash\\', 'ünïcødé ✓', '']) {
      const raw = JSON.stringify({ text: 'line\nbreak', n: 1.5, nested: [null, true] });
      const text = encodeRecord({ key, raw }, true);
      assert.equal(text.indexOf('\n'), text.length - 1, 'one line per record');
      assert.deepEqual(decodeLine(line(text)), { record: { key, raw }, endsBatch: true });
    }
  });

  it('given text that is not JSON, or JSON with raw line breaks, it stays on one line and comes back unchanged', () => {
    for (const [raw, json] of [['not json {\n"half', false], ['{\n"n":\r\n1}', true]] as const) {
      const text = encodeRecord({ key: 'k', raw }, json);
      assert.equal(text.indexOf('\n'), text.length - 1);
      assert.deepEqual(decodeLine(line(text)), { record: { key: 'k', raw }, endsBatch: true });
    }
  });

  it('given a batch, every line but the last says the batch goes on; a line written before batches were marked ends its batch', () => {
    const records = [1, 2, 3].map((n) => ({ key: 'k', raw: `{"n":${n}}` }));
    const lines = encodeBatch(records, [true, true, true]).split('\n').slice(0, -1);
    assert.deepEqual(lines.map((l) => l[8]), ['+', '+', ' ']);
    assert.deepEqual(lines.map((l) => decodeLine(Buffer.from(l))), records.map((record, i) => ({ record, endsBatch: i === 2 })));
    // A line of the earlier format, checksum over the payload alone.
    assert.deepEqual(decodeLine(Buffer.from('ff8175fa {"key":"k","value":1}')), { record: { key: 'k', raw: '1' }, endsBatch: true });
  });

  it('when any byte of a record changes, or it is cut short, decoding reports a problem', () => {
    const text = encodeRecord({ key: 'k', raw: '{"n":12345}' }, true).slice(0, -1);
    assert.deepEqual(decodeLine(Buffer.from(text.replace('12345', '12346'))), { problem: 'checksum mismatch' });
    assert.deepEqual(decodeLine(Buffer.from(text.slice(0, -3))), { problem: 'checksum mismatch' });
    assert.deepEqual(decodeLine(Buffer.from(`${text.slice(0, 8)}+${text.slice(9)}`)), { problem: 'checksum mismatch' }, 'the batch marker is checksummed');
    assert.deepEqual(decodeLine(Buffer.alloc(12)), { problem: 'not a record line (no checksum prefix)' });
    assert.deepEqual(decodeLine(Buffer.alloc(0)), { problem: 'not a record line (no checksum prefix)' });
  });

  it('property: any key and text round-trip; any single changed byte is reported, never decoded as another record', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (key, raw, endsBatch, at, xor) => {
        const text = encodeRecord({ key, raw }, false, endsBatch);
        const bytes = line(text);
        const decoded = decodeLine(bytes);
        assert.deepEqual(decoded, { record: { key, raw }, endsBatch });
        const damaged = Buffer.from(bytes);
        damaged[at % damaged.length] ^= xor;
        assert.ok('problem' in decodeLine(damaged), `byte ${at % damaged.length} ^ ${xor} went unnoticed`);
      }),
      { numRuns: 500 },
    );
  });

  it('property: random bytes never throw and decode only with a matching checksum', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeLine(bytes);
        if ('record' in decoded) assert.match(Buffer.from(bytes).toString('latin1', 0, 9), /^[0-9a-f]{8}[ +]$/);
      }),
      { numRuns: 1000 },
    );
  });
});
