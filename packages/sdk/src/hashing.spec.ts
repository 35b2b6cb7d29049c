import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, guardKey, paramsHash } from './hashing.js';

/** Rebuilds every object of a JSON value with its keys in another order. */
function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, reorder(v, seed)] as const);
  entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
  return Object.fromEntries(entries);
}

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 });

describe('params hashing', () => {
  it('given the README example params, gives the paramsHash the server showed', async () => {
    assert.equal(await paramsHash({ format: 'csv', rows: 5000 }), '0ca871edd8ac854d80c22d09a3c77e9e6eb1c42c79f4814a3d53f08fd558a52c');
  });

  it('given no params, hashes them as {} (the server defaults params to {})', async () => {
    assert.equal(await paramsHash(undefined), await paramsHash({}));
  });

  it('given what JSON cannot hold, throws a TypeError instead of hashing something else', async () => {
    await assert.rejects(paramsHash({ n: Number.NaN }), TypeError);
    await assert.rejects(paramsHash({ s: '\ud800' }), TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(paramsHash(cyclic), TypeError);
    assert.throws(() => canonicalJson(undefined), TypeError);
  });

  it('property: equals SHA-256 of the RFC 8785 form, as the server computes it, whatever the key order', async () => {
    await fc.assert(fc.asyncProperty(jsonObject, fc.nat(), async (params, seed) => {
      const expected = createHash('sha256').update(canonicalize(params)!, 'utf8').digest('hex');
      assert.equal(await paramsHash(params), expected);
      assert.equal(await paramsHash(reorder(params, seed) as Record<string, unknown>), expected);
    }), { numRuns: 300 });
  });
});

describe('guard keys', () => {
  const spec = { action: 'data.export', resource: 'prod/customers', params: { rows: 5, format: 'csv' } };

  it('given the same call, gives the same key; a justification does not change it', async () => {
    const key = await guardKey(spec);
    assert.match(key, /^guard-[0-9a-f]{64}$/);
    assert.equal(await guardKey({ ...spec, params: { format: 'csv', rows: 5 } }), key);
    assert.equal(await guardKey({ ...spec, justification: 'other words' } as typeof spec), key);
  });

  it('given another action, resource, params or key, gives another key', async () => {
    const keys = await Promise.all([
      guardKey(spec),
      guardKey({ ...spec, action: 'data.read' }),
      guardKey({ ...spec, resource: 'prod/orders' }),
      guardKey({ ...spec, params: { rows: 6, format: 'csv' } }),
      guardKey({ ...spec, key: 'run-2' }),
      guardKey({ action: 'data.export', resource: 'prod/customers' }),
    ]);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('property: keys are valid Idempotency-Key values (1–255 visible ASCII)', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), jsonObject, fc.option(fc.string(), { nil: undefined }),
      async (action, resource, params, key) => {
        assert.match(await guardKey({ action, resource, params, ...(key !== undefined ? { key } : {}) }), /^[\x21-\x7e]{1,255}$/);
      }), { numRuns: 100 });
  });
});
