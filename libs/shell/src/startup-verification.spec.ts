import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK } from 'jose';
import { TOPICS, type EventEnvelope } from '@countersign/contracts';
import { EvidenceWriter, rotatingKeys } from '@countersign/contracts/testing';
import type { DeliveredRecord, EventLog } from '@countersign/eventlog';
import type { CheckpointKeySet } from '@countersign/runtime';
import { refusalLine, verifiedLine, verifyLoadedLog } from './startup-verification.ts';

const fixture = await rotatingKeys();
const keySet: CheckpointKeySet = {
  signer: { kid: 'cp-b', privateKey: fixture.signers['cp-b'] },
  keys: await Promise.all([...fixture.keys].map(async ([kid, k]) => ({ kid, x: (await exportJWK(k.publicKey)).x!, publicKey: k.publicKey as never, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }))),
};

/** Only what the verification reads of the port: every record of a topic, in batches. */
function logOf(topics: Record<string, EventEnvelope[]>): EventLog {
  const readAll = async (topic: string, onBatch: (records: DeliveredRecord[]) => Promise<void> | void) => {
    const records = (topics[topic] ?? []).map((e, i) => ({ topic, key: e.streamId, offset: String(i), partition: 0, raw: JSON.stringify(e), value: e }));
    for (let i = 0; i < records.length; i += 2) await onBatch(records.slice(i, i + 2));
  };
  return { readAll } as unknown as EventLog;
}

async function written() {
  const w = new EvidenceWriter(fixture);
  w.write('a', 2); w.write('b', 1);
  await w.checkpoint(10);
  w.write('a', 1);
  await w.checkpoint(40);
  w.write('c', 1);
  return { events: w.events, checkpoints: w.checkpoints };
}

describe('verification at start', () => {
  it('given an untampered log with a tail, it verifies across the rotation and the line says what is covered and how long it took', async () => {
    const log = await written();
    const { verdict, ms } = await verifyLoadedLog(logOf({ [TOPICS.events]: log.events, [TOPICS.checkpoints]: log.checkpoints }), keySet, () => 7);
    assert.equal(verdict.verdict, 'verified');
    assert.equal(ms, 0);
    assert.equal(verifiedLine(verdict, 12), 'log verified in 12 ms: 4 events in 2 streams under checkpoint 2 (2026-01-01T00:40:00.000Z, cp-b); 1 event after it chain-checked only');
  });

  it('given no checkpoint yet, the line never says verified', async () => {
    const log = await written();
    const { verdict } = await verifyLoadedLog(logOf({ [TOPICS.events]: log.events }), keySet);
    assert.equal(verifiedLine(verdict, 3), 'log checked in 3 ms: no signed checkpoint yet; 5 events chain-checked only');
  });

  it('when a covered stream is gone, the refusal is one escaped line naming each finding and how to see them all', async () => {
    const log = await written();
    const events = log.events.filter((e) => e.streamId !== 'a').map((e) => (e.streamId === 'b' ? { ...e, data: { x: 1 } } : e));
    const { verdict } = await verifyLoadedLog(logOf({ [TOPICS.events]: events, [TOPICS.checkpoints]: log.checkpoints }), keySet);
    const line = refusalLine('/data\n', verdict);
    assert.equal(line, 'refusing to start: the log in /data\\n fails verification (nothing was changed): event-edited stream "b" seq 1; stream-deleted stream "a" seq 3 checkpoint 1. ' +
      'Run `countersign audit verify /data\\n` for every finding; see docs/audit.md');
  });
});
