import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UsageError } from './cli-errors.ts';
import { parseParams } from './request-params.ts';

const refused = (run: () => unknown, message: RegExp) =>
  assert.throws(run, (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'));

describe('request parameters', () => {
  it('given --param k=v, when the value parses as JSON, then it is that JSON; otherwise it is the text', () => {
    assert.deepEqual(parseParams({ param: ['rows=5000', 'format=csv', 'dry=true', 'tags=["a","b"]', 'filter={"region":"eu"}', 'n="5000"', 'note=', 'id=0042', 'expr=a=b'] }), {
      rows: 5000,
      format: 'csv',
      dry: true,
      tags: ['a', 'b'],
      filter: { region: 'eu' },
      n: '5000',
      note: '',
      id: '0042',
      expr: 'a=b',
    });
  });

  it('given --params-json or --params-file, then its object is the base and each --param is set on top', () => {
    assert.deepEqual(parseParams({ paramsJson: '{"rows":1,"format":"csv"}', param: ['rows=2'] }), { rows: 2, format: 'csv' });
    assert.deepEqual(parseParams({ paramsFile: { name: 'p.json', text: '{"a":{"b":[1]}}\n' } }), { a: { b: [1] } });
    assert.deepEqual(parseParams({}), {});
  });

  it('given a key named __proto__, then it is a member like any other, not the prototype', () => {
    const params = parseParams({ paramsJson: '{"__proto__":{"x":1}}', param: ['constructor=1'] });
    assert.deepEqual(Object.keys(params), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(params), Object.prototype);
    assert.equal(JSON.stringify(params), '{"__proto__":{"x":1},"constructor":1}');
  });

  it('given input that cannot be meant, then the usage error says which flag and what is wrong', () => {
    refused(() => parseParams({ param: ['rows'] }), /^--param "rows": expected k=v$/);
    refused(() => parseParams({ param: ['=5'] }), /^--param "=5": the name before "=" is empty$/);
    refused(() => parseParams({ param: ['a=1', 'a=2'] }), /^--param "a": given twice$/);
    refused(() => parseParams({ param: ['big=12345678901234567890'] }), /^--param "big": 12345678901234567890 is beyond 2\^53 .*'big="12345678901234567890"'$/);
    refused(() => parseParams({ param: ['f={"a":1,"a":2}'] }), /^--param "f": \/a is a duplicate key$/);
    refused(() => parseParams({ paramsJson: '[1]' }), /^--params-json: expected a JSON object, got an array$/);
    refused(() => parseParams({ paramsJson: 'null' }), /^--params-json: expected a JSON object, got null$/);
    refused(() => parseParams({ paramsJson: '"x"' }), /^--params-json: expected a JSON object, got a string$/);
    refused(() => parseParams({ paramsJson: '{rows:1}' }), /^--params-json: not valid JSON \(/);
    refused(() => parseParams({ paramsJson: '{"a":{"b":1,"b":2}}' }), /^--params-json: \/a\/b is a duplicate key/);
    refused(() => parseParams({ paramsFile: { name: 'p.json', text: '{"a":1,}' } }), /^--params-file "p.json": not valid JSON/);
    refused(() => parseParams({ paramsJson: '{}', paramsFile: { name: 'p.json', text: '{}' } }), /^--params-json and --params-file: give one or the other$/);
  });

  it('property: any key without "=" and any JSON value round-trips through k=v', () => {
    const key = fc.string({ minLength: 1 }).filter((k) => !k.includes('='));
    const value = fc.jsonValue().filter((v) => !(typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)));
    fc.assert(
      fc.property(key, value, (k, v) => {
        const params = parseParams({ param: [`${k}=${JSON.stringify(v)}`] });
        assert.deepEqual(Object.keys(params), [k]);
        // JSON.stringify(-0) is "0": compare as JSON, as the server will see it.
        assert.equal(JSON.stringify(params[k]), JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });

  it('property: a value that is not JSON is kept as the exact text; every input either parses or is a one-line usage error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let json = true;
        try {
          JSON.parse(text);
        } catch {
          json = false;
        }
        if (!json) assert.equal(parseParams({ param: [`k=${text}`] }).k, text);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), fc.option(fc.string({ unit: 'binary' })), (param, paramsJson) => {
        try {
          const params = parseParams({ param, ...(paramsJson !== null ? { paramsJson } : {}) });
          assert.equal(typeof params, 'object');
        } catch (e) {
          assert.ok(e instanceof UsageError, String(e));
          assert.doesNotMatch(e.message, /\n/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
