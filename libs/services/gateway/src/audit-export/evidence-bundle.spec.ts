import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { extract } from 'tar-stream';
import { importCheckpointJwks, verifyActionProof, verifyEvidence, type ActionProof, type EventEnvelope } from '@countersign/contracts';
import { createMemoryReadModelStore, type ReadModelStore } from '@countersign/readmodel';
import { BUNDLE_DIR, type BundleFilters, type BundleManifest } from './bundle-layout.ts';
import { bundleTar } from './bundle-tar.ts';
import { buildEvidence, TooManyActions } from './evidence-builder.ts';
import type { SeedPolicy } from './evidence-policies.ts';
import { at, evidenceStore, VERSION_A, VERSION_B } from '../testing/evidence-store.ts';

const NOW = new Date('2026-02-01T10:00:00.000Z');

/** Builds and packs a bundle, then reads it back: entry names in archive order and their bytes. */
async function exportBundle(store: ReadModelStore, jwks: object, filters: BundleFilters, maxActions = 100, seed?: SeedPolicy) {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-spec-'));
  try {
    const built = await buildEvidence(store, dir, { filters, now: NOW, jwks: jwks as never, maxActions, ...(seed ? { seed } : {}) });
    const gz = await buffer(bundleTar(built.files, `${JSON.stringify(built.manifest, null, 2)}\n`, NOW));
    const entries = new Map<string, Buffer>();
    const names: string[] = [];
    const tar = extract();
    const read = (async () => {
      for await (const entry of tar) {
        names.push(entry.header.name);
        entries.set(entry.header.name.slice(BUNDLE_DIR.length + 1), await buffer(entry));
      }
    })();
    tar.end(gunzipSync(gz));
    await read;
    const text = (path: string) => entries.get(path)?.toString('utf8') ?? '';
    const lines = (path: string) => text(path).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    return { names, entries, text, lines, manifest: JSON.parse(text('manifest.json')) as BundleManifest };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('evidence bundles', () => {
  it('given no filters, then the bundle is complete: every stream, checkpoint and proof, each file hashed in the manifest, the manifest last', async () => {
    const { store, streams, jwks } = await evidenceStore();
    const bundle = await exportBundle(store, jwks, {});
    assert.ok(bundle.names.every((n) => n.startsWith(`${BUNDLE_DIR}/`)));
    assert.equal(bundle.names.at(-1), `${BUNDLE_DIR}/manifest.json`);
    const m = bundle.manifest;
    assert.deepEqual([m.format, m.version, m.createdAt, m.log, m.complete], ['countersign-evidence', 1, NOW.toISOString(), 'test-log', true]);
    assert.deepEqual(m.filters, {});
    assert.deepEqual(m.actions, ['s1', 's2', 's3']);
    assert.deepEqual(m.counts, { events: 7, actions: 3, checkpoints: 2 });
    assert.deepEqual(m.files.map((f) => f.path).sort(), [...bundle.entries.keys()].filter((p) => p !== 'manifest.json').sort());
    for (const f of m.files) {
      const bytes = bundle.entries.get(f.path)!;
      assert.equal(f.bytes, bytes.length, f.path);
      assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), f.path);
    }
    assert.deepEqual(bundle.lines('events.ndjson'), [...streams.s1, ...streams.s2, ...streams.s3]);
    assert.deepEqual((bundle.lines('checkpoints.ndjson') as EventEnvelope[]).map((c) => c.seq), [1, 2]);
    const keys = await importCheckpointJwks(JSON.parse(bundle.text('keys/jwks.json')));
    const verdict = await verifyEvidence({ checkpoints: bundle.lines('checkpoints.ndjson') as EventEnvelope[], events: bundle.lines('events.ndjson') as EventEnvelope[], keys, log: 'test-log', scope: 'complete' });
    assert.equal(verdict.verdict, 'verified', JSON.stringify(verdict.findings));
    assert.deepEqual(verdict.tail, { events: 2, streams: 1 });
  });

  it('given covered streams, then each has a proof that verifies under the bundle keys, up to its committed head', async () => {
    const { store, streams, jwks } = await evidenceStore();
    const bundle = await exportBundle(store, jwks, {});
    const keys = await importCheckpointJwks(JSON.parse(bundle.text('keys/jwks.json')));
    const proofs = bundle.lines('proofs.ndjson') as ActionProof[];
    assert.deepEqual(proofs.map((p) => p.events[0].streamId), ['s1', 's2'], 's3 is after the last checkpoint');
    for (const proof of proofs) {
      const check = await verifyActionProof(proof, keys, { log: 'test-log' });
      assert.ok(check.ok, JSON.stringify(check));
      assert.equal(check.checkpoint.number, 2);
    }
    assert.deepEqual(proofs[0].events, streams.s1);
  });

  it('given a time range, then it holds the actions with audit rows in it, whole, the rows of the range, and the policies in force', async () => {
    const { store, streams, jwks } = await evidenceStore();
    const bundle = await exportBundle(store, jwks, { from: at(102), to: at(200) });
    assert.equal(bundle.manifest.complete, false);
    assert.deepEqual(bundle.manifest.filters, { from: at(102), to: at(200) });
    assert.deepEqual(bundle.manifest.actions, ['s2']);
    assert.deepEqual(bundle.lines('events.ndjson'), streams.s2, 'the whole stream, also its event before the range');
    const rows = parse(bundle.text('audit.csv'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => `${r.actionId}:${r.seq}`), ['s2:2']);
    // A was in force until B's publication at 150: both were in force during [102, 200).
    const policyFiles = [...bundle.entries.keys()].filter((p) => p.startsWith('policies/')).sort();
    assert.deepEqual(policyFiles, [`policies/${VERSION_A}/file-1.yaml`, `policies/${VERSION_A}/main.yaml`, `policies/${VERSION_A}/version.json`, `policies/${VERSION_B}/file-1.yaml`, `policies/${VERSION_B}/main.yaml`, `policies/${VERSION_B}/version.json`]);
    const version = JSON.parse(bundle.text(`policies/${VERSION_B}/version.json`));
    assert.deepEqual(version.files, [{ path: 'main.yaml', file: 'main.yaml' }, { path: '../escape.yaml', file: 'file-1.yaml' }]);
    assert.equal(bundle.text(`policies/${VERSION_B}/main.yaml`), 'rules: b\n');
  });

  it('given the configured policy files, then they are the version in force before the first publication', async () => {
    const { store, jwks } = await evidenceStore();
    const seed = { version: 'c'.repeat(64), files: [{ path: 'seed.yaml', text: 'rules: seed\n' }] };
    const early = await exportBundle(store, jwks, { to: at(10) }, 100, seed);
    assert.equal(early.text(`policies/${seed.version}/seed.yaml`), 'rules: seed\n');
    assert.deepEqual(JSON.parse(early.text(`policies/${seed.version}/version.json`)), { version: seed.version, source: 'seed', publications: [], files: [{ path: 'seed.yaml', file: 'seed.yaml' }] });
    assert.ok(!early.entries.has(`policies/${VERSION_B}/version.json`), 'B came later (A is there: the events name it)');
    const late = await exportBundle(store, jwks, { from: at(160) }, 100, seed);
    assert.ok(!late.entries.has(`policies/${seed.version}/version.json`), 'replaced before the range');
  });

  it('given action ids, then only those actions; a filtered bundle verifies against its own scope', async () => {
    const { store, streams, jwks } = await evidenceStore();
    const bundle = await exportBundle(store, jwks, { actions: ['s2', 'unknown'] });
    assert.deepEqual(bundle.manifest.actions, ['s2']);
    assert.deepEqual(bundle.manifest.filters, { actions: ['s2', 'unknown'] });
    assert.deepEqual(bundle.lines('events.ndjson'), streams.s2);
    const keys = await importCheckpointJwks(JSON.parse(bundle.text('keys/jwks.json')));
    const verdict = await verifyEvidence({ checkpoints: bundle.lines('checkpoints.ndjson') as EventEnvelope[], events: bundle.lines('events.ndjson') as EventEnvelope[], keys, scope: new Set(bundle.manifest.actions) });
    assert.equal(verdict.verdict, 'verified', JSON.stringify(verdict.findings));
    // Policy A is named by the events; with no range every version was in force at some time.
    assert.ok(bundle.entries.has(`policies/${VERSION_A}/version.json`));
  });

  it('given more actions than allowed, then the export is refused naming the filter to narrow', async () => {
    const { store, jwks } = await evidenceStore();
    await assert.rejects(exportBundle(store, jwks, { from: at(0) }, 2), (e: unknown) => e instanceof TooManyActions && e.parameter === 'from' && e.max === 2);
    await assert.rejects(exportBundle(store, jwks, {}, 2), (e: unknown) => e instanceof TooManyActions && e.parameter === '(query)');
  });

  it('given no checkpoint yet, then the bundle has no proofs and a null log, and its events are an uncovered tail', async () => {
    const { jwks } = await evidenceStore();
    const bundle = await exportBundle(createMemoryReadModelStore(), jwks, {});
    assert.equal(bundle.manifest.log, null);
    assert.deepEqual(bundle.manifest.counts, { events: 0, actions: 0, checkpoints: 0 });
    assert.equal(bundle.text('proofs.ndjson'), '');
    assert.match(bundle.text('audit.csv'), /^at,actionId,seq,/);
  });
});
