import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { slackCode } from './display-text.ts';
import { displayParams, PARAMS_DISPLAY, REDACTED } from './params-display.ts';

/** The oracle: scalars and empty containers, counted plainly (recursion is fine for generated values). */
const leaves = (v: unknown): number => {
  if (v === null || typeof v !== 'object') return 1;
  const children = Array.isArray(v) ? v : Object.values(v);
  return children.length === 0 ? 1 : children.reduce((n: number, c) => n + leaves(c), 0);
};

/** Every shown value is the proposed one, a cut prefix of it ending in "…", or "[redacted]" under a secret key. */
function assertFaithful(shown: unknown, original: unknown, path: string): void {
  if (shown === REDACTED) return;
  if (typeof shown === 'string' && typeof original === 'string') {
    assert.ok(shown === original || (shown.endsWith('…') && original.startsWith(shown.slice(0, -1))), `${path}: ${shown.slice(0, 40)}`);
    return;
  }
  if (shown === null || typeof shown !== 'object') {
    assert.deepEqual(shown, original, path);
    return;
  }
  assert.equal(Array.isArray(shown), Array.isArray(original), path);
  if (Array.isArray(shown)) {
    // A prefix: every index shown is the real one.
    shown.forEach((item, i) => assertFaithful(item, (original as unknown[])[i], `${path}/${i}`));
    return;
  }
  for (const [key, value] of Object.entries(shown)) {
    const originalKey = Object.hasOwn(original as object, key) ? key : Object.keys(original as object).find((k) => key.endsWith('…') && k.startsWith(key.slice(0, -1)));
    assert.ok(originalKey !== undefined, `${path}: key ${key} was not proposed`);
    assertFaithful(value, (original as Record<string, unknown>)[originalKey], `${path}/${key}`);
  }
}

const key = fc.oneof(fc.string({ maxLength: 120, unit: 'binary' }), fc.constantFrom('secret', 'db_SECRET', '__proto__', 'k'.repeat(150)));
const params = fc.dictionary(key, fc.jsonValue({ maxDepth: 9, stringUnit: 'binary' }), { maxKeys: 60 });

describe('parameters as messages show them', () => {
  it('replaces values of keys matching a redaction glob, at any depth and in any case', () => {
    // given secrets at the top and nested, and a glob list
    const proposed = { table: 'customers', DB_Password: 'hunter2', auth: { apiToken: 't0k', user: 'svc' }, list: [{ token: { a: 1, b: 2 } }] };
    // when displayed
    const { params: shown, shown: counts } = displayParams(proposed, ['*password*', '*token*']);
    // then only the matching values are hidden, each counted as one value shown
    assert.deepEqual(shown, { table: 'customers', DB_Password: REDACTED, auth: { apiToken: REDACTED, user: 'svc' }, list: [{ token: REDACTED }] });
    assert.deepEqual(counts, { values: 5, shown: 5, cut: 0 });
  });

  it('cuts long strings and keys with "…", counting them as cut, without splitting a character', () => {
    const { params: shown, shown: counts } = displayParams({ sql: 'x'.repeat(1500), ['k'.repeat(150)]: 1, emoji: '😀'.repeat(1200) });
    assert.equal([...(shown.sql as string)].length, PARAMS_DISPLAY.maxString);
    assert.ok((shown.sql as string).endsWith('…'));
    assert.ok(Object.keys(shown).some((k) => k.length === PARAMS_DISPLAY.maxKey && k.endsWith('…')));
    assert.equal(counts.cut, 3 - (counts.values - counts.shown));
    assert.ok(!(typeof shown.emoji === 'string' && /[\ud800-\udbff]…$/.test(shown.emoji)));
  });

  it('keeps a prefix of an array, so indexes stay true, and leaves out what is nested too deep', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10; i += 1) deep = { d: deep };
    const { params: shown, shown: counts } = displayParams({ list: [1, deep, 3], after: 'x' });
    assert.deepEqual(shown, { list: [1], after: 'x' });
    assert.deepEqual(counts, { values: 4, shown: 2, cut: 0 });
  });

  it('keeps a key named __proto__ as data', () => {
    const proposed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const { params: shown } = displayParams(proposed);
    assert.equal(Object.getPrototypeOf(shown), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(shown)), proposed);
  });

  it('given the filler attack, then the value after the fillers is counted as not shown', () => {
    const proposed: Record<string, unknown> = {};
    for (let i = 0; i < 120; i += 1) proposed[`k${i}`] = 'filler value';
    proposed.bucket = 's3://attacker-bucket';
    const { params: shown, shown: counts } = displayParams(proposed);
    assert.equal(counts.values, 121);
    assert.equal('bucket' in shown, counts.shown === 121);
  });

  it('given any parameters, then the counts are exact, everything shown is as proposed, and the block fits its budget', () => {
    fc.assert(fc.property(params, fc.constantFrom([], ['*secret*']), (proposed, globs) => {
      const { params: shown, shown: counts } = displayParams(proposed, globs);
      assert.equal(counts.values, leaves(proposed) - (Object.keys(proposed).length === 0 ? 1 : 0) - secretExtra(proposed, globs));
      assert.ok(counts.cut <= counts.shown && counts.shown <= counts.values);
      assert.ok(slackCode(JSON.stringify(shown, null, 2)).length <= PARAMS_DISPLAY.budget);
      assertFaithful(shown, proposed, '');
      if (counts.shown === counts.values && counts.cut === 0 && globs.length === 0) assert.equal(JSON.stringify(shown), JSON.stringify(proposed));
    }), { numRuns: 300 });
  });
});

const isSecret = picomatch('*secret*', { nocase: true, dot: true });

/** With `*secret*`, a matching key's whole value counts once: the difference to counting its leaves. */
function secretExtra(value: unknown, globs: readonly string[]): number {
  if (globs.length === 0 || value === null || typeof value !== 'object') return 0;
  let extra = 0;
  for (const [k, v] of Object.entries(value)) {
    if (!Array.isArray(value) && isSecret(k)) extra += leaves(v) - 1;
    else extra += secretExtra(v, globs);
  }
  return extra;
}
