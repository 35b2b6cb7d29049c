import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  checkpointHash, committedHeads, headsRoot, importCheckpointJwks, readCheckpoint, TOPICS, validateCheckpointEvent,
  type CheckpointKeys, type CheckpointSignedEvent,
} from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { cli } from '../support/cli-process.ts';
import { distributedEnv, removeDir, ROOT, SHAPE, startCountersign, tempDataDir, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

/**
 * Signed checkpoints (ADR 0007) as an auditor sees them, in both shapes: CheckpointSigned events
 * read from the log itself (the embedded topic file, or Kafka), each verified with the public keys
 * of /.well-known/jwks.json, their roots recomputed from the actions' own event chains.
 */
const ENV = { ...E2E_ENV, COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/standing-principals') };
const HEAD_OF = (cs: RunningCountersign) => (id: string) => client(cs.url, KEYS.carol).get(`/v1/actions/${id}/events`);

/** Every CheckpointSigned event of the system's log, in number order. */
async function checkpointsOf(cs: RunningCountersign, kafka?: EventLog): Promise<CheckpointSignedEvent[]> {
  const values: unknown[] = [];
  if (SHAPE === 'embedded') {
    const text = await readFile(join(cs.dataDir, 'log', 'topics', `${TOPICS.checkpoints}.log`), 'utf8').catch(() => '');
    // A line is an 8-digit checksum, a batch mark and the record as JSON (record-codec.ts).
    for (const line of text.split('\n').filter(Boolean)) values.push((JSON.parse(line.slice(9)) as { value: unknown }).value);
  } else {
    await kafka!.readPartition(TOPICS.checkpoints, 0, (records) => void values.push(...records.map((r) => r.value)));
  }
  return values.map((v) => {
    const check = validateCheckpointEvent(v);
    assert.ok(check.ok, JSON.stringify(v));
    return check.value;
  });
}

async function jwks(cs: RunningCountersign): Promise<CheckpointKeys> {
  const res = await client(cs.url).get('/.well-known/jwks.json');
  assert.equal(res.status, 200);
  return importCheckpointJwks(res.body);
}

/** The action's head as its own event chain gives it (the events read model). */
async function headOf(cs: RunningCountersign, id: string): Promise<{ seq: number; hash: string }> {
  const res = await HEAD_OF(cs)(id);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.chain.valid, true);
  return res.body.chain.head;
}

async function proposeRead(agent: Client): Promise<string> {
  const res = await agent.propose({ action: 'data.read', resource: `prod/checkpoints-${randomUUID().slice(0, 8)}`, params: { rows: 1 } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'approved');
  return res.body.id;
}

describe(`signed checkpoints (${SHAPE})`, () => {
  let kafka: EventLog | undefined;
  const logName = (dataDir: string) => (SHAPE === 'embedded' ? 'countersign' : distributedEnv(dataDir).COUNTERSIGN_KAFKA_NAMESPACE);

  before(async () => {
    if (SHAPE !== 'distributed') return;
    const brokers = (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
    kafka = await createKafkaEventLog({ brokers, clientId: `checkpoints-e2e-${randomUUID().slice(0, 8)}`, log: () => undefined });
  });
  after(async () => {
    await kafka?.close();
  });

  describe('at the interval', () => {
    let cs: RunningCountersign;
    before(async () => {
      cs = await startCountersign({ env: { ...ENV, COUNTERSIGN_CHECKPOINT_INTERVAL: '1s' } });
    });
    after(async () => {
      await cs.stop();
      await removeDir(cs.dataDir);
    });

    it('given a few proposals, then a checkpoint commits to every action\'s head, signed under a key of the JWKS, chained from 1', async () => {
      // given three actions decided
      const agent = client(cs.url, KEYS.agent);
      const ids = [await proposeRead(agent), await proposeRead(agent), await proposeRead(agent)];
      const heads = await Promise.all(ids.map(async (id) => {
        await until(async () => (await HEAD_OF(cs)(id)).body.chain?.head?.seq === 3, `action ${id}'s three events in /events`);
        return { streamId: id, ...(await headOf(cs, id)) };
      }));
      // when the checkpointer has signed at its interval
      const log = SHAPE === 'distributed' ? namespacedEventLog(kafka!, logName(cs.dataDir)) : undefined;
      let checkpoints: CheckpointSignedEvent[] = [];
      await until(async () => {
        checkpoints = await checkpointsOf(cs, log);
        const committed = committedHeads(checkpoints.map((c) => c.data));
        return heads.every((h) => committed.get(h.streamId)?.seq === h.seq);
      }, 'checkpoints covering the three actions');
      // then each verifies under the published keys, they chain, and the last commits to the actions' heads
      const keys = await jwks(cs);
      let prev = '0'.repeat(64);
      for (const [i, event] of checkpoints.entries()) {
        const read = await readCheckpoint(event.data.checkpoint, keys, { log: logName(cs.dataDir) });
        assert.ok(read.ok, JSON.stringify(read));
        assert.deepEqual([read.payload.number, event.seq, read.payload.prev, read.payload.root], [i + 1, i + 1, prev, event.data.root]);
        prev = read.hash;
      }
      const last = checkpoints.at(-1)!;
      assert.equal(last.data.streams, 3);
      assert.equal(last.data.root, headsRoot(heads));
      assert.deepEqual(last.actor, { id: 'checkpointer', kind: 'service' });
    });
  });

  describe('on demand, at shutdown and across a restart (a long interval: only these sign)', () => {
    let cs: RunningCountersign;
    let dataDir: string;
    const env = { ...ENV, COUNTERSIGN_CHECKPOINT_INTERVAL: '1h' };
    const log = () => (SHAPE === 'distributed' ? namespacedEventLog(kafka!, logName(dataDir)) : undefined);
    before(async () => {
      dataDir = await tempDataDir();
      cs = await startCountersign({ dataDir, env });
    });
    after(async () => {
      await cs.stop();
      await removeDir(dataDir);
    });

    const covers = async (id: string) => {
      const head = await headOf(cs, id);
      const committed = committedHeads((await checkpointsOf(cs, log())).map((c) => c.data));
      return committed.get(id)?.seq === head.seq && committed.get(id)?.hash === head.hash;
    };

    it('a non-admin\'s request is refused 403; an admin\'s is accepted 202 and a checkpoint covering the action follows', async () => {
      const id = await proposeRead(client(cs.url, KEYS.agent));
      await until(async () => (await HEAD_OF(cs)(id)).body.chain?.head?.seq === 3, 'the action\'s events in /events');
      for (const key of [KEYS.carol, KEYS.alice]) {
        const refused = await client(cs.url, key).post('/v1/audit/checkpoints');
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.type, 'https://countersign.dev/problems/forbidden');
      }
      assert.equal(await covers(id), false);
      const accepted = await client(cs.url, 'ada-key').post('/v1/audit/checkpoints');
      assert.equal(accepted.status, 202, accepted.text);
      assert.equal(accepted.body.requested, true);
      assert.equal(accepted.body.requestedBy, 'ada');
      await until(() => covers(id), 'a checkpoint covering the action after the request');
    });

    it('countersign audit checkpoint --wait: an admin waits for the next number; an auditor is refused in one line', async () => {
      const id = await proposeRead(client(cs.url, KEYS.agent));
      await until(async () => (await HEAD_OF(cs)(id)).body.chain?.head?.seq === 3, 'the action\'s events in /events');
      const refused = await cli(['audit', 'checkpoint'], cs.url, KEYS.carol);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /^countersign: request a checkpoint: 403 forbidden: carol is not an admin\.\n$/);
      const waited = await cli(['audit', 'checkpoint', '--wait', '--timeout', '60s'], cs.url, 'ada-key');
      assert.equal(waited.code, 0, waited.stderr);
      assert.match(waited.stdout, /^checkpoint \d+ signed at \S+ over \d+ stream\(s\), root [0-9a-f]{64}\n$/);
      await until(() => covers(id), 'a checkpoint covering the action after the CLI\'s request');
    });

    it('a clean stop signs a final checkpoint covering the last action; a restart continues the chain (number + 1, prev = the last)', async () => {
      // given an action after the last checkpoint
      const id = await proposeRead(client(cs.url, KEYS.agent));
      await until(async () => (await HEAD_OF(cs)(id)).body.chain?.head?.seq === 3, 'the action\'s events in /events');
      const head = await headOf(cs, id);
      const before = (await checkpointsOf(cs, log())).length;
      // when the system stops cleanly
      assert.equal(await cs.stop(), 0);
      // then a final checkpoint commits to it
      const afterStop = await checkpointsOf(cs, log());
      assert.equal(afterStop.length, before + 1);
      const final = afterStop.at(-1)!;
      assert.deepEqual(final.data.changed.find((h) => h.streamId === id), { streamId: id, ...head });
      // when it starts again on the same log and an admin asks after another action
      cs = await startCountersign({ dataDir, env });
      const next = await proposeRead(client(cs.url, KEYS.agent));
      await until(async () => (await HEAD_OF(cs)(next)).body.chain?.head?.seq === 3, 'the new action\'s events in /events');
      assert.equal((await client(cs.url, 'ada-key').post('/v1/audit/checkpoints')).status, 202);
      await until(() => covers(next), 'a checkpoint after the restart covering the new action');
      // then it continues the chain: the next number, prev the final one's hash, the envelope linked
      const all = await checkpointsOf(cs, log());
      const continued = all[afterStop.length];
      const keys = await jwks(cs);
      const [finalRead, nextRead] = await Promise.all([readCheckpoint(final.data.checkpoint, keys), readCheckpoint(continued.data.checkpoint, keys)]);
      assert.ok(finalRead.ok && nextRead.ok);
      assert.equal(nextRead.payload.number, finalRead.payload.number + 1);
      assert.equal(nextRead.payload.prev, checkpointHash(finalRead.payload));
      assert.equal(continued.prevHash, final.hash);
    });
  });
});
