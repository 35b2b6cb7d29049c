import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Problem } from '../problem.ts';
import { formatFeedId, parseFeedPosition, parseSeqId } from './last-event-id.ts';

/** The refusal: 400 invalid-request, naming the header (never a crash, never another status). */
function refusedNamingHeader(read: () => unknown): void {
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof Problem);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid-request');
    assert.equal(error.errors?.[0].header, 'Last-Event-ID');
    return true;
  });
}

const ACTION = '01a20091-eb2d-75d6-af37-4376e1c720d1';

describe('Last-Event-ID of an action stream', () => {
  it('given no header or an empty one, when parsed, then the stream starts at the first event', () => {
    assert.equal(parseSeqId(undefined), 0);
    assert.equal(parseSeqId(''), 0);
  });

  it('given a seq, when parsed, then the stream resumes after it', () => {
    assert.equal(parseSeqId('0'), 0);
    assert.equal(parseSeqId('17'), 17);
    assert.equal(parseSeqId(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  });

  it('given anything else, when parsed, then 400 names the header', () => {
    for (const bad of ['-1', '+1', '01', '1.0', '1e3', ' 1', '1 ', '0x10', '9007199254740992', '99999999999999999', 'NaN', '1, 2', '٣', `${ACTION}:00000001`]) {
      refusedNamingHeader(() => parseSeqId(bad));
    }
    refusedNamingHeader(() => parseSeqId(['1', '2']));
  });

  it('whatever a client sends, it is a seq that reads back as sent, or a 400 naming the header', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9]{1,20}$/), fc.nat().map(String)), (raw) => {
      let seq: number;
      try {
        seq = parseSeqId(raw);
      } catch (error) {
        assert.ok(error instanceof Problem && error.status === 400 && error.errors?.[0].header === 'Last-Event-ID');
        return;
      }
      assert.ok(Number.isSafeInteger(seq) && seq >= 0);
      assert.equal(raw === '' ? '0' : raw, String(seq));
    }), { numRuns: 500 });
  });
});

describe('Last-Event-ID of an approver feed', () => {
  it('given a position this API wrote, when parsed, then it reads back as written', () => {
    const id = formatFeedId({ at: '2026-11-02T09:00:01.120Z', entryId: `${ACTION}:00000003` });
    assert.equal(id, `2026-11-02T09:00:01.120Z~${ACTION}:00000003`);
    assert.deepEqual(parseFeedPosition(id), { at: '2026-11-02T09:00:01.120Z', entryId: `${ACTION}:00000003` });
    assert.equal(parseFeedPosition(undefined), undefined);
    assert.equal(parseFeedPosition(''), undefined);
  });

  it('given a seq, a time that does not exist, or a malformed position, when parsed, then 400 names the header', () => {
    for (const bad of ['5', `2026-13-02T09:00:01.120Z~${ACTION}:00000003`, `2026-11-02T09:00:01.120Z~${ACTION}:3`,
      `2026-11-02T09:00:01.120Z ${ACTION}:00000003`, `2026-11-02T09:00:01.120Z~:00000003`, `2026-11-02T09:00:01.120Z~a/b:00000003`,
      `2026-11-02T09:00:01.120Z~${'a'.repeat(190)}:00000003`]) {
      refusedNamingHeader(() => parseFeedPosition(bad));
    }
  });

  it('whatever a client sends, it is a position that formats back to it, or a 400 naming the header', () => {
    const plausible = fc.tuple(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }), fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/), fc.integer({ min: 0, max: 99_999_999 }))
      .map(([at, action, seq]) => `${at.toISOString()}~${action}:${String(seq).padStart(8, '0')}`);
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 300 }), plausible), (raw) => {
      let position;
      try {
        position = parseFeedPosition(raw);
      } catch (error) {
        assert.ok(error instanceof Problem && error.status === 400 && error.errors?.[0].header === 'Last-Event-ID');
        return;
      }
      if (raw === '') return assert.equal(position, undefined);
      assert.ok(position);
      assert.equal(formatFeedId(position), raw);
    }), { numRuns: 500 });
  });
});
