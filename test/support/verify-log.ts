/**
 * The checks run after a crash or an outage, on the system's own Kafka log and MongoDB read
 * models, opened from the test the way a producer or an operator inside the cluster would:
 *  - verifyLog: the invariants of log-invariants.ts, once every accepted action has its decision;
 *  - readModelsMatchRebuild: the live read models equal ones rebuilt from offset 0 of the events
 *    topic with the projector's own code (as `countersign readmodel rebuild` does).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { COLLECTIONS } from '@countersign/audit';
import { TOPICS, type ActionEvent } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { createMemoryReadModelStore, createMongoReadModelStore, type Doc, type ReadModelStore } from '@countersign/readmodel';
import { Projector } from '@countersign/service-audit-projector';
import { waitFor } from '@countersign/testing';
import { checkLog, type LogReport, type Outcome } from './log-invariants.ts';

export interface SystemStores {
  brokers: string;
  namespace: string;
  mongoUrl: string;
  database: string;
}

/** The events topic of one system (its Kafka namespace), read from the test. */
export async function openSystemLog(stores: SystemStores): Promise<EventLog> {
  const kafka = await createKafkaEventLog({ brokers: stores.brokers.split(','), clientId: `verify-${randomUUID().slice(0, 8)}`, log: () => undefined });
  return namespacedEventLog(kafka, stores.namespace);
}

export async function readEvents(log: EventLog): Promise<ActionEvent[]> {
  const events: ActionEvent[] = [];
  await log.readAll(TOPICS.events, (records) => void events.push(...records.map((r) => r.value as ActionEvent)));
  return events;
}

/**
 * Waits until every accepted action has a decision on the log (a 202 may be decided after the
 * load stops), then reports; at the deadline reports anyway, with the undecided ones listed.
 */
export async function verifyLog(log: EventLog, expected: ReadonlyMap<string, Outcome>, timeoutMs = 60_000): Promise<LogReport> {
  let last: LogReport | undefined;
  try {
    return await waitFor(async () => {
      last = checkLog(await readEvents(log), expected);
      return last.undecided.length === 0 ? last : undefined;
    }, { what: 'a decision for every accepted action on the log', timeoutMs });
  } catch (error) {
    if (last) return last;
    throw error;
  }
}

/** The collections compared; checkpoints differ by design (the live projector's own positions). */
const COMPARED = [COLLECTIONS.actions, COLLECTIONS.events, COLLECTIONS.audit] as const;

/** Every document of the compared collections, as JSON (as the API would serve it), by _id. */
async function contents(store: ReadModelStore): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const name of COMPARED) {
    const docs = await store.collection(name).find({}, { sort: { _id: 1 } });
    out[name] = JSON.parse(JSON.stringify(docs)) as Doc[];
  }
  return out;
}

/** A fresh read model, projected from offset 0 of the events topic by the projector's code. */
export async function rebuildFromLog(log: EventLog): Promise<Record<string, Doc[]>> {
  const store = createMemoryReadModelStore();
  const warnings: string[] = [];
  const projector = new Projector({ store, now: () => new Date(0), warn: (m) => void warnings.push(m) });
  await log.readAll(TOPICS.events, async (records) => {
    const letters = await projector.project(records);
    if (letters.length > 0) throw new Error(`the events topic holds ${letters.length} records that are not valid events`);
  });
  if (warnings.length > 0) throw new Error(`rebuild warned: ${warnings.join('; ')}`);
  return contents(store);
}

export interface RebuildComparison {
  equal: boolean;
  /** Documents per collection, in the rebuild. */
  counts: Record<string, number>;
  /** The first differences, one line each (empty when equal). */
  differences: string[];
}

function compare(live: Record<string, Doc[]>, rebuilt: Record<string, Doc[]>): RebuildComparison {
  const differences: string[] = [];
  for (const name of COMPARED) {
    const byId = new Map(live[name].map((d) => [d._id, d]));
    for (const doc of rebuilt[name]) {
      const mine = byId.get(doc._id);
      if (!mine) differences.push(`${name}/${doc._id}: missing from the live read model`);
      else if (!isDeepStrictEqual(mine, doc)) differences.push(`${name}/${doc._id}: differs (live ${JSON.stringify(mine).slice(0, 400)} | rebuilt ${JSON.stringify(doc).slice(0, 400)})`);
      byId.delete(doc._id);
    }
    for (const id of byId.keys()) differences.push(`${name}/${id}: in the live read model only`);
  }
  const counts = Object.fromEntries(COMPARED.map((n) => [n, rebuilt[n].length]));
  return { equal: differences.length === 0, counts, differences: differences.slice(0, 20) };
}

/**
 * Waits until the live read models (the projector may still be catching up) equal a rebuild from
 * the log; at the deadline returns the last comparison, differences listed.
 */
export async function readModelsMatchRebuild(log: EventLog, stores: SystemStores, timeoutMs = 60_000): Promise<RebuildComparison> {
  const live = await createMongoReadModelStore({ url: stores.mongoUrl, database: stores.database, indexes: {} });
  let last: RebuildComparison | undefined;
  try {
    return await waitFor(async () => {
      last = compare(await contents(live), await rebuildFromLog(log));
      return last.equal ? last : undefined;
    }, { what: 'the live read models equal to a rebuild from the log', timeoutMs });
  } catch (error) {
    if (last) return last;
    throw error;
  } finally {
    await live.close();
  }
}

/**
 * Drops the system's read-model database after a run: the shared MongoDB-wire server slows down
 * for every test as databases pile up (the Kafka topics are small and stay, like other suites').
 */
export async function dropReadModels(stores: SystemStores): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const conn = await mongoose.createConnection(stores.mongoUrl, { dbName: stores.database, serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}
