/**
 * What every adapter's `putMany` does before it writes: refuse a batch with a malformed document
 * (nothing of it is written), and keep one document per `_id`, the one the port says wins.
 */
import type { Doc, Filter, PutOptions } from './read-model.port.ts';

/** The version of `doc` under `field`; a TypeError when it is not a finite number. */
export function versionOf(doc: Doc, field: string): number {
  const version = doc[field];
  if (typeof version !== 'number' || !Number.isFinite(version)) {
    throw new TypeError(`read model: document ${JSON.stringify(doc._id)} has no numeric ${field} to version it by`);
  }
  return version;
}

/** The version of a stored document; one stored before it had a version is older than any. */
export const storedVersion = (doc: Record<string, unknown>, field: string): number =>
  typeof doc[field] === 'number' && Number.isFinite(doc[field]) ? doc[field] : -Infinity;

/**
 * One document per `_id`, in first-seen order: the later one without a version field, the
 * highest version with one (the later of equal versions). Throws a TypeError, before anything
 * is written, on a document without a string `_id` or without its version.
 */
export function latestById<T extends Doc>(docs: readonly T[], options: PutOptions = {}): Map<string, T> {
  const field = options.versionField;
  const latest = new Map<string, T>();
  for (const doc of docs) {
    if (typeof doc?._id !== 'string') throw new TypeError(`read model: document without a string _id: ${JSON.stringify(doc)}`);
    if (field === undefined) {
      latest.set(doc._id, doc);
      continue;
    }
    const version = versionOf(doc, field);
    const before = latest.get(doc._id);
    if (before === undefined || versionOf(before, field) <= version) latest.set(doc._id, doc);
  }
  return latest;
}

/**
 * The ids a filter is limited to, when it names them (`{ _id: 'a' }`, `{ _id: { $in: [...] } }`,
 * with or without other conditions), so an adapter can look them up instead of scanning.
 */
export function idsNamedBy(filter: Filter): string[] | undefined {
  const id = filter._id;
  if (typeof id === 'string') return [id];
  if (id === null || typeof id !== 'object' || Array.isArray(id)) return undefined;
  const keys = Object.keys(id);
  const list = (id as { $in?: unknown }).$in;
  if (keys.length !== 1 || !Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined;
  return list as string[];
}
