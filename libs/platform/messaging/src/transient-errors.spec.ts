import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MongoBulkWriteError, MongoClientClosedError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { isTransient, UnavailableError } from './transient-errors.ts';

/** A bulk write's result as the driver builds it, empty (the write never got an answer). */
const noResult = {} as ConstructorParameters<typeof MongoBulkWriteError>[1];

describe('isTransient', () => {
  it('given a bulk write the driver failed on a closed connection or an unreachable server, then it is transient', () => {
    // What insertMany threw in a chaos run while FerretDB restarted: the network error's message, nothing else of it.
    assert.equal(isTransient(new MongoBulkWriteError(new MongoNetworkError('connection 6 to 127.0.0.1:41869 closed'), noResult)), true);
    assert.equal(isTransient(new MongoBulkWriteError(new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', {} as never), noResult)), true);
  });

  it('given a bulk write the server refused (write errors, or an error code of its own), then it counts against the records', () => {
    const duplicate = new MongoBulkWriteError({ message: 'E11000 duplicate key', code: 11000, writeErrors: [{ code: 11000, index: 0 }] as never }, noResult);
    assert.equal(isTransient(duplicate), false);
    assert.equal(isTransient(new MongoBulkWriteError(new MongoServerError({ message: 'context canceled', code: 1 }), noResult)), false);
  });

  it('given the calls of a replaced read-model client, failed when it is closed, then they are transient', () => {
    assert.equal(isTransient(new MongoClientClosedError()), true);
  });

  it('given a server error, a plain error or a service saying unavailable, then only the last is transient', () => {
    assert.equal(isTransient(new MongoServerError({ message: 'bad', code: 2 })), false);
    assert.equal(isTransient(new Error('boom')), false);
    assert.equal(isTransient(new UnavailableError('store away')), true);
    assert.equal(isTransient(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })), true);
  });
});
