// Test helpers (imported by specs only): a fixture log written as the file log's data directory
// (topics, checkpoint key file) and as an evidence bundle (gzip'd tar), and the published keys.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { exportJWK } from 'jose';
import { pack, type Header } from 'tar-stream';
import { checkpointJwk, TOPICS, type EventEnvelope } from '@countersign/contracts';
import type { EvidenceLog, FixtureKeys } from '@countersign/contracts/testing';
import { createFileEventLog } from '@countersign/eventlog';

/** `dataDir/log/topics/…` and `dataDir/checkpoint-keys.json`, as the embedded default leaves them. */
export async function writeDataDir(dataDir: string, log: EvidenceLog, keys: FixtureKeys): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const fileLog = await createFileEventLog({ dir: join(dataDir, 'log'), log: () => undefined });
  await fileLog.append(TOPICS.events, log.events.map((e) => ({ key: e.streamId, value: e })));
  if (log.checkpoints.length > 0) await fileLog.append(TOPICS.checkpoints, log.checkpoints.map((e) => ({ key: e.streamId, value: e })));
  await fileLog.close();
  await writeFile(join(dataDir, 'checkpoint-keys.json'), JSON.stringify(await keyFile(keys)), { mode: 0o600 });
}

/** The checkpoint key file's form: kid, createdAt, retiredAt, the private JWK. */
export async function keyFile(keys: FixtureKeys) {
  return {
    keys: await Promise.all([...keys.keys].map(async ([kid, k]) => {
      const { kty, crv, x, d } = await exportJWK(keys.signers[kid]);
      return { kid, createdAt: k.notBefore, ...(k.notAfter ? { retiredAt: k.notAfter } : {}), privateJwk: { kty, crv, x, d } };
    })),
  };
}

/** The JWK Set the gateway publishes (checkpoint members). */
export async function publishedJwks(keys: FixtureKeys) {
  return {
    keys: await Promise.all([...keys.keys].map(async ([kid, k]) => checkpointJwk({ kid, x: (await exportJWK(k.publicKey)).x!, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }))),
  };
}

export interface BundleOptions {
  /** Only these actions' events, and the manifest says so (complete: false). */
  actions?: string[];
  /** Changes a file after the manifest was made. */
  afterManifest?: (files: Map<string, string>) => void;
  /** Raw entries added to the archive as they are (headers under test). */
  extra?: Array<{ header: Partial<Header> & { name: string }; body?: string }>;
}

/** An evidence bundle of `log` in the format of docs/audit.md. */
export async function writeBundle(path: string, log: EvidenceLog, keys: FixtureKeys, options: BundleOptions = {}): Promise<void> {
  const ndjson = (items: EventEnvelope[]) => items.map((e) => `${JSON.stringify(e)}\n`).join('');
  const streams = [...new Set(log.events.map((e) => e.streamId))].filter((s) => !options.actions || options.actions.includes(s));
  const files = new Map<string, string>([
    ['events.ndjson', ndjson(streams.flatMap((s) => log.events.filter((e) => e.streamId === s)))],
    ['checkpoints.ndjson', ndjson(log.checkpoints)],
    ['keys/jwks.json', JSON.stringify(await publishedJwks(keys))],
    ['README.md', 'how to verify\n'],
  ]);
  const manifest = {
    format: 'countersign-evidence', version: 1, createdAt: new Date().toISOString(), log: 'test', complete: !options.actions, filters: options.actions ? { actions: options.actions } : {},
    actions: streams, counts: { events: log.events.length },
    files: [...files].map(([p, text]) => ({ path: p, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) })),
  };
  options.afterManifest?.(files);
  const tar = pack();
  const done = pipeline(tar, createGzip(), createWriteStream(path));
  tar.entry({ name: 'countersign-evidence/', type: 'directory' });
  for (const [p, text] of files) tar.entry({ name: `countersign-evidence/${p}` }, text);
  for (const e of options.extra ?? []) tar.entry(e.header as Header, e.body ?? '');
  tar.entry({ name: 'countersign-evidence/manifest.json' }, JSON.stringify(manifest));
  tar.finalize();
  await done;
}
