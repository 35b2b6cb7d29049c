/**
 * Indexes of the read models, and their idempotent creation at start.
 */
import type { mongo } from 'mongoose';

/** One index: field paths in order, ascending (1) or descending (-1). */
export type IndexKey = Record<string, 1 | -1>;
/** Indexes by collection name. */
export type IndexSpecs = Record<string, IndexKey[]>;

/**
 * An index for every filter and sort that the gateway and the projector run.
 *
 * Keyed by plain strings that must equal `COLLECTIONS` in `@countersign/audit`: platform libs may
 * not import domain libs (the lint rule keeps the architecture), and which fields to index is a
 * storage concern that belongs next to the adapter, so the names are repeated here. An app
 * wiring the store can assert `Object.keys(READ_MODEL_INDEXES)` against `COLLECTIONS`.
 */
export const READ_MODEL_INDEXES: IndexSpecs = {
  actions: [
    // GET /v1/actions?status=…, newest first, paged by (createdAt, _id).
    { status: 1, createdAt: 1, _id: 1 },
    { requester: 1, createdAt: 1 },
    // The pending quota: undecided actions of a requester, one status at a time.
    { requester: 1, status: 1 },
    // ?approver=me: pending actions where me is eligible.
    { 'approval.eligible': 1 },
    // Non-auditors see only actions they are involved in.
    { involved: 1 },
    { action: 1 },
    // The unfiltered list and the page cursor.
    { createdAt: -1, _id: -1 },
  ],
  audit_entries: [
    // GET /v1/audit, oldest first, paged by (at, _id), with one optional filter each.
    { at: 1, _id: 1 },
    { requester: 1, at: 1 },
    { approvers: 1, at: 1 },
    { action: 1, at: 1 },
    { outcome: 1, at: 1 },
    { type: 1, at: 1 },
    { actionId: 1, seq: 1 },
  ],
  action_events: [
    // GET /v1/actions/:id/events, in stream order.
    { streamId: 1, seq: 1 },
  ],
  policies: [
    // The active version is the one published last, by (publishedAt, eventId); listed newest first.
    { publishedAt: 1, eventId: 1 },
  ],
  standing_approvals: [
    // GET /v1/standing-approvals, newest first, paged by (grantedAt, _id); non-auditors see those visible to them.
    { grantedAt: -1, _id: -1 },
    { visibleTo: 1 },
    { requester: 1 },
  ],
  delegations: [
    // GET /v1/delegations, newest first; the delegate's inbox and vote default; a delegator's live ones.
    { createdAt: -1, _id: -1 },
    { visibleTo: 1 },
    { delegate: 1, until: 1 },
    { delegator: 1, until: 1 },
  ],
  passkeys: [
    // GET /v1/passkeys: a principal's own, oldest first.
    { principal: 1, registeredAt: 1 },
  ],
};

const NAMESPACE_NOT_FOUND = 26;

export const isNamespaceNotFound = (error: unknown): boolean => {
  const e = error as { code?: number; codeName?: string; message?: string };
  return e?.code === NAMESPACE_NOT_FOUND || e?.codeName === 'NamespaceNotFound' || /ns (does not exist|not found)/i.test(e?.message ?? '');
};

/** Same fields in the same order with the same directions. */
const keyOf = (key: Record<string, unknown>) => JSON.stringify(Object.entries(key).map(([f, d]) => [f, Number(d)]));

/**
 * Creates the indexes of `collection` that do not exist yet; returns the names created.
 *
 * One `createIndex` per missing index, never a `createIndexes` of several: FerretDB v1.24 closes
 * the connection (a recovered panic, "slice bounds out of range") when asked to create two or
 * more indexes at once that all exist already, which is what a restart does.
 */
export async function ensureIndexes(collection: mongo.Collection, keys: readonly IndexKey[]): Promise<string[]> {
  let existing: string[] = [];
  try {
    existing = (await collection.indexes()).map((index) => keyOf(index.key));
  } catch (error) {
    if (!isNamespaceNotFound(error)) throw error;
  }
  const created: string[] = [];
  for (const key of keys) {
    if (existing.includes(keyOf(key))) continue;
    created.push(await collection.createIndex(key));
  }
  return created;
}
