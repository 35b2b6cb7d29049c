import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeAcknowledged, parseAcknowledged } from './acknowledged-file.ts';
import { checkpointName, parseCheckpoint } from './checkpoint-file.ts';
import { topicNames } from './log-layout.ts';

const length = fc.record({ bytes: fc.nat(), records: fc.nat() }).map(({ bytes, records }) => ({ bytes: Math.max(bytes, records), records }));

describe('the small files of a file log: acknowledged lengths, checkpoints, names', () => {
  it('property: an acknowledged length reads back as written, in one 64-byte line', () => {
    fc.assert(
      fc.property(length, (a) => {
        const text = encodeAcknowledged(a);
        assert.equal(text.length, 64);
        assert.deepEqual(parseAcknowledged(text), a);
      }),
      { numRuns: 500 },
    );
  });

  it('property: any changed byte of an acknowledged length, or any other text, is malformed, never another length', () => {
    fc.assert(
      fc.property(length, fc.nat(63), fc.integer({ min: 1, max: 255 }), fc.string(), (a, at, xor, other) => {
        const bytes = Buffer.from(encodeAcknowledged(a), 'latin1');
        bytes[at] ^= xor;
        const damaged = parseAcknowledged(bytes.toString('latin1'));
        assert.ok(damaged === undefined || (damaged.bytes === a.bytes && damaged.records === a.records), `byte ${at} ^ ${xor} read as ${JSON.stringify(damaged)}`);
        assert.equal(parseAcknowledged(other), undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a checkpoint is {"nextOffset": a whole number} and nothing else parses', () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), (n, other) => {
        assert.equal(parseCheckpoint(JSON.stringify({ nextOffset: n })), n);
        const text = JSON.stringify(other);
        const parsed = parseCheckpoint(text);
        if (parsed !== undefined) assert.equal(parsed, (other as { nextOffset: number }).nextOffset);
        assert.equal(parseCheckpoint(`${text.slice(0, -1)}`.concat('x')), undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('property: only file-safe names are topics or checkpoints, whatever the directory holds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 })), (files) => {
        for (const name of topicNames(files)) assert.match(name, /^[A-Za-z0-9._-]{1,200}$/);
        for (const file of files) {
          const c = checkpointName(file);
          if (c) assert.equal(`${c.group}@${c.topic}.json`, file);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('given an unused byte flipped in the padding, the length still reads (only the JSON matters), and a flipped digit does not', () => {
    const text = encodeAcknowledged({ bytes: 4096, records: 12 });
    assert.deepEqual(parseAcknowledged(`${text.slice(0, 50)}\t${text.slice(51)}`), { bytes: 4096, records: 12 });
    assert.equal(parseAcknowledged(text.replace('4096', '4097')), undefined);
  });
});
