import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTIONS } from '@countersign/audit';
import { READ_MODEL_INDEXES } from '@countersign/readmodel';
import { redactUrl } from './adapters.ts';

describe('adapter wiring', () => {
  it('indexes name only collections the projector writes (the names live in two libs)', () => {
    const written: string[] = Object.values(COLLECTIONS);
    for (const name of Object.keys(READ_MODEL_INDEXES)) assert.ok(written.includes(name), `${name} is not a read-model collection`);
  });

  it('never logs the credentials of a connection string', () => {
    assert.equal(redactUrl('mongodb://audit:s3cret@db-1:27017/'), 'mongodb://***@db-1:27017');
    assert.equal(redactUrl('mongodb://127.0.0.1:27018/'), 'mongodb://127.0.0.1:27018');
  });
});
