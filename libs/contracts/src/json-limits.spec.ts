import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonValueProblems, PARAMS_LIMITS, validateCommand, type JsonLimits } from './index.ts';

const small: JsonLimits = { maxDepth: 3, maxKeys: 2, maxItems: 2, maxStringLength: 5, maxNodes: 10 };
const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = { a: v };
  return v;
};

describe('JSON limits', () => {
  it('given plain bounded JSON, finds nothing', () => {
    assert.deepEqual(jsonValueProblems({ a: [1, 'x'], b: { c: null } }, small), []);
  });

  it('given a lone surrogate in a value or a key, names the field and the index', () => {
    assert.deepEqual(jsonValueProblems({ r: 'bye \ud800' }, small), [
      { pointer: '/r', message: 'has a string that is not well-formed Unicode (a lone surrogate at index 4)' },
    ]);
    assert.match(jsonValueProblems({ ['k\udc00']: 1 }, small)[0].message, /key that is not well-formed Unicode/);
  });

  it('given a surrogate pair, accepts it (an emoji is well-formed)', () => {
    assert.deepEqual(jsonValueProblems({ a: '😀' }, small), []);
  });

  it('given nesting past the limit, reports the depth once, at the first level too deep', () => {
    assert.deepEqual(jsonValueProblems(nest(4), small), [{ pointer: '/a/a/a', message: 'is nested more than 3 levels deep' }]);
  });

  it('given a hostile depth, answers without overflowing the stack', () => {
    const deep = nest(200_000);
    assert.equal(jsonValueProblems(deep, PARAMS_LIMITS)[0].message, 'is nested more than 32 levels deep');
  });

  it('given too many keys, items, characters or values, says which limit and where', () => {
    assert.match(jsonValueProblems({ a: 1, b: 2, c: 3 }, small)[0].message, /3 members; at most 2/);
    assert.match(jsonValueProblems({ a: [1, 2, 3] }, small)[0].message, /3 elements; at most 2/);
    assert.equal(jsonValueProblems({ a: 'toolong' }, small)[0].pointer, '/a');
    const wide = { a: [[1, 1], [1, 1], [1]], b: [[1, 1]] };
    assert.match(jsonValueProblems(wide, { ...small, maxItems: 5 }).at(-1)!.message, /more than 10 values/);
  });

  it('escapes keys in pointers as RFC 6901 says', () => {
    assert.equal(jsonValueProblems({ 'a/b~': 'toolong' }, small)[0].pointer, '/a~1b~0');
  });

  it('given non-JSON values, refuses them', () => {
    assert.match(jsonValueProblems({ a: Number.NaN }, small)[0].message, /finite/);
    assert.match(jsonValueProblems({ a: new Date() }, small)[0].message, /plain JSON object/);
  });

  it('property: never throws, and accepts exactly the values whose text is well-formed within the bounds', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.string({ unit: 'binary' }), (value, text) => {
        const problems = jsonValueProblems({ value, text }, PARAMS_LIMITS);
        const wellFormed = text.isWellFormed() && JSON.stringify(value).isWellFormed();
        if (!wellFormed) assert.ok(problems.some((p) => /Unicode/.test(p.message)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('command validation', () => {
  it('given a command whose text is not well-formed, refuses it before any schema, naming the field', () => {
    const command = {
      id: 'c1', type: 'CancelAction', actionId: 'a1', issuedAt: '2026-01-01T00:00:00.000Z',
      actor: { id: 'alice', kind: 'human' }, correlationId: 'a1', data: { by: 'alice', reason: 'bye \ud800' },
    };
    const check = validateCommand(command);
    assert.equal(check.ok, false);
    assert.deepEqual(!check.ok && check.errors.map((e) => e.pointer), ['/data/reason']);
  });
});
