import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LogVerdict } from '@countersign/contracts';
import { failed, verifyJson, verifyText } from './audit-verify-output.ts';

const checkpoint = { v: 1 as const, log: 'countersign', number: 7, at: '2026-01-01T00:10:00.000Z', streams: 3, root: 'r'.repeat(64), positions: {}, prev: 'p'.repeat(64) };
const verified: LogVerdict = {
  verdict: 'verified', findings: [{ code: 'uncovered-tail', severity: 'warning', detail: '2 events…' }],
  covered: { events: 40, streams: 3 }, tail: { events: 2, streams: 1 }, checkpoint, kid: 'cp-1',
};

describe('audit verify output', () => {
  it('given a verified log, one line says what is covered, under which checkpoint and key, and what is not', () => {
    assert.equal(verifyText({ source: 'dir', verdict: verified }),
      'verified: 40 events in 3 streams under checkpoint 7 (signed 2026-01-01T00:10:00.000Z by cp-1); 2 events after it not covered (1 stream no checkpoint covers yet)\n');
    assert.match(verifyText({ source: 'dir', verdict: { ...verified, findings: [], tail: { events: 0, streams: 0 } } }), /; every event is covered\n$/);
  });

  it('given no checkpoint, it never says verified', () => {
    const text = verifyText({ source: 'dir', verdict: { ...verified, covered: { events: 0, streams: 0 }, tail: { events: 5, streams: 2 }, checkpoint: undefined, kid: undefined } });
    assert.equal(text, 'not verified: no signed checkpoint in dir; 5 events in 2 streams are chain-checked only\n');
  });

  it('given findings, one FAILED line each names code, stream, seq and checkpoint, with control and bidi characters escaped', () => {
    const v: LogVerdict = {
      ...verified, verdict: 'failed', omitted: 3,
      findings: [
        { code: 'head-mismatch', severity: 'error', streamId: 'a\u202eb\nFAILED: fake', seq: 4, checkpoint: 2, detail: 'changed' },
        { code: 'checkpoint-chain-broken', severity: 'error', checkpoint: 3, detail: 'gap' },
        ...verified.findings,
      ],
    };
    const lines = verifyText({ source: 'b.tar.gz', verdict: v, bundleProblems: ['README.md: sha256 …'] }).split('\n');
    assert.deepEqual(lines, [
      'FAILED: b.tar.gz: 6 findings',
      'FAILED: bundle: README.md: sha256 …',
      'FAILED: head-mismatch stream "a\\u202eb\\nFAILED: fake" seq 4 checkpoint 2: changed',
      'FAILED: checkpoint-chain-broken checkpoint 3: gap',
      'FAILED: 3 more findings not shown (see --json for the first 3)',
      '',
    ]);
  });

  it('a bundle whose files differ from its manifest fails even when the log verifies, in text and in JSON', () => {
    const report = { source: 'b', verdict: verified, bundleProblems: ['x: missing'] };
    assert.equal(failed(report), true);
    assert.deepEqual([JSON.parse(verifyJson(report)).verdict, JSON.parse(verifyJson(report)).bundleProblems], ['failed', ['x: missing']]);
    assert.equal(JSON.parse(verifyJson({ source: 'b', verdict: verified })).verdict, 'verified');
  });
});
