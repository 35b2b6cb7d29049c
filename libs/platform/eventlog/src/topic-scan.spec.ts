import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeBatch, type StoredRecord } from './record-codec.ts';
import { TopicScanner, type TopicScan } from './topic-scan.ts';
import { assessTopic, type Acknowledged } from './topic-verdict.ts';

/** Scans `bytes` fed in pieces cut at `cuts` (the scanner must not care how reads split lines). */
function scan(bytes: Uint8Array, ack: Acknowledged | undefined, cuts: number[] = []): TopicScan {
  const scanner = new TopicScanner({ keepRecords: true, probeBytes: ack?.bytes });
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(from, cut));
    from = cut;
  }
  scanner.push(bytes.subarray(from));
  return scanner.finish();
}

const record = fc.record({ key: fc.string({ maxLength: 8 }), raw: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))) }, { noNullPrototype: true });
const batches = fc.array(fc.array(record, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

/** A log of `batches`, and the byte and record count after each batch. */
function logOf(list: StoredRecord[][]): { bytes: Buffer; ends: Acknowledged[] } {
  let text = '';
  let records = 0;
  const ends: Acknowledged[] = [{ bytes: 0, records: 0 }];
  for (const b of list) {
    text += encodeBatch(b, b.map(() => false));
    records += b.length;
    ends.push({ bytes: Buffer.byteLength(text), records });
  }
  return { bytes: Buffer.from(text), ends };
}

type Damage = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; xor: number } | { kind: 'append'; garbage: Uint8Array };
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), garbage: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);

/** Applies `d` at or after byte `from` of `bytes`. */
function damaged(bytes: Buffer, d: Damage, from: number): Buffer {
  const span = bytes.length - from;
  if (d.kind === 'append') return Buffer.concat([bytes, d.garbage]);
  if (span <= 0) return bytes;
  const at = from + (d.at % span);
  if (d.kind === 'truncate') return bytes.subarray(0, at);
  const out = Buffer.from(bytes);
  out[at] ^= d.xor;
  return out;
}

describe('topic scan and verdict', () => {
  it('given a log of whole batches acknowledged to its end, it is clean and every record comes back', () => {
    fc.assert(
      fc.property(batches, fc.array(fc.nat()), (list, cuts) => {
        const { bytes, ends } = logOf(list);
        const result = scan(bytes, ends.at(-1), cuts);
        assert.deepEqual(assessTopic(result, ends.at(-1)), { state: 'clean' });
        assert.deepEqual(result.records, list.flat());
        assert.equal(result.batches, list.length);
      }),
      { numRuns: 300 },
    );
  });

  it('property: any bytes, any acknowledged length, any split into reads: never throws, and the numbers agree', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(fc.record({ bytes: fc.nat(400), records: fc.nat(40) }), { nil: undefined }), fc.array(fc.nat()), (bytes, ack, cuts) => {
        const result = scan(bytes, ack, cuts);
        const verdict = assessTopic(result, ack);
        assert.deepEqual(result, scan(bytes, ack), 'the same whatever the reads');
        assert.ok(result.completeBytes <= result.fileBytes && result.fileBytes === bytes.length);
        assert.equal(result.records.length, result.recordCount);
        if (verdict.state !== 'refused' && ack) assert.ok(result.completeBytes >= ack.bytes, 'nothing acknowledged is cut');
      }),
      { numRuns: 1000 },
    );
  });

  it('property: damage before the acknowledged end (a cut, a flipped byte) is always refused, never clean nor cut', () => {
    fc.assert(
      fc.property(batches, damage.filter((d) => d.kind !== 'append'), fc.array(fc.nat()), (list, d, cuts) => {
        const { bytes, ends } = logOf(list);
        const ack = ends.at(-1)!;
        const verdict = assessTopic(scan(damaged(bytes, d, 0), ack, cuts), ack);
        assert.equal(verdict.state, 'refused', `${JSON.stringify(d)} was not refused`);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: damage after the acknowledged end is refused, or cut back to whole batches that include every acknowledged one, never changing a record', () => {
    fc.assert(
      fc.property(batches, fc.nat(), damage, fc.array(fc.nat()), (list, k, d, cuts) => {
        const { bytes, ends } = logOf(list);
        const ack = ends[k % ends.length];
        const result = scan(damaged(bytes, d, ack.bytes), ack, cuts);
        const verdict = assessTopic(result, ack);
        if (verdict.state === 'refused') return;
        const kept = ends.findIndex((e) => e.records === result.recordCount && e.bytes === result.completeBytes);
        assert.ok(kept >= 0, 'what is kept ends at a batch boundary of the original');
        assert.ok(result.recordCount >= ack.records, 'every acknowledged record is kept');
        assert.deepEqual(result.records, list.slice(0, kept).flat(), 'kept records are the original ones');
        if (verdict.state === 'torn-tail') assert.equal(verdict.cut.fromByte, result.completeBytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('given a torn batch after the acknowledged end, the whole batch is cut and says which records', () => {
    const { bytes, ends } = logOf([[{ key: 'a', raw: '1' }], [{ key: 'a', raw: 'vote' }, { key: 'a', raw: 'denied' }]]);
    const torn = bytes.subarray(0, bytes.length - 5);
    assert.deepEqual(assessTopic(scan(torn, ends[1]), ends[1]), {
      state: 'torn-tail',
      cut: { fromByte: ends[1].bytes, bytes: torn.length - ends[1].bytes, fromRecord: 1, records: 1, partialLine: torn.length - ends[1].bytes - (bytes.indexOf('\n', ends[1].bytes) + 1 - ends[1].bytes) },
    });
  });
});
