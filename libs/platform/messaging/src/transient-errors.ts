/**
 * Errors that say the infrastructure is away (a database or broker unreachable), not that a
 * record is bad: a handler failing with one is retried for as long as it takes and never
 * dead-letters anything, since the same record will succeed once the dependency is back.
 * Anything else counts toward a record's bounded attempts.
 */
const TRANSIENT_NAMES = new Set([
  'MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError', 'MongoTopologyClosedError',
  'MongoPoolClearedError', 'MongoWriteConcernError',
  // A read-model client replaced because its server stopped answering fails the calls it still
  // holds with these (mongo-read-model.ts): the next attempt goes to the new client.
  'MongoClientClosedError', 'MongoPoolClosedError', 'MongoWaitQueueTimeoutError',
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSMetadataNotLoaded',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The MongoDB driver (6.x) wraps whatever fails a bulk write or an insertMany in a
 * MongoBulkWriteError, a network error or an unreachable server too ("connection 6 to … closed",
 * "connect ECONNREFUSED"), copying its message but neither its name nor a cause. A refusal by the
 * server has write errors or a numeric code; one with neither never got the server's answer, so
 * it is the infrastructure, not the records. Counted as a failed attempt instead, a database
 * restart could dead-letter valid events (three failed batches, then three per record) and leave
 * their actions out of the read models for good.
 */
function isUnansweredBulkWrite(e: object): boolean {
  const { name, code, writeErrors } = e as { name?: string; code?: unknown; writeErrors?: unknown };
  return name === 'MongoBulkWriteError' && typeof code !== 'number' && (!Array.isArray(writeErrors) || writeErrors.length === 0);
}

/** An error a service throws to say "try again later" (a store it needs is unavailable). */
export class UnavailableError extends Error {
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

export function isTransient(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    const { name, code, transient, retriable } = e as { name?: string; code?: string; transient?: boolean; retriable?: boolean };
    if (transient === true) return true;
    if (isUnansweredBulkWrite(e)) return true;
    if (name && TRANSIENT_NAMES.has(name)) return true;
    if (name?.startsWith('KafkaJS') && retriable === true) return true;
    if (code && TRANSIENT_CODES.has(code)) return true;
  }
  return false;
}

/**
 * A handler's verdict that a message can never be processed (it names a policy whose files do not
 * match, say): the server dead-letters it at once with this reason, without retrying, and goes on
 * with the rest of the batch.
 */
export class UnprocessableMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnprocessableMessage';
  }
}
