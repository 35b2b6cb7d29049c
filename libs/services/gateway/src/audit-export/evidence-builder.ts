/**
 * Builds an evidence bundle's files in a temporary directory, every one spooled with its SHA-256
 * and size, before a byte is sent: whatever fails (a read model down, too many actions) is still a
 * problem+json answer. Order of work: the audit rows of the filters (audit.csv, and the actions a
 * filtered bundle holds), the checkpoints (and the latest one's committed tree), the events with a
 * proof per covered stream, the policies, the keys, the README; then the manifest.
 *
 * Memory: the ids of the bundle's actions (at most maxActions), the committed tree (O(streams),
 * as any proof needs), one page of rows, one stream's events.
 */
import {
  COLLECTIONS, CommittedTrees, findCheckpoints, latestCheckpoint,
  type AuditEntry, type CommittedTree, type SignedCheckpointDoc, type StoredEvent,
} from '@countersign/audit';
import type { CheckpointJwk } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { auditCsvRows } from '../audit-csv.ts';
import { auditPages } from '../audit-stream.ts';
import { bundleManifest, ENTRY, isComplete, type BundleFilters, type BundleManifest } from './bundle-layout.ts';
import { bundleReadme } from './bundle-readme.ts';
import { writePolicies, type SeedPolicy } from './evidence-policies.ts';
import { writeStreams } from './evidence-streams.ts';
import { Spool, spoolText, type SpooledFile } from './spool.ts';

export interface EvidenceRequest {
  filters: BundleFilters;
  now: Date;
  /** The checkpoint public keys, as `/.well-known/jwks.json` publishes them. */
  jwks: { keys: CheckpointJwk[] };
  maxActions: number;
  /** The configured policy files, in force before any publication. */
  seed?: SeedPolicy;
}

export interface BuiltEvidence {
  files: SpooledFile[];
  manifest: BundleManifest;
  /** Streams the latest checkpoint covers whose stored events fall short of it (no proof written). */
  unproven: string[];
}

/** The bundle would hold more actions than allowed: which filter to narrow. */
export class TooManyActions extends Error {
  constructor(readonly max: number, readonly parameter: 'from' | 'actionId' | '(query)') {
    super(`the export would hold more than ${max} actions`);
    this.name = 'TooManyActions';
  }
}

export async function buildEvidence(store: ReadModelStore, dir: string, request: EvidenceRequest): Promise<BuiltEvidence> {
  const opened: Spool[] = [];
  try {
    return await build(store, dir, request, opened);
  } catch (error) {
    for (const spool of opened) spool.abort();
    throw error;
  }
}

async function build(store: ReadModelStore, dir: string, request: EvidenceRequest, opened: Spool[]): Promise<BuiltEvidence> {
  const { filters } = request;
  const complete = isComplete(filters);
  const tooMany = () => new TooManyActions(request.maxActions, filters.from !== undefined || filters.to !== undefined ? 'from' : filters.actions ? 'actionId' : '(query)');

  // A complete bundle takes every stream from the events; a filtered one the actions of its audit rows.
  const audit = await writeAudit(store, dir, opened, filters, complete ? undefined : (count) => {
    if (count > request.maxActions) throw tooMany();
  });

  const checkpointRows = store.collection<SignedCheckpointDoc>(COLLECTIONS.signedCheckpoints);
  const latest = await latestCheckpoint(checkpointRows);
  const committed: CommittedTree | undefined = latest ? await new CommittedTrees(checkpointRows).at(latest) : undefined;
  const checkpoints = await Spool.open(dir, ENTRY.checkpoints, opened);
  let checkpointCount = 0;
  for (let after = 0; latest && after < latest.number; ) {
    const page = await findCheckpoints(checkpointRows, { after, limit: 50 });
    for (const doc of page.rows) {
      if (doc.number > latest.number) break;
      await checkpoints.write(`${JSON.stringify(doc.event)}\n`);
      checkpointCount += 1;
    }
    if (page.next === undefined || page.rows.length === 0) break;
    after = page.next;
  }

  const eventsOut = await Spool.open(dir, ENTRY.events, opened);
  const proofsOut = await Spool.open(dir, ENTRY.proofs, opened);
  const streams = await writeStreams({
    events: store.collection<StoredEvent>(COLLECTIONS.events),
    streams: complete ? 'all' : audit.actions,
    committed,
    eventsOut,
    proofsOut,
    onStream: (count) => {
      if (count > request.maxActions) throw tooMany();
    },
  });

  const files: SpooledFile[] = [await eventsOut.close(), await checkpoints.close(), await proofsOut.close()];
  files.push(await spoolText(dir, ENTRY.jwks, `${JSON.stringify(request.jwks, null, 2)}\n`));
  files.push(...(await writePolicies(store, dir, filters, streams.policyVersions, request.seed)));
  files.push(audit.file);
  files.push(await spoolText(dir, ENTRY.readme, bundleReadme()));
  const manifest = bundleManifest({
    createdAt: request.now.toISOString(),
    log: committed ? checkpointLog(committed.checkpoint) : null,
    filters,
    actions: streams.streams,
    events: streams.events,
    checkpoints: checkpointCount,
    files: files.map(({ path, sha256, bytes }) => ({ path, sha256, bytes })),
  });
  return { files, manifest, unproven: streams.unproven };
}

/**
 * audit.csv: the audit rows of the filters, as `GET /v1/audit` would list them, and the ids of the
 * actions they are of (first seen first), which a filtered bundle holds in full.
 */
async function writeAudit(store: ReadModelStore, dir: string, opened: Spool[], filters: BundleFilters, onAction: ((count: number) => void) | undefined): Promise<{ file: SpooledFile; actions: string[] }> {
  const rows = store.collection<AuditEntry>(COLLECTIONS.audit);
  const query = { ...(filters.from ? { from: filters.from } : {}), ...(filters.to ? { to: filters.to } : {}) };
  const selection = { query, ...(filters.actions ? { actionIds: filters.actions } : {}) };
  const out = await Spool.open(dir, ENTRY.audit, opened);
  const seen = new Set<string>();
  const actions: string[] = [];
  let first = true;
  for await (const page of auditPages(rows, selection)) {
    if (onAction) {
      for (const row of page) {
        if (seen.has(row.actionId)) continue;
        seen.add(row.actionId);
        actions.push(row.actionId);
        onAction(actions.length);
      }
    }
    if (first || page.length > 0) await out.write(auditCsvRows(page, first));
    first = false;
  }
  return { file: await out.close(), actions };
}

/** The signed payload's `log`, read (not verified: the auditor's verifier does that) for the manifest. */
function checkpointLog(doc: SignedCheckpointDoc): string | null {
  try {
    const payload: unknown = JSON.parse(Buffer.from(doc.event.data.checkpoint.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof (payload as { log?: unknown }).log === 'string' ? (payload as { log: string }).log : null;
  } catch {
    return null;
  }
}
