import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecord, encodeRecord } from './record-codec.ts';

const line = (text: string) => text.slice(0, -1); // without the newline

describe('record codec', () => {
  it('given awkward keys and JSON values, a record decodes to exactly what was encoded', () => {
    for (const key of ['plain', 'with "quotes"', 'back\\slash\\', 'ünïcødé ✓', '']) {
      const raw = JSON.stringify({ text: 'line\nbreak', n: 1.5, nested: [null, true] });
      const text = encodeRecord({ key, raw }, true);
      assert.equal(text.indexOf('\n'), text.length - 1, 'one line per record');
      assert.deepEqual(decodeRecord(line(text)), { key, raw });
    }
  });

  it('given text that is not JSON, even with newlines, it is stored quoted and comes back unchanged', () => {
    const raw = 'not json {\n"half';
    const text = encodeRecord({ key: 'k', raw }, false);
    assert.equal(text.indexOf('\n'), text.length - 1);
    assert.deepEqual(decodeRecord(line(text)), { key: 'k', raw });
  });

  it('when any byte of a record changes, or it is cut short, decoding reports a problem', () => {
    const text = line(encodeRecord({ key: 'k', raw: '{"n":12345}' }, true));
    assert.deepEqual(decodeRecord(text.replace('12345', '12346')), { problem: 'checksum mismatch' });
    assert.deepEqual(decodeRecord(text.slice(0, -3)), { problem: 'checksum mismatch' });
    assert.deepEqual(decodeRecord('\0\0\0\0\0\0\0\0\0\0\0\0'), { problem: 'no checksum prefix' });
    assert.deepEqual(decodeRecord(''), { problem: 'no checksum prefix' });
  });
});
