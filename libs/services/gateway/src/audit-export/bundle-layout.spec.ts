import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { archiveName, bundleFileName, bundleManifest, isComplete, policyEntry, versionsInForce, type Publication } from './bundle-layout.ts';

const pub = (version: string, publishedAt: string, eventId = `e-${version}-${publishedAt}`): Publication => ({ version, publishedAt, eventId });
const T = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00.000Z`;

describe('evidence bundle layout', () => {
  it('given filters, then only an unfiltered bundle is complete, and the manifest counts what it lists', () => {
    assert.equal(isComplete({}), true);
    for (const filters of [{ from: T(1) }, { to: T(1) }, { actions: ['a'] }]) assert.equal(isComplete(filters), false);
    const m = bundleManifest({ createdAt: T(0), log: 'l', filters: { actions: ['a'] }, actions: ['a'], events: 3, checkpoints: 2, files: [] });
    assert.deepEqual(m, { format: 'countersign-evidence', version: 1, createdAt: T(0), log: 'l', complete: false, filters: { actions: ['a'] }, actions: ['a'], counts: { events: 3, actions: 1, checkpoints: 2 }, files: [] });
  });

  it('given a creation time, then the file name has no colon and the entries sit under countersign-evidence/', () => {
    assert.equal(bundleFileName('2026-12-03T12:00:01.123Z'), 'countersign-evidence-2026-12-03T12-00-01Z.tar.gz');
    assert.equal(archiveName('keys/jwks.json'), 'countersign-evidence/keys/jwks.json');
  });

  it('given policy file paths, then plain ones keep their path and any other gets a plain name', () => {
    const v = 'f'.repeat(64);
    assert.equal(policyEntry(v, 'main.yaml', 0), `policies/${v}/main.yaml`);
    assert.equal(policyEntry(v, 'team/data.yml', 1), `policies/${v}/team/data.yml`);
    for (const [i, bad] of ['../x.yaml', '/etc/x.yaml', 'a//b.yaml', '.hidden.yaml', 'a/./b.yaml', 'a b.yaml', 'version.json', 'x\\y.yaml', `${'a'.repeat(201)}.yaml`].entries()) {
      assert.equal(policyEntry(v, bad, i), `policies/${v}/file-${i}.yaml`, bad);
    }
  });

  it('property: no policy entry leaves its version directory', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.nat(100), (path, i) => {
      const entry = policyEntry('v', path, i);
      assert.ok(entry.startsWith('policies/v/'));
      assert.ok(!entry.split('/').some((s) => s === '..' || s === '.' || s === ''), entry);
    }), { numRuns: 500 });
  });

  it('given publications, then the versions in force at some instant of the range are chosen', () => {
    const pubs = [pub('A', T(1)), pub('B', T(5)), pub('A', T(8)), pub('C', T(10))];
    assert.deepEqual([...versionsInForce(pubs, {})].sort(), ['A', 'B', 'C']);
    assert.deepEqual([...versionsInForce(pubs, { from: T(2), to: T(4) })], ['A'], 'A alone from 1 to 5');
    assert.deepEqual([...versionsInForce(pubs, { from: T(5), to: T(6) })], ['B'], 'B from its publication on');
    assert.deepEqual([...versionsInForce(pubs, { from: T(4), to: T(5) })], ['A'], 'the range ends before B');
    assert.deepEqual([...versionsInForce(pubs, { from: T(6), to: T(9) })].sort(), ['A', 'B']);
    assert.deepEqual([...versionsInForce(pubs, { from: T(11) })], ['C']);
    assert.deepEqual([...versionsInForce(pubs, { to: T(0) })], [], 'nothing was published yet');
  });

  it('property: a version is chosen exactly when it is in force at some sampled instant of the range', () => {
    const hour = fc.integer({ min: 0, max: 23 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), hour), { maxLength: 6 }), hour, hour, (raw, a, b) => {
      const pubs = raw.map(([v, h], i) => pub(v, T(h), `e${i}`));
      const [from, to] = [Math.min(a, b), Math.max(a, b)];
      const sorted = [...pubs].sort((x, y) => (x.publishedAt === y.publishedAt ? (x.eventId < y.eventId ? -1 : 1) : x.publishedAt < y.publishedAt ? -1 : 1));
      // In force at instant t: the last publication at or before t. Sample every minute of the range.
      const expected = new Set<string>();
      for (let t = Date.parse(T(from)); t < Date.parse(T(to)); t += 60_000) {
        const iso = new Date(t).toISOString();
        const last = sorted.filter((p) => p.publishedAt <= iso).at(-1);
        if (last) expected.add(last.version);
      }
      assert.deepEqual([...versionsInForce(pubs, { from: T(from), to: T(to) })].sort(), [...expected].sort());
    }), { numRuns: 300 });
  });
});
