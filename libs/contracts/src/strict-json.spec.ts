import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonValueProblems, parseStrictJson, PARAMS_LIMITS } from './index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('strict JSON', () => {
  it('given a body that is not JSON and holds a secret, when refused, then the message says what and where but quotes none of it', () => {
    const secret = 'sk-live-7f3a9c2e';
    const bodies = [`{"apiKey": "${secret}`, `{"apiKey": "${secret}", }`, `${secret}`, `{"apiKey": "${secret}"} trailing`, `{"apiKey": ${secret}}`];
    for (const body of bodies) {
      const parsed = parseStrictJson(body, PARAMS_LIMITS);
      assert.equal(parsed.ok, false, body);
      const message = parsed.ok ? '' : parsed.errors[0].message;
      assert.match(message, /^is not valid JSON: /, body);
      assert.ok(!message.includes('7f3a9c2e') && !message.includes('sk-live'), `${body} → ${message}`);
    }
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 30 }), fc.constantFrom('{"k":"', '[', '{"k":', '"'), (noise, opening) => {
        const parsed = parseStrictJson(`${opening}${secret}${noise}`, PARAMS_LIMITS);
        if (parsed.ok) return;
        for (const e of parsed.errors) assert.ok(!e.message.includes('7f3a9c2e'), e.message);
      }),
      { numRuns: 300 },
    );
  });

  it('given valid JSON, returns the value', () => {
    assert.deepEqual(parseStrictJson('{"a":[1,{"b":"😀"}]}', PARAMS_LIMITS), { ok: true, value: { a: [1, { b: '😀' }] } });
  });

  it('given a duplicate key, names it with its pointer', () => {
    assert.deepEqual(parseStrictJson('{"a":{"b":1,"b":2}}', PARAMS_LIMITS), {
      ok: false, errors: [{ pointer: '/a/b', message: 'is a duplicate key: each member name may appear once per object' }],
    });
  });

  it('given an escaped lone surrogate, refuses it at its field', () => {
    const check = parseStrictJson('{"reason":"bye \\ud800"}', PARAMS_LIMITS);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.errors[0].pointer, '/reason');
  });

  it('given bytes that are not UTF-8, refuses them', () => {
    assert.deepEqual(parseStrictJson(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), PARAMS_LIMITS), {
      ok: false, errors: [{ pointer: '/', message: 'is not valid UTF-8' }],
    });
  });

  it('given a hostile depth, refuses it before parsing, without overflowing the stack, naming the first level too deep', () => {
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    assert.deepEqual(parseStrictJson(deep, PARAMS_LIMITS), { ok: false, errors: [{ pointer: '/0'.repeat(32), message: 'is nested more than 32 levels deep' }] });
  });

  it('given a deep member among others, names the field it is under, as the value check would', () => {
    const deep = `{"action":"x","list":[1,{"b":2}],"params":${'{"a~/":'.repeat(1600)}1${'}'.repeat(1600)}}`;
    const check = parseStrictJson(deep, { ...PARAMS_LIMITS, maxDepth: 4 });
    assert.deepEqual(check, { ok: false, errors: [{ pointer: '/params/a~0~1/a~0~1/a~0~1', message: 'is nested more than 4 levels deep' }] });
    const shallow = JSON.parse(`{"params":${'{"a~/":'.repeat(4)}1${'}'.repeat(4)}}`);
    assert.deepEqual(jsonValueProblems(shallow, { ...PARAMS_LIMITS, maxDepth: 4 }), [{ pointer: '/params/a~0~1/a~0~1/a~0~1', message: 'is nested more than 4 levels deep' }]);
  });

  it('given brackets inside strings, does not count them as depth', () => {
    assert.equal(parseStrictJson(JSON.stringify({ a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' }), PARAMS_LIMITS).ok, true);
  });

  it('given comments or trailing commas, refuses them as JSON does', () => {
    assert.equal(parseStrictJson('{"a":1,}', PARAMS_LIMITS).ok, false);
    assert.equal(parseStrictJson('{"a":1 /* x */}', PARAMS_LIMITS).ok, false);
  });

  it('property: names the same first level too deep as the check of the parsed value', () => {
    const limits = { ...PARAMS_LIMITS, maxDepth: 3 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const check = parseStrictJson(JSON.stringify(value), limits);
        const depth = jsonValueProblems(value, limits).find((p) => p.message.startsWith('is nested'));
        if (depth) assert.deepEqual(check, { ok: false, errors: [depth] });
        else assert.ok(check.ok || !check.errors[0].message.startsWith('is nested'));
      }),
      { numRuns: 500 },
    );
  });

  it('property: agrees with JSON.parse on every value it accepts, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)), fc.string({ unit: 'binary' })), (text) => {
        const check = parseStrictJson(utf8(text), PARAMS_LIMITS);
        if (check.ok) assert.deepEqual(check.value, JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
