// `countersign audit verify bundle.tar.gz`: an evidence bundle, read twice as a stream. First every
// file is hashed against the manifest (and the small files kept: the manifest, the keys, the
// checkpoints); then events.ndjson goes through the verifier, line by line. A filtered bundle is
// verified for the actions it lists; only a complete one proves that no action is missing.
import { createHash } from 'node:crypto';
import { EvidenceVerifier, type CheckpointKeys, type EventEnvelope } from '@countersign/contracts';
import { UsageError } from './cli-errors.ts';
import { importJwks, parseKeysJson } from './audit-verify-keys.ts';
import type { VerifyReport } from './audit-verify-output.ts';
import { bundleEntries, BUNDLE_TOP, lines } from './audit-verify-tar.ts';

const MANIFEST = 'manifest.json';
const KEPT = new Set([MANIFEST, 'keys/jwks.json', 'checkpoints.ndjson']);
const MAX_KEPT_BYTES = 256 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

interface Manifest {
  /** The log the checkpoints are of; null when the bundle has none. */
  log?: string | null;
  complete: boolean;
  actions: string[];
  files: Array<{ path: string; sha256: string; bytes: number }>;
}

export async function verifyBundle(file: string, pinned: CheckpointKeys | undefined, unpinned: () => void): Promise<VerifyReport> {
  const { found, kept } = await hashPass(file);
  const manifestBytes = kept.get(MANIFEST);
  if (!manifestBytes) throw new UsageError(`${file}: not an evidence bundle (no ${BUNDLE_TOP}/${MANIFEST})`);
  const manifest = readManifest(parseKeysJson(manifestBytes, `${file}: ${MANIFEST}`), file);
  const bundleProblems = compare(manifest, found);

  let keys = pinned;
  if (!keys) {
    const jwks = kept.get('keys/jwks.json');
    if (!jwks) throw new UsageError(`${file}: no keys/jwks.json in the bundle: give the published keys with --keys JWKS_FILE`);
    keys = await importJwks(parseKeysJson(jwks, `${file}: keys/jwks.json`), `${file}: keys/jwks.json`);
    unpinned();
  }
  const checkpoints = ndjson(kept.get('checkpoints.ndjson')?.toString('utf8') ?? '');
  const verifier = await EvidenceVerifier.start({
    checkpoints, keys, ...(typeof manifest.log === 'string' ? { log: manifest.log } : {}),
    scope: manifest.complete ? 'complete' : new Set(manifest.actions),
  });
  for await (const entry of bundleEntries(file)) {
    if (entry.path !== 'events.ndjson') continue;
    for await (const line of lines(entry.body, `${file}: events.ndjson`)) if (line.length > 0) verifier.event(parse(line));
  }
  return { source: file, verdict: verifier.finish(), ...(bundleProblems.length > 0 ? { bundleProblems } : {}) };
}

/** Every file's SHA-256 and size; the small files the verifier needs, kept. */
async function hashPass(file: string) {
  const found = new Map<string, { sha256: string; bytes: number }>();
  const kept = new Map<string, Buffer>();
  for await (const entry of bundleEntries(file)) {
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    let bytes = 0;
    const keep = KEPT.has(entry.path);
    for await (const chunk of entry.body) {
      hash.update(chunk);
      bytes += chunk.length;
      if (keep) {
        if (bytes > MAX_KEPT_BYTES) throw new UsageError(`${file}: ${entry.path} is over ${MAX_KEPT_BYTES} bytes`);
        parts.push(Buffer.from(chunk));
      }
    }
    found.set(entry.path, { sha256: hash.digest('hex'), bytes });
    if (keep) kept.set(entry.path, Buffer.concat(parts));
  }
  return { found, kept };
}

function readManifest(raw: unknown, file: string): Manifest {
  const m = (raw ?? {}) as Record<string, unknown>;
  const fail = (what: string) => new UsageError(`${file}: ${MANIFEST}: ${what}`);
  if (m.format !== 'countersign-evidence' || m.version !== 1) throw fail('format must be "countersign-evidence", version 1');
  if (typeof m.complete !== 'boolean') throw fail('complete must be true or false');
  if (!Array.isArray(m.actions) || !m.actions.every((a) => typeof a === 'string')) throw fail('actions must be an array of action ids');
  if (m.log !== undefined && m.log !== null && typeof m.log !== 'string') throw fail('log must be a string, or null before the first checkpoint');
  if (!Array.isArray(m.files)) throw fail('files must be an array');
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const e = (f ?? {}) as Record<string, unknown>;
    if (typeof e.path !== 'string' || typeof e.sha256 !== 'string' || !HEX64.test(e.sha256) || !Number.isSafeInteger(e.bytes)) {
      throw fail(`files/${i} must be { "path", "sha256" (hex), "bytes" }`);
    }
  }
  return m as unknown as Manifest;
}

/** Each file against the manifest: listed and there, same hash and size; nothing unlisted but the manifest. */
function compare(manifest: Manifest, found: Map<string, { sha256: string; bytes: number }>): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const got = found.get(f.path);
    if (!got) problems.push(`${f.path}: listed in the manifest, missing from the bundle`);
    else if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) problems.push(`${f.path}: sha256 ${got.sha256} (${got.bytes} bytes), the manifest says ${f.sha256} (${f.bytes} bytes)`);
  }
  for (const path of found.keys()) if (path !== MANIFEST && !listed.has(path)) problems.push(`${path}: in the bundle, not listed in the manifest`);
  return problems;
}

function ndjson(text: string): EventEnvelope[] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => parse(l) as EventEnvelope);
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
