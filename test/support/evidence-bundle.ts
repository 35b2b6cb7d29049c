/**
 * Evidence bundles in tests: read one (entries in archive order, the manifest), check it offline
 * as an auditor would by hand (every file against the manifest, every chain, every proof under the
 * bundle's keys, the whole against the checkpoints), and repack a tampered copy.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import {
  importCheckpointJwks, verifyActionProof, verifyChain, verifyEvidence,
  type ActionProof, type CheckpointKeys, type EventEnvelope, type LogVerdict,
} from '@countersign/contracts';

export interface Bundle {
  /** Entry names in archive order. */
  names: string[];
  /** Bytes by path relative to `countersign-evidence/`. */
  entries: Map<string, Buffer>;
  manifest: {
    format: string; version: number; createdAt: string; log: string | null; complete: boolean;
    filters: { from?: string; to?: string; actions?: string[] }; actions: string[];
    counts: { events: number; actions: number; checkpoints: number }; files: { path: string; sha256: string; bytes: number }[];
  };
  lines<T = unknown>(path: string): T[];
}

const TOP = 'countersign-evidence/';

export async function readBundle(gz: Buffer): Promise<Bundle> {
  const names: string[] = [];
  const entries = new Map<string, Buffer>();
  const tar = extract();
  const reading = (async () => {
    for await (const entry of tar) {
      names.push(entry.header.name);
      entries.set(entry.header.name.slice(TOP.length), await buffer(entry));
    }
  })();
  tar.end(gunzipSync(gz));
  await reading;
  const lines = <T>(path: string) => (entries.get(path)?.toString('utf8') ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  return { names, entries, manifest: JSON.parse(entries.get('manifest.json')!.toString('utf8')), lines };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What an auditor checks without Countersign's server, with the keys they pinned. */
export async function verifyBundleByHand(bundle: Bundle, pinned: unknown): Promise<{ verdict: LogVerdict; proofs: ActionProof[]; keys: CheckpointKeys }> {
  assert.ok(bundle.names.every((n) => n.startsWith(TOP)), 'one top directory');
  assert.equal(bundle.names.at(-1), `${TOP}manifest.json`, 'the manifest last');
  const listed = bundle.manifest.files.map((f) => f.path).sort();
  assert.deepEqual(listed, [...bundle.entries.keys()].filter((p) => p !== 'manifest.json').sort(), 'every other file listed');
  for (const f of bundle.manifest.files) {
    const bytes = bundle.entries.get(f.path)!;
    assert.deepEqual([f.bytes, f.sha256], [bytes.length, sha256(bytes)], f.path);
  }
  const keys = await importCheckpointJwks(pinned);
  const events = bundle.lines<EventEnvelope>('events.ndjson');
  for (const streamId of bundle.manifest.actions) {
    const chain = verifyChain(events.filter((e) => e.streamId === streamId));
    assert.ok(chain.ok, `the chain of ${streamId}`);
  }
  const proofs = bundle.lines<ActionProof>('proofs.ndjson');
  for (const proof of proofs) {
    const check = await verifyActionProof(proof, keys);
    assert.ok(check.ok, JSON.stringify(check));
  }
  const verdict = await verifyEvidence({
    checkpoints: bundle.lines<EventEnvelope>('checkpoints.ndjson'), events, keys,
    scope: bundle.manifest.complete ? 'complete' : new Set(bundle.manifest.actions),
  });
  return { verdict, proofs, keys };
}

/** The bundle again with `entries` (in the same order), gzip'd. */
export async function repack(bundle: Bundle, entries: Map<string, Buffer>): Promise<Buffer> {
  const tar = pack();
  const out = buffer(tar);
  for (const name of bundle.names) {
    const body = entries.get(name.slice(TOP.length))!;
    await new Promise<void>((resolve, reject) => tar.entry({ name, size: body.length }, body, (e) => (e ? reject(e) : resolve())));
  }
  tar.finalize();
  return gzipSync(await out);
}
