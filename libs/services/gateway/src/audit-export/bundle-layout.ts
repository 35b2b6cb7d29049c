/**
 * The evidence bundle's layout (issue 13, ADR 0007), pure: entry names, the manifest, which policy
 * versions go in. The reader (`countersign audit verify`) depends on exactly this form:
 *
 *   countersign-evidence/events.ndjson        EventEnvelope per line, grouped by stream, each in seq order
 *   countersign-evidence/checkpoints.ndjson   CheckpointSigned envelopes, number order
 *   countersign-evidence/proofs.ndjson        ActionProof per line, one per exported stream the latest checkpoint covers
 *   countersign-evidence/keys/jwks.json       the checkpoint public keys (JWK Set, with notBefore/notAfter)
 *   countersign-evidence/policies/<version>/  version.json and the version's YAML files
 *   countersign-evidence/audit.csv            the audit trail's rows for the same filters
 *   countersign-evidence/README.md            for the auditor
 *   countersign-evidence/manifest.json        last; lists every other file with its SHA-256 and size
 *
 * Paths in the manifest are relative to `countersign-evidence/` (so `sha256sum -c` works inside it).
 * The archive holds regular files only, no directory entries.
 */
import { publicationOrder } from '@countersign/audit';

export const BUNDLE_DIR = 'countersign-evidence';
export const BUNDLE_FORMAT = 'countersign-evidence';
export const BUNDLE_VERSION = 1;

export const ENTRY = {
  events: 'events.ndjson',
  checkpoints: 'checkpoints.ndjson',
  proofs: 'proofs.ndjson',
  jwks: 'keys/jwks.json',
  audit: 'audit.csv',
  readme: 'README.md',
  manifest: 'manifest.json',
} as const;

export interface BundleFilters {
  from?: string;
  to?: string;
  /** Action ids asked for. */
  actions?: string[];
}

export interface BundleFile {
  /** Relative to the bundle's top directory. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  createdAt: string;
  /** The log the checkpoints are of (the latest checkpoint's `log`); null when there is no checkpoint yet. */
  log: string | null;
  /** True only for an unfiltered export: then every stream is in it, and a missing one is a finding. */
  complete: boolean;
  filters: BundleFilters;
  /** Ids of the streams in events.ndjson, in its order (action streams, and in a complete bundle the requester ledgers too). */
  actions: string[];
  counts: { events: number; actions: number; checkpoints: number };
  files: BundleFile[];
}

export const isComplete = (filters: BundleFilters): boolean => filters.from === undefined && filters.to === undefined && filters.actions === undefined;

export function bundleManifest(input: { createdAt: string; log: string | null; filters: BundleFilters; actions: string[]; events: number; checkpoints: number; files: BundleFile[] }): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: input.createdAt,
    log: input.log,
    complete: isComplete(input.filters),
    filters: input.filters,
    actions: input.actions,
    counts: { events: input.events, actions: input.actions.length, checkpoints: input.checkpoints },
    files: input.files,
  };
}

/** The name of an entry in the archive. */
export const archiveName = (path: string): string => `${BUNDLE_DIR}/${path}`;

/** `countersign-evidence-2026-12-03T12-00-00Z.tar.gz`: a name every file system takes. */
export const bundleFileName = (createdAt: string): string => `countersign-evidence-${createdAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}.tar.gz`;

const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * Where a policy file goes under `policies/<version>/`: its own path when every segment is plain
 * (letters, digits, `.`, `_`, `-`, not starting with a dot), else `file-<i>.yaml`, so no name in the
 * archive climbs out of its directory or hides. version.json maps each file back to its path.
 */
export function policyEntry(version: string, path: string, index: number): string {
  const segments = path.split('/');
  const safe = path.length <= 200 && segments.length <= 8 && segments.every((s) => SAFE_SEGMENT.test(s)) && !segments.includes('version.json');
  return `policies/${version}/${safe ? path : `file-${index}.yaml`}`;
}

export interface Publication {
  version: string;
  publishedAt: string;
  eventId: string;
}

/**
 * The versions in force at some instant of [from, to): each publication is in force from its
 * time until the next one's. Open ends are unbounded; no range gives every version ever published.
 */
export function versionsInForce(publications: readonly Publication[], range: { from?: string; to?: string }): Set<string> {
  const versions = new Set<string>();
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) return versions; // an empty range has no instant
  const sorted = [...publications].sort(publicationOrder);
  for (const [i, p] of sorted.entries()) {
    const next = sorted[i + 1];
    const startsBeforeEnd = range.to === undefined || p.publishedAt < range.to;
    const endsAfterStart = range.from === undefined || next === undefined || next.publishedAt > range.from;
    // Replaced within the same millisecond: never in force (events that name it bring it in anyway).
    const lasts = next === undefined || next.publishedAt > p.publishedAt;
    if (startsBeforeEnd && endsAfterStart && lasts) versions.add(p.version);
  }
  return versions;
}
