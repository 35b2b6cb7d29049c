import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Environment } from '@marcbachmann/cel-js';
import { COST_BUDGET } from './condition-cost.ts';
import { compileCondition } from './conditions.ts';

// Properties of the condition compiler, which parses text that publishers write: it answers for
// any text without throwing, what it accepts is within budget, and rewriting `matches` to RE2
// changes nothing but the engine (for patterns both engines read alike).
const plain = new Environment({ unlistedVariablesAreDyn: false })
  .registerVariable('context', 'map')
  .registerVariable('params', 'map')
  .clone();

const PATTERNS = ['^a', 'b$', 'a.c', '[0-9]+', '^(ab)*$', 'x|y', 'a{2,3}', '^[a-c]+[0-9]?$'];
const text = fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c', 'x', 'y', '0', '7', '-') });

const { condition } = fc.letrec<{ str: string; condition: string }>((tie) => ({
  str: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    // string(…): inputs are dyn, and comparing two dyn inputs deeply is over budget (they could be 10,000-value trees).
    fc.constantFrom('string(context.s)', 'string(context.t)', '"ab"', '"x7"'),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `(${a} + ${b})`),
  ),
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(tie('str'), fc.constantFrom(...PATTERNS)).map(([s, p]) => `${s}.matches(${JSON.stringify(p)})`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} == ${b}`),
    fc.tuple(tie('condition'), tie('condition')).map(([a, b]) => `(${a}) && (${b})`),
    fc.tuple(tie('condition'), tie('condition')).map(([a, b]) => `${a} || ${b}`),
    tie('condition').map((c) => `!(${c})`),
    fc.tuple(tie('str'), tie('str'), fc.constantFrom(...PATTERNS)).map(([a, b, p]) => `[dyn(${a}), dyn(${b})].exists(v, v.matches(${JSON.stringify(p)}))`),
  ),
}));

const outcome = (run: () => unknown): string => {
  try {
    return JSON.stringify(run());
  } catch {
    return 'error';
  }
};

describe('the condition compiler (properties)', () => {
  it('given any text, answers with a condition or a one-line reason, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60, unit: fc.constantFrom('(', ')', '.', 'matches', '"', 'params', '.all(x, ', '+', '[', ']', ' ', 'x') })), (source) => {
        const compiled = compileCondition(source);
        if (compiled.ok) assert.ok(compiled.condition.cost <= COST_BUDGET);
        else assert.ok(typeof compiled.error === 'string' && !compiled.error.includes('\n'), compiled.error);
      }),
      { numRuns: 400 },
    );
  });

  it('given conditions with matches() anywhere, the RE2 rewrite decides as the original would', () => {
    fc.assert(
      fc.property(condition, text, text, (source, s, t) => {
        const compiled = compileCondition(source);
        assert.ok(compiled.ok, `${source}: ${compiled.ok ? '' : compiled.error}`);
        const context = { s, t };
        const expected = outcome(() => plain.parse(source)({ context, params: {} }));
        assert.equal(outcome(() => compiled.condition.run({ context, params: {} })), expected, source);
      }),
      { numRuns: 300 },
    );
  });
});
