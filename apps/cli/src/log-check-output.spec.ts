import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogReport } from '@countersign/eventlog';
import { checkJson, checkText, EXIT } from './log-check-output.ts';

const report = (dir: string, state: LogReport['state']): LogReport => ({
  dir,
  topics: [
    { topic: 'countersign.events', path: `${dir}/topics/countersign.events.log`, fileBytes: 120, records: 2, batches: 1, acknowledged: { bytes: 80, records: 1 },
      verdict: { state: 'torn-tail', cut: { fromByte: 80, bytes: 40, fromRecord: 1, records: 1, partialLine: 10 } } },
  ],
  checkpoints: [{ group: 'g', topic: 'countersign.events', path: `${dir}/checkpoints/g@countersign.events.json`, nextOffset: 1, topicRecords: 1, state: 'within' }],
  state,
});

describe('log check output', () => {
  it('given a torn tail, says what would be cut, in offsets and bytes, and exits 3', () => {
    assert.equal(checkText(report('/data/log', 'torn-tail')), [
      'log /data/log',
      'topic countersign.events: 2 record(s) in 1 batch(es), 120 bytes, acknowledged 80 bytes (1 records): torn tail would be cut: 40 byte(s) from byte 80, 1 record(s) of an incomplete batch (offsets 1..1), an incomplete last line of 10 byte(s)',
      'checkpoint g@countersign.events: next offset 1 of 1 record(s): within the topic',
      'result: a torn tail would be cut at the next start (a write that was never acknowledged) (exit 3)',
      '',
    ].join('\n'));
    assert.equal(EXIT['torn-tail'], 3);
  });

  it('property: whatever the directory is called, each fact stays on its own line and the JSON reads back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom<LogReport['state']>('clean', 'torn-tail', 'refused'), (dir, state) => {
        const text = checkText(report(dir, state));
        assert.equal(text.split('\n').length, 5, JSON.stringify(text));
        assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
        const json = JSON.parse(checkJson(report(dir, state)));
        assert.equal(json.dir, dir);
        assert.equal(json.exitCode, EXIT[state]);
      }),
      { numRuns: 300 },
    );
  });
});
