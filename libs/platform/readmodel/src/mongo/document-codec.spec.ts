import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDocument, decodeKey, encodeDocument, encodeKey } from './document-codec.ts';

describe('read-model document codec (what FerretDB v1 can store)', () => {
  it('given ordinary JSON, encoding changes nothing', () => {
    const doc = { _id: 'act-1', status: 'pending', votes: [{ voter: 'bob', at: '2026-01-01T00:00:00.000Z' }], n: 3, ok: true, none: null, e: [], o: {} };
    assert.deepEqual(encodeDocument(doc), doc);
  });

  it('given keys with dots, a leading dollar, percent or NUL, they are escaped and come back as they were', () => {
    const doc = { _id: 'a', params: { 'a.b': 1, $where: 'x', 'in$side': 2, '50%': 3, '%2E': 4, 'nul\0': 5, '': 6 } };
    const stored = encodeDocument(doc);
    assert.deepEqual(stored, { _id: 'a', params: { 'a%2Eb': 1, '%24where': 'x', 'in$side': 2, '50%25': 3, '%252E': 4, 'nul%00': 5, '': 6 } });
    assert.deepEqual(decodeDocument(stored), doc);
  });

  it('given arrays inside arrays, they are wrapped and come back as they were', () => {
    const doc = { _id: 'a', m: [[1, 2], [[3]], [], 'x', { '%array': [7] }] };
    const stored = encodeDocument(doc);
    assert.deepEqual(stored, { _id: 'a', m: [{ '%array': [1, 2] }, { '%array': [{ '%array': [3] }] }, { '%array': [] }, 'x', { '%25array': [7] }] });
    assert.deepEqual(decodeDocument(stored), doc);
  });

  it('given undefined fields, they are dropped as JSON drops them', () => {
    assert.deepEqual(encodeDocument({ _id: 'a', gone: undefined, kept: { also: undefined, x: 1 } }), { _id: 'a', kept: { x: 1 } });
  });

  it('key escaping is reversible for every key', () => {
    for (const key of ['plain', 'a.b.c', '$x', '$$', 'a$', '%', '%%25', '%24', '.', '\0%.$', 'ключ.é']) {
      assert.equal(decodeKey(encodeKey(key)), key);
      assert.doesNotMatch(encodeKey(key), /\.|\0|^\$/);
    }
  });

  it('decoding gives new objects: changing them changes nothing stored', () => {
    const stored = { _id: 'a', list: ['x'], nested: { y: 1 } };
    const doc = decodeDocument<typeof stored>(stored);
    doc.list.push('z');
    doc.nested.y = 2;
    assert.deepEqual(stored, { _id: 'a', list: ['x'], nested: { y: 1 } });
  });
});
