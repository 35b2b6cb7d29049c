import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { diffFiles, diffRows, type DiffRow } from './policy-diff.ts';

/** The texts a diff's rows rebuild: unchanged + removed is the old one, unchanged + added the new one. */
function rebuild(rows: DiffRow[]) {
  const side = (keep: 'added' | 'removed') => rows.filter((r) => r.kind === 'same' || r.kind === keep).map((r) => (r as { text: string }).text);
  return { before: side('removed'), after: side('added') };
}

describe('policy diff', () => {
  it('given a changed line among many, when diffed, then it is shown with three lines of context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 10\n', 'line ten\n');
    const rows = diffRows(before, after);
    assert.deepEqual(rows.filter((r) => r.kind !== 'same'), [
      { kind: 'gap', lines: 7 }, { kind: 'removed', text: 'line 10' }, { kind: 'added', text: 'line ten' }, { kind: 'gap', lines: 6 },
    ]);
  });

  it('given two versions, when their files are compared, then each file says how it changed', () => {
    const files = diffFiles([{ path: 'a.yaml', text: 'x\n' }, { path: 'b.yaml', text: 'y\n' }], [{ path: 'b.yaml', text: 'z\n' }, { path: 'c.yaml', text: 'w\n' }]);
    assert.deepEqual(files.map((f) => [f.path, f.change]), [['a.yaml', 'removed'], ['b.yaml', 'changed'], ['c.yaml', 'added']]);
    assert.deepEqual(diffFiles([{ path: 'a.yaml', text: 'x' }], [{ path: 'a.yaml', text: 'x' }])[0], { path: 'a.yaml', change: 'unchanged', rows: [] });
  });

  it('property: with full context, the rows of two different texts rebuild both', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'rule: x', ''), { maxLength: 12 }).map((l) => l.map((x) => x + '\n').join(''));
    fc.assert(fc.property(text, text, (before, after) => {
      fc.pre(before !== after);
      const rows = diffRows(before, after, 1_000);
      assert.ok(rows.every((r) => r.kind !== 'gap'));
      const rebuilt = rebuild(rows);
      assert.deepEqual(rebuilt.before, before.split('\n').slice(0, -1));
      assert.deepEqual(rebuilt.after, after.split('\n').slice(0, -1));
    }), { numRuns: 300 });
  });
});
