import { Logger } from '@nestjs/common';
import type { Collection, Doc, ReadModelStore } from '@countersign/readmodel';
import type { Readiness } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { Problem, unavailable } from './problem.ts';
import { ReadBulkhead } from './read-bulkhead.ts';

/**
 * The gateway depends on two pieces of infrastructure it does not own: the event log (commands go
 * out) and the read models (answers come in). Either may fail or hang (Kafka down: kafkajs retries
 * for minutes; MongoDB gone: server selection waits). Each call is bounded in time, and a failure
 * or a timeout becomes a 503 with Retry-After for that request alone, never a crash of the process.
 */

/** The read-model store as the gateway reads it (guarded); inject this, not READ_MODEL_STORE. */
export const READ_MODELS = Symbol('GATEWAY_READ_MODELS');

export class DeadlineExceeded extends Error {}

/** `work`, or a DeadlineExceeded after `ms`. A late failure of `work` is caught, never unhandled. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const logger = new Logger('gateway');

/**
 * Runs one read with the deadline, through the bulkhead; whatever goes wrong is logged (escaped)
 * and answered 503. The deadline counts from the request, so time spent waiting for a slot counts.
 */
function guarded<T>(what: string, timeoutMs: number, bulkhead: ReadBulkhead, read: () => Promise<T>): Promise<T> {
  let gaveUp = false;
  const work = bulkhead.run(read, () => gaveUp);
  return withDeadline(work, timeoutMs).catch((error: unknown) => {
    gaveUp = true;
    if (error instanceof Problem) throw error;
    logger.warn(`read model ${what} failed: ${escapeForLog(String((error as Error)?.message ?? error))}`);
    throw unavailable('read-model', error instanceof DeadlineExceeded
      ? `The read models did not answer within ${timeoutMs} ms. Nothing was changed.`
      : 'The read models could not be read. Nothing was changed.');
  });
}

/**
 * How long a read may hold its bulkhead slot unanswered before the slot is taken back: well past
 * the request's deadline (an answer that late is of no use to anyone), never under 30 s.
 */
export const abandonAfterMs = (timeoutMs: number) => Math.max(30_000, 4 * timeoutMs);

/** How often a gateway whose reads went unanswered probes the read model (one point read). */
export const READ_PROBE_MS = 5_000;

/**
 * Wraps every read of `store` with `guarded`, at most `concurrency` at once; writes (not the
 * gateway's to make) pass through. Reads the server never answered make the gateway not ready
 * (`readiness`) until a read is answered again. A gateway that is not ready gets no traffic, so
 * it probes the read model itself (one point read every READ_PROBE_MS) rather than wait for a
 * request that never comes.
 */
export function guardReadModels(store: ReadModelStore, timeoutMs: number, concurrency: number, readiness?: Readiness): ReadModelStore {
  const bound = abandonAfterMs(timeoutMs);
  let probe: ReturnType<typeof setInterval> | undefined;
  const healthy = () => {
    readiness?.problem('read-model', undefined);
    if (probe) clearInterval(probe);
    probe = undefined;
  };
  const bulkhead = new ReadBulkhead(concurrency, {
    abandonAfterMs: bound,
    onAbandoned(total) {
      logger.warn(`read model: a query held its slot unanswered for ${bound} ms and was abandoned (${total} since start)`);
      readiness?.problem('read-model', `read-model queries go unanswered (${total} abandoned after ${bound} ms)`);
      probe ??= setInterval(() => {
        void guarded('probe', timeoutMs, bulkhead, () => store.collection('actions').get('readiness-probe')).then(healthy, () => undefined);
      }, READ_PROBE_MS);
      probe.unref?.();
    },
    onAnswered: healthy,
  });
  return {
    durable: store.durable,
    close: () => {
      if (probe) clearInterval(probe);
      return store.close();
    },
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      const c = store.collection<T>(name);
      return {
        get: (id) => guarded(`get ${name}`, timeoutMs, bulkhead, () => c.get(id)),
        find: (filter, options) => guarded(`find ${name}`, timeoutMs, bulkhead, () => c.find(filter, options)),
        count: (filter) => guarded(`count ${name}`, timeoutMs, bulkhead, () => c.count(filter)),
        putMany: (docs) => c.putMany(docs),
        drop: () => c.drop(),
      };
    },
  };
}
